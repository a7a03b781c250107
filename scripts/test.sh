#!/usr/bin/env bash
# `make test`'s test run: `swift test --skip-build "$@"`, its whole output kept in $TEST_LOG (.build/test.log), and on
# the terminal only one line per suite, every failure, skip and crash in full, what tests print themselves, and the
# closing summaries; then the process tests once more under the forkserver start method (below). The exit status is
# swift test's: nonzero when either pass fails.
#
# `swift test` runs two passes in one process: XCTest first, then Swift Testing. This package's tests all use Swift
# Testing, so the XCTest pass finds nothing and reports "Executed 0 tests" twice (once for the bundle, debug.xctest,
# once for 'All tests'); the bundle's line is dropped here and the 'All tests' one kept. The last line is Swift
# Testing's "✔ Test run with N tests in M suites passed ..." (or "✘ ... failed ..."), which is what counts.
set -euo pipefail

SWIFT=${SWIFT:-swift}
TEST_LOG=${TEST_LOG:-.build/test.log}
mkdir -p "$(dirname "$TEST_LOG")"
echo "$SWIFT test --skip-build${*:+ $*} (full log: $TEST_LOG)"

# What is left out: each test's "started" and "passed" lines (a parameterised test's started line can run over several
# lines when its arguments hold newlines: everything up to the line ending in "started." goes), the XCTest bundle's
# lines, and the planning line. Everything else, including any line this filter does not know, is shown.
filter() {
    LC_ALL=C awk '
        in_started { if (/started\.$/) in_started = 0; next }
        /^◇ / { if (!/started\.$/) in_started = 1; next }
        /^✔ Test run with / { print; fflush(); next }
        /^✔ Test .* passed/ { next }
        /^Test Suite .* started at / { next }
        /^Test Suite .*\.xctest. passed at / { skip_executed = 1; next }
        skip_executed && /^[[:space:]]*Executed 0 tests/ { skip_executed = 0; next }
        { skip_executed = 0 }
        /^\[[0-9]+\/[0-9]+\] Planning build$/ { next }
        { print; fflush() }
    '
}

# The job queue's tests (GIPCQueueTests) need PostgreSQL: a throw-away cluster (scripts/pg-cluster.sh), started here
# and stopped on exit whatever the tests did. Its settings (PGHOST, PGPORT, PGUSER, PGDATABASE,
# GIPC_TEST_DATABASE_URL) and its folder (GIPC_TEST_PG_CLUSTER_DIR, for the restart test) reach the tests in the
# environment. QUEUE_DATABASE=0 starts none: the queue's tests then fail.
if [ "${QUEUE_DATABASE:-1}" != 0 ]; then
    PG_CLUSTER_DIR=${PG_CLUSTER_DIR:-.build/pg-cluster-test}
    trap 'scripts/pg-cluster.sh stop "$PG_CLUSTER_DIR" >/dev/null 2>&1 || true' EXIT
    while IFS='=' read -r key value; do
        [ -n "$key" ] && export "$key=$value"
    done < <(scripts/pg-cluster.sh start "$PG_CLUSTER_DIR")
    export GIPC_TEST_PG_CLUSTER_DIR="$PG_CLUSTER_DIR"
    echo "PostgreSQL for the queue's tests: $GIPC_TEST_DATABASE_URL"
fi

# pipefail: the status of the pipeline is swift test's whenever it fails.
status=0
if [ $# -eq 0 ]; then
    # The queue's tests run in a pass of their own, after the others: their worker hosts and 100,000 jobs would
    # otherwise load the machine under the timing-sensitive tests.
    "$SWIFT" test --skip-build --skip GIPCQueueTests 2>&1 | tee "$TEST_LOG" | filter || status=$?
    QUEUE_LOG="${TEST_LOG%.log}-queue.log"
    echo "$SWIFT test --skip-build --filter GIPCQueueTests (full log: $QUEUE_LOG)"
    "$SWIFT" test --skip-build --filter GIPCQueueTests 2>&1 | tee "$QUEUE_LOG" | filter || status=$?
else
    "$SWIFT" test --skip-build "$@" 2>&1 | tee "$TEST_LOG" | filter || status=$?
fi

# Every process test once more with the forkserver as the default start method (GIPC_START_METHOD, read once by
# each process, children included): the process suites (GIPCKitTests.ProcessTests) unless arguments choose tests,
# then those. Linux only: elsewhere the forkserver starts children as spawn does. FORKSERVER_PASS=0 skips it.
if [ "$(uname -s)" = Linux ] && [ "${FORKSERVER_PASS:-1}" != 0 ]; then
    FORKSERVER_LOG="${TEST_LOG%.log}-forkserver.log"
    if [ $# -eq 0 ]; then set -- --filter GIPCKitTests.ProcessTests; fi
    echo "GIPC_START_METHOD=forkserver $SWIFT test --skip-build $* (full log: $FORKSERVER_LOG)"
    GIPC_START_METHOD=forkserver "$SWIFT" test --skip-build "$@" 2>&1 | tee "$FORKSERVER_LOG" | filter || status=$?
fi
exit "$status"
