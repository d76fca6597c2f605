"""Issue 9: the launch files, checked structurally (launch/launch_ros are not on PyPI).

What `ros2 launch` would trip over is checked against the real things: tags and
attributes of the launch_xml/launch_ros frontend, executables in the colcon
install tree (found through the ament index, as launch_ros finds them),
$(find-pkg-share webcam)/… files in the installed share folder, every $(var x)
declared, parameters of our node declared by the running node. The Python
launch file declares the same arguments as webcam.launch.xml.
"""
import ast
import os
import re
import xml.etree.ElementTree as ET

import pytest
from ament_index_python.packages import get_package_prefix, get_package_share_directory

from colcon_ws import ROOT, VENV, symlinked_workspace
from paramclient import Params

LAUNCH = ROOT / "launch"
XML_FILES = sorted(LAUNCH.glob("*.launch.xml"))
XML_IDS = [f.name for f in XML_FILES]

# The launch_xml / launch_ros frontend: tag -> attributes these files may use
# (launch's DeclareLaunchArgument, IncludeLaunchDescription, launch_ros's Node
# and its <param>, as their parse() methods read them).
ATTRIBUTES = {
    "launch": set(),
    "arg": {"name", "default", "description"},
    "include": {"file", "if", "unless"},
    "include/arg": {"name", "value"},
    "node": {"pkg", "exec", "name", "namespace", "output", "ros_args", "args", "respawn",
             "respawn_delay", "launch-prefix", "if", "unless"},
    "param": {"name", "value", "type", "from"},
    "remap": {"from", "to"},
}
PARAM_TYPES = {"str", "bool", "float", "int", "list_of_str", "list_of_bool", "list_of_float",
               "list_of_int", "yaml"}
SUBSTITUTION = re.compile(r"\$\((\S+?)(?:\s+([^)]*))?\)")
# web_video_server (not on PyPI): executable and parameters as its sources declare them
# (CMakeLists add_executable(web_video_server), install to lib/web_video_server).
WEB_VIDEO_SERVER = {"exec": "web_video_server",
                    "params": {"port", "address", "verbose", "server_threads", "ros_threads",
                               "publish_rate", "default_stream_type"}}


def parse(path):
    root = ET.parse(path).getroot()
    assert root.tag == "launch", f"{path.name}: root element <{root.tag}>, not <launch>"
    return root


def declared_args(root):
    return {a.get("name"): a for a in root.findall("arg")}


def walk(el):
    for child in el:
        key = f"{el.tag}/{child.tag}" if f"{el.tag}/{child.tag}" in ATTRIBUTES else child.tag
        yield key, child
        yield from walk(child)


def substitutions(root):
    for _, el in walk(root):
        for attr, value in el.attrib.items():
            for m in SUBSTITUTION.finditer(value):
                yield el, attr, m.group(1), (m.group(2) or "").strip(), value[m.end():]


@pytest.fixture(scope="module")
def ament_env():
    """AMENT_PREFIX_PATH as after `source install/setup.bash` (with the venv's ROS)."""
    ws = symlinked_workspace()
    old = os.environ.get("AMENT_PREFIX_PATH")
    os.environ["AMENT_PREFIX_PATH"] = f"{ws.prefix}:{VENV}"
    yield ws
    if old is None:
        del os.environ["AMENT_PREFIX_PATH"]
    else:
        os.environ["AMENT_PREFIX_PATH"] = old


def test_the_documented_launch_files_are_there():
    assert {"webcam.launch.xml", "webcam_web_video_server.launch.xml", "multi_camera.launch.xml"} <= set(XML_IDS)
    assert (LAUNCH / "webcam.launch.py").is_file()


@pytest.mark.parametrize("path", XML_FILES, ids=XML_IDS)
def test_tags_attributes_and_args(path):
    root = parse(path)
    for key, el in walk(root):
        assert key in ATTRIBUTES, f"{path.name}: <{el.tag}> is not used by these launch files"
        extra = set(el.attrib) - ATTRIBUTES[key]
        assert not extra, f"{path.name}: <{el.tag}> has no attribute {sorted(extra)}"
        if el.tag == "param":
            assert ("from" in el.attrib) != ("name" in el.attrib), f"{path.name}: <param> needs name or from"
            assert el.get("type", "str") in PARAM_TYPES, el.attrib
        if el.tag == "node":
            assert {"pkg", "exec", "name"} <= set(el.attrib), el.attrib
    args = declared_args(root)
    assert args, f"{path.name} declares no arguments"
    for name, arg in args.items():
        assert arg.get("default") is not None, f"{path.name}: arg {name} has no default"
        assert len(arg.get("description", "")) > 10, f"{path.name}: arg {name} needs a description"
    for el, attr, kind, value, _ in substitutions(root):
        assert kind in ("var", "find-pkg-share"), f"{path.name}: $({kind} …) in <{el.tag} {attr}>"
        if kind == "var":
            assert value in args, f"{path.name}: $(var {value}) is not a declared <arg>"
        else:
            assert value == "webcam", f"{path.name}: $(find-pkg-share {value})"


@pytest.mark.parametrize("path", XML_FILES, ids=XML_IDS)
def test_find_pkg_share_files_are_installed(ament_env, path):
    share = get_package_share_directory("webcam")
    assert share == str(ament_env.share)
    found = 0
    for el, attr, kind, _, rest in substitutions(parse(path)):
        if kind == "find-pkg-share":
            target = share + rest
            assert os.path.isfile(target), f"{path.name}: <{el.tag} {attr}> names {target}, not installed"
            found += 1
    assert found, f"{path.name}: expected its defaults under $(find-pkg-share webcam)"


@pytest.mark.parametrize("path", XML_FILES, ids=XML_IDS)
def test_nodes_name_real_executables(ament_env, path):
    deps = {d.text for d in ET.parse(ROOT / "package.xml").getroot() if d.tag in ("exec_depend", "depend")}
    for node in parse(path).iter("node"):
        pkg, exe = node.get("pkg"), node.get("exec")
        if pkg == "webcam":
            binary = os.path.join(get_package_prefix("webcam"), "lib", "webcam", exe)
            assert os.access(binary, os.X_OK), f"{path.name}: {binary} is not an installed executable"
        elif pkg == "web_video_server":
            assert exe == WEB_VIDEO_SERVER["exec"], f"{path.name}: web_video_server's executable is web_video_server"
            names = {p.get("name") for p in node.iter("param")}
            assert names <= WEB_VIDEO_SERVER["params"], f"not web_video_server parameters: {names - WEB_VIDEO_SERVER['params']}"
            assert pkg in deps, "package.xml must exec_depend on web_video_server"
        else:
            pytest.fail(f"{path.name}: node of unknown package {pkg}")


@pytest.mark.parametrize("path", XML_FILES, ids=XML_IDS)
def test_includes_pass_only_declared_args(ament_env, path):
    for inc in parse(path).iter("include"):
        m = SUBSTITUTION.fullmatch(inc.get("file").split("/", 1)[0])
        assert m and m.group(1) == "find-pkg-share", inc.get("file")
        target = get_package_share_directory(m.group(2).strip()) + "/" + inc.get("file").split("/", 1)[1]
        declared = declared_args(parse(target))
        passed = {a.get("name") for a in inc.findall("arg")}
        assert passed <= set(declared), f"{path.name} passes undeclared args {passed - set(declared)}"


def test_webcam_parameters_in_launch_files_are_declared(start_node, client):
    node = start_node("-r", "__ns:=/launch_params", "-p", "source:=testpattern://", "-p", "http_port:=0")
    declared = set(Params(client, "/launch_params/webcam").list().names)
    for path in XML_FILES:
        for el in parse(path).iter("node"):
            if el.get("pkg") == "webcam":
                names = {p.get("name") for p in el.iter("param") if p.get("name")}
                assert names <= declared, f"{path.name}: webcam has no parameters {names - declared}"
    py_names = set(python_launch()["params"])
    assert py_names <= declared, py_names - declared
    assert node.stop() == 0


def render(node):
    """A Python launch default as the XML spells it."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Call) and node.func.id == "FindPackageShare":
        return f"$(find-pkg-share {node.args[0].value})"
    if isinstance(node, ast.Call) and node.func.id == "PathJoinSubstitution":
        return "/".join(render(e) for e in node.args[0].elts)
    raise AssertionError(f"webcam.launch.py: cannot compare default {ast.dump(node)}")


def python_launch():
    path = LAUNCH / "webcam.launch.py"
    tree = ast.parse(path.read_text(), str(path))
    compile(tree, str(path), "exec")
    args, node, params = {}, None, []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            continue
        kw = {k.arg: k.value for k in call.keywords}
        if call.func.id == "DeclareLaunchArgument":
            args[call.args[0].value] = (render(kw["default_value"]), kw["description"].value)
        elif call.func.id == "Node":
            node = {k: v.value for k, v in kw.items() if isinstance(v, ast.Constant)}
            params = [k.value for e in kw["parameters"].elts if isinstance(e, ast.Dict) for k in e.keys]
    return {"args": args, "node": node, "params": params}


def test_python_launch_file_matches_the_xml_one():
    py = python_launch()
    root = parse(LAUNCH / "webcam.launch.xml")
    xml_args = {n: (a.get("default"), a.get("description")) for n, a in declared_args(root).items()}
    assert py["args"] == xml_args
    xml_node = root.find("node")
    assert py["node"] == {"package": xml_node.get("pkg"), "executable": xml_node.get("exec"),
                          "name": xml_node.get("name"), "output": xml_node.get("output")}
    assert sorted(py["params"]) == sorted(p.get("name") for p in xml_node.iter("param") if p.get("name"))
