#!/usr/bin/env bash
# Simulates and scores the populations of the credit tests (tests/credit, CTest fixture
# credit_population), once per run:
#   pop      2,000 enterprises, seed 11, as of 2026-10-01 (the development cohort's date)
#   shifted  2,000 enterprises, seed 12, --risk-shift 2 (outcome odds doubled)
#   second   2,000 enterprises, seed 13, unshifted
# each as binary requests (.pb), labels (_labels.csv) and `credence score --include-features`
# responses (.jsonl).
#
#   make_population.sh CLI BUNDLE OUT
set -euo pipefail
CLI=$1 BUNDLE=$2 OUT=$3
mkdir -p "$OUT"
run() {  # name seed [simulate options]
  local name=$1 seed=$2
  shift 2
  "$CLI" simulate --enterprises 2000 --seed "$seed" --as-of 2026-10-01T00:00:00Z --format pb \
    --threads 2 "$@" --out "$OUT/$name.pb" --labels "$OUT/${name}_labels.csv"
  "$CLI" score --bundle "$BUNDLE" --in "$OUT/$name.pb" --out-format jsonl --include-features \
    --threads 2 --out "$OUT/$name.jsonl"
}
run pop 11
run shifted 12 --risk-shift 2
run second 13
