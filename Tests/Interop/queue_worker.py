"""A job queue worker in Python for the queue's tests: the pool contract of docs/POOL.md (MessagePack frames on
descriptor 3 in, one result frame per job on descriptor 4 out), run by `gipc worker`.

A job is an int N (the result is 2 * N) or a map with "n" and any of:
  "sleep": seconds to sleep before answering;
  "crash": true, to SIGKILL itself instead of answering (a poison job);
  "bytes": K, to answer with K bytes instead of 2 * N.
When GIPC_QUEUE_LOG names a file, each job appends "N PID" to it as it starts (one write, O_APPEND), so that a test
can count how many times each job ran.
"""
import os
import signal
import sys
import time

import msgpack


def frames(inbox):
    while header := inbox.read(4):
        size = int.from_bytes(header, "big", signed=True)
        payload = inbox.read(size) if len(header) == 4 and size >= 0 else None
        if payload is None or len(payload) != size:
            sys.exit(f"queue_worker: bad or truncated frame (header {header.hex()})")
        yield payload


def main():
    log = os.environ.get("GIPC_QUEUE_LOG")
    log_fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644) if log else None
    with open(3, "rb") as inbox, open(4, "wb") as outbox:
        for payload in frames(inbox):
            job = msgpack.unpackb(payload, strict_map_key=False)
            spec = job if isinstance(job, dict) else {"n": job}
            n = spec.get("n", 0)
            if log_fd is not None:
                os.write(log_fd, f"{n} {os.getpid()}\n".encode())
            if spec.get("sleep"):
                time.sleep(spec["sleep"])
            if spec.get("crash"):
                os.kill(os.getpid(), signal.SIGKILL)
            result = b"x" * spec["bytes"] if "bytes" in spec else 2 * n
            data = msgpack.packb(result, use_bin_type=True)
            outbox.write(len(data).to_bytes(4, "big") + data)
            outbox.flush()


if __name__ == "__main__":
    main()
