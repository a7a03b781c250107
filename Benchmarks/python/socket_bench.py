"""Python's multiprocessing.connection contender of the GIPCKit socket benchmarks (`gipc bench --workload
socket-small-*` / `socket-ping-pong-*`): a Listener and a Client with an authkey, send_bytes / recv_bytes.

Usage: python socket_bench.py --workload small|ping-pong --family unix|tcp [--count N]; prints one JSON object.
The parent listens and sends; a child process (this script with --child) connects and receives or echoes.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Client, Listener

KEY = b"gipc bench"
WARMUP = 1000


def child(address, family, workload, count):
    with Client(address, family=family, authkey=KEY) as connection:
        if workload == "small":
            connection.send_bytes(b"ready")
            total = 0
            for _ in range(count):
                total += len(connection.recv_bytes())
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            connection.send_bytes(json.dumps({"messages": count, "bytes": total, "peak": peak}).encode())
        else:
            for _ in range(count + WARMUP):
                connection.send_bytes(connection.recv_bytes())


def parent(workload, family_name, count):
    family = "AF_UNIX" if family_name == "unix" else "AF_INET"
    address = os.path.join(tempfile.mkdtemp(), "bench.sock") if family == "AF_UNIX" else ("127.0.0.1", 0)
    with Listener(address, family=family, authkey=KEY) as listener:
        bound = listener.address if family == "AF_UNIX" else f"{listener.address[0]}:{listener.address[1]}"
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", bound, "--workload", workload, "--family", family_name,
             "--count", str(count)])
        with listener.accept() as connection:
            payload = b"a" * 100
            if workload == "small":
                assert connection.recv_bytes() == b"ready"
                start = time.perf_counter()
                for _ in range(count):
                    connection.send_bytes(payload)
                report = json.loads(connection.recv_bytes())
                seconds = time.perf_counter() - start
                assert report["messages"] == count
                metrics = [metric("throughput", count / seconds, "msg/s")]
            else:
                for _ in range(WARMUP):
                    connection.send_bytes(payload)
                    connection.recv_bytes()
                trips = []
                for _ in range(count):
                    start = time.perf_counter()
                    connection.send_bytes(payload)
                    connection.recv_bytes()
                    trips.append(time.perf_counter() - start)
                trips.sort()
                metrics = [metric("p50", trips[count // 2] * 1e6, "us", "lower"),
                           metric("p99", trips[min(count - 1, count * 99 // 100)] * 1e6, "us", "lower")]
        assert process.wait() == 0
    return metrics


def metric(name, value, unit, better="higher"):
    return {"name": name, "value": value, "unit": unit, "better": better}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", required=True, choices=["small", "ping-pong"])
    parser.add_argument("--family", required=True, choices=["unix", "tcp"])
    parser.add_argument("--count", type=int)
    parser.add_argument("--child")
    args = parser.parse_args()
    count = args.count or (500000 if args.workload == "small" else 20000)
    if args.child:
        if args.family == "unix":
            address, family = args.child, "AF_UNIX"
        else:
            host, port = args.child.rsplit(":", 1)
            address, family = (host, int(port)), "AF_INET"
        child(address, family, args.workload, count)
        return
    metrics = parent(args.workload, args.family, count)
    print(json.dumps({
        "workload": f"socket-{args.workload}", "contender": f"mp-{args.family}", "metrics": metrics,
        "parameters": {"bytes": 100, "messages" if args.workload == "small" else "round_trips": count},
    }))


if __name__ == "__main__":
    main()
