#!/usr/bin/env bash
# h264dec/ (libavcodec through cgo, one thread) against the ffmpeg CLI
# decoding the same 720p30 clip with one thread: CPU (user+sys) ms per
# frame of both and their ratio. Writes the camera-like clip BenchmarkDecode720p decodes
# (testsrc2 with noise, constrained baseline at 2 Mbit/s, 90 frames), joins
# LOOPS copies of it into one stream for the CLI (a process start costs
# little against it), runs the benchmark for as many frames, and keeps the
# fastest of ROUNDS rounds of each.
#
#   bench/h264dec_ratio.sh                 # 3 rounds, 10 loops (900 frames)
#   ROUNDS=5 LOOPS=20 bench/h264dec_ratio.sh
#
# Needs the ffmpeg CLI (installed by scripts/setup.sh). Source
# scripts/rosenv.sh first, or set GOFLAGS as the Makefile does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${ROUNDS:-3}
loops=${LOOPS:-10}
frames=$((loops * 90))
command -v ffmpeg >/dev/null || { echo "ffmpeg not found: apt-get install ffmpeg" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/h264dec.test" ./h264dec
H264DEC_BENCH_CLIP=$tmp/clip.h264 "$tmp/h264dec.test" -test.run '^TestWriteBenchClip$' >/dev/null
for ((i = 0; i < loops; i++)); do cat "$tmp/clip.h264"; done >"$tmp/loop.h264"

# cli: CPU (user+sys) ms per frame of one ffmpeg decode of the joined stream.
cli() {
  local TIMEFORMAT='%U %S' cpu
  cpu=$({ time ffmpeg -v error -threads 1 -f h264 -i "$tmp/loop.h264" -f null - 2>/dev/null; } 2>&1)
  awk -v u="${cpu% *}" -v s="${cpu#* }" -v n="$frames" 'BEGIN { printf "%.3f\n", (u + s) * 1000 / n }'
}

for ((r = 1; r <= rounds; r++)); do
  H264DEC_BENCH_CLIP=$tmp/clip.h264 "$tmp/h264dec.test" -test.run '^$' -test.bench 'BenchmarkDecode720p' \
    -test.benchtime "${frames}x" -test.count 1 2>/dev/null | grep '^BenchmarkDecode720p' >>"$tmp/go.txt"
  cli >>"$tmp/cli.txt"
done

# The benchmark's CPU per frame (user+sys, as for the CLI), and its wall time.
gms=$(awk '{ for (i = 2; i < NF; i++) if ($(i+1) == "cpu-ms/frame") print $i }' "$tmp/go.txt" | sort -g | head -1)
wall=$(awk '{ for (i = 2; i < NF; i++) if ($(i+1) == "ms/frame") print $i }' "$tmp/go.txt" | sort -g | head -1)
allocs=$(awk '{ for (i = 2; i < NF; i++) if ($(i+1) == "allocs/op") print $i }' "$tmp/go.txt" | sort -g | tail -1)
kbps=$(awk '{ for (i = 2; i < NF; i++) if ($(i+1) == "kbit/s") print $i }' "$tmp/go.txt" | head -1)
cms=$(sort -g "$tmp/cli.txt" | head -1)
printf '%-28s %10s %7s   (720p30 clip, %s kbit/s, %d frames, fastest of %d rounds)\n' decoder ms/frame ratio "$kbps" "$frames" "$rounds"
awk -v g="$gms" -v w="$wall" -v c="$cms" -v a="$allocs" 'BEGIN {
  printf "%-28s %10.3f %7.2f   (user+sys CPU; %.3f ms wall; %s allocs/frame)\n", "h264dec DecodeInto", g, g / c, w, a
  printf "%-28s %10.3f %7.2f   (user+sys CPU)\n", "ffmpeg CLI, -threads 1", c, 1 }'
