"""The built-in viewer also serves other nodes' image topics (issue 8, stretch):
listed, streamed and snapshotted under their own names, subscribed on demand
with a QoS the publisher matches, and unsubscribed after the last viewer."""
import json
import threading
import time
import urllib.error
import urllib.request

import cv2
import numpy as np
import pytest
import rclpy
from rcl_interfaces.msg import Parameter, ParameterType, ParameterValue
from rcl_interfaces.srv import SetParameters
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import CompressedImage, Image

from test_http_node import free_port, read_parts, wait_http

RAW = "/rover/front/image_raw"               # rgb8, best effort
JPEG = "/rover/rear/image_raw/compressed"    # CompressedImage, reliable
MONO16 = "/rover/depth/image_raw"            # an encoding the viewer refuses
LINGER = 3.0                                 # httpview's default


def rgb_pattern(w=320, h=240):
    """Smooth gradients and four solid blocks: survives JPEG within a few levels."""
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([x * 255 // w, y * 255 // h, np.full_like(x, 128)], axis=-1).astype(np.uint8)
    img[20:80, 20:100] = (255, 0, 0)
    img[20:80, 200:280] = (0, 0, 255)
    img[150:220, 40:140] = (0, 255, 0)
    img[150:220, 180:300] = (255, 255, 255)
    return img


class Cameras:
    """Three publishers of another node, spun on a thread of their own."""

    def __init__(self):
        self.node = Node("rover_cameras")
        self.rgb = rgb_pattern()
        bgr = cv2.cvtColor(rgb_pattern(200, 100), cv2.COLOR_RGB2BGR)
        # Distinct JPEGs (qualities), so a part can be matched to what was sent.
        self.jpegs = [cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes() for q in (50, 70, 90)]
        self.raw_pub = self.node.create_publisher(Image, RAW, qos_profile_sensor_data)
        self.jpeg_pub = self.node.create_publisher(CompressedImage, JPEG, QoSProfile(depth=2))
        self.mono16_pub = self.node.create_publisher(Image, MONO16, QoSProfile(depth=2))
        self.count = 0
        self.node.create_timer(1 / 15, self.publish)
        self.executor = SingleThreadedExecutor()
        self.executor.add_node(self.node)
        self.thread = threading.Thread(target=self.executor.spin, daemon=True)
        self.thread.start()

    def publish(self):
        stamp = self.node.get_clock().now().to_msg()
        h, w, _ = self.rgb.shape
        img = Image(height=h, width=w, encoding="rgb8", step=w * 3, data=self.rgb.tobytes())
        img.header.stamp = stamp
        self.raw_pub.publish(img)
        c = CompressedImage(format="jpeg", data=self.jpegs[self.count % len(self.jpegs)])
        c.header.stamp = stamp
        self.jpeg_pub.publish(c)
        self.mono16_pub.publish(Image(height=4, width=4, encoding="mono16", step=8, data=bytes(32)))
        self.count += 1

    def subscriptions(self, topic):
        return self.node.get_subscriptions_info_by_topic(topic)

    def close(self):
        self.executor.shutdown()
        self.thread.join(5)
        self.node.destroy_node()


@pytest.fixture
def cameras(ros):
    c = Cameras()
    yield c
    c.close()


@pytest.fixture
def viewer(start_node, cameras):
    port = free_port()
    node = start_node("-r", "__ns:=/graphview", "-p", "source:=testpattern://", "-p", "image_width:=160",
                      "-p", "image_height:=120", "-p", f"http_port:={port}", "-p", "http_address:=127.0.0.1")
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/state", node)
    yield node, base
    assert node.stop() == 0, node.output()


def state(base):
    with urllib.request.urlopen(f"{base}/state", timeout=5) as r:
        return json.loads(r.read())


def graph_of(base):
    return {t["topic"]: t for t in state(base)["http"]["graph"]}


def wait_until(cond, timeout, what, node):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout}s\n{node.output()}")


def test_graph_topics_listed_and_served(viewer, cameras):
    node, base = viewer
    wait_until(lambda: {RAW, JPEG} <= graph_of(base).keys(), 15, "graph topics listed in /state", node)
    graph = graph_of(base)
    assert graph[RAW]["type"] == "sensor_msgs/msg/Image" and graph[JPEG]["type"] == "sensor_msgs/msg/CompressedImage"
    assert not graph[RAW]["subscribed"] and not graph[JPEG]["subscribed"], graph
    assert not any(t.startswith("/graphview/") for t in graph), "the node's own topics are not graph topics"
    assert cameras.subscriptions(RAW) == [], "nothing is subscribed while nobody watches"
    with urllib.request.urlopen(f"{base}/", timeout=5) as r:
        page = r.read().decode()
    assert RAW in page and JPEG in page

    # A raw best-effort topic: encoded to JPEG, with the published size and content.
    parts = read_parts(f"{base}/stream?topic={RAW}&type=mjpeg", 3)
    for p in parts:
        img = cv2.cvtColor(cv2.imdecode(np.frombuffer(p, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        assert img.shape == cameras.rgb.shape
        assert np.abs(img.astype(int) - cameras.rgb).mean() < 4, "decoded frame differs from the published one"

    # A CompressedImage topic as ros_compressed: the published bytes, unchanged.
    for p in read_parts(f"{base}/stream?topic={JPEG}&type=ros_compressed", 4):
        assert p in cameras.jpegs, f"part of {len(p)} bytes is not one of the published JPEGs"

    for topic, shape in ((RAW, (240, 320, 3)), (JPEG, (100, 200, 3))):
        with urllib.request.urlopen(f"{base}/snapshot?topic={topic}", timeout=10) as r:
            assert r.headers["Content-Type"] == "image/jpeg"
            assert cv2.imdecode(np.frombuffer(r.read(), np.uint8), cv2.IMREAD_COLOR).shape == shape

    with urllib.request.urlopen(f"{base}/stream_viewer?topic={JPEG}", timeout=5) as r:
        assert f"/stream?topic={JPEG.replace('/', '%2F')}" in r.read().decode()

    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{base}/stream?topic=/rover/none/image_raw", timeout=5)
    body = e.value.read().decode()
    assert e.value.code == 404 and RAW in body and "/graphview/image_raw" in body, body


def test_subscription_matches_qos_and_ends_after_viewer(viewer, cameras):
    node, base = viewer
    wait_until(lambda: RAW in graph_of(base), 15, f"{RAW} listed", node)
    url = f"{base}/stream?topic={RAW}"
    with urllib.request.urlopen(url, timeout=5) as r:
        while not r.readline().lower().startswith(b"content-length:"):
            pass  # one part arrived: the best-effort topic reached a matching subscription
        subs = cameras.subscriptions(RAW)
        assert len(subs) == 1, subs
        assert subs[0].qos_profile.reliability == ReliabilityPolicy.BEST_EFFORT
        assert graph_of(base)[RAW]["subscribed"] and graph_of(base)[RAW]["viewers"] == 1
    # The viewer left: the subscription lingers, then goes.
    left = time.monotonic()
    wait_until(lambda: cameras.subscriptions(RAW) == [], LINGER + 7, "subscription dropped after the linger", node)
    assert time.monotonic() - left > LINGER - 1, "the subscription should outlive the viewer by the linger"
    assert not graph_of(base)[RAW]["subscribed"]

    # The reliable topic gets a reliable subscription.
    with urllib.request.urlopen(f"{base}/snapshot?topic={JPEG}", timeout=10) as r:
        r.read()
    subs = cameras.subscriptions(JPEG)
    assert len(subs) == 1 and subs[0].qos_profile.reliability == ReliabilityPolicy.RELIABLE, subs


def test_unsupported_encoding_and_switching_off(viewer, cameras, client):
    node, base = viewer
    wait_until(lambda: MONO16 in graph_of(base), 15, f"{MONO16} listed", node)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{base}/snapshot?topic={MONO16}", timeout=15)
    body = e.value.read().decode()
    assert e.value.code == 503 and '"mono16" is not supported' in body and "rgb8" in body, body
    assert "mono16" in graph_of(base)[MONO16].get("error", "")

    cli = client.node.create_client(SetParameters, "/graphview/webcam/set_parameters")
    assert cli.wait_for_service(timeout_sec=10)
    fut = cli.call_async(SetParameters.Request(parameters=[Parameter(name="http_graph_topics", value=ParameterValue(
        type=ParameterType.PARAMETER_BOOL, bool_value=False))]))
    assert client.spin_until(fut.done, 10)
    assert fut.result().results[0].successful, fut.result().results[0].reason
    wait_http(f"{base}/state", node)
    st = state(base)["http"]
    assert st["graph_topics"] is False and st["graph"] == []
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{base}/snapshot?topic={RAW}", timeout=5)
    assert e.value.code == 404
    wait_until(lambda: cameras.subscriptions(MONO16) == [], 5, "subscriptions ended with the graph switched off", node)


def test_qos_profile_picks_the_subscription(viewer, cameras):
    """qos_profile (web_video_server's names) sets how the viewer subscribes:
    sensor_data subscribes best effort and shows the best-effort-only camera;
    default (reliable) cannot reach it and says so with a 409 instead of a blank
    stream; an unknown name is a 400; each profile of a topic is a subscription
    of its own, next to the automatic one."""
    node, base = viewer
    wait_until(lambda: {RAW, JPEG} <= graph_of(base).keys(), 15, "graph topics listed", node)

    for p in read_parts(f"{base}/stream?topic={RAW}&qos_profile=sensor_data", 3):
        assert cv2.imdecode(np.frombuffer(p, np.uint8), cv2.IMREAD_COLOR).shape == (240, 320, 3)
    subs = cameras.subscriptions(RAW)
    assert len(subs) == 1 and subs[0].qos_profile.reliability == ReliabilityPolicy.BEST_EFFORT, subs

    for query, code, words in ((f"topic={RAW}&qos_profile=default", 409,
                                ["qos_profile default", "best effort", "qos_profile=sensor_data"]),
                               (f"topic={RAW}&qos_profile=services_default", 400,
                                ['"services_default"', "allowed: default, system_default, sensor_data"])):
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(f"{base}/stream?{query}", timeout=10)
        body = e.value.read().decode()
        assert e.value.code == code and all(w in body for w in words), (e.value.code, body)

    # The reliable topic: the automatic subscription is reliable, sensor_data's best effort; both at once.
    for q in ("", "&qos_profile=sensor_data"):
        with urllib.request.urlopen(f"{base}/snapshot?topic={JPEG}{q}", timeout=10) as r:
            assert r.read() in cameras.jpegs
    reliabilities = sorted(s.qos_profile.reliability for s in cameras.subscriptions(JPEG))
    assert reliabilities == sorted([ReliabilityPolicy.RELIABLE, ReliabilityPolicy.BEST_EFFORT]), reliabilities
    assert graph_of(base)[JPEG]["qos_profiles"] == ["auto", "sensor_data"], graph_of(base)[JPEG]
    wait_until(lambda: cameras.subscriptions(JPEG) == [], LINGER + 7, "both subscriptions dropped after the linger", node)
