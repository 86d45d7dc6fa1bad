// Input entries of decision tables: parsing, matching, and how two entries relate. See
// input_entry.h.
#include "decision/input_entry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "core/excerpt.h"

namespace credence::decision {
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
    return InvalidArgumentError("input entry '" + core::Excerpt(s_) + "': " + std::string(what) +
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

bool SameLiteralImpl(const expr::Value& a, const expr::Value& b) {
  auto x = AsNumber(a), y = AsNumber(b);
  if (x && y) return *x == *y;
  if (a.is_string() && b.is_string()) return a.string_value() == b.string_value();
  if (a.is_bool() && b.is_bool()) return a.bool_value() == b.bool_value();
  return a.is_null() && b.is_null();
}

// The entry as a finite set of non-numeric literals when it is a plain or negated list of
// equal-to tests.
std::optional<std::vector<expr::Value>> LiteralSet(const InputEntry& e) {
  if (e.any || e.tests.empty()) return std::nullopt;
  std::vector<expr::Value> out;
  for (const UnaryTest& t : e.tests) {
    if (t.op != UnaryTest::Op::kEq || t.value.is_number()) return std::nullopt;
    out.push_back(t.value);
  }
  return out;
}

bool Contains(const std::vector<expr::Value>& set, const expr::Value& v) {
  return std::any_of(set.begin(), set.end(),
                     [&](const expr::Value& x) { return SameLiteralImpl(x, v); });
}

EntryRelation RelateLiteralSets(const EntryShape& a, const EntryShape& b) {
  if (a.negated && b.negated) return EntryRelation::kMaybe;
  if (a.negated || b.negated) {
    // not(N) vs S: disjoint when every literal of S is in N.
    const auto& n = a.negated ? a.literals : b.literals;
    const auto& s = a.negated ? b.literals : a.literals;
    for (const auto& x : s) {
      if (!Contains(n, x)) return EntryRelation::kOverlap;
    }
    return EntryRelation::kDisjoint;
  }
  for (const auto& x : a.literals) {
    if (Contains(b.literals, x)) return EntryRelation::kOverlap;
  }
  return EntryRelation::kDisjoint;
}

EntryRelation RelateIntervals(const std::vector<expr::Interval>& a,
                              const std::vector<expr::Interval>& b) {
  for (const auto& x : a) {
    for (const auto& y : b) {
      if (expr::Overlap(x, y)) return EntryRelation::kOverlap;
    }
  }
  return EntryRelation::kDisjoint;
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

bool SameLiteral(const expr::Value& a, const expr::Value& b) { return SameLiteralImpl(a, b); }

std::optional<std::vector<expr::Interval>> EntryIntervals(const InputEntry& e) {
  if (e.any) return std::vector<expr::Interval>{expr::Interval::All()};
  if (e.negated) return std::nullopt;
  std::vector<expr::Interval> out;
  for (const UnaryTest& t : e.tests) {
    if (!t.value.is_double()) return std::nullopt;
    const double x = t.value.double_value();
    switch (t.op) {
      case UnaryTest::Op::kRange:
        out.push_back({x, t.high.double_value(), t.low_closed, t.high_closed});
        break;
      case UnaryTest::Op::kEq:
        out.push_back(expr::Interval::Point(x));
        break;
      case UnaryTest::Op::kNe:  // NaN matches no numeric test, so != is both sides of x
        out.push_back(expr::Interval::Below(x, false));
        out.push_back(expr::Interval::Above(x, false));
        break;
      case UnaryTest::Op::kLt:
      case UnaryTest::Op::kLe:
        out.push_back(expr::Interval::Below(x, t.op == UnaryTest::Op::kLe));
        break;
      case UnaryTest::Op::kGt:
      case UnaryTest::Op::kGe:
        out.push_back(expr::Interval::Above(x, t.op == UnaryTest::Op::kGe));
        break;
    }
  }
  return out;
}

EntryShape ShapeOf(const InputEntry& e) {
  EntryShape shape;
  shape.negated = e.negated;
  shape.judged = !e.negated && std::none_of(e.tests.begin(), e.tests.end(), [](const UnaryTest& t) {
    return t.op == UnaryTest::Op::kNe;
  });
  if (e.any) {
    shape.kind = EntryShape::Kind::kAny;
  } else if (auto intervals = EntryIntervals(e)) {
    shape.kind = EntryShape::Kind::kIntervals;
    shape.intervals = std::move(*intervals);
  } else if (auto literals = LiteralSet(e)) {
    shape.kind = EntryShape::Kind::kLiterals;
    shape.literals = std::move(*literals);
  }
  return shape;
}

EntryRelation Relate(const EntryShape& a, const EntryShape& b) {
  using Kind = EntryShape::Kind;
  if (a.kind == Kind::kAny || b.kind == Kind::kAny) return EntryRelation::kOverlap;
  EntryRelation r = EntryRelation::kMaybe;
  if (a.kind == Kind::kIntervals && b.kind == Kind::kIntervals) {
    r = RelateIntervals(a.intervals, b.intervals);
  } else if (a.kind == Kind::kLiterals && b.kind == Kind::kLiterals) {
    r = RelateLiteralSets(a, b);
  }
  if (r == EntryRelation::kOverlap && (!a.judged || !b.judged)) return EntryRelation::kMaybe;
  return r;
}

EntryRelation RelateEntries(const InputEntry& a, const InputEntry& b) {
  return Relate(ShapeOf(a), ShapeOf(b));
}

}  // namespace credence::decision
