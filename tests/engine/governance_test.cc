// Shadow models, champion/challenger assignment, governance in the audit block and limit
// policies, through Engine::Score on a small bundle whose outputs are derived by hand
// (docs/governance.md, docs/rule_sets.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "credence/engine.h"
#include "engine/shadow_models.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::AddEvent;
using ::credence::testing::kAsOfSeconds;
using ::credence::testing::kDay;
using ::credence::testing::MakeRequest;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

// refund_rate = refunds / orders; credit model "pd" and a second model "alt".
constexpr const char* kBundle = R"bundle(metadata { name: "gov" version: "1" }
base_currency: "USD"
features {
  name: "orders_30d"
  filter { kinds: EVENT_KIND_ORDER }
  window { trailing { seconds: 2592000 } }
  aggregate { op: AGGREGATE_OP_COUNT }
}
features {
  name: "refunds_30d"
  filter { kinds: EVENT_KIND_REFUND }
  window { trailing { seconds: 2592000 } }
  aggregate { op: AGGREGATE_OP_COUNT }
}
features {
  name: "order_value_30d"
  filter { kinds: EVENT_KIND_ORDER }
  window { trailing { seconds: 2592000 } }
  aggregate { op: AGGREGATE_OP_SUM }
}
features {
  name: "refund_rate"
  ratio { numerator: "refunds_30d" denominator: "orders_30d" }
}
models {
  id: "pd"
  governance { owner: "risk team" validation_status: VALIDATION_STATUS_VALIDATED }
  logistic { intercept: -4 terms { feature: "refund_rate" coefficient: 4 } }
}
models {
  id: "alt"
  logistic { intercept: -2 terms { feature: "refund_rate" coefficient: 3 } }
}
credit {
  model: "pd"
  scaling { base_score: 600 base_odds: 50 pdo: 20 min_score: 300 max_score: 850 }
  grade_scale: "g"
}
grade_scales {
  id: "g"
  bands { grade: "A" max_pd: 0.05 outcome: OUTCOME_APPROVE limit_minor_units: 100000000 }
  bands { grade: "B" max_pd: 0.2 outcome: OUTCOME_REVIEW }
  bands { grade: "C" max_pd: 1 outcome: OUTCOME_REJECT }
}
)bundle";

std::shared_ptr<const Engine> Compile(const std::string& extra) {
  auto loaded = ParseBundle(std::string(kBundle) + extra, BundleFormat::kText, "gov.textproto");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  auto engine = Engine::Compile(*loaded);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *engine : nullptr;
}

Status CompileError(const std::string& extra) {
  auto loaded = ParseBundle(std::string(kBundle) + extra, BundleFormat::kText, "gov.textproto");
  if (!loaded.ok()) return loaded.status();
  return Engine::Compile(*loaded).status();
}

// 4 orders of 50.00 USD and one refund within 30 days: refund_rate 0.25, order value 200.
v1::ScoreRequest Request(const std::string& enterprise = "ent-1") {
  v1::ScoreRequest r = MakeRequest("q-" + enterprise);
  r.mutable_enterprise()->set_id(enterprise);
  for (int i = 0; i < 4; ++i) {
    AddEvent(r, "o" + std::to_string(i), v1::EVENT_KIND_ORDER, kAsOfSeconds - (i + 1) * kDay, 5000);
  }
  AddEvent(r, "r", v1::EVENT_KIND_REFUND, kAsOfSeconds - kDay, 100);
  return r;
}

const double kFactor = 20 / std::log(2.0), kOffset = 600 - kFactor * std::log(50.0);

TEST(ShadowModelsTest, EveryResponseCarriesTheShadowsScaledAndGraded) {
  auto engine = Compile("shadow_models: \"alt\"");
  ASSERT_NE(engine, nullptr);
  auto r = engine->Score(Request());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->shadow_size(), 1);
  const v1::ShadowResult& s = r->shadow(0);
  // alt: margin -2 + 3 * 0.25 = -1.25, PD 1 / (1 + e^1.25) = 0.2227 -> C.
  EXPECT_EQ(s.model_id(), "alt");
  EXPECT_TRUE(s.available());
  EXPECT_NEAR(s.margin(), -1.25, 1e-12);
  EXPECT_NEAR(s.pd(), 1 / (1 + std::exp(1.25)), 1e-12);
  EXPECT_NEAR(s.score(), kOffset + kFactor * 1.25, 1e-9);
  EXPECT_EQ(s.grade(), "C");
  // The credit result is still the credit model's: margin -3, PD 0.0474 -> A.
  EXPECT_EQ(r->credit().model_id(), "pd");
  EXPECT_EQ(r->credit().grade(), "A");
  // Its governance is in the audit block; no assignment without an experiment.
  EXPECT_EQ(r->audit().model_governance().owner(), "risk team");
  EXPECT_FALSE(r->audit().has_assignment());
}

TEST(ShadowModelsTest, AssignmentBucketIsTheDocumentedHash) {
  // Computed with Python's hashlib: (int.from_bytes(sha256(b"exp1\0" + eid)[:8]) >> 11) / 2**53.
  EXPECT_EQ(engine_internal::AssignmentBucket("exp1", "ent-1"), 0.25636313820648493);
  EXPECT_EQ(engine_internal::AssignmentBucket("exp1", "ent-4"), 0.8355451905730629);
  EXPECT_EQ(engine_internal::AssignmentBucket("exp1", "ent-5"), 0.5334446932314216);
}

TEST(ShadowModelsTest, ChampionChallengerAssignsByBucketAndRecordsIt) {
  auto engine = Compile(
      "champion_challenger { challenger_model: \"alt\" challenger_share: 0.5 salt: \"exp1\" }");
  ASSERT_NE(engine, nullptr);
  // ent-1: bucket 0.256 < 0.5 -> the challenger decides; ent-4: 0.836 -> the champion.
  auto challenged = engine->Score(Request("ent-1"));
  ASSERT_TRUE(challenged.ok());
  EXPECT_EQ(challenged->credit().model_id(), "alt");
  EXPECT_EQ(challenged->credit().grade(), "C");
  EXPECT_EQ(challenged->decision().outcome(), v1::OUTCOME_REJECT);
  EXPECT_EQ(challenged->audit().assignment().arm(), "challenger");
  EXPECT_EQ(challenged->audit().assignment().bucket(), 0.25636313820648493);
  EXPECT_EQ(challenged->audit().assignment().salt_digest().size(), 16u);
  ASSERT_EQ(challenged->shadow_size(), 1);
  EXPECT_EQ(challenged->shadow(0).model_id(), "pd");
  EXPECT_FALSE(challenged->audit().has_model_governance()) << "alt has none";
  auto champion = engine->Score(Request("ent-4"));
  ASSERT_TRUE(champion.ok());
  EXPECT_EQ(champion->credit().model_id(), "pd");
  EXPECT_EQ(champion->audit().assignment().arm(), "champion");
  ASSERT_EQ(champion->shadow_size(), 1);
  EXPECT_EQ(champion->shadow(0).model_id(), "alt");
  EXPECT_EQ(champion->audit().model_governance().owner(), "risk team");
}

TEST(ShadowModelsTest, CompileErrors) {
  EXPECT_THAT(CompileError("shadow_models: \"nope\""),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown model 'nope'")));
  EXPECT_THAT(CompileError("shadow_models: \"pd\""),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is the credit model")));
  EXPECT_THAT(CompileError("shadow_models: \"alt\" shadow_models: \"alt\""),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("listed twice")));
  EXPECT_THAT(CompileError("champion_challenger { challenger_model: \"alt\" "
                           "challenger_share: 1.5 salt: \"s\" }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("challenger_share")));
  EXPECT_THAT(CompileError("champion_challenger { challenger_model: \"alt\" }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("salt")));
  EXPECT_THAT(CompileError("champion_challenger { challenger_model: \"pd\" salt: \"s\" }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("other than the credit model")));
  EXPECT_THAT(CompileError("explanation { max_decision_reasons: 5 }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("max_decision_reasons")));
}

constexpr const char* kPolicy = R"(
decision_tables {
  id: "policy"
  hit_policy: DECISION_HIT_POLICY_FIRST
  inputs { name: "grade" expression: "credit.grade" }
  outputs { name: "outcome" }
  outputs { name: "limit" }
  rows { input_entries: "\"A\"" output_entries: "\"APPROVE\"" output_entries: "LIMIT" }
  rows { input_entries: "-" output_entries: "\"REVIEW\"" output_entries: "0" }
}
decision { table: "policy" CAP }
)";

std::string Policy(const std::string& limit, const std::string& cap) {
  std::string text = kPolicy;
  text.replace(text.find("LIMIT"), 5, limit);
  text.replace(text.find("CAP"), 3, cap);
  return text;
}

TEST(LimitPolicyTest, ExpressionLimitsAndTheCap) {
  // 0.5 x order value 200 = 100 USD, under the cap of 3 x 200.
  auto engine = Compile(Policy("0.5 * order_value_30d", "limit_cap: \"3.0 * order_value_30d\""));
  ASSERT_NE(engine, nullptr);
  auto r = engine->Score(Request());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->decision().outcome(), v1::OUTCOME_APPROVE);
  EXPECT_EQ(r->decision().limit().minor_units(), 10000);
  EXPECT_EQ(r->decision().limit_cap().minor_units(), 60000);
  EXPECT_FALSE(r->decision().limit_capped());
  EXPECT_EQ(r->decision_tables(0).outputs(1).value(), "100.0");
  // 10 x order value = 2000 USD, capped at 600.
  engine = Compile(Policy("10.0 * order_value_30d", "limit_cap: \"3.0 * order_value_30d\""));
  r = engine->Score(Request());
  EXPECT_EQ(r->decision().limit().minor_units(), 60000);
  EXPECT_TRUE(r->decision().limit_capped());
  // A cap that is not a finite number (1 / 0 in doubles) gives no limit, and a warning.
  engine = Compile(Policy("1000.0", "limit_cap: \"1.0 / (order_value_30d - 200.0)\""));
  auto infinite = engine->Score(Request());
  ASSERT_TRUE(infinite.ok());
  EXPECT_EQ(infinite->decision().outcome(), v1::OUTCOME_APPROVE);
  EXPECT_FALSE(infinite->decision().has_limit());
  ASSERT_EQ(infinite->warnings_size(), 1);
  EXPECT_THAT(infinite->warnings(0), HasSubstr("limit cap could not be evaluated"));
  // Type errors are compile errors.
  EXPECT_THAT(CompileError(Policy("enterprise.sector", "")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("limit outputs must be numbers")));
  EXPECT_THAT(CompileError(Policy("1.0", "limit_cap: \"enterprise.sector\"")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("must be a number")));
}

}  // namespace
}  // namespace credence
