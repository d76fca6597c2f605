"""`make bench`: our node against an rclpy + OpenCV publisher, side by side on
this machine, and the Go micro-benchmarks; prints the tables and writes
docs/bench.md and bench/results.json (full runs; a filtered run writes its
results next to its logs).

Environment:
  BENCH_SECONDS       measured window per case (default 10)
  BENCH_WARMUP        seconds after the first message before measuring (3)
  BENCH_LONG_SECONDS  an extra raw 1080p run of our node this long (60; 0: none)
  BENCH_IDLE_SECONDS  publisher CPU measured this long before anyone subscribes (3)
  BENCH_CASES         regexp: run only matching case ids, e.g. '1920x1080/raw',
                      or the camera modes: '/mjpeg/|/yuyv/', '1280x720/mjpeg/both/ours'
                      (a filtered run leaves docs/bench.md and bench/results.json alone)
  BENCH_GO            0 skips the Go micro-benchmarks

`bench/run.py --report-only` rewrites docs/bench.md from bench/results.json.
"""
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import cv2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gobench  # noqa: E402
import procs  # noqa: E402
from cases import Case, Runner  # noqa: E402
from pattern import write_mjpeg  # noqa: E402
from report import (CAMERA_MODES, MIXES, SIZES, camera_section, e2e_section, jpeg_section, machine_section,  # noqa: E402
                    h264_presets_section, publish_section, source_section, webrtc_section)
from scene import write_clips  # noqa: E402
from targets import camera_targets_section, targets_section, webrtc_targets_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env_number(name, default):
    v = os.environ.get(name, "")
    try:
        return float(v) if v else default
    except ValueError:
        sys.exit(f"bench: {name}={v!r} is not a number of seconds")


def plan(seconds, long_seconds):
    cases = []
    for size in SIZES:
        w, h = (int(x) for x in size.split("x"))
        cases += [Case(w, h, "raw", "ours", seconds), Case(w, h, "raw", "baseline", seconds)]
        cases += [Case(w, h, "compressed", who, seconds)
                  for who in ("ours", "baseline", "ours-mjpeg", "baseline-mjpeg")]
        if size == "1280x720":
            cases.append(Case(w, h, "compressed", "ours", seconds, subscribers=3))
    # Informative: the same raw 1080p pair with a shared-memory segment that
    # holds a whole frame (bench/fastdds_large_shm.xml), and the long runs.
    cases += [Case(1920, 1080, "raw", who, seconds, transport="64 MiB SHM") for who in ("ours", "baseline")]
    if long_seconds > seconds:
        cases += [Case(1920, 1080, "raw", "ours", long_seconds, note=f"{long_seconds:g} s", transport=t)
                  for t in ("", "64 MiB SHM")]
    return cases + camera_plan(seconds)


def camera_plan(seconds):
    """Issue 13's camera modes: each camera format and size × compressed
    only, raw only, both; node and peer back to back."""
    return [Case(int(size.split("x")[0]), int(size.split("x")[1]), stream, who, seconds, mode=mode)
            for mode, size in CAMERA_MODES for stream in MIXES for who in ("ours", "peer")]


def idle_once(cases):
    """A camera-mode publisher's cost with nobody subscribed does not depend
    on the mix: measured with the first case of each publisher and mode."""
    seen = set()
    for c in cases:
        if c.mode:
            key = (c.mode, c.size, c.who)
            c.idle = key not in seen
            seen.add(key)
    return cases


def run_out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def ros_label():
    """Which ROS 2 the run used (scripts/rosenv.sh's exports)."""
    if os.environ.get("WEBCAM_ROS_FROM") == "sourced":
        return f" (ROS 2 {os.environ.get('ROS_DISTRO', '?').title()}, sourced)"
    return f" (ROS 2 {os.environ.get('WEBCAM_DISTRO', 'kilted').title()} wheels)"


def machine(seconds, warmup, idle):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    dirty = " + uncommitted changes in the tree" if run_out(["git", "status", "--porcelain", "--untracked-files=no"]) else ""
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cpu": cpu, "nproc": os.cpu_count(), "mem": f"{int(mem) / 1024 / 1024:.1f} GiB",
            "kernel": platform.release(), "load_start": "%.2f %.2f %.2f" % procs.loadavg(),
            "commit": run_out(["git", "rev-parse", "--short", "HEAD"]) + dirty,
            "go": run_out(["go", "env", "GOVERSION"]), "python": platform.python_version(),
            "cv2": cv2.__version__, "rmw": os.environ.get("RMW_IMPLEMENTATION", "rmw_fastrtps_cpp") + ros_label(),
            "settings": f"{seconds:g} s measured per case after {warmup:g} s warm-up (and {idle:g} s with no "
                        "subscriber before that), 30 fps requested; "
                        "reliable, keep last 2 on both ends; each case in its own ROS domain and namespace, "
                        "ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST; cases run one at a time"}


def rerender():
    """Writes docs/bench.md again from bench/results.json, for a change of
    layout without measuring again."""
    with open(os.path.join(ROOT, "bench", "results.json")) as f:
        data = json.load(f)
    md = document(data["machine"], data["cases"], data["go"], data.get("filter", ""), data.get("h264_ratio", ""),
                  data.get("h264_presets", ""))
    with open(os.path.join(ROOT, "docs", "bench.md"), "w") as f:
        f.write(md)
    print(md)
    return 0


def main():
    if sys.argv[1:] == ["--report-only"]:
        return rerender()
    if sys.argv[1:]:
        sys.exit(f"bench: unknown arguments {sys.argv[1:]} (only --report-only; settings are BENCH_* variables)")
    # Ctrl-C ends the bench even when started from a script that ignores
    # SIGINT (Python then leaves it ignored); Children stops every process.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    seconds, warmup = env_number("BENCH_SECONDS", 10), env_number("BENCH_WARMUP", 3)
    long_seconds = env_number("BENCH_LONG_SECONDS", 60)
    idle = env_number("BENCH_IDLE_SECONDS", 3)
    pick = os.environ.get("BENCH_CASES", "")
    node_bin = os.path.join(ROOT, "build", "webcam_node")
    if not os.access(node_bin, os.X_OK):
        sys.exit(f"bench: {node_bin} is missing: run make build")
    cases = idle_once([c for c in plan(seconds, long_seconds) if not pick or re.search(pick, c.id)])
    if not cases and pick:
        sys.exit(f"bench: BENCH_CASES={pick!r} matches no case")
    info = machine(seconds, warmup, idle)
    print(f"bench: load average {info['load_start']} on {info['nproc']} × {info['cpu']}", flush=True)
    work = tempfile.mkdtemp(prefix="webcam-bench-")
    print(f"bench: logs in {work}", flush=True)
    results, gores, errors, h264_ratio, h264_presets = [], {}, [], "", ""
    with procs.Children() as children:
        try:
            videos = {}
            for c in cases:
                if c.who.endswith("mjpeg") and c.size not in videos:
                    videos[c.size] = write_mjpeg(os.path.join(work, f"pattern_{c.size}.avi"), c.width, c.height)
            need = {(c.mode, c.size) for c in cases if c.mode}
            go = os.environ.get("BENCH_GO", "1") != "0"
            if go:
                need.add(("mjpeg", "1280x720"))  # BenchmarkWebRTC's camera-like clip
            clips = {}
            if need:
                print("bench: writing the camera-mode clips ...", end=" ", flush=True)
                clips = write_clips(work, [s for m, s in need if m == "mjpeg"], [s for m, s in need if m == "yuyv"])
                print(", ".join(f"{m} {s}" for m, s in sorted(clips)), flush=True)
            if go:
                genv = {**os.environ, "ROS_DOMAIN_ID": str(230), "ROS_AUTOMATIC_DISCOVERY_RANGE": "LOCALHOST",
                        "WEBCAM_BENCH_CLIP": clips[("mjpeg", "1280x720")]}
                with open(os.path.join(work, "gobench.log"), "w") as log:
                    gores, goerr = gobench.run(ROOT, genv, log)
                errors += goerr
                h264_ratio, err = run_h264_script("bench/h264_ratio.sh")
                if err:
                    errors.append(err)
                h264_presets, err = run_h264_script("bench/h264_presets.sh")
                if err:
                    errors.append(err)
                # H.264 sources' decode for the ROS topics, shown with the encoder's ratios.
                decode, err = run_h264_script("bench/h264dec_ratio.sh")
                h264_ratio += "\n$ bench/h264dec_ratio.sh   # h264dec/ decoding against the ffmpeg CLI\n" + decode
                if err:
                    errors.append(err)
            runner = Runner(children, node_bin, sys.executable, work, videos, warmup, idle, domain_base=160,
                            clips=clips)
            for c in cases:
                print(f"bench: {c.id} ({c.seconds:g} s) ...", end=" ", flush=True)
                r = runner.run(c)
                results.append(r)
                lat = ", ".join(f"{t} p50 {x['lat_p50_ms']:.1f} ms, p99 {x['lat_p99_ms']:.1f} ms"
                                for t, x in r.get("topics", {"": r}).items()).strip() if not r.get("error") else ""
                print(r.get("error", "").splitlines()[0] if r.get("error") else
                      f"{r['fps']:.2f} fps, {lat}, "
                      f"CPU {r['cpu_s'] * 1000 / max(1, r['received']):.2f} ms/frame, load {r['load1']:.2f}", flush=True)
                if r.get("error"):
                    errors.append(f"{c.id}: {r['error']}")
        except KeyboardInterrupt:
            print("\nbench: interrupted; stopping children", flush=True)
            return 130
        finally:
            for v in os.listdir(work):
                if v.endswith((".avi", ".yuyv")):
                    os.remove(os.path.join(work, v))
    info["load_end"] = "%.2f %.2f %.2f" % procs.loadavg()
    md = document(info, results, gores, pick, h264_ratio, h264_presets)
    print("\n" + md)
    data = {"machine": info, "cases": results, "go": gores, "filter": pick, "h264_ratio": h264_ratio,
            "h264_presets": h264_presets}
    if not pick:
        with open(os.path.join(ROOT, "bench", "results.json"), "w") as f:
            json.dump(data, f, indent=1)
        with open(os.path.join(ROOT, "docs", "bench.md"), "w") as f:
            f.write(md)
        print("bench: wrote docs/bench.md and bench/results.json")
    else:
        # A partial run must not replace the full run's record.
        for name, text in (("results.json", json.dumps(data, indent=1)), ("bench.md", md)):
            with open(os.path.join(work, name), "w") as f:
                f.write(text)
        print(f"bench: filtered run: results in {work}/results.json and {work}/bench.md")
    for e in errors:
        print("bench: error:", e, file=sys.stderr)
    if not errors and not pick:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if errors else 0


def run_h264_script(script):
    """bench/h264_ratio.sh (the H.264 encoder against the x264 CLI on the same
    frames and settings) or bench/h264_presets.sh (CPU, bitrate and quality
    per x264 preset): its table as text, and an error or None."""
    print(f"$ {script}", flush=True)
    p = subprocess.run([script], cwd=ROOT, capture_output=True, text=True)
    print(p.stdout, flush=True)
    if p.returncode != 0:
        return p.stdout, f"{script} failed ({p.returncode}):\n{p.stderr[-2000:]}"
    return p.stdout, None


def document(info, results, gores, pick, h264_ratio="", h264_presets=""):
    lines = ["# Benchmark: webcam_node against an rclpy + OpenCV publisher", "",
             "Written by `make bench` (bench/run.py, about 40 minutes on 2 cores); rerun it rather than editing this file."
             + (f" Filtered run: `BENCH_CASES={pick}`." if pick else ""),
             "The baseline is bench/baseline_pub.py: what a user writes from \"read frames with OpenCV and fill "
             "sensor_msgs/Image\" (rclpy timer at 30 Hz, numpy frame, `tobytes` / `cv2.imencode` q80, publish). "
             "Both draw the same test pattern (bench/pattern.py mirrors capture/testpattern.go); the MJPEG rows play "
             "one MJPEG .avi per size written with cv2.VideoWriter (quality 80), which the node publishes byte for byte "
             "(file:// source) and the baseline decodes and encodes again. The measuring end is bench/subscriber.py "
             "(rclpy, reliable, keep last 2, raw CDR). The camera modes (issue 13) play a camera-like scene instead "
             "(bench/scene.py) against a peer that does a camera driver's job; see that section.", ""]
    lines += machine_section(info) + [""] + e2e_section(results) + [""]
    lines += camera_section(results) + [""]
    if gores:
        lines += publish_section(gores) + [""] + jpeg_section(gores) + [""] + source_section(gores) + [""]
    lines += webrtc_section(gores, h264_ratio) + [""]
    lines += h264_presets_section(h264_presets) + [""]
    lines += targets_section(results, gores) + [""] + camera_targets_section(results) + [""]
    lines += webrtc_targets_section(gores, h264_ratio) + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
