"""Drop-in for usb_cam: its shipped params files start webcam_node with the
topics and encodings usb_cam gives, and no warning but one line naming what
has no meaning here. usb_cam's controls behave as usb_cam sets them."""
import re
import urllib.parse
from pathlib import Path

import pytest
from rcl_interfaces.msg import Parameter, ParameterType, ParameterValue
from rcl_interfaces.srv import SetParameters
from sensor_msgs.msg import CameraInfo, CompressedImage, Image

DATA = Path(__file__).parent / "data" / "usb_cam"

CALIBRATION = """image_width: 640
image_height: 480
camera_name: test_camera
camera_matrix:
  rows: 3
  cols: 3
  data: [438.7, 0, 305.6, 0, 437.1, 243.7, 0, 0, 1]
distortion_model: plumb_bob
distortion_coefficients:
  rows: 1
  cols: 5
  data: [-0.361, 0.110, 0.001, 0.002, 0]
rectification_matrix:
  rows: 3
  cols: 3
  data: [1, 0, 0, 0, 1, 0, 0, 0, 1]
projection_matrix:
  rows: 3
  cols: 4
  data: [300.4, 0, 306.4, 0, 0, 379.2, 245.6, 0, 0, 0, 1, 0]
"""


@pytest.fixture
def usb_cam_prefix(tmp_path):
    """An install prefix holding a usb_cam package with its calibration, as
    package://usb_cam/config/camera_info.yaml finds it in a workspace."""
    prefix = tmp_path / "usb_cam_prefix"
    (prefix / "share" / "ament_index" / "resource_index" / "packages").mkdir(parents=True)
    (prefix / "share" / "ament_index" / "resource_index" / "packages" / "usb_cam").write_text("")
    (prefix / "share" / "usb_cam" / "config").mkdir(parents=True)
    (prefix / "share" / "usb_cam" / "config" / "camera_info.yaml").write_text(CALIBRATION)
    return prefix


def start_with(start_node, ns, params_file, prefix):
    import os
    # A camera without hardware: the test pattern behind the fault-injecting
    # source's fake controls (a UVC webcam's), so usb_cam's controls apply.
    src = "faulty://?inner=" + urllib.parse.quote("testpattern://", safe="") + "&controls=fake&id=" + ns.strip("/")
    env = {"AMENT_PREFIX_PATH": f"{prefix}:{os.environ['AMENT_PREFIX_PATH']}"}
    return start_node("-r", f"__ns:={ns}", "--params-file", str(params_file), "-p", f"source:={src}",
                      "-p", "http_port:=0", env=env)


# params_2.yaml reuses camera 1's calibration ("only for demo", its comment
# says): camera_info_manager warns about the name under usb_cam too.
NAME_MISMATCH = 'camera name "test_camera2" does not match "test_camera"'


@pytest.mark.parametrize("name, frame_id, fps, expected_warnings", [
    ("params_1.yaml", "camera", 30, []),
    ("params_2.yaml", "camera2", 15, [NAME_MISMATCH]),
])
def test_usb_cam_params_files(start_node, client, usb_cam_prefix, name, frame_id, fps, expected_warnings):
    ns = "/usbcam_" + name.split(".")[0]
    node = start_with(start_node, ns, DATA / name, usb_cam_prefix)
    client.subscribe(Image, f"{ns}/image_raw", keep=200)
    client.subscribe(CameraInfo, f"{ns}/camera_info")
    client.subscribe(CompressedImage, f"{ns}/image_raw/compressed")
    imgs = client.wait_for(f"{ns}/image_raw", 10, node=node)
    info = client.wait_for(f"{ns}/camera_info", 5, node=node)[-1]
    comp = client.wait_for(f"{ns}/image_raw/compressed", 5, node=node)[-1]
    # mjpeg2rgb: rgb8 at the requested size, as usb_cam publishes it.
    assert (imgs[-1].encoding, imgs[-1].width, imgs[-1].height) == ("rgb8", 640, 480)
    assert imgs[-1].header.frame_id == frame_id and comp.header.frame_id == frame_id
    # The calibration the package:// URL names.
    assert info.k[0] == pytest.approx(438.7) and info.distortion_model == "plumb_bob"
    client.msgs[f"{ns}/image_raw"].clear()
    assert client.spin_until(lambda: len(client.msgs[f"{ns}/image_raw"]) >= 2 * fps, 3.5), "framerate not honoured"
    out = node.output()
    warnings = [line for line in out.splitlines() if "[WARN]" in line or "[ERROR]" in line]
    assert len(warnings) == len(expected_warnings) and all(w in line for w, line in zip(expected_warnings, warnings)), \
        "\n".join(warnings)
    assert len(re.findall(r"no meaning here: io_method, av_device_format", out)) == 1, out
    assert "not setting white_balance" in out  # as usb_cam: a manual value waits for auto mode off
    assert node.stop() == 0


def test_inactive_control_is_refused_with_the_reason(start_node, client, usb_cam_prefix):
    """exposure while autoexposure is on is refused, naming the reason, not
    silently ignored; in one call with the mode it is taken."""
    ns = "/usbcam_ctl"
    node = start_with(start_node, ns, DATA / "params_1.yaml", usb_cam_prefix)
    client.subscribe(Image, f"{ns}/image_raw")
    client.wait_for(f"{ns}/image_raw", 10, node=node)
    cli = client.node.create_client(SetParameters, f"{ns}/webcam/set_parameters")
    assert cli.wait_for_service(timeout_sec=10)

    def set_atomically(*params):
        from rcl_interfaces.srv import SetParametersAtomically
        c = client.node.create_client(SetParametersAtomically, f"{ns}/webcam/set_parameters_atomically")
        assert c.wait_for_service(timeout_sec=10)
        fut = c.call_async(SetParametersAtomically.Request(parameters=list(params)))
        assert client.spin_until(fut.done, 10)
        return fut.result().result

    def p(name, **v):
        kind = ParameterType.PARAMETER_BOOL if "bool_value" in v else ParameterType.PARAMETER_INTEGER
        return Parameter(name=name, value=ParameterValue(type=kind, **v))

    res = set_atomically(p("auto_white_balance", bool_value=True), p("white_balance", integer_value=5000))
    assert not res.successful and "inactive while auto_white_balance" in res.reason, res.reason
    res = set_atomically(p("auto_white_balance", bool_value=False), p("white_balance", integer_value=5000))
    assert res.successful, res.reason
    res = set_atomically(p("white_balance", integer_value=99999))
    assert not res.successful and "99999" in res.reason, res.reason
    assert node.stop() == 0


def test_set_capture_stops_and_starts(start_node, client):
    """usb_cam's set_capture (std_srvs/SetBool, relative name): false stops
    capture and publishing and says paused in /diagnostics; true resumes."""
    import time
    from diagnostic_msgs.msg import DiagnosticArray
    from std_srvs.srv import SetBool
    ns = "/usbcam_cap"
    node = start_node("-r", f"__ns:={ns}", "-p", "source:=testpattern://", "-p", "image_width:=160",
                      "-p", "image_height:=120", "-p", "http_port:=0")
    client.subscribe(Image, f"{ns}/image_raw", keep=500)
    client.subscribe(DiagnosticArray, "/diagnostics", keep=100)
    client.wait_for(f"{ns}/image_raw", 10, node=node)
    cli = client.node.create_client(SetBool, f"{ns}/set_capture")
    assert cli.wait_for_service(timeout_sec=10), "no /usbcam_cap/set_capture service"

    def set_capture(on):
        fut = cli.call_async(SetBool.Request(data=on))
        assert client.spin_until(fut.done, 10)
        return fut.result()

    res = set_capture(False)
    assert res.success and res.message == "Stop Capturing", res

    def paused():
        mine = [s for _, m in client.msgs["/diagnostics"] for s in m.status if s.name.startswith(f"{ns}/webcam")]
        return mine and mine[-1].message.startswith("paused")
    assert client.spin_until(paused, 5), node.output()
    client.msgs[f"{ns}/image_raw"].clear()
    end = time.monotonic() + 1.0
    client.spin_until(lambda: time.monotonic() > end, 2)
    assert len(client.msgs[f"{ns}/image_raw"]) == 0, "frames published while capture was off"
    res = set_capture(True)
    assert res.success and res.message == "Start Capturing", res
    assert client.spin_until(lambda: len(client.msgs[f"{ns}/image_raw"]) >= 10, 5), node.output()
    assert node.stop() == 0
