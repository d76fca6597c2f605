#!/usr/bin/env bash
# Issue 13's codec target: jpeg/ (TurboJPEG through cgo) should decode and
# encode within 1.3× of libjpeg-turbo's own tjbench on the same image.
# Writes the camera-like 720p and 1080p frames the Go benchmarks use, runs
# tjbench on exactly those files (RGB, quality 80, 4:2:0, its default DCTs,
# which are ours too), runs BenchmarkDecode/BenchmarkEncode for RGB8, and
# prints both times and their ratio. The two alternate for ROUNDS rounds and
# the fastest of each is kept, so load from other processes skews both alike.
#
#   bench/tjbench_ratio.sh                    # 3 rounds of 2 s measurements
#   ROUNDS=5 BENCHTIME=5 bench/tjbench_ratio.sh
#
# Needs tjbench (Debian libjpeg-turbo-progs, installed by scripts/setup.sh).
# Both sides are single-threaded; an idle machine gives the truest figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
benchtime=${BENCHTIME:-2}
rounds=${ROUNDS:-3}
command -v tjbench >/dev/null || { echo "tjbench not found: apt-get install libjpeg-turbo-progs" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=1 go test -c -o "$tmp/jpeg.test" ./jpeg
(cd "$tmp" && JPEG_BENCH_DIR=$tmp ./jpeg.test -test.run '^TestWriteBenchFrames$' >/dev/null)

# tjbench -quiet prints one row per test; column 7 is compression and column 9
# decompression performance, in megapixels per second.
tj_ms() { # column w h tjbench-arguments...
  local col=$1 px=$(($2 * $3))
  shift 3
  tjbench "$@" -rgb -benchtime "$benchtime" -warmup 1 -nowrite -quiet |
    awk -v c="$col" -v px="$px" 'NF >= 9 && $1 == "RGB" { printf "%.3f", px / ($c * 1000) }'
}

sizes="720p:1280:720 1080p:1920:1080"
for ((r = 1; r <= rounds; r++)); do
  "$tmp/jpeg.test" -test.run '^$' -test.bench 'Benchmark(Decode|Encode)/(720p|1080p)/RGB8$' \
    -test.benchtime "${benchtime}s" -test.benchmem >>"$tmp/go.txt"
  for size in $sizes; do
    IFS=: read -r name w h <<<"$size"
    frame=$tmp/frame_${w}x${h}
    echo "tj Decode $name $(tj_ms 9 "$w" "$h" "$frame.jpg")" >>"$tmp/tj.txt"
    echo "tj Encode $name $(tj_ms 7 "$w" "$h" "$frame.ppm" 80 -subsamp 420)" >>"$tmp/tj.txt"
  done
done

# The fastest round of each: "Decode 720p 2.475"
awk '/^Benchmark/ { split($1, p, "[/-]"); sub("Benchmark", "", p[1])
                    for (i = 2; i < NF; i++) if ($(i+1) == "ms/op") print p[1], p[2], $i }' "$tmp/go.txt" |
  sort -k1,2 -k3g | awk '!seen[$1 $2]++' >"$tmp/ours.min"
sort -k2,3 -k4g "$tmp/tj.txt" | awk '!seen[$2 $3]++ { print $2, $3, $4 }' >"$tmp/tj.min"

printf '%-6s %-7s %10s %12s %7s   (fastest of %d rounds; target ratio <= 1.3)\n' size op "ours ms" "tjbench ms" ratio "$rounds"
join <(awk '{ print $1 "-" $2, $3 }' "$tmp/ours.min" | sort) <(awk '{ print $1 "-" $2, $3 }' "$tmp/tj.min" | sort) |
  awk '{ split($1, k, "-"); printf "%-6s %-7s %10.3f %12.3f %7.2f\n", k[2], tolower(k[1]), $2, $3, $2 / $3 }' |
  sort -k1,1r -k2,2
echo
grep -E '^Benchmark' "$tmp/go.txt"
