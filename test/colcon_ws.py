"""colcon workspaces holding this package, as ROS users build it, for the tests.

A user's shell has ROS 2 "sourced": here the project's venv with the PyPI
wheels (VENV from scripts/rosenv.sh: Kilted's .venv, or .venv-jazzy when
ROS_DISTRO=jazzy) plays the distro (its bin on PATH, AMENT_PREFIX_PATH naming it, as the
toolchain notes require for find_package of message packages). Nothing of the
developer's build environment (cgo flags, the wheels' LD_LIBRARY_PATH) reaches
the builds or the installed node.

Workspaces are built at most once per test process and shared by the tests
of the packaging (test_package.py, test_launch.py).
"""
import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("VENV") or ROOT / ".venv").resolve()

# What a developer's shell may carry that a user's would not, or that would
# steer the build: rosenv.sh's exports, the wheels' bootstrap, colcon/CMake state.
# (Go's own settings, GOFLAGS included, stay: a user's build uses them too;
# build.sh adds the build tags it needs.)
_DEV_PREFIXES = ("CGO_", "WEBCAM_", "COLCON_", "AMENT_", "CMAKE_")
_DEV_NAMES = {"VENV", "LD_LIBRARY_PATH", "_ROS_WHEELS_BOOTSTRAP_COMPLETE",
              "RMW_IMPLEMENTATION", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}


def user_env(**extra):
    """The test process's environment without any developer build state."""
    env = {k: v for k, v in os.environ.items() if not (k.startswith(_DEV_PREFIXES) or k in _DEV_NAMES)}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def sourced_ros_env(ws):
    """A user's shell with the venv's ROS 2 sourced, building in ws."""
    return user_env(PATH=f"{VENV}/bin:{os.environ['PATH']}", AMENT_PREFIX_PATH=VENV,
                    COLCON_HOME=ws / ".colcon")


def bare_run_env(home):
    """All the installed node may rely on: a home (for ~/.ros) and the test's DDS isolation."""
    return {"HOME": str(home), "ROS_DOMAIN_ID": os.environ["ROS_DOMAIN_ID"],
            "ROS_AUTOMATIC_DISCOVERY_RANGE": os.environ["ROS_AUTOMATIC_DISCOVERY_RANGE"]}


@dataclass
class Workspace:
    path: Path
    source: Path          # src/webcam: a symlink to the checkout, or a copy of it
    build_seconds: float
    log: str
    # mtime of the checkout's own build/webcam_node around the colcon build
    dev_node_mtime_before: int = 0
    dev_node_mtime_after: int = 0

    @property
    def install(self):
        return self.path / "install"

    @property
    def prefix(self):
        return self.install / "webcam"

    @property
    def node(self):
        return self.prefix / "lib" / "webcam" / "webcam_node"

    @property
    def share(self):
        return self.prefix / "share" / "webcam"


def colcon_build(ws, env):
    """colcon build in ws; returns (seconds, output) or fails with colcon's log."""
    cmd = [str(VENV / "bin" / "colcon"), "--log-base", str(ws / "log"), "build",
           "--base-paths", str(ws / "src"), "--build-base", str(ws / "build"),
           "--install-base", str(ws / "install"), "--event-handlers", "console_direct+"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=1200)
    secs = time.monotonic() - t0
    if p.returncode != 0:
        raise AssertionError(f"colcon build in {ws} failed ({p.returncode}) after {secs:.1f}s:\n{p.stdout[-8000:]}")
    return secs, p.stdout


def _new_ws(name):
    ws = Path(tempfile.mkdtemp(prefix=f"webcam_{name}_"))
    atexit.register(shutil.rmtree, ws, ignore_errors=True)
    (ws / "src").mkdir()
    return ws


def _mtime(p):
    return p.stat().st_mtime_ns if p.exists() else 0


def _symlinked():
    ws = _new_ws("colcon_ws")
    (ws / "src" / "webcam").symlink_to(ROOT)
    dev_node = ROOT / "build" / "webcam_node"
    before = _mtime(dev_node)
    secs, log = colcon_build(ws, sourced_ros_env(ws))
    return Workspace(ws, ws / "src" / "webcam", secs, log, before, _mtime(dev_node))


# Not part of a user's clone, or the developer's own build products.
_NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", ".venv-*", "build", "msgs", "install", "log",
                                      "__pycache__", ".pytest_cache", "*.pyc")


def _copied():
    ws = _new_ws("colcon_copy_ws")
    shutil.copytree(ROOT, ws / "src" / "webcam", symlinks=True, ignore=_NOT_SOURCES)
    secs, log = colcon_build(ws, sourced_ros_env(ws))
    return Workspace(ws, ws / "src" / "webcam", secs, log)


_built = {}


def _once(key, make):
    """make() at most once per process; a failure is remembered, not retried by every test."""
    if key not in _built:
        try:
            _built[key] = make()
        except Exception as e:  # noqa: BLE001 (re-raised for every caller)
            _built[key] = e
    if isinstance(_built[key], Exception):
        raise _built[key]
    return _built[key]


def symlinked_workspace():
    """ws/src/webcam -> this checkout (a developer's workspace; shares msgs/ with make build)."""
    return _once("symlinked", _symlinked)


def copied_workspace():
    """ws/src/webcam is a copy of the sources alone, as a clone: no .venv, no build/, no msgs/."""
    return _once("copied", _copied)


class Proc:
    """A process with its output in a file; stop() sends SIGINT and returns the exit code."""

    def __init__(self, args, env, log_dir):
        self.log_path = Path(log_dir) / f"proc_{time.monotonic_ns()}.log"
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([str(a) for a in args], stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)

    def output(self):
        self.log.flush()
        return self.log_path.read_text()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.proc.args[0]} did not exit within {timeout}s of SIGINT:\n{self.output()}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
