// File: expr/flat_batch.h
//
// The flat form of many bool expressions at once (a bundle's rule conditions): one
// straight program without jumps, in which every distinct subexpression is computed once,
// whichever conditions share it, and the whole set is evaluated in one pass.
//
// Each instruction writes its own register (its index). A bool register holds CEL's
// three-valued result ordered false < error < true, so && is min and || is max (CEL's
// && and || are commutative over errors: `false && error` and `error && false` are both
// false) and ! is `true - x`; a numeric register holds a double and an error flag (a
// missing feature read into it). Nothing branches on data: both sides of a short circuit
// and both arms of ?: are computed (comparisons and double arithmetic, without effects or
// errors of their own) and the result is the same as with short circuits. Comparisons
// against a constant, and feature reads fused with them, are one instruction each. The
// instructions are ordered by depth and, within a depth, by op, so the evaluation loop
// runs a few dozen tight loops of one op each instead of dispatching per instruction.
//
// Only expressions with a flat form (flat.h; Program::flat() non-null) are lowered; the
// others are "uncovered" and their callers run them otherwise. An error result carries no
// text: the caller re-runs Program::EvaluateBool for it, which gives CEL's code and text.
//
// **Example** (normally reached through rules::RuleSets::Evaluate):
//
//   FlatBatch batch = FlatBatch::Lower(programs);  // one Program* per condition
//   std::vector<Tri> out(batch.size(), Tri::kError);
//   batch.Evaluate(features, out);                 // out[i] for each covered i
//
// A FlatBatch is immutable once built; Evaluate is const and thread-safe.
#ifndef CREDENCE_EXPR_FLAT_BATCH_H_
#define CREDENCE_EXPR_FLAT_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "expr/flat.h"

namespace credence::expr {

class Program;  // program.h

class FlatBatch {
 public:
  // Most instructions a batch holds; conditions that would go beyond are left uncovered.
  static constexpr std::size_t kMaxInstructions = 1 << 16;

  // The instructions. Register i holds the result of code()[i]; a, b, c are operand
  // registers. The comparisons come in groups of six, in the order < <= > >= == !=.
  enum class Op : std::uint8_t {
    kFeature,  // features[slot] (missing: error)
    kConst,    // k
    kNeg,      // -a
    kAdd,      // a + b (an error in either: error)
    kSub,
    kMul,
    kDiv,
    kAddK,  // a + k
    kSubK,
    kMulK,
    kDivK,
    kBool,       // k != 0
    kNot,        // !a
    kAnd,        // min(a, b) over false < error < true
    kOr,         // max(a, b)
    kSelect,     // a ? b : c (bool or numeric b and c; an error in a: error)
    kCompareLt,  // a < b, then <= > >= == !=
    kCompareLe,
    kCompareGt,
    kCompareGe,
    kCompareEq,
    kCompareNe,
    kCompareKLt,  // a < k, then <= > >= == !=
    kCompareKLe,
    kCompareKGt,
    kCompareKGe,
    kCompareKEq,
    kCompareKNe,
    kFeatureLt,  // features[slot] < k, then <= > >= == !=
    kFeatureLe,
    kFeatureGt,
    kFeatureGe,
    kFeatureEq,
    kFeatureNe,
  };

  struct Instr {
    Op op = Op::kConst;
    std::uint32_t a = 0, b = 0, c = 0;  // operand registers
    std::int32_t slot = 0;              // kFeature and the kFeature* comparisons
    double k = 0;                       // kConst, the *K operations, kFeature*, kBool
  };

  // Lowers the condition of each program (null, or without a flat form: uncovered).
  static FlatBatch Lower(std::span<const Program* const> programs);

  FlatBatch() = default;

  // The number of conditions (covered or not).
  std::size_t size() const { return outputs_.size(); }
  // Whether condition i has its result in the batch.
  bool covers(std::size_t i) const { return outputs_[i] != kNone; }
  std::size_t covered_count() const;
  const std::vector<Instr>& code() const { return code_; }
  // The number of runs of one op (each a loop without dispatch).
  std::size_t run_count() const { return runs_.size(); }

  // Sets out[i] for every covered condition i (the others are left as they are).
  // `features` by slot; NaN, or a slot beyond the span, is a missing feature (an error).
  // REQUIRES: out.size() == size(). Allocates only when the batch has more than 1,024
  // instructions or `features` is shorter than the slots it reads.
  void Evaluate(std::span<const double> features, std::span<Tri> out) const;

 private:
  friend class BatchLowering;
  static constexpr std::uint32_t kNone = 0xffffffffu;

  // A run of code_ with one op: the loop of Evaluate runs each with no dispatch between
  // its instructions.
  struct Run {
    Op op;
    std::uint32_t begin, end;
  };

  // Orders code_ by depth (an instruction after its operands), then by op within a
  // depth, renumbering registers, and cuts it into runs.
  void Schedule();

  std::vector<Instr> code_;
  std::vector<Run> runs_;
  std::vector<std::uint32_t> outputs_;  // per condition: its register, or kNone
  // The covered conditions' (condition, register), for Evaluate's last loop.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> results_;
  std::size_t slots_ = 0;  // 1 + the largest feature slot read
};

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_FLAT_BATCH_H_
