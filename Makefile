# GIPCKit — build, test and demo. Every target installs what it needs (idempotently) on a fresh machine.

SWIFT ?= swift
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors
# Python packages the tests' peers need live in a virtual environment, never in the interpreter itself; the tests
# run with it first on PATH, so their `python3` is the environment's.
TEST_VENV := $(CURDIR)/.build/test-venv

.PHONY: deps build test lint demo format clean

deps:
	@pkg-config --exists msgpack 2>/dev/null || { \
		echo "installing libmsgpack-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmsgpack-dev pkg-config; }
	@command -v escript >/dev/null 2>&1 || { \
		echo "installing erlang-base (the Erlang peer test)"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq erlang-base; }
	@command -v strace >/dev/null 2>&1 || { \
		echo "installing strace (the EINTR fault test)"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace; }
	@command -v cc >/dev/null 2>&1 || { \
		echo "installing gcc (the C peer test)"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
		echo "installing python3-venv"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; }
	@[ -x $(TEST_VENV)/bin/python3 ] || $(PYTHON) -m venv $(TEST_VENV)
	@$(TEST_VENV)/bin/python3 -c 'import msgpack' 2>/dev/null || { \
		echo "installing python msgpack into $(TEST_VENV)"; \
		$(TEST_VENV)/bin/python3 -m pip install --quiet --disable-pip-version-check 'msgpack>=1.0,<2'; }

build: deps
	$(SWIFT) build $(SWIFT_FLAGS)

test: deps lint
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	PATH="$(TEST_VENV)/bin:$$PATH" $(SWIFT) test --skip-build

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

demo: deps
	$(SWIFT) build -c release --product gipc $(SWIFT_FLAGS)
	$$($(SWIFT) build -c release --show-bin-path)/gipc demo

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build

# Further targets (bench, fuzz, soak, sanitizers) live in mk/*.mk, one file per concern.
-include mk/*.mk
