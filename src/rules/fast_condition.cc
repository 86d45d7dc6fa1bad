#include "rules/fast_condition.h"

#include <cmath>

#include "expr/ast.h"
#include "expr/parser.h"

namespace credence::rules {

class FastConditionBuilder {
 public:
  explicit FastConditionBuilder(const expr::Environment& env) : env_(env) {}

  // Appends the node for `e` as a numeric (want_bool=false) or tri (true) expression.
  std::optional<std::int32_t> Build(const expr::Expr& e, bool want_bool) {
    using Op = FastCondition::Op;
    using expr::ExprKind;
    switch (e.kind) {
      case ExprKind::kConst: {
        const expr::Value& v = e.constant;
        if (want_bool) {
          if (!v.is_bool()) return std::nullopt;
          return Add({v.bool_value() ? Op::kTrue : Op::kFalse});
        }
        double d;
        if (v.is_double()) {
          d = v.double_value();
        } else if (v.is_int() && std::abs(v.int_value()) < (std::int64_t{1} << 53)) {
          d = static_cast<double>(v.int_value());
        } else if (v.is_uint() && v.uint_value() < (std::uint64_t{1} << 53)) {
          d = static_cast<double>(v.uint_value());
        } else {
          return std::nullopt;
        }
        FastCondition::Node n{Op::kConst};
        n.value = d;
        return Add(n);
      }
      case ExprKind::kIdent:
      case ExprKind::kSelect: {
        if (want_bool || e.ref != expr::RefKind::kVariable) return std::nullopt;
        const expr::VariableDecl* decl = env_.Find(e.resolved);
        if (decl == nullptr || decl->feature_slot < 0) return std::nullopt;
        FastCondition::Node n{Op::kFeature};
        n.slot = decl->feature_slot;
        return Add(n);
      }
      case ExprKind::kCall:
        break;
      default:
        return std::nullopt;
    }
    if (e.operand != nullptr) return std::nullopt;  // receiver calls are not in the subset
    const std::string& fn = e.name;
    const auto& args = e.args;
    auto binary = [&](Op op, bool operands_bool) -> std::optional<std::int32_t> {
      if (args.size() != 2) return std::nullopt;
      auto a = Build(*args[0], operands_bool);
      if (!a) return std::nullopt;
      auto b = Build(*args[1], operands_bool);
      if (!b) return std::nullopt;
      FastCondition::Node n{op};
      n.a = *a;
      n.b = *b;
      return Add(n);
    };
    if (want_bool) {
      if (fn == "_&&_") return binary(Op::kAnd, true);
      if (fn == "_||_") return binary(Op::kOr, true);
      if (fn == "!_" && args.size() == 1) {
        auto a = Build(*args[0], true);
        if (!a) return std::nullopt;
        FastCondition::Node n{Op::kNot};
        n.a = *a;
        return Add(n);
      }
      // Comparisons: both operands must be numeric in the subset (numbers of any kind).
      static constexpr std::pair<std::string_view, Op> kCmp[] = {
          {"_<_", Op::kLt},  {"_<=_", Op::kLe}, {"_>_", Op::kGt},
          {"_>=_", Op::kGe}, {"_==_", Op::kEq}, {"_!=_", Op::kNe}};
      for (const auto& [name, op] : kCmp) {
        if (fn == name) {
          if (args.size() != 2 || !IsNumberType(*args[0]) || !IsNumberType(*args[1])) {
            return std::nullopt;
          }
          auto a = Build(*args[0], false);
          if (!a) return std::nullopt;
          auto b = Build(*args[1], false);
          if (!b) return std::nullopt;
          // Fuse "feature <op> constant" (or "constant <op> feature", mirrored) into one node.
          const FastCondition::Node& na = nodes_[static_cast<std::size_t>(*a)];
          const FastCondition::Node& nb = nodes_[static_cast<std::size_t>(*b)];
          if (na.op == Op::kFeature && nb.op == Op::kConst) {
            FastCondition::Node n{Op::kCmpFeatureConst};
            n.slot = na.slot;
            n.value = nb.value;
            n.cmp = op;
            return Add(n);
          }
          if (na.op == Op::kConst && nb.op == Op::kFeature) {
            FastCondition::Node n{Op::kCmpFeatureConst};
            n.slot = nb.slot;
            n.value = na.value;
            n.cmp = op == Op::kLt   ? Op::kGt
                    : op == Op::kLe ? Op::kGe
                    : op == Op::kGt ? Op::kLt
                    : op == Op::kGe ? Op::kLe
                                    : op;
            return Add(n);
          }
          FastCondition::Node n{op};
          n.a = *a;
          n.b = *b;
          return Add(n);
        }
      }
    } else {
      if (!IsDoubleOrConst(e)) return std::nullopt;
      if (fn == "_+_") return binary(Op::kAdd, false);
      if (fn == "_-_") return binary(Op::kSub, false);
      if (fn == "_*_") return binary(Op::kMul, false);
      if (fn == "_/_") return binary(Op::kDiv, false);
      if (fn == "-_" && args.size() == 1) {
        auto a = Build(*args[0], false);
        if (!a) return std::nullopt;
        FastCondition::Node n{Op::kNeg};
        n.a = *a;
        return Add(n);
      }
    }
    if (fn == "_?_:_" && args.size() == 3) {
      auto c = Build(*args[0], true);
      if (!c) return std::nullopt;
      auto a = Build(*args[1], want_bool);
      if (!a) return std::nullopt;
      auto b = Build(*args[2], want_bool);
      if (!b) return std::nullopt;
      FastCondition::Node n{want_bool ? Op::kCondTri : Op::kCondNum};
      n.c = *c;
      n.a = *a;
      n.b = *b;
      return Add(n);
    }
    return std::nullopt;
  }

  FastCondition Finish(std::int32_t root) {
    FastCondition f;
    f.nodes_ = std::move(nodes_);
    f.root_ = root;
    return f;
  }

 private:
  // Arithmetic stays in the subset only on doubles: int arithmetic can overflow (an error
  // in CEL), which plain doubles would not reproduce.
  static bool IsDoubleOrConst(const expr::Expr& e) { return e.type == expr::Type::Double(); }
  static bool IsNumberType(const expr::Expr& e) {
    if (e.type == expr::Type::Double()) return true;
    // Integer operands only as constants (checked exactly in Build).
    return e.kind == expr::ExprKind::kConst &&
           (e.type == expr::Type::Int() || e.type == expr::Type::Uint());
  }
  std::int32_t Add(FastCondition::Node n) {
    nodes_.push_back(n);
    return static_cast<std::int32_t>(nodes_.size() - 1);
  }

  const expr::Environment& env_;
  std::vector<FastCondition::Node> nodes_;
};

std::optional<FastCondition> FastCondition::Compile(std::string_view source,
                                                    const expr::Environment& env) {
  auto parsed = expr::Parse(source);
  if (!parsed.ok()) return std::nullopt;
  auto type = expr::Check(*parsed, env);
  if (!type.ok() || !(*type == expr::Type::Bool())) return std::nullopt;
  FastConditionBuilder builder(env);
  auto root = builder.Build(*parsed->root, true);
  if (!root) return std::nullopt;
  return builder.Finish(*root);
}

FastCondition::Num FastCondition::EvalNum(std::int32_t i, std::span<const double> f) const {
  const Node& n = nodes_[static_cast<std::size_t>(i)];
  switch (n.op) {
    case Op::kFeature: {
      const double v = f[static_cast<std::size_t>(n.slot)];
      return {v, std::isnan(v)};  // NaN = missing feature: an error in CEL
    }
    case Op::kConst:
      return {n.value, false};
    case Op::kNeg: {
      Num a = EvalNum(n.a, f);
      return {-a.v, a.err};
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv: {
      Num a = EvalNum(n.a, f);
      Num b = EvalNum(n.b, f);
      const double v = n.op == Op::kAdd   ? a.v + b.v
                       : n.op == Op::kSub ? a.v - b.v
                       : n.op == Op::kMul ? a.v * b.v
                                          : a.v / b.v;
      return {v, a.err || b.err};
    }
    case Op::kCondNum: {
      const Tri c = EvalTri(n.c, f);
      if (c == Tri::kError) return {0, true};
      return EvalNum(c == Tri::kTrue ? n.a : n.b, f);
    }
    default:
      return {0, true};
  }
}

namespace {
inline bool Compare(double a, double b, int op_lt_le_gt_ge_eq_ne) {
  switch (op_lt_le_gt_ge_eq_ne) {
    case 0:
      return a < b;
    case 1:
      return a <= b;
    case 2:
      return a > b;
    case 3:
      return a >= b;
    case 4:
      return a == b;
    default:
      return a != b;
  }
}
}  // namespace

FastCondition::Tri FastCondition::EvalTri(std::int32_t i, std::span<const double> f) const {
  const Node& n = nodes_[static_cast<std::size_t>(i)];
  switch (n.op) {
    case Op::kCmpFeatureConst: {
      const double v = f[static_cast<std::size_t>(n.slot)];
      if (std::isnan(v)) return Tri::kError;  // a missing feature
      return Compare(v, n.value, static_cast<int>(n.cmp) - static_cast<int>(Op::kLt)) ? Tri::kTrue
                                                                                      : Tri::kFalse;
    }
    case Op::kTrue:
      return Tri::kTrue;
    case Op::kFalse:
      return Tri::kFalse;
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
    case Op::kEq:
    case Op::kNe: {
      const Num a = EvalNum(n.a, f);
      const Num b = EvalNum(n.b, f);
      if (a.err || b.err) return Tri::kError;
      return Compare(a.v, b.v, static_cast<int>(n.op) - static_cast<int>(Op::kLt)) ? Tri::kTrue
                                                                                   : Tri::kFalse;
    }
    case Op::kAnd: {
      const Tri a = EvalTri(n.a, f);
      if (a == Tri::kFalse) return Tri::kFalse;
      const Tri b = EvalTri(n.b, f);
      if (b == Tri::kFalse) return Tri::kFalse;
      return a == Tri::kTrue && b == Tri::kTrue ? Tri::kTrue : Tri::kError;
    }
    case Op::kOr: {
      const Tri a = EvalTri(n.a, f);
      if (a == Tri::kTrue) return Tri::kTrue;
      const Tri b = EvalTri(n.b, f);
      if (b == Tri::kTrue) return Tri::kTrue;
      return a == Tri::kFalse && b == Tri::kFalse ? Tri::kFalse : Tri::kError;
    }
    case Op::kNot: {
      const Tri a = EvalTri(n.a, f);
      return a == Tri::kError ? a : (a == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
    }
    case Op::kCondTri: {
      const Tri c = EvalTri(n.c, f);
      if (c == Tri::kError) return c;
      return EvalTri(c == Tri::kTrue ? n.a : n.b, f);
    }
    default:
      return Tri::kError;
  }
}

FastCondition::Tri FastCondition::Evaluate(std::span<const double> features) const {
  return EvalTri(root_, features);
}

}  // namespace credence::rules
