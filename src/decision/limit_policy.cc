// The limit cap. See limit_policy.h.
#include "decision/limit_policy.h"

#include <cmath>

#include "expr/parser.h"

namespace credence::decision {

Result<LimitPolicy> LimitPolicy::Compile(const std::string& cap, const expr::Environment& env,
                                         const std::string& path) {
  auto program = expr::Compile(cap, env, {});
  if (!program.ok()) {
    return expr::LocateInField(program.status(), "limit cap", {.field_path = path});
  }
  const expr::Type& t = (*program)->result_type();
  if (!(t == expr::Type::Double() || t == expr::Type::Int() || t == expr::Type::Uint())) {
    return InvalidArgumentError("the limit cap must be a number, not " + t.ToString(),
                                {.field_path = path});
  }
  LimitPolicy out;
  out.program_ = *std::move(program);
  return out;
}

std::string LimitPolicy::Apply(const expr::Activation& activation, Decider& decider) const {
  auto v = program_->Evaluate(activation);
  std::string why;
  if (!v.ok()) {
    why = std::string(v.status().message());
  } else if (v->is_error()) {
    why = v->error().message;
  } else {
    const double cap = v->is_double() ? v->double_value()
                       : v->is_int()  ? static_cast<double>(v->int_value())
                                      : static_cast<double>(v->uint_value());
    if (std::isfinite(cap)) {
      decider.SetLimitCap(cap);
      return "";
    }
    why = "the cap is not a finite number";
  }
  decider.LimitCapUnavailable();
  return why;
}

}  // namespace credence::decision
