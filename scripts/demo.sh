#!/usr/bin/env bash
# The README's first command: installs what it needs, builds the CLI, simulates a population
# of cross-border e-commerce enterprises and scores it with the default bundle
# (models/cross-border), printing the first requests in full, the decision and grade
# distributions, the top reasons and rule hits, and the throughput; then writes an HTML report.
#
#   N=5000 SEED=7 THREADS=2 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
TARGETS=credence_cli bash scripts/build.sh >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
CLI="$BUILD_DIR/tools/credence"
N=${N:-2000}
SEED=${SEED:-42}
OUT="$BUILD_DIR/demo"
mkdir -p "$OUT"
echo "== simulating $N enterprises (seed $SEED, as of 2026-10-01)" >&2
"$CLI" simulate --enterprises "$N" --seed "$SEED" --as-of 2026-10-01T00:00:00Z --format pb \
  --out "$OUT/population.pb" --labels "$OUT/labels.csv"
echo "== scoring with models/cross-border" >&2
"$CLI" score --bundle models/cross-border --in "$OUT/population.pb" --summary --summary-rows 4 \
  ${THREADS:+--threads "$THREADS"}
"$CLI" report --bundle models/cross-border --in "$OUT/population.pb" --labels "$OUT/labels.csv" \
  --out "$OUT/report.html"
echo "HTML report (grades, reasons, ROC/KS against the simulated labels): $OUT/report.html"
