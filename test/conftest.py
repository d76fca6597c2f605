"""Shared fixtures: the built node as a subprocess, and an rclpy client.

Every test process gets its own ROS_DOMAIN_ID and stays on localhost, so test
runs on one machine never see each other's topics.
"""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = Path(os.environ.get("WEBCAM_NODE", ROOT / "build" / "webcam_node"))

# One domain per test process, chosen before rclpy loads.
os.environ["ROS_DOMAIN_ID"] = str(os.getpid() % 100 + 1)
os.environ["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
os.environ.setdefault("RMW_IMPLEMENTATION", "rmw_fastrtps_cpp")

import rclpy  # noqa: E402  (after the environment above)
from rclpy.node import Node  # noqa: E402


class NodeProcess:
    """A running webcam_node; stop() sends SIGINT and returns the exit code."""

    def __init__(self, args, env=None):
        self.args = [str(NODE_BIN), *args]
        self.log_path = Path(os.environ.get("PYTEST_TMP", "/tmp")) / f"webcam_node_{os.getpid()}_{time.monotonic_ns()}.log"
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})

    def output(self):
        self.log.flush()
        return self.log_path.read_text()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGINT, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"webcam_node did not exit within {timeout}s of {sig!r}:\n{self.output()}")


@pytest.fixture
def start_node():
    """start_node(*ros_args) starts webcam_node with --ros-args ...; all are stopped after the test."""
    procs = []

    def start(*ros_args, extra=(), env=None):
        args = [*extra]
        if ros_args:
            args += ["--ros-args", *ros_args]
        p = NodeProcess(args, env)
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.alive():
            p.proc.kill()
            p.proc.wait()
        p.log.close()


@pytest.fixture(scope="session")
def ros():
    rclpy.init()
    yield
    rclpy.shutdown()


class Client:
    """An rclpy node that records what it receives."""

    def __init__(self, name):
        self.node = Node(name)
        self.msgs = {}

    def subscribe(self, msg_type, topic, qos=10, keep=400):
        box = self.msgs.setdefault(topic, [])

        def cb(m):
            box.append((time.monotonic(), m))
            if len(box) > keep:
                del box[0]

        return self.node.create_subscription(msg_type, topic, cb, qos)

    def spin_until(self, cond, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            rclpy.spin_once(self.node, timeout_sec=0.05)
            if cond():
                return True
        return False

    def spin_for(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            rclpy.spin_once(self.node, timeout_sec=0.05)

    def wait_for(self, topic, count=1, timeout=10.0, node=None):
        ok = self.spin_until(lambda: len(self.msgs.get(topic, [])) >= count, timeout)
        if not ok:
            extra = f"\nnode output:\n{node.output()}" if node else ""
            raise AssertionError(f"got {len(self.msgs.get(topic, []))} of {count} messages on {topic} in {timeout}s{extra}")
        return [m for _, m in self.msgs[topic]]

    def close(self):
        self.node.destroy_node()


@pytest.fixture
def client(ros, request):
    c = Client("test_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name)[:60])
    yield c
    c.close()
