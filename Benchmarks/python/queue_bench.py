"""Python job queues as contenders of the "queue" workload: N trivial jobs (the echo of the pool workload's record)
through a queue served by 2 worker processes on this host, from the first submit to the last result.

Usage: python3 queue_bench.py --contender {procrastinate,celery-redis} [--count N] [--workers 2] [--batch 1000]
                              [--concurrency 8] [--prefetch 64] [--json]
Contenders:
- procrastinate: PostgreSQL (the standard PG environment variables; a database of its own, created and dropped
  here). Jobs go in with `batch_defer_async`, `--batch` jobs per call; `--workers` processes each run
  procrastinate's worker (`run_worker`, concurrency `--concurrency`, default 8) on an async task. procrastinate
  keeps no results, so a task middleware (the way its maintainers point to) writes each task's result into a table
  and notifies the producer, which LISTENs, in the same statement.
- celery-redis: Celery with a Redis broker and a Redis result backend (a redis-server started here on a free
  loopback port in a temporary folder, stopped afterwards). Jobs go in as groups of `--batch` tasks; one worker
  (`celery worker --pool prefork --concurrency 2`, prefetch multiplier `--prefetch`, default 64, the value Celery's
  optimizing guide gives for many short tasks) runs them; the producer collects every task's result with
  `ResultSet.join_native`, the join optimized for the Redis backend.
Each queue is warmed with 2 jobs before the clock starts. A job's latency runs from the start of the submit call
that carried it to the moment the producer holds its result; every job is submitted as fast as the library takes
it, so the latency includes the wait behind the jobs before it. Every result is checked against its job; a lost,
duplicated or altered one fails the run. With --json, prints one JSON object in the shape of pool_bench.py.
"""

import argparse
import asyncio
import gc
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# Jobs per run: 5-20 s each on a 2-core machine (measured there: 100-300 jobs/s for both, depending on the load).
DEFAULT_COUNTS = {"procrastinate": 2000, "celery-redis": 2000}
RESULT_CHANNEL = "queue_bench_result"
DEADLINE = 600.0


def make_jobs(count):
    return [{"id": i, "name": "job-%d" % i, "score": i * 0.5, "tags": ["a", "b"]} for i in range(count)]


def batches(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def fail(contender, message):
    sys.exit(f"queue_bench.py {contender}: {message}")


def check(contender, jobs, results):
    """Fails loudly unless there is exactly one result per job, equal to its job. results: [(id, value)]."""
    if len(results) != len(jobs):
        fail(contender, f"{len(results)} results for {len(jobs)} jobs")
    by_id = {}
    for key, value in results:
        if key in by_id:
            fail(contender, f"job {key} has two results")
        by_id[key] = value
    for job in jobs:
        if job["id"] not in by_id:
            fail(contender, f"job {job!r} has no result")
        if by_id[job["id"]] != job:
            fail(contender, f"job {job!r} came back as {by_id[job['id']]!r}")


def stop_processes(processes, grace=30.0):
    """SIGTERM (each library's graceful stop), then SIGKILL for whatever is left after `grace` seconds."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def end_with_parent():
    """In a child, before exec: SIGKILL when the process that started it dies (Linux), so that no worker or server
    outlives a killed run."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def spawn(argv):
    """A helper process (worker, server): no standard input, its output on our standard error (standard output
    carries only the result)."""
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=sys.stderr, preexec_fn=end_with_parent)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# procrastinate


def procrastinate_app(database, pool_size=None):
    import procrastinate

    # Connection settings other than the database come from the PG environment variables (libpq).
    pool = {"min_size": 1, "max_size": pool_size} if pool_size else {}
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=f"dbname={database}", **pool))

    @app.task(name="echo")
    async def echo(job):
        return job

    return app, echo


async def store_result(call_next, context, worker):
    """Task middleware: the task's result goes into queue_bench_result, with a notification, before the job ends."""
    result = await call_next()
    await worker.app.connector.execute_query_async(
        "WITH stored AS (INSERT INTO queue_bench_result (id, result) VALUES (%(id)s, %(result)s) RETURNING id) "
        "SELECT pg_notify('" + RESULT_CHANNEL + "', id::text) FROM stored",
        id=result["id"], result=result)
    return result


def serve_procrastinate(args):
    app, _ = procrastinate_app(args.database, pool_size=args.concurrency + 2)
    app.run_worker(concurrency=args.concurrency, task_middleware=[store_result], name=f"bench-{os.getpid()}")


async def procrastinate_schema(database):
    """procrastinate's schema and the results table, in the fresh database."""
    app, _ = procrastinate_app(database)
    async with app.open_async():
        await app.schema_manager.apply_schema_async()
        await app.connector.execute_query_async(
            "CREATE TABLE queue_bench_result (id bigint NOT NULL, result jsonb NOT NULL)")


async def procrastinate_producer(database, jobs, batch, workers, alive):
    import psycopg

    app, echo = procrastinate_app(database)
    async with app.open_async():
        async with await psycopg.AsyncConnection.connect(f"dbname={database}", autocommit=True) as listener:
            # Warm-up: both workers registered, then 2 jobs through them.
            deadline = time.monotonic() + 60
            while True:
                row = await app.connector.execute_query_one_async(
                    "SELECT count(*) AS n FROM procrastinate_workers")
                if row["n"] >= workers:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{row['n']} of {workers} procrastinate workers started")
                await asyncio.sleep(0.05)
            await echo.batch_defer_async(*[{"job": job} for job in make_jobs(2)])
            while (await app.connector.execute_query_one_async(
                    "SELECT count(*) AS n FROM queue_bench_result"))["n"] < 2:
                if time.monotonic() > deadline:
                    raise RuntimeError("the warm-up jobs did not finish")
                await asyncio.sleep(0.01)
            await app.connector.execute_query_async("TRUNCATE queue_bench_result")
            await listener.execute("LISTEN " + RESULT_CHANNEL)

            submitted = {}
            arrived = {}

            async def listen():
                deadline = time.monotonic() + DEADLINE
                while len(arrived) < len(jobs):
                    async for notification in listener.notifies(timeout=1.0):
                        arrived[int(notification.payload)] = time.perf_counter()
                        if len(arrived) == len(jobs):
                            return
                    if not alive():
                        raise RuntimeError(f"a worker exited; {len(arrived)} of {len(jobs)} results")
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{len(arrived)} of {len(jobs)} results within {DEADLINE:.0f} s")

            listening = asyncio.create_task(listen())
            await asyncio.sleep(0)
            start = time.perf_counter()
            for chunk in batches(jobs, batch):
                at = time.perf_counter()
                await echo.batch_defer_async(*[{"job": job} for job in chunk])
                submitted.update((job["id"], at) for job in chunk)
            await listening
            end = max(arrived.values())
            rows = await app.connector.execute_query_all_async("SELECT id, result FROM queue_bench_result")
    latencies = [arrived[key] - submitted[key] for key in submitted if key in arrived]
    return end - start, [(row["id"], row["result"]) for row in rows], latencies


def run_procrastinate(args, jobs):
    import psycopg

    database = f"queue_bench_{os.getpid()}"
    # The maintenance connection: the PG environment variables as they are (PGDATABASE, else the user's name).
    with psycopg.connect(autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    workers = []
    try:
        argv = [sys.executable, os.path.abspath(__file__), "--serve", "procrastinate", "--database", database,
                "--concurrency", str(args.concurrency)]
        asyncio.run(procrastinate_schema(database))
        workers.extend(spawn(argv) for _ in range(args.workers))
        seconds, results, latencies = asyncio.run(procrastinate_producer(
            database, jobs, args.batch, args.workers, lambda: all(worker.poll() is None for worker in workers)))
        for worker in workers:
            if worker.poll() is not None:
                raise RuntimeError(f"a procrastinate worker exited with {worker.returncode}")
    finally:
        stop_processes(workers)
        with psycopg.connect(autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    parameters = {"batch_defer": args.batch, "concurrency": args.concurrency, "task": "async",
                  "results": "task middleware: INSERT + pg_notify, producer LISTENs"}
    return seconds, results, latencies, parameters


# Celery with Redis


def celery_app(port, prefetch):
    import celery

    app = celery.Celery("queue_bench", broker=f"redis://127.0.0.1:{port}/0", backend=f"redis://127.0.0.1:{port}/1")
    app.conf.update(worker_prefetch_multiplier=prefetch, broker_connection_retry_on_startup=True,
                    worker_hijack_root_logger=False, task_serializer="json", result_serializer="json",
                    accept_content=["json"])

    @app.task(name="queue_bench.echo")
    def echo(job):
        return job

    return app, echo


def serve_celery(args):
    app, _ = celery_app(args.redis_port, args.prefetch)
    app.worker_main(["--quiet", "worker", "--pool=prefork", f"--concurrency={args.workers}", "--loglevel=WARNING",
                     f"--hostname=bench-{os.getpid()}@localhost"])


def start_redis(folder):
    """A redis-server on a free loopback port, without persistence; returns (process, port)."""
    import redis

    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server is not installed (make bench-deps installs it)")
    for _ in range(5):
        port = free_port()
        process = spawn([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "",
                         "--appendonly", "no", "--daemonize", "no", "--logfile", os.path.join(folder, "redis.log")])
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if client.ping():
                    return process, port
            except redis.ConnectionError:
                time.sleep(0.02)
        stop_processes([process], grace=5)
    raise RuntimeError("redis-server did not start; see its log in " + folder)


def celery_measure(app, echo, jobs, batch, alive):
    """Submits the jobs in groups and collects every result; returns (seconds, [(id, value)], latencies)."""
    from celery import group
    from celery.result import ResultSet

    # Warm-up: 2 jobs through the worker (its pool processes are up before it consumes).
    ResultSet([echo.apply_async((job,)) for job in make_jobs(2)]).join_native(timeout=60)
    submitted = {}
    arrived = {}
    values = []
    id_of = {}
    handles = []

    def collected(task_id, value):
        arrived[task_id] = time.perf_counter()
        values.append((id_of.get(task_id), value))

    start = time.perf_counter()
    for chunk in batches(jobs, batch):
        at = time.perf_counter()
        result = group(echo.s(job) for job in chunk).apply_async()
        for job, handle in zip(chunk, result.results):
            submitted[handle.id] = at
            id_of[handle.id] = job["id"]
            handles.append(handle)
    ResultSet(handles).join_native(timeout=DEADLINE, callback=collected)
    end = max(arrived.values())
    if not alive():
        raise RuntimeError("the Celery worker exited")
    latencies = [arrived[key] - submitted[key] for key in submitted if key in arrived]
    return end - start, values, latencies


def run_celery(args, jobs):
    folder = tempfile.mkdtemp(prefix="queue-bench-redis-")
    processes = []
    try:
        redis_server, port = start_redis(folder)
        processes.append(redis_server)
        app, echo = celery_app(port, args.prefetch)
        worker = spawn([sys.executable, os.path.abspath(__file__), "--serve", "celery", "--redis-port", str(port),
                        "--prefetch", str(args.prefetch), "--workers", str(args.workers)])
        processes.append(worker)
        seconds, results, latencies = celery_measure(app, echo, jobs, args.batch, lambda: worker.poll() is None)
        # The results' handles are gone: nothing unsubscribes from a stopped Redis at exit.
        gc.collect()
        app.close()
    finally:
        stop_processes(processes[::-1])
        shutil.rmtree(folder, ignore_errors=True)
    parameters = {"group": args.batch, "pool": "prefork", "concurrency": args.workers,
                  "prefetch_multiplier": args.prefetch, "results": "redis backend, ResultSet.join_native"}
    return seconds, results, latencies, parameters


CONTENDERS = {"procrastinate": run_procrastinate, "celery-redis": run_celery}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contender", choices=sorted(CONTENDERS))
    parser.add_argument("--count", type=int, help="jobs (default: %s)" % DEFAULT_COUNTS)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--batch", type=int, default=1000, help="jobs per submit call")
    parser.add_argument("--concurrency", type=int, default=8, help="procrastinate: jobs at once per worker")
    parser.add_argument("--prefetch", type=int, default=64, help="celery: worker_prefetch_multiplier")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--serve", choices=("procrastinate", "celery"), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--redis-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "procrastinate":
        return serve_procrastinate(args)
    if args.serve == "celery":
        return serve_celery(args)
    if not args.contender:
        parser.error("--contender is required")
    # SIGTERM ends a run like ^C: the finally blocks stop the workers and servers and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    count = args.count or DEFAULT_COUNTS[args.contender]
    if min(count, args.workers, args.batch, args.concurrency, args.prefetch) <= 0:
        parser.error("--count, --workers, --batch, --concurrency and --prefetch must be positive")
    jobs = make_jobs(count)
    seconds, results, latencies, parameters = CONTENDERS[args.contender](args, jobs)
    check(args.contender, jobs, results)
    rate = count / seconds
    p50 = statistics.median(latencies) * 1000
    result = {
        "workload": "queue", "contender": args.contender,
        "parameters": {"jobs": count, "workers": args.workers, **parameters},
        "metrics": [{"name": "throughput", "value": rate, "unit": "jobs/s", "better": "higher"},
                    {"name": "p50", "value": p50, "unit": "ms", "better": "lower"}],
    }
    print(json.dumps(result, sort_keys=True) if args.json
          else f"queue {args.contender}: throughput {rate:.0f} jobs/s, p50 {p50:.1f} ms")


if __name__ == "__main__":
    # Run as the module queue_bench, not __main__: the worker processes find the same tasks under the same names, and
    # procrastinate does not warn about an app in the main module.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import queue_bench

    queue_bench.main()
