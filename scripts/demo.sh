#!/usr/bin/env bash
# The README's first command: installs what it needs, builds the CLI, and scores the example
# requests with the starter bundle, printing a readable summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
TARGETS=credence_cli bash scripts/build.sh >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
exec "$BUILD_DIR/tools/credence" score --bundle models/starter --in examples/requests.jsonl --summary "$@"
