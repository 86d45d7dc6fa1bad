#!/bin/sh
# Regenerates the XGBoost parity fixtures with the installed XGBoost (python3-xgboost) into
# a scratch directory and runs the parity tests against them, so parity is checked against
# the XGBoost on this machine, not only against the committed files.
# Usage: run_fresh_fixtures.sh PYTHON GENERATOR OUT_DIR TEST_BINARY
# Exit 77 (CTest: skipped) when xgboost cannot be imported.
set -u
python=$1 generator=$2 out=$3 binary=$4
if ! "$python" -c "import xgboost, numpy" >/dev/null 2>&1; then
  echo "SKIP: python3-xgboost / python3-numpy not importable by $python"
  exit 77
fi
rm -rf "$out" && mkdir -p "$out" || exit 1
"$python" "$generator" "$out" || exit $?
"$python" "$generator" --bench "$out" || exit $?
CREDENCE_XGB_FIXTURE_DIR="$out" exec "$binary" \
  --gtest_filter='Fixtures/XgboostParityTest.*:XgboostImportTest.*:XgboostParityLargeTest.*'
