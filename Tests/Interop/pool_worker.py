"""A GIPCKit pool worker in Python (docs/PROTOCOL.md): jobs arrive as MessagePack frames on descriptor 3, exactly one
result frame per job goes out on descriptor 4, in order; a clean end of stream on 3 (between frames) ends it with 0.

Usage: pool_worker.py [MODE [VALUE [SECONDS]]], MODE one of
  echo (the default): the result is the job;
  square: the job is an int, the result is its square;
and test modes, which echo every job but the one equal to the int VALUE:
  crash-on VALUE: SIGKILLs itself instead of answering it;
  exit-on VALUE: exits with status 3 instead of answering it;
  sleep-on VALUE SECONDS: sleeps SECONDS, then answers it;
  garbage-on VALUE: answers it with a frame that is not MessagePack (b"\\xc1"), then goes on;
  stderr-crash-on VALUE: writes three lines to standard error, then SIGKILLs itself;
  die-at-start: writes "worker: cannot start" to standard error and exits with 1 before reading anything;
and pid, a test mode without VALUE: the result is the worker's process id, whatever the job.
"""
import os
import signal
import sys
import time

import msgpack


def handles():
    """The frame limit of descriptor 3, after checking GIPC_HANDLES=3:r:msgpack[:MAXBYTES[:SETTINGS]],4:w:msgpack[...]
    (docs/PROTOCOL.md; codec settings are ignored)."""
    described = os.environ.get("GIPC_HANDLES", "")
    entries = [entry.split(":") for entry in described.split(",")]
    if [entry[:3] for entry in entries] != [["3", "r", "msgpack"], ["4", "w", "msgpack"]]:
        sys.exit(f"pool_worker: expected GIPC_HANDLES=3:r:msgpack[...],4:w:msgpack[...], got {described!r}")
    return int(entries[0][3]) if len(entries[0]) > 3 and entries[0][3] else 64 << 20


def frames(inbox, limit):
    """The payload of each frame on `inbox` (4-byte big-endian length, then the payload), until a clean end."""
    while header := inbox.read(4):
        size = int.from_bytes(header, "big", signed=True)
        payload = inbox.read(size) if len(header) == 4 and 0 <= size <= limit else None
        if payload is None or len(payload) != size:
            sys.exit(f"pool_worker: bad or truncated frame (header {header.hex()})")
        yield payload


class Payload(bytes):
    """A frame's payload sent as it is, in place of a result (MessagePack decodes no job into this type)."""


def serve(work, limit):
    """Answers every job on descriptor 3 with one frame on descriptor 4: work(job) in MessagePack."""
    with open(3, "rb") as inbox, open(4, "wb") as outbox:
        for payload in frames(inbox, limit):
            result = work(msgpack.unpackb(payload, strict_map_key=False))
            if not isinstance(result, Payload):
                result = msgpack.packb(result, use_bin_type=True)
            outbox.write(len(result).to_bytes(4, "big") + result)
            outbox.flush()


# Test modes: what each does with the job equal to VALUE; returning None answers it with the job itself.
def crash(job):
    os.kill(os.getpid(), signal.SIGKILL)


def stderr_crash(job):
    print("worker: about to fail", f"worker: job {job}", "worker: goodbye", sep="\n", file=sys.stderr, flush=True)
    crash(job)


TEST_MODES = {
    "crash-on": crash,
    "exit-on": lambda job: os._exit(3),
    "sleep-on": lambda job, seconds: time.sleep(float(seconds)),
    "garbage-on": lambda job: Payload(b"\xc1"),  # a byte MessagePack never uses
    "stderr-crash-on": stderr_crash,
}


def pid(job):
    """The worker's process id, to tell workers apart (mode pid)."""
    return os.getpid()


def main():
    mode, *arguments = sys.argv[1:] or ["echo"]
    if mode == "die-at-start":
        print("worker: cannot start", file=sys.stderr, flush=True)
        sys.exit(1)
    limit = handles()
    if mode in ("echo", "square") and not arguments:
        serve(lambda job: job if mode == "echo" else job * job, limit)
    elif mode == "pid" and not arguments:
        serve(pid, limit)
    elif mode in TEST_MODES and len(arguments) == (2 if mode == "sleep-on" else 1):
        value, misbehave = int(arguments[0]), TEST_MODES[mode]

        def work(job):
            special = misbehave(job, *arguments[1:]) if type(job) is int and job == value else None
            return job if special is None else special

        serve(work, limit)
    else:
        sys.exit(f"pool_worker: expected MODE [VALUE [SECONDS]] (see the docstring), got {sys.argv[1:]}")


if __name__ == "__main__":
    main()
