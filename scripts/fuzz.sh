#!/usr/bin/env bash
# Runs each fuzz target for SECONDS seconds with a memory limit; prints per-target CPU time and findings.
#
#   scripts/fuzz.sh SECONDS RSS_MB OUT_DIR TARGET...
# New coverage goes to OUT_DIR/corpus/<target> (not committed). Crashes, OOMs and timeouts are written by libFuzzer
# into Fuzz/corpus/<target>/ (crash-*, oom-*, leak-*, timeout-*), which `make test` replays.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=$1 rss=$2 out=$3
shift 3
status=0
for t in "$@"; do
    mkdir -p "$out/corpus/$t"
    before=$(ls Fuzz/corpus/$t | grep -cE '^(crash|oom|leak|timeout|slow-unit)-')
    start=$(date +%s)
    # -fork would use more cores; these machines are shared, so one process per target.
    # Seeds and past findings go into the working corpus, except timeouts: those are known-slow inputs that
    # RegressionSlowDecodeTests replays with a time bound, and as seeds they would stop every run at once.
    find "Fuzz/corpus/$t" -maxdepth 1 -type f ! -name 'timeout-*' -exec cp -n {} "$out/corpus/$t/" \;
    /usr/bin/time -f "%U %S" -o "$out/$t.time" "$out/fuzz-$t" "$out/corpus/$t" \
        -max_total_time="$seconds" -rss_limit_mb="$rss" -malloc_limit_mb="$rss" -timeout="${FUZZ_TIMEOUT:-10}" \
        -max_len="${FUZZ_MAX_LEN:-65536}" -print_final_stats=1 -artifact_prefix="Fuzz/corpus/$t/" \
        >"$out/$t.log" 2>&1
    rc=$?
    after=$(ls Fuzz/corpus/$t | grep -cE '^(crash|oom|leak|timeout|slow-unit)-')
    cpu=$(tail -1 "$out/$t.time" | awk "{printf \"%.2f\", (\$1 + \$2) / 60}")
    runs=$(grep -aoE 'stat::number_of_executed_units: [0-9]+' "$out/$t.log" | awk '{print $2}')
    cov=$(grep -aoE 'cov: [0-9]+' "$out/$t.log" | tail -1)
    echo "fuzz $t: exit $rc, wall $(($(date +%s) - start)) s, cpu ${cpu} min, runs ${runs:-?}, ${cov:-cov ?}, new findings $((after - before))"
    if [ $rc -ne 0 ]; then
        grep -aE 'ERROR|SUMMARY|Fatal error|panic|Test unit written' "$out/$t.log" | head -5
        status=1
    fi
done
exit $status
