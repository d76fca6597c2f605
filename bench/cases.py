"""One end-to-end case: a publisher (our node or the rclpy+cv2 baseline) and
the measuring subscriber, in a ROS domain and namespace of their own, run for
a warm-up and then a measured window."""
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field

import numpy as np

import procs

BENCH = os.path.dirname(os.path.abspath(__file__))
TOPICS = {"raw": "image_raw", "compressed": "image_raw/compressed"}
# Publisher-only Fast DDS settings some rows use: a shared-memory segment
# that holds a whole 1080p frame (see the XML's comment).
TRANSPORTS = {"64 MiB SHM": {"FASTDDS_DEFAULT_PROFILES_FILE": os.path.join(BENCH, "fastdds_large_shm.xml")}}
# The log line of a publisher that is up: the node's source state, the
# baseline's first publish, the camera-mode peer's first capture.
READY = r"source .*: ok$|baseline: publishing|baseline: ready"

# Who publishes, from what: labels for the table.
PUBLISHERS = {
    "ours": "webcam_node, test pattern",
    "baseline": "rclpy+cv2, test pattern",
    "ours-mjpeg": "webcam_node, MJPEG file (passthrough)",
    "baseline-mjpeg": "rclpy+cv2, MJPEG file (decode, imencode)",
}
# The camera-mode rows (issue 13): who × the camera's format.
CAMERA_PUBLISHERS = {
    ("ours", "mjpeg"): "webcam_node, file:// MJPEG",
    ("peer", "mjpeg"): "rclpy+cv2, JPEG packets (imdecode for raw)",
    ("ours", "yuyv"): "webcam_node, rawfile:// YUYV",
    ("peer", "yuyv"): "rclpy+cv2, YUYV (cvtColor, imencode)",
}
# Topics subscribed per stream, in the order recorded.
STREAM_TOPICS = {"raw": ["raw"], "compressed": ["compressed"], "both": ["raw", "compressed"]}


@dataclass
class Case:
    width: int
    height: int
    stream: str  # raw | compressed; camera modes also both
    who: str  # a key of PUBLISHERS; camera modes: ours | peer
    seconds: float
    subscribers: int = 1
    fps: float = 30.0
    note: str = ""
    transport: str = ""  # "" for Fast DDS's defaults, else a key of TRANSPORTS
    mode: str = ""  # camera modes: mjpeg | yuyv, the clip's format; "" for the other rows
    idle: bool = True  # measure the publisher with no subscriber first
    id: str = field(init=False)

    def __post_init__(self):
        self.id = f"{self.width}x{self.height}/{self.stream}/{self.who}"
        if self.mode:
            self.id = f"{self.width}x{self.height}/{self.mode}/{self.stream}/{self.who}"
        if self.subscribers > 1:
            self.id += f"/{self.subscribers}subs"
        if self.transport:
            self.id += f"/{self.transport}"
        if self.note:
            self.id += f"/{self.note}"

    @property
    def size(self):
        return f"{self.width}x{self.height}"


class Runner:
    """Runs cases one after another, each in its own domain and namespace."""

    def __init__(self, children, node_bin, python, logdir, videos, warmup, idle, domain_base, clips=None):
        self.children, self.node_bin, self.python = children, node_bin, python
        self.logdir, self.videos, self.warmup, self.idle = logdir, videos, warmup, idle
        self.domain_base, self.count = domain_base, 0
        self.clips = clips or {}  # (mode, size) -> path, from scene.write_clips

    def camera_cmd(self, case, ns):
        clip = self.clips[(case.mode, case.size)]
        if case.who == "peer":
            return [self.python, os.path.join(BENCH, "baseline_pub.py"), "--camera", case.mode, "--clip", clip,
                    "--width", case.width, "--height", case.height, "--fps", case.fps, "--namespace", ns]
        source = "file://" + clip
        if case.mode == "yuyv":
            source = f"rawfile://{clip}?format=yuyv&width={case.width}&height={case.height}&fps={case.fps:g}"
        return [self.node_bin, "--ros-args", "-r", f"__ns:={ns}",
                "-p", f"source:={source}", "-p", f"image_width:={case.width}",
                "-p", f"image_height:={case.height}", "-p", f"framerate:={float(case.fps)}",
                "-p", "http_port:=0"]

    def publisher_cmd(self, case, ns):
        if case.mode:
            return self.camera_cmd(case, ns)
        if case.who.startswith("ours"):
            source = "testpattern://"
            if case.who == "ours-mjpeg":
                source = "file://" + self.videos[case.size]
            return [self.node_bin, "--ros-args", "-r", f"__ns:={ns}",
                    "-p", f"source:={source}", "-p", f"image_width:={case.width}",
                    "-p", f"image_height:={case.height}", "-p", f"framerate:={float(case.fps)}",
                    "-p", "http_port:=0"]
        cmd = [self.python, os.path.join(BENCH, "baseline_pub.py"), "--width", case.width,
               "--height", case.height, "--fps", case.fps, "--stream", case.stream, "--namespace", ns]
        if case.who == "baseline-mjpeg":
            cmd += ["--video", self.videos[case.size]]
        return cmd

    def run(self, case):
        self.count += 1
        # Domains 0..232 are valid; stay clear of the tests' 1..100.
        domain = self.domain_base + self.count % 60
        ns = f"/bench_{os.getpid()}_{self.count}"
        env = {**os.environ, "ROS_DOMAIN_ID": str(domain), "ROS_AUTOMATIC_DISCOVERY_RANGE": "LOCALHOST"}
        stem = os.path.join(self.logdir, case.id.replace("/", "_"))
        label = CAMERA_PUBLISHERS[(case.who, case.mode)] if case.mode else PUBLISHERS[case.who]
        result = {"id": case.id, "size": case.size, "stream": case.stream, "who": case.who,
                  "publisher": label, "subscribers": case.subscribers,
                  "target_fps": case.fps, "seconds": case.seconds, "domain": domain, "note": case.note,
                  "transport": case.transport, "mode": case.mode}
        pub_env = {**env, **TRANSPORTS.get(case.transport, {})}
        pub = self.children.start(self.publisher_cmd(case, ns), pub_env, stem + ".pub.log")
        # Before anyone subscribes: what the publisher costs with no consumer
        # (our node then only captures; the baseline publishes regardless).
        if self.idle > 0 and case.idle and procs.wait_log(pub.log_path, READY, 60, pub):
            time.sleep(1)
            cpu0, t0 = procs.cpu_seconds(pub.pid), time.monotonic()
            time.sleep(self.idle)
            result["idle_cpu_ms_per_frame"] = (procs.cpu_seconds(pub.pid) - cpu0) * 1000 / (case.fps * (time.monotonic() - t0))
        rec_path = stem + ".rec.json"
        streams = STREAM_TOPICS[case.stream]
        topic_args = [a for s in streams for a in ("--topic", f"{ns}/{TOPICS[s]}", "--type", s)]
        sub = self.children.start([self.python, os.path.join(BENCH, "subscriber.py"), *topic_args,
                                   "--count", case.subscribers, "--out", rec_path],
                                  env, stem + ".sub.log", stdout=subprocess.PIPE)
        try:
            if procs.wait_line(sub, "first", 60) is None:
                return {**result, "error": "no message within 60 s; publisher log:\n" + procs.tail(pub.log_path)}
            time.sleep(self.warmup)
            if pub.poll() is not None:
                return {**result, "error": f"publisher exited ({pub.returncode}):\n" + procs.tail(pub.log_path)}
            flt0 = procs.minor_faults(pub.pid)
            cpu0, sub_cpu0, t0 = procs.cpu_seconds(pub.pid), procs.cpu_seconds(sub.pid), time.time_ns()
            time.sleep(case.seconds)
            t1, cpu1, sub_cpu1 = time.time_ns(), procs.cpu_seconds(pub.pid), procs.cpu_seconds(sub.pid)
            faults = procs.minor_faults(pub.pid) - flt0
            mem, load = procs.memory_kib(pub.pid), procs.loadavg()
            if pub.poll() is not None or "VmRSS" not in mem:
                return {**result, "error": f"publisher exited during the window ({pub.returncode}):\n"
                        + procs.tail(pub.log_path)}
        finally:
            self.children.stop(sub)
            self.children.stop(pub)
        try:
            with open(rec_path) as f:
                records = json.load(f)["subscriptions"]
        except (OSError, ValueError) as e:
            return {**result, "error": f"subscriber wrote no records ({e}):\n" + procs.tail(sub.log_path)}
        if len(streams) > 1:
            # One subscription per topic: each topic's own delivery and
            # latency; the case's fps and drops are the worst topic's.
            n = case.subscribers
            per = {s: summarize(records[i * n:(i + 1) * n], t0, t1, case.fps) for i, s in enumerate(streams)}
            worst = min(per.values(), key=lambda x: x["received"])
            summary = {**per[streams[0]], "received": worst["received"], "fps": worst["fps"],
                       "dropped": worst["dropped"], "topics": per}
        else:
            summary = summarize(records, t0, t1, case.fps)
        return {**result, **summary, "load1": load[0],
                "cpu_s": cpu1 - cpu0, "sub_cpu_s": sub_cpu1 - sub_cpu0, "minor_faults": faults,
                "rss_mib": mem["VmRSS"] / 1024, "hwm_mib": mem["VmHWM"] / 1024}


def summarize(records, t0, t1, fps):
    """Delivery, drops and latency over the window [t0, t1] (ns, receipt
    time); with several subscriptions the worst delivery counts, latency is
    the first's."""
    window = (t1 - t0) / 1e9
    per_sub = [[r for r in recs if t0 <= r[0] <= t1] for recs in records]
    received = min(len(r) for r in per_sub)
    expected = round(fps * window)
    first = per_sub[0]
    lat = np.array([(r[0] - r[1]) / 1e6 for r in first]) if first else np.array([np.nan])
    return {"window_s": window, "received": received, "expected": expected,
            "fps": received / window, "dropped": max(0, expected - received),
            "lat_p50_ms": float(np.percentile(lat, 50)), "lat_p99_ms": float(np.percentile(lat, 99)),
            "lat_max_ms": float(np.max(lat)),
            "msg_bytes": float(np.mean([r[2] for r in first])) if first else 0.0}


def cpu_per_frame(r):
    """Publisher CPU milliseconds per delivered frame."""
    if r.get("error") or not r.get("received"):
        return None
    return r["cpu_s"] * 1000 / r["received"]


if __name__ == "__main__":
    sys.exit("run bench/run.py (make bench)")
