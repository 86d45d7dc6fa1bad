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
