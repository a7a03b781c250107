"""A peer that misbehaves on the writing handle its parent passed (GIPC_HANDLES=3:w:CODEC), in one of these ways
(the first argument):

- die-mid-frame: a header announcing 100 bytes, 10 of them, then SIGKILL;
- negative-length: a header with a negative length other than -1, then bytes;
- too-large: a header announcing 2^31-1 bytes;
- bad-payload: a complete frame the codec cannot decode, then a good one holding {"after": "garbage"}.
"""
import os
import signal
import sys
from multiprocessing.connection import Connection

from echo_peer import CODECS, handles

GARBAGE = {"json": b"{\"after\"", "plist": b"bplist00garbage", "msgpack": b"\xc1", "raw": b""}


def main():
    (fd, _, codec), = handles()
    mode = sys.argv[1]
    if mode == "die-mid-frame":
        os.write(fd, (100).to_bytes(4, "big") + b"0123456789")
        os.kill(os.getpid(), signal.SIGKILL)
    elif mode == "negative-length":
        os.write(fd, b"\x80\x00\x00\x05hello")
    elif mode == "too-large":
        os.write(fd, b"\x7f\xff\xff\xff" + b"x" * 100)
    elif mode == "bad-payload":
        outbox = Connection(fd, readable=False)
        outbox.send_bytes(GARBAGE[codec])
        outbox.send_bytes(CODECS[codec][1]({"after": "garbage"}))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
