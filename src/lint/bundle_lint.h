// File: lint/bundle_lint.h
//
// Static checks of a bundle beyond what compiling requires, for `credence validate`:
// conditions that can never be true, features nothing uses, UNIQUE decision-table rows that
// may overlap. The expression analyses behind them (what a condition reads, constant
// folding, contradictory bounds) are expr/analysis.h; entry relations are
// decision/input_entry.h.
//
// Everything here is decided on the bundle's text alone (no request): a "never" verdict is
// certain; anything the analysis cannot decide is left alone (no false alarms). Stateless
// and thread-safe.
#ifndef CREDENCE_LINT_BUNDLE_LINT_H_
#define CREDENCE_LINT_BUNDLE_LINT_H_

#include <string>
#include <string_view>
#include <vector>

#include "credence/v1/bundle.pb.h"

namespace credence::lint {

// One finding: a field path into the bundle ("rule_sets[0].rules[2].condition") and a
// message.
struct LintFinding {
  std::string field_path;
  std::string message;
};

// Features referenced by nothing: no rule condition or message, decision-table input,
// model (logistic term, scorecard characteristic, tree-ensemble column), reason code, or
// other feature (ratio, growth).
std::vector<LintFinding> UnusedFeatures(const v1::Bundle& bundle);

// Rules (compliance and screening) whose condition parses and can never be true
// (expr::AnalyzeCondition says kNever).
std::vector<LintFinding> NeverFiringRules(const v1::Bundle& bundle);

// Pairs of rows of UNIQUE tables that are not provably disjoint on some input while not
// certainly overlapping on all of them (rows that certainly overlap are compile errors).
// Entries are provably disjoint when both are numeric comparisons/ranges whose intervals do
// not meet, or both are lists of equal-to literals with no literal in common. Found by a
// sweep, not pairwise (decision/row_overlap.h); at most decision::kMaxReportedOverlaps pairs
// per table, then one finding saying more exist.
std::vector<LintFinding> PossiblyOverlappingRows(const v1::Bundle& bundle);

// Screening (Bundle.screening, Bundle.lists): lists no screening rule reads, comparisons of
// event.kind with a name that is no event kind, rules with neither an outcome nor points.
std::vector<LintFinding> ScreeningFindings(const v1::Bundle& bundle);

}  // namespace credence::lint

#endif  // CREDENCE_LINT_BUNDLE_LINT_H_
