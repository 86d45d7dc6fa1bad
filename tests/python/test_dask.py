"""python3 -m credence.dask on a LocalCluster of 2 worker processes, against the CLI."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from common import STARTER, cli_score, example_lines


def run_dask(in_dir, out_dir, *extra):
    return subprocess.run(
        [sys.executable, "-m", "credence.dask", "score", "--bundle", STARTER, "--in", in_dir,
         "--out", out_dir, "--scheduler", "local", "--workers", "2", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, timeout=240)


class DaskScoreTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="credence-dask-test.")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.in_dir = os.path.join(self.tmp, "in")
        os.makedirs(self.in_dir)
        lines = example_lines()
        # 6 partitions of varied sizes; one with a bad record and blank lines, one empty.
        self.partitions = []
        for p in range(6):
            records = []
            for k in range(p * 3 + 1):
                request = json.loads(lines[(p + k) % len(lines)])
                request["request_id"] = "p%d-r%d" % (p, k)
                records.append(json.dumps(request))
            if p == 2:
                records.insert(1, '{"request_id": "bad", "events": [{"kind": "NOPE"}]}')
                records.insert(2, "")
            if p == 5:
                records = []
            name = "part-%05d.jsonl" % p
            with open(os.path.join(self.in_dir, name), "w") as f:
                f.write("".join(r + "\n" for r in records))
            self.partitions.append(name)
        # Not partitions: hidden and underscore files are skipped.
        open(os.path.join(self.in_dir, "_SUCCESS"), "w").close()
        open(os.path.join(self.in_dir, ".crc"), "w").close()

    def check_outputs(self, out_dir, names):
        total = 0
        for name in names:
            expected, _ = cli_score(os.path.join(self.in_dir, name))
            with open(os.path.join(out_dir, name)) as f:
                got = f.read().splitlines()
            self.assertEqual(got, expected, name)
            total += len(expected)
        return total

    def test_scores_like_the_cli_and_reports_a_failed_partition(self):
        # An injected failure: a partition that cannot be read on any attempt.
        os.symlink(os.path.join(self.tmp, "does-not-exist"),
                   os.path.join(self.in_dir, "part-00009.jsonl"))
        out_dir = os.path.join(self.tmp, "out")
        p = run_dask(self.in_dir, out_dir, "--retries", "1")
        self.assertEqual(p.returncode, 3, p.stderr.decode())
        self.assertIn("part-00009.jsonl failed", p.stderr.decode())
        total = self.check_outputs(out_dir, self.partitions)
        with open(os.path.join(out_dir, "_manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual([x["name"] for x in manifest["failed_partitions"]],
                         ["part-00009.jsonl"])
        self.assertIn("FileNotFoundError", manifest["failed_partitions"][0]["error"])
        self.assertEqual([x["name"] for x in manifest["partitions"]], self.partitions)
        self.assertEqual(manifest["records"], total)
        self.assertEqual(manifest["failed"], 1)
        self.assertEqual(manifest["scored"], total - 1)
        self.assertFalse(os.path.exists(os.path.join(out_dir, "_SUCCESS")))
        self.assertFalse(os.path.exists(os.path.join(out_dir, "part-00009.jsonl")))
        leftovers = [n for n in os.listdir(out_dir) if n.startswith(".")]
        self.assertEqual(leftovers, [])
        # Each worker process compiled the bundle once, however many partitions it ran.
        self.assertTrue(1 <= len(manifest["workers"]) <= 2, manifest["workers"])
        for w in manifest["workers"].values():
            self.assertEqual(w["compiles"], 1)
        self.assertEqual(sum(w["partitions"] for w in manifest["workers"].values()), 6)

        # Fixed input: everything succeeds (exit 1 only for the bad record, as the CLI).
        os.unlink(os.path.join(self.in_dir, "part-00009.jsonl"))
        p = run_dask(self.in_dir, out_dir, "--threads-per-task", "2")
        self.assertEqual(p.returncode, 1, p.stderr.decode())
        self.check_outputs(out_dir, self.partitions)
        self.assertTrue(os.path.exists(os.path.join(out_dir, "_SUCCESS")))
        with open(os.path.join(out_dir, "_manifest.json")) as f:
            self.assertEqual(json.load(f)["failed_partitions"], [])

    def test_bad_bundle_and_empty_input_are_usage_errors(self):
        out_dir = os.path.join(self.tmp, "out")
        p = subprocess.run([sys.executable, "-m", "credence.dask", "score", "--bundle",
                            os.path.join(self.tmp, "nope"), "--in", self.in_dir, "--out",
                            out_dir, "--scheduler", "local"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("NOT_FOUND", p.stderr.decode())
        p = subprocess.run([sys.executable, "-m", "credence.dask", "score", "--bundle", STARTER,
                            "--in", os.path.join(self.tmp, "none-*.jsonl"), "--out", out_dir,
                            "--scheduler", "local"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no partitions", p.stderr.decode())


if __name__ == "__main__":
    unittest.main()


class DaskScreenTest(unittest.TestCase):
    """python3 -m credence.dask screen on 2 workers equals one process, record for record."""

    def test_partitioned_replay_equals_one_process(self):
        from common import cli_screen, simulated_stream, CROSS_BORDER
        tmp = tempfile.mkdtemp(prefix="credence-dask-screen.")
        self.addCleanup(shutil.rmtree, tmp)
        events = os.path.join(tmp, "events.jsonl")
        lines = simulated_stream(events)
        want, status = cli_screen(events, os.path.join(tmp, "single"))
        self.assertEqual(status, 1)  # the bad records
        self.assertEqual(len(want), len(lines))
        out = os.path.join(tmp, "decisions.jsonl")
        p = subprocess.run(
            [sys.executable, "-m", "credence.dask", "screen", "--bundle", CROSS_BORDER,
             "--state-dir", os.path.join(tmp, "parts"), "--in", events, "--out", out,
             "--scheduler", "local", "--workers", "2", "--partitions", "5"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, timeout=240)
        self.assertEqual(p.returncode, 1, p.stderr.decode())
        with open(out, "rb") as f:
            got = f.read().splitlines()
        self.assertEqual(len(got), len(want))
        for k, (g, w) in enumerate(zip(got, want)):
            self.assertEqual(g, w, "record %d" % k)
        self.assertEqual(len(os.listdir(os.path.join(tmp, "parts"))), 5)
        self.assertTrue(any(b"SCREEN_OUTCOME_BLOCK" in l for l in got))
