#!/usr/bin/env bash
# Generates Go bindings for the ROS messages the node uses into msgs/ (git-ignored,
# never edited by hand) from the message packages of the ROS in use. Skips the work
# when the prefixes, the generator version and the package list are unchanged.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=rosenv.sh
[ -n "${CGO_CFLAGS:-}" ] && [ -n "${WEBCAM_ROS_PREFIXES:-}" ] || source scripts/rosenv.sh

packages=(sensor_msgs std_msgs std_srvs builtin_interfaces rcl_interfaces diagnostic_msgs)
dest=msgs
args=(generate -d "$dest" --message-module-prefix webcam/msgs
      --ignore-ros-distro-mismatch --cgo-flags-path "")
IFS=: read -r -a prefixes <<<"$WEBCAM_ROS_PREFIXES"
for p in "${prefixes[@]}"; do args+=(--root-path "$(cd "$p" && pwd)"); done
for p in "${packages[@]}"; do args+=(--include-package-deps "$p"); done

key=$(printf '%s\n' "${args[@]}" "$(go list -m -f '{{.Version}}' github.com/tiiuae/rclgo)" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$dest/.stamp" 2>/dev/null)" = "$key" ]; then
  exit 0
fi
echo "gen-msgs: generating rclgo bindings for ${packages[*]} from $WEBCAM_ROS_PREFIXES"
rm -rf "$dest"
log=$(mktemp)
if ! go tool rclgo-gen "${args[@]}" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
rm -f "$log"
echo "$key" >"$dest/.stamp"
