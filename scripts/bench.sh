#!/usr/bin/env bash
# `make bench`: webcam_node against an rclpy + OpenCV publisher, end to end
# at 640x480, 1280x720 and 1920x1080 (raw and compressed), issue 13's camera
# modes (MJPEG 720p/1080p and YUYV 480p/720p, each with compressed, raw and
# both subscribed, against an rclpy + OpenCV peer on a camera-like clip from
# bench/scene.py), plus the Go micro-benchmarks; writes docs/bench.md and
# bench/results.json. Not part of `make test`. Knobs: BENCH_SECONDS,
# BENCH_WARMUP, BENCH_LONG_SECONDS, BENCH_IDLE_SECONDS, BENCH_CASES (e.g.
# '/mjpeg/|/yuyv/' for the camera modes only), BENCH_GO (see bench/run.py),
# PRESETS (bench/h264_presets.sh's list, e.g. "ultrafast superfast").
# Takes about 40 minutes (the camera modes about 7, bench/h264_presets.sh
# about 16, its placebo row alone 7).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${CGO_CFLAGS:-}" ] || source scripts/rosenv.sh
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
# The machine may be shared: say how busy it is, since every figure depends on it.
echo "bench: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
exec "$VENV/bin/python" bench/run.py "$@"
