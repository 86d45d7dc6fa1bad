// File: conformance/conformance.h
//
// Runs CEL conformance cases stored as JSON Lines (the format of
// shared/conformance/cel/README.md: one case per line with expr, type_env, bindings,
// container, disable_check, disable_macros and expect).
//
// **Example**:
//
//   Result<ConformanceFileResult> r = RunConformanceFile("conformance/cel/basic.jsonl");
//   if (r.ok()) std::cout << r->passed << " passed, " << r->failed << " failed\n";
//
// A case passes when the expected value equals the result (same kind; lists in order, maps
// as key sets; NaN equals NaN), or when an error is expected and compiling or evaluating
// fails. `unknown` expectations are not supported and fail.
//
// Thread-safe (no shared state).
#ifndef CREDENCE_CONFORMANCE_CONFORMANCE_H_
#define CREDENCE_CONFORMANCE_CONFORMANCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"

namespace credence::conformance {

struct ConformanceCaseResult {
  std::string section;
  std::string name;  // "<section>/<name>"
  std::string expr;
  bool passed = false;
  std::string message;  // why it failed; empty when passed
};

struct ConformanceFileResult {
  std::string path;
  std::vector<ConformanceCaseResult> cases;
  int passed = 0;
  int failed = 0;
};

// Runs one case given as a JSON object text. Never fails as a call: a malformed case is a
// failed case.
ConformanceCaseResult RunConformanceCase(std::string_view json_line);

// Runs every non-empty line of `path`. Errors: kNotFound when the file cannot be opened.
Result<ConformanceFileResult> RunConformanceFile(const std::string& path);

}  // namespace credence::conformance

#endif  // CREDENCE_CONFORMANCE_CONFORMANCE_H_
