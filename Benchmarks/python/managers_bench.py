"""Python multiprocessing.managers proxy method calls as the contender of the "actor" workload: an object served by a
manager process, its method `echo` called through a proxy with a 100-byte argument.

Measures the round trip of single calls (p50, p99) and calls/s with one caller, then calls/s (and p50, p99) with 64
caller threads (each proxy call from a thread uses that thread's own connection to the manager, as managers do).
Usage: python3 managers_bench.py [--count N] [--json]
Prints one JSON object in the shape of gipc_bench.py with --json. Standard library only.
"""

import argparse
import json
import sys
import threading
import time
from multiprocessing.managers import BaseManager


class Echo:
    def echo(self, payload):
        return payload


class EchoManager(BaseManager):
    pass


EchoManager.register("Echo", Echo)


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    payload = b"a" * 100
    with EchoManager() as manager:
        proxy = manager.Echo()
        for _ in range(500):
            proxy.echo(payload)
        trips = []
        start = time.perf_counter()
        for _ in range(args.count):
            begin = time.perf_counter()
            answer = proxy.echo(payload)
            trips.append(time.perf_counter() - begin)
            if answer != payload:
                sys.exit("managers_bench.py: a wrong answer")
        single = time.perf_counter() - start
        concurrent_trips = []
        lock = threading.Lock()

        def caller(share):
            mine = []
            for _ in range(share):
                begin = time.perf_counter()
                proxy.echo(payload)
                mine.append(time.perf_counter() - begin)
            with lock:
                concurrent_trips.extend(mine)

        shares = [args.count // args.callers + (i < args.count % args.callers) for i in range(args.callers)]
        threads = [threading.Thread(target=caller, args=(share,)) for share in shares]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        concurrent = time.perf_counter() - start
    trips.sort()
    concurrent_trips.sort()
    metrics = [
        ("p50", percentile(trips, 0.5) * 1e6, "us", "lower"),
        ("p99", percentile(trips, 0.99) * 1e6, "us", "lower"),
        ("calls_1", args.count / single, "calls/s", "higher"),
        ("calls_64", args.count / concurrent, "calls/s", "higher"),
        ("p50_64", percentile(concurrent_trips, 0.5) * 1e6, "us", "lower"),
        ("p99_64", percentile(concurrent_trips, 0.99) * 1e6, "us", "lower"),
    ]
    result = {
        "workload": "actor", "contender": "mp-manager",
        "parameters": {"bytes": len(payload), "calls": args.count, "callers": args.callers},
        "metrics": [{"name": n, "value": v, "unit": u, "better": b} for n, v, u, b in metrics],
    }
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print("actor mp-manager: " + ", ".join(f"{n} {v:.1f} {u}" for n, v, u, _ in metrics))


if __name__ == "__main__":
    main()
