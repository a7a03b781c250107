#!/usr/bin/env bash
# `make profile-codec`'s measurement: PROGRAM CODEC OPERATION COUNT under callgrind with SMALL and LARGE counts, for
# each codec given and for encode and decode; prints (LARGE total - SMALL total) / (LARGE - SMALL), the instructions
# one message costs, start-up and the first message's one-time work left out. A codec the program does not know
# (exit status 3) is reported as such and skipped.
set -euo pipefail

program=$1 small=$2 large=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The total instruction count (Ir) of one run.
instructions() {
    local out=$work/callgrind.out
    valgrind --tool=callgrind --callgrind-out-file="$out" "$program" "$@" >"$work/stdout" 2>"$work/stderr" || return $?
    awk '/^summary:/ { print $2 }' "$out"
}

printf '%-18s %-7s %14s\n' codec op "instr/message"
for codec in "$@"; do
    for operation in encode decode; do
        status=0
        low=$(instructions "$codec" "$operation" "$small") || status=$?
        if [ "$status" = 3 ]; then
            printf '%-18s %-7s %14s\n' "$codec" "$operation" "(not built)"
            continue
        elif [ "$status" != 0 ]; then
            cat "$work/stdout" "$work/stderr" >&2
            exit "$status"
        fi
        high=$(instructions "$codec" "$operation" "$large")
        printf '%-18s %-7s %14d\n' "$codec" "$operation" $(( (high - low) / (large - small) ))
    done
done
