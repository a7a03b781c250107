"""gipc (and multiprocessing) contenders of the GIPCKit benchmarks: the same workloads as `gipc bench`.

Usage: python gipc_bench.py --workload NAME --contender NAME [--count N]; prints one JSON object.
Contenders: gipc-raw (encoder=None), gipc-pickle (gipc's default), gipc-msgpack; gipc for the spawn workload.
multiprocessing's spawn start method is in mp_spawn_bench.py.
"""

import argparse
import json
import resource
import statistics
import sys
import time

import gevent
import gipc
import msgpack

RECORD = {
    "id": 123456789,
    "timestamp": 1700000000.25,
    "symbol": "GIPC-SWIFT",
    "price": 101.375,
    "quantity": 2500,
    "side": "buy",
    "venue": "XNAS-primary-venue",
    "flags": [1, 2, 3, 5, 8],
}

CODECS = {
    "gipc-raw": (None, None),
    "gipc-pickle": ("default", "default"),
    "gipc-msgpack": (msgpack.packb, msgpack.unpackb),
}


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def sink(reader, report, count):
    report.put(("ready", 0, 0))
    total = 0
    for _ in range(count):
        message = reader.get()
        total += len(message) if isinstance(message, bytes) else message["quantity"]
    report.put(("done", total, peak_rss_bytes()))


def echo(channel, count):
    for _ in range(count):
        channel.put(channel.get())


def nothing():
    pass


def throughput(contender, payload, count):
    encoder, decoder = CODECS[contender]
    with gipc.pipe(encoder=encoder, decoder=decoder) as (reader, writer), gipc.pipe() as (reports, report_sink):
        child = gipc.start_process(sink, args=(reader, report_sink, count))
        assert reports.get()[0] == "ready"
        start = time.perf_counter()
        for _ in range(count):
            writer.put(payload)
        _, total, peak = reports.get()
        seconds = time.perf_counter() - start
        child.join()
    assert child.exitcode == 0
    return seconds, peak


def ping_pong(count):
    warmup = 1000
    with gipc.pipe(duplex=True, encoder=None, decoder=None) as (mine, theirs):
        child = gipc.start_process(echo, args=(theirs, count + warmup))
        payload = b"a" * 100
        for _ in range(warmup):
            mine.put(payload)
            mine.get()
        trips = []
        for _ in range(count):
            start = time.perf_counter()
            mine.put(payload)
            mine.get()
            trips.append(time.perf_counter() - start)
        child.join()
    trips.sort()
    return trips[count // 2], trips[min(count - 1, count * 99 // 100)]


def spawn(count):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        process = gipc.start_process(nothing)
        process.join()
        assert process.exitcode == 0
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def metric(name, value, unit, better="higher"):
    return {"name": name, "value": value, "unit": unit, "better": better}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", required=True)
    parser.add_argument("--contender", required=True)
    parser.add_argument("--count", type=int)
    args = parser.parse_args()
    workload, contender = args.workload, args.contender
    result = {"workload": workload, "contender": contender, "metrics": [], "parameters": {}}
    raw = {"small": (100, 500000), "large-1m": (1 << 20, 512), "large-16m": (16 << 20, 32), "memory": (16 << 20, 64)}
    if workload in raw:
        size, count = raw[workload]
        count = args.count or count
        seconds, peak = throughput(contender, b"a" * size, count)
        if size >= 1 << 20:
            result["metrics"].append(metric("throughput", count * size / seconds / 1e6, "MB/s"))
        else:
            result["metrics"].append(metric("throughput", count / seconds, "msg/s"))
        result["metrics"].append(metric("peak_rss_child", peak / (1 << 20), "MiB", "lower"))
        result["parameters"] = {"bytes": size, "messages": count, "tasks": 1}
    elif workload == "typed":
        count = args.count or 200000
        seconds, _ = throughput(contender, RECORD, count)
        result["metrics"].append(metric("throughput", count / seconds, "msg/s"))
        result["parameters"] = {"messages": count}
    elif workload == "ping-pong":
        count = args.count or 20000
        p50, p99 = ping_pong(count)
        result["metrics"] += [metric("p50", p50 * 1e6, "us", "lower"), metric("p99", p99 * 1e6, "us", "lower")]
        result["parameters"] = {"bytes": 100, "round_trips": count}
    elif workload == "spawn":
        count = args.count or 10
        result["metrics"].append(metric("start_join", spawn(count), "ms", "lower"))
        result["parameters"] = {"children": count}
    else:
        sys.exit(f"unknown workload {workload}")
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
