"""Scaling of batch scoring: CLI threads 1, 2 and Dask workers 1, 2 on the same input.

    PYTHONPATH=build/python /usr/bin/python3 python/tools/bench_scale.py [--requests 20000]

Generates REQUESTS requests from examples/requests.jsonl (each cut to 20-50 events, with its
own request id) in 8 partitions, then times `credence score --threads T` on the whole file
and `credence.dask` with W local worker processes (cluster started and warmed up before the
clock starts, so the time is scoring: reading, parsing, scoring, writing). Checks that every
run's output equals the single-thread CLI's. Prints a table of wall-clock seconds and
requests per second. Numbers depend on the machine and its load.
"""
import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import tempfile
import time

import credence
from credence import dask as cdask

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "tools", "credence"))
    ap.add_argument("--bundle", default=os.path.join(ROOT, "models", "starter"))
    args = ap.parse_args()
    examples = [json.loads(l) for l in open(os.path.join(ROOT, "examples", "requests.jsonl"))
                if l.strip()]
    load = os.getloadavg()
    tmp = tempfile.mkdtemp(prefix="credence-scale.")
    try:
        in_dir = os.path.join(tmp, "in")
        os.makedirs(in_dir)
        files = [open(os.path.join(in_dir, "part-%05d.jsonl" % p), "w")
                 for p in range(args.partitions)]
        with open(os.path.join(tmp, "all.jsonl"), "w") as whole:
            for i in range(args.requests):
                r = dict(examples[i % len(examples)])
                r["events"] = r["events"][: 20 + (i % 7) * 5]
                r["request_id"] = "scale-%06d" % i
                line = json.dumps(r, separators=(",", ":")) + "\n"
                whole.write(line)
                files[i * args.partitions // args.requests].write(line)
        for f in files:
            f.close()
        size = os.path.getsize(os.path.join(tmp, "all.jsonl"))
        print("input: %d requests, %.1f MB, %d partitions" % (args.requests, size / 1e6,
                                                             args.partitions), flush=True)
        rows = []
        reference = None
        for threads in (1, 2):
            out = os.path.join(tmp, "cli-%d.jsonl" % threads)
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            p = subprocess.run([args.cli, "score", "--bundle", args.bundle, "--in",
                                os.path.join(tmp, "all.jsonl"), "--out", out, "--threads",
                                str(threads)], check=False)
            elapsed = time.perf_counter() - t0
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime
            assert p.returncode in (0, 1), p.returncode
            with open(out) as f:
                lines = f.read().splitlines()
            reference = reference or lines
            assert lines == reference, "CLI output depends on --threads"
            rows.append(("CLI --threads %d" % threads, elapsed, cpu))
            print("  CLI --threads %d: %.2f s" % (threads, elapsed), flush=True)

        from dask.distributed import Client, LocalCluster

        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                    Client(cluster) as client:
                client.wait_for_workers(workers)
                warm = os.path.join(tmp, "warm")
                cdask.run_score(args.bundle, sorted(os.path.join(in_dir, n)
                                                    for n in os.listdir(in_dir))[:workers],
                                warm, client)
                out_dir = os.path.join(tmp, "dask-%d" % workers)
                t0 = time.perf_counter()
                manifest = cdask.run_score(args.bundle, cdask.list_partitions(in_dir), out_dir,
                                           client)
                elapsed = time.perf_counter() - t0
            assert not manifest["failed_partitions"]
            lines = []
            for name in sorted(os.listdir(in_dir)):
                with open(os.path.join(out_dir, name)) as f:
                    lines += f.read().splitlines()
            assert lines == reference, "Dask output differs from the CLI's"
            cpu = sum(p["cpu_seconds"] for p in manifest["partitions"])
            rows.append(("Dask, %d worker process%s" % (workers, "es" if workers > 1 else ""),
                         elapsed, cpu))
            print("  Dask %d workers: %.2f s" % (workers, elapsed), flush=True)
        # CPU seconds: the CLI process (all threads); for Dask, the tasks' own process time.
        print("load average before the runs: %.1f %.1f %.1f; cores: %d"
              % (load + (os.cpu_count(),)))
        print("%-28s %9s %10s %8s %9s %12s" % ("run", "wall s", "req/s", "speedup", "CPU s",
                                              "ms CPU/req"))
        for i, (name, secs, cpu) in enumerate(rows):
            base = rows[0 if i < 2 else 2][1]
            print("%-28s %9.2f %10.0f %7.2fx %9.2f %12.3f"
                  % (name, secs, args.requests / secs, base / secs, cpu,
                     1000 * cpu / args.requests))
        print("all outputs equal the single-thread CLI's, record for record")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
