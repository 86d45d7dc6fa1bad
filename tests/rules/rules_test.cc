#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "decision/compliance.h"
#include "rules/context.h"
#include "rules/decision_table.h"
#include "rules/rule_set.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::rules {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kFeatures = {"refund_rate", "orders", "penalties"};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

expr::Environment Env() {
  auto env = MakeEnvironment(kFeatures);
  EXPECT_TRUE(env.ok()) << env.status();
  return std::move(env).value();
}

Result<RuleSets> CompileRules(const std::string& text, std::vector<Issue>* issues = nullptr,
                              std::vector<std::string> grades = {}) {
  v1::Bundle b = ParseText<v1::Bundle>(text);
  return RuleSets::Compile(b.rule_sets(), Env(), kFeatures, grades, nullptr, issues);
}

google::protobuf::RepeatedPtrField<v1::RuleHit> RunRules(const RuleSets& sets,
                                                         std::vector<double> features) {
  expr::Activation a;
  a.set_features(features);
  BindRequest(testing::MakeRequest(), a);
  google::protobuf::RepeatedPtrField<v1::RuleHit> hits;
  sets.Evaluate(features, a, &hits);
  return hits;
}

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits) {
  std::vector<std::string> ids;
  for (const auto& h : hits) ids.push_back(h.rule_id() + (h.errored() ? "!" : ""));
  return ids;
}

constexpr const char* kThreeRules = R"x(
  rules { id: "a" condition: "refund_rate > 0.1" priority: 1 points: -5 dimension: DIMENSION_CONSUMER_PROTECTION flag: "refunds" }
  rules { id: "b" condition: "orders >= 10.0" priority: 3 reason_code: "B1" outcome: OUTCOME_REVIEW
          message: "{orders} orders, refund rate {refund_rate}" }
  rules { id: "c" condition: "penalties > 0.0 || refund_rate > 0.5" priority: 2 outcome: OUTCOME_REJECT }
)x";

TEST(RuleSetsTest, HitPoliciesAllFirstPriority) {
  for (auto [policy, expected] :
       {std::pair{"RULE_HIT_POLICY_ALL", std::vector<std::string>{"a", "b", "c"}},
        std::pair{"RULE_HIT_POLICY_FIRST", std::vector<std::string>{"a"}},
        std::pair{"RULE_HIT_POLICY_PRIORITY", std::vector<std::string>{"b"}}}) {
    auto sets =
        CompileRules(std::string("rule_sets { id: 's' hit_policy: ") + policy + kThreeRules + "}");
    ASSERT_TRUE(sets.ok()) << sets.status();
    EXPECT_EQ(Ids(RunRules(*sets, {0.6, 12, 0})), expected) << policy;
  }
  auto all = CompileRules(std::string("rule_sets { id: 's'") + kThreeRules + "}");
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(Ids(RunRules(*all, {0.05, 3, 0})), ElementsAre());
  EXPECT_THAT(Ids(RunRules(*all, {0.2, 3, 0})), ElementsAre("a"));
}

TEST(RuleSetsTest, ActionsAndMessageTemplates) {
  auto sets = CompileRules(std::string("rule_sets { id: 's'") + kThreeRules + "}");
  ASSERT_TRUE(sets.ok());
  auto hits = RunRules(*sets, {0.25, 12, 0});
  ASSERT_EQ(hits.size(), 2);
  EXPECT_EQ(hits[0].points(), -5);
  EXPECT_EQ(hits[0].flag(), "refunds");
  EXPECT_EQ(hits[0].dimension(), v1::DIMENSION_CONSUMER_PROTECTION);
  EXPECT_EQ(hits[1].rule_set(), "s");
  EXPECT_EQ(hits[1].outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(hits[1].reason_code(), "B1");
  EXPECT_EQ(hits[1].message(), "12 orders, refund rate 0.25");
}

TEST(RuleSetsTest, MissingFeatureIsAnErroredHitNotAFailure) {
  auto sets = CompileRules(std::string("rule_sets { id: 's'") + kThreeRules + "}");
  ASSERT_TRUE(sets.ok());
  // refund_rate missing: "a" errors; "c" is `penalties > 0 || refund_rate > 0.5` with
  // penalties = 1, true || error = true (CEL's commutative ||).
  auto hits = RunRules(*sets, {kNaN, 12, 1});
  EXPECT_THAT(Ids(hits), ElementsAre("a!", "b", "c"));
  EXPECT_THAT(hits[0].error(), HasSubstr("refund_rate"));
  EXPECT_EQ(hits[0].points(), 0) << "no actions on an errored hit";
}

TEST(RuleSetsTest, RequestVariables) {
  auto sets = CompileRules(R"x(rule_sets { id: 's'
    rules { id: "sector" condition: "enterprise.sector == 'apparel'" }
    rules { id: "aeo" condition: "'AEO:advanced' in enterprise.certifications" }
    rules { id: "young" condition: "as_of - enterprise.registered_at < duration('8760h')" } })x");
  ASSERT_TRUE(sets.ok()) << sets.status();
  v1::ScoreRequest r = testing::MakeRequest();
  r.mutable_enterprise()->set_sector("apparel");
  auto* c = r.mutable_enterprise()->add_certifications();
  c->set_scheme("AEO");
  c->set_level("advanced");
  *r.mutable_enterprise()->mutable_registered_at() =
      testing::Ts(testing::kAsOfSeconds - 100 * testing::kDay);
  std::vector<double> f = {0, 0, 0};
  expr::Activation a;
  a.set_features(f);
  BindRequest(r, a);
  google::protobuf::RepeatedPtrField<v1::RuleHit> hits;
  sets->Evaluate(f, a, &hits);
  EXPECT_THAT(Ids(hits), ElementsAre("sector", "aeo", "young"));
  // Without a registration date, the rule reading it errors.
  r.mutable_enterprise()->clear_registered_at();
  expr::Activation b;
  b.set_features(f);
  BindRequest(r, b);
  hits.Clear();
  sets->Evaluate(f, b, &hits);
  EXPECT_THAT(Ids(hits), ElementsAre("sector", "aeo", "young!"));
}

TEST(RuleSetsTest, CompileErrorsAreCollected) {
  std::vector<Issue> issues;
  auto sets = CompileRules(R"x(rule_sets { id: 's'
    rules { id: "x" condition: "refund_rat > 0.1" }
    rules { id: "y" condition: "orders + 1" }
    rules { id: "z" condition: "orders > 1.0" message: "{nope}" }
    rules { id: "z" condition: "orders > (1.0" }
    rules { id: "w" condition: "orders > 1.0" grade_cap: "X" } })x",
                           &issues, {"A", "B"});
  EXPECT_THAT(sets, StatusIs(StatusCode::kInvalidArgument, HasSubstr("rule 'x': condition 1:1")));
  ASSERT_EQ(issues.size(), 6u);
  EXPECT_THAT(std::string(issues[1].status.message()), HasSubstr("rule 'y'"));
  EXPECT_THAT(std::string(issues[2].status.message()), HasSubstr("unknown feature 'nope'"));
  EXPECT_THAT(std::string(issues[3].status.message()), HasSubstr("unique"));
  EXPECT_THAT(std::string(issues[5].status.message()), HasSubstr("grade_cap 'X'"));
  EXPECT_EQ(issues[0].status.location()->field_path, "rule_sets[0].rules[0].condition");
}

TEST(RuleContextTest, ReservedFeatureNames) {
  EXPECT_THAT(MakeEnvironment({"credit"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("reserved")));
}

TEST(MessageTemplateTest, Braces) {
  auto t = MessageTemplate::Compile("rate {{ {refund_rate} }}, missing {orders}", kFeatures);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->Render(std::vector<double>{0.125, kNaN, 0}), "rate { 0.125 }, missing missing");
  EXPECT_THAT(MessageTemplate::Compile("a } b", kFeatures),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unmatched")));
  EXPECT_THAT(MessageTemplate::Compile("a {b", kFeatures),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unclosed")));
}

// ---- Decision tables ------------------------------------------------------------------

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
  BindRequest(testing::MakeRequest(), a);
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
                             rows { input_entries: "-" output_entries: "orders" })x"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("is not a literal")));
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

// ---- Compliance -------------------------------------------------------------------------

TEST(ComplianceTest, DimensionsCompositeGradesAndVetoes) {
  auto scorer = decision::ComplianceScorer::Compile(ParseText<v1::ComplianceConfig>(R"x(
    weights { dimension: DIMENSION_CUSTOMS weight: 3 }
    weights { dimension: DIMENSION_TAX weight: 1 }
    grades { grade: "advanced_certified" min_score: 90 }
    grades { grade: "certified" min_score: 75 }
    grades { grade: "regular" min_score: 50 }
    grades { grade: "dishonest" min_score: 25 }
    grades { grade: "seriously_dishonest" min_score: 0 })x"));
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  google::protobuf::RepeatedPtrField<v1::RuleHit> hits;
  auto add = [&](v1::Dimension d, double points, const std::string& cap = "",
                 bool errored = false) {
    v1::RuleHit* h = hits.Add();
    h->set_dimension(d);
    h->set_points(points);
    h->set_grade_cap(cap);
    h->set_errored(errored);
  };
  EXPECT_EQ(scorer->Score(hits).grade(), "advanced_certified");
  EXPECT_EQ(scorer->Score(hits).score(), 100);
  add(v1::DIMENSION_CUSTOMS, -20);
  add(v1::DIMENSION_CUSTOMS, -15);
  add(v1::DIMENSION_TAX, -150);           // clamps at 0
  add(v1::DIMENSION_TAX, -50, "", true);  // errored: ignored
  add(v1::DIMENSION_LOGISTICS, -40);      // no weight: ignored
  v1::ComplianceResult r = scorer->Score(hits);
  ASSERT_EQ(r.dimensions_size(), 2);
  EXPECT_EQ(r.dimensions(0).dimension(), v1::DIMENSION_CUSTOMS);
  EXPECT_EQ(r.dimensions(0).score(), 65);
  EXPECT_EQ(r.dimensions(0).hits(), 2);
  EXPECT_EQ(r.dimensions(1).score(), 0);
  EXPECT_DOUBLE_EQ(r.score(), (3 * 65.0 + 0) / 4);  // 48.75
  EXPECT_EQ(r.grade(), "dishonest");
  add(v1::DIMENSION_CUSTOMS, 0, "seriously_dishonest");
  EXPECT_EQ(scorer->Score(hits).grade(), "seriously_dishonest") << "a veto caps the grade";
}

TEST(ComplianceTest, RejectsBadConfigs) {
  EXPECT_THAT(
      decision::ComplianceScorer::Compile(ParseText<v1::ComplianceConfig>("grades { grade: 'a' }")),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("at least one dimension weight")));
  EXPECT_THAT(decision::ComplianceScorer::Compile(ParseText<v1::ComplianceConfig>(
                  "weights { dimension: DIMENSION_TAX weight: 1 } grades { grade: 'a' min_score: "
                  "50 } grades { grade: 'b' min_score: 60 }")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("decrease strictly")));
  EXPECT_THAT(
      decision::ComplianceScorer::Compile(ParseText<v1::ComplianceConfig>(
          "weights { dimension: DIMENSION_TAX weight: 1 } grades { grade: 'a' min_score: 50 }")),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("min_score <= 0")));
  EXPECT_THAT(decision::ComplianceScorer::Compile(ParseText<v1::ComplianceConfig>(
                  "weights { dimension: DIMENSION_TAX weight: 1 } weights { dimension: "
                  "DIMENSION_TAX weight: 2 } grades { grade: 'a' }")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("distinct")));
}

}  // namespace
}  // namespace credence::rules
