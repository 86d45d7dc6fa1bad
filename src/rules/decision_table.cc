#include "rules/decision_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

namespace credence::rules {
namespace {

// ---- Parsing unary tests -------------------------------------------------------------

class EntryParser {
 public:
  explicit EntryParser(std::string_view text) : s_(text) {}

  Result<InputEntry> Parse() {
    InputEntry e;
    SkipSpace();
    if (Peek() == '-' && Rest().size() >= 1) {
      // "-" alone means any; "-5" is a number.
      std::size_t save = i_;
      ++i_;
      SkipSpace();
      if (AtEnd()) {
        e.any = true;
        return e;
      }
      i_ = save;
    }
    if (Rest().substr(0, 4) == "not(") {
      e.negated = true;
      i_ += 4;
      CREDENCE_RETURN_IF_ERROR(ParseList(e.tests));
      SkipSpace();
      if (Peek() != ')') return Error("expected ')' closing not(");
      ++i_;
    } else {
      CREDENCE_RETURN_IF_ERROR(ParseList(e.tests));
    }
    SkipSpace();
    if (!AtEnd()) return Error("unexpected text");
    return e;
  }

 private:
  Status ParseList(std::vector<UnaryTest>& tests) {
    while (true) {
      CREDENCE_ASSIGN_OR_RETURN(UnaryTest t, ParseTest());
      tests.push_back(std::move(t));
      SkipSpace();
      if (Peek() != ',') return OkStatus();
      ++i_;
    }
  }

  Result<UnaryTest> ParseTest() {
    SkipSpace();
    UnaryTest t;
    const char c = Peek();
    if (c == '[' || c == '(' || c == ']') {
      t.op = UnaryTest::Op::kRange;
      t.low_closed = c == '[';
      ++i_;
      CREDENCE_ASSIGN_OR_RETURN(t.value, ParseLiteral());
      SkipSpace();
      if (Rest().substr(0, 2) != "..") return Error("expected '..' in a range");
      i_ += 2;
      CREDENCE_ASSIGN_OR_RETURN(t.high, ParseLiteral());
      SkipSpace();
      const char close = Peek();
      if (close != ']' && close != ')' && close != '[') return Error("expected ']', ')' or '['");
      t.high_closed = close == ']';
      ++i_;
      if (!t.value.is_double() || !t.high.is_double()) return Error("range ends must be numbers");
      if (t.value.double_value() > t.high.double_value()) return Error("empty range: low > high");
      return t;
    }
    static constexpr std::pair<std::string_view, UnaryTest::Op> kOps[] = {
        {"<=", UnaryTest::Op::kLe}, {">=", UnaryTest::Op::kGe}, {"!=", UnaryTest::Op::kNe},
        {"<", UnaryTest::Op::kLt},  {">", UnaryTest::Op::kGt},  {"=", UnaryTest::Op::kEq}};
    for (const auto& [text, op] : kOps) {
      if (Rest().substr(0, text.size()) == text) {
        i_ += text.size();
        t.op = op;
        break;
      }
    }
    CREDENCE_ASSIGN_OR_RETURN(t.value, ParseLiteral());
    const bool ordered = t.op == UnaryTest::Op::kLt || t.op == UnaryTest::Op::kLe ||
                         t.op == UnaryTest::Op::kGt || t.op == UnaryTest::Op::kGe;
    if (ordered && !t.value.is_double()) return Error("<, <=, >, >= compare with a number");
    return t;
  }

  Result<expr::Value> ParseLiteral() {
    SkipSpace();
    if (Peek() == '"') {
      std::string out;
      ++i_;
      while (!AtEnd() && Peek() != '"') {
        char ch = s_[i_++];
        if (ch == '\\') {
          if (AtEnd()) break;
          const char esc = s_[i_++];
          ch = esc == 'n' ? '\n' : esc == 't' ? '\t' : esc;
        }
        out += ch;
      }
      if (AtEnd()) return Error("unterminated string");
      ++i_;
      return expr::Value::String(std::move(out));
    }
    for (auto [word, value] : {std::pair{"true", true}, std::pair{"false", false}}) {
      const std::string_view w = word;
      if (Rest().substr(0, w.size()) == w) {
        i_ += w.size();
        return expr::Value::Bool(value);
      }
    }
    // The number's extent: -?digits(.digits)?([eE][+-]?digits)? — so "0..1" stops at "0".
    std::size_t j = i_;
    auto digits = [&] {
      const std::size_t from = j;
      while (j < s_.size() && s_[j] >= '0' && s_[j] <= '9') ++j;
      return j > from;
    };
    if (j < s_.size() && (s_[j] == '-' || s_[j] == '+')) ++j;
    const bool whole = digits();
    bool frac = false;
    if (j + 1 < s_.size() && s_[j] == '.' && s_[j + 1] >= '0' && s_[j + 1] <= '9') {
      ++j;
      frac = digits();
    }
    if ((whole || frac) && j < s_.size() && (s_[j] == 'e' || s_[j] == 'E')) {
      const std::size_t save = j++;
      if (j < s_.size() && (s_[j] == '-' || s_[j] == '+')) ++j;
      if (!digits()) j = save;
    }
    const char* begin = s_.data() + i_ + (s_[i_] == '+' ? 1 : 0);
    const char* end = s_.data() + j;
    double d = 0;
    auto [ptr, ec] = std::from_chars(begin, end, d);
    if (!(whole || frac) || ec != std::errc() || ptr != end || !std::isfinite(d)) {
      return Error("expected a number, a \"string\", true or false");
    }
    i_ = j;
    return expr::Value::Double(d);
  }

  Status Error(std::string_view what) const {
    return InvalidArgumentError("input entry '" + std::string(s_) + "': " + std::string(what) +
                                " at offset " + std::to_string(i_));
  }
  void SkipSpace() {
    while (!AtEnd() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  std::string_view Rest() const { return s_.substr(std::min(i_, s_.size())); }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<double> AsNumber(const expr::Value& v) {
  if (v.is_double()) return v.double_value();
  if (v.is_int()) return static_cast<double>(v.int_value());
  if (v.is_uint()) return static_cast<double>(v.uint_value());
  return std::nullopt;
}

bool TestMatches(const UnaryTest& t, const expr::Value& v) {
  if (t.op == UnaryTest::Op::kRange) {
    auto x = AsNumber(v);
    if (!x) return false;
    const double lo = t.value.double_value(), hi = t.high.double_value();
    return (t.low_closed ? *x >= lo : *x > lo) && (t.high_closed ? *x <= hi : *x < hi);
  }
  int cmp = 0;  // sign of v - literal
  if (t.value.is_double()) {
    auto x = AsNumber(v);
    if (!x || std::isnan(*x)) return false;
    cmp = *x < t.value.double_value() ? -1 : *x > t.value.double_value() ? 1 : 0;
  } else if (t.value.is_string()) {
    if (!v.is_string()) return false;
    cmp = v.string_value().compare(t.value.string_value());
    cmp = cmp < 0 ? -1 : cmp > 0 ? 1 : 0;
  } else if (t.value.is_bool()) {
    if (!v.is_bool()) return false;
    cmp = v.bool_value() == t.value.bool_value() ? 0 : 1;
  } else {
    return false;
  }
  switch (t.op) {
    case UnaryTest::Op::kEq:
      return cmp == 0;
    case UnaryTest::Op::kNe:
      return cmp != 0;
    case UnaryTest::Op::kLt:
      return cmp < 0;
    case UnaryTest::Op::kLe:
      return cmp <= 0;
    case UnaryTest::Op::kGt:
      return cmp > 0;
    case UnaryTest::Op::kGe:
      return cmp >= 0;
    case UnaryTest::Op::kRange:
      return false;
  }
  return false;
}

bool SameValue(const expr::Value& a, const expr::Value& b) {
  auto x = AsNumber(a), y = AsNumber(b);
  if (x && y) return *x == *y;
  if (a.is_string() && b.is_string()) return a.string_value() == b.string_value();
  if (a.is_bool() && b.is_bool()) return a.bool_value() == b.bool_value();
  return a.is_null() && b.is_null();
}

// ---- Static analysis: an entry as numeric intervals or a finite set of values ------------

struct Interval {
  double lo, hi;
  bool lo_closed, hi_closed;
};
constexpr double kInf = std::numeric_limits<double>::infinity();

// The entry as a union of intervals when it is purely numeric and not negated.
std::optional<std::vector<Interval>> AsIntervals(const InputEntry& e) {
  if (e.any) return std::vector<Interval>{{-kInf, kInf, false, false}};
  if (e.negated) return std::nullopt;
  std::vector<Interval> out;
  for (const UnaryTest& t : e.tests) {
    if (t.op == UnaryTest::Op::kRange) {
      out.push_back({t.value.double_value(), t.high.double_value(), t.low_closed, t.high_closed});
      continue;
    }
    if (!t.value.is_double()) return std::nullopt;
    const double x = t.value.double_value();
    switch (t.op) {
      case UnaryTest::Op::kEq:
        out.push_back({x, x, true, true});
        break;
      case UnaryTest::Op::kLt:
        out.push_back({-kInf, x, false, false});
        break;
      case UnaryTest::Op::kLe:
        out.push_back({-kInf, x, false, true});
        break;
      case UnaryTest::Op::kGt:
        out.push_back({x, kInf, false, false});
        break;
      case UnaryTest::Op::kGe:
        out.push_back({x, kInf, true, false});
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

bool Intersect(const Interval& a, const Interval& b) {
  const bool lo_b = a.lo < b.lo || (a.lo == b.lo && (!b.lo_closed || a.lo_closed));
  const Interval& lo_max = lo_b ? b : a;  // the larger low end
  const bool hi_a = a.hi < b.hi || (a.hi == b.hi && (!a.hi_closed || b.hi_closed));
  const Interval& hi_min = hi_a ? a : b;  // the smaller high end
  if (lo_max.lo < hi_min.hi) return true;
  return lo_max.lo == hi_min.hi && lo_max.lo_closed && hi_min.hi_closed;
}

// The entry as a finite set of string/bool values when it is a plain list of = literals.
std::optional<std::vector<expr::Value>> AsValueSet(const InputEntry& e) {
  if (e.any || e.negated) return std::nullopt;
  std::vector<expr::Value> out;
  for (const UnaryTest& t : e.tests) {
    if (t.op != UnaryTest::Op::kEq || t.value.is_double()) return std::nullopt;
    out.push_back(t.value);
  }
  return out;
}

// True when the two entries certainly share a value.
bool CertainlyOverlap(const InputEntry& a, const InputEntry& b) {
  if (a.any || b.any) return true;
  auto ia = AsIntervals(a), ib = AsIntervals(b);
  if (ia && ib) {
    for (const auto& x : *ia) {
      for (const auto& y : *ib) {
        if (Intersect(x, y)) return true;
      }
    }
    return false;
  }
  auto sa = AsValueSet(a), sb = AsValueSet(b);
  if (sa && sb) {
    for (const auto& x : *sa) {
      for (const auto& y : *sb) {
        if (SameValue(x, y)) return true;
      }
    }
  }
  return false;
}

// Gaps in the union of `intervals` over the real line, as text ("(0.5, 0.7]"), or "".
std::string Gaps(std::vector<Interval> v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) {
    return a.lo < b.lo || (a.lo == b.lo && a.lo_closed && !b.lo_closed);
  });
  std::string gaps;
  double reach = -kInf;
  bool reach_closed = false;  // whether `reach` itself is covered
  bool started = false;
  auto fmt = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return std::string(buf);
  };
  for (const Interval& x : v) {
    const bool covers_from_reach =
        started && (x.lo < reach || (x.lo == reach && (reach_closed || x.lo_closed)));
    if (!started && x.lo == -kInf) {
      // covered from -inf
    } else if (!covers_from_reach) {
      if (!gaps.empty()) gaps += ", ";
      gaps += (started ? (reach_closed ? "(" : "[") + fmt(reach) : std::string("(-inf")) + ", " +
              fmt(x.lo) + (x.lo_closed ? ")" : "]");
    }
    if (!started || x.hi > reach || (x.hi == reach && x.hi_closed)) {
      reach = x.hi;
      reach_closed = x.hi_closed;
    }
    started = true;
  }
  if (reach != kInf) {
    if (!gaps.empty()) gaps += ", ";
    gaps += (reach_closed ? "(" : "[") + fmt(reach) + ", inf)";
  }
  return gaps;
}

}  // namespace

bool InputEntry::Matches(const expr::Value& v) const {
  if (any) return true;
  bool hit = false;
  for (const UnaryTest& t : tests) {
    if (TestMatches(t, v)) {
      hit = true;
      break;
    }
  }
  return negated ? !hit : hit;
}

Result<InputEntry> ParseInputEntry(std::string_view text) { return EntryParser(text).Parse(); }

std::string FormatLiteral(const expr::Value& v) {
  if (v.is_string()) {
    std::string out = "\"";
    for (char c : v.string_value()) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out + "\"";
  }
  if (v.is_bool()) return v.bool_value() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.int_value());
  if (v.is_uint()) return std::to_string(v.uint_value()) + "u";
  if (v.is_double()) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v.double_value());
    std::string s(buf, ptr);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a double literal
    return s;
  }
  if (v.is_null()) return "null";
  return v.DebugString();
}

struct DecisionTable::Rep {
  std::string id;
  v1::DecisionHitPolicy policy;
  v1::CollectAggregation aggregation;
  std::vector<std::string> input_names, output_names;
  std::vector<std::shared_ptr<const expr::Program>> inputs;
  std::vector<std::vector<InputEntry>> rows;       // [row][input]
  std::vector<std::vector<expr::Value>> outputs;   // [row][output]
  std::vector<std::vector<expr::Value>> priority;  // [output] values in decreasing priority
};

DecisionTable::DecisionTable(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
DecisionTable::DecisionTable(DecisionTable&&) noexcept = default;
DecisionTable& DecisionTable::operator=(DecisionTable&&) noexcept = default;
DecisionTable::~DecisionTable() = default;
const std::string& DecisionTable::id() const { return rep_->id; }
v1::DecisionHitPolicy DecisionTable::hit_policy() const { return rep_->policy; }

int DecisionTable::OutputIndex(std::string_view name) const {
  for (std::size_t i = 0; i < rep_->output_names.size(); ++i) {
    if (rep_->output_names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<expr::Value> DecisionTable::OutputValues(int index) const {
  std::vector<expr::Value> out;
  for (const auto& row : rep_->outputs) out.push_back(row[static_cast<std::size_t>(index)]);
  return out;
}

Result<DecisionTable> DecisionTable::Compile(const v1::DecisionTable& t, const std::string& path,
                                             const expr::Environment& env, Locator locator,
                                             std::vector<Issue>* issues) {
  auto rep = std::make_unique<Rep>();
  rep->id = t.id();
  rep->policy = t.hit_policy() == v1::DECISION_HIT_POLICY_UNSPECIFIED
                    ? v1::DECISION_HIT_POLICY_UNIQUE
                    : t.hit_policy();
  rep->aggregation = t.aggregation();
  Status first;
  const std::string who = "decision table '" + t.id() + "'";
  auto at = [&](const std::string& p) {
    return locator != nullptr ? locator->Locate(p) : SourceLocation{.field_path = p};
  };
  auto error = [&](const std::string& p, const std::string& message) {
    Status s = InvalidArgumentError(who + ": " + message, at(p));
    if (issues != nullptr) issues->push_back({Issue::Severity::kError, s});
    if (first.ok()) first = s;
  };
  auto warn = [&](const std::string& p, const std::string& message) {
    if (issues != nullptr) {
      issues->push_back(
          {Issue::Severity::kWarning, InvalidArgumentError(who + ": " + message, at(p))});
    }
  };
  if (t.id().empty()) error(path + ".id", "id is required");
  if (t.inputs_size() == 0 || t.outputs_size() == 0) {
    error(path, "needs at least one input and one output");
  }
  std::vector<expr::Type> input_types;
  for (int i = 0; i < t.inputs_size(); ++i) {
    const std::string ip = path + ".inputs[" + std::to_string(i) + "]";
    rep->input_names.push_back(t.inputs(i).name());
    auto program = expr::Compile(t.inputs(i).expression(), env, {});
    if (!program.ok()) {
      Status s =
          LocateExpressionError(program.status(), who + ": input '" + t.inputs(i).name() + "'",
                                ip + ".expression", locator);
      if (issues != nullptr) issues->push_back({Issue::Severity::kError, s});
      if (first.ok()) first = s;
      rep->inputs.push_back(nullptr);
      input_types.push_back(expr::Type::Dyn());
      continue;
    }
    input_types.push_back((*program)->result_type());
    rep->inputs.push_back(*program);
  }
  for (int o = 0; o < t.outputs_size(); ++o) {
    rep->output_names.push_back(t.outputs(o).name());
    if (t.outputs(o).name().empty()) {
      error(path + ".outputs[" + std::to_string(o) + "].name", "output names are required");
    }
  }
  const expr::Environment no_variables;
  auto literal = [&](const std::string& text) -> Result<expr::Value> {
    auto program = expr::Compile(text, no_variables, {});
    if (!program.ok()) return program.status();
    auto value = (*program)->Evaluate(expr::Activation());
    if (!value.ok()) return value.status();
    if (value->is_error()) return InvalidArgumentError(value->error().message);
    return *value;
  };
  for (int r = 0; r < t.rows_size(); ++r) {
    const v1::DecisionRow& row = t.rows(r);
    const std::string rp = path + ".rows[" + std::to_string(r) + "]";
    if (row.input_entries_size() != t.inputs_size() ||
        row.output_entries_size() != t.outputs_size()) {
      error(rp, "row " + std::to_string(r) + " has " + std::to_string(row.input_entries_size()) +
                    " input and " + std::to_string(row.output_entries_size()) +
                    " output entries; the table has " + std::to_string(t.inputs_size()) + " and " +
                    std::to_string(t.outputs_size()));
      continue;
    }
    std::vector<InputEntry> entries;
    for (int i = 0; i < row.input_entries_size(); ++i) {
      const std::string ep = rp + ".input_entries[" + std::to_string(i) + "]";
      auto entry = ParseInputEntry(row.input_entries(i));
      if (!entry.ok()) {
        error(ep, std::string(entry.status().message()));
        entries.emplace_back();
        continue;
      }
      // Type check: a literal that can never match the input's type.
      const expr::Type& type = input_types[static_cast<std::size_t>(i)];
      const bool numeric =
          type == expr::Type::Double() || type == expr::Type::Int() || type == expr::Type::Uint();
      for (const UnaryTest& test : entry->tests) {
        const bool lit_number = test.value.is_double();
        if ((numeric && !lit_number) || (type == expr::Type::String() && !test.value.is_string()) ||
            (type == expr::Type::Bool() && !test.value.is_bool())) {
          error(ep, "entry '" + row.input_entries(i) + "' cannot match input '" +
                        t.inputs(i).name() + "' of type " + type.ToString());
          break;
        }
      }
      entries.push_back(std::move(entry).value());
    }
    std::vector<expr::Value> outs;
    for (int o = 0; o < row.output_entries_size(); ++o) {
      auto v = literal(row.output_entries(o));
      if (!v.ok()) {
        error(rp + ".output_entries[" + std::to_string(o) + "]",
              "output entry '" + row.output_entries(o) +
                  "' is not a literal: " + std::string(v.status().message()));
        outs.emplace_back();
        continue;
      }
      outs.push_back(*v);
    }
    rep->rows.push_back(std::move(entries));
    rep->outputs.push_back(std::move(outs));
  }
  if (!first.ok()) return first;

  // Hit-policy checks.
  const bool collect = rep->policy == v1::DECISION_HIT_POLICY_COLLECT;
  if (rep->aggregation != v1::COLLECT_AGGREGATION_UNSPECIFIED && !collect) {
    error(path + ".aggregation", "an aggregation needs the COLLECT hit policy");
  }
  if (collect && (rep->aggregation == v1::COLLECT_AGGREGATION_SUM ||
                  rep->aggregation == v1::COLLECT_AGGREGATION_MIN ||
                  rep->aggregation == v1::COLLECT_AGGREGATION_MAX)) {
    if (t.outputs_size() != 1) error(path + ".outputs", "SUM/MIN/MAX need exactly one output");
    for (std::size_t r = 0; r < rep->outputs.size(); ++r) {
      if (!AsNumber(rep->outputs[r][0])) {
        error(path + ".rows[" + std::to_string(r) + "].output_entries[0]",
              "SUM/MIN/MAX need numeric outputs");
      }
    }
  }
  for (int o = 0; o < t.outputs_size(); ++o) {
    std::vector<expr::Value> prio;
    for (const std::string& p : t.outputs(o).priority()) {
      auto v = literal(p);
      if (!v.ok()) {
        error(path + ".outputs[" + std::to_string(o) + "].priority",
              "priority '" + p + "' is not a literal");
        continue;
      }
      prio.push_back(*v);
    }
    rep->priority.push_back(std::move(prio));
  }
  if (rep->policy == v1::DECISION_HIT_POLICY_PRIORITY && !rep->outputs.empty()) {
    for (std::size_t r = 0; r < rep->outputs.size(); ++r) {
      const auto& prio = rep->priority[0];
      if (std::none_of(prio.begin(), prio.end(),
                       [&](const expr::Value& v) { return SameValue(v, rep->outputs[r][0]); })) {
        error(path + ".outputs[0].priority",
              "PRIORITY: output value " + FormatLiteral(rep->outputs[r][0]) + " of row " +
                  std::to_string(r) + " is not in the priority list");
      }
    }
  }
  if (rep->policy == v1::DECISION_HIT_POLICY_UNIQUE) {
    for (std::size_t a = 0; a < rep->rows.size(); ++a) {
      for (std::size_t b = a + 1; b < rep->rows.size(); ++b) {
        bool overlap = true;
        for (std::size_t i = 0; i < rep->inputs.size() && overlap; ++i) {
          overlap = CertainlyOverlap(rep->rows[a][i], rep->rows[b][i]);
        }
        if (overlap) {
          error(path + ".rows[" + std::to_string(b) + "]",
                "rows " + std::to_string(a) + " and " + std::to_string(b) +
                    " overlap, so the UNIQUE hit policy cannot hold");
        }
      }
    }
  }
  if (rep->inputs.size() == 1 && !rep->rows.empty()) {
    std::vector<Interval> all;
    bool numeric = true;
    for (const auto& row : rep->rows) {
      auto iv = AsIntervals(row[0]);
      if (!iv) {
        numeric = false;
        break;
      }
      all.insert(all.end(), iv->begin(), iv->end());
    }
    if (numeric) {
      const std::string gaps = Gaps(all);
      if (!gaps.empty()) {
        warn(path + ".rows", "input '" + rep->input_names[0] + "' is not covered on " + gaps);
      }
    }
  }
  if (!first.ok()) return first;
  return DecisionTable(std::move(rep));
}

TableOutcome DecisionTable::Evaluate(const expr::Activation& activation) const {
  const Rep& t = *rep_;
  TableOutcome out;
  v1::DecisionTableResult& result = out.result;
  result.set_table_id(t.id);
  auto fail = [&](const std::string& why) {
    result.set_errored(true);
    result.set_error(why);
    result.clear_outputs();
    out.values.clear();
  };
  // Evaluate each input once.
  std::vector<expr::Value> inputs;
  inputs.reserve(t.inputs.size());
  for (std::size_t i = 0; i < t.inputs.size(); ++i) {
    auto v = t.inputs[i]->Evaluate(activation);
    if (!v.ok()) {
      fail("input '" + t.input_names[i] + "': " + std::string(v.status().message()));
      return out;
    }
    if (v->is_error()) {
      fail("input '" + t.input_names[i] + "': " + v->error().message);
      return out;
    }
    inputs.push_back(std::move(v).value());
  }
  std::vector<int> matched;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    bool all = true;
    for (std::size_t i = 0; i < inputs.size() && all; ++i) all = t.rows[r][i].Matches(inputs[i]);
    if (all) matched.push_back(static_cast<int>(r));
  }
  auto emit_row = [&](int r) {
    for (std::size_t o = 0; o < t.output_names.size(); ++o) {
      v1::NamedValue* nv = result.add_outputs();
      nv->set_name(t.output_names[o]);
      nv->set_value(FormatLiteral(t.outputs[static_cast<std::size_t>(r)][o]));
    }
  };
  auto choose = [&](int r) {
    result.add_matched_rows(r);
    emit_row(r);
    out.values = t.outputs[static_cast<std::size_t>(r)];
  };
  switch (t.policy) {
    case v1::DECISION_HIT_POLICY_UNIQUE:
      if (matched.size() == 1) {
        choose(matched[0]);
      } else if (matched.empty()) {
        fail("no row matched");
      } else {
        for (int r : matched) result.add_matched_rows(r);
        fail("UNIQUE table matched " + std::to_string(matched.size()) + " rows");
      }
      break;
    case v1::DECISION_HIT_POLICY_FIRST:
      if (matched.empty()) {
        fail("no row matched");
      } else {
        choose(matched[0]);
      }
      break;
    case v1::DECISION_HIT_POLICY_PRIORITY: {
      if (matched.empty()) {
        fail("no row matched");
        break;
      }
      auto rank = [&](int r) {
        const auto& prio = t.priority[0];
        for (std::size_t k = 0; k < prio.size(); ++k) {
          if (SameValue(prio[k], t.outputs[static_cast<std::size_t>(r)][0])) return k;
        }
        return prio.size();
      };
      int best = matched[0];
      for (int r : matched) {
        if (rank(r) < rank(best)) best = r;
      }
      choose(best);
      break;
    }
    case v1::DECISION_HIT_POLICY_ANY: {
      if (matched.empty()) {
        fail("no row matched");
        break;
      }
      for (int r : matched) {
        for (std::size_t o = 0; o < t.output_names.size(); ++o) {
          if (!SameValue(t.outputs[static_cast<std::size_t>(r)][o],
                         t.outputs[static_cast<std::size_t>(matched[0])][o])) {
            for (int m : matched) result.add_matched_rows(m);
            fail("ANY table matched rows " + std::to_string(matched[0]) + " and " +
                 std::to_string(r) + " with different outputs");
            return out;
          }
        }
      }
      for (int r : matched) result.add_matched_rows(r);
      emit_row(matched[0]);
      out.values = t.outputs[static_cast<std::size_t>(matched[0])];
      break;
    }
    case v1::DECISION_HIT_POLICY_COLLECT:
      for (int r : matched) result.add_matched_rows(r);
      if (t.aggregation == v1::COLLECT_AGGREGATION_COUNT) {
        v1::NamedValue* nv = result.add_outputs();
        nv->set_name(t.output_names[0]);
        nv->set_value(std::to_string(matched.size()));
      } else if (t.aggregation == v1::COLLECT_AGGREGATION_UNSPECIFIED) {
        for (int r : matched) emit_row(r);
      } else if (!matched.empty()) {
        double acc = t.aggregation == v1::COLLECT_AGGREGATION_SUM   ? 0.0
                     : t.aggregation == v1::COLLECT_AGGREGATION_MIN ? kInf
                                                                    : -kInf;
        for (int r : matched) {
          const double x = *AsNumber(t.outputs[static_cast<std::size_t>(r)][0]);
          acc = t.aggregation == v1::COLLECT_AGGREGATION_SUM   ? acc + x
                : t.aggregation == v1::COLLECT_AGGREGATION_MIN ? std::min(acc, x)
                                                               : std::max(acc, x);
        }
        v1::NamedValue* nv = result.add_outputs();
        nv->set_name(t.output_names[0]);
        nv->set_value(FormatLiteral(expr::Value::Double(acc)));
      } else if (t.aggregation == v1::COLLECT_AGGREGATION_SUM) {
        v1::NamedValue* nv = result.add_outputs();
        nv->set_name(t.output_names[0]);
        nv->set_value("0.0");
      }
      break;
    case v1::DECISION_HIT_POLICY_RULE_ORDER:
      for (int r : matched) {
        result.add_matched_rows(r);
        emit_row(r);
      }
      break;
    default:
      fail("unknown hit policy");
  }
  return out;
}

}  // namespace credence::rules
