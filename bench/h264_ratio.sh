#!/usr/bin/env bash
# Issue 16's encoder target: h264/ (libx264 through cgo) should cost at most
# 1.2x the x264 CLI's CPU per frame for the same 720p30 frames and settings.
# Writes the camera-like clip BenchmarkEncode720p encodes (as full-range I420
# y4m, LOOPS x 30 frames), encodes it with the x264 CLI at the package's
# default settings (preset, zerolatency, baseline, ABR with VBV, keyint, one
# thread), runs BenchmarkEncode720p for the same number of frames, and prints
# CPU ms/frame of both, their ratio and each one's bitrate. A row times the
# CLI with sliced threads on 2 threads, the choice h264/ leaves off. A last,
# reference-only row has the CLI read the JPEGs BenchmarkEncode720p/jpeg
# encodes (clip.mjpeg, decoded by libavformat/libavcodec) instead of ready
# I420: what decoding costs a plain x264 pipeline. The target stays the
# ratio to the CLI reading ready I420. "jpeg422" is the same frames as 4:2:2
# JPEGs (most UVC cameras), for which the CLI has no row.
# The two alternate for ROUNDS rounds and the fastest of each is kept.
#
#   bench/h264_ratio.sh                      # ultrafast, 3 rounds of 90 frames
#   PRESET=superfast ROUNDS=5 bench/h264_ratio.sh
#
# Needs the x264 CLI (Debian x264, installed by scripts/setup.sh). Source
# scripts/rosenv.sh first (the test binary links what the package links).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
preset=${PRESET:-ultrafast}
rounds=${ROUNDS:-3}
loops=${LOOPS:-3}
kbps=1800 fps=30 gop=60 vbv_frames=2 # h264.DefaultBitrateKbps, DefaultFPS, DefaultGOP, VBVFrames
vbv=$((kbps * vbv_frames / fps))
frames=$((loops * 30))
command -v x264 >/dev/null || { echo "x264 not found: apt-get install x264" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/h264.test" ./h264
(cd "$tmp" && H264_BENCH_DIR=$tmp H264_BENCH_LOOPS=$loops ./h264.test -test.run '^TestWriteBenchClip$' >/dev/null)

# cli extra-args...: CPU (user+sys) ms per frame, and kbit/s, of one CLI run
# on $input (default clip.y4m).
cli() {
  local TIMEFORMAT='%U %S' cpu bytes
  cpu=$({ time x264 --preset "$preset" --tune zerolatency --profile baseline --bitrate "$kbps" \
    --vbv-maxrate "$kbps" --vbv-bufsize "$vbv" --keyint "$gop" --scenecut 0 --qpmin 10 --qpmax 51 \
    --range pc --fps "$fps" "$@" --quiet -o "$tmp/cli.264" "${input:-$tmp/clip.y4m}" 2>/dev/null; } 2>&1)
  bytes=$(stat -c %s "$tmp/cli.264")
  awk -v u="${cpu% *}" -v s="${cpu#* }" -v n="$frames" -v b="$bytes" -v fps="$fps" \
    'BEGIN { printf "%.3f %.0f\n", (u + s) * 1000 / n, b * 8 * fps / n / 1000 }'
}

for ((r = 1; r <= rounds; r++)); do
  H264_BENCH_PRESET=$preset "$tmp/h264.test" -test.run '^$' -test.bench 'BenchmarkEncode720p' \
    -test.benchtime "${frames}x" -test.count 1 >>"$tmp/go.txt"
  echo "cli $(cli --threads 1 --no-sliced-threads)" >>"$tmp/cli.txt"
  echo "sliced $(cli --threads 2 --sliced-threads)" >>"$tmp/cli.txt"
  echo "mjpeg $(input=$tmp/clip.mjpeg cli --threads 1 --no-sliced-threads --demuxer lavf)" >>"$tmp/cli.txt"
done

# Fastest round of each.
best() { sort -k2g | head -1; }
cli1=$(grep '^cli ' "$tmp/cli.txt" | best)
sliced=$(grep '^sliced ' "$tmp/cli.txt" | best)
printf '%-26s %12s %8s %9s   (%s, %d frames, fastest of %d rounds; target ratio <= 1.2)\n' \
  input "ms/frame" ratio "kbit/s" "$preset" "$frames" "$rounds"
read -r _ cms ckb <<<"$cli1"
for fmt in rgb8 yuv422_yuy2 jpeg jpeg422; do
  grep "^BenchmarkEncode720p/$fmt-" "$tmp/go.txt" |
    awk '{ for (i = 2; i < NF; i++) { if ($(i+1) == "ms/frame") ms = $i; if ($(i+1) == "kbit/s") kb = $i } print ms, kb }' |
    sort -k1g | head -1 | while read -r ms kb; do
      awk -v f="h264 $fmt" -v ms="$ms" -v c="$cms" -v kb="$kb" 'BEGIN { printf "%-26s %12.3f %8.2f %9.0f\n", f, ms, ms / c, kb }'
    done
done
printf '%-26s %12.3f %8s %9.0f\n' "x264 CLI, 1 thread" "$cms" "1.00" "$ckb"
read -r _ sms skb <<<"$sliced"
printf '%-26s %12.3f %8.2f %9.0f   (CPU; sliced threads)\n' "x264 CLI, 2 sliced threads" "$sms" "$(awk -v a="$sms" -v b="$cms" 'BEGIN { print a / b }')" "$skb"
read -r _ mms mkb <<<"$(grep '^mjpeg ' "$tmp/cli.txt" | best)"
printf '%-26s %12.3f %8.2f %9.0f   (reference only: decodes the jpeg row JPEGs, clip.mjpeg)\n' "x264 CLI, 1 thread, MJPEG" "$mms" "$(awk -v a="$mms" -v b="$cms" 'BEGIN { print a / b }')" "$mkb"
