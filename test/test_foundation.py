"""Issue 3: frames from the built node reach a real rclpy subscriber."""
import re
import signal
import subprocess
import time

import cv2
import numpy as np
import pytest
from sensor_msgs.msg import CameraInfo, CompressedImage, Image

import pattern
from conftest import NODE_BIN


def stamp_ns(msg):
    return msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec


def as_array(img):
    channels = {"rgb8": 3, "bgr8": 3, "mono8": 1}[img.encoding]
    a = np.frombuffer(bytes(img.data), np.uint8).reshape(img.height, img.step)
    return a[:, : img.width * channels].reshape(img.height, img.width, channels)


@pytest.mark.parametrize("width,height,encoding", [(640, 480, "rgb8"), (320, 240, "bgr8")])
def test_three_topics_agree(start_node, client, width, height, encoding):
    ns = f"/t{width}"
    node = start_node("-r", f"__ns:={ns}", "-p", "source:=testpattern://", "-p", f"image_width:={width}",
                      "-p", f"image_height:={height}", "-p", f"output_encoding:={encoding}",
                      "-p", "frame_id:=cam_optical", "-p", "http_port:=0")
    client.subscribe(Image, f"{ns}/image_raw")
    client.subscribe(CompressedImage, f"{ns}/image_raw/compressed")
    client.subscribe(CameraInfo, f"{ns}/camera_info")
    images = client.wait_for(f"{ns}/image_raw", 10, node=node)
    comps = client.wait_for(f"{ns}/image_raw/compressed", 10, node=node)
    infos = client.wait_for(f"{ns}/camera_info", 10, node=node)

    for img in images:
        assert (img.width, img.height, img.encoding) == (width, height, encoding)
        assert img.step == width * 3 and len(img.data) == img.step * img.height
        assert img.is_bigendian == 0
        assert img.header.frame_id == "cam_optical"
    counters = []
    for img in images:
        rgb = as_array(img)
        if encoding == "bgr8":
            rgb = rgb[:, :, ::-1]
        count = pattern.counter(rgb)
        assert pattern.check_bars(rgb, count) >= 10
        counters.append(count)
    assert counters == sorted(counters) and len(set(counters)) == len(counters), counters

    stamps = [stamp_ns(m) for m in images]
    assert all(b > a for a, b in zip(stamps, stamps[1:])), "image stamps must strictly increase"

    for c in comps:
        assert c.format == "jpeg" and c.header.frame_id == "cam_optical"
        dec = cv2.imdecode(np.frombuffer(bytes(c.data), np.uint8), cv2.IMREAD_COLOR)
        assert dec is not None and dec.shape == (height, width, 3)
    for i in infos:
        assert (i.width, i.height, i.header.frame_id) == (width, height, "cam_optical")

    # One header per frame: every stamp seen on two topics is the same frame.
    by_stamp = {stamp_ns(m): pattern.counter(as_array(m)[:, :, ::-1] if encoding == "bgr8" else as_array(m)) for m in images}
    common = set(by_stamp) & {stamp_ns(m) for m in comps} & {stamp_ns(m) for m in infos}
    assert len(common) >= 3, "the three topics should share stamps for the same frames"
    for c in comps:
        if stamp_ns(c) in by_stamp:
            rgb = cv2.cvtColor(cv2.imdecode(np.frombuffer(bytes(c.data), np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            assert pattern.counter(rgb) == by_stamp[stamp_ns(c)]
    assert node.stop() == 0


def test_delivered_rate(start_node, client):
    node = start_node("-r", "__ns:=/rate", "-p", "source:=testpattern://", "-p", "framerate:=30.0", "-p", "http_port:=0")
    client.subscribe(Image, "/rate/image_raw")
    client.wait_for("/rate/image_raw", 5, node=node)
    client.msgs["/rate/image_raw"].clear()
    client.spin_for(3.0)
    got = client.msgs["/rate/image_raw"]
    fps = (len(got) - 1) / (got[-1][0] - got[0][0])
    print(f"delivered {fps:.1f} fps at 640x480 rgb8")
    assert fps > 20, f"delivered only {fps:.1f} fps of 30"
    node.stop()


@pytest.mark.parametrize("remap,topic", [
    (["-r", "__ns:=/cam1"], "/cam1/image_raw"),
    (["-r", "__ns:=/cam2", "-r", "__node:=front"], "/cam2/image_raw"),
    (["-r", "__ns:=/cam3", "-r", "image_raw:=/elsewhere/img"], "/elsewhere/img"),
])
def test_remaps(start_node, client, remap, topic):
    node = start_node(*remap, "-p", "source:=testpattern://", "-p", "image_width:=160", "-p", "image_height:=120", "-p", "http_port:=0")
    client.subscribe(Image, topic)
    client.wait_for(topic, 2, node=node)
    names = dict(client.node.get_topic_names_and_types())
    assert topic in names
    if "__node:=front" in remap:
        assert client.spin_until(lambda: ("front", "/cam2") in client.node.get_node_names_and_namespaces(), 5)
    node.stop()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_exits_zero(start_node, client, sig):
    node = start_node("-r", "__ns:=/sig", "-p", "source:=testpattern://", "-p", "http_port:=0")
    client.subscribe(Image, "/sig/image_raw")
    client.wait_for("/sig/image_raw", 2, node=node)
    t0 = time.monotonic()
    code = node.stop(sig)
    took = time.monotonic() - t0
    assert code == 0, node.output()
    assert took < 3.0, f"exit took {took:.2f}s"
    print(f"exit after {sig.name} took {took:.3f}s")


# Every bad start-up input the torture run tried (issue 14), with the exact
# line each gets today. The node's own line ("webcam_node: ...") is the first
# line of stderr that is not a ROS log line: errors found by rcl's argument
# parser come before any logging, those in the parameters after rcl's
# start-up INFO lines. rcl's source locations (", at /project/src/x.c:238")
# depend on how rcl was built, so they are compared without them. Program
# arguments exit 2 (usage), everything else 1; none may show a Go stack.
TP = ["-p", "source:=testpattern://", "-p", "http_port:=0"]
RCL_AT = re.compile(r", at \S+\.c:\d+")
ROS_LOG = re.compile(r"^\[(DEBUG|INFO|WARN|ERROR|FATAL)\] \[\d+\.\d+\] \[")
BAD_START = [
    ("unknown ros flag", ["--ros-args", "--bogus-flag"], 1,
     'webcam_node: unknown --ros-args "--bogus-flag" (allowed: -r/--remap, -p/--param, --params-file, --log-level, '
     "--enclave, -e, --log-config-file, --[disable-]stdout-logs, --[disable-]rosout-logs, --[disable-]external-lib-logs)"),
    ("-p rule without :=", ["--ros-args", "-p", "image_width"], 1,
     "webcam_node: bad --ros-args \"-p image_width\": Couldn't parse parameter override rule: '-p image_width'. "
     "Error: Expected lexeme type (22) not found, search ended at index 11"),
    ("-p value bad YAML", ["--ros-args", "-p", "image_width:=[1, 2"], 1,
     "webcam_node: bad --ros-args \"-p image_width:=[1, 2\": Couldn't parse parameter override rule: "
     "'-p image_width:=[1, 2'. Error: Error parsing an event"),
    ("params file missing", ["--ros-args", "--params-file", "/nonexistent/webcam.yaml"], 1,
     "webcam_node: bad --ros-args \"--params-file /nonexistent/webcam.yaml\": Couldn't parse params file: "
     "'--params-file /nonexistent/webcam.yaml'. Error: Error opening YAML file"),
    ("params file malformed", ["--ros-args", "--params-file", "{malformed}"], 1,
     "webcam_node: bad --ros-args \"--params-file {malformed}\": Couldn't parse params file: "
     "'--params-file {malformed}'. Error: Cannot have a value before ros__parameters at line 2"),
    ("unknown source scheme", ["--ros-args", "-p", "source:=nosuch://x", "-p", "http_port:=0"], 1,
     "webcam_node: parameter 'source': source \"nosuch://x\": unknown scheme \"nosuch\" "
     "(supported: faulty, file, gst, http, https, rawfile, rtsp, rtsps, testpattern, v4l2)"),
    ("bad testpattern option", ["--ros-args", "-p", "source:=testpattern://?pattern=zebra", "-p", "http_port:=0"], 1,
     'webcam_node: testpattern: pattern "zebra" is not one of: bars'),
    ("image_width too small", ["--ros-args", *TP, "-p", "image_width:=7"], 1,
     "webcam_node: parameter 'image_width': 7 is not allowed (allowed: 16..8192)"),
    ("image_height too large", ["--ros-args", *TP, "-p", "image_height:=100000"], 1,
     "webcam_node: parameter 'image_height': 100000 is not allowed (allowed: 16..8192)"),
    ("image_width odd", ["--ros-args", *TP, "-p", "image_width:=641"], 1,
     "webcam_node: testpattern: width 641 must be even"),
    ("framerate 0", ["--ros-args", *TP, "-p", "framerate:=0.0"], 1,
     "webcam_node: parameter 'framerate': 0 is not allowed (allowed: 0.1..1000)"),
    ("framerate negative", ["--ros-args", *TP, "-p", "framerate:=-5.0"], 1,
     "webcam_node: parameter 'framerate': -5 is not allowed (allowed: 0.1..1000)"),
    ("framerate huge", ["--ros-args", *TP, "-p", "framerate:=100000.0"], 1,
     "webcam_node: parameter 'framerate': 100000 is not allowed (allowed: 0.1..1000)"),
    ("string for int", ["--ros-args", *TP, "-p", "image_width:=wide"], 1,
     "webcam_node: parameter 'image_width' is of type integer; string \"wide\" is not allowed"),
    ("double for int", ["--ros-args", *TP, "-p", "jpeg_quality:=80.5"], 1,
     "webcam_node: parameter 'jpeg_quality' is of type integer; double 80.5 is not allowed"),
    ("unknown pixel_format", ["--ros-args", *TP, "-p", "pixel_format:=bogus"], 1,
     "webcam_node: parameter 'pixel_format': \"bogus\" is not allowed (allowed: one of: \"\", bgr24, bgr8, grey, jpeg, "
     "mjpeg, mjpeg2rgb, mono8, raw_mjpeg, rgb24, rgb8, uyvy, uyvy2rgb, yuyv, yuyv2rgb)"),
    ("unknown output_encoding", ["--ros-args", *TP, "-p", "output_encoding:=rgba16"], 1,
     "webcam_node: parameter 'output_encoding': \"rgba16\" is not allowed "
     "(allowed: one of: auto, rgb8, bgr8, mono8, yuv422_yuy2, yuv422)"),
    ("jpeg_quality 0", ["--ros-args", *TP, "-p", "jpeg_quality:=0"], 1,
     "webcam_node: parameter 'jpeg_quality': 0 is not allowed (allowed: 1..100)"),
    ("jpeg_quality 101", ["--ros-args", *TP, "-p", "jpeg_quality:=101"], 1,
     "webcam_node: parameter 'jpeg_quality': 101 is not allowed (allowed: 1..100)"),
    ("http_port out of range", ["--ros-args", "-p", "source:=testpattern://", "-p", "http_port:=70000"], 1,
     "webcam_node: parameter 'http_port': 70000 is not allowed (allowed: 0..65535)"),
    ("camera_name bad characters", ["--ros-args", *TP, "-p", "camera_name:=my cam/../x"], 1,
     "webcam_node: parameter 'camera_name': camera name \"my cam/../x\" contains ' '; it may hold only letters, "
     "digits and '_' (it names the calibration file)"),
    ("unknown program argument", ["--no-such-option"], 2,
     'webcam_node: unknown argument "--no-such-option"'),
    ("-r rule without :=", ["--ros-args", *TP, "-r", "image_raw"], 1,
     "webcam_node: bad --ros-args \"-p source:=testpattern:// -p http_port:=0 -r image_raw\": Couldn't parse remap "
     "rule: '-r image_raw'. Error: Expected lexeme type (19) not found, search ended at index 9"),
    ("-r namespace not a name", ["--ros-args", *TP, "-r", "__ns:=not a namespace"], 1,
     "webcam_node: bad --ros-args \"-p source:=testpattern:// -p http_port:=0 -r __ns:=not a namespace\": Couldn't "
     "parse remap rule: '-r __ns:=not a namespace'. Error: Expected lexeme type 19, got 18 at index 6"),
]


@pytest.mark.parametrize("args,code,line", [c[1:] for c in BAD_START], ids=[c[0] for c in BAD_START])
def test_bad_input_exits_with_clear_error(tmp_path, args, code, line):
    malformed = tmp_path / "malformed.yaml"
    malformed.write_text("webcam:\n  ros__parameters: [unclosed\n")
    args = [a.replace("{malformed}", str(malformed)) for a in args]
    line = line.replace("{malformed}", str(malformed))
    p = subprocess.run([str(NODE_BIN), *args], capture_output=True, text=True, timeout=30)
    out = p.stdout + p.stderr
    assert p.returncode == code, out
    own = [ln for ln in p.stderr.splitlines() if not ROS_LOG.match(ln)]
    assert own, out
    assert RCL_AT.sub("", own[0]) == line, out
    assert "goroutine " not in out and "panic" not in out, out
