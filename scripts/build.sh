#!/usr/bin/env bash
# Configures and builds credence into $BUILD_DIR (default: build/).
#   CREDENCE_SANITIZE=address,undefined   build with sanitizers
#   BUILD_TYPE=Release                     CMake build type (default RelWithDebInfo)
#   TARGETS="credence_cli"                 build only these targets
#   CMAKE_ARGS="-DBUILD_SHARED_LIBS=ON"    more cache settings (split on white space)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
launcher=()
# ccache, when a developer has it, makes rebuilds across worktrees cheap; CI does without.
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -G Ninja "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DCREDENCE_SANITIZE="${CREDENCE_SANITIZE:-}" ${CMAKE_ARGS:-} >/dev/null
if [[ -n "${TARGETS:-}" ]]; then
  # shellcheck disable=SC2086
  cmake --build "$BUILD_DIR" -j "$JOBS" --target ${TARGETS}
else
  cmake --build "$BUILD_DIR" -j "$JOBS"
fi
