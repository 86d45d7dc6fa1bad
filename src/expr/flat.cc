// The flat form of bool expressions: lowering from the planned tree, and the evaluation
// loop. See flat.h.
#include "expr/flat.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

#include "expr/node.h"

namespace credence::expr {
namespace flat_internal {

using FOp = FlatProgram::Op;

FOp ComparisonOp(Fn fn) {
  switch (fn) {
    case Fn::kLt:
      return FOp::kLt;
    case Fn::kLe:
      return FOp::kLe;
    case Fn::kGt:
      return FOp::kGt;
    case Fn::kGe:
      return FOp::kGe;
    case Fn::kEq:
      return FOp::kEq;
    default:
      return FOp::kNe;
  }
}

// `!(x < k)` is `x >= k` when neither side is NaN.
FOp Negate(FOp cmp) {
  switch (cmp) {
    case FOp::kLt:
      return FOp::kGe;
    case FOp::kLe:
      return FOp::kGt;
    case FOp::kGt:
      return FOp::kLe;
    case FOp::kGe:
      return FOp::kLt;
    case FOp::kEq:
      return FOp::kNe;
    default:
      return FOp::kEq;
  }
}

double ConstNumber(const Value& c) {
  return c.is_double() ? c.double_value()
         : c.is_int()  ? static_cast<double>(c.int_value())
                       : static_cast<double>(c.uint_value());
}

bool IsNumberConst(const Node& n) { return n.op == Op::kConst && n.constant.is_number(); }

ComparisonOperands SplitComparison(const Node& n) {
  const Node& lhs = *n.kids[0];
  const Node& rhs = *n.kids[1];
  if (IsNumberConst(rhs)) return {&lhs, &rhs, n.fn};
  if (IsNumberConst(lhs)) return {&rhs, &lhs, MirrorComparison(n.fn)};
  return {&lhs, nullptr, n.fn};
}

}  // namespace flat_internal

namespace {

using FOp = FlatProgram::Op;  // Op is the planned tree's node kind
using flat_internal::ComparisonOp;
using flat_internal::ConstNumber;
using flat_internal::IsNumberConst;
using flat_internal::Negate;
using Instr = FlatProgram::Instr;

// A numeric register without an error (any Tri but kError).
constexpr Tri kNumberOk = Tri::kFalse;

// Int constants of at most this magnitude convert to double exactly, so comparing two of
// them as doubles is CEL's exact integer comparison.
constexpr double kExactIntLimit = 9007199254740992.0;  // 2^53

// What a numeric operand may be at run time.
struct NumShape {
  bool pure_double = false;  // always a double (CEL compares it with any number by value)
  bool ints_exact = true;    // every int constant in it is exactly representable
};

bool IsArithmetic(Fn fn) {
  return fn == Fn::kAdd || fn == Fn::kSub || fn == Fn::kMul || fn == Fn::kDiv;
}

FOp ArithmeticOp(Fn fn) {
  return fn == Fn::kAdd   ? FOp::kAdd
         : fn == Fn::kSub ? FOp::kSub
         : fn == Fn::kMul ? FOp::kMul
                          : FOp::kDiv;
}

FOp ArithmeticOpK(Fn fn) {
  return fn == Fn::kAdd   ? FOp::kAddK
         : fn == Fn::kSub ? FOp::kSubK
         : fn == Fn::kMul ? FOp::kMulK
                          : FOp::kDivK;
}

// Emits the code of a planned tree, each subexpression into a register at or above the one
// its parent asked for. Thread-compatible; one per FlatProgram::Lower call.
class Lowering {
 public:
  bool Bool(const Node& n, int dst) {
    if (!Use(dst)) return false;
    switch (n.op) {
      case Op::kConst:
        if (!n.constant.is_bool()) return false;
        Emit({.op = FOp::kBool, .dst = Reg(dst), .k = n.constant.bool_value() ? 1.0 : 0.0});
        return true;
      case Op::kFeatureCmp:
        Emit({.op = FOp::kFeatureCmp,
              .cmp = ComparisonOp(n.fn),
              .dst = Reg(dst),
              .slot = n.slot,
              .k = n.number});
        return true;
      case Op::kCall:
        return IsComparison(n.fn) && n.kids.size() == 2 && Compare(n, dst);
      case Op::kNot:
        if (n.kids[0]->op == Op::kFeatureCmp && !std::isnan(n.kids[0]->number)) {
          // !(f < k) is f >= k: a feature is never NaN (that is a missing feature, an error
          // either way) and k is not NaN.
          Emit({.op = FOp::kFeatureCmp,
                .cmp = Negate(ComparisonOp(n.kids[0]->fn)),
                .dst = Reg(dst),
                .slot = n.kids[0]->slot,
                .k = n.kids[0]->number});
          return true;
        }
        if (!Bool(*n.kids[0], dst)) return false;
        Emit({.op = FOp::kNot, .dst = Reg(dst), .a = Reg(dst)});
        return true;
      case Op::kAnd:
      case Op::kOr:
        return Logic(n, dst);
      case Op::kCond:
        return Conditional(n, dst, /*numeric=*/false);
      default:
        return false;
    }
  }

  int registers() const { return max_register_ + 1; }
  std::vector<Instr> TakeCode() { return std::move(code_); }

 private:
  static std::uint8_t Reg(int r) { return static_cast<std::uint8_t>(r); }

  bool Use(int r) {
    if (r >= FlatProgram::kMaxRegisters) return false;
    if (r > max_register_) max_register_ = r;
    return true;
  }

  std::size_t Emit(Instr in) {
    code_.push_back(in);
    return code_.size() - 1;
  }

  // Points the jump (or branch) at `at` to the next instruction to be emitted.
  void PatchJumpHere(std::size_t at) {
    code_[at].target = static_cast<std::int32_t>(code_.size());
    landing_ = code_.size();
  }

  // Emits a conditional jump on register `r`, fused into the comparison just before it when
  // that comparison wrote `r` and no other jump lands between the two (compare-and-branch).
  // Returns the index to patch.
  std::size_t EmitJumpIf(bool if_equal, Tri when, int r) {
    if (!code_.empty() && landing_ != code_.size()) {
      Instr& last = code_.back();
      const bool compare =
          last.op == FOp::kCompare || last.op == FOp::kCompareK || last.op == FOp::kFeatureCmp;
      if (compare && last.dst == Reg(r) && last.branch == FlatProgram::Branch::kNone) {
        last.branch = if_equal ? FlatProgram::Branch::kIfEqual : FlatProgram::Branch::kIfNotEqual;
        last.when = when;
        return code_.size() - 1;
      }
    }
    return Emit({.op = if_equal ? FOp::kJumpIf : FOp::kJumpIfNot, .when = when, .a = Reg(r)});
  }

  // The shape of a numeric operand, or nullopt when it is not one the flat form computes.
  std::optional<NumShape> Shape(const Node& n) const {
    switch (n.op) {
      case Op::kFeature:
        return NumShape{.pure_double = true};
      case Op::kConst:
        if (n.constant.is_double()) return NumShape{.pure_double = true};
        if (!n.constant.is_int() && !n.constant.is_uint()) return std::nullopt;
        return NumShape{.ints_exact = std::abs(ConstNumber(n.constant)) < kExactIntLimit};
      case Op::kCall: {
        // Arithmetic only on doubles: int arithmetic can overflow, an error plain doubles
        // would not reproduce.
        const bool unary = n.fn == Fn::kNeg && n.kids.size() == 1;
        if (!unary && !(IsArithmetic(n.fn) && n.kids.size() == 2)) return std::nullopt;
        for (const auto& k : n.kids) {
          auto s = Shape(*k);
          if (!s || !s->pure_double) return std::nullopt;
        }
        return NumShape{.pure_double = true};
      }
      case Op::kCond: {
        auto a = Shape(*n.kids[1]), b = Shape(*n.kids[2]);
        if (!a || !b) return std::nullopt;
        return NumShape{.pure_double = a->pure_double && b->pure_double,
                        .ints_exact = a->ints_exact && b->ints_exact};
      }
      default:
        return std::nullopt;
    }
  }

  bool Number(const Node& n, int dst) {
    if (!Use(dst)) return false;
    switch (n.op) {
      case Op::kFeature:
        Emit({.op = FOp::kFeature, .dst = Reg(dst), .slot = n.slot});
        return true;
      case Op::kConst:
        Emit({.op = FOp::kConst, .dst = Reg(dst), .k = ConstNumber(n.constant)});
        return true;
      case Op::kCall:
        if (n.fn == Fn::kNeg) {
          if (!Number(*n.kids[0], dst)) return false;
          Emit({.op = FOp::kNeg, .dst = Reg(dst), .a = Reg(dst)});
          return true;
        }
        if (!Number(*n.kids[0], dst)) return false;
        if (IsNumberConst(*n.kids[1])) {  // x op k in one instruction
          Emit({.op = ArithmeticOpK(n.fn),
                .dst = Reg(dst),
                .a = Reg(dst),
                .k = ConstNumber(n.kids[1]->constant)});
          return true;
        }
        if (!Number(*n.kids[1], dst + 1)) return false;
        Emit({.op = ArithmeticOp(n.fn), .dst = Reg(dst), .a = Reg(dst), .b = Reg(dst + 1)});
        return true;
      case Op::kCond:
        return Conditional(n, dst, /*numeric=*/true);
      default:
        return false;
    }
  }

  // A comparison of two numeric operands. CEL compares a double with an int by converting
  // the int to double, and two ints exactly: so at least one side must be a double, or every
  // int constant exact as a double.
  bool Compare(const Node& n, int dst) {
    const Node& lhs = *n.kids[0];
    const Node& rhs = *n.kids[1];
    auto ls = Shape(lhs), rs = Shape(rhs);
    if (!ls || !rs) return false;
    if (!ls->pure_double && !rs->pure_double && !(ls->ints_exact && rs->ints_exact)) return false;
    const auto [computed, constant, fn] = flat_internal::SplitComparison(n);
    const FOp cmp = ComparisonOp(fn);
    if (!Number(*computed, dst)) return false;
    if (constant != nullptr) {
      Emit({.op = FOp::kCompareK,
            .cmp = cmp,
            .dst = Reg(dst),
            .a = Reg(dst),
            .k = ConstNumber(constant->constant)});
      return true;
    }
    if (!Number(rhs, dst + 1)) return false;
    Emit({.op = FOp::kCompare, .cmp = cmp, .dst = Reg(dst), .a = Reg(dst), .b = Reg(dst + 1)});
    return true;
  }

  // a && b, a || b: b is skipped when a already decides (false for &&, true for ||).
  bool Logic(const Node& n, int dst) {
    const bool is_and = n.op == Op::kAnd;
    if (!Bool(*n.kids[0], dst)) return false;
    const std::size_t skip = EmitJumpIf(true, is_and ? Tri::kFalse : Tri::kTrue, dst);
    if (!Bool(*n.kids[1], dst + 1)) return false;
    Emit({.op = is_and ? FOp::kAnd : FOp::kOr, .dst = Reg(dst), .a = Reg(dst), .b = Reg(dst + 1)});
    PatchJumpHere(skip);
    return true;
  }

  // c ? x : y. An error in c is the result (it stays in dst, which a numeric reader also
  // sees as an error).
  bool Conditional(const Node& n, int dst, bool numeric) {
    if (!Bool(*n.kids[0], dst)) return false;
    const std::size_t to_else = EmitJumpIf(false, Tri::kTrue, dst);
    if (!(numeric ? Number(*n.kids[1], dst) : Bool(*n.kids[1], dst))) return false;
    const std::size_t to_end = Emit({.op = FOp::kJump});
    PatchJumpHere(to_else);
    const std::size_t error_to_end = EmitJumpIf(true, Tri::kError, dst);
    if (!(numeric ? Number(*n.kids[2], dst) : Bool(*n.kids[2], dst))) return false;
    PatchJumpHere(to_end);
    PatchJumpHere(error_to_end);
    return true;
  }

  std::vector<Instr> code_;
  int max_register_ = 0;
  std::size_t landing_ = static_cast<std::size_t>(-1);  // the last position a jump lands on
};

inline bool Compare(FOp cmp, double x, double y) {
  switch (cmp) {
    case FOp::kLt:
      return x < y;
    case FOp::kLe:
      return x <= y;
    case FOp::kGt:
      return x > y;
    case FOp::kGe:
      return x >= y;
    case FOp::kEq:
      return x == y;
    default:
      return x != y;
  }
}

inline Tri ToTri(bool b) { return b ? Tri::kTrue : Tri::kFalse; }

// Whether the branch ending comparison `in` is taken for its result `t`.
inline bool Taken(const Instr& in, Tri t) {
  return in.branch != FlatProgram::Branch::kNone &&
         (t == in.when) == (in.branch == FlatProgram::Branch::kIfEqual);
}

}  // namespace

std::unique_ptr<const FlatProgram> FlatProgram::Lower(const Node& root) {
  Lowering lowering;
  if (!lowering.Bool(root, 0)) return nullptr;
  const int registers = lowering.registers();
  return std::make_unique<const FlatProgram>(lowering.TakeCode(), registers);
}

Tri FlatProgram::Evaluate(std::span<const double> features) const {
  struct Register {
    double v;
    Tri t;
  };
  Register r[kMaxRegisters];
  auto load = [&](std::int32_t slot) {
    return static_cast<std::size_t>(slot) < features.size()
               ? features[static_cast<std::size_t>(slot)]
               : std::numeric_limits<double>::quiet_NaN();
  };
  auto error_of = [&](const Register& x, const Register& y) {
    return x.t == Tri::kError || y.t == Tri::kError ? Tri::kError : kNumberOk;
  };
  const Instr* code = code_.data();
  const std::size_t size = code_.size();
  std::size_t pc = 0;
  while (pc < size) {
    const Instr& in = code[pc++];
    Register& d = r[in.dst];
    switch (in.op) {
      case FOp::kFeature: {
        const double v = load(in.slot);
        d = {v, std::isnan(v) ? Tri::kError : kNumberOk};  // NaN = missing feature
        break;
      }
      case FOp::kConst:
        d = {in.k, kNumberOk};
        break;
      case FOp::kNeg:
        d = {-r[in.a].v, r[in.a].t};
        break;
      case FOp::kAdd:
        d = {r[in.a].v + r[in.b].v, error_of(r[in.a], r[in.b])};
        break;
      case FOp::kSub:
        d = {r[in.a].v - r[in.b].v, error_of(r[in.a], r[in.b])};
        break;
      case FOp::kMul:
        d = {r[in.a].v * r[in.b].v, error_of(r[in.a], r[in.b])};
        break;
      case FOp::kDiv:
        d = {r[in.a].v / r[in.b].v, error_of(r[in.a], r[in.b])};
        break;
      case FOp::kAddK:
        d = {r[in.a].v + in.k, r[in.a].t};
        break;
      case FOp::kSubK:
        d = {r[in.a].v - in.k, r[in.a].t};
        break;
      case FOp::kMulK:
        d = {r[in.a].v * in.k, r[in.a].t};
        break;
      case FOp::kDivK:
        d = {r[in.a].v / in.k, r[in.a].t};
        break;
      case FOp::kCompare:
        d.t = error_of(r[in.a], r[in.b]) == Tri::kError
                  ? Tri::kError
                  : ToTri(Compare(in.cmp, r[in.a].v, r[in.b].v));
        if (Taken(in, d.t)) pc = static_cast<std::size_t>(in.target);
        break;
      case FOp::kCompareK:
        d.t = r[in.a].t == Tri::kError ? Tri::kError : ToTri(Compare(in.cmp, r[in.a].v, in.k));
        if (Taken(in, d.t)) pc = static_cast<std::size_t>(in.target);
        break;
      case FOp::kFeatureCmp: {
        const double v = load(in.slot);
        d.t = std::isnan(v) ? Tri::kError : ToTri(Compare(in.cmp, v, in.k));
        if (Taken(in, d.t)) pc = static_cast<std::size_t>(in.target);
        break;
      }
      case FOp::kBool:
        d.t = ToTri(in.k != 0);
        break;
      case FOp::kNot:
        d.t = r[in.a].t == Tri::kError ? Tri::kError : ToTri(r[in.a].t == Tri::kFalse);
        break;
      case FOp::kAnd: {  // r[a] is true or an error
        const Tri b = r[in.b].t;
        d.t = b == Tri::kFalse                               ? Tri::kFalse
              : r[in.a].t == Tri::kError || b == Tri::kError ? Tri::kError
                                                             : Tri::kTrue;
        break;
      }
      case FOp::kOr: {  // r[a] is false or an error
        const Tri b = r[in.b].t;
        d.t = b == Tri::kTrue                                ? Tri::kTrue
              : r[in.a].t == Tri::kError || b == Tri::kError ? Tri::kError
                                                             : Tri::kFalse;
        break;
      }
      case FOp::kJumpIf:
        if (r[in.a].t == in.when) pc = static_cast<std::size_t>(in.target);
        break;
      case FOp::kJumpIfNot:
        if (r[in.a].t != in.when) pc = static_cast<std::size_t>(in.target);
        break;
      case FOp::kJump:
        pc = static_cast<std::size_t>(in.target);
        break;
      default:
        return Tri::kError;  // not an instruction (the comparison codes)
    }
  }
  return r[0].t;
}

}  // namespace credence::expr
