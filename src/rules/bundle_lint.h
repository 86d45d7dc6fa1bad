// Static checks of a bundle beyond what compiling requires, for `credence validate` and
// `credence explain`: which names an expression reads, conditions that can never be true,
// features nothing uses, UNIQUE decision-table rows that may overlap.
//
// Everything here is decided on the bundle's text alone (no request): a "never" verdict is
// certain; anything the analysis cannot decide is left alone (no false alarms).
#ifndef CREDENCE_RULES_BUNDLE_LINT_H_
#define CREDENCE_RULES_BUNDLE_LINT_H_

#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "expr/ast.h"

namespace credence::rules {

// The variables an expression reads, in first-use order without duplicates: identifiers
// ("days_since_last_order") and member chains rooted at an identifier, written out
// ("enterprise.zone"). Comprehension variables are not included. Errors: the parser's.
Result<std::vector<std::string>> ReferencedNames(std::string_view expression);
std::vector<std::string> ReferencedNames(const expr::Expr& root);

// The feature names cited by a message template ("{name}"; "{{" and "}}" are braces).
std::vector<std::string> TemplateNames(std::string_view text);

enum class Satisfiability {
  kUnknown,  // may be true for some request
  kNever,    // false for every request (or an error)
  kAlways,   // folds to the constant true
};

// Decides a bool condition when it can: constant folding of literals through !, &&, ||, ?:,
// unary minus and comparisons of numbers; and, over the conjuncts of a top-level &&,
// contradictory bounds on one variable (`x > 5 && x < 3`, `x == 1 && x >= 2`,
// `s == "a" && s == "b"`). `why` (if non-null) receives a short explanation for kNever.
Satisfiability AnalyzeCondition(const expr::Expr& root, std::string* why = nullptr);

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

// Rules whose condition parses and is kNever (see AnalyzeCondition).
std::vector<LintFinding> NeverFiringRules(const v1::Bundle& bundle);

// Pairs of rows of UNIQUE tables that are not provably disjoint on some input while not
// certainly overlapping on all of them (rows that certainly overlap are compile errors).
// Entries are provably disjoint when both are numeric comparisons/ranges whose intervals do
// not meet, or both are lists of equal-to literals with no literal in common.
std::vector<LintFinding> PossiblyOverlappingRows(const v1::Bundle& bundle);

}  // namespace credence::rules

#endif  // CREDENCE_RULES_BUNDLE_LINT_H_
