"""Python process pools as contenders of the "pool" workload: N trivial jobs (the echo of a small record) through a
pool of worker processes, jobs/s from the first submit to the last result (pool start-up excluded).

Usage: python3 pool_bench.py --contender {ppe-submit,pool-imap,pool-map} [--count N] [--workers 2] [--json]
Contenders:
- ppe-submit: concurrent.futures.ProcessPoolExecutor, one `submit` per job, then every future's result;
- pool-imap: multiprocessing.Pool.imap(echo, jobs, chunksize=1), one job per message;
- pool-map: multiprocessing.Pool.map(echo, jobs) with its default chunking (about 4 chunks per worker).
Each pool is warmed with one round of 2 jobs, submitted the contender's way, before the clock starts. Every result
is checked against its job; a lost or altered job exits with an error. With --json, prints one JSON object in the
shape of gipc_bench.py (the rate in msg/s). Standard library only.
"""

import argparse
import concurrent.futures
import json
import multiprocessing
import sys
import time

# Jobs per run: about 2 s each on a 2-core machine (measured there: about 5k, 15k and 100k jobs/s).
DEFAULT_COUNTS = {"ppe-submit": 10000, "pool-imap": 30000, "pool-map": 200000}


def echo(job):
    return job


def make_jobs(count):
    return [{"id": i, "name": "job-%d" % i, "score": i * 0.5, "tags": ["a", "b"]} for i in range(count)]


def ppe_submit(workers, jobs):
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        [future.result() for future in [pool.submit(echo, job) for job in make_jobs(2)]]
        start = time.perf_counter()
        futures = [pool.submit(echo, job) for job in jobs]
        results = [future.result() for future in futures]
        return time.perf_counter() - start, results, {}


def pool_imap(workers, jobs):
    with multiprocessing.Pool(workers) as pool:
        list(pool.imap(echo, make_jobs(2), chunksize=1))
        start = time.perf_counter()
        results = list(pool.imap(echo, jobs, chunksize=1))
        return time.perf_counter() - start, results, {"chunksize": 1}


def pool_map(workers, jobs):
    with multiprocessing.Pool(workers) as pool:
        pool.map(echo, make_jobs(2))
        start = time.perf_counter()
        results = pool.map(echo, jobs)
        # What Pool.map chose: len(jobs) / (4 * workers), rounded up.
        chunks, extra = divmod(len(jobs), 4 * workers)
        return time.perf_counter() - start, results, {"chunksize": chunks + bool(extra)}


CONTENDERS = {"ppe-submit": ppe_submit, "pool-imap": pool_imap, "pool-map": pool_map}


def check(contender, jobs, results):
    """Fails loudly unless there is exactly one result per job, in order, equal to its job."""
    if len(results) != len(jobs):
        sys.exit(f"pool_bench.py {contender}: {len(results)} results for {len(jobs)} jobs")
    for job, result in zip(jobs, results):
        if result != job:
            sys.exit(f"pool_bench.py {contender}: job {job!r} came back as {result!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contender", required=True, choices=sorted(CONTENDERS))
    parser.add_argument("--count", type=int, help="jobs (default: %s)" % DEFAULT_COUNTS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()
    count = args.count or DEFAULT_COUNTS[args.contender]
    if count <= 0 or args.workers <= 0:
        parser.error("--count and --workers must be positive")
    jobs = make_jobs(count)
    seconds, results, parameters = CONTENDERS[args.contender](args.workers, jobs)
    check(args.contender, jobs, results)
    rate = count / seconds
    result = {
        "workload": "pool", "contender": args.contender, "parameters": {"messages": count, "workers": args.workers,
                                                                        **parameters},
        "metrics": [{"name": "throughput", "value": rate, "unit": "msg/s", "better": "higher"}],
    }
    print(json.dumps(result, sort_keys=True) if args.json else f"pool {args.contender}: throughput {rate:.0f} msg/s")


if __name__ == "__main__":
    main()
