"""Child processes of the bench and what /proc says about them.

Every child is started through Children, which stops them all (SIGINT, then
SIGKILL) on exit, Ctrl-C or SIGTERM, so no publisher outlives the bench.
"""
import os
import re
import select
import signal
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process, all its threads, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of proc(5)


def minor_faults(pid):
    """Minor page faults of a process so far, all its threads: each is a
    page of fresh memory touched, e.g. a large buffer malloc'd anew."""
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])  # field 10 of proc(5)


def memory_kib(pid):
    """VmRSS and VmHWM of a process, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def loadavg():
    with open("/proc/loadavg") as f:
        return tuple(float(x) for x in f.read().split()[:3])


def _interrupt(*_):
    raise KeyboardInterrupt


class Children:
    """Starts processes and guarantees they are stopped."""

    def __init__(self):
        self.procs = []

    def start(self, args, env, log_path, stdout=None):
        log = open(log_path, "w")
        p = subprocess.Popen([str(a) for a in args], env=env, stdout=stdout or log, stderr=log, text=True)
        p.log_path = log_path
        p.log_file = log
        self.procs.append(p)
        return p

    def stop(self, p, timeout=10):
        """SIGINT, as Ctrl-C would; SIGKILL if it does not exit in time.
        Returns the exit code."""
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        p.log_file.close()
        if p in self.procs:
            self.procs.remove(p)
        return p.returncode

    def stop_all(self):
        for p in list(self.procs):
            self.stop(p, timeout=5)

    def __enter__(self):
        # SIGTERM gets the same clean-up as Ctrl-C.
        self._old = signal.signal(signal.SIGTERM, _interrupt)
        return self

    def __exit__(self, *exc):
        self.stop_all()
        signal.signal(signal.SIGTERM, self._old)
        return False


def tail(path, lines=20):
    try:
        with open(path) as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"(no log: {e})"


def wait_log(path, pattern, timeout, proc=None):
    """Waits until the file at path has a line matching the regexp pattern;
    False on timeout or when proc exits first."""
    rx = re.compile(pattern)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(path) as f:
                if any(rx.search(line) for line in f):
                    return True
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def wait_line(p, prefix, timeout):
    """Reads p's stdout until a line starting with prefix; None on timeout or
    exit. Uses os.read on the pipe so a silent child cannot block us."""
    end = time.monotonic() + timeout
    buf = ""
    fd = p.stdout.fileno()
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            chunk = os.read(fd, 4096).decode()
            if not chunk:
                return None
            buf += chunk
            for line in buf.splitlines():
                if line.startswith(prefix):
                    return line
        elif p.poll() is not None:
            return None
    return None
