// The scorecard built from a WoE logistic model gives back the model's PD through its
// scaling, computed here independently from the emitted protobuf messages.
#include "fit/scorecard_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "fit/logistic_fit.h"
#include "fit/selection.h"
#include "tests/testing/status_matchers.h"

namespace credence::fit {
namespace {

using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

bool InInterval(const v1::Interval& iv, double x) {
  if (iv.has_lower() && (iv.lower_closed() ? x < iv.lower() : x <= iv.lower())) return false;
  if (iv.has_upper() && (iv.upper_closed() ? x > iv.upper() : x >= iv.upper())) return false;
  return true;
}

// Partial score of one characteristic for a numeric value, PMML first-match semantics.
double PartialScore(const v1::ScorecardCharacteristic& ch, double x) {
  for (const v1::ScorecardAttribute& a : ch.attributes()) {
    if (a.has_missing() && std::isnan(x)) return a.partial_score();
    if (a.has_interval() && !std::isnan(x) && InInterval(a.interval(), x)) return a.partial_score();
    if (a.has_otherwise()) return a.partial_score();
  }
  ADD_FAILURE() << "no attribute matched " << x;
  return 0;
}

double TermWoe(const v1::LogisticTerm& t, double x) {
  if (std::isnan(x)) return t.transform().woe().missing_woe();
  for (const v1::WoeBin& b : t.transform().woe().bins()) {
    if (InInterval(b.interval(), x)) return b.woe();
  }
  ADD_FAILURE() << "no bin for " << x;
  return 0;
}

struct Fitted {
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  std::vector<NumericBinning> binnings;
  LogisticFit fit;
};

Fitted FitOnRandomData(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Fitted f;
  f.x.assign(3, {});
  for (int i = 0; i < 4000; ++i) {
    const double a = z(rng), b = z(rng), c = z(rng);
    const double m = -2 + 0.8 * a - 0.6 * b + 0.3 * c * c;
    f.y.push_back(u(rng) < 1 / (1 + std::exp(-m)) ? 1 : 0);
    f.x[0].push_back(u(rng) < 0.03 ? NAN : a);
    f.x[1].push_back(b);
    f.x[2].push_back(c);
  }
  std::vector<std::vector<double>> woe(3);
  for (int j = 0; j < 3; ++j) {
    f.binnings.push_back(*BinNumeric(f.x[j], f.y));
    for (double v : f.x[j]) woe[j].push_back(f.binnings[j].Woe(v));
  }
  f.fit = *FitLogistic({woe.begin(), woe.end()}, f.y, {"a", "b", "c"});
  return f;
}

TEST(ScorecardTest, PointsMapBackToTheLogisticPd) {
  Fitted f = FitOnRandomData(11);
  std::vector<ScorecardTerm> terms;
  const char* names[] = {"a", "b", "c"};
  for (int j = 0; j < 3; ++j) {
    terms.push_back({names[j], &f.binnings[j], nullptr, f.fit.coefficients[j]});
  }
  for (bool round : {false, true}) {
    ScalingOptions o{.base_score = 600, .base_odds = 50, .pdo = 20, .round_points = round};
    ASSERT_OK_AND_ASSIGN(BuiltScorecard built, BuildScorecard(terms, f.fit.intercept, o));
    const v1::Scorecard& card = built.scorecard;
    ASSERT_EQ(card.characteristics_size(), 3);
    EXPECT_EQ(card.scaling().base_score(), 600);
    EXPECT_EQ(card.scaling().base_odds(), 50);
    EXPECT_EQ(card.scaling().pdo(), 20);
    ASSERT_TRUE(built.has_logistic);
    // Siddiqi's example constants: factor 28.8539, offset 487.1229.
    const double factor = 20 / std::log(2.0), offset = 600 - factor * std::log(50.0);
    EXPECT_NEAR(factor, 28.8539, 1e-4);
    EXPECT_NEAR(offset, 487.1229, 1e-4);
    for (std::size_t r = 0; r < f.y.size(); r += 7) {
      double points = card.initial_score();
      double margin = f.fit.intercept, margin_from_proto = built.logistic.intercept();
      for (int j = 0; j < 3; ++j) {
        const double v = f.x[j][r];
        points += PartialScore(card.characteristics(j), v);
        margin += f.fit.coefficients[j] * f.binnings[j].Woe(v);
        const v1::LogisticTerm& t = built.logistic.terms(j);
        margin_from_proto += t.coefficient() * TermWoe(t, v);
      }
      // points = offset + factor ln((1 - PD) / PD)  =>  PD = 1 / (1 + exp((points - offset) /
      // factor))
      const double pd_points = 1 / (1 + std::exp((points - offset) / factor));
      const double pd_model = 1 / (1 + std::exp(-margin));
      EXPECT_NEAR(margin_from_proto, margin, 1e-12);
      if (!round) {
        EXPECT_NEAR(points, offset - factor * margin, 1e-9);
        EXPECT_NEAR(pd_points, pd_model, 1e-12);
        EXPECT_NEAR(PdFromPoints(points, o), pd_model, 1e-12);
      } else {
        EXPECT_LE(std::abs(points - (offset - factor * margin)), 1.5);  // n/2 with n = 3
        EXPECT_EQ(points, std::round(points));
      }
    }
  }
}

TEST(ScorecardTest, HigherPointsMeanLowerRiskAndMaxBaselineIsTheBestAttribute) {
  Fitted f = FitOnRandomData(12);
  std::vector<ScorecardTerm> terms = {{"a", &f.binnings[0], nullptr, f.fit.coefficients[0]}};
  ASSERT_OK_AND_ASSIGN(BuiltScorecard built,
                       BuildScorecard(terms, f.fit.intercept, {}, BaselineMethod::kMax));
  EXPECT_EQ(built.scorecard.baseline_method(), v1::BASELINE_METHOD_MAX);
  const v1::ScorecardCharacteristic& ch = built.scorecard.characteristics(0);
  EXPECT_EQ(ch.feature(), "a");
  EXPECT_EQ(ch.reason_code(), "");  // the bundle's catalogue maps feature `a` to a code
  EXPECT_EQ(built.scorecard.reason_code_algorithm(), v1::REASON_CODE_ALGORITHM_POINTS_BELOW);
  double best = -1e300;
  ASSERT_TRUE(ch.attributes(0).has_missing());
  for (const v1::ScorecardAttribute& a : ch.attributes()) best = std::max(best, a.partial_score());
  EXPECT_EQ(ch.baseline_score(), best);
  // Risk rises with a, so WoE and points fall as a grows.
  for (int i = 2; i < ch.attributes_size(); ++i) {
    EXPECT_LT(ch.attributes(i).partial_score(), ch.attributes(i - 1).partial_score());
  }
  // The logistic term's reference is the WoE of the baseline attribute.
  const v1::LogisticTerm& t = built.logistic.terms(0);
  double ref_points = -(t.coefficient() * t.reference() + f.fit.intercept) * 20 / std::log(2.0) +
                      (600 - 20 / std::log(2.0) * std::log(50.0));
  EXPECT_NEAR(ref_points, best, 1e-9);
}

// A binning written by hand: three bins [-inf, 1), [1, 5), [5, +inf) with 10, 30 and 60 rows,
// 5 missing rows; WoE 1.0, 0.2, -0.8, missing -0.5. With beta = -1, intercept 0, one term and
// the default scaling, points = woe * factor + offset, factor = 20 / ln 2.
NumericBinning HandBinning() {
  NumericBinning b;
  const double inf = std::numeric_limits<double>::infinity();
  b.bins = {{-inf, 1, {8, 2}, 1.0}, {1, 5, {25, 5}, 0.2}, {5, inf, {40, 20}, -0.8}};
  b.missing = {3, 2};
  b.missing_woe = -0.5;
  return b;
}

TEST(ScorecardTest, BaselineMethodsAgainstHandComputedValues) {
  const NumericBinning b = HandBinning();
  const double factor = 20 / std::log(2.0), offset = 600 - factor * std::log(50.0);
  auto pts = [&](double woe) { return woe * factor + offset; };
  auto baseline = [&](BaselineMethod m, double typical, double at, double* value,
                      double threshold = NAN) {
    ScorecardTerm t{"x", &b, nullptr, -1.0};
    t.typical_value = typical;
    t.baseline_at = at;
    t.reason_threshold = threshold;
    auto built = BuildScorecard(std::vector<ScorecardTerm>{t}, 0, {}, m);
    EXPECT_TRUE(built.ok()) << built.status();
    const auto& ch = built->scorecard.characteristics(0);
    *value = ch.has_reason_threshold() ? ch.reason_threshold() : NAN;
    return ch.baseline_score();
  };
  double v;
  EXPECT_NEAR(baseline(BaselineMethod::kMax, NAN, NAN, &v), pts(1.0), 1e-9);
  EXPECT_TRUE(std::isnan(v));
  // Mean over the 105 rows: (5 * -0.5 + 10 * 1.0 + 30 * 0.2 + 60 * -0.8) / 105 in WoE.
  EXPECT_NEAR(baseline(BaselineMethod::kMean, NAN, NAN, &v),
              pts((5 * -0.5 + 10 * 1.0 + 30 * 0.2 + 60 * -0.8) / 105), 1e-9);
  // Median of 105 rows' points: the 53rd smallest (0-based 52): 60 rows at -0.8 come first.
  EXPECT_NEAR(baseline(BaselineMethod::kMedian, NAN, NAN, &v), pts(-0.8), 1e-9);
  // Neutral at a typical value of 3: the bin [1, 5); the reason threshold is the term's.
  EXPECT_NEAR(baseline(BaselineMethod::kNeutral, 3.0, NAN, &v), pts(0.2), 1e-9);
  EXPECT_TRUE(std::isnan(v));
  EXPECT_NEAR(baseline(BaselineMethod::kNeutral, 3.0, NAN, &v, 4.0), pts(0.2), 1e-9);
  EXPECT_EQ(v, 4.0);
  // Without a typical value: the bin of the median non-missing row (the 50th of 100: [5, inf)).
  EXPECT_NEAR(baseline(BaselineMethod::kNeutral, NAN, NAN, &v), pts(-0.8), 1e-9);
  EXPECT_TRUE(std::isnan(v));
  // Other: the points at 0.5 (bin [-inf, 1)), which is also the threshold; without a value,
  // neutral.
  EXPECT_NEAR(baseline(BaselineMethod::kOther, 3.0, 0.5, &v, 4.0), pts(1.0), 1e-9);
  EXPECT_EQ(v, 0.5);
  EXPECT_NEAR(baseline(BaselineMethod::kOther, 3.0, NAN, &v), pts(0.2), 1e-9);
  EXPECT_EQ(ParseBaselineMethod("neutral"), BaselineMethod::kNeutral);
  EXPECT_EQ(ParseBaselineMethod("best"), std::nullopt);
}

TEST(ScorecardTest, NeutralBaselineIsTheDefaultAndTheTwinExplainsLikeTheCard) {
  const NumericBinning b = HandBinning();
  ScorecardTerm t{"x", &b, nullptr, -0.7};
  t.typical_value = 7;
  t.reason_threshold = 8;
  ASSERT_OK_AND_ASSIGN(BuiltScorecard built, BuildScorecard(std::vector<ScorecardTerm>{t}, -2, {}));
  EXPECT_EQ(built.scorecard.baseline_method(), v1::BASELINE_METHOD_NEUTRAL);
  const auto& ch = built.scorecard.characteristics(0);
  EXPECT_EQ(ch.reason_threshold(), 8);
  EXPECT_EQ(ch.baseline_score(), ch.attributes(3).partial_score());  // [5, +inf)
  // The twin's reference WoE gives the baseline's points back.
  const double factor = 20 / std::log(2.0), offset = 600 - factor * std::log(50.0);
  EXPECT_NEAR(-(-0.7 * built.logistic.terms(0).reference() + -2) * factor + offset,
              ch.baseline_score(), 1e-9);
}

TEST(ScorecardTest, CategoricalCharacteristicUsesCategorySetsAndOtherwise) {
  std::vector<std::string> x;
  std::vector<int> y;
  for (int i = 0; i < 300; ++i) {
    x.push_back(i < 100 ? "A" : i < 200 ? "B" : "");  // "" = missing
    y.push_back(i % 3 == 0 || (i < 100 && i % 2 == 0));
  }
  ASSERT_OK_AND_ASSIGN(CategoricalBinning bin, BinCategorical(x, y, {.chi_threshold = 0}));
  std::vector<ScorecardTerm> terms = {{"segment", nullptr, &bin, -1.0}};
  ASSERT_OK_AND_ASSIGN(BuiltScorecard built, BuildScorecard(terms, -1.0, {}));
  EXPECT_FALSE(built.has_logistic);
  const v1::ScorecardCharacteristic& ch = built.scorecard.characteristics(0);
  EXPECT_TRUE(ch.attributes(0).has_missing());
  EXPECT_TRUE(ch.attributes(ch.attributes_size() - 1).has_otherwise());
  int category_attributes = 0;
  for (const v1::ScorecardAttribute& a : ch.attributes()) category_attributes += a.has_categories();
  EXPECT_EQ(category_attributes, 2);
  EXPECT_EQ(ch.feature(), "segment");  // not an enterprise field: a string feature

  // A column named like an enterprise field reads the field, so the card runs in a bundle.
  std::vector<ScorecardTerm> sector = {{"sector", nullptr, &bin, -1.0},
                                       {"attributes.channel", nullptr, &bin, -0.5}};
  ASSERT_OK_AND_ASSIGN(BuiltScorecard by_field, BuildScorecard(sector, -1.0, {}));
  EXPECT_EQ(by_field.scorecard.characteristics(0).enterprise_field(), "sector");
  EXPECT_EQ(by_field.scorecard.characteristics(1).enterprise_field(), "attributes.channel");
}

TEST(ScorecardTest, BadInput) {
  EXPECT_THAT(BuildScorecard({}, 0, {}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("at least one")));
  NumericBinning b = *BinNumeric(std::vector<double>{1, 2, 3, 4}, std::vector<int>{0, 1, 0, 1});
  std::vector<ScorecardTerm> terms = {{"x", &b, nullptr, 1}};
  EXPECT_THAT(BuildScorecard(terms, 0, {.pdo = 0}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("pdo")));
  terms[0].numeric = nullptr;
  EXPECT_THAT(BuildScorecard(terms, 0, {}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("exactly one binning")));
}

TEST(SelectionTest, DropsLowIvConstantAndTheWeakerOfACorrelatedPair) {
  std::mt19937 rng(5);
  std::normal_distribution<double> z(0, 1);
  std::vector<double> a, a_twin, b, flat(500, 0.3);
  for (int i = 0; i < 500; ++i) {
    a.push_back(z(rng));
    a_twin.push_back(a.back() + 0.1 * z(rng));
    b.push_back(z(rng));
  }
  std::vector<Candidate> c = {{"b", 0.2, b},
                              {"a_twin", 0.3, a_twin},
                              {"a", 0.5, a},
                              {"weak", 0.01, b},
                              {"flat", 0.4, flat}};
  ASSERT_OK_AND_ASSIGN(std::vector<SelectionDecision> d, SelectFeatures(c, 0.02, 0.7));
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].name, "a");
  EXPECT_TRUE(d[0].selected);
  EXPECT_EQ(d[1].name, "flat");
  EXPECT_EQ(d[1].reason, "constant after WoE");
  EXPECT_EQ(d[2].name, "a_twin");
  EXPECT_FALSE(d[2].selected);
  EXPECT_EQ(d[2].correlated_with, "a");
  EXPECT_NEAR(d[2].correlation, PearsonCorrelation(a, a_twin), 1e-15);
  EXPECT_GT(d[2].correlation, 0.9);
  EXPECT_EQ(d[3].name, "b");
  EXPECT_TRUE(d[3].selected);
  EXPECT_EQ(d[4].name, "weak");
  EXPECT_EQ(d[4].reason, "iv below min_iv");
}

}  // namespace
}  // namespace credence::fit
