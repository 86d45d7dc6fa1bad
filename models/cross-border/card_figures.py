#!/usr/bin/env python3
"""Prints the MODEL_CARD.md tables of a scored population (step 6 of
scripts/build_cross_border.sh):

  card_figures.py SCORED.jsonl MONITOR.json

SCORED.jsonl: `credence score --include-features` responses (JSON Lines); MONITOR.json:
`credence monitor --json` of the same file. Prints Markdown: decisions, the distribution of
first reasons of adverse decisions, reasons in any position, calibration by grade with the
Jeffreys test, and limits against trailing-12-month completed sales.
"""
import collections
import json
import sys


def pct(x):
    return f"{100 * x:.1f}%"


def quantile(sorted_values, q):
    """R type 7, as docs/fit.md."""
    if not sorted_values:
        return float("nan")
    h = (len(sorted_values) - 1) * q
    lo = int(h)
    if lo + 1 >= len(sorted_values):
        return sorted_values[-1]
    return sorted_values[lo] + (h - lo) * (sorted_values[lo + 1] - sorted_values[lo])


def main():
    scored, monitor = sys.argv[1], sys.argv[2]
    outcomes = collections.Counter()
    first, anywhere, texts = collections.Counter(), collections.Counter(), {}
    adverse = 0
    ratios, over_sales, over_3x, approved = [], 0, 0, 0
    with open(scored) as fh:
        for line in fh:
            r = json.loads(line)
            if "error" in r:
                continue
            d = r.get("decision", {})
            outcome = d.get("outcome", "OUTCOME_UNSPECIFIED").replace("OUTCOME_", "")
            outcomes[outcome] += 1
            reasons = r.get("reasons", [])
            if outcome in ("REVIEW", "REJECT") and reasons:
                adverse += 1
                first[reasons[0]["code"]] += 1
                for x in reasons:
                    anywhere[x["code"]] += 1
                    texts[x["code"]] = x.get("text", "")
            if outcome == "APPROVE":
                approved += 1
                feats = {f["name"]: f.get("value", 0) for f in r.get("features", [])}
                sales = float(feats.get("order_value_365d_cny", 0))
                limit = int(d.get("limit", {}).get("minorUnits", d.get("limit", {}).get("minor_units", 0))) / 100
                if sales > 0:
                    ratios.append(limit / sales)
                over_sales += limit > sales
                over_3x += limit > 3 * sales
    total = sum(outcomes.values())
    print(f"Decisions ({total} enterprises): " + ", ".join(
        f"{k.lower()} {v} ({pct(v / total)})" for k, v in outcomes.most_common()))
    print()
    print(f"First reason of the {adverse} decisions to review or reject with a model reason:")
    print()
    print("| code | reason | first reason of | share | among the top 4 of |")
    print("| --- | --- | --- | --- | --- |")
    for code, n in first.most_common():
        print(f"| {code} | {texts.get(code, '')} | {n} | {pct(n / adverse)} | {anywhere[code]} |")
    print()
    with open(monitor) as fh:
        m = json.load(fh)
    print("Calibration by grade (Jeffreys test, level "
          f"{m['portfolio']['level']:.4g} per test, family-wise {m['levels']['alpha']}):")
    print()
    print("| grade | enterprises | bads | observed | mean PD | Jeffreys interval | p-value | flag |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for g in m["grades"] + [m["portfolio"]]:
        j = g.get("jeffreys")
        if not j:
            print(f"| {g['grade']} | {g['count']} | – | – | – | – | – | |")
            continue
        print(f"| {g['grade']} | {g['labelled']} | {g['bads']} | {pct(g['observed_bad_rate'])} | "
              f"{pct(g['mean_pd'])} | [{pct(j['lower'])}, {pct(j['upper'])}] | "
              f"{j['p_value']:.3g} | {j['flag']} |")
    print()
    drift = m["drift"]
    print(f"Score PSI against the development sample: {drift.get('score_psi', float('nan')):.4f}; "
          f"largest characteristic CSI: "
          + ", ".join(f"{c['name']} {c['csi']:.4f}" for c in sorted(
              drift["characteristics"], key=lambda c: -c["csi"])[:3]))
    print(f"Flags: {m['flags'] or 'none'}")
    print()
    ratios.sort()
    print(f"Limits of the {approved} approvals against 12-month completed sales: median "
          f"{quantile(ratios, 0.5):.3f}×, 90th percentile {quantile(ratios, 0.9):.3f}×, maximum "
          f"{ratios[-1] if ratios else float('nan'):.3f}×; above the sales: {over_sales}; above "
          f"3× the sales: {over_3x}.")


if __name__ == "__main__":
    main()
