# GIPCKit — build, test and demo. Every target installs what it needs (idempotently) on a fresh machine.

SWIFT ?= swift
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors
# Release builds of gipc (`make demo`, `make bench`) link the Swift runtime, standard library and Foundation
# statically where the toolchain can (Linux): a child then starts without the dynamic loader binding ~20 shared
# libraries (docs/PROCESSES.md, "Start-up cost"). Empty elsewhere; `make bench RELEASE_FLAGS=` builds it dynamically.
RELEASE_FLAGS ?= $(if $(filter Linux,$(shell uname -s)),--static-swift-stdlib)
# Python packages the tests' peers need live in a virtual environment, never in the interpreter itself; the tests
# run with it first on PATH, so their `python3` is the environment's.
TEST_VENV := $(CURDIR)/.build/test-venv

.PHONY: deps build-deps test-deps build test lint demo docs format clean

# What building and `make demo` need: msgpack-c and pkg-config, which finds it (Package.swift's CMsgPack).
build-deps:
	@pkg-config --exists msgpack 2>/dev/null || { \
		echo "installing libmsgpack-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmsgpack-dev pkg-config; }

# What the tests' peers and fault injection need on top: Erlang, strace, a C compiler, and Python's msgpack in
# $(TEST_VENV) (never in the interpreter: Debian's python3 refuses that, PEP 668).
test-deps: build-deps
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

# Everything any target here needs.
deps: build-deps test-deps

build: build-deps
	$(SWIFT) build $(SWIFT_FLAGS)

# The build shows only errors; the test run shows one line per suite, failures in full and the summaries, and keeps
# the whole log in $(TEST_LOG) (scripts/test.sh). TEST_ARGS passes options to swift test (--filter, --skip).
TEST_LOG ?= .build/test.log
test: test-deps lint
	@echo "$(SWIFT) build --build-tests --quiet $(SWIFT_FLAGS)"
	@$(SWIFT) build --build-tests --quiet $(SWIFT_FLAGS)
	@PATH="$(TEST_VENV)/bin:$$PATH" SWIFT="$(SWIFT)" TEST_LOG="$(TEST_LOG)" scripts/test.sh $(TEST_ARGS)

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

# The DocC documentation of the libraries, one combined archive under .build/plugins/Swift-DocC/outputs; any DocC
# warning (a broken symbol link) fails, but for those listed in scripts/docc-known-warnings.txt (scripts/docs.sh).
# GIPCRuntime is not among them: it is no product and its API is `package` (Sources/Runtime/README.md describes it).
DOCS_TARGETS ?= GIPCKit GIPCTransport GIPCCodecs GIPCActors GIPCQueue
docs: build-deps
	@SWIFT="$(SWIFT)" scripts/docs.sh $(DOCS_TARGETS)

demo: build-deps
	$(SWIFT) build -c release --product gipc $(RELEASE_FLAGS) $(SWIFT_FLAGS)
	$$($(SWIFT) build -c release --show-bin-path)/gipc demo

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build

# Further targets (bench, fuzz, soak, sanitizers) live in mk/*.mk, one file per concern.
-include mk/*.mk
