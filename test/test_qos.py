"""Issue 5: publisher QoS defaults and ROS's standard qos_overrides parameters.

Reliable publishers serve reliable and best-effort subscribers alike; a
best-effort publisher serves only best-effort ones, and a reliable
subscriber gets nothing but an "incompatible QoS" event.
"""
import pytest
from rclpy.event_handler import SubscriptionEventCallbacks
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image

from paramclient import Params


@pytest.fixture
def env(tmp_path):
    return {"ROS_HOME": str(tmp_path / "ros_home")}


class Probe:
    """A subscriber with a given QoS that counts messages and incompatibility events."""

    def __init__(self, client, topic, reliability, durability=DurabilityPolicy.VOLATILE):
        self.received = 0
        self.incompatible = 0
        qos = QoSProfile(depth=5, reliability=reliability, durability=durability)
        events = SubscriptionEventCallbacks(incompatible_qos=self._incompatible)
        client.node.create_subscription(Image, topic, self._msg, qos, event_callbacks=events)

    def _msg(self, _):
        self.received += 1

    def _incompatible(self, _):
        self.incompatible += 1


def start(start_node, env, ns, *args):
    return start_node("-r", f"__ns:={ns}", "-p", "source:=testpattern://", "-p", "http_port:=0",
                      "-p", "image_width:=160", "-p", "image_height:=120", *args, env=env)


def override_args(how, tmp_path, ns, policy, value):
    name = f"qos_overrides.{ns}/image_raw.publisher.{policy}"
    if how == "cli":
        return ["-p", f"{name}:={value}"]
    f = tmp_path / "qos.yaml"  # the nested layout launch files and docs use
    f.write_text(f"/**:\n  ros__parameters:\n    qos_overrides:\n      {ns}/image_raw:\n"
                 f"        publisher:\n          {policy}: {value}\n")
    return ["--params-file", str(f)]


@pytest.mark.parametrize("publisher,how", [("default", None), ("reliable", "file"), ("best_effort", "file"), ("best_effort", "cli")])
def test_reliability_choices(start_node, client, env, tmp_path, publisher, how):
    ns = f"/qos_{publisher}_{how}"
    args = override_args(how, tmp_path, ns, "reliability", publisher) if how else []
    node = start(start_node, env, ns, *args)
    topic = f"{ns}/image_raw"
    reliable = Probe(client, topic, ReliabilityPolicy.RELIABLE)
    best_effort = Probe(client, topic, ReliabilityPolicy.BEST_EFFORT)
    p = Params(client, f"{ns}/webcam")
    want = "reliable" if publisher == "default" else publisher
    assert p.get(f"qos_overrides.{topic}.publisher.reliability") == want

    client.spin_until(lambda: best_effort.received >= 10 and (reliable.received >= 10 or reliable.incompatible), 10)
    client.spin_for(0.5)
    infos = client.node.get_publishers_info_by_topic(topic)
    assert len(infos) == 1
    offered = infos[0].qos_profile.reliability
    print(f"publisher {want}: reliable sub got {reliable.received} (incompatible events {reliable.incompatible}), "
          f"best-effort sub got {best_effort.received}")
    assert best_effort.received >= 10
    if want == "reliable":
        assert offered == ReliabilityPolicy.RELIABLE
        assert reliable.received >= 10 and reliable.incompatible == 0
    else:
        assert offered == ReliabilityPolicy.BEST_EFFORT
        assert reliable.received == 0 and reliable.incompatible >= 1
    node.stop()


@pytest.mark.parametrize("durability", ["volatile", "transient_local"])
def test_durability_choices(start_node, client, env, tmp_path, durability):
    ns = f"/qos_dur_{durability}"
    node = start(start_node, env, ns, *override_args("file", tmp_path, ns, "durability", durability))
    topic = f"{ns}/image_raw"
    latched = Probe(client, topic, ReliabilityPolicy.RELIABLE, DurabilityPolicy.TRANSIENT_LOCAL)
    plain = Probe(client, topic, ReliabilityPolicy.RELIABLE)
    client.spin_until(lambda: plain.received >= 5 and (latched.received >= 5 or latched.incompatible), 10)
    assert plain.received >= 5, "a volatile subscriber matches either durability"
    if durability == "volatile":
        assert latched.received == 0 and latched.incompatible >= 1
    else:
        assert latched.received >= 5 and latched.incompatible == 0
    node.stop()


def test_overrides_are_read_only_and_validated(start_node, client, env, tmp_path):
    ns = "/qos_ro"
    node = start(start_node, env, ns, "-p", f"qos_overrides.{ns}/image_raw.publisher.depth:=5",
                 "-p", f"qos_overrides.{ns}/camera_info.publisher.history:=keep_all")
    p = Params(client, f"{ns}/webcam")
    prefix = f"qos_overrides.{ns}/image_raw.publisher"
    assert p.get(f"{prefix}.depth") == 5 and p.get(f"qos_overrides.{ns}/camera_info.publisher.history") == "keep_all"
    d = p.describe(f"{prefix}.reliability")[0]
    assert d.read_only and d.description.startswith(f"qos policy {{reliability}} for publisher {{{ns}/image_raw}}")
    r = p.set_one(f"{prefix}.depth", 3)
    assert not r.successful and "read-only" in r.reason
    assert "keep_last 5" in node.output()
    node.stop()

    bad = start(start_node, env, "/qos_bad", "-p", "qos_overrides./qos_bad/image_raw.publisher.reliability:=sometimes")
    assert bad.proc.wait(15) != 0
    out = bad.output()
    assert "sometimes" in out and "best_effort" in out, out
