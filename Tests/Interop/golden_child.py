"""Swift parent, Python child: checks each value the Swift parent sends against Python's own reading of the
fixture, and answers with the fixture's value encoded by Python's own library.

Arguments: FIXTURES_DIR CODEC STEP... where STEP is `echo:NAME` (receive a frame, compare it with the fixture NAME,
send the fixture) or `send:NAME` (only send). Exits 1, listing the mismatches on standard error, if any value
the parent sent differs from the fixture."""
import json
import os
import plistlib
import sys
from multiprocessing.connection import Connection

import msgpack

from echo_peer import CODECS, handles

FRESH_DUMPS = {
    # The options Fixtures/generate.py uses, so the bytes are what Python programs send.
    "json": lambda value: json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(),
    "plist": lambda value: plistlib.dumps(value, fmt=plistlib.FMT_BINARY, sort_keys=False),
    "msgpack": lambda value: msgpack.packb(value, use_bin_type=True),
}


def main():
    fixtures, codec, steps = sys.argv[1], sys.argv[2], sys.argv[3:]
    loads, _ = CODECS[codec]
    (inbox_fd, _, _), (outbox_fd, _, _) = handles()
    inbox = Connection(inbox_fd, writable=False)
    outbox = Connection(outbox_fd, readable=False)
    suffix = {"json": "json", "plist": "plist", "msgpack": "msgpack"}[codec]
    mismatches = []
    for step in steps:
        action, name = step.split(":", 1)
        with open(os.path.join(fixtures, "golden", codec, f"{name}.{suffix}"), "rb") as file:
            expected = loads(file.read())
        if action == "echo":
            received = loads(inbox.recv_bytes())
            if received != expected or type(received) is not type(expected) and not numbers(received, expected):
                mismatches.append(f"{name}: Swift sent {received!r}, the fixture holds {expected!r}")
        outbox.send_bytes(FRESH_DUMPS[codec](expected))
    try:
        inbox.recv_bytes()
        mismatches.append("the parent sent more frames than steps")
    except EOFError:
        pass
    for line in mismatches:
        print(f"golden_child.py {codec}: {line}", file=sys.stderr)
    sys.exit(1 if mismatches else 0)


def numbers(a, b):
    """Whether a and b are both numbers (JSON has one number type: 0 and 0.0 are the same value)."""
    return all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))


if __name__ == "__main__":
    main()
