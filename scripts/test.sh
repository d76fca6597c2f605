#!/usr/bin/env bash
# Runs every test: go vet, staticcheck, Go unit tests (with -race), a short
# fuzz pass, then the integration tests in pytest (rclpy as the real client
# of the built node). Called by `make test`. Any vet or staticcheck finding
# fails the run.
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
# The race detector on every package (about +30 % over a plain run here).
echo "== go test -race"
go test -race -count=1 ./...
# Every fuzz target from its seed corpus, briefly (`make fuzz` is the long run).
echo "== fuzz (${TEST_FUZZ_SECONDS:-3} s each)"
scripts/fuzz.sh "${TEST_FUZZ_SECONDS:-3}"
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider test "$@"
# The torture run, short (docs/reliability.md; `make soak` is the 3-minute one):
# the built node under ROS and HTTP load with injected faults, in a ROS domain
# of its own (101..200), on 127.0.0.1.
echo "== soak (${TEST_SOAK_SECONDS:-30} s)"
SOAK_SECONDS=${TEST_SOAK_SECONDS:-30} .venv/bin/python scripts/soak.py --json build/soak-test.json
