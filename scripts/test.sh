#!/usr/bin/env bash
# Runs every test: go vet, staticcheck, Go unit tests, then the integration
# tests in pytest (rclpy as the real client of the built node). Called by
# `make test`. Any vet or staticcheck finding fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${CGO_CFLAGS:-}" ] || source scripts/rosenv.sh

# Isolation: our own DDS domain, localhost only.
export ROS_DOMAIN_ID=${ROS_DOMAIN_ID:-$(( $$ % 100 + 1 ))}
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST

echo "== go vet"
go vet ./...
# staticcheck is pinned in go.mod (`tool`); it reads GOFLAGS (the build tags
# from rosenv.sh) and the CGO_* flags, so it checks the files the build uses.
echo "== staticcheck"
go tool staticcheck ./...
echo "== go test"
go test -count=1 ./...
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider test "$@"
# The torture run, short (docs/reliability.md; `make soak` is the 3-minute one):
# the built node under ROS and HTTP load with injected faults, in a ROS domain
# of its own (101..200), on 127.0.0.1.
echo "== soak (${TEST_SOAK_SECONDS:-30} s)"
SOAK_SECONDS=${TEST_SOAK_SECONDS:-30} .venv/bin/python scripts/soak.py --json build/soak-test.json
