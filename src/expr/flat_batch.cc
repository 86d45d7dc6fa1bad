// The flat form of many bool expressions at once: lowering with shared subexpressions,
// and the evaluation loop. See flat_batch.h.
#include "expr/flat_batch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "expr/node.h"
#include "expr/program.h"

namespace credence::expr {

using flat_internal::ComparisonOp;
using flat_internal::ConstNumber;
using flat_internal::IsNumberConst;
using flat_internal::Negate;

// Emits the straight code of planned trees into a FlatBatch, each distinct instruction
// once. Thread-compatible; one per FlatBatch::Lower call.
class BatchLowering {
 public:
  using BOp = FlatBatch::Op;
  using Reg = std::optional<std::uint32_t>;

  explicit BatchLowering(FlatBatch& out) : out_(out) {}

  Reg Bool(const Node& n) {
    switch (n.op) {
      case Op::kConst:
        if (!n.constant.is_bool()) return std::nullopt;
        return Emit({.op = BOp::kBool, .k = n.constant.bool_value() ? 1.0 : 0.0});
      case Op::kFeatureCmp:
        return FeatureCompare(ComparisonOp(n.fn), n.slot, n.number);
      case Op::kCall:
        if (!IsComparison(n.fn) || n.kids.size() != 2) return std::nullopt;
        return Compare(n);
      case Op::kNot: {
        const Node& kid = *n.kids[0];
        if (kid.op == Op::kFeatureCmp && !std::isnan(kid.number)) {
          // !(f < k) is f >= k: a feature is never NaN (that is a missing feature, an error
          // either way) and k is not NaN.
          return FeatureCompare(Negate(ComparisonOp(kid.fn)), kid.slot, kid.number);
        }
        const Reg a = Bool(kid);
        if (!a) return std::nullopt;
        return Emit({.op = BOp::kNot, .a = *a});
      }
      case Op::kAnd:
      case Op::kOr: {
        const Reg a = Bool(*n.kids[0]);
        const Reg b = a ? Bool(*n.kids[1]) : std::nullopt;
        if (!b) return std::nullopt;
        // && and || are commutative here: order the operands so both spellings share.
        return Emit({.op = n.op == Op::kAnd ? BOp::kAnd : BOp::kOr,
                     .a = std::min(*a, *b),
                     .b = std::max(*a, *b)});
      }
      case Op::kCond:
        return Select(n, /*numeric=*/false);
      default:
        return std::nullopt;
    }
  }

 private:
  // The op of comparison `cmp` (FlatProgram::Op kLt..kNe) in the group starting at `first`.
  static BOp Cmp(BOp first, FlatProgram::Op cmp) {
    return static_cast<BOp>(static_cast<int>(first) + static_cast<int>(cmp) -
                            static_cast<int>(FlatProgram::Op::kLt));
  }

  Reg FeatureCompare(FlatProgram::Op cmp, int slot, double k) {
    return Emit({.op = Cmp(BOp::kFeatureLt, cmp), .slot = slot, .k = k});
  }

  Reg Number(const Node& n) {
    switch (n.op) {
      case Op::kFeature:
        return Emit({.op = BOp::kFeature, .slot = n.slot});
      case Op::kConst:
        if (!n.constant.is_number()) return std::nullopt;
        return Emit({.op = BOp::kConst, .k = ConstNumber(n.constant)});
      case Op::kCall: {
        if (n.kids.empty()) return std::nullopt;
        const Reg a = Number(*n.kids[0]);
        if (!a) return std::nullopt;
        if (n.fn == Fn::kNeg) return Emit({.op = BOp::kNeg, .a = *a});
        if (n.kids.size() != 2) return std::nullopt;
        if (IsNumberConst(*n.kids[1])) {
          return Emit(
              {.op = Arithmetic(n.fn, true), .a = *a, .k = ConstNumber(n.kids[1]->constant)});
        }
        const Reg b = Number(*n.kids[1]);
        if (!b) return std::nullopt;
        return Emit({.op = Arithmetic(n.fn, false), .a = *a, .b = *b});
      }
      case Op::kCond:
        return Select(n, /*numeric=*/true);
      default:
        return std::nullopt;
    }
  }

  // A comparison of two numeric operands (the flat form accepted it), the constant inline
  // when there is one.
  Reg Compare(const Node& n) {
    const auto [computed, constant, fn] = flat_internal::SplitComparison(n);
    const Reg a = Number(*computed);
    if (!a) return std::nullopt;
    if (constant != nullptr) {
      return Emit({.op = Cmp(BOp::kCompareKLt, ComparisonOp(fn)),
                   .a = *a,
                   .k = ConstNumber(constant->constant)});
    }
    const Reg b = Number(*n.kids[1]);
    if (!b) return std::nullopt;
    return Emit({.op = Cmp(BOp::kCompareLt, ComparisonOp(fn)), .a = *a, .b = *b});
  }

  Reg Select(const Node& n, bool numeric) {
    const Reg c = Bool(*n.kids[0]);
    const Reg x = !c ? std::nullopt : numeric ? Number(*n.kids[1]) : Bool(*n.kids[1]);
    const Reg y = !x ? std::nullopt : numeric ? Number(*n.kids[2]) : Bool(*n.kids[2]);
    if (!y) return std::nullopt;
    return Emit({.op = BOp::kSelect, .a = *c, .b = *x, .c = *y});
  }

  static BOp Arithmetic(Fn fn, bool constant) {
    switch (fn) {
      case Fn::kAdd:
        return constant ? BOp::kAddK : BOp::kAdd;
      case Fn::kSub:
        return constant ? BOp::kSubK : BOp::kSub;
      case Fn::kMul:
        return constant ? BOp::kMulK : BOp::kMul;
      default:
        return constant ? BOp::kDivK : BOp::kDiv;
    }
  }

  // The register of `in`: an existing one computing the same, or a new one.
  Reg Emit(FlatBatch::Instr in) {
    std::uint64_t k = 0;
    std::memcpy(&k, &in.k, sizeof k);
    const Key key{static_cast<int>(in.op), in.a, in.b, in.c, in.slot, k};
    auto it = seen_.find(key);
    if (it != seen_.end()) return it->second;
    if (out_.code_.size() >= FlatBatch::kMaxInstructions) return std::nullopt;
    const auto reg = static_cast<std::uint32_t>(out_.code_.size());
    out_.code_.push_back(in);
    if (in.op == BOp::kFeature || in.op >= BOp::kFeatureLt) {
      out_.slots_ = std::max(out_.slots_, static_cast<std::size_t>(in.slot) + 1);
    }
    seen_.emplace(key, reg);
    return reg;
  }

  using Key =
      std::tuple<int, std::uint32_t, std::uint32_t, std::uint32_t, std::int32_t, std::uint64_t>;
  FlatBatch& out_;
  std::map<Key, std::uint32_t> seen_;
};

FlatBatch FlatBatch::Lower(std::span<const Program* const> programs) {
  FlatBatch batch;
  BatchLowering lowering(batch);
  batch.outputs_.assign(programs.size(), kNone);
  // Instructions emitted for a condition that turns out to be uncovered stay, computed
  // and unused (the flat form accepted it, so only the instruction limit leaves one out).
  for (std::size_t i = 0; i < programs.size(); ++i) {
    if (programs[i] == nullptr || programs[i]->flat() == nullptr) continue;
    if (const auto reg = lowering.Bool(programs[i]->root())) batch.outputs_[i] = *reg;
  }
  batch.Schedule();
  return batch;
}

namespace {

// How many operand registers (a, b, c in that order) an instruction reads.
int OperandCount(FlatBatch::Op op) {
  using BOp = FlatBatch::Op;
  switch (op) {
    case BOp::kFeature:
    case BOp::kConst:
    case BOp::kBool:
      return 0;
    case BOp::kNeg:
    case BOp::kAddK:
    case BOp::kSubK:
    case BOp::kMulK:
    case BOp::kDivK:
    case BOp::kNot:
      return 1;
    case BOp::kAdd:
    case BOp::kSub:
    case BOp::kMul:
    case BOp::kDiv:
    case BOp::kAnd:
    case BOp::kOr:
      return 2;
    case BOp::kSelect:
      return 3;
    default:
      return op >= BOp::kFeatureLt ? 0 : op >= BOp::kCompareKLt ? 1 : 2;
  }
}

}  // namespace

void FlatBatch::Schedule() {
  const std::size_t n = code_.size();
  // Depth: leaves 0, others one more than their deepest operand (operands come first in
  // emission order, so one forward pass computes it).
  std::vector<std::uint32_t> depth(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Instr& in = code_[i];
    const std::uint32_t operands[3] = {in.a, in.b, in.c};
    for (int k = 0; k < OperandCount(in.op); ++k) {
      depth[i] = std::max(depth[i], depth[operands[k]] + 1);
    }
  }
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    return std::tie(depth[x], code_[x].op) < std::tie(depth[y], code_[y].op);
  });
  std::vector<std::uint32_t> position(n);
  for (std::uint32_t p = 0; p < n; ++p) position[order[p]] = p;
  std::vector<Instr> code(n);
  for (std::uint32_t p = 0; p < n; ++p) {
    Instr in = code_[order[p]];
    std::uint32_t* operands[3] = {&in.a, &in.b, &in.c};
    for (int k = 0; k < OperandCount(in.op); ++k) *operands[k] = position[*operands[k]];
    code[p] = in;
    // A run may span depths: in code order every operand is still computed first.
    if (p == 0 || in.op != code[p - 1].op) runs_.push_back({in.op, p, p});
    runs_.back().end = p + 1;
  }
  code_ = std::move(code);
  for (std::uint32_t i = 0; i < outputs_.size(); ++i) {
    if (outputs_[i] == kNone) continue;
    outputs_[i] = position[outputs_[i]];
    results_.emplace_back(i, outputs_[i]);
  }
}

std::size_t FlatBatch::covered_count() const {
  return static_cast<std::size_t>(
      std::count_if(outputs_.begin(), outputs_.end(), [](std::uint32_t o) { return o != kNone; }));
}

namespace {

// Register tri-states: false < error < true, so && is min and || max; a numeric register
// holds kOk or kError.
constexpr std::uint8_t kFalse = 0, kError = 1, kTrue = 2;
constexpr std::uint8_t kOk = 0;

struct Register {
  double v;
  std::uint8_t t;
};

using BOp = FlatBatch::Op;

// The comparison of group member `I` (0..5: < <= > >= == !=).
template <int I>
inline bool Cmp(double x, double y) {
  if constexpr (I == 0) return x < y;
  if constexpr (I == 1) return x <= y;
  if constexpr (I == 2) return x > y;
  if constexpr (I == 3) return x >= y;
  if constexpr (I == 4) return x == y;
  return x != y;
}

// kError when `error`, else kTrue or kFalse; computed without a branch.
inline std::uint8_t Tri3(bool error, bool b) {
  const unsigned ok = error ? 0u : 1u;
  return static_cast<std::uint8_t>(((static_cast<unsigned>(b) & ok) << 1) | (ok ^ 1u));
}

inline std::uint8_t Either(const Register& x, const Register& y) {
  return static_cast<std::uint8_t>(x.t | y.t);
}

// Runs `body(instruction, its register)` over the instructions [begin, end).
template <typename Body>
inline void Loop(const FlatBatch::Instr* code, Register* r, std::uint32_t begin, std::uint32_t end,
                 Body body) {
  for (std::uint32_t i = begin; i < end; ++i) body(code[i], r[i]);
}

// A run of comparisons `I` of the group starting at `group`.
template <int I>
void Comparisons(BOp group, const FlatBatch::Instr* code, const double* f, Register* r,
                 std::uint32_t begin, std::uint32_t end) {
  using In = FlatBatch::Instr;
  if (group == BOp::kCompareLt) {
    Loop(code, r, begin, end, [&](const In& in, Register& d) {
      d.t = Tri3(Either(r[in.a], r[in.b]) != kOk, Cmp<I>(r[in.a].v, r[in.b].v));
    });
  } else if (group == BOp::kCompareKLt) {
    Loop(code, r, begin, end,
         [&](const In& in, Register& d) { d.t = Tri3(r[in.a].t != kOk, Cmp<I>(r[in.a].v, in.k)); });
  } else {
    Loop(code, r, begin, end, [&](const In& in, Register& d) {
      const double v = f[in.slot];
      d.t = Tri3(std::isnan(v), Cmp<I>(v, in.k));  // NaN = missing feature
    });
  }
}

// A run of a comparison op (kCompareLt..kFeatureNe).
void ComparisonRun(BOp op, const FlatBatch::Instr* code, const double* f, Register* r,
                   std::uint32_t begin, std::uint32_t end) {
  const BOp group = op >= BOp::kFeatureLt    ? BOp::kFeatureLt
                    : op >= BOp::kCompareKLt ? BOp::kCompareKLt
                                             : BOp::kCompareLt;
  switch (static_cast<int>(op) - static_cast<int>(group)) {
    case 0:
      return Comparisons<0>(group, code, f, r, begin, end);
    case 1:
      return Comparisons<1>(group, code, f, r, begin, end);
    case 2:
      return Comparisons<2>(group, code, f, r, begin, end);
    case 3:
      return Comparisons<3>(group, code, f, r, begin, end);
    case 4:
      return Comparisons<4>(group, code, f, r, begin, end);
    default:
      return Comparisons<5>(group, code, f, r, begin, end);
  }
}

// A run of arithmetic (kNeg..kDivK).
void ArithmeticRun(BOp op, const FlatBatch::Instr* code, Register* r, std::uint32_t begin,
                   std::uint32_t end) {
  using In = FlatBatch::Instr;
  auto loop = [&](auto body) { Loop(code, r, begin, end, body); };
  switch (op) {
    case BOp::kNeg:
      return loop([&](const In& in, Register& d) { d = {-r[in.a].v, r[in.a].t}; });
    case BOp::kAdd:
      return loop([&](const In& in, Register& d) {
        d = {r[in.a].v + r[in.b].v, Either(r[in.a], r[in.b])};
      });
    case BOp::kSub:
      return loop([&](const In& in, Register& d) {
        d = {r[in.a].v - r[in.b].v, Either(r[in.a], r[in.b])};
      });
    case BOp::kMul:
      return loop([&](const In& in, Register& d) {
        d = {r[in.a].v * r[in.b].v, Either(r[in.a], r[in.b])};
      });
    case BOp::kDiv:  // IEEE: x / 0 is inf or NaN, as CEL's double
      return loop([&](const In& in, Register& d) {
        d = {r[in.a].v / r[in.b].v, Either(r[in.a], r[in.b])};
      });
    case BOp::kAddK:
      return loop([&](const In& in, Register& d) { d = {r[in.a].v + in.k, r[in.a].t}; });
    case BOp::kSubK:
      return loop([&](const In& in, Register& d) { d = {r[in.a].v - in.k, r[in.a].t}; });
    case BOp::kMulK:
      return loop([&](const In& in, Register& d) { d = {r[in.a].v * in.k, r[in.a].t}; });
    default:
      return loop([&](const In& in, Register& d) { d = {r[in.a].v / in.k, r[in.a].t}; });
  }
}

// A run of any other op (reads, constants, logic, ?:).
void OtherRun(BOp op, const FlatBatch::Instr* code, const double* f, Register* r,
              std::uint32_t begin, std::uint32_t end) {
  using In = FlatBatch::Instr;
  auto loop = [&](auto body) { Loop(code, r, begin, end, body); };
  switch (op) {
    case BOp::kFeature:
      return loop([&](const In& in, Register& d) {
        d.v = f[in.slot];
        d.t = std::isnan(d.v) ? kError : kOk;  // NaN = missing feature
      });
    case BOp::kConst:
      return loop([&](const In& in, Register& d) { d = {in.k, kOk}; });
    case BOp::kBool:
      return loop([&](const In& in, Register& d) { d.t = in.k != 0 ? kTrue : kFalse; });
    case BOp::kNot:
      return loop(
          [&](const In& in, Register& d) { d.t = static_cast<std::uint8_t>(kTrue - r[in.a].t); });
    case BOp::kAnd:
      return loop([&](const In& in, Register& d) { d.t = std::min(r[in.a].t, r[in.b].t); });
    case BOp::kOr:
      return loop([&](const In& in, Register& d) { d.t = std::max(r[in.a].t, r[in.b].t); });
    default:  // kSelect
      return loop([&](const In& in, Register& d) {
        const std::uint8_t c = r[in.a].t;
        const Register& pick = c == kTrue ? r[in.b] : r[in.c];
        d = {pick.v, c == kError ? kError : pick.t};
      });
  }
}

}  // namespace

void FlatBatch::Evaluate(std::span<const double> features, std::span<Tri> out) const {
  if (features.size() < slots_) {  // slots beyond the span read as missing
    std::vector<double> padded(slots_, std::numeric_limits<double>::quiet_NaN());
    std::copy(features.begin(), features.end(), padded.begin());
    Evaluate(padded, out);
    return;
  }
  constexpr std::size_t kOnStack = 1024;
  Register small[kOnStack];
  std::unique_ptr<Register[]> large;
  Register* r = small;
  if (code_.size() > kOnStack) {
    large = std::make_unique_for_overwrite<Register[]>(code_.size());
    r = large.get();
  }
  const Instr* code = code_.data();
  const double* f = features.data();
  for (const Run& run : runs_) {
    if (run.op >= Op::kCompareLt) {
      ComparisonRun(run.op, code, f, r, run.begin, run.end);
    } else if (run.op >= Op::kNeg && run.op <= Op::kDivK) {
      ArithmeticRun(run.op, code, r, run.begin, run.end);
    } else {
      OtherRun(run.op, code, f, r, run.begin, run.end);
    }
  }
  static constexpr Tri kToTri[] = {Tri::kFalse, Tri::kError, Tri::kTrue};  // by register t
  for (const auto& [condition, reg] : results_) out[condition] = kToTri[r[reg].t];
}

}  // namespace credence::expr
