#!/usr/bin/env bash
# EINTR and stop/continue while frames flow (RELIABILITY case 5).
#
#   scripts/eintr.sh SOAK_BINARY [SECONDS] [MAX_BYTES]
# Runs gipc-soak (two children, no kills, bodies up to MAX_BYTES, 1 MiB by default: mostly large frames, written
# with writev; 512 makes them small frames, written with one write each) under strace, which makes every third read and write
# from the 40th on, in the parent and in every child, fail with EINTR; meanwhile the children are stopped and
# continued with SIGSTOP/SIGCONT. The soak checks every message (sequence number and checksum) and fails on any
# loss, duplicate, corruption, error or leaked descriptor. Needs strace (Debian: apt-get install strace).
set -euo pipefail
bin=$1
seconds=${2:-10}
max_bytes=${3:-1048576}
command -v strace >/dev/null || { echo "eintr: strace is missing (apt-get install strace)" >&2; exit 2; }
log=$(mktemp -d)/strace.log
strace -f -qq --seccomp-bpf -o "$log" -e trace=read,write,readv,writev \
    -e inject=read:error=EINTR:when=40+3 -e inject=write:error=EINTR:when=40+3 \
    -e inject=readv:error=EINTR:when=40+3 -e inject=writev:error=EINTR:when=40+3 \
    "$bin" --seconds "$seconds" --workers 2 --max-bytes "$max_bytes" --kills no &
tracer=$!
stops=0
sleep 2
end=$((SECONDS + seconds - 3))
while [ $SECONDS -lt $end ] && kill -0 $tracer 2>/dev/null; do
    for pid in $(pgrep -f '^soak-echo' || true); do
        kill -STOP "$pid" 2>/dev/null && sleep 0.2 && kill -CONT "$pid" 2>/dev/null && stops=$((stops + 1)) || true
    done
    sleep 0.5
done
status=0
wait $tracer || status=$?
injected=$(grep -c 'EINTR (Interrupted system call) (INJECTED)' "$log" || true)
echo "eintr: $injected EINTR injected into read/write/readv/writev, $stops SIGSTOP/SIGCONT pairs, soak exit $status"
rm -f "$log"
[ "$injected" -gt 0 ] || { echo "eintr: FAIL: nothing injected" >&2; exit 1; }
exit $status
