// File: expr/flat.h
//
// The flat form of a bool expression: what the planner's tree (node.h) lowers to when the
// whole expression lies in the subset rule conditions are mostly written in: comparisons
// of double arithmetic (features, numeric constants, + - * / and unary minus, ternaries)
// combined with && || ! and ?:. It computes CEL's three-valued result (true, false, error)
// with plain doubles, no Value and no allocation.
//
// The code is a straight sequence of instructions over a small register file, with
// forward jumps for the short-circuits of && || and ?:. Registers are written once per
// path, so a later optimisation can share a register between readers (common
// subexpressions) or fuse a comparison with the jump that tests it, without changing
// the evaluation loop's shape.
//
// An error result carries no message: Program::EvaluateBool re-runs the general evaluator
// for it, so error codes and texts are exactly CEL's. Every result must equal the general
// evaluator's (tests/expr/flat_test.cc checks that on generated conditions).
//
// **Example** (normally reached through Program::EvaluateBool):
//
//   const FlatProgram* flat = program->flat();         // null outside the subset
//   Tri t = flat->Evaluate(features);                  // kTrue, kFalse or kError
//
// A FlatProgram is immutable; Evaluate is const and thread-safe.
#ifndef CREDENCE_EXPR_FLAT_H_
#define CREDENCE_EXPR_FLAT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace credence::expr {

struct Node;                    // node.h
class Value;                    // value.h
enum class Fn : unsigned char;  // builtins.h

// A CEL bool result: true, false, or an error (whose text the general evaluator gives).
enum class Tri : std::uint8_t { kFalse, kTrue, kError };

class FlatProgram {
 public:
  // Most registers a flat program may use (its deepest nesting of operands); deeper
  // expressions stay on the general evaluator.
  static constexpr int kMaxRegisters = 128;

  // The instruction set. r[i] is register i: a double `v` and a Tri `t`; a numeric register
  // holds an error when t == kError. `cmp` is one of kLt..kNe below.
  enum class Op : std::uint8_t {
    kFeature,     // r[dst] = features[slot] (missing: error)
    kConst,       // r[dst] = k
    kNeg,         // r[dst] = -r[a]
    kAdd,         // r[dst] = r[a] + r[b]   (an error in either operand: error)
    kSub,         // r[dst] = r[a] - r[b]
    kMul,         // r[dst] = r[a] * r[b]
    kDiv,         // r[dst] = r[a] / r[b]   (IEEE: x / 0 is inf or NaN, as CEL's double)
    kAddK,        // r[dst] = r[a] + k
    kSubK,        // r[dst] = r[a] - k
    kMulK,        // r[dst] = r[a] * k
    kDivK,        // r[dst] = r[a] / k
    kCompare,     // r[dst].t = r[a] <cmp> r[b]     } each may end with a jump (`branch`):
    kCompareK,    // r[dst].t = r[a] <cmp> k        } compare-and-branch in one instruction
    kFeatureCmp,  // r[dst].t = features[slot] <cmp> k
    kBool,        // r[dst].t = k != 0
    kNot,         // r[dst].t = !r[a].t
    kAnd,         // r[dst].t = r[a].t && r[b].t, after r[a] was found not false
    kOr,          // r[dst].t = r[a].t || r[b].t, after r[a] was found not true
    kJumpIf,      // if r[a].t == when: pc = target
    kJumpIfNot,   // if r[a].t != when: pc = target
    kJump,        // pc = target
    // Comparisons, used in `cmp`.
    kLt,
    kLe,
    kGt,
    kGe,
    kEq,
    kNe,
  };

  // The jump that ends a comparison instruction: none, or to `target` when the result
  // (r[dst].t) equals / differs from `when`.
  enum class Branch : std::uint8_t { kNone, kIfEqual, kIfNotEqual };

  struct Instr {
    Op op;
    Op cmp = Op::kLt;               // the comparison of kCompare, kCompareK, kFeatureCmp
    Tri when = Tri::kFalse;         // the tested value of jumps and branches
    Branch branch = Branch::kNone;  // comparisons only
    std::uint8_t dst = 0;
    std::uint8_t a = 0;
    std::uint8_t b = 0;
    std::int32_t slot = 0;    // kFeature, kFeatureCmp: the feature
    std::int32_t target = 0;  // jumps and branches: the next pc when taken
    double k = 0;             // kConst, the *K operations, kFeatureCmp, kBool
  };

  // The flat form of the bool expression `root`, or null when some part of it lies outside
  // the subset.
  static std::unique_ptr<const FlatProgram> Lower(const Node& root);

  FlatProgram(std::vector<Instr> code, int registers)
      : code_(std::move(code)), registers_(registers) {}

  // `features` by slot; NaN, or a slot beyond the span, is a missing feature (an error).
  Tri Evaluate(std::span<const double> features) const;

  const std::vector<Instr>& code() const { return code_; }
  int register_count() const { return registers_; }

 private:
  std::vector<Instr> code_;
  int registers_ = 0;
};

// Helpers the lowerings of flat.cc and flat_batch.cc share (internal to module expr).
namespace flat_internal {

// The comparison code (kLt..kNe) of a comparison function.
FlatProgram::Op ComparisonOp(Fn fn);
// `!(x < k)` is `x >= k` when neither side is NaN: the comparison code that negates `cmp`.
FlatProgram::Op Negate(FlatProgram::Op cmp);
// A numeric constant as a double (exact for ints below 2^53).
double ConstNumber(const Value& c);
bool IsNumberConst(const Node& n);

// A comparison node's operands with the numeric constant, if there is one, on the right:
// `computed <fn> constant` (fn mirrored when the constant was written on the left), or
// `computed <fn> other` without a constant (constant null).
struct ComparisonOperands {
  const Node* computed;
  const Node* constant;
  Fn fn;
};
ComparisonOperands SplitComparison(const Node& n);

}  // namespace flat_internal

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_FLAT_H_
