"""Issue 3: frames from the built node reach a real rclpy subscriber."""
import signal
import time

import cv2
import numpy as np
import pytest
from sensor_msgs.msg import CameraInfo, CompressedImage, Image

import pattern


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


@pytest.mark.parametrize("args,needle", [
    (["--ros-args", "--bogus-flag"], "--bogus-flag"),
    (["--ros-args", "-p", "source:=nosuch://x"], "nosuch"),
    (["--ros-args", "-p", "source:=testpattern://", "-p", "image_width:=7"], "image_width"),
    (["--ros-args", "-p", "source:=testpattern://", "-p", "framerate:=0.0"], "framerate"),
    (["--ros-args", "-p", "source:=testpattern://", "-p", "image_width:=wide"], "image_width"),
    (["--ros-args", "-p", "source:=testpattern://?pattern=zebra"], "zebra"),
    (["--no-such-option"], "--no-such-option"),
])
def test_bad_input_exits_with_clear_error(start_node, args, needle):
    node = start_node(extra=args)
    code = node.proc.wait(15)
    out = node.output()
    assert code != 0, out
    assert needle in out, out
    assert "panic" not in out and "goroutine" not in out, out
