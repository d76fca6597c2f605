"""Issue 15: the camera's own controls as parameters, declared when the
camera opens, with the device's range, step, menu entries and default, as
camera_ros does. No camera here: the fault-injecting source's fake UVC
camera (faulty://?controls=fake) describes its controls as the V4L2 path
does. `ros2 param describe` reads the same describe_parameters answer."""
import urllib.parse

from rcl_interfaces.msg import ParameterType
from sensor_msgs.msg import Image

from paramclient import EventLog, Params


def fake_camera(name, start_down="0s"):
    inner = urllib.parse.quote("testpattern://?format=mjpeg", safe="")
    return f"faulty://?inner={inner}&controls=fake&start_down={start_down}&id={name}"


def start(start_node, ns, *args, start_down="0s"):
    return start_node("-r", f"__ns:={ns}", "-p", f"source:={fake_camera(ns.strip('/'), start_down)}",
                      "-p", "image_width:=160", "-p", "image_height:=120", "-p", "http_port:=0", *args)


def wait_declared(client, p, name, timeout=10.0):
    ok = client.spin_until(lambda: name in p.list().names, timeout)
    assert ok, f"{name} not declared; have {sorted(p.list().names)}"


def test_device_controls_are_declared_on_open_with_range_and_menu(start_node, client):
    ns = "/devctl_decl"
    events = EventLog(client, f"{ns}/webcam")
    # The camera opens 3 s after start, once this test listens to the events.
    node = start(start_node, ns, "-p", "power_line_frequency:=2", "-p", "gamma:=120", "-p", "iris_absolute:=3",
                 start_down="3s")
    p = Params(client, f"{ns}/webcam")
    events.wait_matched()
    assert "hue" not in p.list().names, "declared before the camera opened"
    wait_declared(client, p, "power_line_frequency")
    names = set(p.list().names)
    for want in ["brightness", "contrast", "saturation", "hue", "gamma", "gain", "power_line_frequency",
                 "white_balance_automatic", "white_balance_temperature", "sharpness", "backlight_compensation",
                 "auto_exposure", "exposure_time_absolute", "exposure_dynamic_framerate", "pan_absolute",
                 "tilt_absolute", "zoom_absolute", "focus_absolute", "focus_automatic_continuous"]:
        assert want in names, want
    new = {prm.name for ev in events.events for prm in ev.new_parameters}
    assert client.spin_until(lambda: "hue" in {prm.name for ev in events.events for prm in ev.new_parameters}, 5), new

    plf, pan, awb, wb = p.describe("power_line_frequency", "pan_absolute", "white_balance_automatic", "white_balance")
    assert plf.type == ParameterType.PARAMETER_INTEGER
    assert (plf.integer_range[0].from_value, plf.integer_range[0].to_value, plf.integer_range[0].step) == (0, 2, 1)
    assert "0: Disabled, 1: 50 Hz, 2: 60 Hz" in plf.description and "default 1 (50 Hz)" in plf.description
    assert (pan.integer_range[0].from_value, pan.integer_range[0].to_value, pan.integer_range[0].step) == (-36000, 36000, 3600)
    assert awb.type == ParameterType.PARAMETER_BOOL and not awb.integer_range
    assert "usb_cam's name for white_balance_temperature" in wb.description
    assert (wb.integer_range[0].from_value, wb.integer_range[0].to_value, wb.integer_range[0].step) == (2800, 6500, 10)

    # The command line's overrides were set on the camera when it opened.
    assert p.get("power_line_frequency") == 2
    assert p.get("gamma") == 120
    assert p.get("hue") == 0, "a control never set keeps the camera's value"
    # An override naming a control this camera lacks: one warning, naming it.
    out = node.output()
    warnings = [line for line in out.splitlines() if "[WARN]" in line and "injected fault" not in line]
    assert len(warnings) == 1 and "iris_absolute" in warnings[0] and "no control of" in warnings[0], "\n".join(warnings)
    assert "iris_absolute" not in p.list().names
    assert node.stop() == 0


def test_device_control_set_and_refusals(start_node, client):
    ns = "/devctl_set"
    node = start(start_node, ns)
    p = Params(client, f"{ns}/webcam")
    client.subscribe(Image, f"{ns}/image_raw")
    client.wait_for(f"{ns}/image_raw", 2, node=node)
    wait_declared(client, p, "gamma")

    assert p.set_one("gamma", 150).successful
    assert p.get("gamma") == 150
    assert p.set_one("brightness", -1).successful, "a device brightness of -1 is a value, not usb_cam's 'keep'"
    assert p.get("brightness") == -1

    refusals = [
        ("gamma", 1000, ["1000", "100..300"]),
        ("pan_absolute", 100, ["100", "-36000..36000 in steps of 3600"]),
        ("power_line_frequency", 5, ["5 is not allowed", "0: Disabled, 1: 50 Hz, 2: 60 Hz"]),
        ("auto_exposure", 2, ["2 is not a menu entry", "1: Manual Mode, 3: Aperture Priority Mode"]),
        ("white_balance_temperature", 5000, ["inactive while white_balance_automatic is true"]),
        ("exposure_time_absolute", 100, ["inactive while auto_exposure is 3"]),
        ("hue", "red", ["is of type integer"]),
    ]
    for name, value, reasons in refusals:
        before = p.get(name)
        r = p.set_one(name, value)
        assert not r.successful, (name, value)
        for why in reasons:
            assert why in r.reason, (name, value, r.reason)
        assert p.get(name) == before, f"{name} changed despite the refusal"

    # Turning the automatic mode off in the same call makes the value active;
    # usb_cam's name is the same setting.
    r = p.set_atomically(white_balance_automatic=False, white_balance_temperature=5000)
    assert r.successful, r.reason
    assert p.get("white_balance") == 5000 and p.get("auto_white_balance") is False
    assert p.set_one("white_balance", 3000).successful
    assert p.get("white_balance_temperature") == 3000
    assert p.set_atomically(auto_exposure=1, exposure_time_absolute=100).successful
    assert p.get("exposure") == 100
    assert node.alive()
    assert node.stop() == 0


def test_controls_follow_the_open_camera(start_node, client):
    """Another camera without the controls: they are undeclared and usb_cam's
    names mean what they mean in usb_cam again; the fake camera back: they
    are declared again, with the values the user set."""
    ns = "/devctl_swap"
    node = start(start_node, ns)
    p = Params(client, f"{ns}/webcam")
    client.subscribe(Image, f"{ns}/image_raw")
    client.wait_for(f"{ns}/image_raw", 2, node=node)
    wait_declared(client, p, "hue")
    assert p.set_one("hue", 500).successful
    assert p.set_one("source", "testpattern://").successful
    assert client.spin_until(lambda: "hue" not in p.list().names, 5), "hue still declared without the camera"
    assert "brightness" in p.list().names and p.get("brightness") == -1
    assert not p.set_one("brightness", 10).successful
    assert p.set_one("source", fake_camera("devctl_swap_2")).successful
    wait_declared(client, p, "hue")
    assert p.get("hue") == 500, "a value the user set comes back with a camera that has the control"
    assert node.stop() == 0
