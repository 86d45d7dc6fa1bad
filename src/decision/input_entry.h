// File: decision/input_entry.h
//
// Input entries of decision tables (DMN unary tests): "-" (any value), a literal ("gold",
// 3, true), a comparison ("< 0.5", ">= 10", "!= \"x\""), a numeric range ("[1..5)",
// "]0..1]"), a list of these (any one matching), or the negation of a list ("not(1, 2)").
// Also how two entries relate (for UNIQUE tables and the bundle lint), decided with the
// intervals of expr/analysis.h.
//
// **Example**:
//
//   Result<InputEntry> e = ParseInputEntry("[0..0.3), >= 0.9");
//   e->Matches(expr::Value::Double(0.95));  // true
//
// Everything here is stateless and thread-safe; an InputEntry is an immutable value.
#ifndef CREDENCE_DECISION_INPUT_ENTRY_H_
#define CREDENCE_DECISION_INPUT_ENTRY_H_

#include <optional>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "expr/analysis.h"
#include "expr/value.h"

namespace credence::decision {

// One unary test of an input entry.
struct UnaryTest {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kRange };
  Op op = Op::kEq;
  expr::Value value;  // kRange: the low end
  expr::Value high;   // kRange only
  bool low_closed = true, high_closed = true;
};

// A parsed input entry: "-" (any), or a list of tests (any one matches), possibly negated.
struct InputEntry {
  bool any = false;
  bool negated = false;
  std::vector<UnaryTest> tests;
  // Does `v` satisfy the entry? A value of another kind than a test's literal fails that test.
  bool Matches(const expr::Value& v) const;
};

// Parses an input entry. Errors: INVALID_ARGUMENT with the offset in the message.
Result<InputEntry> ParseInputEntry(std::string_view text);

// Literal equality as entries and priority lists use it: numbers by value, strings and
// bools by value, null equals null.
bool SameLiteral(const expr::Value& a, const expr::Value& b);

// The numbers an entry matches, as a union of intervals: the whole line for "-", nullopt
// when the entry is negated or has a non-numeric literal.
std::optional<std::vector<expr::Interval>> EntryIntervals(const InputEntry& e);

enum class EntryRelation {
  kDisjoint,  // no value satisfies both
  kOverlap,   // some value certainly satisfies both
  kMaybe,     // not decided
};

// How two entries relate. Numeric entries are compared as intervals, entries made of
// equal-to literals (possibly negated) as sets. An overlap found through `!=` or `not(...)`
// is reported as kMaybe (only their disjointness is judged).
EntryRelation RelateEntries(const InputEntry& a, const InputEntry& b);

// An entry prepared for relating it to many others: its intervals and literal set computed
// once. RelateEntries(a, b) == Relate(ShapeOf(a), ShapeOf(b)).
struct EntryShape {
  enum class Kind {
    kAny,        // "-": overlaps everything
    kIntervals,  // numeric tests (EntryIntervals)
    kLiterals,   // equal-to string or bool literals, possibly negated (a set)
    kOther,      // anything else: never judged against anything but "-"
  };
  Kind kind = Kind::kOther;
  bool negated = false;
  bool judged = true;                     // false for negated entries and entries with a `!=` test
  std::vector<expr::Interval> intervals;  // kIntervals
  std::vector<expr::Value> literals;      // kLiterals
};
EntryShape ShapeOf(const InputEntry& e);
EntryRelation Relate(const EntryShape& a, const EntryShape& b);

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_INPUT_ENTRY_H_
