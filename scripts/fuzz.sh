#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + ASan/UBSan and runs each for FUZZ_SECONDS
# (default 60) from its seed corpus. CI runs it briefly; for a longer campaign:
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh
# New inputs found go to build-fuzz/corpus/<target>/ (the seed corpora are not modified).
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRA_PACKAGES="clang libclang-rt-14-dev" bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCREDENCE_BUILD_FUZZERS=ON -DCREDENCE_SANITIZE=address,undefined \
  -DCREDENCE_BUILD_TESTS=OFF -DCREDENCE_BUILD_BENCHMARKS=OFF -DCREDENCE_BUILD_TOOLS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target expr_fuzzer model_loader_fuzzer
for target in expr model_loader; do
  work="$BUILD_DIR/corpus/$target"
  mkdir -p "$work"
  echo "fuzz: $target for ${SECONDS_EACH}s"
  "$BUILD_DIR/fuzz/${target}_fuzzer" -max_total_time="$SECONDS_EACH" -max_len=65536 \
    -print_final_stats=1 "$work" "fuzz/corpus/$target" 2>&1 | tail -n 12
done
