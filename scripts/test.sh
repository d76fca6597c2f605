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
"${VENV:-.venv}/bin/python" -m pytest -q -p no:cacheprovider test "$@"
