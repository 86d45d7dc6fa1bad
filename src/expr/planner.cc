// The planner: checked AST to Node tree. See planner.h.
#include "expr/planner.h"

#include <re2/re2.h>

#include <string>
#include <utility>
#include <vector>

#include "expr/analysis.h"
#include "expr/extensions.h"
#include "expr/parser.h"
#include "expr/time_util.h"

namespace credence::expr {
namespace {

double AsDouble(const Value& v) {
  return v.is_int()    ? static_cast<double>(v.int_value())
         : v.is_uint() ? static_cast<double>(v.uint_value())
                       : v.double_value();
}

bool IsNumberConst(const Node& k) { return k.op == Op::kConst && k.constant.is_number(); }

bool IsStringConst(const Node& k) { return k.op == Op::kConst && k.constant.is_string(); }

// Plans one expression. Thread-compatible; one per Plan call.
class Planner {
 public:
  Planner(std::string_view source, const Environment& env, const CompileOptions& opts)
      : source_(source), env_(env), opts_(opts), fold_budget_(opts.max_steps) {}

  Result<std::unique_ptr<Node>> Run(const Expr& e) {
    auto n = Build(e);
    if (!error_.ok()) return error_;
    return n;
  }

 private:
  void Fail(const Expr& e, std::string message) {
    if (error_.ok()) error_ = InvalidArgumentError(message, LocationOf(source_, e.offset));
  }

  std::unique_ptr<Node> New(Op op, const Expr& e) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->offset = e.offset;
    return n;
  }

  std::unique_ptr<Node> Constant(const Expr& e) {
    auto n = New(Op::kConst, e);
    n->constant = e.constant;
    return n;
  }

  std::unique_ptr<Node> Fold(std::unique_ptr<Node> n) {
    if (!opts_.fold_constants || !n) return n;
    return internal::FoldNode(std::move(n), &fold_budget_);
  }

  std::unique_ptr<Node> Build(const Expr& e) {
    if (!error_.ok()) return nullptr;
    if (e.ref == RefKind::kVariable) return Variable(e);
    switch (e.kind) {
      case ExprKind::kConst:
        return Constant(e);
      case ExprKind::kIdent:
        return Ident(e);
      case ExprKind::kSelect: {
        if (e.ref == RefKind::kTypeName) return Constant(e);
        auto n = New(e.test_only ? Op::kHas : e.optional ? Op::kOptSelect : Op::kSelect, e);
        n->name = e.name;
        n->constant = Value::String(e.name);
        n->kids.push_back(Build(*e.operand));
        return Fold(std::move(n));
      }
      case ExprKind::kList:
      case ExprKind::kMap: {
        auto n = New(e.kind == ExprKind::kList ? Op::kList : Op::kMap, e);
        n->optional_entries = e.optional_entries;
        for (const auto& a : e.args) n->kids.push_back(Build(*a));
        return Fold(std::move(n));
      }
      case ExprKind::kComprehension: {
        auto n = New(Op::kComprehension, e);
        n->comprehension = e.comprehension;
        n->slot = e.local_slot;
        n->slot2 = e.local_slot2;
        n->kids.push_back(Build(*e.operand));
        for (const auto& a : e.args) n->kids.push_back(Build(*a));
        return n;
      }
      case ExprKind::kCall:
        return BuildCall(e);
    }
    return nullptr;
  }

  std::unique_ptr<Node> Ident(const Expr& e) {
    if (e.ref == RefKind::kLocal) {
      auto n = New(Op::kLocal, e);
      n->slot = e.local_slot;
      return n;
    }
    if (e.ref == RefKind::kTypeName) return Constant(e);
    auto n = New(Op::kUndeclared, e);
    n->name = e.name;
    return n;
  }

  std::unique_ptr<Node> Variable(const Expr& e) {
    const VariableDecl* d = env_.Find(e.resolved);
    if (d != nullptr && d->feature_slot >= 0) {
      auto n = New(Op::kFeature, e);
      n->slot = d->feature_slot;
      n->name = e.resolved;
      n->constant =
          Value::Error(StatusCode::kNotFound, "no such feature value: '" + e.resolved + "'");
      return n;
    }
    auto n = New(Op::kVar, e);
    n->name = e.resolved;
    return n;
  }

  std::unique_ptr<Node> BuildCall(const Expr& e) {
    const std::string& fn = e.name;
    auto n = New(Op::kCall, e);
    n->name = fn;
    if (e.operand) n->kids.push_back(Build(*e.operand));
    for (const auto& a : e.args) n->kids.push_back(Build(*a));
    if (!error_.ok()) return nullptr;
    if (!e.operand) {
      const std::size_t argc = n->kids.size();
      if ((fn == "_&&_" || fn == "_||_") && argc == 2) {
        n->op = fn == "_&&_" ? Op::kAnd : Op::kOr;
        return Fold(std::move(n));
      }
      if ((fn == "!_" && argc == 1) || (fn == "_?_:_" && argc == 3)) {
        n->op = fn == "!_" ? Op::kNot : Op::kCond;
        return Fold(std::move(n));
      }
    }
    n->fn = LookupBuiltin(fn, e.operand != nullptr, n->kids.size());
    if (n->fn == Fn::kUnknown) {
      if (auto ext = internal::LookupExtension(fn, e.operand != nullptr, n->kids.size())) {
        n->fn = Fn::kExtension;
        n->ext = *ext;
        return Fold(std::move(n));
      }
      if (opts_.check_types) {
        Fail(e, "found no matching overload for '" + fn + "'");
        return nullptr;
      }
      // Dynamic evaluation: a run-time error once the arguments evaluate without error.
      return n;
    }
    if (!PrecompileRegex(e, *n) || !PrecompileZone(e, *n)) return nullptr;
    if (auto fused = FuseFeatureCompare(*n)) return fused;
    return Fold(std::move(n));
  }

  // `s.matches(p)` with a constant pattern: compile it once.
  bool PrecompileRegex(const Expr& e, Node& n) {
    if (n.fn != Fn::kMatches || !IsStringConst(*n.kids[1])) return true;
    RE2::Options o;
    o.set_log_errors(false);
    auto re = std::make_shared<const RE2>(n.kids[1]->constant.string_value(), o);
    if (!re->ok()) {
      const Expr& pattern = e.operand ? *e.args[0] : *e.args[1];
      Fail(pattern, "invalid regular expression: " + re->error());
      return false;
    }
    n.regex = std::move(re);
    return true;
  }

  // `t.getHours(zone)` with a constant zone: resolve it once.
  bool PrecompileZone(const Expr& e, Node& n) {
    if (!IsTimeGetter(n.fn) || n.kids.size() != 2 || !IsStringConst(*n.kids[1])) return true;
    auto zone = TimeZone::Load(n.kids[1]->constant.string_value());
    if (!zone.ok()) {
      Fail(*e.args[0], std::string(zone.status().message()));
      return false;
    }
    n.zone = std::make_shared<const TimeZone>(*zone);
    return true;
  }

  // `feature <cmp> number` (or `number <cmp> feature`) as one kFeatureCmp node; null when
  // `n` has another shape.
  std::unique_ptr<Node> FuseFeatureCompare(const Node& n) {
    if (!IsComparison(n.fn) || n.kids.size() != 2) return nullptr;
    std::size_t feature = 2;
    if (n.kids[0]->op == Op::kFeature && IsNumberConst(*n.kids[1])) feature = 0;
    if (n.kids[1]->op == Op::kFeature && IsNumberConst(*n.kids[0])) feature = 1;
    if (feature == 2) return nullptr;
    const Node& f = *n.kids[feature];
    auto fused = std::make_unique<Node>();
    fused->op = Op::kFeatureCmp;
    fused->offset = n.offset;
    fused->fn = feature == 0 ? n.fn : MirrorComparison(n.fn);
    fused->slot = f.slot;
    fused->constant = f.constant;
    fused->name = f.name;
    fused->number = AsDouble(n.kids[1 - feature]->constant);
    return fused;
  }

  std::string_view source_;
  const Environment& env_;
  const CompileOptions& opts_;
  std::uint64_t fold_budget_;  // steps left for folding constants in this expression
  Status error_;
};

}  // namespace

Result<std::unique_ptr<Node>> Plan(const Expr& root, std::string_view source,
                                   const Environment& env, const CompileOptions& options) {
  return Planner(source, env, options).Run(root);
}

}  // namespace credence::expr
