#!/usr/bin/env bash
# Installs the Debian 12 packages credence needs to build, test and benchmark.
# Idempotent: does nothing when everything is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  protobuf-compiler libprotobuf-dev
  libeigen3-dev libboost-program-options-dev
  # Header-only Boost.Math: the beta distribution of the Jeffreys calibration test.
  libboost-math-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libre2-dev libabsl-dev nlohmann-json3-dev
  # The screening state store (credence/state_store.h).
  librocksdb-dev
  # The allocator of the credence program and the benchmarks (CREDENCE_MALLOC).
  libjemalloc-dev
  # The JSON request reader (src/io/json_request.cc).
  libsimdjson-dev
  python3
  # Parity tests and the tree benchmark compare with XGBoost itself.
  python3-xgboost python3-numpy libxgboost-dev
  # The rules benchmark compares with Lua 5.4.
  liblua5.4-dev
  # The Python binding and its tests; distributed scoring on Dask.
  pybind11-dev python3-dev python3-pybind11 python3-pandas python3-dask python3-distributed
  # Test only: the `credence report` test renders the HTML in headless Chromium (it is
  # skipped when chromium is absent).
  chromium
)
# Extra packages from the environment (e.g. EXTRA_PACKAGES="clang python3-xgboost").
if [[ -n "${EXTRA_PACKAGES:-}" ]]; then
  read -r -a extra <<<"${EXTRA_PACKAGES}"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
