#include "rules/bundle_lint.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "expr/parser.h"
#include "rules/decision_table.h"

namespace credence::rules {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The dotted name of an identifier or a member chain rooted at one; "" otherwise.
std::string ChainName(const expr::Expr& e) {
  if (e.kind == expr::ExprKind::kIdent) return e.name;
  if (e.kind == expr::ExprKind::kSelect && !e.test_only && e.operand != nullptr) {
    std::string base = ChainName(*e.operand);
    if (!base.empty()) return base + "." + e.name;
  }
  return {};
}

void Collect(const expr::Expr& e, std::vector<std::string>& bound, std::vector<std::string>& out,
             std::set<std::string>& seen) {
  auto add = [&](const std::string& name) {
    if (seen.insert(name).second) out.push_back(name);
  };
  if (e.kind == expr::ExprKind::kIdent) {
    if (std::find(bound.begin(), bound.end(), e.name) == bound.end()) add(e.name);
    return;
  }
  if (e.kind == expr::ExprKind::kSelect) {
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
  if (e.kind == expr::ExprKind::kComprehension) {
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

// A folded constant: a bool or a number.
struct Const {
  bool is_bool = false;
  bool b = false;
  double d = 0;
};

std::optional<Const> Fold(const expr::Expr& e) {
  using expr::ExprKind;
  if (e.kind == ExprKind::kConst) {
    const expr::Value& v = e.constant;
    if (v.is_bool()) return Const{true, v.bool_value(), 0};
    if (v.is_int()) return Const{false, false, static_cast<double>(v.int_value())};
    if (v.is_uint()) return Const{false, false, static_cast<double>(v.uint_value())};
    if (v.is_double()) return Const{false, false, v.double_value()};
    return std::nullopt;
  }
  if (e.kind != ExprKind::kCall || e.operand != nullptr) return std::nullopt;
  const std::string& fn = e.name;
  if (fn == "!_" && e.args.size() == 1) {
    auto a = Fold(*e.args[0]);
    if (a && a->is_bool) return Const{true, !a->b, 0};
    return std::nullopt;
  }
  if (fn == "-_" && e.args.size() == 1) {
    auto a = Fold(*e.args[0]);
    if (a && !a->is_bool) return Const{false, false, -a->d};
    return std::nullopt;
  }
  if ((fn == "_&&_" || fn == "_||_") && e.args.size() == 2) {
    const bool is_and = fn == "_&&_";
    auto a = Fold(*e.args[0]), b = Fold(*e.args[1]);
    // false && anything = false; true || anything = true (CEL's commutative short-circuit).
    for (const auto& x : {a, b}) {
      if (x && x->is_bool && x->b != is_and) return Const{true, !is_and, 0};
    }
    if (a && b && a->is_bool && b->is_bool) return Const{true, is_and, 0};
    return std::nullopt;
  }
  if (fn == "_?_:_" && e.args.size() == 3) {
    auto c = Fold(*e.args[0]);
    if (c && c->is_bool) return Fold(*e.args[c->b ? 1 : 2]);
    return std::nullopt;
  }
  static const std::set<std::string> kCompare = {"_<_", "_<=_", "_>_", "_>=_", "_==_", "_!=_"};
  if (kCompare.count(fn) && e.args.size() == 2) {
    auto a = Fold(*e.args[0]), b = Fold(*e.args[1]);
    if (!a || !b || a->is_bool || b->is_bool) {
      if (a && b && a->is_bool && b->is_bool && (fn == "_==_" || fn == "_!=_")) {
        return Const{true, (a->b == b->b) == (fn == "_==_"), 0};
      }
      return std::nullopt;
    }
    const double x = a->d, y = b->d;
    bool r = false;
    if (fn == "_<_") r = x < y;
    if (fn == "_<=_") r = x <= y;
    if (fn == "_>_") r = x > y;
    if (fn == "_>=_") r = x >= y;
    if (fn == "_==_") r = x == y;
    if (fn == "_!=_") r = x != y;
    return Const{true, r, 0};
  }
  return std::nullopt;
}

void Conjuncts(const expr::Expr& e, std::vector<const expr::Expr*>& out) {
  if (e.kind == expr::ExprKind::kCall && e.operand == nullptr && e.name == "_&&_" &&
      e.args.size() == 2) {
    Conjuncts(*e.args[0], out);
    Conjuncts(*e.args[1], out);
    return;
  }
  out.push_back(&e);
}

struct Bound {
  double lo = -kInf, hi = kInf;
  bool lo_closed = false, hi_closed = false;
  bool Empty() const { return lo > hi || (lo == hi && !(lo_closed && hi_closed)); }
  void Lower(double v, bool closed) {
    if (v > lo || (v == lo && !closed)) {
      lo = v;
      lo_closed = closed;
    }
  }
  void Upper(double v, bool closed) {
    if (v < hi || (v == hi && !closed)) {
      hi = v;
      hi_closed = closed;
    }
  }
};

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<std::string> ReferencedNames(const expr::Expr& root) {
  std::vector<std::string> bound, out;
  std::set<std::string> seen;
  Collect(root, bound, out, seen);
  return out;
}

Result<std::vector<std::string>> ReferencedNames(std::string_view expression) {
  auto parsed = expr::Parse(expression);
  if (!parsed.ok()) return parsed.status();
  return ReferencedNames(*parsed->root);
}

std::vector<std::string> TemplateNames(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      if (i + 1 < text.size() && text[i + 1] == '{') {
        ++i;
        continue;
      }
      const std::size_t close = text.find('}', i + 1);
      if (close == std::string_view::npos) break;
      std::string name(text.substr(i + 1, close - i - 1));
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
      i = close;
    }
  }
  return out;
}

Satisfiability AnalyzeCondition(const expr::Expr& root, std::string* why) {
  if (auto c = Fold(root); c && c->is_bool) {
    if (!c->b && why != nullptr) *why = "the condition is always false";
    return c->b ? Satisfiability::kAlways : Satisfiability::kNever;
  }
  std::vector<const expr::Expr*> parts;
  Conjuncts(root, parts);
  std::map<std::string, Bound> bounds;
  std::map<std::string, std::string> equal_strings;
  for (const expr::Expr* p : parts) {
    if (auto c = Fold(*p); c && c->is_bool && !c->b) {
      if (why != nullptr) *why = "a conjunct is always false";
      return Satisfiability::kNever;
    }
    if (p->kind != expr::ExprKind::kCall || p->operand != nullptr || p->args.size() != 2) continue;
    std::string op = p->name;
    std::string var = ChainName(*p->args[0]);
    const expr::Expr* other = p->args[1].get();
    if (var.empty()) {
      // constant op variable: mirror the operator.
      var = ChainName(*p->args[1]);
      other = p->args[0].get();
      if (op == "_<_")
        op = "_>_";
      else if (op == "_>_")
        op = "_<_";
      else if (op == "_<=_")
        op = "_>=_";
      else if (op == "_>=_")
        op = "_<=_";
    }
    if (var.empty()) continue;
    if (op == "_==_" && other->kind == expr::ExprKind::kConst && other->constant.is_string()) {
      const std::string& s = other->constant.string_value();
      auto [it, inserted] = equal_strings.emplace(var, s);
      if (!inserted && it->second != s) {
        if (why != nullptr) {
          *why = "'" + var + "' cannot equal both \"" + it->second + "\" and \"" + s + "\"";
        }
        return Satisfiability::kNever;
      }
      continue;
    }
    auto c = Fold(*other);
    if (!c || c->is_bool || std::isnan(c->d)) continue;
    Bound& b = bounds[var];
    if (op == "_<_")
      b.Upper(c->d, false);
    else if (op == "_<=_")
      b.Upper(c->d, true);
    else if (op == "_>_")
      b.Lower(c->d, false);
    else if (op == "_>=_")
      b.Lower(c->d, true);
    else if (op == "_==_") {
      b.Lower(c->d, true);
      b.Upper(c->d, true);
    } else {
      continue;
    }
    if (b.Empty()) {
      if (why != nullptr) {
        *why = "the bounds on '" + var + "' contradict each other: " + (b.lo_closed ? "[" : "(") +
               Fmt(b.lo) + ", " + Fmt(b.hi) + (b.hi_closed ? "]" : ")") + " is empty";
      }
      return Satisfiability::kNever;
    }
  }
  return Satisfiability::kUnknown;
}

std::vector<LintFinding> UnusedFeatures(const v1::Bundle& bundle) {
  std::set<std::string> used;
  auto use_expr = [&](const std::string& text) {
    auto names = ReferencedNames(text);
    if (!names.ok()) return;
    for (const std::string& n : *names) used.insert(n.substr(0, n.find('.')));
  };
  for (const auto& set : bundle.rule_sets()) {
    for (const auto& rule : set.rules()) {
      use_expr(rule.condition());
      for (const auto& n : TemplateNames(rule.message())) used.insert(n);
    }
  }
  for (const auto& table : bundle.decision_tables()) {
    for (const auto& in : table.inputs()) use_expr(in.expression());
  }
  for (const auto& model : bundle.models()) {
    for (const auto& t : model.logistic().terms()) used.insert(t.feature());
    for (const auto& c : model.scorecard().characteristics()) {
      if (c.has_feature()) used.insert(c.feature());
    }
    for (const auto& f : model.tree_ensemble().features()) used.insert(f);
  }
  for (const auto& rc : bundle.reason_codes()) used.insert(rc.feature());
  for (const auto& f : bundle.features()) {
    if (f.has_ratio()) {
      used.insert(f.ratio().numerator());
      used.insert(f.ratio().denominator());
    }
    if (f.has_growth()) used.insert(f.growth().feature());
  }
  std::vector<LintFinding> out;
  for (int i = 0; i < bundle.features_size(); ++i) {
    const std::string& name = bundle.features(i).name();
    if (!used.count(name)) {
      out.push_back({"features[" + std::to_string(i) + "].name",
                     "feature '" + name +
                         "' is not used by any rule, decision table, model, reason code or "
                         "other feature"});
    }
  }
  return out;
}

std::vector<LintFinding> NeverFiringRules(const v1::Bundle& bundle) {
  std::vector<LintFinding> out;
  for (int s = 0; s < bundle.rule_sets_size(); ++s) {
    const auto& set = bundle.rule_sets(s);
    for (int r = 0; r < set.rules_size(); ++r) {
      auto parsed = expr::Parse(set.rules(r).condition());
      if (!parsed.ok()) continue;  // a compile error reports it
      std::string why;
      if (AnalyzeCondition(*parsed->root, &why) == Satisfiability::kNever) {
        out.push_back(
            {"rule_sets[" + std::to_string(s) + "].rules[" + std::to_string(r) + "].condition",
             "rule '" + set.id() + "/" + set.rules(r).id() + "' can never fire: " + why});
      }
    }
  }
  return out;
}

namespace {

struct Iv {
  double lo, hi;
  bool lo_closed, hi_closed;
};

std::optional<std::vector<Iv>> Intervals(const InputEntry& e) {
  if (e.any || e.negated || e.tests.empty()) return std::nullopt;
  std::vector<Iv> out;
  for (const UnaryTest& t : e.tests) {
    auto num = [](const expr::Value& v) -> std::optional<double> {
      if (v.is_int()) return static_cast<double>(v.int_value());
      if (v.is_uint()) return static_cast<double>(v.uint_value());
      if (v.is_double()) return v.double_value();
      return std::nullopt;
    };
    auto a = num(t.value);
    if (!a) return std::nullopt;
    switch (t.op) {
      case UnaryTest::Op::kEq:
        out.push_back({*a, *a, true, true});
        break;
      case UnaryTest::Op::kNe:
        out.push_back({-kInf, *a, false, false});
        out.push_back({*a, kInf, false, false});
        break;
      case UnaryTest::Op::kLt:
        out.push_back({-kInf, *a, false, false});
        break;
      case UnaryTest::Op::kLe:
        out.push_back({-kInf, *a, false, true});
        break;
      case UnaryTest::Op::kGt:
        out.push_back({*a, kInf, false, false});
        break;
      case UnaryTest::Op::kGe:
        out.push_back({*a, kInf, true, false});
        break;
      case UnaryTest::Op::kRange: {
        auto b = num(t.high);
        if (!b) return std::nullopt;
        out.push_back({*a, *b, t.low_closed, t.high_closed});
        break;
      }
    }
  }
  return out;
}

bool Meet(const Iv& x, const Iv& y) {
  const double lo = std::max(x.lo, y.lo), hi = std::min(x.hi, y.hi);
  if (lo < hi) return true;
  if (lo > hi) return false;
  const bool lo_c = (x.lo == lo ? x.lo_closed : true) && (y.lo == lo ? y.lo_closed : true);
  const bool hi_c = (x.hi == hi ? x.hi_closed : true) && (y.hi == hi ? y.hi_closed : true);
  return lo_c && hi_c && std::isfinite(lo);
}

// Literal sets of entries made only of equal-to tests on non-numeric literals.
std::optional<std::vector<std::string>> Literals(const InputEntry& e) {
  if (e.any || e.tests.empty()) return std::nullopt;
  std::vector<std::string> out;
  for (const UnaryTest& t : e.tests) {
    if (t.op != UnaryTest::Op::kEq || t.value.is_number()) return std::nullopt;
    out.push_back(FormatLiteral(t.value));
  }
  return out;
}

enum class Relation { kDisjoint, kOverlap, kMaybe };

bool Unjudged(const InputEntry& e) {
  if (e.negated) return true;
  for (const UnaryTest& t : e.tests) {
    if (t.op == UnaryTest::Op::kNe) return true;
  }
  return false;
}

Relation RelateEntries(const InputEntry& a, const InputEntry& b) {
  if (a.any || b.any) return Relation::kOverlap;
  auto ia = Intervals(a), ib = Intervals(b);
  if (ia && ib) {
    for (const Iv& x : *ia) {
      for (const Iv& y : *ib) {
        if (Meet(x, y)) return Relation::kOverlap;
      }
    }
    return Relation::kDisjoint;
  }
  auto la = Literals(a), lb = Literals(b);
  if (la && lb) {
    auto contains = [](const std::vector<std::string>& v, const std::string& s) {
      return std::find(v.begin(), v.end(), s) != v.end();
    };
    if (a.negated && b.negated) return Relation::kMaybe;
    if (a.negated || b.negated) {
      // not(N) vs S: disjoint when every literal of S is in N.
      const auto& n = a.negated ? *la : *lb;
      const auto& s = a.negated ? *lb : *la;
      for (const auto& x : s) {
        if (!contains(n, x)) return Relation::kOverlap;
      }
      return Relation::kDisjoint;
    }
    for (const auto& x : *la) {
      if (contains(*lb, x)) return Relation::kOverlap;
    }
    return Relation::kDisjoint;
  }
  return Relation::kMaybe;
}

// As RelateEntries, but an overlap involving `!=` or `not(...)` counts as kMaybe: the
// compiler does not judge those entries, so such rows get a warning instead of an error.
Relation Relate(const InputEntry& a, const InputEntry& b) {
  const Relation r = RelateEntries(a, b);
  if (r == Relation::kOverlap && !a.any && !b.any && (Unjudged(a) || Unjudged(b)))
    return Relation::kMaybe;
  return r;
}

}  // namespace

std::vector<LintFinding> PossiblyOverlappingRows(const v1::Bundle& bundle) {
  std::vector<LintFinding> out;
  for (int t = 0; t < bundle.decision_tables_size(); ++t) {
    const auto& table = bundle.decision_tables(t);
    if (table.hit_policy() != v1::DECISION_HIT_POLICY_UNIQUE) continue;
    std::vector<std::vector<std::optional<InputEntry>>> rows;
    for (const auto& row : table.rows()) {
      std::vector<std::optional<InputEntry>> entries;
      for (const auto& text : row.input_entries()) {
        auto e = ParseInputEntry(text);
        entries.push_back(e.ok() ? std::optional<InputEntry>(std::move(e).value()) : std::nullopt);
      }
      rows.push_back(std::move(entries));
    }
    for (std::size_t a = 0; a < rows.size(); ++a) {
      for (std::size_t b = a + 1; b < rows.size(); ++b) {
        if (rows[a].size() != rows[b].size()) continue;
        bool disjoint = false, maybe = false;
        std::string unsure;
        for (std::size_t i = 0; i < rows[a].size() && !disjoint; ++i) {
          if (!rows[a][i] || !rows[b][i]) {
            disjoint = true;  // a bad entry is a compile error; nothing to add
            break;
          }
          switch (Relate(*rows[a][i], *rows[b][i])) {
            case Relation::kDisjoint:
              disjoint = true;
              break;
            case Relation::kMaybe:
              maybe = true;
              if (!unsure.empty()) unsure += ", ";
              unsure += i < static_cast<std::size_t>(table.inputs_size())
                            ? "'" + table.inputs(static_cast<int>(i)).name() + "'"
                            : std::to_string(i);
              break;
            case Relation::kOverlap:
              break;
          }
        }
        if (!disjoint && maybe) {
          out.push_back(
              {"decision_tables[" + std::to_string(t) + "].rows[" + std::to_string(b) + "]",
               "UNIQUE table '" + table.id() + "': rows " + std::to_string(a) + " and " +
                   std::to_string(b) + " may overlap (not provably disjoint on " + unsure + ")"});
        }
      }
    }
  }
  return out;
}

}  // namespace credence::rules
