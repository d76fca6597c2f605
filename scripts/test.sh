#!/usr/bin/env bash
# Runs every test: go vet, staticcheck, Go unit tests, then the integration
# tests in pytest (rclpy as the real client of the built node). Called by
# `make test`. Any vet or staticcheck finding fails the run.
#   scripts/test.sh [--pytest-only] [pytest args...]
# --pytest-only skips go vet, staticcheck and go test. Arguments naming files
# under test/ run those files instead of the whole folder (`make test-jazzy`).
# Runs against the ROS of scripts/rosenv.sh (ROS_DISTRO=jazzy: .venv-jazzy).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${CGO_CFLAGS:-}" ] || source scripts/rosenv.sh

go_tests=1
if [ "${1:-}" = --pytest-only ]; then go_tests=; shift; fi
paths=(test)
for a in "$@"; do case "$a" in test/*) paths=() ;; esac; done

# Isolation: our own DDS domain, localhost only.
export ROS_DOMAIN_ID=${ROS_DOMAIN_ID:-$(( $$ % 100 + 1 ))}
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST

echo "== ROS 2 from $WEBCAM_ROS_FROM: ${WEBCAM_ROS_PREFIXES} (${ROS_DISTRO:-kilted})"
if [ -n "$go_tests" ]; then
  echo "== go vet"
  go vet ./...
  # staticcheck is pinned in go.mod (`tool`); it reads GOFLAGS (the build tags
  # from rosenv.sh) and the CGO_* flags, so it checks the files the build uses.
  echo "== staticcheck"
  go tool staticcheck ./...
  echo "== go test"
  go test -count=1 ./...
fi
echo "== pytest"
"${VENV:-.venv}/bin/python" -m pytest -q -p no:cacheprovider "${paths[@]}" "$@"
