#!/usr/bin/env bash
# The one build of webcam_node, shared by the Makefile and CMakeLists.txt.
#   scripts/build.sh [OUTPUT]     (default OUTPUT: build/webcam_node)
# Generates the rclgo message bindings into msgs/ when the ROS prefixes or the
# generator changed, then runs go build. Needs the ROS 2 from scripts/rosenv.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/webcam_node}
cd "$root"
# This checkout, not one a shell sourced rosenv.sh from (a colcon workspace's copy).
export WEBCAM_ROOT=$root
# shellcheck source=rosenv.sh
source scripts/rosenv.sh

scripts/gen-msgs.sh
mkdir -p "$(dirname "$out")"
go build -trimpath -o "$out" ./cmd/webcam_node
