"""Runs every benchmark workload for every contender, interleaved (A, B, C, A, B, C, ...), for several rounds;
prints a table (median, min, max, and the ratio of GIPCKit's median to each contender's median), writes
results/latest.json and results/ratios.svg.

Usage: python3 run.py --gipc PATH --python VENV_PYTHON --c PATH [--rounds 5] [--only WORKLOAD,...] [--quick]
Standard library only; the contenders run in their own processes. A contender that fails (exit status, time-out,
no JSON) is reported in its round, in the table and in latest.json, and the others go on; the run then exits 1.
When the queue workload is planned, a throw-away PostgreSQL cluster (scripts/pg-cluster.sh, in
.build/bench/pg-cluster) runs for the whole run, and every contender gets its settings (PGHOST, PGPORT, PGUSER,
PGDATABASE, GIPC_BENCH_DATABASE_URL).
"""

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def plan(gipc, python, c_baseline, quick):
    """(workload, contender, argv) in the order they run within a round."""
    py = [python, os.path.join(HERE, "python", "gipc_bench.py")]
    mp = [python, os.path.join(HERE, "python", "mp_spawn_bench.py")]
    pool = [python, os.path.join(HERE, "python", "pool_bench.py"), "--json"]
    managers = [python, os.path.join(HERE, "python", "managers_bench.py"), "--json"]

    def swift(workload, count=None):
        argv = [gipc, "bench", "--workload", workload, "--json"]
        return argv + (["--count", str(count)] if count else [])

    def gipc_py(workload, contender, count=None):
        return py + ["--workload", workload, "--contender", contender] + (["--count", str(count)] if count else [])

    def socket_py(workload, family, count=None):
        return [python, os.path.join(HERE, "python", "socket_bench.py"), "--workload", workload, "--family",
                family] + (["--count", str(count)] if count else [])

    def pool_py(contender, count):
        return pool + ["--contender", contender] + (["--count", str(count)] if quick else [])

    def queue_py(contender):
        return [python, os.path.join(HERE, "python", "queue_bench.py"), "--json", "--contender", contender] + (
            ["--count", "500"] if quick else [])

    small = 50000 if quick else None
    return [
        ("small", "gipckit", swift("small", small)),
        ("small", "gipc-raw", gipc_py("small", "gipc-raw", small)),
        ("small", "c", [c_baseline, "small"] + ([str(small)] if small else [])),
        ("small", "c-write", [c_baseline, "small-write"] + ([str(small)] if small else [])),
        ("small-concurrent", "gipckit", swift("small-concurrent", small)),
        ("typed", "gipckit-msgpack", swift("typed-msgpack", small)),
        ("typed", "gipckit-msgpack-generated", swift("typed-msgpack-generated", small)),
        ("typed", "gipckit-json", swift("typed-json", small)),
        ("typed", "gipckit-plist", swift("typed-plist", small)),
        ("typed", "gipc-pickle", gipc_py("typed", "gipc-pickle", small)),
        ("typed", "gipc-msgpack", gipc_py("typed", "gipc-msgpack", small)),
        ("large-1m", "gipckit", swift("large-1m")),
        ("large-1m", "gipc-raw", gipc_py("large-1m", "gipc-raw")),
        ("large-1m", "c", [c_baseline, "large-1m"]),
        ("large-16m", "gipckit", swift("large-16m")),
        ("large-16m", "gipc-raw", gipc_py("large-16m", "gipc-raw")),
        ("large-16m", "c", [c_baseline, "large-16m"]),
        ("ping-pong", "gipckit", swift("ping-pong")),
        ("ping-pong", "gipc-raw", gipc_py("ping-pong", "gipc-raw")),
        ("spawn", "gipckit", swift("spawn")),
        ("spawn", "gipckit-forkserver", swift("spawn-forkserver")),
        ("spawn", "gipc", gipc_py("spawn", "gipc")),
        ("spawn", "mp-spawn", mp),
        ("memory", "gipckit", swift("memory")),
        ("memory", "gipc-raw", gipc_py("memory", "gipc-raw")),
        ("pool", "gipckit", swift("pool", 5000 if quick else None)),
        ("pool", "gipckit-pipelined", swift("pool-pipelined", 5000 if quick else None)),
        ("pool", "gipckit-chunked", swift("pool-chunked", 20000 if quick else None)),
        ("pool", "ppe-submit", pool_py("ppe-submit", 2000)),
        ("pool", "pool-imap", pool_py("pool-imap", 5000)),
        ("pool", "pool-map", pool_py("pool-map", 20000)),
        ("actor", "gipckit", swift("actor", 5000 if quick else None)),
        ("actor", "mp-manager", managers + (["--count", "2000"] if quick else [])),
        ("socket-small", "gipckit-unix", swift("socket-small-unix", small)),
        ("socket-small", "gipckit-tcp", swift("socket-small-tcp", small)),
        ("socket-small", "gipckit-pipe", swift("small", small)),
        ("socket-small", "mp-unix", socket_py("small", "unix", small)),
        ("socket-small", "mp-tcp", socket_py("small", "tcp", small)),
        ("socket-ping-pong", "gipckit-unix", swift("socket-ping-pong-unix")),
        ("socket-ping-pong", "gipckit-tcp", swift("socket-ping-pong-tcp")),
        ("socket-ping-pong", "gipckit-pipe", swift("ping-pong")),
        ("socket-ping-pong", "mp-unix", socket_py("ping-pong", "unix")),
        ("socket-ping-pong", "mp-tcp", socket_py("ping-pong", "tcp")),
        ("queue", "gipckit", swift("queue", 500 if quick else None)),
        ("queue", "procrastinate", queue_py("procrastinate")),
        ("queue", "celery-redis", queue_py("celery-redis")),
    ]


# The GIPCKit contender each workload's ratios are computed from.
REFERENCE = {"typed": "gipckit-msgpack", "socket-small": "gipckit-unix", "socket-ping-pong": "gipckit-unix"}

# Workloads whose ratios are computed only for these contenders (and the reference); others: every contender.
RATIO_AGAINST = {"pool": ("ppe-submit", "pool-imap", "pool-map")}


def reference(workload):
    return REFERENCE.get(workload, "gipckit")


def has_ratio(workload, contender):
    against = RATIO_AGAINST.get(workload)
    return against is None or contender in against or contender == reference(workload)


class ContenderFailed(Exception):
    """A contender's command failed, timed out or printed no JSON object; the others go on."""


def run_one(argv, env=None):
    """The JSON object the command prints last."""
    try:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    except OSError as error:
        raise ContenderFailed(f"{' '.join(argv)} did not start: {error}") from None
    try:
        stdout, stderr = process.communicate(timeout=900)
    except BaseException as error:
        # A time-out, ^C or SIGTERM: the contender gets SIGTERM first, so that it can stop what it started.
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        if isinstance(error, subprocess.TimeoutExpired):
            raise ContenderFailed(f"{' '.join(argv)} ran longer than 900 s") from None
        raise
    if process.returncode != 0:
        raise ContenderFailed(f"{' '.join(argv)} failed ({process.returncode}):\n{stderr[-2000:]}")
    try:
        result = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        result = None
    if not isinstance(result, dict) or not isinstance(result.get("metrics"), list):
        raise ContenderFailed(f"{' '.join(argv)} printed no result object:\n{stdout[-2000:]}")
    return result


# The queue workload's PostgreSQL: a throw-away cluster (scripts/pg-cluster.sh) whose settings every contender gets.
PG_CLUSTER = os.path.join(os.path.dirname(HERE), ".build", "bench", "pg-cluster")
PG_SCRIPT = os.path.join(os.path.dirname(HERE), "scripts", "pg-cluster.sh")


def start_pg_cluster():
    """Starts the cluster; returns the environment variables of its settings (PG*, GIPC_BENCH_DATABASE_URL)."""
    completed = subprocess.run([PG_SCRIPT, "start", PG_CLUSTER], capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"scripts/pg-cluster.sh start failed ({completed.returncode}):\n{completed.stderr[-2000:]}")
    settings = dict(line.split("=", 1) for line in completed.stdout.splitlines() if "=" in line)
    env = {key: settings[key] for key in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")}
    env["GIPC_BENCH_DATABASE_URL"] = (f"postgres://{env['PGUSER']}@localhost/{env['PGDATABASE']}"
                                      f"?host={env['PGHOST']}&port={env['PGPORT']}")
    return env


def stop_pg_cluster():
    subprocess.run([PG_SCRIPT, "stop", PG_CLUSTER], timeout=120)


def summarise(samples):
    """samples: {(workload, contender, metric): {"values": [...], "unit", "better"}} -> result rows."""
    rows = []
    for (workload, contender, metric), sample in samples.items():
        values = sample["values"]
        rows.append({
            "workload": workload, "contender": contender, "metric": metric, "unit": sample["unit"],
            "better": sample["better"], "median": statistics.median(values), "min": min(values),
            "max": max(values), "rounds": len(values), "values": values,
        })
    by_key = {(r["workload"], r["contender"], r["metric"]): r for r in rows}
    for row in rows:
        ref = by_key.get((row["workload"], reference(row["workload"]), row["metric"]))
        # ratio: GIPCKit's median / this contender's median; advantage: how many times better GIPCKit is.
        if ref and row["median"] and has_ratio(row["workload"], row["contender"]):
            row["ratio"] = ref["median"] / row["median"]
            row["advantage"] = row["ratio"] if row["better"] == "higher" else 1 / row["ratio"]
    return rows


def targets(rows):
    get = {(r["workload"], r["contender"], r["metric"]): r["median"] for r in rows}

    def figure(workload, contender, metric):
        return get.get((workload, contender, metric))

    checks = []

    def check(name, value, goal, met):
        if value is not None:
            checks.append({"target": name, "value": value, "goal": goal, "met": bool(met(value))})

    def ratio(a, b):
        return a / b if a is not None and b else None

    small = figure("small", "gipckit", "throughput")
    check("small >= 5x gipc raw", ratio(small, figure("small", "gipc-raw", "throughput")), 5, lambda v: v >= 5)
    # The C ceiling is the faster of its two ways to send a small frame (writev, or one write of a copy).
    c_small = max(filter(None, (figure("small", "c", "throughput"), figure("small", "c-write", "throughput"))),
                  default=None)
    check("small >= 0.7x the faster C baseline", ratio(small, c_small), 0.7, lambda v: v >= 0.7)
    check("small >= 0.9x the faster C baseline (moonshot)", ratio(small, c_small), 0.9, lambda v: v >= 0.9)
    check("small-concurrent >= 1.2x small",
          ratio(figure("small-concurrent", "gipckit", "throughput"), small), 1.2, lambda v: v >= 1.2)
    check("typed msgpack >= 3x gipc pickle",
          ratio(figure("typed", "gipckit-msgpack", "throughput"), figure("typed", "gipc-pickle", "throughput")),
          3, lambda v: v >= 3)
    # Issue #12: generated MessagePack coders, and JSON against its share of pickle before that issue (0.289: 47.0k
    # vs 162.6k msg/s in the 5-round run of 2026-11-28).
    pickle = figure("typed", "gipc-pickle", "throughput")
    generated = figure("typed", "gipckit-msgpack-generated", "throughput")
    check("typed msgpack, generated coders >= 4x gipc pickle", ratio(generated, pickle), 4, lambda v: v >= 4)
    check("typed msgpack, generated coders >= 1 M msg/s", generated, 1e6, lambda v: v >= 1e6)
    check("typed msgpack, generated coders >= 0.7x raw small", ratio(generated, small), 0.7, lambda v: v >= 0.7)
    check("typed JSON >= 2x before (as a share of gipc pickle: >= 2 x 0.289)",
          ratio(figure("typed", "gipckit-json", "throughput"), pickle), 2 * 0.289, lambda v: v >= 2 * 0.289)
    for size in ("large-1m", "large-16m"):
        mine = figure(size, "gipckit", "throughput")
        check(f"{size} >= 2x gipc raw", ratio(mine, figure(size, "gipc-raw", "throughput")), 2, lambda v: v >= 2)
        check(f"{size} >= 0.8x C", ratio(mine, figure(size, "c", "throughput")), 0.8, lambda v: v >= 0.8)
    check("ping-pong p50 <= 1/3 gipc",
          ratio(figure("ping-pong", "gipckit", "p50"), figure("ping-pong", "gipc-raw", "p50")), 1 / 3,
          lambda v: v <= 1 / 3)
    ppe = figure("pool", "ppe-submit", "throughput")
    check("pool, one job per frame, 1 in flight >= 10x ProcessPoolExecutor.submit",
          ratio(figure("pool", "gipckit", "throughput"), ppe), 10, lambda v: v >= 10)
    check("pool, one job per frame, 8 in flight >= 10x ProcessPoolExecutor.submit",
          ratio(figure("pool", "gipckit-pipelined", "throughput"), ppe), 10, lambda v: v >= 10)
    check("pool map, chunks of 256 >= 0.5x Pool.map (default chunks)",
          ratio(figure("pool", "gipckit-chunked", "throughput"), figure("pool", "pool-map", "throughput")), 0.5,
          lambda v: v >= 0.5)
    actor_p50 = figure("actor", "gipckit", "p50")
    check("actor call p50 <= 2x ping-pong p50", ratio(actor_p50, figure("ping-pong", "gipckit", "p50")), 2,
          lambda v: v <= 2)
    for callers in ("1", "64"):
        check(f"actor calls/s, {callers} caller(s) >= 10x managers proxy",
              ratio(figure("actor", "gipckit", "calls_" + callers), figure("actor", "mp-manager", "calls_" + callers)),
              10, lambda v: v >= 10)
    check("spawn median <= 7 ms", figure("spawn", "gipckit", "start_join"), 7, lambda v: v <= 7)
    check("spawn forkserver median <= 3 ms", figure("spawn", "gipckit-forkserver", "start_join"), 3, lambda v: v <= 3)
    check("memory peak RSS <= 3x 16 MiB + 32 MiB", figure("memory", "gipckit", "peak_rss_child"), 80,
          lambda v: v <= 80)
    # Issue #17: the queue's jobs/s against the faster Python queue in the same run.
    python_queue = max(filter(None, (figure("queue", "procrastinate", "throughput"),
                                     figure("queue", "celery-redis", "throughput"))), default=None)
    check("queue >= 2x the faster of procrastinate and celery-redis",
          ratio(figure("queue", "gipckit", "throughput"), python_queue), 2, lambda v: v >= 2)
    return checks


def fmt(value):
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e4:
        return f"{value / 1e3:.0f}k"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.2f}"


def error_line(error):
    """The line of a failure that says what went wrong: the last one naming an error, else the last one."""
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    named = [line for line in lines if "error" in line.lower()]
    return (named or lines or [""])[-1][:200].replace("|", "\\|")


def table(rows, checks, failures=()):
    lines = [
        "| workload | contender | metric | median | min | max | GIPCKit / this |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else ""
        lines.append(f"| {r['workload']} | {r['contender']} | {r['metric']} ({r['unit']}) | {fmt(r['median'])} | "
                     f"{fmt(r['min'])} | {fmt(r['max'])} | {ratio} |")
    lines += ["", "| target | value | met |", "|---|---:|---|"]
    for c in checks:
        lines.append(f"| {c['target']} | {fmt(c['value'])} | {'yes' if c['met'] else 'NO'} |")
    if failures:
        lines += ["", "| FAILED: workload | contender | rounds failed | error (first round) |", "|---|---|---:|---|"]
        for f in failures:
            lines.append(f"| {f['workload']} | {f['contender']} | {f['rounds']} | {error_line(f['errors'][0])} |")
    return "\n".join(lines)


def svg(rows, machine):
    """A horizontal bar per (workload, metric, contender) other than GIPCKit's reference: how many times better
    GIPCKit's median is (log scale, 1x line)."""
    import math
    bars = [r for r in rows if "advantage" in r and r["contender"] != reference(r["workload"])
            and r["metric"] != "peak_rss_child"]
    height, label_width, plot_width = 22, 290, 420
    top = 40
    total_height = top + len(bars) * height + 40
    low, high = math.log10(0.1), math.log10(100)

    def x(value):
        value = min(max(value, 0.1), 100)
        return label_width + (math.log10(value) - low) / (high - low) * plot_width

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + plot_width + 80}" height="{total_height}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="10" y="18" font-size="14" font-weight="bold">GIPCKit vs contenders: times better (median, log '
        f'scale)</text>',
        f'<text x="10" y="32" fill="#555">{machine}</text>',
    ]
    for i, r in enumerate(bars):
        y = top + i * height
        color = "#2e7d32" if r["advantage"] >= 1 else "#c62828"
        start, end = sorted((x(1), x(r["advantage"])))
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{r["workload"]} '
                     f'{r["metric"]} vs {r["contender"]}</text>')
        parts.append(f'<rect x="{start:.1f}" y="{y + 4}" width="{max(end - start, 1):.1f}" height="{height - 8}" '
                     f'fill="{color}"/>')
        parts.append(f'<text x="{max(end, x(1)) + 4:.1f}" y="{y + 15}">{r["advantage"]:.2f}x</text>')
    for tick in (0.1, 0.3, 1, 3, 10, 30, 100):
        tx = x(tick)
        bottom = top + len(bars) * height
        stroke = "#000" if tick == 1 else "#ccc"
        parts.append(f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{bottom}" stroke="{stroke}"/>')
        parts.append(f'<text x="{tx:.1f}" y="{bottom + 16}" text-anchor="middle">{tick}x</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores, {cpu}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gipc", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--c", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", help="comma-separated workloads")
    parser.add_argument("--quick", action="store_true", help="fewer small messages and pool jobs (a smoke run)")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    runs = plan(args.gipc, args.python, args.c, args.quick)
    if args.only:
        wanted = set(args.only.split(","))
        runs = [run for run in runs if run[0] in wanted]
    samples = {}
    failed = {}
    env = None
    pg_cluster = any(workload == "queue" for workload, _, _ in runs)
    # SIGTERM ends the run like ^C does, through the finally below (the cluster stops).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if pg_cluster:
            env = {**os.environ, **start_pg_cluster()}
            print(f"PostgreSQL for the queue workload: {env['GIPC_BENCH_DATABASE_URL']}", flush=True)
        for round_number in range(1, args.rounds + 1):
            for workload, contender, argv in runs:
                try:
                    result = run_one(argv, env)
                except ContenderFailed as error:
                    failed.setdefault((workload, contender), []).append(str(error))
                    print(f"round {round_number}/{args.rounds}  {workload:17} {contender:16} FAILED: {error}",
                          flush=True)
                    continue
                figures = ", ".join(f"{m['name']} {fmt(m['value'])} {m['unit']}" for m in result["metrics"])
                print(f"round {round_number}/{args.rounds}  {workload:17} {contender:16} {figures}", flush=True)
                for m in result["metrics"]:
                    key = (workload, contender, m["name"])
                    entry = samples.setdefault(key, {"values": [], "unit": m["unit"], "better": m["better"]})
                    entry["values"].append(m["value"])
    finally:
        if pg_cluster:
            stop_pg_cluster()
    failures = [{"workload": workload, "contender": contender, "rounds": len(errors), "errors": errors}
                for (workload, contender), errors in failed.items()]
    rows = summarise(samples)
    checks = targets(rows)
    machine = machine_description()
    print()
    print(f"Machine: {machine}; {args.rounds} rounds, contenders interleaved")
    print(table(rows, checks, failures))
    os.makedirs(args.out, exist_ok=True)
    document = {
        "machine": machine, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "rounds": args.rounds, "results": rows, "targets": checks,
    }
    if failures:
        document["failures"] = failures
    with open(os.path.join(args.out, "latest.json"), "w") as out:
        json.dump(document, out, indent=1, sort_keys=True)
        out.write("\n")
    with open(os.path.join(args.out, "ratios.svg"), "w") as out:
        out.write(svg(rows, machine))
    with open(os.path.join(args.out, "latest.md"), "w") as out:
        out.write(f"Machine: {machine}; {args.rounds} rounds, contenders interleaved\n\n"
                  f"{table(rows, checks, failures)}\n")
    if failures:
        print(f"\n{len(failures)} contender(s) failed: "
              + ", ".join(f"{f['workload']}/{f['contender']}" for f in failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
