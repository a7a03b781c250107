# Reliability: fuzzing, soak, sanitizers, EINTR injection (issue #7; cases in docs/RELIABILITY.md).
#
#   make fuzz SECONDS=60 [FUZZ_TARGETS="frame msgpack"] [FUZZ_RSS_MB=2048]
#   make soak MINUTES=2                     (CI: make soak SOAK_SECONDS=20)
#   make tsan | make asan | make eintr

SECONDS ?= 60
MINUTES ?= 2
SOAK_SECONDS ?= $(shell echo $$(( $(MINUTES) * 60 )))
FUZZ_TARGETS ?= frame msgpack plist json value handshake
FUZZ_RSS_MB ?= 2048
FUZZ_MAX_LEN ?= 65536
FUZZ_OUT ?= .build/fuzz

.PHONY: fuzz fuzz-build soak tsan asan eintr

fuzz-build:
	scripts/build-fuzzers.sh $(FUZZ_OUT) $(FUZZ_TARGETS)

# Each target runs SECONDS seconds on one core with -rss_limit_mb. New coverage goes to $(FUZZ_OUT)/corpus/<target>
# (not committed); Fuzz/corpus/<target> holds the seeds and every crash, OOM or timeout found (libFuzzer writes them
# there as crash-*, oom-*, timeout-*), which `make test` replays (Tests/*/Regression*.swift).
fuzz: fuzz-build
	FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) scripts/fuzz.sh $(SECONDS) $(FUZZ_RSS_MB) $(FUZZ_OUT) $(FUZZ_TARGETS)

# The soak program (Tests/Soak, product gipc-soak) built for release; it hosts its own child entry.
# SOAK_ARGS adds e.g. --workers 4 --seed 123 --max-bytes 1048576.
soak: build-deps
	$(SWIFT) build -c release --product gipc-soak $(SWIFT_FLAGS)
	$$($(SWIFT) build -c release --show-bin-path)/gipc-soak --seconds $(SOAK_SECONDS) $(SOAK_ARGS)

# EINTR injected (strace) into every third read/write of the parent and its children while checked frames flow,
# plus SIGSTOP/SIGCONT of the children. Needs strace: apt-get install strace.
EINTR_SECONDS ?= 15
eintr: build-deps
	@command -v strace >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace; }
	$(SWIFT) build -c release --product gipc-soak $(SWIFT_FLAGS)
	scripts/eintr.sh $$($(SWIFT) build -c release --show-bin-path)/gipc-soak $(EINTR_SECONDS)

# ThreadSanitizer over the whole suite. Synchronization.Mutex hands a contended lock over inside
# libswiftSynchronization.so (futex PI system calls, not instrumented), which TSan cannot see; the preloaded shim
# scripts/tsan/mutex_tsan_shim.c annotates exactly those two functions (acquire/release on the mutex word), so no
# report is suppressed. Evidence and the control: docs/RELIABILITY.md, "TSan and Mutex".
# The strace test (case 5) is left to `make eintr` under both sanitizers: strace stopping every read and write of
# sanitizer-instrumented debug binaries (which also read /proc/self/maps at start-up) makes its 6-second soak outlast
# the 120 s limit.
SANITIZER_TEST_ARGS ?= --skip injectedEINTR
TSAN_SCRATCH ?= .build/tsan
tsan: test-deps
	@mkdir -p $(TSAN_SCRATCH)
	clang -shared -fPIC -O1 -o $(TSAN_SCRATCH)/libmutex_tsan_shim.so scripts/tsan/mutex_tsan_shim.c
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path $(TSAN_SCRATCH) $(SWIFT_FLAGS)
	PATH="$(TEST_VENV)/bin:$$PATH" LD_PRELOAD=$(abspath $(TSAN_SCRATCH))/libmutex_tsan_shim.so TSAN_OPTIONS="halt_on_error=0 $(TSAN_OPTIONS)" \
		$(SWIFT) test --skip-build --sanitize=thread --scratch-path $(TSAN_SCRATCH) $(SANITIZER_TEST_ARGS) $(TEST_ARGS)

# AddressSanitizer over the whole suite, LeakSanitizer on, with suppressions only for leaks of the test frameworks
# and the runtime (scripts/asan/lsan.supp says what each line is for).
ASAN_SCRATCH ?= .build/asan
asan: test-deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path $(ASAN_SCRATCH) $(SWIFT_FLAGS)
	PATH="$(TEST_VENV)/bin:$$PATH" LSAN_OPTIONS="suppressions=$(abspath scripts/asan/lsan.supp) print_suppressions=1 $(LSAN_OPTIONS)" \
	ASAN_OPTIONS="detect_leaks=1 $(ASAN_OPTIONS)" \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path $(ASAN_SCRATCH) $(SANITIZER_TEST_ARGS) $(TEST_ARGS)
