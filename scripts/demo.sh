#!/usr/bin/env bash
# `make demo`: runs webcam_node on the built-in test pattern, with the HTTP
# viewer, until Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${CGO_CFLAGS:-}" ] || source scripts/rosenv.sh
export ROS_DOMAIN_ID=${ROS_DOMAIN_ID:-42}
port=${WEBCAM_DEMO_PORT:-8080}
cat <<MSG

webcam demo: test pattern 1280x720 @ 30 fps, ROS_DOMAIN_ID=$ROS_DOMAIN_ID
  ROS 2 topics   /demo/image_raw  /demo/image_raw/compressed  /demo/camera_info
  browser        http://localhost:$port/   (stream: /stream?topic=/demo/image_raw)
  watch in ROS   ROS_DOMAIN_ID=$ROS_DOMAIN_ID ${VENV#"$root"/}/bin/python scripts/peek.py /demo
Ctrl-C stops it.

MSG
exec build/webcam_node --ros-args -r __ns:=/demo --params-file params/test_pattern.yaml -p http_port:="$port"
