#!/usr/bin/python3
"""Trains the gradient-boosted challenger of the cross-border bundle.

Uses Debian's python3-xgboost (1.7.x) and python3-numpy only. Reads the features CSV written
by `credence features --labels` (columns request_id, enterprise_id, <bundle features...>,
default_12m, violation_12m, bad; empty cell = missing), splits it into train and holdout by a
hash of the request id (deterministic, 70/30), trains binary:logistic trees on every bundle
feature, and writes

  models/cross-border/challenger_xgb.json       the booster (XGBoost JSON)
  models/cross-border/challenger_features.json  its input columns = bundle feature names
  <--report FILE>                               holdout (and out-of-time) AUC, KS, bad rates,
                                                PSI of the score between holdout and out-of-time

The bundle (make_bundle.py) adds the model as `cb_challenger_xgb` when the two files exist.

  /usr/bin/python3 models/cross-border/train_challenger.py \
      --train build/cross-border/dev_features.csv \
      [--oot build/cross-border/oot_features.csv] [--report build/cross-border/challenger.json]
"""
import argparse
import csv
import hashlib
import json
import os
import sys

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = ("default_12m", "violation_12m", "bad")


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    feats = [c for c in header[2:] if c not in LABELS]
    fi = [header.index(c) for c in feats]
    if "bad" not in header:
        sys.exit(f"{path}: no 'bad' column (run credence features with --labels)")
    yi = header.index("bad")
    x = np.array([[float(r[i]) if r[i] != "" else np.nan for i in fi] for r in body], dtype=np.float64)
    y = np.array([int(r[yi]) for r in body], dtype=np.int32)
    ids = [r[0] for r in body]
    return feats, x, y, ids


def auc(score, y):
    """AUC with ties counting one half (rank formula, average ranks for ties)."""
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2.0 + 1
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    n1 = int(y.sum())
    n0 = len(y) - n1
    return float((r[y == 1].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def ks(score, y):
    """Maximum distance between the score CDFs of bads and goods over all thresholds."""
    order = np.argsort(score, kind="mergesort")
    s, t = score[order], y[order]
    cb = np.cumsum(t) / max(1, t.sum())
    cg = np.cumsum(1 - t) / max(1, (1 - t).sum())
    last = np.r_[s[1:] != s[:-1], True]  # evaluate only after the last of tied scores
    return float(np.max(np.abs(cb - cg)[last]))


def psi(expected, actual, bins=10):
    """PSI over `bins` equal-frequency bins of the expected sample: inner edges are its
    quantiles k/bins by linear interpolation between order statistics (R type 7); a value on
    an edge goes to the upper bin; a zero share is replaced by 0.0001."""
    e = np.sort(np.asarray(expected, dtype=np.float64))
    edges = []
    for k in range(1, bins):
        h = (len(e) - 1) * k / bins
        lo = int(np.floor(h))
        edges.append(e[lo] + (h - lo) * (e[min(lo + 1, len(e) - 1)] - e[lo]))
    edges = np.array(edges)
    pe = np.bincount(np.searchsorted(edges, e, side="right"), minlength=bins) / len(e)
    pa = np.bincount(np.searchsorted(edges, actual, side="right"), minlength=bins) / len(actual)
    pe = np.where(pe == 0, 1e-4, pe)
    pa = np.where(pa == 0, 1e-4, pa)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--oot", help="an out-of-time cohort's features CSV, evaluated only")
    ap.add_argument("--report", help="write the metrics as JSON here")
    ap.add_argument("--out-dir", default=HERE)
    ap.add_argument("--rounds", type=int, default=300)
    a = ap.parse_args()

    feats, x, y, ids = read(a.train)
    hold = np.array([int(hashlib.sha256(i.encode()).hexdigest()[:8], 16) % 10 < 3 for i in ids])
    dtrain = xgb.DMatrix(x[~hold], label=y[~hold], feature_names=feats, missing=np.nan)
    dhold = xgb.DMatrix(x[hold], label=y[hold], feature_names=feats, missing=np.nan)
    params = {
        "objective": "binary:logistic",
        "eval_metric": "auc",
        "tree_method": "hist",
        "max_depth": 4,
        "eta": 0.05,
        "subsample": 0.8,
        "colsample_bytree": 0.8,
        "min_child_weight": 5,
        "lambda": 1.0,
        "seed": 1,
        "nthread": 2,
    }
    booster = xgb.train(params, dtrain, num_boost_round=a.rounds, evals=[(dhold, "holdout")],
                        early_stopping_rounds=30, verbose_eval=False)
    best = booster.best_iteration + 1
    booster = xgb.train(params, dtrain, num_boost_round=best)  # exactly `best` trees in the file
    p_hold = booster.predict(dhold)
    report = {
        "train_rows": int((~hold).sum()), "holdout_rows": int(hold.sum()),
        "train_bad_rate": float(y[~hold].mean()), "holdout_bad_rate": float(y[hold].mean()),
        "trees": best, "params": params,
        "holdout_auc": auc(p_hold, y[hold]), "holdout_ks": ks(p_hold, y[hold]),
    }
    if a.oot:
        ofeats, ox, oy, _ = read(a.oot)
        if ofeats != feats:
            sys.exit("out-of-time CSV has different feature columns")
        p_oot = booster.predict(xgb.DMatrix(ox, feature_names=feats, missing=np.nan))
        report.update({"oot_rows": len(oy), "oot_bad_rate": float(oy.mean()),
                       "oot_auc": auc(p_oot, oy), "oot_ks": ks(p_oot, oy),
                       "psi_score_holdout_vs_oot": psi(p_hold, p_oot)})
    gain = booster.get_score(importance_type="total_gain")
    report["top_features_by_gain"] = sorted(gain, key=lambda k: -gain[k])[:15]
    booster.save_model(os.path.join(a.out_dir, "challenger_xgb.json"))
    with open(os.path.join(a.out_dir, "challenger_features.json"), "w") as f:
        json.dump(feats, f, indent=1)
    text = json.dumps(report, indent=1)
    print(text)
    if a.report:
        with open(a.report, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
