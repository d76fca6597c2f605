#!/usr/bin/env bash
# Runs every test: go vet, Go unit tests, then the integration tests in pytest
# (rclpy as the real client of the built node). Called by `make test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${CGO_CFLAGS:-}" ] || source scripts/rosenv.sh

# Isolation: our own DDS domain, localhost only.
export ROS_DOMAIN_ID=${ROS_DOMAIN_ID:-$(( $$ % 100 + 1 ))}
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST

echo "== go vet"
go vet ./...
echo "== go test"
go test -count=1 ./...
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider test "$@"
