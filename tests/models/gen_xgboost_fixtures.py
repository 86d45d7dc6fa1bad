#!/usr/bin/python3
"""Generates XGBoost parity fixtures for credence's tree-ensemble tests.

Trains small models with fixed seeds on synthetic data using the XGBoost that Debian ships
(python3-xgboost, 1.7), saves each as JSON (`save_model("x.json")`) and writes held-out rows
together with XGBoost's own margins (`output_margin=True`) and TreeSHAP values
(`pred_contribs=True`) to CSV:

  <name>.json   the model
  <name>.csv    one header line, then one row per sample:
                x0..x{n-1} (nan = missing), margin, phi0..phi{n-1}, bias

Held-out rows include NaNs, huge magnitudes (+-3e38), and values lying exactly on split thresholds (as float32).

Usage:
  gen_xgboost_fixtures.py OUT_DIR            # the parity fixtures (tests/models/data)
  gen_xgboost_fixtures.py --bench OUT_DIR    # the 300-tree depth-6 benchmark model only
Exit code 77 when xgboost cannot be imported (CTest treats it as "skipped").
"""
import json
import os
import sys

try:
    import numpy as np
    import xgboost as xgb
except ImportError as e:  # pragma: no cover
    print(f"SKIP: python3-xgboost/numpy not importable ({e})")
    sys.exit(77)


def make_data(rng, n_rows, n_features, missing_rate):
    x = rng.normal(size=(n_rows, n_features))
    # A few discrete-ish columns so thresholds repeat and ties on thresholds are common.
    for j in range(0, n_features, 3):
        x[:, j] = np.round(x[:, j] * 2.0) / 2.0
    logit = 1.5 * x[:, 0] - 2.0 * x[:, 1] * (x[:, 2] > 0) + np.sin(x[:, 3 % n_features]) + \
        0.5 * rng.normal(size=n_rows)
    if missing_rate > 0:
        mask = rng.random(size=x.shape) < missing_rate
        x[mask] = np.nan
    return x, logit


def split_thresholds(model_json):
    out = []
    trees = model_json["learner"]["gradient_booster"]["model"]["trees"]
    for t in trees:
        for i, left in enumerate(t["left_children"]):
            if left != -1:
                out.append((t["split_indices"][i], t["split_conditions"][i]))
    return out


def held_out_rows(rng, n_features, thresholds, n_rows):
    x = rng.normal(size=(n_rows, n_features)) * 1.5
    # Every third row: put features exactly on split thresholds (the float32 value).
    for r in range(0, n_rows, 3):
        for _ in range(3):
            f, thr = thresholds[rng.integers(len(thresholds))]
            x[r, f] = float(np.float32(thr))
    # Every fourth row, just below a threshold in float64 but equal in float32.
    for r in range(1, n_rows, 4):
        f, thr = thresholds[rng.integers(len(thresholds))]
        x[r, f] = float(np.float32(thr)) * (1.0 - 1e-12) if thr != 0 else -1e-300
    # Missing values and infinities.
    mask = rng.random(size=x.shape) < 0.12
    x[mask] = np.nan
    x[2, :] = np.nan  # an all-missing row
    x[5, 0] = 3.0e38  # XGBoost rejects inf in a DMatrix; huge finite values instead
    x[7, 1] = -3.0e38
    return x


def fmt(v):
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def train_one(out_dir, name, seed, depth, n_trees, objective, base_score, missing_rate,
              n_features=8, n_rows=600, extra=None, feature_names=None, held_out=60):
    rng = np.random.default_rng(seed)
    x, logit = make_data(rng, n_rows, n_features, missing_rate)
    if objective in ("binary:logistic", "binary:logitraw", "reg:logistic"):
        y = (logit + 0.3 * rng.normal(size=n_rows) > 0).astype(np.float64)
    else:
        y = logit * 3.0 + 2.0
    params = {
        "objective": objective, "max_depth": depth, "eta": 0.3, "seed": seed,
        "tree_method": "exact", "nthread": 1, "min_child_weight": 1.0,
    }
    if base_score is not None:
        params["base_score"] = base_score
    if extra:
        params.update(extra)
    dtrain = xgb.DMatrix(x, label=y, feature_names=feature_names)
    booster = xgb.train(params, dtrain, num_boost_round=n_trees)
    path = os.path.join(out_dir, name + ".json")
    booster.save_model(path)
    with open(path) as f:
        model_json = json.load(f)
    xt = held_out_rows(rng, n_features, split_thresholds(model_json), held_out)
    dtest = xgb.DMatrix(xt, feature_names=feature_names)
    margin = booster.predict(dtest, output_margin=True)
    contribs = booster.predict(dtest, pred_contribs=True)
    with open(os.path.join(out_dir, name + ".csv"), "w") as f:
        cols = [f"x{j}" for j in range(n_features)] + ["margin"] + \
               [f"phi{j}" for j in range(n_features)] + ["bias"]
        f.write(",".join(cols) + "\n")
        for r in range(xt.shape[0]):
            vals = [fmt(v) for v in xt[r]] + [fmt(margin[r])] + [fmt(v) for v in contribs[r]]
            f.write(",".join(vals) + "\n")
    return path


FIXTURES = [
    # name, seed, depth, trees, objective, base_score, missing, extra, names
    ("d2_logistic", 11, 2, 20, "binary:logistic", None, 0.0, None, False),
    ("d4_logistic_missing", 12, 4, 30, "binary:logistic", 0.3, 0.15, None, True),
    ("d6_logitraw", 13, 6, 25, "binary:logitraw", 0.2, 0.1, None, False),
    ("d8_squarederror", 14, 8, 8, "reg:squarederror", 1.5, 0.1,
     {"min_child_weight": 8.0}, False),
    ("d3_reglogistic_forest", 15, 3, 10, "reg:logistic", 0.7, 0.05,
     {"num_parallel_tree": 2, "subsample": 0.7, "colsample_bynode": 0.8}, False),
    ("d5_logistic_hist", 16, 5, 20, "binary:logistic", 0.5, 0.2,
     {"tree_method": "hist", "max_bin": 16}, False),
]


def main(argv):
    if len(argv) >= 3 and argv[1] == "--bench":
        out_dir = argv[2]
        os.makedirs(out_dir, exist_ok=True)
        train_one(out_dir, "tree_bench_model", 42, 6, 300, "binary:logistic", None, 0.05,
                  n_features=61, n_rows=5000, extra={"tree_method": "hist"}, held_out=30)
        return 0
    if len(argv) != 2:
        print(__doc__)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, seed, depth, trees, obj, base, miss, extra, named in FIXTURES:
        names = [f"feat_{j}" for j in range(8)] if named else None
        train_one(out_dir, name, seed, depth, trees, obj, base, miss, extra=extra,
                  feature_names=names)
    print(f"wrote {len(FIXTURES)} fixtures to {out_dir} with xgboost {xgb.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
