"""Python parent, Swift child: sends every golden fixture of a codec, in the bytes Python's own library made,
to a Swift child that decodes each into a Value and encodes it again, and checks what comes back.

Arguments: MODE PROGRAM CODEC FIXTURES_DIR, where MODE is
- stdio: PROGRAM is `gipc`, run as `gipc echo --codec CODEC` with frames on its standard input and output;
- fds: the same with two pipes passed by `pass_fds` (`--input-fd`, `--output-fd`);
- entry: PROGRAM hosts the Swift entry GIPCTestEntries.Echo, started the way GIPC.start starts entries
  (GIPC_ENTRY, GIPC_HANDLES and the arguments frame on GIPC_ARGUMENTS_FD; docs/PROTOCOL.md).
For raw, the MessagePack fixtures as bytes. Besides the fixtures: an empty frame (raw) and a 16 MiB value in every codec.

The report goes to the handle the Swift test passed (GIPC_HANDLES=3:w:json), as one JSON message."""
import fcntl
import json
import os
import subprocess
import sys
from multiprocessing.connection import Connection

from echo_peer import CODECS, handles

BIG = 16 << 20


def cases(fixtures, codec):
    """(name, payload, exact) for each golden case of `codec`: exact when the echo must be byte-identical."""
    with open(os.path.join(fixtures, "manifest.json")) as file:
        manifest = json.load(file)
    result = []
    for case in manifest["golden"]:
        # raw carries any bytes: the MessagePack files, unchanged.
        path = case["files"].get("msgpack" if codec == "raw" else codec)
        if path is None:
            continue
        with open(os.path.join(fixtures, path), "rb") as file:
            payload = file.read()
        if codec == "plist" and payload[8] >> 4 not in (0x4, 0xA, 0xD):
            continue  # Foundation encodes only data, arrays and dictionaries at the top level
        exact = codec == "raw" or codec == "msgpack" and "float32" not in json.dumps(case["value"])
        result.append((case["name"], payload, exact))
    return result


def extra_cases(codec):
    dumps = CODECS[codec][1]
    big = {
        "raw": os.urandom(BIG),
        "json": "x" * BIG,
        "plist": os.urandom(BIG),
        "msgpack": os.urandom(BIG),
    }[codec]
    extra = [("big_16MiB", dumps(big), codec in ("raw", "msgpack"))]
    if codec == "raw":
        extra.append(("empty_frame", b"", True))
    return extra


def start(mode, program, codec):
    """Starts the Swift child; returns (process, outbox, inbox)."""
    if mode == "stdio":
        child = subprocess.Popen(
            [program, "echo", "--codec", codec], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        outbox = Connection(os.dup(child.stdin.fileno()), readable=False)
        inbox = Connection(os.dup(child.stdout.fileno()), writable=False)
        child.stdin.close()
        child.stdout.close()
        return child, outbox, inbox
    child_read, to_child = os.pipe()
    from_child, to_parent = os.pipe()
    if mode == "fds":
        child = subprocess.Popen(
            [program, "echo", "--codec", codec, "--input-fd", str(child_read), "--output-fd", str(to_parent)],
            pass_fds=(child_read, to_parent), stderr=subprocess.PIPE)
    else:
        arguments_read, arguments_write = os.pipe()
        arguments = json.dumps({"input": [0], "output": [1]}).encode()
        os.write(arguments_write, len(arguments).to_bytes(4, "big") + arguments)
        os.close(arguments_write)
        environment = dict(os.environ)
        environment.update({
            "GIPC_ENTRY": "GIPCTestEntries.Echo",
            "GIPC_HANDLES": f"3:r:{codec}:67108864,4:w:{codec}",
            "GIPC_ARGUMENTS_FD": "5",
        })
        sources = [os.dup(fd) for fd in (child_read, to_parent, arguments_read)]
        sources = [move_above(fd, 9) for fd in sources]

        def descriptors():
            for target, source in enumerate(sources, start=3):
                os.dup2(source, target)

        child = subprocess.Popen(
            [program], env=environment, pass_fds=(3, 4, 5), preexec_fn=descriptors, stderr=subprocess.PIPE)
        for fd in sources + [arguments_read]:
            os.close(fd)
    os.close(child_read)
    os.close(to_parent)
    return child, Connection(to_child, readable=False), Connection(from_child, writable=False)


def move_above(fd, floor):
    """A duplicate of fd numbered above `floor` (so that dup2 onto 3, 4, 5 cannot overwrite a source)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, floor + 1)
    os.close(fd)
    return moved


def main():
    mode, program, codec, fixtures = sys.argv[1:5]
    (report_fd, _, _), = handles()
    report = Connection(report_fd, readable=False)
    loads = CODECS[codec][0]
    child, outbox, inbox = start(mode, program, codec)
    failures, checked = [], 0
    for name, payload, exact in cases(fixtures, codec) + extra_cases(codec):
        outbox.send_bytes(payload)
        echoed = inbox.recv_bytes()
        if exact and echoed != payload:
            failures.append(f"{name}: {len(echoed)} bytes came back, not the {len(payload)} sent")
        elif loads(echoed) != loads(payload):
            failures.append(f"{name}: {loads(echoed)!r} came back for {loads(payload)!r}")
        checked += 1
    outbox.close()
    try:
        inbox.recv_bytes()
        failures.append("a frame came back after the last one")
    except EOFError:
        pass
    stderr = child.stderr.read().decode(errors="replace")
    status = child.wait(timeout=30)
    report.send_bytes(json.dumps({"checked": checked, "failures": failures, "status": status, "stderr": stderr}).encode())


if __name__ == "__main__":
    main()
