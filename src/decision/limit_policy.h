// A limit policy: the bundle's cap on every financing limit (DecisionConfig.limit_cap), a CEL
// expression of numeric type over the request variables, in major units of the base
// currency (e.g. "3.0 * order_value_365d_cny": never more than three times a year's sales).
// See docs/rule_sets.md ("The decision").
#ifndef CREDENCE_DECISION_LIMIT_POLICY_H_
#define CREDENCE_DECISION_LIMIT_POLICY_H_

#include <memory>
#include <string>

#include "credence/result.h"
#include "decision/decider.h"
#include "expr/program.h"

namespace credence::decision {

// Immutable once compiled; Apply is const and thread-safe.
class LimitPolicy {
 public:
  // Compiles `cap` against `env`. Errors (INVALID_ARGUMENT, located in `path`): syntax, name
  // and type errors; a result type other than double, int or uint.
  static Result<LimitPolicy> Compile(const std::string& cap, const expr::Environment& env,
                                     const std::string& path);

  // Evaluates the cap and hands it to `decider`; when it cannot be evaluated (an error
  // value, e.g. a missing feature, or a value that is not finite) tells the decider so and
  // returns why (for a warning).
  std::string Apply(const expr::Activation& activation, Decider& decider) const;

  const std::string& source() const { return program_->source(); }

 private:
  std::shared_ptr<const expr::Program> program_;
};

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_LIMIT_POLICY_H_
