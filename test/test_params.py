"""Issue 5: the node's parameters over the standard services, as ros2 param uses them."""
import pytest
from rcl_interfaces.msg import ParameterType
from sensor_msgs.msg import CameraInfo

from paramclient import NOT_SET, EventLog, Params

BASE = ("-p", "source:=testpattern://", "-p", "http_port:=0")


@pytest.fixture
def env(tmp_path):
    """Keeps calibration lookups (~/.ros) inside the test's directory."""
    return {"ROS_HOME": str(tmp_path / "ros_home")}


def start(start_node, env, ns, *args):
    return start_node("-r", f"__ns:={ns}", *BASE, *args, env=env)


def test_list_get_describe_types(start_node, client, env):
    node = start(start_node, env, "/p_list", "-p", "image_width:=320", "-p", "image_height:=240")
    p = Params(client, "/p_list/webcam")

    listed = p.list()
    for name in ["source", "image_width", "framerate", "jpeg_quality", "camera_name", "camera_info_url",
                 "brightness", "qos_overrides./p_list/image_raw.publisher.reliability"]:
        assert name in listed.names, name
    assert listed.names == sorted(listed.names)
    assert "qos_overrides./p_list/image_raw/compressed.publisher" in listed.prefixes
    top = p.list(depth=1)
    assert "jpeg_quality" in top.names and not any(n.startswith("qos_overrides") for n in top.names)
    under = p.list(prefixes=["qos_overrides./p_list/camera_info.publisher"], depth=1)
    assert sorted(under.names) == [f"qos_overrides./p_list/camera_info.publisher.{x}"
                                   for x in ("depth", "durability", "history", "reliability")]

    assert p.get("image_width") == 320 and p.get("jpeg_quality") == 80 and p.get("frame_id") == "camera"
    assert p.get("framerate") == 30.0 and p.get("publish_image_raw") is True
    unknown = p.get_msgs("jpeg_quality", "no_such_parameter")
    assert [v.type for v in unknown] == [ParameterType.PARAMETER_INTEGER, NOT_SET]

    q, fr, name, fmt = p.describe("jpeg_quality", "framerate", "camera_name", "pixel_format")
    assert q.type == ParameterType.PARAMETER_INTEGER and q.description and not q.read_only and not q.dynamic_typing
    assert [(r.from_value, r.to_value, r.step) for r in q.integer_range] == [(1, 100, 0)]
    assert [(r.from_value, r.to_value) for r in fr.floating_point_range] == [(0.1, 1000.0)]
    assert name.read_only and name.type == ParameterType.PARAMETER_STRING
    assert "mjpeg" in fmt.additional_constraints and "yuyv" in fmt.additional_constraints
    assert p.types("framerate", "source", "autofocus", "nope") == [
        ParameterType.PARAMETER_DOUBLE, ParameterType.PARAMETER_STRING, ParameterType.PARAMETER_BOOL, NOT_SET]
    assert node.stop() == 0


def test_set_single_publishes_event_and_takes_effect(start_node, client, env):
    node = start(start_node, env, "/p_set", "-p", "image_width:=160", "-p", "image_height:=120")
    p = Params(client, "/p_set/webcam")
    events = EventLog(client, "/p_set/webcam")
    events.wait_matched()

    results = p.set(jpeg_quality=55, frame_id="cam_optical")
    assert [r.successful for r in results] == [True, True], results
    assert p.get("jpeg_quality") == 55 and p.get("frame_id") == "cam_optical"
    events.wait_changed("jpeg_quality", 55)
    events.wait_changed("frame_id", "cam_optical")
    # an int for a double parameter is accepted as ros2 param set users expect
    assert p.set_one("framerate", 20).successful
    events.wait_changed("framerate", 20.0)

    client.subscribe(CameraInfo, "/p_set/camera_info")
    assert client.spin_until(lambda: any(m.header.frame_id == "cam_optical" for _, m in client.msgs.get("/p_set/camera_info", [])), 5)
    assert node.stop() == 0


@pytest.mark.parametrize("name,value,needles", [
    ("jpeg_quality", "high", ["jpeg_quality", "integer", "1..100"]),  # wrong type
    ("publish_image_raw", 1, ["publish_image_raw", "bool"]),
    ("jpeg_quality", 101, ["jpeg_quality", "1..100"]),             # out of range
    ("framerate", 0.0, ["framerate", "0.1..1000"]),
    ("output_encoding", "rgba8", ["output_encoding", "rgb8", "bgr8", "mono8"]),  # not one of the values
    ("camera_name", "other", ["camera_name", "read-only"]),
    ("qos_overrides./p_bad/image_raw.publisher.reliability", "best_effort", ["read-only"]),
    ("no_such_parameter", 1, ["no_such_parameter", "not declared"]),
])
def test_rejected_values_keep_the_old_one(start_node, client, env, name, value, needles):
    node = start(start_node, env, "/p_bad", "-p", "image_width:=160", "-p", "image_height:=120")
    p = Params(client, "/p_bad/webcam")
    events = EventLog(client, "/p_bad/webcam")
    events.wait_matched()
    before = p.get_msgs(name)[0]

    r = p.set_one(name, value)
    assert not r.successful
    for needle in needles:
        assert needle in r.reason, r.reason
    assert p.get_msgs(name)[0] == before
    assert p.set_one("frame_id", "marker").successful  # a change after the rejected one
    events.wait_changed("frame_id", "marker")
    assert all(n != name for n, _ in events.changed()), "a rejected value must not appear on /parameter_events"
    assert node.alive()
    node.stop()


def test_set_atomically_all_or_nothing(start_node, client, env):
    node = start(start_node, env, "/p_atomic", "-p", "image_width:=160", "-p", "image_height:=120")
    p = Params(client, "/p_atomic/webcam")
    events = EventLog(client, "/p_atomic/webcam")
    events.wait_matched()

    bad = p.set_atomically(jpeg_quality=60, frame_id="x", framerate=-5.0)
    assert not bad.successful and "framerate" in bad.reason
    assert p.get("jpeg_quality") == 80 and p.get("frame_id") == "camera"

    ok = p.set_atomically(jpeg_quality=60, frame_id="x")
    assert ok.successful, ok.reason
    assert p.get("jpeg_quality") == 60 and p.get("frame_id") == "x"
    events.wait_changed("frame_id", "x")
    batch = [ev for ev in events.events if ev.changed_parameters]
    # jpeg_quality is an alias of image_transport's image_raw.compressed.jpeg_quality:
    # both change, and are announced, with the batch.
    assert sorted(prm.name for prm in batch[-1].changed_parameters) == \
        ["frame_id", "image_raw.compressed.jpeg_quality", "jpeg_quality"], "an atomic set is one event"
    # set_parameters: one result per parameter, each on its own
    mixed = p.set(jpeg_quality=70, image_width=1)
    assert [r.successful for r in mixed] == [True, False]
    assert p.get("jpeg_quality") == 70 and p.get("image_width") == 160
    node.stop()


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text)
    return str(f)


@pytest.mark.parametrize("section,ns", [
    ("/**", "/p_file"),
    ("p_file_cam", "/"),             # the node's name: rclcpp reads it as /p_file_cam
    ("/p_file/p_file_cam", "/p_file"),
    ("/*/p_file_cam", "/p_file"),
    ("/**/p_file_cam", "/p_file"),
])
def test_params_file_sections(start_node, client, env, tmp_path, section, ns):
    f = write(tmp_path, "p.yaml", f"""
"{section}":
  ros__parameters:
    jpeg_quality: 33
    frame_id: from_file
    image_width: 320
    image_height: 240
""")
    node = start(start_node, env, ns, "-r", "__node:=p_file_cam", "--params-file", f)
    p = Params(client, ns.rstrip("/") + "/p_file_cam")
    assert (p.get("jpeg_quality"), p.get("frame_id"), p.get("image_width")) == (33, "from_file", 320)
    node.stop()


def test_section_of_another_node_does_not_apply(start_node, client, env, tmp_path):
    f = write(tmp_path, "p.yaml", """
/p_other/somebody_else:
  ros__parameters:
    jpeg_quality: 12
p_other_cam:
  ros__parameters:
    jpeg_quality: 13
""")
    node = start(start_node, env, "/p_other", "-r", "__node:=p_other_cam", "--params-file", f)
    p = Params(client, "/p_other/p_other_cam")
    assert p.get("jpeg_quality") == 80, "neither section names /p_other/p_other_cam"
    node.stop()


def test_cli_overrides_file_and_namespaced_sections(start_node, client, env, tmp_path):
    f = write(tmp_path, "p.yaml", """
/**:
  ros__parameters:
    jpeg_quality: 10
    frame_id: everyone
    framerate: 15.0
/left/webcam:
  ros__parameters:
    jpeg_quality: 21
    frame_id: left_optical
/right/webcam:
  ros__parameters:
    jpeg_quality: 22
    frame_id: right_optical
""")
    left = start(start_node, env, "/left", "--params-file", f, "-p", "frame_id:=from_cli")
    right = start(start_node, env, "/right", "--params-file", f)
    lp, rp = Params(client, "/left/webcam"), Params(client, "/right/webcam")
    assert (lp.get("jpeg_quality"), lp.get("frame_id"), lp.get("framerate")) == (21, "from_cli", 15.0)
    assert (rp.get("jpeg_quality"), rp.get("frame_id"), rp.get("framerate")) == (22, "right_optical", 15.0)
    left.stop()
    right.stop()


def test_unknown_parameter_in_file_warns(start_node, client, env, tmp_path):
    f = write(tmp_path, "p.yaml", """
/**:
  ros__parameters:
    jpeg_quality: 44
    imagewidth: 320
    use_sim_time: false
""")
    node = start(start_node, env, "/p_unknown", "--params-file", f)
    p = Params(client, "/p_unknown/webcam")
    assert p.get("jpeg_quality") == 44
    assert node.alive()
    out = node.output()
    assert "imagewidth" in out and "WARN" in out, out
    assert "'use_sim_time'" not in out, "every ROS 2 node has use_sim_time"
    node.stop()


def test_bad_value_in_params_file_exits_naming_it(start_node, env, tmp_path):
    f = write(tmp_path, "p.yaml", "/**:\n  ros__parameters:\n    jpeg_quality: 500\n")
    node = start(start_node, env, "/p_badfile", "--params-file", f)
    assert node.proc.wait(15) != 0
    out = node.output()
    assert "jpeg_quality" in out and "1..100" in out and "panic" not in out, out
