"""Distributed batch scoring and event screening on Dask.

    python3 -m credence.dask score --bundle B --in PARTITIONED_INPUT --out OUTPUT \\
        --scheduler ADDRESS|local [--workers N] [--threads-per-task T] [--retries R]

PARTITIONED_INPUT is a directory of JSON Lines partition files (every entry not starting with
'.' or '_', in name order) or a glob. Every partition is scored by one Dask task; OUTPUT
receives one file per partition under the same name, with exactly the lines
`credence score --bundle B --in PARTITION` writes (a response, or an error record, per
record). Each file is written to a temporary name and renamed, so a file under its final name
is always complete. Then OUTPUT/_manifest.json lists every partition with its counts (or its
error), and OUTPUT/_SUCCESS is written when every partition succeeded.

Each worker process compiles the bundle once: engines are cached per process, keyed by the
bundle's path and digest (the client compiles it first and every worker checks it gets the
same digest, so a worker seeing a different bundle at that path fails loudly).

A task that raises (an unreadable partition, a worker that died) is retried --retries times
(default 2) by Dask; a partition that still fails is listed under "failed_partitions" in the
manifest with its error, and the exit status says so. Nothing is dropped silently.

Exit status: 0 every record scored; 1 some records failed (their error records are in the
output, as with the CLI); 3 some partitions failed; 2 usage or bundle error.

From Python: run_score(bundle, inputs, out_dir, client) returns the manifest.

    python3 -m credence.dask screen --bundle B --state-dir DIR --in EVENTS --out DECISIONS \\
        --scheduler ADDRESS|local [--workers N] [--partitions P]

replays an event log (JSON Lines ScreenRequests, e.g. from `credence simulate --stream`):
its records are partitioned by enterprise (CRC-32 of the enterprise id, modulo P), each
partition is screened in input order by one Dask task against its own state store
DIR/part-NNNN (so an enterprise always lands in the same store when P stays the same), and
DECISIONS receives one line per record in input order, exactly what
`credence screen --in EVENTS` writes in one process (error records carry the record's
position in EVENTS). The log and the decisions are held in the client's memory. Exit status:
0 every record screened, 1 some failed, 3 a partition failed, 2 usage or bundle error.
From Python: run_screen(bundle, lines, state_dir, client, partitions) returns the lines.
"""

import argparse
import glob
import json
import os
import sys
import threading
import time
import uuid

import credence

# Per-process engine cache: (absolute bundle path, digest) -> Engine. Engines are immutable
# and thread-safe, so tasks running on several threads of one worker share one.
_ENGINES = {}
_ENGINES_LOCK = threading.Lock()
_COMPILES = {"count": 0}


def _engine(bundle, digest):
    key = (bundle, digest)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = credence.load(bundle)
            _COMPILES["count"] += 1
            if engine.digest != digest:
                raise RuntimeError("bundle %s has digest %s on this worker, expected %s"
                                   % (bundle, engine.digest, digest))
            _ENGINES[key] = engine
        return engine


def score_partition(in_path, out_path, bundle, digest, threads=1):
    """Scores one partition file into out_path (atomically). Runs on a worker."""
    cpu_start = time.process_time()
    engine = _engine(bundle, digest)
    with open(in_path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the final newline
    out, failed = engine.score_json_lines(lines, threads=threads, as_bytes=True)
    directory = os.path.dirname(out_path) or "."
    tmp = os.path.join(directory, ".%s.tmp.%d.%s" % (os.path.basename(out_path), os.getpid(),
                                                      uuid.uuid4().hex[:8]))
    try:
        with open(tmp, "wb") as f:
            for line in out:
                f.write(line)
                f.write(b"\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return {"records": len(out), "scored": len(out) - failed, "failed": failed,
            "pid": os.getpid(), "host": os.uname().nodename, "compiles": _COMPILES["count"],
            "cpu_seconds": time.process_time() - cpu_start}


def list_partitions(spec):
    """The partition files of a directory (sorted; names starting with '.' or '_' skipped) or
    of a glob. Entries that are not regular files are listed too: reading them fails and they
    are reported, never skipped."""
    if os.path.isdir(spec):
        names = sorted(n for n in os.listdir(spec) if not n.startswith((".", "_")))
        paths = [os.path.join(spec, n) for n in names]
    else:
        paths = sorted(glob.glob(spec))
    seen = {}
    for p in paths:
        name = os.path.basename(p)
        if name in seen:
            raise ValueError("partitions %s and %s would both be written to %s"
                             % (seen[name], p, name))
        seen[name] = p
    return paths


def run_score(bundle, inputs, out_dir, client, threads=1, retries=2):
    """Scores `inputs` (partition paths) on `client`'s cluster; returns the manifest."""
    from dask.distributed import as_completed

    bundle = os.path.abspath(bundle)
    engine = credence.load(bundle)  # fails early (exit 2) on a bad bundle
    os.makedirs(out_dir, exist_ok=True)
    for stale in ("_SUCCESS", "_manifest.json"):
        if os.path.exists(os.path.join(out_dir, stale)):
            os.unlink(os.path.join(out_dir, stale))
    futures = {}
    for path in inputs:
        name = os.path.basename(path)
        future = client.submit(score_partition, os.path.abspath(path),
                               os.path.abspath(os.path.join(out_dir, name)), bundle,
                               engine.digest, threads, retries=retries, pure=False,
                               key="credence-score-%s-%s" % (name, uuid.uuid4().hex))
        futures[future] = name
    partitions, failed_partitions = {}, {}
    for future in as_completed(list(futures)):
        name = futures[future]
        if future.status == "finished":
            partitions[name] = future.result()
        else:
            try:  # "error" after the last retry, or "cancelled" (e.g. the scheduler lost it)
                error = future.exception()
            except BaseException as e:  # a cancelled future raises CancelledError here
                error = e
            failed_partitions[name] = "%s: %s" % (type(error).__name__, error)
    workers = {}
    for r in partitions.values():
        w = workers.setdefault("%s/%d" % (r["host"], r["pid"]),
                               {"partitions": 0, "compiles": 0})
        w["partitions"] += 1
        w["compiles"] = max(w["compiles"], r["compiles"])
    manifest = {
        "bundle": bundle,
        "bundle_digest": engine.digest,
        "partitions": [dict(name=n, **{k: partitions[n][k]
                                       for k in ("records", "scored", "failed", "cpu_seconds")})
                       for n in sorted(partitions)],
        "failed_partitions": [{"name": n, "error": failed_partitions[n]}
                              for n in sorted(failed_partitions)],
        "records": sum(p["records"] for p in partitions.values()),
        "scored": sum(p["scored"] for p in partitions.values()),
        "failed": sum(p["failed"] for p in partitions.values()),
        "workers": workers,
    }
    tmp = os.path.join(out_dir, "._manifest.json.tmp.%d" % os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, os.path.join(out_dir, "_manifest.json"))
    if not failed_partitions:
        open(os.path.join(out_dir, "_SUCCESS"), "w").close()
    return manifest


def screen_partition(lines, indices, bundle, digest, state_dir, threads=1):
    """Screens one partition (its records in input order) against the store `state_dir`.
    Runs on a worker; returns (output lines, number of error records)."""
    engine = _engine(bundle, digest)
    screener = credence.Screener(engine, state_dir)
    try:
        return screener.screen_json_lines(lines, threads=threads, indices=indices)
    finally:
        del screener  # closes the store (RocksDB locks it while open)


def partition_of(line, partitions):
    """The partition of one JSON Lines record: CRC-32 of its enterprise id (a record that
    does not parse has no id; it fails alike in every partition)."""
    import zlib
    try:
        enterprise = json.loads(line).get("enterprise", {}).get("id", "")
    except (ValueError, AttributeError):
        enterprise = ""
    if not isinstance(enterprise, str):
        enterprise = ""
    return zlib.crc32(enterprise.encode("utf-8", "surrogatepass")) % partitions


def run_screen(bundle, lines, state_dir, client, partitions, threads=1, retries=0):
    """Screens `lines` (JSON Lines records, blank ones skipped) partitioned by enterprise;
    returns (output lines in input order, number of error records)."""
    bundle = os.path.abspath(bundle)
    engine = credence.load(bundle)
    records = [x for x in lines if x.strip(b" \t\r")]
    parts = [([], []) for _ in range(partitions)]
    for index, line in enumerate(records):
        part = parts[partition_of(line, partitions)]
        part[0].append(line)
        part[1].append(index)
    os.makedirs(state_dir, exist_ok=True)
    futures = []
    for p, (part_lines, indices) in enumerate(parts):
        if not part_lines:
            continue
        store = os.path.abspath(os.path.join(state_dir, "part-%04d" % p))
        futures.append((indices, client.submit(screen_partition, part_lines, indices, bundle,
                                               engine.digest, store, threads, retries=retries,
                                               pure=False,
                                               key="credence-screen-%04d-%s" % (p, uuid.uuid4().hex))))
    out = [None] * len(records)
    failed = 0
    for indices, future in futures:
        part_out, part_failed = future.result()
        failed += part_failed
        for index, line in zip(indices, part_out):
            out[index] = line
    return out, failed


def _screen_main(args):
    try:
        credence.load(args.bundle)
        with open(args.input, "rb") as f:
            lines = f.read().split(b"\n")
    except (credence.Error, OSError) as e:
        print("credence.dask: %s" % e, file=sys.stderr)
        return 2
    client, cluster = _client(args)
    try:
        out, failed = run_screen(args.bundle, lines, args.state_dir, client,
                                 args.partitions or 2 * args.workers)
    except Exception as e:  # a partition failed after its retries
        print("credence.dask: screening failed: %s: %s" % (type(e).__name__, e),
              file=sys.stderr)
        return 3
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    directory = os.path.dirname(os.path.abspath(args.out))
    tmp = os.path.join(directory, ".%s.tmp.%d" % (os.path.basename(args.out), os.getpid()))
    with open(tmp, "wb") as f:
        for line in out:
            f.write(line)
            f.write(b"\n")
    os.replace(tmp, args.out)
    print("credence.dask: %d records screened, %d failed" % (len(out) - failed, failed),
          file=sys.stderr)
    return 1 if failed else 0


def _client(args):
    import logging
    from dask.distributed import Client, LocalCluster

    if args.scheduler == "local":
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        return Client(cluster), cluster
    return Client(args.scheduler), None


def _cluster_arguments(parser):
    parser.add_argument("--scheduler", required=True,
                        help="address of a Dask scheduler (tcp://host:8786), or 'local'")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes of a local cluster (default: cores)")


def _main(argv):
    parser = argparse.ArgumentParser(prog="python3 -m credence.dask",
                                     description="Distributed batch scoring on Dask.")
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="score a partitioned JSON Lines input")
    score.add_argument("--bundle", required=True, help="bundle file or folder (same path on "
                       "every worker)")
    score.add_argument("--in", dest="input", required=True,
                       help="directory of JSON Lines partitions, or a glob")
    score.add_argument("--out", required=True, help="output directory")
    _cluster_arguments(score)
    score.add_argument("--threads-per-task", type=int, default=1,
                       help="C++ scoring threads per partition task (default 1)")
    score.add_argument("--retries", type=int, default=2,
                       help="times Dask retries a failed partition (default 2)")
    screen = sub.add_parser("screen", help="screen an event log partitioned by enterprise")
    screen.add_argument("--bundle", required=True, help="bundle file or folder")
    screen.add_argument("--state-dir", required=True,
                        help="folder of the per-partition state stores (part-NNNN)")
    screen.add_argument("--in", dest="input", required=True,
                        help="JSON Lines ScreenRequests in time order")
    screen.add_argument("--out", required=True, help="decisions (JSON Lines), written atomically")
    _cluster_arguments(screen)
    screen.add_argument("--partitions", type=int, default=0,
                        help="partitions (default: twice the workers); keep it for a state dir")
    args = parser.parse_args(argv)
    if args.command == "screen":
        return _screen_main(args)

    try:
        inputs = list_partitions(args.input)
    except ValueError as e:
        print("credence.dask: %s" % e, file=sys.stderr)
        return 2
    if not inputs:
        print("credence.dask: no partitions in %s" % args.input, file=sys.stderr)
        return 2
    try:
        credence.load(args.bundle)
    except credence.Error as e:
        print("credence.dask: %s" % e, file=sys.stderr)
        return 2

    client, cluster = _client(args)
    try:
        manifest = run_score(args.bundle, inputs, args.out, client,
                             threads=args.threads_per_task, retries=args.retries)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    print("credence.dask: %d partitions, %d records: %d scored, %d failed; %d partitions "
          "failed" % (len(inputs), manifest["records"], manifest["scored"], manifest["failed"],
                      len(manifest["failed_partitions"])), file=sys.stderr)
    for p in manifest["failed_partitions"]:
        print("credence.dask: partition %s failed: %s" % (p["name"], p["error"]),
              file=sys.stderr)
    if manifest["failed_partitions"]:
        return 3
    return 1 if manifest["failed"] else 0


if __name__ == "__main__":
    # Run from the module under its real name, so that Dask pickles score_partition by
    # reference (credence.dask.score_partition), not by value as a __main__ function.
    from credence.dask import _main as main

    sys.exit(main(sys.argv[1:]))
