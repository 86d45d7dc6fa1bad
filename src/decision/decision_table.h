// File: decision/decision_table.h
//
// Decision tables with the hit policies of the DMN standard: UNIQUE, FIRST, PRIORITY, ANY,
// COLLECT (list, SUM, MIN, MAX, COUNT) and RULE ORDER. Inputs are CEL expressions; input
// entries are unary tests (input_entry.h); output entries are CEL literals or CEL
// expressions over the same variables as the inputs (type-checked at compile time,
// evaluated when their row is chosen). See docs/rule_sets.md.
#ifndef CREDENCE_DECISION_DECISION_TABLE_H_
#define CREDENCE_DECISION_DECISION_TABLE_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "credence/bundle.h"
#include "credence/result.h"
#include "credence/status.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"
#include "decision/input_entry.h"
#include "expr/program.h"

namespace credence::decision {

// Formats a literal value the way output entries are written: strings quoted with CEL
// escapes, doubles in the shortest form that round-trips, ints and bools plainly.
std::string FormatLiteral(const expr::Value& v);

// One output entry as compiled: a literal, or an expression of a checked type.
struct OutputEntry {
  std::optional<expr::Value> literal;  // set for a literal entry
  expr::Type type;                     // the literal's or the expression's type
  std::string source;                  // the entry as written
};

// The result of one evaluation: the response block, plus the values of the single chosen row
// for single-result hit policies (empty otherwise or when errored).
struct TableOutcome {
  v1::DecisionTableResult result;
  std::vector<expr::Value> values;  // one per output
};

// Overlapping pairs of UNIQUE rows reported at most, per table (the rest are summed up in
// one more error).
inline constexpr std::size_t kMaxReportedOverlaps = 100;

// Immutable once compiled; Evaluate is const and thread-safe.
class DecisionTable {
 public:
  // `path` is the table's field path ("decision_tables[2]"); `locator` (may be null) maps
  // field paths to bundle locations. Problems go to `issues` (errors
  // and warnings, located); the first error is returned (INVALID_ARGUMENT): entry counts
  // that differ from the inputs/outputs, bad entries, entries whose literal type cannot
  // match the input's type, rows that certainly overlap under UNIQUE (found in
  // O(c n log n + K c), row_overlap.h; at most kMaxReportedOverlaps pairs), PRIORITY outputs
  // without a priority list or first outputs that are not literals, an aggregation outside
  // COLLECT, an output entry that is neither a literal nor a well-typed expression, SUM / MIN
  // / MAX over outputs that are not numeric. Warnings: inputs not covered (decided for
  // single-input numeric tables). An expression output that fails when evaluated (it reads a
  // missing feature) makes the table's result errored.
  static Result<DecisionTable> Compile(const v1::DecisionTable& table, const std::string& path,
                                       const expr::Environment& env, const BundleSourceMap* locator,
                                       std::vector<Issue>* issues);

  DecisionTable(DecisionTable&&) noexcept;
  DecisionTable& operator=(DecisionTable&&) noexcept;
  ~DecisionTable();

  // `activation` binds the request variables and, through set_features, the features.
  TableOutcome Evaluate(const expr::Activation& activation) const;

  const std::string& id() const;
  v1::DecisionHitPolicy hit_policy() const;
  // Index of the output named `name`, or -1.
  int OutputIndex(std::string_view name) const;
  // All literal values of output `index` across the rows (expression entries left out).
  std::vector<expr::Value> OutputValues(int index) const;
  // Every entry of output `index`, one per row.
  std::vector<OutputEntry> OutputEntries(int index) const;

 private:
  friend class TableCompiler;
  friend class TableEvaluation;
  struct Rep;
  explicit DecisionTable(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_DECISION_TABLE_H_
