#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [PATTERN]: runs every Go fuzz target of the
# repository (each `func FuzzXxx(f *testing.F)` in a *_test.go) for SECONDS
# (default 3), one after another on one worker, so it fits a shared 2-core
# machine. Each starts from its committed seed corpus (testdata/fuzz/FuzzXxx).
# PATTERN (a regexp) picks targets by "pkg/FuzzXxx". Any finding fails the run;
# Go writes the failing input to the package's testdata/fuzz/FuzzXxx/ so
# `go test -run 'FuzzXxx/<file>' ./pkg` reproduces it (commit it as a
# regression seed with the fix). `make fuzz` runs it for 30 s each;
# scripts/test.sh for 3 s each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${CGO_CFLAGS:-}" ] || source scripts/rosenv.sh

secs=${1:-3}
pattern=${2:-.}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [PATTERN]" >&2; exit 2 ;; esac

# Isolation for the targets that start rcl: our own DDS domain, localhost only.
export ROS_DOMAIN_ID=${ROS_DOMAIN_ID:-$(( $$ % 100 + 1 ))}
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST

# Every fuzz target: "./pkg FuzzName", sorted, from the tracked and new test
# files (not the generated bindings, the venv or the build).
mapfile -t targets < <(
  grep -rHo --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . \
      --exclude-dir=.venv --exclude-dir=msgs --exclude-dir=build --exclude-dir=.git |
    sed -E 's#^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#./\1 \2#' |
    sort -u | grep -E -- "$pattern" || true)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no target matches $pattern" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
start=$SECONDS
echo "== fuzz: ${#targets[@]} targets, ${secs}s each"
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  t0=$SECONDS
  corpus=$pkg/testdata/fuzz/$name
  before=$(ls "$corpus" 2>/dev/null || true)
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" -parallel 1 "$pkg" >"$log" 2>&1; then
    # The last progress line: how much was tried.
    execs=$(grep -Eo 'execs: [0-9]+' "$log" | tail -1 || true)
    printf '   ok   %-12s %-18s %3ds  %s\n' "$pkg" "$name" $((SECONDS - t0)) "${execs:-}"
  elif [ "$(ls "$corpus" 2>/dev/null || true)" = "$before" ] &&
      grep -qE '^[[:space:]]+context deadline exceeded$' "$log" && ! grep -q 'Failing input written' "$log" &&
      go test -count=1 -run "^${name}\$" "$pkg" >/dev/null 2>&1; then
    # Go's fuzz coordinator can report its own -fuzztime deadline as a
    # failure on a loaded machine (golang/go#75804, fixed in Go 1.27): no
    # input was written and the corpus passes again, so it is no finding.
    printf '   ok   %-12s %-18s %3ds  (Go fuzztime deadline race golang/go#75804; corpus passes)\n' "$pkg" "$name" $((SECONDS - t0))
  else
    printf '   FAIL %-12s %-18s %3ds\n' "$pkg" "$name" $((SECONDS - t0))
    # rcl's error-state warnings are noise here: leave them out.
    awk '/^>>> \[rcutils/{skip=1} !skip{print} /^<<<$/{skip=0}' "$log" | grep -v '^$' | tail -40 | sed 's/^/      /'
    failed+=("$pkg $name")
  fi
done
echo "== fuzz: $((SECONDS - start))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]}" >&2
  echo "fuzz: each failing input is in its package's testdata/fuzz/<target>/; reproduce with go test -run '<target>/<file>' <pkg>" >&2
  exit 1
fi
