// Helpers shared by the expr tests.
#ifndef CREDENCE_TESTS_EXPR_TEST_UTIL_H_
#define CREDENCE_TESTS_EXPR_TEST_UTIL_H_

#include <gmock/gmock.h>

#include <cmath>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "expr/flat.h"
#include "expr/program.h"
#include "expr/value.h"

namespace credence::expr {

inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

namespace testing {

// Compiles and evaluates `source` (type-checked unless `check` is false).
inline Result<Value> EvalExpr(std::string_view source, const Environment& env = {},
                              const Activation& activation = {}, bool check = true) {
  CompileOptions options;
  options.check_types = check;
  CREDENCE_ASSIGN_OR_RETURN(std::shared_ptr<const Program> p, Compile(source, env, options));
  return p->Evaluate(activation);
}

// Strict equality: same kind and value (NaN == NaN; lists/maps element-wise).
inline bool SameValue(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_double()) {
    return (std::isnan(a.double_value()) && std::isnan(b.double_value())) ||
           (a.double_value() == b.double_value() &&
            std::signbit(a.double_value()) == std::signbit(b.double_value()));
  }
  if (a.is_list()) {
    if (a.list().size() != b.list().size()) return false;
    for (std::size_t i = 0; i < a.list().size(); ++i) {
      if (!SameValue(a.list()[i], b.list()[i])) return false;
    }
    return true;
  }
  if (a.is_error()) return a.error().code == b.error().code;
  return ValuesEqual(a, b);
}

MATCHER_P(ValueIs, expected, "is " + expected.DebugString()) {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status().ToString();
    return false;
  }
  *result_listener << "value " << arg->DebugString();
  return SameValue(*arg, expected);
}

// An OK result holding an error value with the given code and message substring.
MATCHER_P2(ErrorValueIs, code, substring,
           std::string("is an error value ") + std::string(StatusCodeName(code))) {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status().ToString();
    return false;
  }
  *result_listener << "value " << arg->DebugString();
  return arg->is_error() && arg->error().code == code &&
         arg->error().message.find(substring) != std::string::npos;
}

// A non-OK status with the given code, line and column.
MATCHER_P3(StatusAt, code, line, column,
           std::string("has code ") + std::string(StatusCodeName(code)) + " at " +
               std::to_string(line) + ":" + std::to_string(column)) {
  const Status& s = arg.status();
  *result_listener << "status " << s.ToString();
  return s.code() == code && s.location() != nullptr && s.location()->line == line &&
         s.location()->column == column;
}

// An environment declaring `names` as features by slot (0, 1, ...) and the request
// variable `enterprise.sector` (a string), as rule conditions see them.
inline Environment FeatureEnv(const std::vector<std::string>& names) {
  Environment env;
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_TRUE(env.DeclareFeature(names[i], static_cast<int>(i)).ok());
  }
  EXPECT_TRUE(env.Declare("enterprise.sector", Type::String()).ok());
  return env;
}

// The general evaluator's result for bool `program` over `features`, as a Tri: the
// reference the flat forms (flat.h, flat_batch.h) must equal.
inline Tri GeneralTri(const Program& program, const std::vector<double>& features) {
  Activation activation;
  activation.set_features(features);
  Result<Value> v = program.Evaluate(activation);
  if (!v.ok() || !v->is_bool()) return Tri::kError;
  return v->bool_value() ? Tri::kTrue : Tri::kFalse;
}

// Random bool conditions over the features `names`: comparisons of arithmetic over
// features, double and int constants, combined with && || ! ?: (most lie in the flat
// subset; int arithmetic and int-vs-double comparisons do not type-check or do not).
class ConditionGen {
 public:
  ConditionGen(std::uint64_t seed, std::vector<std::string> names)
      : rng_(seed), names_(std::move(names)) {}
  std::string Bool(int depth) {
    const int pick = static_cast<int>(rng_() % (depth > 3 ? 2 : 7));
    switch (pick) {
      case 0:
      case 1: {
        static const char* ops[] = {"<", "<=", ">", ">=", "==", "!="};
        return Num(depth + 1) + " " + ops[rng_() % 6] + " " + Num(depth + 1);
      }
      case 2:
        return "(" + Bool(depth + 1) + " && " + Bool(depth + 1) + ")";
      case 3:
        return "(" + Bool(depth + 1) + " || " + Bool(depth + 1) + ")";
      case 4:
        return "!(" + Bool(depth + 1) + ")";
      case 5:
        return "(" + Bool(depth + 1) + " ? " + Bool(depth + 1) + " : " + Bool(depth + 1) + ")";
      default:
        return rng_() % 2 ? "true" : "false";
    }
  }
  std::string Num(int depth) {
    const int pick = static_cast<int>(rng_() % (depth > 3 ? 3 : 8));
    switch (pick) {
      case 0:
        return names_[rng_() % names_.size()];
      case 1:
        return std::to_string(static_cast<int>(rng_() % 7) - 2) + ".5";
      case 2:
        return std::to_string(static_cast<int>(rng_() % 5));  // an int literal
      case 3:
        return "(" + Num(depth + 1) + " + " + Num(depth + 1) + ")";
      case 4:
        return "(" + Num(depth + 1) + " - " + Num(depth + 1) + ")";
      case 5:
        return "(" + Num(depth + 1) + " * " + Num(depth + 1) + ")";
      case 6:
        return "(" + Num(depth + 1) + " / " + Num(depth + 1) + ")";
      default:
        return "(" + Bool(depth + 1) + " ? " + Num(depth + 1) + " : " + Num(depth + 1) + ")";
    }
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> names_;
};

}  // namespace testing
}  // namespace credence::expr

#endif  // CREDENCE_TESTS_EXPR_TEST_UTIL_H_
