// credence validate: compiles a bundle and prints its diagnostics like a compiler.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "core/excerpt.h"
#include "credence/engine.h"
#include "lint/bundle_lint.h"
#include "lint/governance_lint.h"
#include "printable.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Compiles BUNDLE (a file or a folder) and prints every problem as
  file:line:col: error: message      (or warning:)
followed by the source line and a caret. Besides the compiler's own diagnostics it warns
about
  - features that no rule, decision table, model, reason code or other feature uses,
  - rules that can never fire, when that is decidable from the condition alone (it folds to
    false, or a conjunction puts contradictory bounds on one variable: x > 5 && x < 3),
  - rows of UNIQUE decision tables that may overlap (not provably disjoint),
  - models in production use (the credit model, a champion/challenger's challenger) whose
    governance lacks owner, validation status and date, approver, intended use, or the
    development sample's digest and period (docs/governance.md).
)";

constexpr const char* kEpilog =
    R"(Exit status: 0 when there are no errors (warnings allowed unless --werror), 1 otherwise,
2 on a usage error.
)";

// The `line`-th line (1-based) of `path` without its line end, or "".
std::string SourceLine(const std::string& path, int line) {
  std::ifstream f(path);
  std::string text;
  for (int i = 1; std::getline(f, text); ++i) {
    if (i != line) continue;
    if (!text.empty() && text.back() == '\r') text.pop_back();  // a CRLF line end
    return text;
  }
  return {};
}

// The byte offset in `text` of its `column`-th character (1-based, in code points).
std::size_t ByteOfColumn(std::string_view text, int column) {
  std::size_t i = 0;
  for (int c = 1; c < column && i < text.size(); ++c) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

void PrintDiagnostic(const Issue& issue) {
  const Status& s = issue.status;
  const SourceLocation* where = s.location();
  const char* severity = issue.severity == Issue::Severity::kError ? "error" : "warning";
  std::string prefix;
  if (where != nullptr && !where->file.empty()) {
    prefix = Printable(where->file);
    if (where->line > 0) prefix += ":" + std::to_string(where->line);
    if (where->column > 0) prefix += ":" + std::to_string(where->column);
    prefix += ": ";
  }
  std::cerr << prefix << severity << ": " << PrintableMessage(s.message());
  if (where != nullptr && !where->field_path.empty()) {
    std::cerr << " [" << Printable(where->field_path) << "]";
  }
  std::cerr << " (" << StatusCodeName(s.code()) << ")\n";
  if (where != nullptr && where->line > 0) {
    const std::string text = SourceLine(where->file, where->line);
    if (!text.empty()) {
      // A huge line (a 100 KB expression) is shown as a window around the column, made
      // printable (no terminal escapes from a bundle), the caret under the same character.
      const core::LineExcerpt shown = core::ExcerptAround(text, where->column);
      const std::string_view before =
          std::string_view(shown.text).substr(0, ByteOfColumn(shown.text, shown.caret_column));
      std::cerr << "  " << Printable(shown.text) << "\n  "
                << std::string(PrintableWidth(before), ' ') << "^\n";
    }
  }
}

}  // namespace

int ValidateCommand(int argc, char** argv) {
  bool werror = false;
  std::vector<std::string> bundle;
  CommandLine cl("validate", "validate [--werror] BUNDLE", kDescription);
  cl.Flag("werror", "treat warnings as errors", &werror)
      .Positionals("BUNDLE", 1, 1, &bundle)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return *exit;
  if (Status s = CheckInput("BUNDLE", bundle[0], InputKind::kFileOrFolder); !s.ok()) {
    PrintDiagnostic({Issue::Severity::kError, s});
    return 1;
  }
  auto loaded = LoadBundle(bundle[0]);
  if (!loaded.ok()) {
    PrintDiagnostic({Issue::Severity::kError, loaded.status()});
    return 1;
  }
  std::vector<Issue> issues;
  auto engine = Engine::Compile(*loaded, {}, &issues);
  int errors = 0, warnings = 0;
  for (const Issue& issue : issues) {
    PrintDiagnostic(issue);
    (issue.severity == Issue::Severity::kError ? errors : warnings)++;
  }
  if (!engine.ok() && errors == 0) {
    PrintDiagnostic({Issue::Severity::kError, engine.status()});
    ++errors;
  }
  // Static checks beyond compiling; only on a bundle without errors, since they assume its
  // references resolve.
  if (errors == 0) {
    std::vector<lint::LintFinding> findings = lint::UnusedFeatures(loaded->bundle);
    for (auto& f : lint::NeverFiringRules(loaded->bundle)) findings.push_back(std::move(f));
    for (auto& f : lint::PossiblyOverlappingRows(loaded->bundle)) findings.push_back(std::move(f));
    for (auto& f : lint::MissingGovernance(loaded->bundle)) findings.push_back(std::move(f));
    for (auto& f : lint::ScreeningFindings(loaded->bundle)) findings.push_back(std::move(f));
    for (const auto& f : findings) {
      PrintDiagnostic({Issue::Severity::kWarning,
                       InvalidArgumentError(f.message, loaded->source_map.Locate(f.field_path))});
      ++warnings;
    }
  }
  if (engine.ok()) {
    const BundleInfo& info = (*engine)->info();
    std::cout << Printable(info.name + " " + info.version) << ": " << info.feature_names.size()
              << " features; " << Printable(info.digest) << "\n";
  }
  std::cout << errors << " error(s), " << warnings << " warning(s)\n";
  return errors == 0 && (warnings == 0 || !werror) ? 0 : 1;
}

}  // namespace credence::cli
