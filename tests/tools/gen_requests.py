#!/usr/bin/env python3
"""Writes N requests as JSON Lines to stdout: examples/requests.jsonl replicated with new
request ids "g-<i>", each request's events cut to the first K (K = 0: all of them).

  python3 tests/tools/gen_requests.py N [K] [examples/requests.jsonl]
"""
import json
import sys

n = int(sys.argv[1])
k = int(sys.argv[2]) if len(sys.argv) > 2 else 0
src = sys.argv[3] if len(sys.argv) > 3 else "examples/requests.jsonl"
pre, post = [], []
for line in open(src):
    if not line.strip():
        continue
    r = json.loads(line)
    if k > 0:
        r["events"] = r["events"][:k]
    r["request_id"] = "@@ID@@"
    a, b = json.dumps(r, separators=(",", ":")).split("@@ID@@")
    pre.append(a)
    post.append(b)
w = sys.stdout.write
for i in range(n):
    j = i % len(pre)
    w(pre[j])
    w("g-%d" % i)
    w(post[j])
    w("\n")
