#!/usr/bin/env python3
"""The hostile-input catalogue of the `credence` CLI: several hundred bad inputs, careless
command lines and hostile conditions, each with what a user must get.

The cases are tables of rows (cases_*.py), one row per case: the command line, the files it
reads (generated from the fixtures: the starter bundle in three formats, the example requests
in both formats, models, CSVs), and what a user must get: the exit status and a pattern the
error on stderr must match (the file and line:col, field path, record index or request id).
Every case is also held to the invariants below, whatever its row says:

  - no crash: the process is not ended by a signal (unless the case sends one), and stderr
    carries no sanitizer report;
  - no hang: it ends within the case's time limit (generous: a guard, not a speed test);
  - bounded memory: it runs under an address-space limit (RLIMIT_AS, 3 GiB by default; not
    under sanitizers, which reserve terabytes of shadow memory);
  - no partial output: when it fails, no output file it was asked to write (--out, --report,
    --logistic-out, simulate --labels) exists; when it succeeds, all of them do;
  - no temporary file (*.tmp.*) is left in its folder;
  - stderr is printable UTF-8 text (no byte a terminal acts on: see printable.h), and stdout
    is what the case says: valid UTF-8 JSON Lines, length-delimited records, printable text.

A row tagged `pending="..."` waits for a library change: in a normal run it is run and
reported, but its failure does not fail the run (PENDING); `--pending` runs only those cases
and fails when any does. No row is pending now.

usage: catalogue.py --cli CREDENCE --convert HOSTILE_CONVERT --source DIR
                    [--category NAME]... [--only SUBSTRING] [--pending] [--list]
                    [--no-memory-limit] [--keep]
"""
import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import cases_cli
import cases_inputs
import cases_requests
from common import Fixtures

CATEGORIES = {}
for module in (cases_inputs, cases_requests, cases_cli):
    for category, rows in module.CATEGORIES.items():
        CATEGORIES[category] = rows

SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                     "runtime error:", "ThreadSanitizer")
OUTPUT_OPTIONS = ("--out", "--report", "--logistic-out")
DEFAULT_MEMORY = 3 << 30


def terminal_controls(text):
    """The characters of `text` a terminal acts on (line feed excepted)."""
    bad = set()
    for ch in text:
        cp = ord(ch)
        if (cp < 0x20 and ch != "\n") or 0x7F <= cp <= 0x9F or cp in (0x061C, 0x200E, 0x200F) \
                or 0x2028 <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
            bad.add(repr(ch))
    return sorted(bad)


def check_jsonl(data):
    import json
    problems = []
    for n, line in enumerate(data.split(b"\n")[:-1] if data.endswith(b"\n") else
                             data.split(b"\n")):
        if not line and n == 0 and data == b"":
            continue
        try:
            json.loads(line.decode("utf-8", "strict"))
        except (UnicodeDecodeError, ValueError) as e:
            problems.append("stdout line %d is not valid UTF-8 JSON: %s" % (n + 1, e))
            break
    if data and not data.endswith(b"\n"):
        problems.append("stdout does not end with a newline")
    return problems


def check_delimited(data):
    """Length-delimited records: the varint framing consumes the output exactly."""
    i = 0
    while i < len(data):
        length, shift = 0, 0
        while True:
            if i >= len(data) or shift > 63:
                return ["stdout: a cut or malformed varint length at byte %d" % i]
            b = data[i]
            i += 1
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if i + length > len(data):
            return ["stdout: a record of %d bytes cut at byte %d" % (length, len(data))]
        i += length
    return []


def check_stdout(case, data):
    if case.stdout == "any":
        return []
    if case.stdout == "empty":
        return [] if not data else ["stdout should be empty, has %d bytes" % len(data)]
    if case.stdout == "jsonl":
        return check_jsonl(data)
    if case.stdout == "pb":
        return check_delimited(data)
    if case.stdout == "text":
        try:
            text = data.decode("utf-8", "strict")
        except UnicodeDecodeError as e:
            return ["stdout is not UTF-8: %s" % e]
        bad = terminal_controls(text)
        return ["stdout holds terminal controls %s" % bad] if bad else []
    raise ValueError("unknown stdout check " + case.stdout)


def output_paths(case, args, work):
    paths = []
    for i, a in enumerate(args[:-1]):
        if a in OUTPUT_OPTIONS or (a == "--labels" and args[0] == "simulate"):
            paths.append(args[i + 1])
    paths += [os.path.join(work, p) for p in case.outputs]
    return [p if os.path.isabs(p) else os.path.join(work, p) for p in paths
            if p != "-" and not p.startswith("/dev/")]


def limits(memory, file_size):
    def apply():
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if file_size:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return apply


def feed_fifos(case, work, fixtures):
    """Starts one writer thread per FIFO of the case; returns (threads, release event)."""
    release = threading.Event()
    threads = []
    for name, (content, hold) in case.fifos.items():
        path = os.path.join(work, name)
        os.mkfifo(path)
        if callable(content):
            content = content(fixtures)

        def writer(path=path, content=content, hold=hold):
            try:
                with open(path, "wb") as f:
                    f.write(content)
                    f.flush()
                    if hold:
                        release.wait(case.timeout)
            except (BrokenPipeError, OSError):
                pass
        t = threading.Thread(target=writer, daemon=True)
        t.start()
        threads.append(t)
    return threads, release


def send_signal_when_started(case, proc, work):
    """Sends case.signal once the command has opened its output (a *.tmp.* file exists), or
    after 5 s."""
    deadline = time.time() + 5
    while time.time() < deadline and proc.poll() is None:
        if any(".tmp." in n for n in os.listdir(work)):
            break
        time.sleep(0.02)
    time.sleep(0.05)
    if proc.poll() is None:
        proc.send_signal(case.signal)


def run_case(case, fixtures, options):
    """Runs one case; returns (problems, seconds)."""
    work = tempfile.mkdtemp(prefix="case_", dir=options.work)
    try:
        fmt = {"w": work, "f": fixtures.dir, "s": fixtures.source}
        for name, content in case.files.items():
            path = os.path.join(work, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            data = content(fixtures) if callable(content) else content
            with open(path, "wb") as f:
                # surrogateescape: "\udcff" in a case's text is the raw byte 0xFF
                f.write(data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data)
        if case.setup:
            case.setup(work, fixtures)
        args = [a.format(**fmt) for a in case.args]
        threads, release = feed_fifos(case, work, fixtures)
        memory = None if options.no_memory_limit else (case.memory or DEFAULT_MEMORY)
        stdin = subprocess.PIPE if case.stdin is not None else subprocess.DEVNULL
        opened = []  # descriptors (a directory too can be stdin)
        if case.stdin_path:
            stdin = os.open(case.stdin_path.format(**fmt), os.O_RDONLY)
            opened.append(stdin)
        stdout = subprocess.PIPE
        if case.stdout_path:
            stdout = os.open(case.stdout_path.format(**fmt), os.O_WRONLY)
            opened.append(stdout)
        start = time.time()
        proc = subprocess.Popen([options.cli] + args, cwd=work, stdin=stdin, stdout=stdout,
                                stderr=subprocess.PIPE,
                                preexec_fn=limits(memory, case.file_size))
        if case.signal:
            threading.Thread(target=send_signal_when_started, args=(case, proc, work),
                             daemon=True).start()
        try:
            out, err = proc.communicate(case.stdin, timeout=case.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return ["no answer within %g s (a hang)" % case.timeout], time.time() - start
        finally:
            release.set()
            for fd in opened:
                os.close(fd)
        out = out or b""
        seconds = time.time() - start
        if options.show:
            print("         stderr: " + err.decode("utf-8", "replace")[:400].replace(
                "\n", "\n                 "))
        return check_case(case, args, work, proc.returncode, out, err), seconds
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def check_case(case, args, work, code, out, err):
    problems = []
    err_text = err.decode("utf-8", "replace")
    dies_by = case.dies_by or case.signal
    if code < 0 and -code != (dies_by or 0):
        problems.append("ended by signal %d (a crash)" % -code)
    elif dies_by and code != -dies_by:
        problems.append("expected death by signal %d, got exit status %d" % (dies_by, code))
    elif not dies_by:
        want = case.exit if isinstance(case.exit, (tuple, list, set)) else (case.exit,)
        if code not in want:
            problems.append("exit status %d, expected %s" % (code, "/".join(map(str, want))))
    for marker in SANITIZER_MARKERS:
        if marker in err_text:
            problems.append("sanitizer report: " + marker)
    try:
        err.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        problems.append("stderr is not UTF-8: %s" % e)
    bad = terminal_controls(err_text)
    if bad:
        problems.append("stderr holds terminal controls %s" % bad)
    if case.err and not re.search(case.err, err_text, re.S):
        problems.append("stderr does not match %r" % case.err)
    problems += check_stdout(case, out)
    kept = [os.path.join(work, k) for k in case.kept]
    for path in output_paths(case, args, work):
        exists = os.path.lexists(path)
        if code not in case.outputs_on and exists and path not in kept:
            problems.append("failed but left its output %s" % os.path.relpath(path, work))
        if code in case.outputs_on and not exists:
            problems.append("exit %d without writing %s" % (code, os.path.relpath(path, work)))
        if exists and path.endswith(".jsonl") and os.path.isfile(path) and path not in kept:
            with open(path, "rb") as f:
                problems += [p.replace("stdout", os.path.basename(path)) for p in
                             check_jsonl(f.read())]
    for root, _, names in os.walk(work):
        for n in names:
            if ".tmp." in n and not case.tmp_allowed:
                problems.append("left a temporary file " + os.path.join(
                    os.path.relpath(root, work), n))
    if case.check:
        problems += case.check(work, code, out, err_text)
    if problems:
        problems.append("stderr: " + err_text[:600].replace("\n", "\n        "))
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cli", required=True)
    p.add_argument("--convert", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--category", action="append")
    p.add_argument("--only")
    p.add_argument("--pending", action="store_true")
    p.add_argument("--list", action="store_true")
    p.add_argument("--no-memory-limit", action="store_true")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--show", action="store_true", help="print every case's stderr")
    options = p.parse_args()
    options.cli = os.path.abspath(options.cli)
    options.convert = os.path.abspath(options.convert)
    options.source = os.path.abspath(options.source)
    categories = options.category or sorted(CATEGORIES)
    for c in categories:
        if c not in CATEGORIES:
            sys.exit("unknown category %s (%s)" % (c, ", ".join(sorted(CATEGORIES))))
    selected = []
    for c in categories:
        names = set()
        for case in CATEGORIES[c]:
            if case.name in names:
                sys.exit("duplicate case %s/%s" % (c, case.name))
            names.add(case.name)
            if options.only and options.only not in c + "/" + case.name:
                continue
            if options.pending and not case.pending:
                continue
            selected.append((c, case))
    if options.list:
        for c, case in selected:
            tag = "  [pending %s]" % case.pending if case.pending else ""
            print("%s/%s%s" % (c, case.name, tag))
        print("%d cases" % len(selected))
        return 0
    if not dev_null_is_a_device():
        sys.exit("/dev/null is not a character device on this machine (something renamed a "
                 "file over it); restore it: mknod -m 666 /dev/null c 1 3")
    options.work = tempfile.mkdtemp(prefix="credence_hostile_")
    try:
        fixtures = Fixtures(options.source, options.convert, options.work)
        return run_all(selected, fixtures, options)
    finally:
        if not options.keep:
            shutil.rmtree(options.work, ignore_errors=True)


def dev_null_is_a_device():
    import stat
    return stat.S_ISCHR(os.stat("/dev/null").st_mode)


def run_all(selected, fixtures, options):
    failed, pending_failed, pending_passed = [], [], []
    start = time.time()
    per_category = {}
    for c, case in selected:
        try:
            problems, seconds = run_case(case, fixtures, options)
        except Exception as e:  # a broken row fails alone
            problems, seconds = ["the case could not be run: %r" % e], 0.0
        n, t = per_category.get(c, (0, 0.0))
        per_category[c] = (n + 1, t + seconds)
        name = "%s/%s" % (c, case.name)
        if not problems:
            status = "ok"
            if case.pending:
                pending_passed.append(name)
                status = "ok (pending tag %s can go)" % case.pending
        elif case.pending and not options.pending:
            status = "PENDING " + case.pending
            pending_failed.append(name)
        else:
            status = "FAIL"
            failed.append(name)
        print("%-8s %-60s %6.2fs" % (status.split(" ")[0], name, seconds))
        if status != "ok":
            print("         " + status)
        for problem in problems:
            print("         - " + problem)
    print("\n%d cases in %.1f s" % (len(selected), time.time() - start))
    for c in sorted(per_category):
        print("  %-18s %4d cases %7.1f s" % (c, *per_category[c]))
    if pending_failed:
        print("%d pending cases fail until the library branch is merged:" % len(pending_failed))
        for n in pending_failed:
            print("  " + n)
    if pending_passed:
        print("%d pending cases already pass" % len(pending_passed))
    if not dev_null_is_a_device():
        failed.append("(the run left /dev/null a regular file)")
    if failed:
        print("%d FAILED:" % len(failed))
        for n in failed:
            print("  " + n)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
