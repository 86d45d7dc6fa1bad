#!/usr/bin/env bash
# Regenerates the training data and models of the cross-border bundle (models/cross-border/).
#
#   1. simulate a development cohort (N enterprises, seed 1, as_of 2026-10-01) and an
#      out-of-time cohort (seed 2, as_of 2027-04-01) with `credence simulate`;
#   2. compute the bundle's features of both with `credence features --labels` -> CSVs;
#   3. fit the credit scorecard with `credence fit --scorecard` (the bundle's risk directions,
#      a neutral baseline, the reference distributions and governance stored with it) and
#      measure it (`credence predict`, `credence metrics`: development and out-of-time AUC /
#      KS, PSI between cohorts);
#   4. train the gradient-boosted challenger (models/cross-border/train_challenger.py, Debian's
#      python3-xgboost) and regenerate the bundle so it references the challenger;
#   5. validate the bundle;
#   6. score the out-of-time cohort with the bundle and run `credence monitor` on it against
#      the reference stored at fit time (calibration by grade, drift, reasons, limits) — the
#      figures of MODEL_CARD.md (models/cross-border/card_figures.py prints them).
#
# Everything lands under $OUT (default build/cross-border); only the model files under
# models/cross-border/ change. Deterministic for given N and seeds.
#
#   BUILD_DIR=build N=20000 bash scripts/build_cross_border.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
OUT=${OUT:-$BUILD_DIR/cross-border}
N=${N:-20000}
CLI=${CLI:-$BUILD_DIR/tools/credence}
PY=${PY:-/usr/bin/python3}
BUNDLE=models/cross-border
[[ -x "$CLI" ]] || { echo "build the CLI first: TARGETS=credence_cli bash scripts/build.sh" >&2; exit 2; }
mkdir -p "$OUT"

echo "== 1. simulate: development cohort (seed 1) and out-of-time cohort (seed 2), $N each"
"$CLI" simulate --enterprises "$N" --seed 1 --as-of 2026-10-01T00:00:00Z --format pb \
  --out "$OUT/dev.pb" --labels "$OUT/dev_labels.csv"
"$CLI" simulate --enterprises "$N" --seed 2 --as-of 2027-04-01T00:00:00Z --format pb \
  --out "$OUT/oot.pb" --labels "$OUT/oot_labels.csv"

echo "== 2. features"
"$CLI" features --bundle "$BUNDLE" --format pb --in "$OUT/dev.pb" --labels "$OUT/dev_labels.csv" \
  --out "$OUT/dev_features.csv"
"$CLI" features --bundle "$BUNDLE" --format pb --in "$OUT/oot.pb" --labels "$OUT/oot_labels.csv" \
  --out "$OUT/oot_features.csv"

echo "== 3. scorecard: credence fit --scorecard on the development cohort"
# Label columns other than `bad` and the ids are not features.
"$CLI" fit --scorecard --in "$OUT/dev_features.csv" --label bad \
  --exclude request_id,enterprise_id,default_12m,violation_12m \
  --monotonic --model-id cb_scorecard --base-score 600 --base-odds 50 --pdo 20 \
  --bundle "$BUNDLE" --baseline neutral \
  --owner "credence maintainers" --sample-period 2024-10-01/2026-10-01 \
  --intended-use "Demonstration and integration testing of the cross-border bundle on simulated enterprises" \
  --out "$BUNDLE/scorecard.textproto" --report "$OUT/scorecard_report.json"
# Scores of both cohorts by the fitted card (predict reads the CSV columns by name), then
# development / out-of-time AUC, KS, Gini and the PSI between the cohorts.
for cohort in dev oot; do
  "$CLI" predict --model "$BUNDLE/scorecard.textproto" --in "$OUT/${cohort}_features.csv" \
    --out "$OUT/${cohort}_pd.csv"
  "$PY" - "$OUT/${cohort}_features.csv" "$OUT/${cohort}_pd.csv" "$OUT/${cohort}_scored.csv" <<'PY'
import csv, sys
feats, preds, out = sys.argv[1:]
with open(feats, newline="") as f, open(preds, newline="") as p, open(out, "w", newline="") as o:
    fr, pr = csv.DictReader(f), csv.reader(p)
    next(pr)
    w = csv.writer(o)
    w.writerow(["request_id", "pd", "bad"])
    for row, pred in zip(fr, pr):
        w.writerow([row["request_id"], pred[0], row["bad"]])
PY
done
"$CLI" metrics --in "$OUT/dev_scored.csv" --score pd --label bad | tee "$OUT/scorecard_dev_metrics.json"
"$CLI" metrics --in "$OUT/oot_scored.csv" --score pd --label bad --expected "$OUT/dev_scored.csv" \
  | tee "$OUT/scorecard_oot_metrics.json"

echo "== 4. challenger (XGBoost)"
"$PY" "$BUNDLE/train_challenger.py" --train "$OUT/dev_features.csv" \
  --oot "$OUT/oot_features.csv" --report "$OUT/challenger_report.json"
python3 "$BUNDLE/make_bundle.py"

echo "== 5. validate"
"$CLI" validate "$BUNDLE"

echo "== 6. monitor: the out-of-time cohort scored by the bundle"
"$CLI" score --bundle "$BUNDLE" --in "$OUT/oot.pb" --format pb --out-format jsonl \
  --include-features --out "$OUT/oot_scored.jsonl"
"$CLI" monitor --bundle "$BUNDLE" --in "$OUT/oot_scored.jsonl" --labels "$OUT/oot_labels.csv" \
  --json --out "$OUT/oot_monitor.json" || true
"$CLI" monitor --bundle "$BUNDLE" --in "$OUT/oot_scored.jsonl" --labels "$OUT/oot_labels.csv" \
  --out "$OUT/oot_monitor.html" || true
"$PY" "$BUNDLE/card_figures.py" "$OUT/oot_scored.jsonl" "$OUT/oot_monitor.json" \
  | tee "$OUT/card_figures.md"
echo "outputs in $OUT"
