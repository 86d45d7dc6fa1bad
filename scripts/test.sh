#!/usr/bin/env bash
# The README's second command: installs what it needs, builds everything and runs the whole
# test suite with CTest. CREDENCE_SANITIZE and BUILD_DIR as in scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
cd "$BUILD_DIR"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 600
