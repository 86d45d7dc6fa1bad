#!/usr/bin/env bash
# Regenerates the training data and models of the cross-border bundle (models/cross-border/).
#
#   1. simulate a development cohort (N enterprises, seed 1, as_of 2026-10-01) and an
#      out-of-time cohort (seed 2, as_of 2027-04-01) with `credence simulate`;
#   2. compute the bundle's features of both with `credence features --labels` -> CSVs;
#   3. [integrator] fit the scorecard with `credence fit --scorecard` (see the marked step);
#   4. train the gradient-boosted challenger (models/cross-border/train_challenger.py, Debian's
#      python3-xgboost) and regenerate the bundle so it references the challenger;
#   5. validate the bundle.
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

echo "== 3. scorecard"
# >>> INTEGRATOR: fit the credit scorecard here. make_bundle.py (step 4) embeds
# models/cross-border/scorecard.textproto, when it exists, as the credit model (credit.model
# becomes its id; the placeholder stays for comparison). Tried with the fit branch's CLI on
# 4,000 development rows: it fits, and the bundle validates and scores with an engine that
# implements scorecards. The label columns other than `bad` must be excluded:
#   "$CLI" fit --scorecard --in "$OUT/dev_features.csv" --label bad \
#       --exclude request_id,enterprise_id,default_12m,violation_12m \
#       --out "$BUNDLE/scorecard.textproto" --report "$OUT/scorecard_report.json"
#   "$CLI" metrics ...   # holdout / out-of-time AUC, KS; PSI dev -> oot (MODEL_CARD.md)
# Then update MODEL_CARD.md with the scorecard's numbers.
# <<< INTEGRATOR
echo "   (not yet: the credit model is the placeholder logistic model; see MODEL_CARD.md)"

echo "== 4. challenger (XGBoost)"
"$PY" "$BUNDLE/train_challenger.py" --train "$OUT/dev_features.csv" \
  --oot "$OUT/oot_features.csv" --report "$OUT/challenger_report.json"
python3 "$BUNDLE/make_bundle.py"

echo "== 5. validate"
"$CLI" validate "$BUNDLE"
echo "outputs in $OUT"
