// The cross-border bundle (models/cross-border): coverage of the catalogue, and hand-built
// requests for key rules — each fires when it should and not otherwise — the five grades and
// the vetoes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kAsOf = 1790812800;  // 2026-10-01T00:00:00Z

const LoadedBundle& Loaded() {
  static const LoadedBundle bundle = [] {
    auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/cross-border");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? *loaded : LoadedBundle{};
  }();
  return bundle;
}

std::shared_ptr<const Engine> CrossBorder() {
  static const std::shared_ptr<const Engine> engine = [] {
    std::vector<Issue> issues;
    auto compiled = Engine::Compile(Loaded(), {}, &issues);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    for (const Issue& i : issues) ADD_FAILURE() << "compile issue: " << i.status;
    return compiled.ok() ? *compiled : nullptr;
  }();
  return engine;
}

TEST(CrossBorderBundleTest, CatalogueCoversEveryDimension) {
  const v1::Bundle& b = Loaded().bundle;
  EXPECT_GE(b.features_size(), 60);
  std::set<int> feature_dims, rule_dims;
  for (const auto& f : b.features()) {
    EXPECT_FALSE(f.description().empty()) << f.name();
    EXPECT_NE(f.dimension(), v1::DIMENSION_UNSPECIFIED) << f.name();
    feature_dims.insert(f.dimension());
  }
  int rules = 0;
  std::set<std::string> codes;
  for (const auto& rs : b.rule_sets()) {
    for (const auto& r : rs.rules()) {
      ++rules;
      EXPECT_NE(r.severity(), v1::SEVERITY_UNSPECIFIED) << r.id();
      EXPECT_FALSE(r.reason_code().empty()) << r.id();
      EXPECT_FALSE(r.description().empty()) << r.id();
      EXPECT_TRUE(codes.insert(r.reason_code()).second)
          << "duplicate reason code " << r.reason_code();
      rule_dims.insert(r.dimension());
    }
  }
  EXPECT_GE(rules, 40);
  for (int d = v1::DIMENSION_CUSTOMS; d <= v1::DIMENSION_OPERATING_STABILITY; ++d) {
    EXPECT_TRUE(feature_dims.count(d)) << v1::Dimension_Name(static_cast<v1::Dimension>(d));
    EXPECT_TRUE(rule_dims.count(d)) << v1::Dimension_Name(static_cast<v1::Dimension>(d));
  }
  ASSERT_EQ(b.compliance().grades_size(), 5);
  EXPECT_EQ(b.compliance().grades(0).grade(), "advanced_certified");
  EXPECT_EQ(b.compliance().grades(4).grade(), "seriously_dishonest");
  EXPECT_EQ(b.compliance().weights_size(), 8);
  EXPECT_EQ(b.decision().table(), "policy");
  // The credit model is the scorecard fitted by `credence fit --scorecard`
  // (scripts/build_cross_border.sh), scaled to a PD; the hand-set logistic placeholder and the
  // XGBoost challenger stay in the bundle for comparison and are not the credit model.
  EXPECT_EQ(b.credit().model(), "cb_scorecard");
  std::map<std::string, v1::Model::KindCase> kinds;
  for (const auto& m : b.models()) {
    kinds[m.id()] = m.kind_case();
    if (m.id() == "cb_scorecard") {
      EXPECT_TRUE(m.scorecard().has_scaling());
      EXPECT_GE(m.scorecard().characteristics_size(), 5);
    }
  }
  EXPECT_EQ(kinds["cb_scorecard"], v1::Model::kScorecard);
  EXPECT_EQ(kinds["cb_pd_placeholder"], v1::Model::kLogistic);
  EXPECT_EQ(kinds["cb_challenger_xgb"], v1::Model::kTreeEnsemble);
}

// Every feature is documented in docs/indicators.md and every rule in docs/compliance.md.
TEST(CrossBorderBundleTest, EveryFeatureAndRuleIsDocumented) {
  auto read = [](const std::string& rel) {
    std::ifstream f(std::string(CREDENCE_SOURCE_DIR) + "/" + rel);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  const std::string indicators = read("docs/indicators.md");
  const std::string compliance = read("docs/compliance.md");
  for (const auto& f : Loaded().bundle.features()) {
    EXPECT_NE(indicators.find("| `" + f.name() + "` |"), std::string::npos) << f.name();
  }
  for (const auto& rs : Loaded().bundle.rule_sets()) {
    for (const auto& r : rs.rules()) {
      EXPECT_NE(compliance.find("| `" + r.id() + "` |"), std::string::npos) << r.id();
    }
  }
}

// A clean, established exporter: 400 days of orders to several markets from many buyers,
// every order shipped on time and delivered on time, no complaints or penalties.
class RequestBuilder {
 public:
  RequestBuilder() {
    r_.set_request_id("hand");
    r_.mutable_as_of()->set_seconds(kAsOf);
    auto* e = r_.mutable_enterprise();
    e->set_id("ent-hand");
    e->mutable_registered_at()->set_seconds(kAsOf - 2000 * kDay);
    e->set_country("CN");
    auto* l = e->add_licences();
    l->set_type("customs_registration");
    l->set_status(v1::LICENCE_STATUS_ACTIVE);
    static const char* kCountries[] = {"US", "DE", "GB", "FR", "JP"};
    for (int d = 400; d >= 1; --d) {
      const std::int64_t t = kAsOf - d * kDay;
      auto* o = Add(v1::EVENT_KIND_ORDER, t);
      o->mutable_amount()->set_currency_code("CNY");
      o->mutable_amount()->set_minor_units(30000);
      o->set_counterparty("buyer-" + std::to_string(d % 97));
      o->set_destination_country(kCountries[d % 5]);
      o->set_channel(d % 2 ? "amazon_us" : "own_site");
      o->set_status("completed");
      auto* s = Add(v1::EVENT_KIND_SHIPMENT, t + kDay / 2);
      s->set_reference_id(o->id());
      s->set_status("on_time");
      (*s->mutable_attributes())["tracking_valid"].set_bool_value(true);
      if (d > 8) {
        auto* dl = Add(v1::EVENT_KIND_DELIVERY, t + 7 * kDay);
        dl->set_reference_id(s->id());
        dl->set_status("delivered");
        (*dl->mutable_attributes())["on_time"].set_bool_value(true);
      }
    }
  }
  v1::Event* Add(v1::EventKind kind, std::int64_t t) {
    auto* e = r_.add_events();
    e->set_id("e" + std::to_string(r_.events_size()));
    e->mutable_time()->set_seconds(t);
    e->set_kind(kind);
    return e;
  }
  v1::Event* AddCustom(const std::string& kind, const std::string& status, std::int64_t days_ago) {
    auto* e = Add(v1::EVENT_KIND_CUSTOM, kAsOf - days_ago * kDay);
    e->set_custom_kind(kind);
    e->set_status(status);
    return e;
  }
  void Certify(const std::string& level) {
    auto* c = r_.mutable_enterprise()->add_certifications();
    c->set_scheme("AEO");
    c->set_level(level);
  }
  v1::ScoreRequest& request() { return r_; }

 private:
  v1::ScoreRequest r_;
};

v1::ScoreResponse Score(const v1::ScoreRequest& r) {
  auto engine = CrossBorder();
  auto s = engine->Score(r);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : v1::ScoreResponse{};
}

std::set<std::string> Hits(const v1::ScoreResponse& r) {
  std::set<std::string> out;
  for (const auto& h : r.rule_hits()) {
    EXPECT_FALSE(h.errored()) << h.rule_id() << ": " << h.error();
    out.insert(h.rule_id());
  }
  return out;
}

TEST(CrossBorderBundleTest, CleanAdvancedAeoIsAdvancedCertifiedAndApproved) {
  RequestBuilder b;
  b.Certify("advanced");
  const v1::ScoreResponse r = Score(b.request());
  EXPECT_THAT(Hits(r), ::testing::IsEmpty());
  EXPECT_DOUBLE_EQ(r.compliance().score(), 100.0);
  EXPECT_EQ(r.compliance().grade(), "advanced_certified");
  EXPECT_EQ(r.decision().outcome(), v1::OUTCOME_APPROVE) << r.decision().source();
  EXPECT_GT(r.decision().limit().minor_units(), 0);
}

TEST(CrossBorderBundleTest, CertificationCapsGrades) {
  {
    RequestBuilder b;  // no AEO at all: regular whatever the points
    const v1::ScoreResponse r = Score(b.request());
    EXPECT_EQ(Hits(r), (std::set<std::string>{"cr10_not_aeo"}));
    EXPECT_DOUBLE_EQ(r.compliance().score(), 100.0);
    EXPECT_EQ(r.compliance().grade(), "regular");
  }
  {
    RequestBuilder b;
    b.Certify("certified");
    const v1::ScoreResponse r = Score(b.request());
    EXPECT_EQ(Hits(r), (std::set<std::string>{"cr11_not_advanced_aeo"}));
    EXPECT_EQ(r.compliance().grade(), "certified");
  }
}

TEST(CrossBorderBundleTest, SmugglingFindingVetoesToDishonestAndRejects) {
  RequestBuilder b;
  b.Certify("advanced");
  auto* decl = b.Add(v1::EVENT_KIND_CUSTOMS_DECLARATION, kAsOf - 100 * kDay);
  auto* ins = b.Add(v1::EVENT_KIND_CUSTOMS_INSPECTION, kAsOf - 99 * kDay);
  ins->set_reference_id(decl->id());
  ins->set_status("passed");
  EXPECT_FALSE(Hits(Score(b.request())).count("cu01_smuggling"));
  ins->set_status("smuggling");
  const v1::ScoreResponse r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("cu01_smuggling"));
  // Points alone leave the composite well above the dishonest band; the veto decides.
  EXPECT_GT(r.compliance().score(), 60.0);
  EXPECT_EQ(r.compliance().grade(), "dishonest");
  EXPECT_EQ(r.decision().outcome(), v1::OUTCOME_REJECT);
  // Outside the two-year window the finding no longer counts.
  ins->mutable_time()->set_seconds(kAsOf - 731 * kDay);
  decl->mutable_time()->set_seconds(kAsOf - 732 * kDay);
  EXPECT_FALSE(Hits(Score(b.request())).count("cu01_smuggling"));
}

TEST(CrossBorderBundleTest, SeriousDishonestListingIsSeriouslyDishonest) {
  RequestBuilder b;
  b.Certify("advanced");
  b.AddCustom("dishonest_listing", "general", 300);
  v1::ScoreResponse r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("cr02_dishonest"));
  EXPECT_FALSE(Hits(r).count("cr01_serious_dishonest"));
  EXPECT_EQ(r.compliance().grade(), "dishonest");
  b.AddCustom("dishonest_listing", "serious", 200);
  r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("cr01_serious_dishonest"));
  EXPECT_EQ(r.compliance().grade(), "seriously_dishonest");
  EXPECT_EQ(r.decision().outcome(), v1::OUTCOME_REJECT);
}

TEST(CrossBorderBundleTest, TaxArrearsOverThreeMonthsIsAVeto) {
  RequestBuilder b;
  b.Certify("advanced");
  auto* tax = b.Add(v1::EVENT_KIND_TAX_PAYMENT, kAsOf - 50 * kDay);
  tax->set_status("late");
  (*tax->mutable_attributes())["days_late"].set_int_value(90);  // exactly 3 months: not over
  EXPECT_FALSE(Hits(Score(b.request())).count("tx01_tax_arrears_90d"));
  (*tax->mutable_attributes())["days_late"].set_int_value(91);
  const v1::ScoreResponse r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("tx01_tax_arrears_90d"));
  EXPECT_EQ(r.compliance().grade(), "dishonest");
}

TEST(CrossBorderBundleTest, SingleCustomsPenaltyAbove30kCapsAtRegular) {
  RequestBuilder b;
  b.Certify("advanced");
  auto* p = b.Add(v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, kAsOf - 40 * kDay);
  p->mutable_amount()->set_currency_code("CNY");
  p->mutable_amount()->set_minor_units(3000000);  // RMB 30,000: not above
  p->set_status("minor");
  (*p->mutable_attributes())["authority"].set_string_value("customs");
  v1::ScoreResponse r = Score(b.request());
  EXPECT_FALSE(Hits(r).count("cu04_single_penalty_over_30k"));
  EXPECT_EQ(r.compliance().grade(), "advanced_certified");
  p->mutable_amount()->set_minor_units(3000100);  // RMB 30,001
  r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("cu04_single_penalty_over_30k"));
  EXPECT_EQ(r.compliance().grade(), "regular");
  // The same penalty from another authority is not a customs penalty.
  (*p->mutable_attributes())["authority"].set_string_value("samr");
  EXPECT_FALSE(Hits(Score(b.request())).count("cu04_single_penalty_over_30k"));
}

TEST(CrossBorderBundleTest, MissingCustomsRegistrationIsFlagged) {
  RequestBuilder b;
  b.Certify("advanced");
  b.request().mutable_enterprise()->mutable_licences(0)->set_status(v1::LICENCE_STATUS_REVOKED);
  const v1::ScoreResponse r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("cr04_no_customs_registration"));
  EXPECT_EQ(r.decision().outcome(), v1::OUTCOME_REVIEW);
}

TEST(CrossBorderBundleTest, RefundRateRuleNeedsRateAndVolume) {
  RequestBuilder b;
  b.Certify("advanced");
  // 90 orders in the last 90 days; 15 refunds give (15 + 0) / (90 + 20) = 0.136: no hit
  // (the rate is smoothed toward 0 with weight 20).
  int added = 0;
  for (const auto& e :
       std::vector<v1::Event>(b.request().events().begin(), b.request().events().end())) {
    if (e.kind() != v1::EVENT_KIND_ORDER || e.time().seconds() <= kAsOf - 88 * kDay) continue;
    if (added == 15) break;
    auto* ref = b.Add(v1::EVENT_KIND_REFUND, e.time().seconds() + kDay / 4);
    ref->set_reference_id(e.id());
    ref->set_status("completed");
    ++added;
  }
  EXPECT_FALSE(Hits(Score(b.request())).count("cp02_refunds"));
  for (int i = 0; i < 3; ++i)
    b.Add(v1::EVENT_KIND_REFUND, kAsOf - (10 + i) * kDay)->set_status("completed");
  // 18 / 110 = 0.164 > 0.15.
  const v1::ScoreResponse r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("cp02_refunds"));
  EXPECT_EQ(r.compliance().grade(), "advanced_certified");  // 15 points off consumer: 98.9
}

// A spotless record — none of the events a smoothed rate counts, whatever its size — reaches
// the best attribute of the credit scorecard (docs/models.md "Reasons"): its value, from the
// documented formula (num + prior_rate x prior_weight) / (den + prior_weight), lies in an
// attribute with the highest partial score of its characteristic. A risk-increasing rate's
// spotless value is a numerator of 0, a risk-decreasing share's a numerator equal to the
// denominator; two-sided ratios are smoothed toward their steady value and are not
// characteristics (a monotonic card cannot express them).
TEST(CrossBorderBundleTest, SpotlessRecordsReachTheBestAttributeOfEverySmoothedFeature) {
  const v1::Bundle& b = Loaded().bundle;
  const v1::Scorecard* card = nullptr;
  for (const auto& m : b.models()) {
    if (m.id() == b.credit().model()) card = &m.scorecard();
  }
  ASSERT_NE(card, nullptr);
  auto in_attribute = [](const v1::ScorecardAttribute& a, double x) {
    if (a.has_missing()) return false;
    const v1::Interval& iv = a.interval();
    if (iv.has_lower() && (iv.lower_closed() ? x < iv.lower() : x <= iv.lower())) return false;
    if (iv.has_upper() && (iv.upper_closed() ? x > iv.upper() : x >= iv.upper())) return false;
    return a.has_interval();
  };
  int smoothed = 0, in_card = 0;
  for (const auto& f : b.features()) {
    if (!f.has_ratio() || f.ratio().zero_denominator() != v1::ZERO_DENOMINATOR_POLICY_SMOOTHED) {
      continue;
    }
    ++smoothed;
    const double p = f.ratio().prior_rate(), w = f.ratio().prior_weight();
    const v1::ScorecardCharacteristic* ch = nullptr;
    for (const auto& c : card->characteristics()) {
      if (c.feature() == f.name()) ch = &c;
    }
    if (f.risk_direction() == v1::RISK_DIRECTION_TWO_SIDED) {
      EXPECT_EQ(ch, nullptr) << f.name() << ": a two-sided feature in a monotonic card";
      continue;
    }
    ASSERT_TRUE(f.risk_direction() == v1::RISK_DIRECTION_INCREASING ||
                f.risk_direction() == v1::RISK_DIRECTION_DECREASING)
        << f.name();
    const bool increasing = f.risk_direction() == v1::RISK_DIRECTION_INCREASING;
    for (double den : {0.0, 1.0, 2.0, 5.0, 20.0, 100.0, 1000.0, 1e6}) {
      const double num = increasing ? 0 : den;
      const double spotless = (num + p * w) / (den + w);
      // The best possible value of the rate: 0 when risk increases, 1 for a share that
      // lowers it.
      EXPECT_EQ(spotless, increasing ? 0.0 : 1.0) << f.name() << " with " << den << " events";
      if (ch == nullptr) continue;
      double best = -1e300, reached = -1e300;
      for (const auto& a : ch->attributes()) {
        best = std::max(best, a.partial_score());
        if (in_attribute(a, spotless)) reached = a.partial_score();
      }
      EXPECT_EQ(reached, best) << f.name() << ": a spotless record with " << den
                               << " events misses the best attribute";
    }
    in_card += ch != nullptr;
  }
  EXPECT_GE(smoothed, 25);
  EXPECT_GE(in_card, 8) << "the check must bite on the card";
  // And through the engine: 90 days of clean shipments give a late-shipment rate of 0.
  RequestBuilder clean;
  auto engine = CrossBorder();
  auto features = engine->ComputeFeatures(clean.request());
  ASSERT_TRUE(features.ok());
  const auto& names = engine->info().feature_names;
  const auto at = std::find(names.begin(), names.end(), "late_shipment_rate_90d") - names.begin();
  EXPECT_EQ(features->values[static_cast<std::size_t>(at)], 0.0);
}

TEST(CrossBorderBundleTest, DefaultRuleRejectsWithoutCappingCompliance) {
  RequestBuilder b;
  b.Certify("advanced");
  auto* loan = b.Add(v1::EVENT_KIND_LOAN_DRAWDOWN, kAsOf - 200 * kDay);
  loan->mutable_amount()->set_currency_code("CNY");
  loan->mutable_amount()->set_minor_units(10000000);
  auto* rep = b.Add(v1::EVENT_KIND_LOAN_REPAYMENT, kAsOf - 20 * kDay);
  rep->set_reference_id(loan->id());
  rep->set_status("late");
  (*rep->mutable_attributes())["days_past_due"].set_int_value(91);
  const v1::ScoreResponse r = Score(b.request());
  EXPECT_TRUE(Hits(r).count("pf01_default_90dpd"));
  EXPECT_EQ(r.decision().outcome(), v1::OUTCOME_REJECT);
  EXPECT_EQ(r.decision().source(), "rule:compliance/pf01_default_90dpd");
}

}  // namespace
}  // namespace credence
