#!/usr/bin/env bash
# Installs credence into a temporary prefix and builds tests/consumer against it in two ways:
# CMake (find_package(credence CONFIG) -> credence::credence) and pkg-config (credence.pc).
# Every consumer scores the first example request; its output must equal `credence score`.
#   BUILD_DIR=build   reuse this configured build tree (default: build; built if needed)
#   CREDENCE_CLI=path the `credence` whose output is expected (default: the one of BUILD_DIR,
#                     built if needed); a library-only tree borrows another tree's CLI
#   KEEP=1            keep the temporary prefix and consumer build
# Works for a static (default) or shared (-DBUILD_SHARED_LIBS=ON) build tree; with a shared
# one it also checks that every consumer loads the installed libcredence.so.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
targets=(credence)
if [[ -z "${CREDENCE_CLI:-}" ]]; then targets+=(credence_cli); fi
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  TARGETS="${targets[*]}" bash scripts/build.sh
else
  cmake --build "$BUILD_DIR" -j "$JOBS" --target "${targets[@]}"
fi
cli=${CREDENCE_CLI:-$BUILD_DIR/tools/credence}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/credence-consumer.XXXXXX")
if [[ -z "${KEEP:-}" ]]; then trap 'rm -rf "$tmp"' EXIT; fi
prefix="$tmp/prefix"

# Installs the library, headers (with the generated credence/v1/*.pb.h), the .proto files,
# the CMake package and credence.pc (and the CLI and Python package, unused here).
cmake --install "$BUILD_DIR" --prefix "$prefix" >/dev/null
for f in include/credence/engine.h include/credence/c_api.h include/credence/v1/score.pb.h \
         share/credence/proto/credence/v1/score.proto; do
  [[ -f "$prefix/$f" ]] || { echo "test_consumer: $f was not installed" >&2; exit 1; }
done
ls "$prefix"/lib*/libcredence.* >/dev/null
shared=$(ls "$prefix"/lib*/libcredence.so 2>/dev/null || true)
cfg=$(ls "$prefix"/lib*/cmake/credence/credenceConfig.cmake)
pc=$(ls "$prefix"/lib*/pkgconfig/credence.pc)

bundle=models/starter
requests=examples/requests.jsonl
"$cli" score --bundle "$bundle" --in "$requests" --out "$tmp/expected.jsonl"
expected=$(head -n 1 "$tmp/expected.jsonl")

check() {  # name, output
  if [[ "$2" != "$expected" ]]; then
    echo "test_consumer: $1 printed something other than 'credence score':" >&2
    diff <(echo "$expected") <(echo "$2") | head -n 5 >&2
    exit 1
  fi
  echo "test_consumer: $1 ok"
}
loads_shared() {  # program: with a shared libcredence, it must load the installed one
  [[ -z "$shared" ]] && return
  local resolved
  resolved=$(ldd "$1" | awk '$1 ~ /^libcredence\.so/ { print $3 }')
  if [[ "$(realpath "$resolved" 2>/dev/null)" != "$(realpath "$shared")" ]]; then
    echo "test_consumer: $1 does not load $shared (ldd: ${resolved:-none})" >&2
    exit 1
  fi
}

# 1. CMake package.
cmake -S tests/consumer -B "$tmp/cmake-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/configure.log" || { cat "$tmp/configure.log" >&2; exit 1; }
grep -o "credence .* from .*" "$tmp/configure.log" || true
cmake --build "$tmp/cmake-build" -j "$JOBS" >/dev/null
for p in consumer c_consumer; do loads_shared "$tmp/cmake-build/$p"; done
check "find_package consumer (C++)" "$("$tmp/cmake-build/consumer" "$bundle" "$requests")"
check "find_package consumer (C)" "$("$tmp/cmake-build/c_consumer" "$bundle" "$requests")"

# 2. pkg-config, with no CMake involved.
export PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
[[ "$(pkg-config --modversion credence)" == "$(grep -o 'project(credence VERSION [0-9.]*' CMakeLists.txt | cut -d' ' -f3)" ]] ||
  { echo "test_consumer: credence.pc has the wrong version" >&2; exit 1; }
# With a shared libcredence the programs must find it at run time: an rpath to the prefix.
rpath="-Wl,-rpath,$(pkg-config --variable=libdir credence)"
# shellcheck disable=SC2046
c++ -std=c++20 -O1 -o "$tmp/pc_consumer" tests/consumer/consumer.cc $(pkg-config --cflags --libs credence) "$rpath"
loads_shared "$tmp/pc_consumer"
check "pkg-config consumer (C++)" "$("$tmp/pc_consumer" "$bundle" "$requests")"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -c -o "$tmp/c_consumer.o" tests/consumer/c_consumer.c \
  $(pkg-config --cflags credence)
# shellcheck disable=SC2046
cc -o "$tmp/pc_c_consumer" "$tmp/c_consumer.o" $(pkg-config --libs credence) "$rpath"
loads_shared "$tmp/pc_c_consumer"
check "pkg-config consumer (C)" "$("$tmp/pc_c_consumer" "$bundle" "$requests")"
echo "test_consumer: installed ${shared:+shared }package works (prefix $prefix)"
