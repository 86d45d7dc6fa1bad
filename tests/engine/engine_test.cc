#include "credence/engine.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <thread>

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

// A small bundle whose outputs can be derived by hand.
constexpr const char* kBundle = R"bundle(metadata { name: "unit" version: "1" }
base_currency: "USD"
fx_rates { currency_code: "EUR" rate: "2" }
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
  name: "refund_value_30d"
  filter { kinds: EVENT_KIND_REFUND }
  window { trailing { seconds: 2592000 } }
  aggregate { op: AGGREGATE_OP_SUM }
}
features {
  name: "refund_rate"
  ratio { numerator: "refunds_30d" denominator: "orders_30d" }
}
models {
  id: "pd"
  logistic {
    intercept: -3
    terms { feature: "refund_rate" coefficient: 4 reference: 0.1 }
    terms { feature: "refund_value_30d" coefficient: 0.01 }
  }
}
credit {
  model: "pd"
  scaling { base_score: 600 base_odds: 50 pdo: 20 }
  grade_scale: "g"
}
grade_scales {
  id: "g"
  bands { grade: "A" max_pd: 0.05 outcome: OUTCOME_APPROVE limit_minor_units: 100000 }
  bands { grade: "B" max_pd: 0.2 outcome: OUTCOME_REVIEW }
  bands { grade: "C" max_pd: 1 outcome: OUTCOME_REJECT }
}
reason_codes { code: "RR" feature: "refund_rate" text: "Refund rate" }
)bundle";

std::shared_ptr<const Engine> CompileOrDie(const std::string& text) {
  auto loaded = ParseBundle(text, BundleFormat::kText, "unit.textproto");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  auto engine = Engine::Compile(*loaded);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *engine : nullptr;
}

// 4 orders and 1 refund of 10.00 EUR (= 20.00 USD) within 30 days; one old refund outside.
v1::ScoreRequest HandRequest() {
  v1::ScoreRequest r = MakeRequest("hand");
  for (int i = 0; i < 4; ++i) {
    AddEvent(r, "o" + std::to_string(i), v1::EVENT_KIND_ORDER, kAsOfSeconds - (i + 1) * kDay, 5000);
  }
  AddEvent(r, "r1", v1::EVENT_KIND_REFUND, kAsOfSeconds - 2 * kDay, 1000, "EUR");
  AddEvent(r, "r0", v1::EVENT_KIND_REFUND, kAsOfSeconds - 40 * kDay, 999999);
  return r;
}

std::string Bytes(const v1::ScoreResponse& r) { return *SerializeResponse(r, WireFormat::kBinary); }

TEST(EngineTest, ScoresMatchHandComputation) {
  auto engine = CompileOrDie(kBundle);
  ASSERT_NE(engine, nullptr);
  auto response = engine->Score(HandRequest());
  ASSERT_TRUE(response.ok()) << response.status();
  // refund_rate = 1/4; refund_value_30d = 20.00 USD.
  const double margin = -3 + 4 * 0.25 + 0.01 * 20.0;  // -1.8
  const double pd = 1 / (1 + std::exp(1.8));
  const double factor = 20 / std::log(2.0);
  const double score = 600 - factor * std::log(50.0) + factor * std::log((1 - pd) / pd);
  const v1::CreditResult& c = response->credit();
  ASSERT_TRUE(c.available());
  EXPECT_NEAR(c.margin(), margin, 1e-12);
  EXPECT_NEAR(c.pd(), pd, 1e-12);  // 0.1419
  EXPECT_NEAR(c.score(), score, 1e-9);
  EXPECT_EQ(c.grade(), "B");
  EXPECT_EQ(response->decision().outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(response->decision().source(), "grade_scale:g/B");
  EXPECT_FALSE(response->decision().has_limit()) << "limits only come with approval";
  // Adverse reasons: refund_rate contributes 4 * (0.25 - 0.1) = 0.6, refund value 0.2.
  ASSERT_EQ(response->reasons_size(), 2);
  EXPECT_EQ(response->reasons(0).code(), "RR");
  EXPECT_NEAR(response->reasons(0).contribution(), 0.6, 1e-12);
  EXPECT_EQ(response->reasons(1).code(), "FEATURE:refund_value_30d");
  EXPECT_NEAR(response->reasons(1).value(), 20.0, 0);
  EXPECT_EQ(response->request_id(), "hand");
  EXPECT_EQ(response->enterprise_id(), "ent-1");
  EXPECT_EQ(response->audit().bundle_name(), "unit");
  EXPECT_EQ(response->audit().bundle_digest(), engine->info().digest);
  EXPECT_EQ(response->audit().engine_version(), std::string(Version()));
  EXPECT_EQ(response->audit().as_of().seconds(), kAsOfSeconds);
  EXPECT_EQ(response->ingest().events_used(), 6);
}

TEST(EngineTest, ApprovalCarriesTheGradeLimit) {
  auto engine = CompileOrDie(kBundle);
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "o", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay, 100);
  auto response = engine->Score(r);
  ASSERT_TRUE(response.ok()) << response.status();
  // refund_rate 0, refund value 0: margin -3, PD 0.0474 → A.
  EXPECT_EQ(response->credit().grade(), "A");
  EXPECT_EQ(response->decision().outcome(), v1::OUTCOME_APPROVE);
  EXPECT_EQ(response->decision().limit().currency_code(), "USD");
  EXPECT_EQ(response->decision().limit().minor_units(), 100000);
  EXPECT_EQ(response->reasons_size(), 0);
}

TEST(EngineTest, MissingFeatureMakesCreditUnavailableNotAFailedCall) {
  auto engine = CompileOrDie(kBundle);
  // No orders: refund_rate has a zero denominator and is missing; its term has no impute.
  auto response = engine->Score(MakeRequest());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_FALSE(response->credit().available());
  EXPECT_THAT(response->credit().unavailable_reason(), HasSubstr("'refund_rate' is missing"));
  EXPECT_EQ(response->decision().outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(response->decision().source(), "credit_unavailable");
  ASSERT_EQ(response->warnings_size(), 1);
}

TEST(EngineTest, FeaturesOnRequestAndThroughTheApi) {
  auto engine = CompileOrDie(kBundle);
  v1::ScoreRequest r = HandRequest();
  r.mutable_options()->set_include_features(true);
  auto response = engine->Score(r);
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->features_size(), 4);
  EXPECT_EQ(response->features(0).name(), "orders_30d");
  EXPECT_EQ(response->features(0).value(), 4);
  EXPECT_EQ(response->features(3).value(), 0.25);
  auto features = engine->ComputeFeatures(HandRequest());
  ASSERT_TRUE(features.ok());
  EXPECT_EQ(features->values, (std::vector<double>{4, 1, 20, 0.25}));
  EXPECT_EQ(
      engine->info().feature_names,
      (std::vector<std::string>{"orders_30d", "refunds_30d", "refund_value_30d", "refund_rate"}));
}

TEST(EngineTest, NewFeatureKindsInResponsesAndThroughTheApi) {
  auto engine = CompileOrDie(R"bundle(metadata { name: "feat" version: "1" }
base_currency: "USD"
features {
  name: "buyers_30d"
  filter { kinds: EVENT_KIND_ORDER }
  window { trailing { seconds: 2592000 } }
  aggregate { op: AGGREGATE_OP_DISTINCT_COUNT key: EVENT_FIELD_COUNTERPARTY }
}
features {
  name: "shipped_share_30d"
  filter { kinds: EVENT_KIND_ORDER }
  window { trailing { seconds: 2592000 } }
  link { linked_filter { kinds: EVENT_KIND_SHIPMENT } measure: LINK_MEASURE_SHARE_LINKED }
}
features {
  name: "orders_growth"
  growth { feature: "orders_15d" zero_prior: ZERO_PRIOR_POLICY_MISSING }
}
features {
  name: "orders_15d"
  filter { kinds: EVENT_KIND_ORDER }
  window { trailing { seconds: 1296000 } }
  aggregate { op: AGGREGATE_OP_COUNT }
}
features {
  name: "order_p50"
  filter { kinds: EVENT_KIND_ORDER }
  aggregate { op: AGGREGATE_OP_QUANTILE quantile: 0.5 }
}
)bundle");
  ASSERT_NE(engine, nullptr);
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "o1", v1::EVENT_KIND_ORDER, kAsOfSeconds - 20 * kDay, 100)->set_counterparty("a");
  AddEvent(r, "o2", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay, 300)->set_counterparty("b");
  AddEvent(r, "o3", v1::EVENT_KIND_ORDER, kAsOfSeconds - 1 * kDay, 200)->set_counterparty("a");
  AddEvent(r, "s1", v1::EVENT_KIND_SHIPMENT, kAsOfSeconds - 19 * kDay)->set_reference_id("o1");
  AddEvent(r, "s2", v1::EVENT_KIND_SHIPMENT, kAsOfSeconds + kDay)->set_reference_id("o2");
  auto features = engine->ComputeFeatures(r);
  ASSERT_TRUE(features.ok()) << features.status();
  ASSERT_EQ(features->values.size(), 5u);
  EXPECT_EQ(features->values[0], 2);
  EXPECT_DOUBLE_EQ(features->values[1], 1.0 / 3) << "s2 is after as_of: invisible";
  EXPECT_EQ(features->values[2], 1.0) << "2 orders in the last 15 days, 1 in the 15 before";
  EXPECT_EQ(features->values[4], 2);
  r.mutable_options()->set_include_features(true);
  r.clear_events();
  auto response = engine->Score(r);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->features_size(), 5);
  EXPECT_EQ(response->features(0).value(), 0);
  EXPECT_FALSE(response->features(0).missing());
  EXPECT_TRUE(response->features(1).missing()) << "no orders: the share is missing, not 0";
  EXPECT_TRUE(response->features(2).missing());
  EXPECT_TRUE(response->features(4).missing());
}

TEST(EngineTest, BadRequestsAreErrorsWithLocation) {
  auto engine = CompileOrDie(kBundle);
  v1::ScoreRequest r = HandRequest();
  r.mutable_events(2)->mutable_amount()->set_currency_code("GBP");
  auto response = engine->Score(r);
  EXPECT_THAT(response, StatusIs(StatusCode::kInvalidArgument, HasSubstr("no FX rate from GBP")));
  ASSERT_NE(response.status().location(), nullptr);
  EXPECT_EQ(response.status().location()->event_index, 2);
}

TEST(EngineTest, LoadsTheStarterBundleInAllThreeFormatsWithOneDigest) {
  auto text = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/starter");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->format, BundleFormat::kText);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(text->bundle, &json).ok());
  auto from_json = ParseBundle(json, BundleFormat::kAuto, "starter.json");
  auto from_binary =
      ParseBundle(text->bundle.SerializeAsString(), BundleFormat::kAuto, "starter.binpb");
  ASSERT_TRUE(from_json.ok() && from_binary.ok());
  EXPECT_EQ(from_json->format, BundleFormat::kJson);
  EXPECT_EQ(from_binary->format, BundleFormat::kBinary);
  auto a = Engine::Compile(*text);
  auto b = Engine::Compile(*from_json);
  auto c = Engine::Compile(*from_binary);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status() << b.status() << c.status();
  EXPECT_THAT((*a)->info().digest, ::testing::MatchesRegex("sha256:[0-9a-f]{64}"));
  EXPECT_EQ((*a)->info().digest, (*b)->info().digest);
  EXPECT_EQ((*a)->info().digest, (*c)->info().digest);
  auto ra = (*a)->Score(HandRequest());
  auto rc = (*c)->Score(HandRequest());
  ASSERT_TRUE(ra.ok() && rc.ok());
  EXPECT_EQ(Bytes(*ra), Bytes(*rc));
}

TEST(EngineTest, DigestChangesWithTheBundle) {
  auto a = CompileOrDie(kBundle);
  std::string other = kBundle;
  other.replace(other.find("intercept: -3"), 13, "intercept: -2");
  auto b = CompileOrDie(other);
  EXPECT_NE(a->info().digest, b->info().digest);
}

struct CompileCase {
  std::string name;
  std::string edit_from, edit_to;  // applied to kBundle
  StatusCode code;
  std::string message;
  int line;  // expected line in unit.textproto (kBundle's line numbers after the edit)
};

void PrintTo(const CompileCase& c, std::ostream* os) { *os << c.name; }

class EngineCompileErrorTest : public ::testing::TestWithParam<CompileCase> {};

TEST_P(EngineCompileErrorTest, PointsAtTheBundleLine) {
  const CompileCase& c = GetParam();
  std::string text = kBundle;
  const auto at = text.find(c.edit_from);
  ASSERT_NE(at, std::string::npos) << c.edit_from;
  text.replace(at, c.edit_from.size(), c.edit_to);
  auto loaded = ParseBundle(text, BundleFormat::kText, "unit.textproto");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::vector<Issue> issues;
  auto engine = Engine::Compile(*loaded, {}, &issues);
  ASSERT_THAT(engine, StatusIs(c.code, HasSubstr(c.message)));
  ASSERT_NE(engine.status().location(), nullptr);
  EXPECT_EQ(engine.status().location()->file, "unit.textproto");
  EXPECT_EQ(engine.status().location()->line, c.line) << engine.status();
  EXPECT_FALSE(issues.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, EngineCompileErrorTest,
    ::testing::Values(
        CompileCase{"UnknownFeatureInModel", "feature: \"refund_value_30d\" coefficient",
                    "feature: \"refund_value_3d\" coefficient", StatusCode::kInvalidArgument,
                    "unknown feature 'refund_value_3d'", 31},
        CompileCase{"BadRatioInput", "numerator: \"refunds_30d\"", "numerator: \"refunds_31d\"",
                    StatusCode::kInvalidArgument, "unknown feature 'refunds_31d'", 24},
        CompileCase{"UnknownBaseCurrency", "base_currency: \"USD\"", "base_currency: \"US\"",
                    StatusCode::kInvalidArgument, "unknown base currency", 2},
        CompileCase{"BadFxRate", "rate: \"2\"", "rate: \"two\"", StatusCode::kInvalidArgument,
                    "invalid decimal", 3},
        CompileCase{"UnknownCreditModel", "model: \"pd\"", "model: \"pd2\"",
                    StatusCode::kInvalidArgument, "unknown model 'pd2'", 35},
        CompileCase{"UnknownGradeScale", "grade_scale: \"g\"", "grade_scale: \"h\"",
                    StatusCode::kInvalidArgument, "unknown grade scale 'h'", 37},
        CompileCase{"MissingScaling", "scaling { base_score: 600 base_odds: 50 pdo: 20 }", "",
                    StatusCode::kInvalidArgument, "credit.scaling is required", 34},
        CompileCase{"BadGradeScale", "max_pd: 1 outcome", "max_pd: 0.9 outcome",
                    StatusCode::kInvalidArgument, "max_pd 1", 43},
        CompileCase{"BadBundleName", "name: \"unit\"", "name: \"has space\"",
                    StatusCode::kInvalidArgument, "metadata.name", 1},
        CompileCase{"BadRuleCondition", "reason_codes {",
                    "rule_sets { id: \"r\" rules { id: \"x\" condition: \"refund_rat > 0.1\" } }\n"
                    "reason_codes {",
                    StatusCode::kInvalidArgument, "rule 'x': condition 1:1:", 45},
        CompileCase{"MissingModelFile", "models {",
                    "models { id: \"t\" tree_ensemble { file: \"x.json\" format: "
                    "TREE_MODEL_FORMAT_XGBOOST_JSON } }\nmodels {",
                    StatusCode::kNotFound, "model 't': cannot open", 26},
        CompileCase{"ModelFileOutsideBundle", "models {",
                    "models { id: \"t\" tree_ensemble { file: \"../x.json\" } }\nmodels {",
                    StatusCode::kInvalidArgument, "leaves the bundle's folder", 26},
        CompileCase{"EmptyScorecard", "models {", "models { id: \"s\" scorecard {} }\nmodels {",
                    StatusCode::kInvalidArgument, "at least one characteristic", 26},
        CompileCase{"UnknownGrowthInput",
                    "ratio { numerator: \"refunds_30d\" denominator: \"orders_30d\" }",
                    "growth { feature: \"orders_31d\" }", StatusCode::kInvalidArgument,
                    "growth refers to unknown feature 'orders_31d'", 24},
        CompileCase{"TrendPeriodNotADivisor", "aggregate { op: AGGREGATE_OP_SUM }",
                    "trend { period { seconds: 700000 } }", StatusCode::kInvalidArgument,
                    "whole multiple of trend.period", 20},
        CompileCase{"DuplicateModelId", "models {", "models { id: \"pd\" logistic {} }\nmodels {",
                    StatusCode::kInvalidArgument, "model ids must be non-empty and unique", 28}),
    [](const ::testing::TestParamInfo<CompileCase>& param_info) { return param_info.param.name; });

TEST(EngineTest, DeterministicBytesAcrossCallsBatchesAndThreadCounts) {
  auto engine = CompileOrDie(kBundle);
  // A population: varied histories, some invalid.
  std::vector<v1::ScoreRequest> requests;
  for (int i = 0; i < 200; ++i) {
    v1::ScoreRequest r = MakeRequest("r" + std::to_string(i));
    for (int k = 0; k < 5 + i % 17; ++k) {
      AddEvent(r, "o" + std::to_string(k), v1::EVENT_KIND_ORDER,
               kAsOfSeconds - (k * 3 + i % 5) * kDay, 1000 + k * i);
    }
    for (int k = 0; k < i % 4; ++k) {
      AddEvent(r, "f" + std::to_string(k), v1::EVENT_KIND_REFUND, kAsOfSeconds - (k + 1) * kDay,
               700 * k, k % 2 ? "EUR" : "USD");
    }
    if (i % 37 == 0) r.clear_as_of();  // invalid
    requests.push_back(r);
  }
  std::vector<std::string> sequential;
  for (const auto& r : requests) {
    auto a = engine->Score(r);
    auto b = engine->Score(r);
    ASSERT_EQ(a.ok(), b.ok());
    if (!a.ok()) {
      EXPECT_EQ(a.status(), b.status());
      sequential.push_back("error: " + a.status().ToString());
      continue;
    }
    ASSERT_EQ(Bytes(*a), Bytes(*b));
    ASSERT_EQ(*SerializeResponse(*a, WireFormat::kJson), *SerializeResponse(*b, WireFormat::kJson));
    sequential.push_back(Bytes(*a));
  }
  int errors = 0;
  for (int threads : {1, 2, 3, 8}) {
    auto batch = engine->ScoreBatch(requests, {}, {.threads = threads});
    ASSERT_EQ(batch.size(), requests.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::string got =
          batch[i].ok() ? Bytes(*batch[i]) : "error: " + batch[i].status().ToString();
      ASSERT_EQ(got, sequential[i]) << "threads=" << threads << " i=" << i;
      if (threads == 1 && !batch[i].ok()) ++errors;
    }
  }
  EXPECT_EQ(errors, 6) << "requests 0, 37, 74, 111, 148, 185 are invalid; the rest are unaffected";
  EXPECT_TRUE(engine->ScoreBatch({}, {}, {.threads = 4}).empty());
}

TEST(EngineHandleTest, EmptyHandleIsFailedPrecondition) {
  EngineHandle handle;
  EXPECT_EQ(handle.Get(), nullptr);
  EXPECT_THAT(handle.Score(MakeRequest()),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no engine")));
}

// Threads score continuously while the main thread swaps between two bundles. Every response
// names exactly one bundle digest and equals what that bundle gives alone.
TEST(EngineHandleTest, HotSwapWhileScoring) {
  auto a = CompileOrDie(kBundle);
  std::string text_b = kBundle;
  text_b.replace(text_b.find("version: \"1\""), 12, "version: \"2\"");
  text_b.replace(text_b.find("intercept: -3"), 13, "intercept: -1");
  auto b = CompileOrDie(text_b);
  ASSERT_NE(a->info().digest, b->info().digest);
  const v1::ScoreRequest request = HandRequest();
  std::map<std::string, std::string> expected = {{a->info().digest, Bytes(*a->Score(request))},
                                                 {b->info().digest, Bytes(*b->Score(request))}};
  ASSERT_NE(expected[a->info().digest], expected[b->info().digest]);

  EngineHandle handle(a);
  std::atomic<bool> stop{false};
  std::atomic<int> mismatches{0}, scored{0};
  std::map<std::string, int> seen[3];
  std::vector<std::thread> workers;
  for (int t = 0; t < 3; ++t) {
    workers.emplace_back([&, t] {
      while (!stop.load()) {
        auto r = handle.Score(request);
        if (!r.ok()) {
          ++mismatches;
          continue;
        }
        auto it = expected.find(r->audit().bundle_digest());
        if (it == expected.end() || it->second != Bytes(*r)) ++mismatches;
        ++seen[t][r->audit().bundle_version()];
        ++scored;
      }
    });
  }
  for (int i = 0; i < 400; ++i) {
    auto previous = handle.Swap(i % 2 == 0 ? b : a);
    ASSERT_NE(previous, nullptr);
    std::this_thread::yield();
  }
  while (scored.load() < 300) std::this_thread::yield();
  stop = true;
  for (auto& w : workers) w.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GE(scored.load(), 300);
}

// --- Shadow models, champion/challenger, governance, limit policies (docs/governance.md) ---
// On kBundle plus a second model "alt" (margin -2 + 3 refund_rate), derived by hand.

constexpr const char* kAlt = R"(
models {
  id: "alt"
  governance { owner: "challenger team" validation_status: VALIDATION_STATUS_VALIDATED }
  logistic { intercept: -2 terms { feature: "refund_rate" coefficient: 3 } }
}
)";

Status CompileError(const std::string& extra) {
  auto loaded = ParseBundle(std::string(kBundle) + kAlt + extra, BundleFormat::kText, "u");
  if (!loaded.ok()) return loaded.status();
  return Engine::Compile(*loaded).status();
}

// `orders` orders and no refund: refund_rate 0, margin -3 (PD 0.047, grade A).
v1::ScoreRequest CleanRequest(const std::string& enterprise, int orders = 4) {
  v1::ScoreRequest r = MakeRequest("q-" + enterprise);
  r.mutable_enterprise()->set_id(enterprise);
  for (int i = 0; i < orders; ++i) {
    AddEvent(r, "o" + std::to_string(i), v1::EVENT_KIND_ORDER, kAsOfSeconds - (i + 1) * kDay, 5000);
  }
  return r;
}

const double kFactor = 20 / std::log(2.0), kOffset = 600 - kFactor * std::log(50.0);

TEST(ShadowModelsTest, EveryResponseCarriesTheShadowsScaledAndGraded) {
  auto engine = CompileOrDie(std::string(kBundle) + kAlt + "shadow_models: \"alt\"");
  ASSERT_NE(engine, nullptr);
  auto r = engine->Score(HandRequest());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->shadow_size(), 1);
  const v1::CreditResult& s = r->shadow(0);
  // alt on refund_rate 0.25: margin -2 + 0.75 = -1.25, PD 1 / (1 + e^1.25) = 0.2227 -> C.
  EXPECT_EQ(s.model_id(), "alt");
  EXPECT_TRUE(s.available());
  EXPECT_NEAR(s.margin(), -1.25, 1e-12);
  EXPECT_NEAR(s.pd(), 1 / (1 + std::exp(1.25)), 1e-12);
  EXPECT_NEAR(s.score(), kOffset + kFactor * 1.25, 1e-9);
  EXPECT_EQ(s.grade(), "C");
  // The credit result is still pd's (B); pd has no governance and there is no experiment.
  EXPECT_EQ(r->credit().model_id(), "pd");
  EXPECT_EQ(r->credit().grade(), "B");
  EXPECT_FALSE(r->audit().has_model_governance());
  EXPECT_FALSE(r->audit().has_assignment());
}

TEST(ShadowModelsTest, AssignmentBucketIsTheDocumentedHash) {
  // Python's hashlib: (int.from_bytes(sha256(b"exp1\0" + eid)[:8], "big") >> 11) / 2**53.
  EXPECT_EQ(engine_internal::AssignmentBucket("exp1", "ent-1"), 0.25636313820648493);
  EXPECT_EQ(engine_internal::AssignmentBucket("exp1", "ent-4"), 0.8355451905730629);
  EXPECT_EQ(engine_internal::AssignmentBucket("exp1", "ent-5"), 0.5334446932314216);
}

TEST(ShadowModelsTest, ChampionChallengerAssignsByBucketAndRecordsIt) {
  auto engine = CompileOrDie(
      std::string(kBundle) + kAlt +
      "champion_challenger { challenger_model: \"alt\" challenger_share: 0.5 salt: \"exp1\" }");
  ASSERT_NE(engine, nullptr);
  // ent-1: bucket 0.256 < 0.5, the challenger decides; ent-4: 0.836, the champion.
  auto challenged = engine->Score(CleanRequest("ent-1"));
  ASSERT_TRUE(challenged.ok());
  EXPECT_EQ(challenged->credit().model_id(), "alt");
  EXPECT_NEAR(challenged->credit().margin(), -2, 1e-12);
  EXPECT_EQ(challenged->credit().grade(), "B");
  EXPECT_EQ(challenged->audit().assignment().arm(), "challenger");
  EXPECT_EQ(challenged->audit().assignment().bucket(), 0.25636313820648493);
  EXPECT_EQ(challenged->audit().assignment().salt_digest().size(), 16u);
  EXPECT_EQ(challenged->audit().model_governance().owner(), "challenger team");
  ASSERT_EQ(challenged->shadow_size(), 1);
  EXPECT_EQ(challenged->shadow(0).model_id(), "pd");
  auto champion = engine->Score(CleanRequest("ent-4"));
  ASSERT_TRUE(champion.ok());
  EXPECT_EQ(champion->credit().model_id(), "pd");
  EXPECT_EQ(champion->credit().grade(), "A");
  EXPECT_EQ(champion->audit().assignment().arm(), "champion");
  EXPECT_FALSE(champion->audit().has_model_governance()) << "pd has none";
  ASSERT_EQ(champion->shadow_size(), 1);
  EXPECT_EQ(champion->shadow(0).model_id(), "alt");
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

// A FIRST table approving grade A with limit LIMIT, and a decision section with CAP.
std::string Policy(const std::string& limit, const std::string& cap) {
  std::string text = R"(
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
  text.replace(text.find("LIMIT"), 5, limit);
  text.replace(text.find("CAP"), 3, cap);
  return text;
}

TEST(LimitPolicyTest, ExpressionLimitsAndTheCap) {
  // 4 orders: 50 x 4 = 200 USD, under the cap of 150 x 4 = 600.
  auto engine = CompileOrDie(std::string(kBundle) +
                             Policy("50.0 * orders_30d", "limit_cap: \"150.0 * orders_30d\""));
  ASSERT_NE(engine, nullptr);
  auto r = engine->Score(CleanRequest("ent-1"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->decision().outcome(), v1::OUTCOME_APPROVE);
  EXPECT_EQ(r->decision().limit().minor_units(), 20000);
  EXPECT_EQ(r->decision().limit_cap().minor_units(), 60000);
  EXPECT_FALSE(r->decision().limit_capped());
  EXPECT_EQ(r->decision_tables(0).outputs(1).value(), "200.0");
  // 1000 x 4 = 4000 USD, capped at 600.
  engine = CompileOrDie(std::string(kBundle) +
                        Policy("1000.0 * orders_30d", "limit_cap: \"150.0 * orders_30d\""));
  r = engine->Score(CleanRequest("ent-1"));
  EXPECT_EQ(r->decision().limit().minor_units(), 60000);
  EXPECT_TRUE(r->decision().limit_capped());
  // A cap that is not a finite number (1 / 0 in doubles): no limit, and a warning.
  engine = CompileOrDie(std::string(kBundle) +
                        Policy("1000.0", "limit_cap: \"1.0 / (orders_30d - 4.0)\""));
  auto infinite = engine->Score(CleanRequest("ent-1"));
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

TEST(VersionTest, MatchesHeader) { EXPECT_EQ(Version(), "0.2.0"); }

}  // namespace
}  // namespace credence
