// Helpers shared by the expr tests.
#ifndef CREDENCE_TESTS_EXPR_TEST_UTIL_H_
#define CREDENCE_TESTS_EXPR_TEST_UTIL_H_

#include <gmock/gmock.h>

#include <cmath>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

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

}  // namespace testing
}  // namespace credence::expr

#endif  // CREDENCE_TESTS_EXPR_TEST_UTIL_H_
