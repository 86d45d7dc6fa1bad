"""Shared helpers for the Python tests: paths and the CLI as the reference."""
import os
import subprocess

SOURCE_DIR = os.environ.get("CREDENCE_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CLI = os.environ.get("CREDENCE_CLI", os.path.join(SOURCE_DIR, "build", "tools", "credence"))
STARTER = os.path.join(SOURCE_DIR, "models", "starter")
EXAMPLES = os.path.join(SOURCE_DIR, "examples", "requests.jsonl")


def example_lines():
    with open(EXAMPLES, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip()]


def cli_score(in_path, *extra, bundle=STARTER):
    """`credence score` on a file: (output lines, exit status)."""
    p = subprocess.run([CLI, "score", "--bundle", bundle, "--in", in_path, *extra],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode not in (0, 1):
        raise RuntimeError("credence score failed: " + p.stderr.decode())
    return p.stdout.decode().splitlines(), p.returncode


CROSS_BORDER = os.path.join(SOURCE_DIR, "models", "cross-border")


def simulated_stream(path, enterprises=16, days=120, bad_records=True):
    """Writes a `credence simulate --stream` event log to `path` (with a line that is not
    JSON and a request without an enterprise mixed in); returns its lines."""
    subprocess.run([CLI, "simulate", "--stream", "--enterprises", str(enterprises), "--seed", "3",
                    "--as-of", "2026-10-01T00:00:00Z", "--history-days", str(days),
                    "--attack-share", "0.5", "--out", path], check=True,
                   stderr=subprocess.DEVNULL)
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    if bad_records:
        lines.insert(7, b"{not json")
        lines.insert(len(lines) // 2, b'{"request_id":"orphan","event":{"id":"o"}}')
        with open(path, "wb") as f:
            f.write(b"".join(l + b"\n" for l in lines))
    return lines


def cli_screen(in_path, state_dir, bundle=CROSS_BORDER):
    """`credence screen` on a file in one process: (output lines as bytes, exit status)."""
    p = subprocess.run([CLI, "screen", "--bundle", bundle, "--state", state_dir, "--in", in_path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode not in (0, 1):
        raise RuntimeError("credence screen failed: " + p.stderr.decode())
    return p.stdout.splitlines(), p.returncode
