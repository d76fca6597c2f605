#!/usr/bin/env bash
# Installs what the build and the tests need, and nothing that is already there.
# Idempotent and quick when done: Debian packages only when one is missing, the
# venv only when its requirements file changed (stamped by its hash).
# ROS_DISTRO picks the wheels (scripts/distro.sh): kilted (default) .venv from
# requirements.txt, jazzy .venv-jazzy from requirements-jazzy.txt. VENV overrides
# the folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

apt_packages=(
  pkg-config libopencv-dev                     # gocv: OpenCV 4.6 with V4L2, GStreamer, FFmpeg
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav gstreamer1.0-tools
  ffmpeg                                       # ffprobe reads our MJPEG stream in tests
  chromium                                     # headless page test of /stream_viewer
  python3-venv cmake                            # cmake: colcon builds of the ROS package
  libturbojpeg0-dev libjpeg-turbo-progs         # jpeg/: TurboJPEG 2.1; tjbench for bench/tjbench_ratio.sh
  libx264-dev x264                             # h264/: libx264 0.164; the x264 CLI for bench/h264_ratio.sh and h264_presets.sh
  libavcodec-dev libavutil-dev libswscale-dev  # h264dec/: FFmpeg 5.1's H.264 decoder and scaler
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly # gstsample/ headers; h264parse; x264enc for tests
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=
  [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

WEBCAM_ROOT=$root
# shellcheck source=distro.sh
source scripts/distro.sh
venv=${VENV:-$WEBCAM_DISTRO_VENV}
req=$WEBCAM_REQUIREMENTS
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: creating $venv from $req"
  # Wheels of another distro in it (VENV pointed elsewhere): start empty, as
  # the two cannot share one venv. (A venv without the mark is Kilted's.)
  clear=
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.ros-distro" 2>/dev/null || echo kilted)" != "$WEBCAM_DISTRO" ]; then
    clear=--clear
  fi
  python3 -m venv $clear "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$WEBCAM_DISTRO" >"$venv/.ros-distro"
  echo "$want" >"$stamp"
fi
