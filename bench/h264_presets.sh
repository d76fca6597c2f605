#!/usr/bin/env bash
# Quality per x264 preset: for each preset the node accepts (h264.Presets),
# at the default bitrate, GOP and VBV, encodes the camera-like 720p30 clip of
# BenchmarkEncode720p (rgb8, LOOPS x 30 frames) through h264/
# (TestWriteBenchStream) and with the x264 CLI from the same pixels
# (clip.y4m, what h264/ makes of the rgb8 frames), and prints per preset and
# encoder: CPU ms/frame (user+sys; ours: getrusage around the encode loop),
# kbit/s at 30 fps, and PSNR (Y and all planes) and SSIM (all planes) of the
# output decoded by ffmpeg against clip.y4m (ffmpeg's psnr and ssim filters,
# on raw planes, so no range or format conversion comes in between).
# CPU is the fastest of ROUNDS runs (one run for presets slower than 50 ms a
# frame); the output is the same every run.
#
#   bench/h264_presets.sh                          # every preset, 90 frames
#   PRESETS="ultrafast superfast" LOOPS=10 bench/h264_presets.sh
#
# Needs ffmpeg and the x264 CLI (scripts/setup.sh). Source scripts/rosenv.sh
# first, as for bench/h264_ratio.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
presets=${PRESETS:-ultrafast superfast veryfast faster fast medium slow slower veryslow placebo}
rounds=${ROUNDS:-2}
loops=${LOOPS:-3}
kbps=1800 fps=30 gop=60 vbv_frames=2 # h264.DefaultBitrateKbps, DefaultFPS, DefaultGOP, VBVFrames
vbv=$((kbps * vbv_frames / fps))
frames=$((loops * 30))
for c in x264 ffmpeg; do command -v $c >/dev/null || { echo "$c not found: apt-get install $c" >&2; exit 1; }; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/h264.test" ./h264
(cd "$tmp" && H264_BENCH_DIR=$tmp H264_BENCH_LOOPS=$loops ./h264.test -test.run '^TestWriteBenchClip$' >/dev/null)
rm -f "$tmp/clip.mjpeg"
# The source's planes as they are (no -pix_fmt: no conversion).
ffmpeg -v error -i "$tmp/clip.y4m" -c:v rawvideo -f rawvideo "$tmp/src.yuv"

# ours preset: "cpu_ms kbit/s" of one h264/ encode to $tmp/out.264.
ours() {
  (cd "$tmp" && H264_BENCH_DIR=$tmp H264_BENCH_LOOPS=$loops H264_BENCH_PRESET=$1 ./h264.test \
    -test.run '^TestWriteBenchStream$' | awk '/^frames / { print $4, $8 }')
}

# cli preset: "cpu_ms kbit/s" of one x264 CLI encode to $tmp/out.264, at
# bench/h264_ratio.sh's settings.
cli() {
  local TIMEFORMAT='%U %S' cpu bytes
  cpu=$({ time x264 --preset "$1" --tune zerolatency --profile baseline --bitrate "$kbps" \
    --vbv-maxrate "$kbps" --vbv-bufsize "$vbv" --keyint "$gop" --scenecut 0 --qpmin 10 --qpmax 51 \
    --range pc --fps "$fps" --threads 1 --no-sliced-threads --quiet -o "$tmp/out.264" "$tmp/clip.y4m" 2>/dev/null; } 2>&1)
  bytes=$(stat -c %s "$tmp/out.264")
  awk -v u="${cpu% *}" -v s="${cpu#* }" -v n="$frames" -v b="$bytes" -v fps="$fps" \
    'BEGIN { printf "%.3f %.0f\n", (u + s) * 1000 / n, b * 8 * fps / n / 1000 }'
}

# quality: "psnr_y psnr_all ssim_all" of $tmp/out.264 against the source.
quality() {
  ffmpeg -v error -i "$tmp/out.264" -c:v rawvideo -f rawvideo -y "$tmp/out.yuv"
  local raw=(-f rawvideo -pix_fmt yuv420p -s 1280x720 -r "$fps")
  ffmpeg -v info -nostats "${raw[@]}" -i "$tmp/out.yuv" "${raw[@]}" -i "$tmp/src.yuv" \
    -lavfi '[0:v]split[a][b];[1:v]split[c][d];[a][c]psnr;[b][d]ssim' -f null - 2>&1 |
    awk '/PSNR y:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^y:/) y = substr($i, 3); if ($i ~ /^average:/) a = substr($i, 9) } }
         /SSIM Y:/ { for (i = 1; i <= NF; i++) if ($i ~ /^All:/) s = substr($i, 5) }
         END { if (y == "" || s == "") exit 1; print y, a, s }'
}

printf '%-10s %-6s %9s %8s %10s %10s %8s\n' preset who "ms/frame" "kbit/s" "PSNR-Y dB" "PSNR dB" SSIM
for p in $presets; do
  for who in h264 x264; do
    fn=ours
    [ "$who" = x264 ] && fn=cli
    best="" q=""
    for ((r = 1; r <= rounds; r++)); do
      read -r ms kb <<<"$($fn "$p")"
      if [ -z "$best" ] || awk -v a="$ms" -v b="${best% *}" 'BEGIN { exit !(a < b) }'; then best="$ms $kb"; fi
      [ -n "$q" ] || q=$(quality)
      awk -v a="$ms" 'BEGIN { exit !(a > 50) }' && break # slow presets: one run, their noise is small
    done
    read -r ms kb <<<"$best"
    read -r y a s <<<"$q"
    printf '%-10s %-6s %9.3f %8.0f %10.2f %10.2f %8.4f\n' "$p" "$who" "$ms" "$kb" "$y" "$a" "$s"
  done
done
echo "(720p30 camera-like clip, $frames frames, ${kbps} kbit/s ABR + VBV, GOP $gop, baseline, zerolatency, 1 thread; CPU fastest of $rounds rounds, 1 above 50 ms)"
