// The whole pipeline with rules, compliance, a deciding table and a tree-ensemble model file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "credence/engine.h"
#include "io/file.h"
#include "models/tree_ensemble.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::AddEvent;
using ::credence::testing::kAsOfSeconds;
using ::credence::testing::kDay;
using ::credence::testing::MakeRequest;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kPolicyBundle = R"bundle(metadata { name: "policy" version: "1" }
base_currency: "USD"
features { name: "orders" filter { kinds: EVENT_KIND_ORDER } window { trailing { seconds: 2592000 } } aggregate { op: AGGREGATE_OP_COUNT } }
features { name: "refunds" filter { kinds: EVENT_KIND_REFUND } window { trailing { seconds: 2592000 } } aggregate { op: AGGREGATE_OP_COUNT } }
features { name: "refund_rate" ratio { numerator: "refunds" denominator: "orders" zero_denominator: ZERO_DENOMINATOR_POLICY_ZERO } }
features { name: "penalties" filter { kinds: EVENT_KIND_ADMINISTRATIVE_PENALTY } window { all_history: true } aggregate { op: AGGREGATE_OP_COUNT } }
models { id: "pd" logistic { intercept: -5 terms { feature: "refund_rate" coefficient: 6 } } }
credit { model: "pd" scaling { base_score: 600 base_odds: 50 pdo: 20 } grade_scale: "g" }
grade_scales { id: "g"
  bands { grade: "A" max_pd: 0.02 outcome: OUTCOME_APPROVE limit_minor_units: 900000 }
  bands { grade: "B" max_pd: 1 outcome: OUTCOME_REVIEW } }
compliance {
  weights { dimension: DIMENSION_CONSUMER_PROTECTION weight: 1 }
  weights { dimension: DIMENSION_CREDENTIALS_PENALTIES weight: 1 }
  grades { grade: "advanced_certified" min_score: 90 }
  grades { grade: "certified" min_score: 75 }
  grades { grade: "regular" min_score: 50 }
  grades { grade: "dishonest" min_score: 25 }
  grades { grade: "seriously_dishonest" min_score: 0 }
}
rule_sets { id: "compliance"
  rules { id: "high_refunds" condition: "refund_rate > 0.2" dimension: DIMENSION_CONSUMER_PROTECTION
          points: -30 flag: "high_refunds" reason_code: "C01" message: "refund rate {refund_rate}" }
  rules { id: "penalised" condition: "penalties >= 1.0" dimension: DIMENSION_CREDENTIALS_PENALTIES
          points: -60 grade_cap: "dishonest" outcome: OUTCOME_REVIEW severity: SEVERITY_BLOCK reason_code: "C02" }
  rules { id: "smuggling" condition: "penalties >= 3.0" dimension: DIMENSION_CREDENTIALS_PENALTIES
          grade_cap: "seriously_dishonest" severity: SEVERITY_BLOCK }
}
decision_tables { id: "policy" hit_policy: DECISION_HIT_POLICY_FIRST
  inputs { name: "credit" expression: "credit.grade" }
  inputs { name: "compliance" expression: "compliance.grade" }
  outputs { name: "outcome" }
  outputs { name: "limit" }
  rows { input_entries: "-" input_entries: "\"seriously_dishonest\"" output_entries: "\"REJECT\"" output_entries: "0" }
  rows { input_entries: "\"A\"" input_entries: "not(\"dishonest\")" output_entries: "\"APPROVE\"" output_entries: "5000.5" }
  rows { input_entries: "-" input_entries: "-" output_entries: "\"REVIEW\"" output_entries: "0" }
}
decision { table: "policy" }
)bundle";

std::shared_ptr<const Engine> Compile(const std::string& text) {
  auto loaded = ParseBundle(text, BundleFormat::kText, "policy.textproto");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  std::vector<Issue> issues;
  auto engine = Engine::Compile(*loaded, {}, &issues);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *engine : nullptr;
}

v1::ScoreRequest Request(int orders, int refunds, int penalties) {
  v1::ScoreRequest r = MakeRequest();
  int id = 0;
  for (int i = 0; i < orders; ++i)
    AddEvent(r, "e" + std::to_string(id++), v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay);
  for (int i = 0; i < refunds; ++i)
    AddEvent(r, "e" + std::to_string(id++), v1::EVENT_KIND_REFUND, kAsOfSeconds - kDay);
  for (int i = 0; i < penalties; ++i) {
    AddEvent(r, "e" + std::to_string(id++), v1::EVENT_KIND_ADMINISTRATIVE_PENALTY,
             kAsOfSeconds - 400 * kDay);
  }
  return r;
}

TEST(PipelineTest, CleanEnterpriseIsApprovedWithTheTableLimit) {
  auto engine = Compile(kPolicyBundle);
  auto r = engine->Score(Request(10, 0, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  // PD = sigmoid(-5) = 0.0067 → A; compliance 100 → advanced_certified; table row 1.
  EXPECT_EQ(r->credit().grade(), "A");
  EXPECT_EQ(r->compliance().grade(), "advanced_certified");
  EXPECT_EQ(r->compliance().score(), 100);
  EXPECT_EQ(r->rule_hits_size(), 0);
  ASSERT_EQ(r->decision_tables_size(), 1);
  EXPECT_THAT(r->decision_tables(0).matched_rows(), ElementsAre(1));
  EXPECT_EQ(r->decision().outcome(), v1::OUTCOME_APPROVE);
  EXPECT_EQ(r->decision().source(), "decision_table:policy");
  EXPECT_EQ(r->decision().limit().minor_units(), 500050) << "5000.5 USD from the table";
}

TEST(PipelineTest, RefundsLowerComplianceAndCreditAndRaiseReasons) {
  auto engine = Compile(kPolicyBundle);
  auto r = engine->Score(Request(10, 5, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  // refund_rate 0.5: PD = sigmoid(-5 + 3) = 0.119 → B (REVIEW); consumer 70, credentials 100
  // → composite 85 → certified; the table's last row says REVIEW too.
  EXPECT_EQ(r->credit().grade(), "B");
  EXPECT_DOUBLE_EQ(r->compliance().score(), 85);
  EXPECT_EQ(r->compliance().grade(), "certified");
  ASSERT_EQ(r->rule_hits_size(), 1);
  EXPECT_EQ(r->rule_hits(0).message(), "refund rate 0.5");
  EXPECT_EQ(r->decision().outcome(), v1::OUTCOME_REVIEW);
  EXPECT_FALSE(r->decision().has_limit());
  // The REVIEW comes from the table and the grade, not from the rule (it proposes no
  // outcome): the model's reason ranks before the hit (docs/rule_sets.md, "Reason codes").
  EXPECT_THAT(r->decision().reason_codes(), ElementsAre("FEATURE:refund_rate", "C01"));
}

TEST(PipelineTest, VetoesCapTheGradeAndTheStrictestOutcomeWins) {
  auto engine = Compile(kPolicyBundle);
  auto one = engine->Score(Request(10, 0, 1));
  ASSERT_TRUE(one.ok());
  // credentials 40, consumer 100 → composite 70 → regular, capped to dishonest by the veto.
  EXPECT_DOUBLE_EQ(one->compliance().score(), 70);
  EXPECT_EQ(one->compliance().grade(), "dishonest");
  // The table says REVIEW (row 2), the rule says REVIEW, the grade says APPROVE.
  EXPECT_EQ(one->decision().outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(one->decision().source(), "decision_table:policy");
  auto three = engine->Score(Request(10, 0, 3));
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->compliance().grade(), "seriously_dishonest");
  EXPECT_EQ(three->decision().outcome(), v1::OUTCOME_REJECT);
  EXPECT_THAT(three->decision_tables(0).matched_rows(), ElementsAre(0));
}

TEST(PipelineTest, TreeEnsembleFromTheBundleFolderMatchesTheModelItself) {
  // A bundle folder with an XGBoost model whose 8 columns read 8 features, listed in a
  // different order from the bundle's features to exercise the column mapping.
  const auto dir = std::filesystem::temp_directory_path() / "credence_pipeline_tree";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "models");
  const std::string model_path =
      std::string(CREDENCE_SOURCE_DIR) + "/tests/models/data/d4_logistic_missing.json";
  std::filesystem::copy_file(model_path, dir / "models" / "gbm.json");
  std::string text = "metadata { name: \"trees\" }\nbase_currency: \"USD\"\n";
  for (int k = 7; k >= 0; --k) {  // bundle order x7..x0
    text += "features { name: \"x" + std::to_string(k) +
            "\" filter { kinds: EVENT_KIND_CUSTOM custom_kinds: \"x" + std::to_string(k) +
            "\" } window { all_history: true } aggregate { op: AGGREGATE_OP_SUM } }\n";
  }
  text +=
      "models { id: \"gbm\" tree_ensemble { file: \"models/gbm.json\" format: "
      "TREE_MODEL_FORMAT_XGBOOST_JSON ";
  for (int k = 0; k < 8; ++k) text += "features: \"x" + std::to_string(k) + "\" ";
  text +=
      "} }\ncredit { model: \"gbm\" scaling { base_score: 600 base_odds: 50 pdo: 20 } grade_scale: "
      "\"g\" }\n"
      "grade_scales { id: \"g\" bands { grade: \"A\" max_pd: 0.5 } bands { grade: \"B\" max_pd: 1 "
      "} }\n";
  std::ofstream(dir / "bundle.textproto") << text;
  auto loaded = LoadBundle(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto engine = Engine::Compile(*loaded);
  ASSERT_TRUE(engine.ok()) << engine.status();

  auto bytes = io::ReadFile(model_path, 1 << 26);
  ASSERT_TRUE(bytes.ok());
  auto model = models::LoadXgboostJson(*bytes, {});
  ASSERT_TRUE(model.ok()) << model.status();
  for (int trial = 0; trial < 20; ++trial) {
    v1::ScoreRequest r = MakeRequest();
    std::vector<double> row(8);
    for (int k = 0; k < 8; ++k) {
      const std::int64_t cents = ((trial * 37 + k * 101) % 700) - 350;  // -3.50 .. 3.49 USD
      v1::Event* e =
          AddEvent(r, "e" + std::to_string(k), v1::EVENT_KIND_CUSTOM, kAsOfSeconds - kDay, 0);
      e->set_custom_kind("x" + std::to_string(k));
      e->mutable_amount()->set_minor_units(cents);
      row[static_cast<std::size_t>(k)] = static_cast<double>(cents) / 100.0;
    }
    auto response = (*engine)->Score(r);
    ASSERT_TRUE(response.ok()) << response.status();
    const double margin = model->PredictMargin(row);
    EXPECT_EQ(response->credit().margin(), margin) << trial;
    EXPECT_DOUBLE_EQ(response->credit().pd(), model->Transform(margin));
    // TreeSHAP reasons: the positive contributions of the model, largest first.
    std::vector<double> phi(9);
    ASSERT_OK(model->Contributions(row, phi));
    double best = 0;
    int best_k = -1;
    for (int k = 0; k < 8; ++k) {
      if (phi[static_cast<std::size_t>(k)] > best) {
        best = phi[static_cast<std::size_t>(k)];
        best_k = k;
      }
    }
    if (best_k >= 0) {
      ASSERT_GT(response->reasons_size(), 0);
      EXPECT_EQ(response->reasons(0).feature(), "x" + std::to_string(best_k));
      EXPECT_DOUBLE_EQ(response->reasons(0).contribution(), best);
    }
  }
  // The model file is part of the digest.
  const std::string digest = (*engine)->info().digest;
  std::ofstream(dir / "models" / "gbm.json", std::ios::app) << "\n";
  auto reloaded = Engine::Compile(*LoadBundle(dir.string()));
  ASSERT_TRUE(reloaded.ok());
  EXPECT_NE((*reloaded)->info().digest, digest);
  std::filesystem::remove_all(dir);
}

TEST(PipelineTest, BadDecisionConfig) {
  std::string text = kPolicyBundle;
  text.replace(text.find("decision { table: \"policy\" }"), 28, "decision { table: \"nope\" }");
  auto loaded = ParseBundle(text, BundleFormat::kText, "policy.textproto");
  ASSERT_TRUE(loaded.ok());
  EXPECT_THAT(Engine::Compile(*loaded),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown decision table 'nope'")));
  text = kPolicyBundle;
  const std::string approve = R"(\"APPROVE\")";
  text.replace(text.find(approve), approve.size(), R"(\"MAYBE\")");
  loaded = ParseBundle(text, BundleFormat::kText, "policy.textproto");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_THAT(Engine::Compile(*loaded),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("outcome outputs must be")));
}

}  // namespace
}  // namespace credence
