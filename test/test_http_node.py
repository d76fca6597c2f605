"""The node serves its own topics with web_video_server's URLs (issue 8 wiring)."""
import json
import socket
import urllib.error
import urllib.request

import cv2
import numpy as np
import pytest
from rcl_interfaces.msg import Parameter, ParameterType, ParameterValue
from rcl_interfaces.srv import SetParameters

import pattern


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, node, timeout=10):
    import time
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read()
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer\n{node.output()}")


def read_parts(url, count):
    """Reads count JPEG parts of a multipart MJPEG stream."""
    parts = []
    with urllib.request.urlopen(url, timeout=5) as r:
        assert r.headers["Content-Type"] == "multipart/x-mixed-replace;boundary=boundarydonotcross"
        while len(parts) < count:
            line = r.readline()
            if not line.lower().startswith(b"content-length:"):
                continue
            n = int(line.split(b":")[1])
            while r.readline() not in (b"\r\n", b""):
                pass
            parts.append(r.read(n))
    return parts


def test_node_serves_its_topic(start_node):
    port = free_port()
    node = start_node("-r", "__ns:=/web", "-p", "source:=testpattern://", "-p", "image_width:=320",
                      "-p", "image_height:=240", "-p", f"http_port:={port}", "-p", "http_address:=127.0.0.1")
    base = f"http://127.0.0.1:{port}"
    state = json.loads(wait_http(f"{base}/state", node))
    assert state["node"] == "/web/webcam" and state["state"] == "ok"
    assert [t["topic"] for t in state["http"]["topics"]] == ["/web/image_raw"]

    snap = wait_http(f"{base}/snapshot?topic=/web/image_raw", node)
    img = cv2.cvtColor(cv2.imdecode(np.frombuffer(snap, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    assert img.shape == (240, 320, 3)
    assert pattern.check_bars(img, pattern.counter(img), tolerance=60) >= 5

    for kind in ("mjpeg", "ros_compressed"):
        parts = read_parts(f"{base}/stream?topic=/web/image_raw&type={kind}", 5)
        counters = [pattern.counter(cv2.imdecode(np.frombuffer(p, np.uint8), cv2.IMREAD_COLOR)) for p in parts]
        assert counters == sorted(counters) and len(set(counters)) == 5, counters

    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{base}/stream?topic=/other/image_raw", timeout=5)
    assert e.value.code == 404 and "/web/image_raw" in e.value.read().decode()
    assert node.stop() == 0


def test_http_port_changes_live(start_node, client):
    port, port2 = free_port(), free_port()
    node = start_node("-r", "__ns:=/web2", "-p", "source:=testpattern://", "-p", "image_width:=160",
                      "-p", "image_height:=120", "-p", f"http_port:={port}", "-p", "http_address:=127.0.0.1")
    wait_http(f"http://127.0.0.1:{port}/state", node)
    cli = client.node.create_client(SetParameters, "/web2/webcam/set_parameters")
    assert cli.wait_for_service(timeout_sec=10)

    def set_port(p):
        req = SetParameters.Request(parameters=[Parameter(name="http_port", value=ParameterValue(
            type=ParameterType.PARAMETER_INTEGER, integer_value=p))])
        fut = cli.call_async(req)
        assert client.spin_until(fut.done, 10)
        return fut.result().results[0]

    res = set_port(port2)
    assert res.successful, res.reason
    wait_http(f"http://127.0.0.1:{port2}/state", node)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/state", timeout=2)

    # A port that cannot be bound is refused and the server stays where it was.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        res = set_port(busy.getsockname()[1])
        assert not res.successful and ("http_port" in res.reason or "listen" in res.reason), res.reason
    wait_http(f"http://127.0.0.1:{port2}/state", node)
    assert node.stop() == 0


def test_graph_peers_cannot_weaken_http_access(start_node, client, tmp_path):
    """Anyone on the ROS graph can set parameters: turning auth off, widening
    the listen address, allowing other origins or turning on a viewer that
    was started off are all refused, and auth still holds afterwards."""
    port = free_port()
    pw = tmp_path / "pw"
    pw.write_text("s3cret\n")
    node = start_node("-r", "__ns:=/sec", "-p", "source:=testpattern://", "-p", "image_width:=160",
                      "-p", "image_height:=120", "-p", f"http_port:={port}", "-p", "http_address:=127.0.0.1",
                      "-p", "http_user:=robot", "-p", f"http_password_file:={pw}")
    url = f"http://127.0.0.1:{port}/state"

    def status():
        import time
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise AssertionError(f"{url} did not answer\n{node.output()}")
    assert status() == 401
    cli = client.node.create_client(SetParameters, "/sec/webcam/set_parameters")
    assert cli.wait_for_service(timeout_sec=10)

    def set_str(name, value):
        req = SetParameters.Request(parameters=[Parameter(name=name, value=ParameterValue(
            type=ParameterType.PARAMETER_STRING, string_value=value))])
        fut = cli.call_async(req)
        assert client.spin_until(fut.done, 10)
        return fut.result().results[0]

    for name, value in [("http_user", ""), ("http_password_file", ""), ("http_address", "0.0.0.0"),
                        ("http_cors_origin", "*")]:
        res = set_str(name, value)
        assert not res.successful and name in res.reason and "read-only" in res.reason.lower(), (name, res.reason)
    assert status() == 401
    assert node.stop() == 0

    # A viewer turned off at start-up stays off.
    off = start_node("-r", "__ns:=/off", "-p", "source:=testpattern://", "-p", "http_port:=0")
    cli = client.node.create_client(SetParameters, "/off/webcam/set_parameters")
    assert cli.wait_for_service(timeout_sec=10)
    fut = cli.call_async(SetParameters.Request(parameters=[Parameter(name="http_port", value=ParameterValue(
        type=ParameterType.PARAMETER_INTEGER, integer_value=free_port()))]))
    assert client.spin_until(fut.done, 10)
    res = fut.result().results[0]
    assert not res.successful and "turned off at start-up" in res.reason, res.reason
    assert off.stop() == 0


def timed_parts(r, seconds):
    """(arrival time, X-Timestamp, bytes) of the parts an open stream sends within seconds."""
    import time
    out, end = [], time.monotonic() + seconds
    stamp = None
    while time.monotonic() < end:
        line = r.readline()
        if line.lower().startswith(b"x-timestamp:"):
            stamp = line.split(b":")[1].strip().decode()
        if not line.lower().startswith(b"content-length:"):
            continue
        n = int(line.split(b":")[1])
        while r.readline() not in (b"\r\n", b""):
            pass
        out.append((time.monotonic(), stamp, r.read(n)))
    return out


def test_publish_rate_resends_a_paused_camera(start_node, client):
    """http_publish_rate (web_video_server's publish_rate): while the camera is
    paused (set_capture false), a stream's last image is sent again at that
    rate, the same bytes and X-Timestamp, counted as re-sent, not as frames;
    set to 0 live, a stream of the paused camera goes quiet."""
    import socket
    import time
    from std_srvs.srv import SetBool
    port = free_port()
    node = start_node("-r", "__ns:=/resend", "-p", "source:=testpattern://", "-p", "image_width:=160",
                      "-p", "image_height:=120", "-p", f"http_port:={port}", "-p", "http_address:=127.0.0.1",
                      "-p", "http_publish_rate:=10.0")
    base = f"http://127.0.0.1:{port}"
    state = json.loads(wait_http(f"{base}/state", node))
    assert state["http"]["publish_rate"] == 10.0
    cap = client.node.create_client(SetBool, "/resend/set_capture")
    assert cap.wait_for_service(timeout_sec=10)

    def set_capture(on):
        fut = cap.call_async(SetBool.Request(data=on))
        assert client.spin_until(fut.done, 10)
        assert fut.result().success, fut.result()

    url = f"{base}/stream?topic=/resend/image_raw"
    with urllib.request.urlopen(url, timeout=5) as r:
        live = timed_parts(r, 1.0)
        assert len({s for _, s, _ in live}) >= 10, f"{len(live)} parts of a 30 fps camera in 1 s"
        set_capture(False)
        paused = timed_parts(r, 3.0)
        before = json.loads(wait_http(f"{base}/state", node))["http"]["clients"][0]
        tail = timed_parts(r, 1.0)
        after = json.loads(wait_http(f"{base}/state", node))["http"]["clients"][0]
    assert after["frames"] == before["frames"] and after["resent"] >= before["resent"] + 8, (before, after)
    last_stamp, last_image = paused[-1][1], paused[-1][2]
    repeats = [t for t, s, b in paused + tail if s == last_stamp]
    assert all(b == last_image for _, s, b in paused + tail if s == last_stamp), "a re-sent part differs from the frame"
    assert len({s for _, s, _ in tail}) == 1 and tail[0][1] == last_stamp, "new frames while capture was off"
    span = repeats[-1] - repeats[0]
    assert span > 2.5 and 8 <= (len(repeats) - 1) / span <= 12, f"{len(repeats)} repeats over {span:.2f} s, want 10 Hz"
    end = time.monotonic() + 3
    while json.loads(wait_http(f"{base}/state", node))["http"]["clients"] and time.monotonic() < end:
        time.sleep(0.1)
    assert json.loads(wait_http(f"{base}/state", node))["http"]["clients"] == [], "the viewer that left is still listed"

    # Live to 0: the viewer restarts, and a stream of the paused camera sends its last frame once.
    cli = client.node.create_client(SetParameters, "/resend/webcam/set_parameters")
    assert cli.wait_for_service(timeout_sec=10)
    fut = cli.call_async(SetParameters.Request(parameters=[Parameter(name="http_publish_rate", value=ParameterValue(
        type=ParameterType.PARAMETER_DOUBLE, double_value=0.0))]))
    assert client.spin_until(fut.done, 10) and fut.result().results[0].successful, fut.result()
    wait_http(f"{base}/state", node)
    with urllib.request.urlopen(url, timeout=1.5) as r:
        with pytest.raises((TimeoutError, socket.timeout)):
            got = timed_parts(r, 3.0)
            raise AssertionError(f"{len(got)} parts in 3 s, want the stream quiet after its one part")
    st = json.loads(wait_http(f"{base}/state", node))
    assert st["http"]["publish_rate"] == 0 and st["state"] == "paused", st
    set_capture(True)
    assert node.stop() == 0
