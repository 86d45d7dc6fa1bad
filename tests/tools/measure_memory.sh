#!/usr/bin/env bash
# Peak resident memory of `credence score` as the input grows (docs/cli.md records the
# numbers). Requests are generated on the fly and piped in, so nothing large touches disk.
#   bash tests/tools/measure_memory.sh [build/tools/credence] [sizes...] 
set -euo pipefail
cd "$(dirname "$0")/../.."
cli=${1:-build/tools/credence}
shift || true
sizes=("${@:-20000 100000 200000}")
for n in ${sizes[@]}; do
  python3 tests/tools/gen_requests.py "$n" 40 | \
    /usr/bin/time -v "$cli" score --threads 2 --bundle models/starter > /dev/null 2> /tmp/credence_mem_$n.txt
  printf '%8d requests: %s KiB peak RSS, %s\n' "$n" \
    "$(awk -F': ' '/Maximum resident/ {print $2}' /tmp/credence_mem_$n.txt)" \
    "$(awk -F'): ' '/Elapsed/ {print $2}' /tmp/credence_mem_$n.txt)"
done
