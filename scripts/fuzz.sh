#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, one per parser and loader) with clang + ASan/UBSan
# and runs each for FUZZ_SECONDS (default 30) from its seed corpus in fuzz/corpus/<target>/.
# CI runs it briefly (10 targets x 30 s); for a longer campaign of some targets:
#   FUZZ_SECONDS=1800 FUZZ_TARGETS="bundle_json csv" bash scripts/fuzz.sh
# New inputs found go to build-fuzz/corpus/<target>/ (the seed corpora are not modified); a
# crash leaves crash-<sha1> in build-fuzz/artifacts/ and fails the script. docs/fuzzing.md
# says how to reproduce and file a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRA_PACKAGES="clang libclang-rt-14-dev" bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-30}
ALL_TARGETS="expr model_loader request_json request_binary bundle_text bundle_json bundle_binary
             csv record_stream request_reader"
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCREDENCE_BUILD_FUZZERS=ON -DCREDENCE_SANITIZE=address,undefined \
  -DCREDENCE_BUILD_TESTS=OFF -DCREDENCE_BUILD_BENCHMARKS=OFF -DCREDENCE_BUILD_TOOLS=OFF \
  -DCREDENCE_BUILD_PYTHON=OFF >/dev/null
targets=()
for t in $TARGETS; do targets+=("${t}_fuzzer"); done
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target "${targets[@]}"
mkdir -p "$BUILD_DIR/artifacts"
status=0
for target in $TARGETS; do
  work="$BUILD_DIR/corpus/$target"
  mkdir -p "$work"
  max_len=65536
  [[ $target == expr ]] && max_len=4096
  [[ $target == bundle_* ]] && max_len=262144  # the cross-border bundle seed is 150 KB
  echo "fuzz: $target for ${SECONDS_EACH}s"
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: 2 GB is a memory bug.
  if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$BUILD_DIR/fuzz/${target}_fuzzer" -max_total_time="$SECONDS_EACH" -max_len="$max_len" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$BUILD_DIR/artifacts/${target}-" "$work" "fuzz/corpus/$target" \
      >"$BUILD_DIR/$target.log" 2>&1; then
    status=1
    echo "fuzz: $target FAILED (see $BUILD_DIR/$target.log and $BUILD_DIR/artifacts/)"
  fi
  grep -E "^stat::|Done [0-9]+ runs|cov: [0-9]+ ft:" "$BUILD_DIR/$target.log" | tail -n 8
done
exit "$status"
