"""Issue 5: parameter changes take effect while the node runs."""
import statistics

import pytest
from sensor_msgs.msg import CameraInfo, CompressedImage, Image

from paramclient import Params


@pytest.fixture
def env(tmp_path):
    return {"ROS_HOME": str(tmp_path / "ros_home")}


def start(start_node, env, ns, *args):
    node = start_node("-r", f"__ns:={ns}", "-p", "source:=testpattern://", "-p", "http_port:=0", *args, env=env)
    return node


def fresh(client, topic, seconds):
    """The messages on topic over the next `seconds`, with arrival times."""
    client.msgs.setdefault(topic, []).clear()
    client.spin_for(seconds)
    return list(client.msgs[topic])


def rate(got):
    return (len(got) - 1) / (got[-1][0] - got[0][0]) if len(got) > 1 else 0.0


def test_jpeg_quality_changes_compressed_size(start_node, client, env):
    node = start(start_node, env, "/live_q", "-p", "jpeg_quality:=95")
    p = Params(client, "/live_q/webcam")
    topic = "/live_q/image_raw/compressed"
    client.subscribe(CompressedImage, topic)
    client.wait_for(topic, 5, node=node)
    high = statistics.median(len(m.data) for _, m in fresh(client, topic, 1.0))
    assert p.set_one("jpeg_quality", 10).successful
    client.spin_for(0.3)  # frames already in flight
    low = statistics.median(len(m.data) for _, m in fresh(client, topic, 1.0))
    print(f"compressed 640x480 test pattern: q95 {high:.0f} B, q10 {low:.0f} B")
    assert low < 0.6 * high, (high, low)
    node.stop()


def test_framerate_changes_delivered_rate(start_node, client, env):
    node = start(start_node, env, "/live_fps", "-p", "framerate:=30.0", "-p", "image_width:=160", "-p", "image_height:=120")
    p = Params(client, "/live_fps/webcam")
    topic = "/live_fps/image_raw"
    client.subscribe(Image, topic)
    client.wait_for(topic, 5, node=node)
    before = rate(fresh(client, topic, 2.0))
    assert p.set_one("framerate", 10.0).successful
    client.spin_for(0.5)
    after = rate(fresh(client, topic, 3.0))
    print(f"delivered rate: {before:.1f} fps at framerate 30, {after:.1f} fps at framerate 10")
    assert before > 20 and 5 < after < 15, (before, after)
    node.stop()


def test_image_size_change_reopens_the_source(start_node, client, env):
    node = start(start_node, env, "/live_size")
    p = Params(client, "/live_size/webcam")
    client.subscribe(Image, "/live_size/image_raw")
    client.subscribe(CameraInfo, "/live_size/camera_info")
    client.wait_for("/live_size/image_raw", 2, node=node)
    r = p.set_atomically(image_width=320, image_height=240)
    assert r.successful, r.reason
    client.spin_for(0.3)  # frames captured before the reopen, still queued for us
    images = [m for _, m in fresh(client, "/live_size/image_raw", 1.0)]
    infos = [m for _, m in fresh(client, "/live_size/camera_info", 0.5)]
    assert images and all((m.width, m.height, m.step) == (320, 240, 960) for m in images)
    assert infos and all((m.width, m.height) == (320, 240) for m in infos)
    assert "reopened" in node.output()
    node.stop()


def test_size_the_source_refuses_is_rejected_and_rolled_back(start_node, client, env):
    node = start(start_node, env, "/live_odd", "-p", "image_width:=320", "-p", "image_height:=240")
    p = Params(client, "/live_odd/webcam")
    client.subscribe(Image, "/live_odd/image_raw")
    client.wait_for("/live_odd/image_raw", 2, node=node)
    r = p.set_one("image_width", 321)  # the test pattern needs an even width
    assert not r.successful and "image_width" in r.reason and "even" in r.reason, r.reason
    assert p.get("image_width") == 320
    client.spin_for(1.0)  # the source reopens with the old size
    images = [m for _, m in fresh(client, "/live_odd/image_raw", 1.0)]
    assert images and all(m.width == 320 for m in images), "video must continue at the old size"
    node.stop()


def test_publish_switch_and_encoding(start_node, client, env):
    node = start(start_node, env, "/live_pub", "-p", "image_width:=160", "-p", "image_height:=120")
    p = Params(client, "/live_pub/webcam")
    client.subscribe(CameraInfo, "/live_pub/camera_info")
    client.subscribe(Image, "/live_pub/image_raw")
    client.wait_for("/live_pub/camera_info", 2, node=node)
    assert p.set_one("publish_camera_info", False).successful
    client.spin_for(0.3)
    assert fresh(client, "/live_pub/camera_info", 1.0) == []
    assert p.set_one("output_encoding", "bgr8").successful
    client.spin_for(0.3)
    assert {m.encoding for _, m in fresh(client, "/live_pub/image_raw", 0.5)} == {"bgr8"}
    assert p.set_one("publish_camera_info", True).successful
    assert fresh(client, "/live_pub/camera_info", 1.0), "camera_info must resume"
    node.stop()


def test_camera_control_on_a_source_without_controls(start_node, client, env):
    node = start(start_node, env, "/live_ctl", "-p", "image_width:=160", "-p", "image_height:=120")
    p = Params(client, "/live_ctl/webcam")
    r = p.set_one("brightness", 10)
    assert not r.successful and "no camera controls" in r.reason, r.reason
    assert p.get("brightness") == -1
    assert p.set_one("brightness", -1).successful, "no change is always fine"
    node.stop()


def test_camera_control_the_device_lacks(start_node, client, env):
    # The fault-injecting wrapper offers the control interface of a camera
    # with no controls: the change goes through the capture goroutine and the
    # device's answer comes back as the reason.
    node = start(start_node, env, "/live_noctl", "-p", "source:=faulty://?inner=testpattern%3A%2F%2F",
                 "-p", "image_width:=160", "-p", "image_height:=120")
    p = Params(client, "/live_noctl/webcam")
    client.subscribe(Image, "/live_noctl/image_raw")
    client.wait_for("/live_noctl/image_raw", 2, node=node)
    r = p.set_one("brightness", 10)
    assert not r.successful and "no brightness control" in r.reason and "-1" in r.reason, r.reason
    assert p.get("brightness") == -1
    node.stop()


def test_image_transport_names(start_node, client):
    """compressed_image_transport's parameter names on the publisher:
    jpeg_quality is one setting under both names, format png publishes PNG,
    and enable_pub_plugins decides which transports are advertised."""
    from sensor_msgs.msg import CompressedImage
    from paramclient import Params
    ns = "/p_it"
    node = start_node("-r", f"__ns:={ns}", "-p", "source:=testpattern://", "-p", "http_port:=0",
                      "-p", "image_width:=160", "-p", "image_height:=120",
                      "-p", "image_raw.compressed.jpeg_quality:=40")
    p = Params(client, f"{ns}/webcam")
    assert p.get("jpeg_quality") == 40, "the image_transport name sets the alias at start-up"
    assert p.set(jpeg_quality=55)[0].successful
    assert p.get("image_raw.compressed.jpeg_quality") == 55
    client.subscribe(CompressedImage, f"{ns}/image_raw/compressed")
    assert client.wait_for(f"{ns}/image_raw/compressed", 10, node=node)[-1].format == "jpeg"
    assert p.set(**{"image_raw.compressed.format": "png"})[0].successful
    client.msgs[f"{ns}/image_raw/compressed"].clear()
    msg = client.wait_for(f"{ns}/image_raw/compressed", 5, node=node)[-1]
    assert msg.format == "png" and bytes(msg.data[:4]) == b"\x89PNG", msg.format
    assert node.stop() == 0

    # Only the raw transport offered: no image_raw/compressed at all.
    node = start_node("-r", "__ns:=/p_it_raw", "-p", "source:=testpattern://", "-p", "http_port:=0",
                      "-p", 'image_raw.enable_pub_plugins:=["image_transport/raw"]')
    p = Params(client, "/p_it_raw/webcam")
    assert p.get("image_raw.enable_pub_plugins") == ["image_transport/raw"]
    names = {n for n, _ in client.node.get_topic_names_and_types()}
    assert "/p_it_raw/image_raw" in names and "/p_it_raw/image_raw/compressed" not in names, sorted(names)
    assert node.stop() == 0
