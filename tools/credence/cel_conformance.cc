// `credence cel-conformance FILE.jsonl...`: runs CEL conformance cases (see
// src/conformance/conformance.h) and reports the pass rate.
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "conformance/conformance.h"
#include "output.h"
#include "score_stream.h"

// argv[0] is "cel-conformance", then one or more JSON Lines files. Prints every failed case
// with its name and reason, a pass rate per file, and a last line "N passed, M failed".
// Returns 0 when every file could be read and run (the pass rate is reported, not enforced),
// 2 on a usage error, 1 when a file cannot be read.
int RunCelConformanceCommand(int argc, char** argv) {
  std::vector<std::string> files;
  credence::cli::CommandLine cl(
      "cel-conformance", "cel-conformance FILE.jsonl...",
      "Runs CEL conformance cases (one JSON object per line, see src/conformance/conformance.h),\n"
      "prints every failed case and a pass rate per file.\n");
  cl.Positionals("FILE.jsonl", 1, std::numeric_limits<std::size_t>::max(), &files)
      .Epilog(
          "Exit status 0 when every file was run (the pass rate is reported, not enforced), 1 "
          "when a file cannot be read (a directory or device is not a file) or holds no case, "
          "2 on a usage error.\n");
  if (std::optional<int> exit = cl.Parse(argc, argv)) return *exit;
  int passed = 0, failed = 0, status = 0;
  using credence::cli::Printable;
  for (const std::string& file : files) {
    if (credence::Status s = credence::cli::CheckInput("FILE", file); !s.ok()) {
      credence::cli::PrintError("cel-conformance", s.message());
      status = 1;
      continue;
    }
    auto result = credence::conformance::RunConformanceFile(file);
    if (!result.ok()) {
      credence::cli::PrintError("cel-conformance", result.status());
      status = 1;
      continue;
    }
    const int total = result->passed + result->failed;
    if (total == 0) {  // a pass rate of 0 cases is not defined, and an empty file a mistake
      credence::cli::PrintError("cel-conformance", file + ": no cases (pass rate not defined)");
      status = 1;
      continue;
    }
    for (const auto& c : result->cases) {
      if (c.passed) continue;
      std::printf("FAIL %s: %s\n    expr: %s\n", Printable(c.name).c_str(),
                  Printable(c.message).c_str(), Printable(c.expr).c_str());
    }
    std::printf("%s: %d/%d passed (%.1f%%)\n", Printable(file).c_str(), result->passed, total,
                100.0 * result->passed / total);
    passed += result->passed;
    failed += result->failed;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return status;
}
