// Output helpers for the CLI: atomic output files and error records.
#ifndef CREDENCE_TOOLS_CREDENCE_OUTPUT_H_
#define CREDENCE_TOOLS_CREDENCE_OUTPUT_H_

#include <cstddef>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>

#include "credence/status.h"
#include "credence/v1/common.pb.h"
#include "io/json_records.h"

namespace credence::cli {

// Writes to stdout (empty path or "-") or to PATH.tmp.<pid>, renamed to PATH by Commit(), so
// an interrupted run never leaves a complete-looking PATH. The temporary file is removed if
// Commit() is never called, and by a handler if SIGINT, SIGTERM or SIGHUP ends the process
// (one OutputFile at a time; after SIGKILL the temporary file stays).
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::ostream& stream();
  // Flushes and renames. False (see error()) on a write or rename failure.
  bool Commit();

 private:
  std::string path_, tmp_;
  std::ofstream file_;
  bool committed_ = false;
  std::string error_;
};

// The shared JSON Lines error record (src/io/json_records.h): written as bytes, identical to
// the Python binding's. Other JSON the tool writes is built with nlohmann-json.
using io::ErrorRecordJson;
// `s` with & < > " ' replaced by HTML character references.
std::string HtmlEscape(std::string_view s);
// A number with up to 6 significant digits ("%.6g"); "missing" for NaN.
std::string FormatNumber(double v);
// "APPROVE" for OUTCOME_APPROVE; "none" for OUTCOME_UNSPECIFIED.
std::string OutcomeLabel(v1::Outcome outcome);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_OUTPUT_H_
