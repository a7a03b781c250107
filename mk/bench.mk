# `make bench`: GIPCKit against gipc (raw, pickle, msgpack), multiprocessing's spawn and a C baseline, interleaved.
# Not part of `make test`: it measures time. Options: BENCH_ROUNDS=5, BENCH_ARGS="--only small,spawn --quick".

BENCH_DIR := .build/bench
BENCH_VENV := .build/bench-venv
BENCH_ROUNDS ?= 5
BENCH_ARGS ?=
CC ?= cc

.PHONY: bench bench-deps

bench-deps: build-deps
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
		echo "installing python3-venv"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; }
	@command -v $(CC) >/dev/null 2>&1 || { \
		echo "installing a C compiler"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev; }
	@[ -x $(BENCH_VENV)/bin/python ] || $(PYTHON) -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -c 'import gipc, gevent, msgpack' 2>/dev/null || \
		$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check 'gipc==1.8.0' gevent 'msgpack>=1.0,<2'

bench: bench-deps
	$(SWIFT) build -c release --product gipc $(RELEASE_FLAGS) $(SWIFT_FLAGS)
	@mkdir -p $(BENCH_DIR)
	$(CC) -O2 -Wall -Wextra -Werror -o $(BENCH_DIR)/pipe_baseline Benchmarks/c/pipe_baseline.c
	$(PYTHON) Benchmarks/run.py --rounds $(BENCH_ROUNDS) \
		--gipc "$$($(SWIFT) build -c release --show-bin-path)/gipc" \
		--python $(BENCH_VENV)/bin/python --c $(BENCH_DIR)/pipe_baseline $(BENCH_ARGS)
