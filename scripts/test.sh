#!/usr/bin/env bash
# Runs every test: go vet, staticcheck, Go unit tests (with -race), a short
# fuzz pass, the integration tests in pytest (rclpy as the real client of the
# built node), then a short soak. Called by `make test`. Any vet or
# staticcheck finding fails the run.
#   scripts/test.sh [--pytest-only] [pytest args...]
# --pytest-only skips go vet, staticcheck, go test, fuzz and soak. Arguments
# naming files under test/ run those files instead of the whole folder
# (`make test-jazzy`). Runs against the ROS of scripts/rosenv.sh
# (ROS_DISTRO=jazzy: .venv-jazzy).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${CGO_CFLAGS:-}" ] || source scripts/rosenv.sh

go_tests=1
if [ "${1:-}" = --pytest-only ]; then go_tests=; shift; fi
paths=(test)
for a in "$@"; do case "$a" in test/*) paths=() ;; esac; done

# The built node under test fills released frame buffers with a poison
# byte and panics on a released frame's use (capture/bufpool.go), so a
# missing reference shows as a failure, not as a torn picture.
export WEBCAM_POOL_DEBUG=1

# Isolation: our own DDS domain, localhost only.
export ROS_DOMAIN_ID=${ROS_DOMAIN_ID:-$(( $$ % 100 + 1 ))}
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
python=${VENV:-.venv}/bin/python

echo "== ROS 2 from $WEBCAM_ROS_FROM: ${WEBCAM_ROS_PREFIXES} (${ROS_DISTRO:-kilted})"
if [ -n "$go_tests" ]; then
  echo "== go vet"
  go vet ./...
  # staticcheck is pinned in go.mod (`tool`); it reads GOFLAGS (the build tags
  # from rosenv.sh) and the CGO_* flags, so it checks the files the build uses.
  echo "== staticcheck"
  go tool staticcheck ./...
  # The race detector on every package (about +30 % over a plain run here).
  echo "== go test -race"
  go test -race -count=1 ./...
  # Every fuzz target from its seed corpus, briefly (`make fuzz` is the long run).
  echo "== fuzz (${TEST_FUZZ_SECONDS:-3} s each)"
  scripts/fuzz.sh "${TEST_FUZZ_SECONDS:-3}"
fi
echo "== pytest"
"$python" -m pytest -q -p no:cacheprovider "${paths[@]}" "$@"
if [ -n "$go_tests" ] && [ "${paths[*]}" = test ]; then
  # The torture run, short (docs/reliability.md; `make soak` is the 3-minute
  # one): the built node under ROS and HTTP load with injected faults, in a
  # ROS domain of its own (101..200), on 127.0.0.1.
  echo "== soak (${TEST_SOAK_SECONDS:-30} s)"
  SOAK_SECONDS=${TEST_SOAK_SECONDS:-30} "$python" scripts/soak.py --json build/soak-test.json
fi
