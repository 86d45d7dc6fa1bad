// `credence cel-conformance FILE.jsonl...`: runs CEL conformance cases (see
// src/conformance/conformance.h) and reports the pass rate. The lead wires this into the CLI.
#include <cstdio>
#include <string>

#include "commands.h"
#include "conformance/conformance.h"

// argv[0] is "cel-conformance", then one or more JSON Lines files. Prints every failed case
// with its name and reason, a pass rate per file, and a last line "N passed, M failed".
// Returns 0 when every file could be read and run (the pass rate is reported, not enforced),
// 2 on a usage error, 1 when a file cannot be read.
int RunCelConformanceCommand(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--help") {
    std::printf(
        "usage: credence cel-conformance FILE.jsonl...\n\n"
        "Runs CEL conformance cases (one JSON object per line, see\n"
        "src/conformance/conformance.h), prints every failed case and a pass rate per file.\n"
        "Exit status 0 when every file was run (the pass rate is reported, not enforced),\n"
        "1 when a file cannot be read.\n");
    return 0;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: credence cel-conformance FILE.jsonl...\n");
    return 2;
  }
  int passed = 0, failed = 0, status = 0;
  for (int i = 1; i < argc; ++i) {
    auto result = credence::conformance::RunConformanceFile(argv[i]);
    if (!result.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i], result.status().ToString().c_str());
      status = 1;
      continue;
    }
    for (const auto& c : result->cases) {
      if (c.passed) continue;
      std::printf("FAIL %s: %s\n    expr: %s\n", c.name.c_str(), c.message.c_str(), c.expr.c_str());
    }
    int total = result->passed + result->failed;
    std::printf("%s: %d/%d passed (%.1f%%)\n", argv[i], result->passed, total,
                total == 0 ? 100.0 : 100.0 * result->passed / total);
    passed += result->passed;
    failed += result->failed;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return status;
}
