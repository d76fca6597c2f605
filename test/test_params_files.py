"""Issue 9: every parameters file in params/ loads through rcl's parser into the
node, and names only parameters the node declares; webcam.yaml holds every
parameter at its default, each commented.

The node is the one `make build` made (build/webcam_node); the declared names
and the loaded values come from its ~/list_parameters and ~/get_parameters.
"""
import re
from pathlib import Path

import pytest
import yaml
from rclpy.parameter import parameter_value_to_python

from conftest import ROOT
from paramclient import Params

PARAMS = ROOT / "params"
# Run here whatever the file says: no camera, no fixed port.
RUNNABLE = ("-p", "source:=testpattern://", "-p", "http_port:=0")
OVERRIDDEN = {"source", "http_port"}
# Declared per published topic under its full name (rclcpp's QoS overrides):
# they belong in a namespace's own section, so webcam.yaml only shows them commented.
PER_TOPIC = "qos_overrides."


def flatten(params, prefix=""):
    """rcl's view of a ros__parameters mapping: nested keys joined with '.'."""
    out = {}
    for k, v in params.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def node_params_files():
    """(file, sections) of every params file for the node; calibration files have no ros__parameters."""
    out = []
    for f in sorted(PARAMS.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text())
        sections = {name: flatten(body["ros__parameters"]) for name, body in doc.items()
                    if isinstance(body, dict) and "ros__parameters" in body}
        if sections:
            out.append((f, sections))
    return out


def runs_for(sections):
    """The node names to start so each section applies at least once: '/**' alone
    in a namespace of our own, '/ns/webcam' in its namespace."""
    named = [s for s in sections if s != "/**"]
    for s in named:
        assert re.fullmatch(r"(/[A-Za-z_][A-Za-z0-9_]*)+/webcam", s), \
            f"section {s!r}: the test knows '/**' and '/<ns>/webcam' sections; teach it this one"
    return [s.rsplit("/", 1)[0] for s in named] or [None]


def applying(sections, fqn):
    """Merged values of the sections that apply to the node fqn, in file order."""
    merged = {}
    for name, values in sections.items():
        if name == "/**" or name == fqn:
            merged.update(values)
    return merged


CASES = [(f, ns) for f, sections in node_params_files() for ns in runs_for(sections)]


def test_the_documented_files_are_there():
    names = {f.name for f, _ in node_params_files()}
    assert {"webcam.yaml", "test_pattern.yaml", "multi_camera.yaml"} <= names, names


@pytest.mark.parametrize("path,ns", CASES, ids=[f"{f.name}:{ns or '/**'}" for f, ns in CASES])
def test_params_file_loads_and_names_only_declared_parameters(start_node, client, path, ns):
    namespace = ns or f"/pf_{path.stem}"
    fqn = f"{namespace}/webcam"
    node = start_node("-r", f"__ns:={namespace}", "--params-file", str(path), *RUNNABLE)
    params = Params(client, fqn)
    declared = set(params.list().names)
    out = node.output()
    assert node.alive(), f"the node exited with {path.name}:\n{out}"
    assert "unknown parameter" not in out, f"{path.name} names parameters the node does not declare:\n{out}"

    expected = applying(dict(node_params_files())[path], fqn)
    assert expected, f"no section of {path.name} applies to {fqn}"
    assert set(expected) <= declared, f"not declared: {sorted(set(expected) - declared)}"
    names = sorted(set(expected) - OVERRIDDEN)
    got = {n: parameter_value_to_python(v) for n, v in zip(names, params.get_msgs(*names))}
    # Each value arrived through rcl's parser as written (an integer for a double is widened).
    assert got == {n: expected[n] for n in names}
    assert node.stop() == 0, node.output()


def test_webcam_yaml_has_every_parameter_at_its_default(start_node, client):
    doc = yaml.safe_load((PARAMS / "webcam.yaml").read_text())
    assert list(doc) == ["/**"], "webcam.yaml applies to any node: one '/**' section"
    in_file = flatten(doc["/**"]["ros__parameters"])

    # A node with nothing set: its values are the defaults (no camera: it keeps retrying).
    node = start_node("-r", "__ns:=/pf_defaults", "-p", "http_port:=0")
    params = Params(client, "/pf_defaults/webcam")
    declared = sorted(n for n in params.list().names if not n.startswith(PER_TOPIC))
    assert sorted(in_file) == declared, (
        f"missing from webcam.yaml: {sorted(set(declared) - set(in_file))}; "
        f"not declared: {sorted(set(in_file) - set(declared))}")
    names = [n for n in declared if n != "http_port"]  # set to 0 above: no fixed ports in tests
    defaults = {n: parameter_value_to_python(v) for n, v in zip(names, params.get_msgs(*names))}
    assert {n: in_file[n] for n in names} == defaults
    assert isinstance(in_file["http_port"], int) and in_file["http_port"] > 0
    assert node.stop() == 0, node.output()


def test_webcam_yaml_comments_every_parameter():
    lines = (PARAMS / "webcam.yaml").read_text().splitlines()
    key = re.compile(r"^ {4}([a-z_][a-z0-9_.]*):")
    uncommented = []
    for i, line in enumerate(lines):
        m = key.match(line)
        if not m:
            continue
        before = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        if not before.startswith("#"):
            uncommented.append(m.group(1))
    assert not uncommented, f"webcam.yaml: say what these are in a comment above them: {uncommented}"


def test_multi_camera_yaml_gives_each_camera_its_own_port_and_frame():
    sections = dict(node_params_files())[PARAMS / "multi_camera.yaml"]
    cams = [s for s in sections if s != "/**"]
    assert len(cams) == 2, cams
    merged = [applying(sections, c) for c in cams]
    for key in ("http_port", "frame_id", "video_device", "camera_name"):
        values = [m.get(key) for m in merged]
        assert None not in values and len(set(values)) == 2, f"{key}: {values}"

