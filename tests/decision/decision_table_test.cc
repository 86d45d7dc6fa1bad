// Decision tables: input entries, hit policies, and the static checks of compiling.
#include "decision/decision_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "rules/context.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::decision {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kFeatures = {"refund_rate", "orders", "penalties"};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

expr::Environment Env() {
  auto env = rules::MakeEnvironment(kFeatures);
  EXPECT_TRUE(env.ok()) << env.status();
  return std::move(env).value();
}

TEST(InputEntryTest, ParsesAndMatchesUnaryTests) {
  struct Case {
    std::string entry;
    expr::Value value;
    bool match;
  } cases[] = {
      {"-", expr::Value::String("anything"), true},
      {"< 0.3", expr::Value::Double(0.29), true},
      {"< 0.3", expr::Value::Double(0.3), false},
      {"<= 0.3", expr::Value::Double(0.3), true},
      {">= 10", expr::Value::Int(10), true},
      {"> 10", expr::Value::Uint(10), false},
      {"[0.1..0.2)", expr::Value::Double(0.1), true},
      {"[0.1..0.2)", expr::Value::Double(0.2), false},
      {"(0.1..0.2]", expr::Value::Double(0.1), false},
      {"]0.1..0.2]", expr::Value::Double(0.2), true},
      {"]1..5[", expr::Value::Double(5), false},
      {"\"A\", \"B\"", expr::Value::String("B"), true},
      {"\"A\", \"B\"", expr::Value::String("C"), false},
      {"not(\"A\", \"B\")", expr::Value::String("C"), true},
      {"!= \"X\"", expr::Value::String("Y"), true},
      {"true", expr::Value::Bool(true), true},
      {"5", expr::Value::Int(5), true},
      {"-5", expr::Value::Double(-5), true},
      {"\"5\"", expr::Value::Double(5), false},  // a string literal never equals a number
      {"< 3", expr::Value::String("a"), false},
      {"< 1, > 9", expr::Value::Double(10), true},
  };
  for (const Case& c : cases) {
    auto e = ParseInputEntry(c.entry);
    ASSERT_TRUE(e.ok()) << c.entry << ": " << e.status();
    EXPECT_EQ(e->Matches(c.value), c.match) << c.entry << " vs " << c.value.DebugString();
  }
  for (const char* bad :
       {"", "[1..", "[2..1]", "< \"a\"", "\"unterminated", "1 2", "not(1", "[a..b]"}) {
    EXPECT_THAT(ParseInputEntry(bad),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("input entry")))
        << bad;
  }
}

Result<DecisionTable> CompileTable(const std::string& text, std::vector<Issue>* issues = nullptr) {
  v1::DecisionTable t = ParseText<v1::DecisionTable>(text);
  return DecisionTable::Compile(t, "decision_tables[0]", Env(), nullptr, issues);
}

v1::DecisionTableResult Eval(const DecisionTable& t, std::vector<double> features) {
  expr::Activation a;
  a.set_features(features);
  rules::BindRequest(testing::MakeRequest(), a);
  return t.Evaluate(a).result;
}

std::vector<std::string> Outputs(const v1::DecisionTableResult& r) {
  std::vector<std::string> out;
  for (const auto& nv : r.outputs()) out.push_back(nv.name() + "=" + nv.value());
  return out;
}

constexpr const char* kRows = R"x(
  inputs { name: "rate" expression: "refund_rate" }
  inputs { name: "n" expression: "orders" }
  outputs { name: "outcome" priority: "\"REJECT\"" priority: "\"REVIEW\"" priority: "\"APPROVE\"" }
  outputs { name: "limit" }
  rows { input_entries: "< 0.1" input_entries: ">= 10" output_entries: "\"APPROVE\"" output_entries: "100000" }
  rows { input_entries: "< 0.2" input_entries: "-" output_entries: "\"REVIEW\"" output_entries: "0" }
  rows { input_entries: ">= 0.2" input_entries: "-" output_entries: "\"REJECT\"" output_entries: "0" }
)x";

TEST(DecisionTableTest, FirstPriorityAnyRuleOrderCollect) {
  auto first = CompileTable(std::string("id: 't' hit_policy: DECISION_HIT_POLICY_FIRST") + kRows);
  ASSERT_TRUE(first.ok()) << first.status();
  auto r = Eval(*first, {0.05, 20, 0});
  EXPECT_THAT(r.matched_rows(), ElementsAre(0));
  EXPECT_THAT(Outputs(r), ElementsAre("outcome=\"APPROVE\"", "limit=100000"));

  auto prio = CompileTable(std::string("id: 't' hit_policy: DECISION_HIT_POLICY_PRIORITY") + kRows);
  ASSERT_TRUE(prio.ok()) << prio.status();
  EXPECT_THAT(Outputs(Eval(*prio, {0.05, 20, 0})), ElementsAre("outcome=\"REVIEW\"", "limit=0"))
      << "REVIEW outranks APPROVE";

  auto order =
      CompileTable(std::string("id: 't' hit_policy: DECISION_HIT_POLICY_RULE_ORDER") + kRows);
  ASSERT_TRUE(order.ok());
  auto ro = Eval(*order, {0.05, 20, 0});
  EXPECT_THAT(ro.matched_rows(), ElementsAre(0, 1));
  EXPECT_EQ(ro.outputs_size(), 4);

  auto any = CompileTable(std::string("id: 't' hit_policy: DECISION_HIT_POLICY_ANY") + kRows);
  ASSERT_TRUE(any.ok());
  auto ar = Eval(*any, {0.05, 20, 0});
  EXPECT_TRUE(ar.errored());
  EXPECT_THAT(ar.error(), HasSubstr("different outputs"));
  EXPECT_FALSE(Eval(*any, {0.15, 20, 0}).errored());

  auto missing = Eval(*first, {kNaN, 20, 0});
  EXPECT_TRUE(missing.errored());
  EXPECT_THAT(missing.error(), HasSubstr("input 'rate'"));
}

TEST(DecisionTableTest, CollectAggregations) {
  const std::string rows = R"x(
    inputs { name: "n" expression: "orders" }
    outputs { name: "points" }
    rows { input_entries: ">= 1" output_entries: "10" }
    rows { input_entries: ">= 5" output_entries: "20" }
    rows { input_entries: ">= 9" output_entries: "-3.5" }
  )x";
  for (auto [agg, want] : {std::pair{"COLLECT_AGGREGATION_SUM", "points=26.5"},
                           std::pair{"COLLECT_AGGREGATION_MIN", "points=-3.5"},
                           std::pair{"COLLECT_AGGREGATION_MAX", "points=20.0"},
                           std::pair{"COLLECT_AGGREGATION_COUNT", "points=3"}}) {
    auto t = CompileTable(
        std::string("id: 'c' hit_policy: DECISION_HIT_POLICY_COLLECT aggregation: ") + agg + rows);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_THAT(Outputs(Eval(*t, {0, 10, 0})), ElementsAre(want)) << agg;
  }
  auto list = CompileTable("id: 'c' hit_policy: DECISION_HIT_POLICY_COLLECT" + rows);
  ASSERT_TRUE(list.ok());
  EXPECT_THAT(Outputs(Eval(*list, {0, 6, 0})), ElementsAre("points=10", "points=20"));
  EXPECT_THAT(Outputs(Eval(*list, {0, 0, 0})), ElementsAre());
}

TEST(DecisionTableTest, UniqueOverlapsAreCompileErrorsAndGapsWarnings) {
  std::vector<Issue> issues;
  auto t = CompileTable(R"x(id: 'u'
    inputs { name: "rate" expression: "refund_rate" }
    outputs { name: "o" }
    rows { input_entries: "[0..0.1]" output_entries: "1" }
    rows { input_entries: "[0.1..0.3)" output_entries: "2" }
    rows { input_entries: "> 0.5" output_entries: "3" })x",
                        &issues);
  EXPECT_THAT(t, StatusIs(StatusCode::kInvalidArgument, HasSubstr("rows 0 and 1 overlap")));

  issues.clear();
  auto ok = CompileTable(R"x(id: 'u'
    inputs { name: "rate" expression: "refund_rate" }
    outputs { name: "o" }
    rows { input_entries: "[0..0.1)" output_entries: "1" }
    rows { input_entries: "[0.1..0.3)" output_entries: "2" }
    rows { input_entries: "> 0.5" output_entries: "3" })x",
                         &issues);
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, Issue::Severity::kWarning);
  EXPECT_THAT(std::string(issues[0].status.message()),
              HasSubstr("not covered on (-inf, 0), [0.3, 0.5]"));
  // Under UNIQUE, nothing matched is an errored result.
  EXPECT_THAT(Eval(*ok, {0.4, 0, 0}).error(), HasSubstr("no row matched"));
  EXPECT_THAT(Outputs(Eval(*ok, {0.1, 0, 0})), ElementsAre("o=2"));

  // Two inputs: rows overlap only if every input overlaps.
  auto two = CompileTable(R"x(id: 'u'
    inputs { name: "rate" expression: "refund_rate" }
    inputs { name: "sector" expression: "enterprise.sector" }
    outputs { name: "o" }
    rows { input_entries: "< 0.2" input_entries: "\"apparel\"" output_entries: "1" }
    rows { input_entries: "< 0.3" input_entries: "\"toys\", \"food\"" output_entries: "2" }
    rows { input_entries: "-" input_entries: "\"food\"" output_entries: "3" })x");
  EXPECT_THAT(two, StatusIs(StatusCode::kInvalidArgument, HasSubstr("rows 1 and 2 overlap")));
}

TEST(DecisionTableTest, TypeMismatchesAndShapeErrors) {
  EXPECT_THAT(
      CompileTable(
          R"x(id: 't' inputs { name: "rate" expression: "refund_rate" } outputs { name: "o" }
                             rows { input_entries: "\"high\"" output_entries: "1" })x"),
      StatusIs(StatusCode::kInvalidArgument,
               HasSubstr("cannot match input 'rate' of type double")));
  EXPECT_THAT(
      CompileTable(
          R"x(id: 't' inputs { name: "s" expression: "enterprise.sector" } outputs { name: "o" }
                             rows { input_entries: "< 3" output_entries: "1" })x"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot match input 's' of type string")));
  EXPECT_THAT(
      CompileTable(
          R"x(id: 't' inputs { name: "rate" expression: "refund_rate" } outputs { name: "o" }
                             rows { input_entries: "-" input_entries: "-" output_entries: "1" })x"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("has 2 input and 1 output entries")));
  EXPECT_THAT(
      CompileTable(
          R"x(id: 't' inputs { name: "rate" expression: "refund_rate" } outputs { name: "o" }
                             rows { input_entries: "-" output_entries: "ordrs * 2.0" })x"),
      StatusIs(StatusCode::kInvalidArgument,
               HasSubstr("is neither a literal nor a valid expression")));
  EXPECT_THAT(CompileTable(R"x(id: 't' hit_policy: DECISION_HIT_POLICY_PRIORITY
                             inputs { name: "rate" expression: "refund_rate" } outputs { name: "o" priority: "1" }
                             rows { input_entries: "-" output_entries: "2" })x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not in the priority list")));
  EXPECT_THAT(CompileTable(R"x(id: 't' aggregation: COLLECT_AGGREGATION_SUM
                             inputs { name: "rate" expression: "refund_rate" } outputs { name: "o" }
                             rows { input_entries: "-" output_entries: "2" })x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("needs the COLLECT hit policy")));
  EXPECT_THAT(CompileTable(
                  R"x(id: 't' inputs { name: "rate" expression: "refund_rat" } outputs { name: "o" }
                             rows { input_entries: "-" output_entries: "2" })x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("input 'rate'")));
}
TEST(DecisionTableTest, ExpressionOutputsAreCheckedAtCompileAndEvaluatedWhenChosen) {
  // A limit that is a quarter of the orders (a stand-in for sales), at most 100.
  auto t = CompileTable(R"x(id: 'limits' hit_policy: DECISION_HIT_POLICY_FIRST
    inputs { name: "rate" expression: "refund_rate" }
    outputs { name: "outcome" }
    outputs { name: "limit" }
    rows { input_entries: "< 0.1" output_entries: "\"APPROVE\"" output_entries: "math.least(100.0, 0.25 * orders)" }
    rows { input_entries: "-" output_entries: "\"REVIEW\"" output_entries: "penalties * 2.0" })x");
  ASSERT_TRUE(t.ok()) << t.status();
  const auto entries = t->OutputEntries(1);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_FALSE(entries[0].literal.has_value());
  EXPECT_EQ(entries[0].type, expr::Type::Double());
  EXPECT_EQ(entries[0].source, "math.least(100.0, 0.25 * orders)");
  EXPECT_EQ(t->OutputValues(1).size(), 0u) << "no literal limits";
  EXPECT_EQ(t->OutputValues(0).size(), 2u);
  // 0.25 * 40 = 10; 0.25 * 1000 = 250, capped at 100.
  EXPECT_THAT(Outputs(Eval(*t, {0.05, 40, 0})), ElementsAre("outcome=\"APPROVE\"", "limit=10.0"));
  EXPECT_THAT(Outputs(Eval(*t, {0.05, 1000, 0})),
              ElementsAre("outcome=\"APPROVE\"", "limit=100.0"));
  // Only the chosen row is evaluated: row 1 reads `penalties`, missing here, yet row 0 wins.
  EXPECT_FALSE(Eval(*t, {0.05, 40, kNaN}).errored());
  // The chosen row's expression fails on a missing feature: an errored result.
  auto failed = Eval(*t, {0.5, 40, kNaN});
  EXPECT_TRUE(failed.errored());
  EXPECT_THAT(failed.error(), HasSubstr("output 'limit' of row 1"));

  // Type errors are compile errors located at the entry; SUM needs numeric expressions;
  // PRIORITY needs literal first outputs.
  EXPECT_THAT(CompileTable(R"x(id: 't' inputs { name: "rate" expression: "refund_rate" }
                             outputs { name: "o" }
                             rows { input_entries: "-" output_entries: "orders + \"x\"" })x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("neither a literal")));
  EXPECT_THAT(CompileTable(R"x(id: 't' hit_policy: DECISION_HIT_POLICY_COLLECT
                             aggregation: COLLECT_AGGREGATION_SUM
                             inputs { name: "rate" expression: "refund_rate" } outputs { name: "o" }
                             rows { input_entries: "-" output_entries: "enterprise.sector" })x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("numeric outputs")));
  auto sum = CompileTable(R"x(id: 't' hit_policy: DECISION_HIT_POLICY_COLLECT
                             aggregation: COLLECT_AGGREGATION_SUM
                             inputs { name: "rate" expression: "refund_rate" } outputs { name: "o" }
                             rows { input_entries: "-" output_entries: "orders" }
                             rows { input_entries: "-" output_entries: "1.5" })x");
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_THAT(Outputs(Eval(*sum, {0, 4, 0})), ElementsAre("o=5.5"));
  EXPECT_THAT(CompileTable(R"x(id: 't' hit_policy: DECISION_HIT_POLICY_PRIORITY
                             inputs { name: "rate" expression: "refund_rate" }
                             outputs { name: "o" priority: "1.0" }
                             rows { input_entries: "-" output_entries: "orders" })x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("must be a literal")));
}

// RelateEntries against brute force: an entry pair it calls disjoint shares no value of a
// grid (numbers in steps of 0.25 and the literals used), and a pair it calls overlapping
// shares one.
TEST(InputEntryTest, RelationsAgreeWithMatchingOnAGrid) {
  const char* entries[] = {"-",     "< 1",        "<= 1",     "> 1",       ">= 2",  "1",
                           "!= 1",  "[0..1)",     "(1..2]",   "< 0, > 3",  "\"a\"", "\"a\", \"b\"",
                           "\"b\"", "not(\"a\")", "!= \"a\"", "not(1, 2)", "true",  "false"};
  std::vector<expr::Value> grid = {expr::Value::String("a"), expr::Value::String("b"),
                                   expr::Value::String("c"), expr::Value::Bool(true),
                                   expr::Value::Bool(false)};
  for (int k = -8; k <= 20; ++k) grid.push_back(expr::Value::Double(k / 4.0));
  int disjoint = 0, overlap = 0;
  for (const char* x : entries) {
    for (const char* y : entries) {
      auto a = ParseInputEntry(x), b = ParseInputEntry(y);
      ASSERT_TRUE(a.ok() && b.ok()) << x << " / " << y;
      bool common = false;
      for (const expr::Value& v : grid) common = common || (a->Matches(v) && b->Matches(v));
      switch (RelateEntries(*a, *b)) {
        case EntryRelation::kDisjoint:
          EXPECT_FALSE(common) << x << " / " << y;
          ++disjoint;
          break;
        case EntryRelation::kOverlap:
          EXPECT_TRUE(common) << x << " / " << y;
          ++overlap;
          break;
        case EntryRelation::kMaybe:
          break;
      }
    }
  }
  EXPECT_GT(disjoint, 40);
  EXPECT_GT(overlap, 40);
}

// Compiling and the lint used two copies of the entry-to-interval conversion; compiling's
// declined `!=`, so a single-input table with a `!=` row was never checked for coverage.
TEST(DecisionTableTest, NotEqualRowsCountForCoverage) {
  std::vector<Issue> issues;
  auto t = CompileTable(R"x(id: 'c' hit_policy: DECISION_HIT_POLICY_FIRST
    inputs { name: "rate" expression: "refund_rate" }
    outputs { name: "o" }
    rows { input_entries: "!= 0.5" output_entries: "1" })x",
                        &issues);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, Issue::Severity::kWarning);
  EXPECT_THAT(std::string(issues[0].status.message()), HasSubstr("not covered on [0.5, 0.5]"));
  issues.clear();
  auto covered = CompileTable(R"x(id: 'c' hit_policy: DECISION_HIT_POLICY_FIRST
    inputs { name: "rate" expression: "refund_rate" }
    outputs { name: "o" }
    rows { input_entries: "!= 0.5" output_entries: "1" }
    rows { input_entries: "0.5" output_entries: "2" })x",
                              &issues);
  ASSERT_TRUE(covered.ok()) << covered.status();
  EXPECT_TRUE(issues.empty());
  EXPECT_THAT(Outputs(Eval(*covered, {0.5, 0, 0})), ElementsAre("o=2"));
}

}  // namespace
}  // namespace credence::decision

namespace credence::decision {
namespace {

// A 100 KB entry is not echoed in full (issue 13, cause 12).
TEST(DecisionTableTest, HugeEntriesAreNotEchoedInFull) {
  const std::string junk(100'000, '#');
  auto table = CompileTable(
      "id: 't' inputs { name: 'rate' expression: 'refund_rate' } "
      "outputs { name: 'o' } rows { input_entries: '" +
      junk + "' output_entries: '" + junk + "' }");
  ASSERT_FALSE(table.ok());
  EXPECT_LT(table.status().message().size(), 600u);
  EXPECT_THAT(std::string(table.status().message()), HasSubstr("(100000 bytes)"));
}

}  // namespace
}  // namespace credence::decision
