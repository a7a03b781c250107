"""multiprocessing's "spawn" start method as a contender of the spawn workload: start and join a child that does
nothing. Kept apart from gipc_bench.py because importing gipc makes gevent reap every child, which breaks
multiprocessing's own join. Prints one JSON object."""

import argparse
import json
import multiprocessing
import statistics
import time


def nothing():
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    times = []
    for _ in range(args.count):
        start = time.perf_counter()
        process = context.Process(target=nothing)
        process.start()
        process.join()
        assert process.exitcode == 0, process.exitcode
        times.append((time.perf_counter() - start) * 1000)
    metric = {"name": "start_join", "value": statistics.median(times), "unit": "ms", "better": "lower"}
    result = {"workload": "spawn", "contender": "mp-spawn", "metrics": [metric], "parameters": {"children": args.count}}
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
