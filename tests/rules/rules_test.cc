#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "decision/compliance.h"
#include "io/ingest.h"
#include "rules/context.h"
#include "rules/rule_set.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::rules {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

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

// The table declares, binds and explains every variable: each variable a rule can declare
// is bound once its stage is known (when the request has it), with a value of its declared
// type, and reading it through a rule gives that value.
TEST(RuleContextTest, EveryDeclaredVariableIsBoundWithItsType) {
  // The screening environment declares every variable (event.* included).
  expr::Environment env = MakeScreeningEnvironment({"refund_rate_90d"}, {"blocked"}).value();
  v1::ScoreRequest r = testing::MakeRequest();
  *r.mutable_enterprise()->mutable_registered_at() = testing::Ts(testing::kAsOfSeconds);
  r.mutable_enterprise()->mutable_customs_grade()->set_grade("regular");
  *r.mutable_enterprise()->mutable_customs_grade()->mutable_effective_at() =
      testing::Ts(testing::kAsOfSeconds);
  v1::Event* e = testing::AddEvent(r, "o1", v1::EVENT_KIND_ORDER, testing::kAsOfSeconds, 1250);
  (*e->mutable_attributes())["hs"].set_string_value("6109");
  auto fx = io::FxTable::Build("USD", {}, "fx_rates");
  auto ingested = io::Ingest(r, *fx, RequestLimits{});
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  const EventView event{e, &ingested->events};
  v1::CreditResult credit;
  credit.set_available(true);
  credit.set_grade("AA");
  v1::ComplianceResult compliance;
  compliance.set_available(true);
  compliance.mutable_official()->set_agrees(true);
  google::protobuf::RepeatedPtrField<v1::RuleHit> hits;
  hits.Add()->set_flag("x");
  expr::Activation a;
  BindRequest(r, a);
  BindCredit(credit, a);
  BindCompliance(compliance, a);
  BindFlags(hits, a);
  BindEvent(event, a);
  int checked = 0;
  for (const RequestVariable& v : RequestVariables()) {
    const expr::VariableDecl* decl = env.Find(v.name);
    ASSERT_NE(decl, nullptr) << v.name;
    const expr::Value* bound = a.Find(v.name);
    ASSERT_NE(bound, nullptr) << v.name;
    auto program = expr::Compile(std::string(v.name), env);
    ASSERT_TRUE(program.ok()) << program.status();
    EXPECT_EQ((*program)->result_type(), decl->type) << v.name;
    auto read = (*program)->Evaluate(a);
    ASSERT_TRUE(read.ok() && !read->is_error()) << v.name;
    EXPECT_EQ(read->type().name, expr::Value(*bound).type().name) << v.name;
    EXPECT_FALSE(v.description.empty()) << v.name;
    ++checked;
  }
  EXPECT_EQ(checked, 40);
  // Compliance rules and decision tables do not see the event.
  EXPECT_EQ(Env().Find("event.amount"), nullptr);
  EXPECT_EQ(a.Find("event.amount")->double_value(), 12.5);
}

// `credence explain` used its own copy of the variables and showed credit.grade = "" when
// credit was unavailable, although rules then see credit.grade unbound (reading it errors).
TEST(RuleContextTest, DescribeReadsShowsWhatRulesSee) {
  v1::ScoreRequest r = testing::MakeRequest();
  r.mutable_enterprise()->set_zone("FTZ");
  v1::ScoreResponse response;
  auto* f = response.add_features();
  f->set_name("refund_rate");
  f->set_value(0.125);
  auto* g = response.add_features();
  g->set_name("orders");
  g->set_value(kNaN);
  response.mutable_credit()->set_available(false);
  EXPECT_EQ(
      DescribeReads("refund_rate > 0.1 && enterprise.zone == 'FTZ' && orders > 1.0", r, response),
      "refund_rate = 0.125, enterprise.zone = \"FTZ\", orders = missing");
  EXPECT_EQ(DescribeReads("credit.grade == 'A' || credit.available", r, response),
            "credit.grade = unavailable, credit.available = false");
  EXPECT_EQ(DescribeReads("has(enterprise.registered_at) || nothing > 1", r, response),
            "enterprise.registered_at = unset, nothing = ?");
  EXPECT_EQ(DescribeReads("1 + 1 == 2", r, response), "");
  EXPECT_THAT(DescribeReads("a +", r, response), HasSubstr("cannot parse"));
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

TEST(MessageTemplateTest, CitedFeatureNames) {
  EXPECT_THAT(TemplateFeatureNames("rate {refund_rate} over {orders} {{literal}} {orders}"),
              ElementsAre("refund_rate", "orders"));
  EXPECT_THAT(TemplateFeatureNames("no names"), IsEmpty());
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
