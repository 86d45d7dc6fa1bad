// Output helpers for the CLI: atomic output files committed all or none, checked writes,
// error messages on stderr, and the formatting shared by the human-readable outputs.
#ifndef CREDENCE_TOOLS_CREDENCE_OUTPUT_H_
#define CREDENCE_TOOLS_CREDENCE_OUTPUT_H_

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "credence/status.h"
#include "credence/v1/common.pb.h"
#include "io/json_records.h"
#include "printable.h"

namespace credence::cli {

// One output of a command: stdout (empty path or "-") or a file. A regular file (or a new
// one) is written to PATH.tmp.<pid> (created exclusively, never through a link that was
// there) and renamed to PATH by Commit(), so a failed or interrupted run never leaves a
// complete-looking PATH; the temporary file is removed if Commit() is never called, and by a
// handler if SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ or SIGABRT ends the process (after
// SIGKILL it stays, under its .tmp name). An existing PATH that is not a regular file is
// written in place (a FIFO, /dev/null), except a directory, which is an error. Every write is
// checked: the first failure is kept, with the system's reason, and reported by Commit().
// Thread-compatible.
class OutputFile {
 public:
  // `option` names the output in messages ("--out", "--report").
  explicit OutputFile(const std::string& path, std::string option = "--out");
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // False once opening or a write failed; error() says why:
  //   "--out no/such/dir/out.jsonl: cannot create: No such file or directory"
  //   "--out /tmp: is a directory"
  //   "--out out.jsonl: write failed: No space left on device"
  //   "stdout: write failed: No space left on device"
  bool ok();
  const std::string& error() const { return error_; }
  std::ostream& stream();
  // Flushes and closes (stdout: flushes), then renames the temporary file to PATH. False
  // (see error()) on any failure; the temporary file is then removed.
  bool Commit();

 private:
  friend bool CommitAll(std::initializer_list<OutputFile*> outputs, std::string* error);
  class FdBuf;
  // Flushes and closes the file (first phase of a commit).
  bool Close();
  // Renames the closed temporary file to PATH (second phase).
  bool Rename();
  void Fail(const std::string& what, int err);

  std::string option_, path_, tmp_;
  std::unique_ptr<FdBuf> buf_;
  std::unique_ptr<std::ostream> file_;
  int slot_ = -1;  // in the signal handler's table
  bool committed_ = false;
  std::string error_;
};

// True when `out` is open; otherwise false, after printing "credence COMMAND: <its error>".
bool Opened(std::string_view command, OutputFile& out);

// Commits several outputs together: every one is flushed and closed first, and only when
// all of them were written are they renamed. On any failure nothing is renamed, every
// temporary file is removed, and `*error` says which output failed and why (a rename that
// fails after others succeeded, which needs the directory to change under the command,
// removes the ones already renamed).
bool CommitAll(std::initializer_list<OutputFile*> outputs, std::string* error);

// True when `a` and `b` name the same file (the same path, or the same existing file); never
// for "" or "-".
bool SameOutput(const std::string& a, const std::string& b);

// "--report and --out name the same file 'm.txt'" when two of `paths` (option, path) name
// the same file, else "". For the usage check of commands with several inputs and outputs:
// an output over an input, or two outputs on one file, would lose data.
std::string SameFileError(
    std::initializer_list<std::pair<std::string_view, const std::string*>> paths);

// Prints "credence COMMAND: MESSAGE" and a newline on stderr, the message made printable
// (PrintableMessage): a message quoting request or file data cannot control the terminal.
void PrintError(std::string_view command, std::string_view message);
void PrintError(std::string_view command, const Status& status);

// Flushes stdout (std::cout and C stdio) and closes it; false with `*error` set
// ("stdout: write failed: No space left on device") when anything written to it was lost.
bool CloseStdout(std::string* error);

// `json` as text (`indent` < 0: one line). Invalid UTF-8 in its strings is replaced by
// U+FFFD, as in error records, rather than throwing: the output is always valid UTF-8 JSON.
std::string DumpJson(const nlohmann::ordered_json& json, int indent = -1);

// The shared JSON Lines error record (src/io/json_records.h): written as bytes, identical to
// the Python binding's. Other JSON the tool writes is built with nlohmann-json.
using io::ErrorRecordJson;
// `s` with & < > " ' replaced by HTML character references and invalid UTF-8 by U+FFFD.
std::string HtmlEscape(std::string_view s);
// A number with up to 6 significant digits ("%.6g"); "missing" for NaN.
std::string FormatNumber(double v);
// "APPROVE" for OUTCOME_APPROVE; "none" for OUTCOME_UNSPECIFIED.
std::string OutcomeLabel(v1::Outcome outcome);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_OUTPUT_H_
