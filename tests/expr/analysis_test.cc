// Static analysis of expressions: constant folding, intervals, what an expression reads,
// and whether a condition can be true, against hand-worked and brute-force references.
#include "expr/analysis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "expr/parser.h"
#include "expr/value.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Names(const std::string& text) {
  auto names = ReferencedNames(text);
  EXPECT_TRUE(names.ok()) << names.status();
  return names.ok() ? *names : std::vector<std::string>{};
}

TEST(ReferencedNamesTest, IdentifiersAndMemberChainsWithoutLocals) {
  EXPECT_THAT(Names("refund_rate > 0.15 && orders >= 20.0 && refund_rate < 1.0"),
              ElementsAre("refund_rate", "orders"));
  EXPECT_THAT(Names("enterprise.zone == 'X' || size(enterprise.certifications) > 0"),
              ElementsAre("enterprise.zone", "enterprise.certifications"));
  // Comprehension variables are not read from the request; the range is.
  EXPECT_THAT(Names("flags.exists(f, f == 'new') && [1, 2].all(x, x < penalties)"),
              ElementsAre("flags", "penalties"));
  EXPECT_THAT(Names("has(enterprise.name)"), ElementsAre("enterprise.name"));
  EXPECT_THAT(Names("1 + 2 == 3"), IsEmpty());
  // math.least is a namespaced function, not a method on a variable `math`; a method on a
  // variable still reads it.
  EXPECT_THAT(Names("math.least(2000000.0, 0.25 * sales)"), ElementsAre("sales"));
  EXPECT_THAT(Names("enterprise.name.lowerAscii() == 'x'"), ElementsAre("enterprise.name"));
  EXPECT_FALSE(ReferencedNames("a +").ok());
}

Satisfiability Analyze(const std::string& text, std::string* why = nullptr) {
  auto parsed = Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return AnalyzeCondition(*parsed->root, why);
}

TEST(AnalyzeConditionTest, ConstantFolding) {
  EXPECT_EQ(Analyze("false"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("true"), Satisfiability::kAlways);
  EXPECT_EQ(Analyze("1 > 2"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("-1.5 < 0 && !(2 == 2.0)"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x > 1 && 1 == 2"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x > 1 || 1 == 1"), Satisfiability::kAlways);
  EXPECT_EQ(Analyze("(1 < 2 ? false : true) && x > 0"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x > 1 || 1 == 2"), Satisfiability::kUnknown);
}

TEST(AnalyzeConditionTest, ContradictoryBoundsOnOneVariable) {
  std::string why;
  EXPECT_EQ(Analyze("x > 5.0 && x < 3.0", &why), Satisfiability::kNever);
  EXPECT_THAT(why, HasSubstr("'x'"));
  EXPECT_EQ(Analyze("x >= 3 && y > 0 && x < 3"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x >= 3 && x <= 3"), Satisfiability::kUnknown);  // x == 3 fits
  EXPECT_EQ(Analyze("x > 3 && x <= 3"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x == 1 && x >= 2"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("5 < x && x < 6"), Satisfiability::kUnknown);
  EXPECT_EQ(Analyze("5 < x && 4 > x"), Satisfiability::kNever);  // constant on the left
  EXPECT_EQ(Analyze("x > 5 && y < 3"), Satisfiability::kUnknown);
  EXPECT_EQ(Analyze("enterprise.zone == 'a' && enterprise.zone == 'b'"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("enterprise.zone == 'a' && enterprise.zone == 'a'"), Satisfiability::kUnknown);
  // Disjunctions are not split: (x > 5 || x < 3) is satisfiable.
  EXPECT_EQ(Analyze("(x > 5 || x < 3) && x > 4"), Satisfiability::kUnknown);
}

// Brute force: for conditions over one variable built from random bounds, kNever must agree
// with "no value in a fine grid (plus the bounds themselves) satisfies every conjunct".
TEST(AnalyzeConditionTest, AgreesWithGridSearchOnRandomBounds) {
  const char* ops[] = {"<", "<=", ">", ">=", "=="};
  unsigned seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
  };
  int nevers = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + static_cast<int>(next() % 3);
    std::string text;
    std::vector<std::pair<int, int>> parts;  // op, constant
    for (int i = 0; i < n; ++i) {
      const int op = static_cast<int>(next() % 5), c = static_cast<int>(next() % 7);
      parts.emplace_back(op, c);
      if (i) text += " && ";
      text += "x " + std::string(ops[op]) + " " + std::to_string(c) + ".0";
    }
    bool satisfiable = false;
    for (int k = -20; k <= 160 && !satisfiable; ++k) {
      const double x = k / 20.0;  // steps of 0.05 cover every gap between integer bounds
      bool all = true;
      for (auto [op, c] : parts) {
        const bool ok = op == 0   ? x < c
                        : op == 1 ? x <= c
                        : op == 2 ? x > c
                        : op == 3 ? x >= c
                                  : x == c;
        all = all && ok;
      }
      satisfiable = all;
    }
    const Satisfiability s = Analyze(text);
    EXPECT_EQ(s == Satisfiability::kNever, !satisfiable) << text;
    nevers += s == Satisfiability::kNever;
  }
  EXPECT_GT(nevers, 20) << "the random cases should include contradictions";
}

std::optional<Value> Fold(const std::string& text) {
  auto parsed = Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return ConstantValue(*parsed->root);
}

// `text` folds to a constant of the kind and value of `want`.
::testing::AssertionResult FoldsTo(const std::string& text, const Value& want) {
  std::optional<Value> got = Fold(text);
  if (!got) return ::testing::AssertionFailure() << text << " does not fold";
  if (got->kind() != want.kind() || !ValuesEqual(*got, want)) {
    return ::testing::AssertionFailure() << text << " folds to " << got->DebugString();
  }
  return ::testing::AssertionSuccess();
}

TEST(ConstantValueTest, FoldsExactlyAsTheEvaluatorComputes) {
  EXPECT_TRUE(FoldsTo("2.0 * 3.0", Value::Double(6.0)));
  EXPECT_TRUE(FoldsTo("[1, 2][1]", Value::Int(2)));
  EXPECT_TRUE(FoldsTo("'ab' + 'c'", Value::String("abc")));
  EXPECT_TRUE(FoldsTo("1 == 1.0", Value::Bool(true)));        // heterogeneous numeric equality
  EXPECT_FALSE(Fold("x + 1").has_value());                    // a name is never constant
  EXPECT_FALSE(Fold("1 / 0").has_value());                    // an error value is not folded
  EXPECT_FALSE(Fold("9223372036854775807 + 1").has_value());  // overflow is an error
}

TEST(ConstantValueTest, ShortCircuitsDecideWithoutTheOtherOperand) {
  EXPECT_TRUE(FoldsTo("false && x > 1", Value::Bool(false)));
  EXPECT_TRUE(FoldsTo("x > 1 && false", Value::Bool(false)));  // CEL's && is commutative
  EXPECT_TRUE(FoldsTo("x > 1 || true", Value::Bool(true)));
  EXPECT_TRUE(FoldsTo("true ? 'a' : x", Value::String("a")));
  EXPECT_FALSE(Fold("true && x > 1").has_value());
  EXPECT_FALSE(Fold("x ? 1 : 1").has_value());
}

TEST(EvaluateConstantTest, LiteralsAndErrors) {
  Result<Value> v = EvaluateConstant("1.5");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->is_double() && v->double_value() == 1.5) << v->DebugString();
  EXPECT_THAT(EvaluateConstant("x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("undeclared reference to 'x'")));
  EXPECT_THAT(EvaluateConstant("1 / 0"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("divide by zero")));
}

// The lint used to fold only bools and numbers, so a condition the planner folds to false
// (comparing two strings, sizes of literals) was not reported as never firing.
TEST(AnalyzeConditionTest, FoldsEverythingThePlannerFolds) {
  EXPECT_EQ(Analyze("'a' == 'b'"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("size('abc') > 5 && x > 1"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x > 2.0 * 3.0 && x < 5"), Satisfiability::kNever);
}

TEST(IntervalTest, IntersectionAndText) {
  const Interval a{0, 1, true, false};  // [0, 1)
  EXPECT_EQ(a.ToString(), "[0, 1)");
  EXPECT_TRUE(Overlap(a, Interval::Point(0)));
  EXPECT_FALSE(Overlap(a, Interval::Point(1)));
  EXPECT_FALSE(Overlap(a, Interval::Above(1, true)));
  EXPECT_TRUE(Overlap(a, Interval::Above(0.5, false)));
  EXPECT_EQ(Intersect(Interval::Below(3, true), Interval::Above(3, true)).ToString(), "[3, 3]");
  EXPECT_TRUE(Intersect(Interval::Below(3, false), Interval::Above(3, true)).empty());
  EXPECT_EQ(Interval::All().ToString(), "(-inf, inf)");
}

// Uncovered against a membership test on a grid of points (steps of 0.25 and the ends).
TEST(IntervalTest, UncoveredIsTheComplementOfTheUnion) {
  const std::vector<Interval> covered = {
      {0, 1, true, false}, Interval::Above(2, false), Interval::Point(1.5)};
  const std::vector<Interval> gaps = Uncovered(covered);
  std::string text;
  for (const Interval& g : gaps) text += (text.empty() ? "" : ", ") + g.ToString();
  EXPECT_EQ(text, "(-inf, 0), [1, 1.5), (1.5, 2]");
  auto in = [](const std::vector<Interval>& set, double x) {
    for (const Interval& i : set) {
      if (Overlap(i, Interval::Point(x))) return true;
    }
    return false;
  };
  for (int k = -8; k <= 16; ++k) {
    const double x = k / 4.0;
    EXPECT_NE(in(covered, x), in(gaps, x)) << x;
  }
}

}  // namespace
}  // namespace credence::expr
