// Static analysis: constant folding, intervals, referenced names, satisfiability. See
// analysis.h.
#include "expr/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <new>
#include <set>
#include <stdexcept>
#include <utility>

#include "expr/checker.h"
#include "expr/cost.h"
#include "expr/evaluator.h"
#include "expr/extensions.h"
#include "expr/node.h"
#include "expr/planner.h"
#include "expr/program.h"

namespace credence::expr {
namespace {

std::unique_ptr<Node> ConstNode(Value v, std::int32_t offset) {
  auto c = std::make_unique<Node>();
  c->op = Op::kConst;
  c->offset = offset;
  c->constant = std::move(v);
  return c;
}

bool IsBoolConst(const Node* k, bool value) {
  return k != nullptr && k->op == Op::kConst && k->constant.is_bool() &&
         k->constant.bool_value() == value;
}

// `false && x` and `x && false` are false, `true || x` and `x || true` true (CEL's
// commutative logic: whatever x is, error included); `c ? a : b` with a constant c is a or b.
std::unique_ptr<Node> ShortCircuit(std::unique_ptr<Node>& n) {
  if (n->op == Op::kAnd || n->op == Op::kOr) {
    const bool decides = n->op == Op::kOr;
    for (const auto& k : n->kids) {
      if (IsBoolConst(k.get(), decides)) return ConstNode(Value::Bool(decides), n->offset);
    }
  }
  if (n->op == Op::kCond && n->kids.size() == 3 && n->kids[0] != nullptr &&
      n->kids[0]->op == Op::kConst && n->kids[0]->constant.is_bool()) {
    return std::move(n->kids[n->kids[0]->constant.bool_value() ? 1 : 2]);
  }
  return nullptr;
}

double AsDouble(const Value& v) {
  return v.is_int()    ? static_cast<double>(v.int_value())
         : v.is_uint() ? static_cast<double>(v.uint_value())
                       : v.double_value();
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The dotted name of an identifier or a member chain rooted at one; "" otherwise.
std::string ChainName(const Expr& e) {
  if (e.kind == ExprKind::kIdent) return e.name;
  if (e.kind == ExprKind::kSelect && !e.test_only && e.operand != nullptr) {
    std::string base = ChainName(*e.operand);
    if (!base.empty()) return base + "." + e.name;
  }
  return {};
}

void Collect(const Expr& e, std::vector<std::string>& bound, std::vector<std::string>& out,
             std::set<std::string>& seen) {
  auto add = [&](const std::string& name) {
    if (seen.insert(name).second) out.push_back(name);
  };
  if (e.kind == ExprKind::kIdent) {
    if (std::find(bound.begin(), bound.end(), e.name) == bound.end()) add(e.name);
    return;
  }
  if (e.kind == ExprKind::kSelect) {
    // has(a.b) reads whether a.b is there: count it as reading a.b.
    const std::string chain = e.test_only && e.operand != nullptr && !ChainName(*e.operand).empty()
                                  ? ChainName(*e.operand) + "." + e.name
                                  : ChainName(e);
    if (!chain.empty()) {
      const std::string root = chain.substr(0, chain.find('.'));
      if (std::find(bound.begin(), bound.end(), root) == bound.end()) {
        add(chain);
        return;
      }
    }
    if (e.operand) Collect(*e.operand, bound, out, seen);
    return;
  }
  if (e.kind == ExprKind::kCall && e.operand != nullptr && e.operand->kind == ExprKind::kIdent &&
      internal::IsNamespacedExtension(e.operand->name + "." + e.name)) {
    // math.least(x, y): a global function of a namespace, not a method on a variable `math`.
    for (const auto& a : e.args) {
      if (a) Collect(*a, bound, out, seen);
    }
    return;
  }
  if (e.kind == ExprKind::kComprehension) {
    // The range (or bound value) is read outside the variables' scope.
    if (e.operand) Collect(*e.operand, bound, out, seen);
    const std::size_t mark = bound.size();
    bound.push_back(e.name);
    if (!e.name2.empty()) bound.push_back(e.name2);
    for (const auto& a : e.args) {
      if (a) Collect(*a, bound, out, seen);
    }
    bound.resize(mark);
    return;
  }
  if (e.operand) Collect(*e.operand, bound, out, seen);
  for (const auto& a : e.args) {
    if (a) Collect(*a, bound, out, seen);
  }
}

void Conjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::kCall && e.operand == nullptr && e.name == "_&&_" && e.args.size() == 2) {
    Conjuncts(*e.args[0], out);
    Conjuncts(*e.args[1], out);
    return;
  }
  out.push_back(&e);
}

// `x <cmp> c` (or `c <cmp> x`, mirrored) with x a variable: its name, the comparison as
// written with x on the left, and the other operand.
struct Comparison {
  std::string var;
  std::string op;
  const Expr* other = nullptr;
};

std::optional<Comparison> AsVariableComparison(const Expr& p) {
  if (p.kind != ExprKind::kCall || p.operand != nullptr || p.args.size() != 2) return std::nullopt;
  Comparison c{ChainName(*p.args[0]), p.name, p.args[1].get()};
  if (c.var.empty()) {
    c.var = ChainName(*p.args[1]);
    c.other = p.args[0].get();
    if (c.op == "_<_") {
      c.op = "_>_";
    } else if (c.op == "_>_") {
      c.op = "_<_";
    } else if (c.op == "_<=_") {
      c.op = "_>=_";
    } else if (c.op == "_>=_") {
      c.op = "_<=_";
    }
  }
  if (c.var.empty()) return std::nullopt;
  return c;
}

}  // namespace

namespace internal {

std::unique_ptr<Node> FoldNode(std::unique_ptr<Node> n, std::uint64_t* budget) {
  if (auto decided = ShortCircuit(n)) return decided;
  for (const auto& k : n->kids) {
    if (!k || k->op != Op::kConst) return n;
  }
  if (n->op == Op::kCall && n->fn == Fn::kUnknown) return n;
  Frame f;
  f.max_steps = *budget;
  Value v;
  try {
    v = Eval(*n, f);
  } catch (const std::bad_alloc&) {
    f.exhausted = true;
  } catch (const std::length_error&) {
    f.exhausted = true;
  }
  *budget -= std::min(f.steps, *budget);
  if (f.exhausted || v.is_error() || ShallowSteps(v) > kMaxFoldedSteps) return n;
  return ConstNode(std::move(v), n->offset);
}

}  // namespace internal

std::optional<Value> ConstantValue(const Expr& e) {
  static const Environment kNoVariables;
  CompileOptions options;
  options.check_types = false;
  auto planned = Plan(e, "", kNoVariables, options);
  if (!planned.ok() || (*planned)->op != Op::kConst || (*planned)->constant.is_error()) {
    return std::nullopt;
  }
  return (*planned)->constant;
}

Result<Value> EvaluateConstant(std::string_view source) {
  static const Environment kNoVariables;
  CREDENCE_ASSIGN_OR_RETURN(std::shared_ptr<const Program> program,
                            Compile(source, kNoVariables, {}));
  CREDENCE_ASSIGN_OR_RETURN(Value value, program->Evaluate(Activation()));
  if (value.is_error()) return InvalidArgumentError(value.error().message);
  return value;
}

std::string Interval::ToString() const {
  return (lo_closed ? "[" : "(") + FormatNumber(lo) + ", " + FormatNumber(hi) +
         (hi_closed ? "]" : ")");
}

Interval Intersect(const Interval& a, const Interval& b) {
  Interval r;
  if (a.lo != b.lo) {
    r.lo = std::max(a.lo, b.lo);
    r.lo_closed = a.lo > b.lo ? a.lo_closed : b.lo_closed;
  } else {
    r.lo = a.lo;
    r.lo_closed = a.lo_closed && b.lo_closed;
  }
  if (a.hi != b.hi) {
    r.hi = std::min(a.hi, b.hi);
    r.hi_closed = a.hi < b.hi ? a.hi_closed : b.hi_closed;
  } else {
    r.hi = a.hi;
    r.hi_closed = a.hi_closed && b.hi_closed;
  }
  return r;
}

std::vector<Interval> Uncovered(std::vector<Interval> v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) {
    return a.lo < b.lo || (a.lo == b.lo && a.lo_closed && !b.lo_closed);
  });
  std::vector<Interval> gaps;
  double reach = -Interval::kInf;
  bool reach_closed = false;  // whether `reach` itself is covered
  bool started = false;
  for (const Interval& x : v) {
    const bool covers_from_reach =
        started && (x.lo < reach || (x.lo == reach && (reach_closed || x.lo_closed)));
    if (!(!started && x.lo == -Interval::kInf) && !covers_from_reach) {
      gaps.push_back(started ? Interval{reach, x.lo, !reach_closed, !x.lo_closed}
                             : Interval::Below(x.lo, !x.lo_closed));
    }
    if (!started || x.hi > reach || (x.hi == reach && x.hi_closed)) {
      reach = x.hi;
      reach_closed = x.hi_closed;
    }
    started = true;
  }
  if (reach != Interval::kInf) gaps.push_back(Interval::Above(reach, !reach_closed));
  return gaps;
}

std::optional<Interval> ComparisonInterval(std::string_view cmp, double c) {
  if (cmp == "_<_") return Interval::Below(c, false);
  if (cmp == "_<=_") return Interval::Below(c, true);
  if (cmp == "_>_") return Interval::Above(c, false);
  if (cmp == "_>=_") return Interval::Above(c, true);
  if (cmp == "_==_") return Interval::Point(c);
  return std::nullopt;
}

std::vector<std::string> ReferencedNames(const Expr& root) {
  std::vector<std::string> bound, out;
  std::set<std::string> seen;
  Collect(root, bound, out, seen);
  return out;
}

Result<std::vector<std::string>> ReferencedNames(std::string_view expression) {
  auto parsed = Parse(expression);
  if (!parsed.ok()) return parsed.status();
  return ReferencedNames(*parsed->root);
}

Satisfiability AnalyzeCondition(const Expr& root, std::string* why) {
  if (auto c = ConstantValue(root); c && c->is_bool()) {
    if (!c->bool_value() && why != nullptr) *why = "the condition is always false";
    return c->bool_value() ? Satisfiability::kAlways : Satisfiability::kNever;
  }
  std::vector<const Expr*> parts;
  Conjuncts(root, parts);
  std::map<std::string, Interval> bounds;
  std::map<std::string, std::string> equal_strings;
  for (const Expr* p : parts) {
    if (auto c = ConstantValue(*p); c && c->is_bool() && !c->bool_value()) {
      if (why != nullptr) *why = "a conjunct is always false";
      return Satisfiability::kNever;
    }
    auto cmp = AsVariableComparison(*p);
    if (!cmp) continue;
    std::optional<Value> other = ConstantValue(*cmp->other);
    if (!other) continue;
    if (cmp->op == "_==_" && other->is_string()) {
      const std::string& s = other->string_value();
      auto [it, inserted] = equal_strings.emplace(cmp->var, s);
      if (!inserted && it->second != s) {
        if (why != nullptr) {
          *why = "'" + cmp->var + "' cannot equal both \"" + it->second + "\" and \"" + s + "\"";
        }
        return Satisfiability::kNever;
      }
      continue;
    }
    if (!other->is_number() || std::isnan(AsDouble(*other))) continue;
    auto range = ComparisonInterval(cmp->op, AsDouble(*other));
    if (!range) continue;
    Interval& b = bounds.emplace(cmp->var, Interval::All()).first->second;
    b = Intersect(b, *range);
    if (b.empty()) {
      if (why != nullptr) {
        *why =
            "the bounds on '" + cmp->var + "' contradict each other: " + b.ToString() + " is empty";
      }
      return Satisfiability::kNever;
    }
  }
  return Satisfiability::kUnknown;
}

}  // namespace credence::expr
