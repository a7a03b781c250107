"""A Python multiprocessing.connection peer for GIPCKit's socket tests (docs/SOCKETS.md).

    socket_peer.py listen ADDRESS CODEC KEYHEX SERVE
        Listener at ADDRESS (GIPCKit syntax: unix:PATH, unix:@NAME, tcp:HOST:PORT, tcp:[V6]:PORT; port 0 lets the
        system choose). Prints "listening ADDRESS" with the bound address, then accepts until SERVE connections
        passed the handshake, echoing every message of each with CODEC (decoded and encoded again by Python's own
        library) until the peer closes it. A failed handshake is counted and the listener goes on. Prints a JSON
        report {"served", "auth_failures", "echoed"} at the end.
    socket_peer.py listen-check ADDRESS CODEC KEYHEX
        Listener that serves one client: sends every value of VALUES[CODEC], expects each back, prints the report
        {"checked", "failures"} (for `gipc echo --connect`).
    socket_peer.py client ADDRESS CODEC KEYHEX
        Client: sends every value of VALUES[CODEC], expects each back equal, prints a JSON report
        {"checked", "failures"}; an AuthenticationError is reported as {"error": "AuthenticationError", ...}.
    socket_peer.py send-handle ADDRESS KEYHEX
        Client: passes the read end of a new pipe with multiprocessing.reduction.send_handle, writes b"from python"
        into the pipe, then receives a handle with recv_handle and prints what it reads from it.
    socket_peer.py extra-fds ADDRESS KEYHEX
        Client: sends a handle message announcing 1 descriptor but carrying 3 (socket.sendmsg), then the frame
        b"after" (send_bytes).
    socket_peer.py drop-handle ADDRESS KEYHEX
        Client: connects and closes without receiving the handle the listener passes.
KEYHEX "-" means no authentication key.
"""
import json
import os
import plistlib
import socket
import sys
from multiprocessing import reduction
from multiprocessing import connection as mpc
from multiprocessing.connection import AuthenticationError, Connection, Listener

try:
    import msgpack
except ImportError:  # a pyenv Python without msgpack: the tests' venv's copy (its pure-Python fallback)
    sys.path.append(os.environ["GIPC_MSGPACK_PATH"])
    import msgpack

CODECS = {
    "raw": (bytes, bytes),
    "json": (json.loads, lambda value: json.dumps(value, ensure_ascii=False).encode()),
    "plist": (plistlib.loads, lambda value: plistlib.dumps(value, fmt=plistlib.FMT_BINARY)),
    "msgpack": (
        lambda payload: msgpack.unpackb(payload, strict_map_key=False),
        lambda value: msgpack.packb(value, use_bin_type=True),
    ),
}

_COMMON = [
    {"name": "tea", "count": 3, "ratio": 0.5, "tags": ["a", "b"], "nested": {"ok": True}},
    ["unicode \u00e9\u4e2d", 1, -2, 2**40],
    {"empty": [], "list": list(range(100))},
]
VALUES = {
    "raw": [b"", b"\x00\x01\xff", b"x" * 70000],
    "json": _COMMON + ["plain text", 42, None, True],
    "plist": _COMMON + [{"data": b"\x00\x01\x02"}],
    "msgpack": _COMMON + ["plain text", 42, None, True, b"\x00\xff", {"data": b"bytes"}],
}


def parse_address(text):
    if text.startswith("unix:@"):
        return "\0" + text[6:], "AF_UNIX"
    if text.startswith("unix:"):
        return text[5:], "AF_UNIX"
    rest = text[4:]
    if rest.startswith("["):
        host, port = rest[1:].split("]:")
        return (host, int(port)), "AF_INET6"
    host, port = rest.rsplit(":", 1)
    return (host, int(port)), "AF_INET"


def format_address(address, family):
    if family == "AF_UNIX":
        if isinstance(address, bytes):  # an abstract name comes back as bytes
            address = address.decode()
        return "unix:@" + address[1:] if address.startswith("\0") else "unix:" + address
    host, port = address[0], address[1]
    return f"tcp:[{host}]:{port}" if family == "AF_INET6" else f"tcp:{host}:{port}"


def Client(address, family, authkey):
    """multiprocessing.connection.Client; for IPv6, which its SocketClient cannot reach (it takes every tuple for
    AF_INET), the same steps by hand: connect, then answer_challenge and deliver_challenge."""
    if family != "AF_INET6":
        return mpc.Client(address, family=family, authkey=authkey)
    s = socket.socket(socket.AF_INET6)
    s.connect(address)
    c = Connection(s.detach())
    if authkey is not None:
        mpc.answer_challenge(c, authkey)
        mpc.deliver_challenge(c, authkey)
    return c


def key(text):
    return None if text == "-" else bytes.fromhex(text)


def listen(address_text, codec, keyhex, serve):
    loads, dumps = CODECS[codec]
    address, family = parse_address(address_text)
    report = {"served": 0, "auth_failures": 0, "echoed": 0}
    with Listener(address, family=family, authkey=key(keyhex)) as listener:
        print("listening", format_address(listener.address, family), flush=True)
        while report["served"] < int(serve):
            try:
                connection = listener.accept()
            except AuthenticationError:
                report["auth_failures"] += 1
                continue
            except (EOFError, OSError):
                report["auth_failures"] += 1
                continue
            with connection:
                while True:
                    try:
                        payload = connection.recv_bytes()
                    except EOFError:
                        break
                    connection.send_bytes(dumps(loads(payload)))
                    report["echoed"] += 1
            report["served"] += 1
    print(json.dumps(report), flush=True)


def listen_check(address_text, codec, keyhex):
    """A Listener that drives the one client it serves: sends every value of VALUES[CODEC], expects each back equal,
    closes, and prints the client report."""
    loads, dumps = CODECS[codec]
    address, family = parse_address(address_text)
    failures = []
    with Listener(address, family=family, authkey=key(keyhex)) as listener:
        print("listening", format_address(listener.address, family), flush=True)
        with listener.accept() as connection:
            for value in VALUES[codec]:
                connection.send_bytes(dumps(value))
                back = loads(connection.recv_bytes())
                if back != value:
                    failures.append(f"{value!r:.80} came back as {back!r:.80}")
    print(json.dumps({"checked": len(VALUES[codec]), "failures": failures}), flush=True)


def client(address_text, codec, keyhex):
    loads, dumps = CODECS[codec]
    address, family = parse_address(address_text)
    try:
        connection = Client(address, family=family, authkey=key(keyhex))
    except AuthenticationError as error:
        print(json.dumps({"error": "AuthenticationError", "message": str(error)}), flush=True)
        return
    failures = []
    with connection:
        for value in VALUES[codec]:
            connection.send_bytes(dumps(value))
            back = loads(connection.recv_bytes())
            if back != value:
                failures.append(f"{value!r:.80} came back as {back!r:.80}")
    print(json.dumps({"checked": len(VALUES[codec]), "failures": failures}), flush=True)


def send_handle(address_text, keyhex):
    address, family = parse_address(address_text)
    with Client(address, family=family, authkey=key(keyhex)) as connection:
        read_end, write_end = os.pipe()
        reduction.send_handle(connection, read_end, os.getpid())
        os.close(read_end)
        os.write(write_end, b"from python")
        os.close(write_end)
        received = reduction.recv_handle(connection)
        data = os.read(received, 100)
        os.close(received)
        connection.send_bytes(data)
        print(json.dumps({"received": data.decode()}), flush=True)


def extra_fds(address_text, keyhex):
    address, family = parse_address(address_text)
    with Client(address, family=family, authkey=key(keyhex)) as connection:
        pipes = [os.pipe() for _ in range(3)]
        fds = [read_end for read_end, _ in pipes]
        with socket.fromfd(connection.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as s:
            import array
            s.sendmsg([bytes([1])], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        connection.send_bytes(b"after")
        connection.recv_bytes()  # the listener's "done"
        print(json.dumps({"sent": len(fds)}), flush=True)


def drop_handle(address_text, keyhex):
    address, family = parse_address(address_text)
    connection = Client(address, family=family, authkey=key(keyhex))
    connection.close()
    print(json.dumps({"dropped": True}), flush=True)


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    {
        "listen": listen,
        "listen-check": listen_check,
        "client": client,
        "send-handle": send_handle,
        "extra-fds": extra_fds,
        "drop-handle": drop_handle,
    }[mode](*arguments)
