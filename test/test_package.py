"""Issue 9: webcam as a ROS 2 package, built by colcon the way users build it.

Two workspaces (test/colcon_ws.py): src/webcam as a symlink to this checkout,
and as a copy of its sources alone (no .venv, no build/, no msgs/) whose ROS
comes only from AMENT_PREFIX_PATH. The installed node must run from a sourced
workspace as `ros2 run` starts it, and with no environment beyond a home.
"""
import filecmp
import os
import subprocess

import pytest
from sensor_msgs.msg import CompressedImage, Image

from colcon_ws import ROOT, VENV, Proc, bare_run_env, copied_workspace, symlinked_workspace

RUNNABLE = ["-p", "source:=testpattern://", "-p", "http_port:=0"]


@pytest.fixture
def procs(tmp_path):
    started = []

    def start(args, env):
        p = Proc(args, env, tmp_path)
        started.append(p)
        return p

    yield start
    for p in started:
        p.close()


def dynamic_section(binary):
    out = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True, check=True).stdout
    tags = {}
    for line in out.splitlines():
        for tag in ("RPATH", "RUNPATH", "NEEDED"):
            if f"({tag})" in line:
                tags.setdefault(tag, []).append(line.split("[", 1)[1].rstrip("]"))
    return tags


def receive_frames(client, ns, proc, images=3):
    client.subscribe(Image, f"{ns}/image_raw")
    client.subscribe(CompressedImage, f"{ns}/image_raw/compressed")
    got = client.wait_for(f"{ns}/image_raw", images, timeout=15, node=proc)
    client.wait_for(f"{ns}/image_raw/compressed", 1, timeout=15, node=proc)
    assert all((m.width, m.height, m.encoding) == (640, 480, "rgb8") for m in got)


def source_files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_colcon_build_installs_the_package():
    ws = symlinked_workspace()
    print(f"colcon build (symlinked source): {ws.build_seconds:.1f}s")
    assert "Finished <<< webcam" in ws.log
    node = ws.node
    assert node.is_file() and os.access(node, os.X_OK), f"no executable {node}"
    assert node.read_bytes()[:4] == b"\x7fELF"
    for folder in ("launch", "params"):
        assert source_files(ws.share / folder) == source_files(ROOT / folder), folder
        for name in source_files(ROOT / folder):
            assert filecmp.cmp(ws.share / folder / name, ROOT / folder / name, shallow=False), name
    assert filecmp.cmp(ws.share / "package.xml", ROOT / "package.xml", shallow=False)
    # Registered for ros2 run/launch (ament index) and sourced by the workspace's setup.
    assert (ws.prefix / "share/ament_index/resource_index/packages/webcam").is_file()
    assert (ws.share / "local_setup.bash").is_file() and (ws.install / "setup.bash").is_file()
    # The build's products stay in the workspace; the checkout's own build/ is not touched.
    assert ws.dev_node_mtime_before == ws.dev_node_mtime_after


def test_installed_node_links_by_rpath_only():
    tags = dynamic_section(symlinked_workspace().node)
    assert "RUNPATH" not in tags, "RUNPATH is not searched for the libraries' own dependencies"
    rpath = tags["RPATH"][0].split(":")
    assert f"{VENV}/lib" in rpath, rpath
    assert any(d.endswith(".libs") for d in rpath), "the wheels' vendored library folders"
    assert any(n.startswith("librcl.so") for n in tags["NEEDED"]), tags["NEEDED"]


def test_installed_node_runs_with_no_extra_environment(client, procs, tmp_path):
    ws = symlinked_workspace()
    ns = "/pkg_bare"
    env = bare_run_env(tmp_path)  # no PATH, no LD_LIBRARY_PATH, nothing sourced
    proc = procs([ws.node, "--ros-args", "-r", f"__ns:={ns}", *RUNNABLE], env)
    receive_frames(client, ns, proc)
    assert proc.stop() == 0, proc.output()


# What `ros2 run webcam webcam_node` and `ros2 launch`'s $(find-pkg-share webcam)
# resolve, with the same ament_index calls, in the shell that sourced the workspace.
RESOLVE = """
import os, sys
from ament_index_python.packages import get_package_prefix, get_package_share_directory
lib = os.path.join(get_package_prefix("webcam"), "lib", "webcam")
exes = sorted(f for f in os.listdir(lib) if os.access(os.path.join(lib, f), os.X_OK))
print(os.path.join(lib, "webcam_node") if "webcam_node" in exes else "missing: " + repr(exes))
print(get_package_share_directory("webcam"))
"""

RUN_SOURCED = """
set -eo pipefail
set +u  # colcon's setup scripts read unset variables
source "$WS/install/setup.bash"
set -u
echo "AMENT_PREFIX_PATH=$AMENT_PREFIX_PATH"
{ read -r exe; read -r share; } < <("$VENV/bin/python" -c "$RESOLVE")
echo "exe=$exe"
echo "share=$share"
exec "$exe" --ros-args "$@"
"""


def test_sourced_workspace_runs_the_node_as_ros2_run_does(client, procs, tmp_path):
    ws = symlinked_workspace()
    ns = "/pkg_sourced"
    # A fresh shell with only the venv's ROS sourced; setup.bash adds the workspace.
    env = {**bare_run_env(tmp_path), "PATH": "/usr/bin:/bin", "AMENT_PREFIX_PATH": str(VENV),
           "WS": str(ws.path), "VENV": str(VENV), "RESOLVE": RESOLVE}
    proc = procs(["bash", "-c", RUN_SOURCED, "run", "-r", f"__ns:={ns}", *RUNNABLE], env)
    receive_frames(client, ns, proc)
    out = proc.output()
    assert f"AMENT_PREFIX_PATH={ws.prefix}:{VENV}" in out, out
    assert f"exe={ws.node}\n" in out, out
    assert f"share={ws.share}\n" in out, out
    assert proc.stop() == 0, out


def test_copy_of_the_sources_builds_against_ros_from_ament_prefix_path(client, procs, tmp_path):
    ws = copied_workspace()
    print(f"colcon build (copied sources, ROS from AMENT_PREFIX_PATH): {ws.build_seconds:.1f}s")
    assert not (ws.source / ".venv").exists()
    assert (ws.source / "msgs" / ".stamp").is_file(), "the bindings are generated by the colcon build"
    assert "Found rcl: " in ws.log and f"({VENV}/share/rcl/cmake)" in ws.log
    assert f"{VENV}/lib" in dynamic_section(ws.node)["RPATH"][0].split(":")
    ns = "/pkg_copy"
    proc = procs([ws.node, "--ros-args", "-r", f"__ns:={ns}", *RUNNABLE], bare_run_env(tmp_path))
    receive_frames(client, ns, proc, images=1)
    assert proc.stop() == 0, proc.output()

