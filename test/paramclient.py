"""A blocking parameter client over rclpy's AsyncParameterClient, for tests.

Everything goes through the node's standard rcl_interfaces services, exactly
as `ros2 param` and launch files reach them.
"""
import time

from rcl_interfaces.msg import ParameterEvent, ParameterType
from rclpy.parameter import Parameter, parameter_value_to_python
from rclpy.parameter_client import AsyncParameterClient
from rclpy.qos import qos_profile_parameter_events


class Params:
    def __init__(self, client, node_name, timeout=15.0):
        self.client = client
        self.node_name = node_name
        self.pc = AsyncParameterClient(client.node, node_name)
        if not self.pc.wait_for_services(timeout):
            raise AssertionError(f"parameter services of {node_name} not available in {timeout}s")

    def _wait(self, call, timeout=10.0, attempts=2):
        """Sends call() and waits for its answer; once more if none came. A
        service can be listed before its response writer has matched this
        client's reader (DDS discovery), and then the first request's answer
        is lost: `ros2 param` users see the same and retry."""
        for _ in range(attempts):
            future = call()
            if self.client.spin_until(future.done, timeout):
                return future.result()
        raise AssertionError(f"parameter service call timed out ({attempts} attempt(s) of {timeout} s)")

    def list(self, prefixes=None, depth=None):
        return self._wait(lambda: self.pc.list_parameters(prefixes, depth)).result

    def get_msgs(self, *names):
        return self._wait(lambda: self.pc.get_parameters(list(names))).values

    def get(self, name):
        return parameter_value_to_python(self.get_msgs(name)[0])

    def describe(self, *names):
        return self._wait(lambda: self.pc.describe_parameters(list(names))).descriptors

    def types(self, *names):
        return list(self._wait(lambda: self.pc.get_parameter_types(list(names))).types)

    def set(self, **values):
        """Sets each value with ~/set_parameters; returns one result per value."""
        # Once: a set is not resent (its parameter events would come twice).
        return self._wait(lambda: self.pc.set_parameters([param(k, v) for k, v in values.items()]), 15.0, 1).results

    def set_one(self, name, value):
        return self.set(**{name: value})[0]

    def set_atomically(self, **values):
        return self._wait(lambda: self.pc.set_parameters_atomically([param(k, v) for k, v in values.items()]), 15.0, 1).result


def param(name, value):
    """A Parameter whose type follows the Python value, as ros2 param set does."""
    return Parameter(name, value=value)


class EventLog:
    """Records /parameter_events published by one node."""

    def __init__(self, client, node_fqn):
        self.client = client
        self.node_fqn = node_fqn
        self.events = []
        client.node.create_subscription(ParameterEvent, "/parameter_events", self._cb, qos_profile_parameter_events)

    def _cb(self, ev):
        if ev.node == self.node_fqn:
            self.events.append(ev)

    def wait_matched(self, timeout=10.0):
        """Waits until the node's events publisher is matched (ours plus the client's own)."""
        topic = "/parameter_events"
        ok = self.client.spin_until(lambda: self.client.node.count_publishers(topic) >= 2, timeout)
        assert ok, "the node's /parameter_events publisher was not discovered"
        self.client.spin_for(0.3)

    def changed(self):
        """(name, python value) of every changed parameter, in order."""
        return [(p.name, parameter_value_to_python(p.value)) for ev in self.events for p in ev.changed_parameters]

    def wait_changed(self, name, value, timeout=5.0):
        ok = self.client.spin_until(lambda: (name, value) in self.changed(), timeout)
        assert ok, f"no /parameter_events change {name}={value!r}; got {self.changed()}"


NOT_SET = ParameterType.PARAMETER_NOT_SET


def wait_until(cond, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False
