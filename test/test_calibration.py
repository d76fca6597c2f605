"""Issue 5: camera_info_url (file:// and package://), set_camera_info, bad files."""
import os
from pathlib import Path

import pytest
import yaml
from sensor_msgs.msg import CameraInfo
from sensor_msgs.srv import SetCameraInfo

from paramclient import Params

K = [612.5, 0.0, 318.75, 0.0, 611.25, 241.5, 0.0, 0.0, 1.0]
D = [0.11, -0.23, 0.001, -0.0005, 0.0]
P = [598.0, 0.0, 319.5, 0.0, 0.0, 601.0, 240.5, 0.0, 0.0, 0.0, 1.0, 0.0]
R = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]


def calibration_yaml(width=320, height=240, k=K, name="webcam"):
    def matrix(rows, cols, data):
        return f"  rows: {rows}\n  cols: {cols}\n  data: [{', '.join(repr(x) for x in data)}]\n"
    return (f"image_width: {width}\nimage_height: {height}\ncamera_name: {name}\n"
            f"camera_matrix:\n{matrix(3, 3, k)}distortion_model: plumb_bob\n"
            f"distortion_coefficients:\n{matrix(1, 5, D)}rectification_matrix:\n{matrix(3, 3, R)}"
            f"projection_matrix:\n{matrix(3, 4, P)}")


@pytest.fixture
def env(tmp_path):
    return {"ROS_HOME": str(tmp_path / "ros_home")}


def start(start_node, env, ns, *args):
    return start_node("-r", f"__ns:={ns}", "-p", "source:=testpattern://", "-p", "http_port:=0",
                      "-p", "image_width:=320", "-p", "image_height:=240", *args, env=env)


def infos(client, ns, node, count=3):
    topic = f"{ns}/camera_info"
    if topic not in client.msgs:
        client.subscribe(CameraInfo, topic)
    client.msgs[topic].clear()
    return client.wait_for(topic, count, node=node)


def assert_calibrated(info, k=K, size=(320, 240)):
    assert (info.width, info.height) == size
    assert list(info.k) == pytest.approx(k) and list(info.d) == pytest.approx(D)
    assert list(info.p) == pytest.approx(P) and list(info.r) == pytest.approx(R)
    assert info.distortion_model == "plumb_bob"


def assert_uncalibrated(info):
    assert (info.width, info.height) == (320, 240)
    assert not any(info.k) and not any(info.p) and len(info.d) == 0


def test_file_url(start_node, client, env, tmp_path):
    f = tmp_path / "cam.yaml"
    f.write_text(calibration_yaml())
    node = start(start_node, env, "/cal_file", "-p", f"camera_info_url:=file://{f}")
    for info in infos(client, "/cal_file", node):
        assert_calibrated(info)
    node.stop()


def test_package_url(start_node, client, env, tmp_path):
    prefix = tmp_path / "install"
    (prefix / "share/ament_index/resource_index/packages").mkdir(parents=True)
    (prefix / "share/ament_index/resource_index/packages/fake_cam_calib").write_text("")
    (prefix / "share/fake_cam_calib/calibration").mkdir(parents=True)
    (prefix / "share/fake_cam_calib/calibration/front.yaml").write_text(calibration_yaml())
    env["AMENT_PREFIX_PATH"] = f"{prefix}:{os.environ.get('AMENT_PREFIX_PATH', '')}"
    node = start(start_node, env, "/cal_pkg", "-p", "camera_info_url:=package://fake_cam_calib/calibration/front.yaml")
    for info in infos(client, "/cal_pkg", node):
        assert_calibrated(info)
    node.stop()


def test_set_camera_info_round_trip(start_node, client, env, tmp_path):
    target = tmp_path / "calib" / "new" / "webcam.yaml"  # does not exist yet: the first calibration
    node = start(start_node, env, "/cal_set", "-p", f"camera_info_url:=file://{target}")
    assert_uncalibrated(infos(client, "/cal_set", node)[-1])

    cli = client.node.create_client(SetCameraInfo, "/cal_set/webcam/set_camera_info")
    assert cli.wait_for_service(10)
    req = SetCameraInfo.Request()
    req.camera_info = CameraInfo(width=320, height=240, distortion_model="plumb_bob", d=D, k=K, r=R, p=P)
    future = cli.call_async(req)
    assert client.spin_until(future.done, 10)
    assert future.result().success, future.result().status_message

    stored = yaml.safe_load(target.read_text())
    assert (stored["image_width"], stored["image_height"], stored["camera_name"]) == (320, 240, "webcam")
    assert stored["camera_matrix"]["data"] == pytest.approx(K)
    assert stored["distortion_coefficients"]["data"] == pytest.approx(D)
    assert not list(target.parent.glob(".*")), "the temporary file of the atomic write must be gone"
    assert_calibrated(infos(client, "/cal_set", node)[-1])
    node.stop()

    again = start(start_node, env, "/cal_set2", "-p", f"camera_info_url:=file://{target}")
    assert_calibrated(infos(client, "/cal_set2", again)[-1])
    again.stop()


def test_set_camera_info_to_a_package_url_fails_with_reason(start_node, client, env, tmp_path):
    prefix = tmp_path / "install"
    (prefix / "share/ament_index/resource_index/packages").mkdir(parents=True)
    (prefix / "share/ament_index/resource_index/packages/ro_calib").write_text("")
    env["AMENT_PREFIX_PATH"] = str(prefix)
    node = start(start_node, env, "/cal_ro", "-p", "camera_info_url:=package://ro_calib/cam.yaml")
    cli = client.node.create_client(SetCameraInfo, "/cal_ro/webcam/set_camera_info")
    assert cli.wait_for_service(10)
    req = SetCameraInfo.Request()
    req.camera_info = CameraInfo(width=320, height=240, distortion_model="plumb_bob", d=D, k=K, r=R, p=P)
    future = cli.call_async(req)
    assert client.spin_until(future.done, 10)
    res = future.result()
    assert not res.success and "read-only" in res.status_message and "file://" in res.status_message, res
    node.stop()


@pytest.mark.parametrize("content,needle", [
    ("image_width: 320\nimage_height: [oops\n", "cam.yaml"),
    (calibration_yaml().replace("rows: 3\n  cols: 3\n  data: [612.5", "rows: 3\n  cols: 3\n  data: [bogus"), "camera_matrix"),
])
def test_malformed_file_publishes_uncalibrated(start_node, client, env, tmp_path, content, needle):
    f = tmp_path / "cam.yaml"
    f.write_text(content)
    node = start(start_node, env, "/cal_bad", "-p", f"camera_info_url:=file://{f}")
    assert_uncalibrated(infos(client, "/cal_bad", node)[-1])
    out = node.output()
    assert "ERROR" in out and needle in out, out
    node.stop()


def test_other_size_is_published_with_a_warning(start_node, client, env, tmp_path):
    f = tmp_path / "cam.yaml"
    f.write_text(calibration_yaml(640, 480))
    node = start(start_node, env, "/cal_size", "-p", f"camera_info_url:=file://{f}")
    info = infos(client, "/cal_size", node)[-1]
    assert_calibrated(info, size=(640, 480))  # as camera_info_manager does
    assert "640x480" in node.output() and "320x240" in node.output()
    node.stop()


def test_changing_camera_info_url_reloads(start_node, client, env, tmp_path):
    first, second, broken = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "broken.yaml"
    k2 = [700.0, 0.0, 160.0, 0.0, 700.0, 120.0, 0.0, 0.0, 1.0]
    first.write_text(calibration_yaml())
    second.write_text(calibration_yaml(k=k2))
    broken.write_text("camera_matrix: {rows: 3}\n")
    node = start(start_node, env, "/cal_reload", "-p", f"camera_info_url:=file://{first}")
    p = Params(client, "/cal_reload/webcam")
    assert_calibrated(infos(client, "/cal_reload", node)[-1])

    assert p.set_one("camera_info_url", f"file://{second}").successful
    assert_calibrated(infos(client, "/cal_reload", node)[-1], k=k2)

    r = p.set_one("camera_info_url", f"file://{broken}")
    assert not r.successful and "broken.yaml" in r.reason, r.reason
    r = p.set_one("camera_info_url", "http://example.com/cam.yaml")
    assert not r.successful and "file://" in r.reason and "package://" in r.reason, r.reason
    assert p.get("camera_info_url") == f"file://{second}"
    assert_calibrated(infos(client, "/cal_reload", node)[-1], k=k2)
    node.stop()
