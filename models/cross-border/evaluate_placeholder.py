#!/usr/bin/python3
"""Measures the placeholder credit model (cb_pd_placeholder) on features CSVs.

Recomputes the model's PD from the features CSV with the coefficients of make_bundle.py
(impute, then cap, then coefficient x value, as docs/models.md defines a logistic term) and
reports AUC, KS and bad rate per cohort and the PSI of the PD between the first cohort and
each other one (metric definitions in train_challenger.py).

  /usr/bin/python3 models/cross-border/evaluate_placeholder.py dev_features.csv oot_features.csv
"""
import csv
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bundle  # noqa: E402  (the model's coefficients)
from train_challenger import auc, ks, psi  # noqa: E402


def pd_of(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        col = {c: i for i, c in enumerate(header)}
        pds, ys = [], []
        for row in r:
            m = make_bundle.LOGISTIC_INTERCEPT
            for feat, coef, _ref, imp, lo, hi in make_bundle.LOGISTIC:
                cell = row[col[feat]]
                x = float(cell) if cell != "" else (imp if imp is not None else math.nan)
                if lo is not None:
                    x = max(x, lo)
                if hi is not None:
                    x = min(x, hi)
                m += coef * x
            pds.append(1.0 / (1.0 + math.exp(-m)))
            ys.append(int(row[col["bad"]]))
    return np.array(pds), np.array(ys)


def main():
    cohorts = [(p, *pd_of(p)) for p in sys.argv[1:]]
    out = {}
    for name, p, y in cohorts:
        out[os.path.basename(name)] = {"rows": len(y), "bad_rate": float(y.mean()), "mean_pd": float(p.mean()),
                                       "auc": auc(p, y), "ks": ks(p, y)}
        if name != cohorts[0][0]:
            out[os.path.basename(name)]["psi_pd_vs_first"] = psi(cohorts[0][1], p)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
