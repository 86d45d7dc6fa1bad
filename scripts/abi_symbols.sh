#!/usr/bin/env bash
# The exported symbols of the shared libcredence, against tests/abi/exported_symbols.txt.
#   scripts/abi_symbols.sh check LIB [ARCHIVE]
#       fails when the dynamic symbols LIB defines in namespace credence (the generated
#       credence::v1 protobuf classes aside) or with the C API's credence_ prefix differ from
#       the list; with ARCHIVE (a static build of the same code), also when ARCHIVE defines a
#       function or variable of the top-level namespace credence (the public API; modules use
#       credence::<module>) that LIB does not export: a CREDENCE_EXPORT is missing.
#   scripts/abi_symbols.sh update [LIB]
#       rewrites the list from LIB (default: builds and reads the ABI probe of BUILD_DIR,
#       default build/). Run it after a deliberate change of the public API and review the diff.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
list="$root/tests/abi/exported_symbols.txt"

# "<nm type> <demangled name>" per exported symbol of the list's scope, sorted.
exported() {
  nm -DC --defined-only "$1" | sed -E 's/^[0-9a-f]+ //' |
    awk '{ t = $1; $1 = ""; n = substr($0, 2); s = n;
           sub(/^(typeinfo name for|typeinfo for|vtable for|VTT for|guard variable for) /, "", s);
           if ((s ~ /^credence::/ && s !~ /^credence::v1::/) || s ~ /^credence_[a-z_0-9]+$/)
             print t " " n }' |
    LC_ALL=C sort -u
}

# Strong definitions in the top-level namespace credence of a static archive (module
# namespaces, internal and *_internal namespaces and pimpl Impl members are private by construction).
public_definitions() {
  local modules
  modules=$(cd "$root/src" && ls -d -- */ | tr -d / | paste -sd '|')
  nm -C --defined-only "$1" 2>/dev/null | grep -E '^[0-9a-f]+ [TDBR] credence::' |
    sed -E 's/^[0-9a-f]+ [TDBR] //' | grep -vE "^credence::(v1|${modules}|internal|[a-z_]+_internal)::" |
    grep -vE "::Impl::" | LC_ALL=C sort -u
}

case "${1:-}" in
  check)
    lib=${2:?usage: abi_symbols.sh check LIB [ARCHIVE]}
    status=0
    if ! diff -u <(grep -v '^#' "$list") <(exported "$lib") >"${TMPDIR:-/tmp}/abi.$$.diff"; then
      echo "abi: the symbols $lib exports differ from tests/abi/exported_symbols.txt" >&2
      echo "abi: (- listed, + exported; after a deliberate API change run" \
           "scripts/abi_symbols.sh update and review the diff)" >&2
      tail -n +3 "${TMPDIR:-/tmp}/abi.$$.diff" >&2
      status=1
    fi
    rm -f "${TMPDIR:-/tmp}/abi.$$.diff"
    if [[ -n "${3:-}" ]]; then
      missing=$(LC_ALL=C comm -23 <(public_definitions "$3") \
                  <(exported "$lib" | cut -d' ' -f2- | LC_ALL=C sort -u))
      if [[ -n "$missing" ]]; then
        echo "abi: defined in namespace credence but not exported (mark them CREDENCE_EXPORT):" >&2
        echo "$missing" >&2
        status=1
      fi
    fi
    if ((status == 0)); then echo "abi: $(grep -vc '^#' "$list") exported symbols as listed"; fi
    exit $status
    ;;
  update)
    lib=${2:-}
    if [[ -z "$lib" ]]; then
      build=${BUILD_DIR:-build}
      [[ -f "$build/CMakeCache.txt" ]] || TARGETS=credence_abi_probe bash "$root/scripts/build.sh"
      cmake --build "$build" --target credence_abi_probe
      lib="$build/libcredence_abi_probe.so"
    fi
    {
      echo "# The symbols the shared libcredence exports: the C API (credence_*) and the C++ API"
      echo "# (namespace credence, without the generated protobuf classes credence::v1::*),"
      echo "# as \`nm -DC --defined-only\` prints them. Checked by the CTest abi_exported_symbols;"
      echo "# regenerate with scripts/abi_symbols.sh update after a deliberate API change."
      exported "$lib"
    } >"$list"
    echo "abi: wrote $(grep -vc '^#' "$list") symbols to tests/abi/exported_symbols.txt"
    ;;
  *)
    echo "usage: abi_symbols.sh check LIB [ARCHIVE] | update [LIB]" >&2
    exit 2
    ;;
esac
