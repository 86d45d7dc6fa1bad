// A fast evaluator for the common shape of rule conditions: comparisons, arithmetic and
// ternaries over double features and numeric constants, combined with && || !. It computes
// CEL's three-valued result (true, false, error) with plain doubles and no allocation.
// Conditions outside that subset are not compiled (the engine uses the general Program).
// An `error` result carries no message: callers re-run the general Program for it, so
// results and error texts are exactly CEL's.
#ifndef CREDENCE_RULES_FAST_CONDITION_H_
#define CREDENCE_RULES_FAST_CONDITION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "expr/checker.h"
#include "expr/program.h"

namespace credence::rules {

class FastCondition {
 public:
  enum class Tri : std::uint8_t { kFalse, kTrue, kError };

  // The compiled form of `source` when it lies in the subset, nullopt otherwise (including
  // when it does not parse or check: the general compiler reports those).
  static std::optional<FastCondition> Compile(std::string_view source,
                                              const expr::Environment& env);

  Tri Evaluate(std::span<const double> features) const;

 private:
  enum class Op : std::uint8_t {
    kFeature,
    kConst,
    kNeg,
    kAdd,
    kSub,
    kMul,
    kDiv,  // numeric
    kLt,
    kLe,
    kGt,
    kGe,
    kEq,
    kNe,  // numeric → tri
    kTrue,
    kFalse,
    kAnd,
    kOr,
    kNot,
    kCondTri,
    kCondNum,          // tri (kCondNum is numeric)
    kCmpFeatureConst,  // feature <cmp> constant in one node (the most common leaf)
  };
  struct Node {
    Op op;
    std::int32_t a = -1, b = -1, c = -1;  // child node indices
    std::int32_t slot = -1;               // kFeature, kCmpFeatureConst
    double value = 0;                     // kConst, kCmpFeatureConst
    Op cmp = Op::kLt;                     // kCmpFeatureConst: the comparison
  };
  struct Num {
    double v;
    bool err;
  };
  Num EvalNum(std::int32_t i, std::span<const double> f) const;
  Tri EvalTri(std::int32_t i, std::span<const double> f) const;

  std::vector<Node> nodes_;
  std::int32_t root_ = -1;
  friend class FastConditionBuilder;
};

// A rule condition as the engine runs it: the FastCondition when the expression is in its
// subset, the general Program otherwise and for the exact error of an erroring evaluation.
// Immutable; thread-safe.
class CompiledCondition {
 public:
  CompiledCondition(std::shared_ptr<const expr::Program> program, std::optional<FastCondition> fast)
      : program_(std::move(program)), fast_(std::move(fast)) {}

  // The condition's value, or CEL's error as a Status (see Program::EvaluateBool).
  Result<bool> Evaluate(std::span<const double> features, const expr::Activation* extra) const {
    if (fast_) {
      const FastCondition::Tri t = fast_->Evaluate(features);
      if (t != FastCondition::Tri::kError) return t == FastCondition::Tri::kTrue;
    }
    return program_->EvaluateBool(features, extra);
  }
  bool fast() const { return fast_.has_value(); }

 private:
  std::shared_ptr<const expr::Program> program_;
  std::optional<FastCondition> fast_;
};

}  // namespace credence::rules

#endif  // CREDENCE_RULES_FAST_CONDITION_H_
