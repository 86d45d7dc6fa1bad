"""Tests of the Python binding against the CLI (the C++ API's front end) and XGBoost."""
import copy
import json
import math
import os
import subprocess
import pickle
import sys
import tempfile
import threading
import unittest

import numpy as np

import credence
from common import CROSS_BORDER, CLI, EXAMPLES, SOURCE_DIR, STARTER, cli_score, example_lines


class LoadTest(unittest.TestCase):
    def test_loads_the_starter_bundle(self):
        engine = credence.load(STARTER)
        self.assertEqual(engine.name, "starter")
        self.assertRegex(engine.digest, r"^sha256:[0-9a-f]{64}$")
        self.assertTrue(engine.feature_names)
        self.assertEqual(credence.version(), "0.2.0")

    def test_missing_bundle_raises_not_found(self):
        with self.assertRaises(credence.Error) as ctx:
            credence.load(os.path.join(SOURCE_DIR, "models", "no_such_bundle"))
        self.assertEqual(ctx.exception.code, "NOT_FOUND")
        self.assertEqual(ctx.exception.code_value, 5)
        self.assertIn("NOT_FOUND", str(ctx.exception))

    def test_bad_bundle_raises_with_location(self):
        text = ('metadata { name: "bad" version: "1" }\nbase_currency: "USD"\n'
                'credit { model: "nope" }\n')
        with self.assertRaises(credence.Error) as ctx:
            credence.load_bytes(text, name="bad.textproto")
        e = ctx.exception
        self.assertEqual(e.code, "INVALID_ARGUMENT")
        self.assertIn("unknown model 'nope'", e.message)
        self.assertEqual((e.file, e.line, e.field_path), ("bad.textproto", 3, "credit.model"))
        self.assertTrue(e.location.startswith("bad.textproto:3:"))
        with self.assertRaises(credence.Error) as ctx:
            credence.load_bytes(b"\xff\xff", format="binary")
        self.assertEqual(ctx.exception.code, "DATA_LOSS")

    def test_bytes_and_path_give_the_same_digest(self):
        with open(os.path.join(STARTER, "bundle.textproto"), "rb") as f:
            data = f.read()
        self.assertEqual(credence.load_bytes(data, bundle_dir=STARTER).digest,
                         credence.load(STARTER).digest)

    def test_engine_pickles_by_path(self):
        engine = credence.load(STARTER)
        again = pickle.loads(pickle.dumps(engine))
        self.assertEqual(again.digest, engine.digest)
        with open(os.path.join(STARTER, "bundle.textproto"), "rb") as f:
            from_bytes = credence.load_bytes(f.read(), bundle_dir=STARTER)
        with self.assertRaises(TypeError):
            pickle.dumps(from_bytes)


class ScoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = credence.load(STARTER)
        cls.lines = example_lines()
        cls.cli, status = cli_score(EXAMPLES)
        assert status == 0 and len(cls.cli) == len(cls.lines)

    def test_dict_str_and_batch_equal_the_cli(self):
        for line, expected in zip(self.lines, self.cli):
            want = json.loads(expected)
            self.assertEqual(self.engine.score(json.loads(line)), want)
            self.assertEqual(self.engine.score(line), want)
        batch = self.engine.score_batch([json.loads(l) for l in self.lines], threads=2)
        self.assertEqual(batch, [json.loads(e) for e in self.cli])

    def test_raw_responses_are_deterministic_bytes(self):
        raw = [self.engine.score(l, raw=True) for l in self.lines]
        self.assertTrue(all(isinstance(r, bytes) and r for r in raw))
        self.assertEqual(self.engine.score_batch(self.lines, threads=3, raw=True), raw)
        self.assertNotEqual(raw[0], raw[1])

    def test_errors_raise_with_code_and_location(self):
        bad = json.loads(self.lines[0])
        bad["events"][3]["amount"]["currency_code"] = "GBX"
        with self.assertRaises(credence.Error) as ctx:
            self.engine.score(bad)
        e = ctx.exception
        self.assertEqual(e.code, "INVALID_ARGUMENT")
        self.assertEqual(e.event_index, 3)
        self.assertIn("events[3]", e.location)
        with self.assertRaises(credence.Error) as ctx:
            self.engine.score('{"as_of": ')
        self.assertEqual(ctx.exception.code, "INVALID_ARGUMENT")
        with self.assertRaises(credence.Error) as ctx:
            self.engine.score(b"\x0a\xff")
        self.assertEqual(ctx.exception.code, "DATA_LOSS")
        with self.assertRaises(credence.Error) as ctx:
            self.engine.score(b"")  # an empty binary request: no as_of
        self.assertEqual(ctx.exception.code, "INVALID_ARGUMENT")
        with self.assertRaises(TypeError):
            self.engine.score(42)

    def test_batch_keeps_order_and_reports_bad_records(self):
        requests = [json.loads(l) for l in self.lines]
        requests.insert(2, {"events": [{"kind": "NOT_A_KIND"}]})
        requests.insert(5, "{not json")
        results = self.engine.score_batch(requests, threads=2)
        self.assertEqual(len(results), len(self.lines) + 2)
        for i in (2, 5):
            self.assertIsInstance(results[i], credence.Error)
            self.assertEqual(results[i].code, "INVALID_ARGUMENT")
            self.assertEqual(results[i].index, i)
        good = [r for i, r in enumerate(results) if i not in (2, 5)]
        self.assertEqual(good, [json.loads(e) for e in self.cli])
        for threads in (1000, 257, -1):
            with self.assertRaises(credence.Error) as ctx:
                self.engine.score_batch(requests, threads=threads)
            self.assertEqual(ctx.exception.code, "OUT_OF_RANGE")
            self.assertIn("[0, 256]", ctx.exception.message)
            with self.assertRaises(credence.Error) as ctx:
                self.engine.score_json_lines(self.lines, threads=threads)
            self.assertEqual(ctx.exception.code, "OUT_OF_RANGE")
        self.assertEqual(len(self.engine.score_batch(requests[:2], threads=256)), 2)

    def test_json_lines_are_the_clis_bytes(self):
        bad = json.loads(self.lines[1])
        bad["events"][0]["amount"]["currency_code"] = "GBX"
        records = [self.lines[0], "", "{broken", json.dumps(bad), "  ", self.lines[2]]
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write("\n".join(records) + "\n")
        try:
            expected, status = cli_score(f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(status, 1)
        got, failed = self.engine.score_json_lines(records, threads=2)
        self.assertEqual(got, expected)
        self.assertEqual(failed, 2)
        self.assertTrue(got[1].startswith('{"error":{"index":1,'))

    def test_invalid_utf8_gives_the_clis_bytes_and_valid_json(self):
        # Invalid UTF-8 in a request id, a field value and a key: the error records quote it
        # as U+FFFD (the shared io::ErrorRecordJson), byte for byte as the CLI writes them.
        records = [b'{"requestId":"r\xff1","asOf":"2026-10-01T00:00:00Z"}',
                   b'{"requestId":"ok","events":[{"id":"e\xfe\xc0"}]}',
                   b'{"request\xe4\xb8Id":"x"}',
                   self.lines[0].encode()]
        with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as f:
            f.write(b"\n".join(records) + b"\n")
        try:
            p = subprocess.run([CLI, "score", "--bundle", STARTER, "--in", f.name],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        finally:
            os.unlink(f.name)
        self.assertEqual(p.returncode, 1)
        got, failed = self.engine.score_json_lines(records, threads=2, as_bytes=True)
        self.assertEqual(failed, 3)
        self.assertEqual(b"".join(line + b"\n" for line in got), p.stdout)
        for line in got:
            json.loads(line.decode("utf-8", "strict"))
        error = json.loads(got[0])["error"]
        self.assertIn("invalid UTF-8", error["message"])
        self.assertIn("request_id", error["location"])

    def test_features_equal_the_clis_included_features(self):
        expected, _ = cli_score(EXAMPLES, "--include-features")
        for line, out in zip(self.lines, expected):
            want = {f["name"]: (math.nan if f.get("missing") else f.get("value", 0.0))
                    for f in json.loads(out)["features"]}
            got = self.engine.features(json.loads(line))
            self.assertEqual(list(got), self.engine.feature_names)
            self.assertEqual(list(got), list(want))
            for name in want:
                if math.isnan(want[name]):
                    self.assertTrue(math.isnan(got[name]), name)
                else:
                    self.assertEqual(got[name], want[name], name)
        with self.assertRaises(credence.Error):
            self.engine.features("{")

    def test_python_threads_score_in_parallel_with_equal_results(self):
        # The GIL is released while C++ scores; every thread must still get the CLI's answer.
        want = [json.loads(e) for e in self.cli]
        errors = []

        def work():
            for _ in range(5):
                if [self.engine.score(l) for l in self.lines] != want:
                    errors.append("mismatch")

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

    def test_the_gil_is_released_while_cpp_runs(self):
        # With a huge switch interval the interpreter never takes the GIL from a thread by
        # force: the main thread can run while the worker is inside a call only if that call
        # released the GIL; it then sees the call unfinished. A call that kept the GIL fails
        # every attempt; a call that released it can still lose the race when the worker
        # finishes before the OS wakes the main thread, hence a few attempts.
        many = self.lines * 10
        calls = {
            "score": lambda: [self.engine.score(l) for l in many[:20]],
            "score_batch": lambda: self.engine.score_batch(many, threads=1),
            "score_json_lines": lambda: self.engine.score_json_lines(many),
            "features": lambda: [self.engine.features(l) for l in many[:20]],
        }
        old = sys.getswitchinterval()
        sys.setswitchinterval(1000)
        try:
            for name, call in calls.items():
                seen_inside = False
                for _ in range(5):
                    started, state = threading.Event(), {"done": False}

                    def work():
                        started.set()
                        call()
                        state["done"] = True

                    t = threading.Thread(target=work)
                    t.start()
                    started.wait()
                    seen_inside = not state["done"]
                    t.join()
                    if seen_inside:
                        break
                self.assertTrue(seen_inside, name + " held the GIL")
        finally:
            sys.setswitchinterval(old)

    def test_simulate_equals_the_cli_record_for_record(self):
        import csv
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            pb, labels = os.path.join(tmp, "s.pb"), os.path.join(tmp, "labels.csv")
            subprocess.run([CLI, "simulate", "--enterprises", "6", "--seed", "7", "--as-of",
                            "2026-10-01T00:00:00Z", "--format", "pb", "--out", pb,
                            "--labels", labels], check=True, stderr=subprocess.DEVNULL)
            data = open(pb, "rb").read()
            with open(labels, newline="") as f:
                label_rows = list(csv.DictReader(f))
        # Split the CLI's length-delimited stream (varint length prefixes) independently.
        records, pos = [], 0
        while pos < len(data):
            length, shift = 0, 0
            while True:
                b = data[pos]
                pos += 1
                length |= (b & 0x7F) << shift
                shift += 7
                if b < 0x80:
                    break
            records.append(data[pos:pos + length])
            pos += length
        self.assertEqual(len(records), 6)
        # Enterprises 2..5 asked for on their own equal the CLI's records 2..5.
        sims = credence.simulate(4, seed=7, as_of="2026-10-01T00:00:00Z", first=2, raw=True)
        for i, sim in enumerate(sims):
            self.assertEqual(sim["request"], records[2 + i])
            row = label_rows[2 + i]
            self.assertEqual(sim["archetype"], row["archetype"])
            for key in ("default_12m", "violation_12m", "bad"):
                self.assertEqual(sim[key], int(row[key]), key)
        # The dict form scores like the bytes.
        engine = credence.load(os.path.join(SOURCE_DIR, "models", "cross-border"))
        as_dict = credence.simulate(1, seed=7, first=3)[0]["request"]
        self.assertEqual(engine.score(as_dict), engine.score(records[3]))
        with self.assertRaises(credence.Error):
            credence.simulate(1, history_days=5)

class PredictTest(unittest.TestCase):
    def test_bundle_credit_model_equals_the_engines_pd(self):
        import pandas as pd
        engine = credence.load(STARTER)
        lines = example_lines()
        frame = pd.DataFrame([engine.features(l) for l in lines])
        probability = credence.predict(STARTER, frame)
        margin = credence.predict(STARTER, frame, output="margin")
        contribs = credence.predict(STARTER, frame, output="contribs")
        # As `credence predict --contribs`: the model's inputs, then the bias.
        names = credence.output_names(STARTER, frame, output="contribs")
        self.assertEqual(names[-1], "bias")
        self.assertTrue(set(names[:-1]) <= set(frame.columns))
        self.assertEqual(contribs.shape, (len(lines), len(names)))
        for i, line in enumerate(lines):
            credit = engine.score(line)["credit"]
            if credit.get("available"):
                self.assertAlmostEqual(probability[i], credit["pd"], places=12)
                self.assertAlmostEqual(margin[i], credit["margin"], places=12)
                # Contributions and bias add up to the engine's margin.
                self.assertAlmostEqual(contribs[i].sum(), credit["margin"], places=9)
            else:
                self.assertTrue(math.isnan(probability[i]))
        # Columns are matched by name: shuffling them changes nothing.
        shuffled = frame[list(reversed(frame.columns))]
        np.testing.assert_array_equal(credence.predict(STARTER, shuffled), probability)
        with self.assertRaises(credence.Error) as ctx:
            credence.predict(STARTER, pd.DataFrame({"unrelated": probability}))
        self.assertEqual(ctx.exception.code, "INVALID_ARGUMENT")
        self.assertIn("no column '", ctx.exception.message)
        self.assertIn("which the model 'starter_pd' reads", ctx.exception.message)
        self.assertEqual(ctx.exception.field_path, names[0])

    def test_xgboost_model_equals_xgboost(self):
        import pandas as pd
        import xgboost as xgb
        rng = np.random.default_rng(7)
        x = rng.normal(size=(400, 5))
        x[rng.random(x.shape) < 0.1] = np.nan
        y = ((np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 3]) + rng.normal(size=400)) > 0)
        names = ["a", "b", "c", "d", "e"]
        booster = xgb.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.3,
                             "base_score": 0.3},
                            xgb.DMatrix(x, label=y.astype(float), feature_names=names), 20)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.json")
            booster.save_model(path)
            frame = pd.DataFrame(x, columns=names)
            dm = xgb.DMatrix(x, feature_names=names)
            np.testing.assert_allclose(credence.predict(path, frame, output="margin"),
                                       booster.predict(dm, output_margin=True), rtol=0,
                                       atol=1e-6)
            np.testing.assert_allclose(credence.predict(path, frame),
                                       booster.predict(dm), rtol=0, atol=1e-6)
            np.testing.assert_allclose(credence.predict(path, frame, output="contribs"),
                                       booster.predict(dm, pred_contribs=True), rtol=0,
                                       atol=1e-5)
            # By name, not position; a missing column is an error.
            np.testing.assert_array_equal(
                credence.predict(path, frame[names[::-1]], output="margin"),
                credence.predict(path, frame, output="margin"))
            with self.assertRaises(credence.Error) as ctx:
                credence.predict(path, frame.drop(columns=["c"]))
            self.assertIn("'c'", ctx.exception.message)
            with open(os.path.join(tmp, "broken.json"), "w") as f:
                f.write('{"learner": {')
            with self.assertRaises(credence.Error) as ctx:
                credence.predict(os.path.join(tmp, "broken.json"), frame)
            self.assertIn(ctx.exception.code, ("DATA_LOSS", "INVALID_ARGUMENT"))

    def test_standalone_model_is_recognised_by_content_like_the_cli(self):
        # What `credence fit --out` writes: a credence.v1.Model in text format or JSON. The
        # binding used to go by file extension and took these for bundles.
        import pandas as pd
        text = ("id: 'pd'\nlogistic { intercept: -1 terms { feature: 'late' coefficient: 0.5 }"
                " terms { feature: 'util' coefficient: 2 reference: 0.25 } }\n")
        as_json = json.dumps({"id": "pd", "logistic": {"intercept": -1, "terms": [
            {"feature": "late", "coefficient": 0.5},
            {"feature": "util", "coefficient": 2, "reference": 0.25}]}})
        frame = pd.DataFrame({"util": [0.5, 0.0, 1.0], "x": [7, 7, 7], "late": [0, 2, 4]})
        # By hand: margin = -1 + 0.5 late + 2 (util - 0.25) + 2 * 0.25 (the reference shifts
        # the bias, not the margin).
        margin = [-1 + 0.5 * l + 2 * u for u, l in zip(frame["util"], frame["late"])]
        with tempfile.TemporaryDirectory() as tmp:
            for name, body in (("model.textproto", text), ("model.json", as_json),
                               ("model.txt", text)):
                path = os.path.join(tmp, name)
                with open(path, "w") as f:
                    f.write(body)
                np.testing.assert_allclose(credence.predict(path, frame, output="margin"),
                                           margin, rtol=0, atol=1e-12, err_msg=name)
                np.testing.assert_allclose(credence.predict(path, frame),
                                           1 / (1 + np.exp(-np.array(margin))), rtol=1e-12)
                contribs = credence.predict(path, frame, output="contribs")
                self.assertEqual(credence.output_names(path, frame, output="contribs"),
                                 ["late", "util", "bias"])
                np.testing.assert_allclose(contribs[:, 0], 0.5 * frame["late"], atol=1e-12)
                np.testing.assert_allclose(contribs[:, 1], 2 * (frame["util"] - 0.25),
                                           atol=1e-12)
                np.testing.assert_allclose(contribs.sum(axis=1), margin, atol=1e-12)
                # The CLI reads the same file the same way.
                csv = os.path.join(tmp, "rows.csv")
                frame.to_csv(csv, index=False)
                p = subprocess.run([CLI, "predict", "--model", path, "--in", csv, "--margin"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
                cli = [float(v) for v in p.stdout.decode().split()[1:]]
                np.testing.assert_allclose(cli, margin, rtol=0, atol=1e-12)
            with self.assertRaises(credence.Error) as ctx:
                credence.predict(os.path.join(tmp, "model.json"), frame, kind="lightgbm_text")
            self.assertIn("LightGBM", ctx.exception.message)
            with self.assertRaises(ValueError):
                credence.predict(os.path.join(tmp, "model.json"), frame, kind="onnx")

    def test_lightgbm_model_matches_hand_computation(self):
        import pandas as pd
        # One tree: a <= 0.5 (missing: none, NaN reads as 0) -> 1; else b <= 1.5 (missing:
        # NaN, default right) -> 2, else 3. LightGBM goes left when x <= threshold.
        model = ("tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nmax_feature_idx=1\n"
                 "objective=binary sigmoid:1\nfeature_names=a b\n\n"
                 "Tree=0\nnum_leaves=3\nnum_cat=0\nsplit_feature=0 1\nthreshold=0.5 1.5\n"
                 "decision_type=2 8\nleft_child=-1 -2\nright_child=1 -3\nleaf_value=1 2 3\n"
                 "leaf_count=5 3 2\ninternal_count=10 5\nshrinkage=1\n\n"
                 "end of trees\n\nparameters:\nend of parameters\n")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.txt")
            with open(path, "w") as f:
                f.write(model)
            # Columns in another order, plus one the model does not read.
            frame = pd.DataFrame({"b": [9, 1, 2, np.nan, 9], "x": [0, 0, 0, 0, 0],
                                  "a": [0.2, 1, 1, 1, np.nan]})
            margin = credence.predict(path, frame, output="margin")
            np.testing.assert_array_equal(margin, [1, 2, 3, 3, 1])
            np.testing.assert_allclose(credence.predict(path, frame),
                                       1 / (1 + np.exp(-margin)), rtol=1e-15)


if __name__ == "__main__":
    unittest.main()


class ScreenerTest(unittest.TestCase):
    """credence.Screener: the library's screening path with a RocksDB store."""

    def test_screens_commits_and_answers_a_rerun_from_the_log(self):
        from common import cli_screen, simulated_stream
        import shutil
        import tempfile
        tmp = tempfile.mkdtemp(prefix="credence-screener.")
        self.addCleanup(shutil.rmtree, tmp)
        events = os.path.join(tmp, "events.jsonl")
        lines = simulated_stream(events, enterprises=6, days=60, bad_records=False)
        want, _ = cli_screen(events, os.path.join(tmp, "cli"))
        screener = credence.Screener(CROSS_BORDER, os.path.join(tmp, "py"))
        first = [screener.screen(json.loads(l)) for l in lines[:50]]
        self.assertEqual(first[0]["outcome"], "SCREEN_OUTCOME_ALLOW")
        self.assertEqual(first, [json.loads(w) for w in want[:50]])
        # The whole stream again: the first 50 are answered from the decision log.
        out, failed = screener.screen_json_lines(lines)
        self.assertEqual(failed, 0)
        self.assertEqual(out, want)
        enterprise = json.loads(lines[0])["enterprise"]["id"]
        self.assertIn("orders_90d", screener.features(enterprise))
        self.assertIsNone(screener.features("nobody"))
        with self.assertRaises(credence.Error) as e:
            screener.screen({"request_id": "x", "event": {"id": "e"}})
        self.assertEqual(e.exception.code, "INVALID_ARGUMENT")
