"""A GIPCKit peer in Python: echoes every message on the handles its parent passed (docs/PROTOCOL.md)."""
import json
import os
import plistlib
from multiprocessing.connection import Connection

import msgpack

# Each codec as (loads, dumps) over Python's own libraries.
CODECS = {
    "raw": (bytes, bytes),
    "json": (json.loads, lambda value: json.dumps(value, ensure_ascii=False).encode()),
    "plist": (plistlib.loads, lambda value: plistlib.dumps(value, fmt=plistlib.FMT_BINARY)),
    "msgpack": (
        lambda payload: msgpack.unpackb(payload, strict_map_key=False),
        lambda value: msgpack.packb(value, use_bin_type=True),
    ),
}


def handles():
    """GIPC_HANDLES=3:r:json:67108864,4:w:json as [(3, "r", "json"), (4, "w", "json")]."""
    entries = [entry.split(":") for entry in os.environ["GIPC_HANDLES"].split(",")]
    return [(int(fd), direction, codec) for fd, direction, codec, *_ in entries]


def main():
    (inbox_fd, _, codec), (outbox_fd, _, _) = handles()
    loads, dumps = CODECS[codec]
    inbox = Connection(inbox_fd, writable=False)
    outbox = Connection(outbox_fd, readable=False)
    while True:
        try:
            message = loads(inbox.recv_bytes())
        except EOFError:
            break
        outbox.send_bytes(dumps(message))


if __name__ == "__main__":
    main()
