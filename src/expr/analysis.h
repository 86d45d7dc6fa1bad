// File: expr/analysis.h
//
// Static analysis of expressions: one implementation of constant folding and of interval
// reasoning, shared by the planner (folding while it plans), decision tables (the
// intervals of input entries, constant output entries) and the bundle lint (what a
// condition reads, whether it can ever be true).
//
// **Example**:
//
//   Result<ParsedExpr> parsed = Parse("x > 5 && x < 3");
//   std::string why;
//   AnalyzeCondition(*parsed->root, &why);  // kNever; why = "the bounds on 'x' contradict
//                                            // each other: (5, 3) is empty"
//   ConstantValue(*Parse("2.0 * 3.0")->root);  // Value::Double(6.0)
//
// Everything here is stateless and thread-safe.
#ifndef CREDENCE_EXPR_ANALYSIS_H_
#define CREDENCE_EXPR_ANALYSIS_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "expr/ast.h"
#include "expr/value.h"

namespace credence::expr {

struct Node;  // node.h

// ---- Constant folding -----------------------------------------------------------------

// The value of `e` when it is a constant: literals through the builtin and extension
// functions, lists, maps and field selections, and CEL's short circuits (`false && x` is
// false, `true || x` true, `true ? a : b` is a), computed exactly as the evaluator would.
// nullopt when `e` reads a variable or its value is an error. `e` may be unchecked; its
// names are then unresolved and never constant.
std::optional<Value> ConstantValue(const Expr& e);

// Compiles `source` with no variables declared and evaluates it: the value of a literal or
// constant expression ("1.5", "'x'", "[1, 2]"). Errors: the compiler's (a name is
// kInvalidArgument "undeclared reference to 'x'"), or kInvalidArgument with the message of
// an error value ("divide by zero").
Result<Value> EvaluateConstant(std::string_view source);

namespace internal {
// The planner's folding step for one planned node whose children are folded already:
// its constant value when every child is a constant, the deciding operand of a short
// circuit, or `n` itself. Folding spends `*budget` (the steps left for folding the whole
// expression) and keeps `n` when the budget runs out, when the value is an error, when it
// is larger than kMaxFoldedSteps (64 KiB of string, 8,192 entries) or when memory runs out;
// the evaluator then meets the same cost at run time.
inline constexpr std::uint64_t kMaxFoldedSteps = 1024;
std::unique_ptr<Node> FoldNode(std::unique_ptr<Node> n, std::uint64_t* budget);
}  // namespace internal

// ---- Intervals of the real line ---------------------------------------------------------

// {x : lo < x < hi}, each end closed when its flag says so. Infinite ends are open. A plain
// value type (thread-compatible).
struct Interval {
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  double lo = -kInf;
  double hi = kInf;
  bool lo_closed = false;
  bool hi_closed = false;

  static Interval All() { return {}; }
  static Interval Point(double x) { return {x, x, true, true}; }
  static Interval Below(double x, bool closed) { return {-kInf, x, false, closed}; }
  static Interval Above(double x, bool closed) { return {x, kInf, closed, false}; }

  bool empty() const { return lo > hi || (lo == hi && !(lo_closed && hi_closed)); }
  // "[1, 2)", "(-inf, 0.5]" (numbers as printf's %g).
  std::string ToString() const;
};

// The common part of `a` and `b` (possibly empty).
Interval Intersect(const Interval& a, const Interval& b);
inline bool Overlap(const Interval& a, const Interval& b) { return !Intersect(a, b).empty(); }

// The parts of the real line that no interval of `covered` contains, in increasing order.
std::vector<Interval> Uncovered(std::vector<Interval> covered);

// The set of x with `x <cmp> c`, for cmp one of "_<_" "_<=_" "_>_" "_>=_" "_==_"; nullopt
// for other functions.
std::optional<Interval> ComparisonInterval(std::string_view cmp, double c);

// ---- What an expression reads -----------------------------------------------------------

// The variables an expression reads, in first-use order without duplicates: identifiers
// ("days_since_last_order") and member chains rooted at an identifier, written out
// ("enterprise.zone"). Comprehension variables are not included. Errors: the parser's.
Result<std::vector<std::string>> ReferencedNames(std::string_view expression);
std::vector<std::string> ReferencedNames(const Expr& root);

// ---- Whether a condition can be true ----------------------------------------------------

enum class Satisfiability {
  kUnknown,  // may be true for some request
  kNever,    // false for every request (or an error)
  kAlways,   // folds to the constant true
};

// Decides a bool condition when it can: constant folding (ConstantValue) of the whole
// condition and of each conjunct of a top-level &&, and contradictory bounds on one
// variable across those conjuncts (`x > 5 && x < 3`, `x == 1 && x >= 2`,
// `s == "a" && s == "b"`). `why` (if non-null) receives a short explanation for kNever.
Satisfiability AnalyzeCondition(const Expr& root, std::string* why = nullptr);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_ANALYSIS_H_
