// Scorecards: the DMG PMML sample scorecard (department / age / income, reason codes by
// points below baseline) worked by hand, score scaling to PD, and every compile error.
#include "models/scorecard.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <ostream>
#include <string>
#include <vector>

#include "credence/engine.h"
#include "explain/reasons.h"
#include "models/model.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::models {
namespace {

using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<std::string> kNames = {"age", "income", "code"};
int Index(std::string_view n) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == n) return static_cast<int>(i);
  }
  return -1;
}

v1::Scorecard Parse(const std::string& text) {
  v1::Scorecard m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// The sample scorecard of the PMML specification (DMG, "Sample scorecard"): department is a
// string field (here the enterprise attribute "department"), age and income are numeric.
// PMML's "age <= 18", "18 < age <= 29", ... become intervals (-inf,18], (18,29], ...
constexpr const char* kPmmlSample = R"pb(
  initial_score: 0
  reason_code_algorithm: REASON_CODE_ALGORITHM_POINTS_BELOW
  characteristics {
    name: "departmentScore"
    enterprise_field: "attributes.department"
    reason_code: "RC1"
    baseline_score: 19
    attributes { missing: true partial_score: -9 }
    attributes {
      categories { values: "marketing" }
      partial_score: 19
    }
    attributes {
      categories { values: "engineering" }
      partial_score: 3
    }
    attributes {
      categories { values: "business" }
      partial_score: 6
    }
  }
  characteristics {
    name: "ageScore"
    feature: "age"
    reason_code: "RC2"
    baseline_score: 18
    attributes { missing: true partial_score: -1 }
    attributes {
      interval { upper: 18 upper_closed: true }
      partial_score: -3
    }
    attributes {
      interval { lower: 18 upper: 29 upper_closed: true }
      partial_score: 0
    }
    attributes {
      interval { lower: 29 upper: 39 upper_closed: true }
      partial_score: 12
    }
    attributes {
      interval { lower: 39 }
      partial_score: 18
    }
  }
  characteristics {
    name: "incomeScore"
    feature: "income"
    reason_code: "RC3"
    baseline_score: 10
    attributes { missing: true partial_score: 5 }
    attributes {
      interval { upper: 1000 upper_closed: true }
      partial_score: 26
    }
    attributes {
      interval { lower: 1000 upper: 2500 upper_closed: true }
      partial_score: 5
    }
    attributes {
      interval { lower: 2500 }
      partial_score: -3
    }
  }
)pb";

struct Row {
  std::string department;
  double age, income;
};

ModelOutput Score(const Scorecard& card, const Row& r) {
  ModelOutput out;
  std::vector<double> features = {r.age, r.income, 0};
  std::vector<std::string> strings = {r.department};
  card.Predict(features, strings, out);
  return out;
}

// Reasons as the engine ranks them (explain::ReasonCatalog over the candidates).
std::vector<std::pair<std::string, double>> Reasons(const ModelOutput& out, int n = 4) {
  google::protobuf::RepeatedPtrField<v1::ReasonCode> none;
  auto catalog = explain::ReasonCatalog::Compile(none, kNames);
  EXPECT_TRUE(catalog.ok());
  std::vector<explain::ReasonCandidate> c;
  for (const ReasonCandidate& r : out.reason_candidates) {
    c.push_back({r.code, r.input, r.value, r.weight});
  }
  google::protobuf::RepeatedPtrField<v1::Reason> reasons;
  const std::vector<double> values(kNames.size(), 0.0);
  catalog->TopAdverse(c, values, n, "m", &reasons);
  std::vector<std::pair<std::string, double>> result;
  for (const auto& r : reasons) result.emplace_back(r.code(), r.contribution());
  return result;
}

using Ranked = std::vector<std::pair<std::string, double>>;

TEST(ScorecardTest, PmmlSampleScoresAndReasonCodesByHand) {
  ASSERT_OK_AND_ASSIGN(Scorecard card, Scorecard::Compile(Parse(kPmmlSample), Index, "sc"));
  EXPECT_EQ(card.string_fields(), (std::vector<std::string>{"attributes.department"}));
  EXPECT_FALSE(card.has_scaling());

  // engineering 3, age 25 in (18,29] 0, income 500 <= 1000 26: 29 points. Points below
  // baseline: RC1 19-3 = 16, RC2 18-0 = 18, RC3 10-26 = -16 (not adverse).
  ModelOutput out = Score(card, {"engineering", 25, 500});
  ASSERT_TRUE(out.available) << out.unavailable_reason;
  EXPECT_EQ(out.points, 29);
  EXPECT_EQ(out.partial_scores, (std::vector<double>{3, 0, 26}));
  EXPECT_TRUE(std::isnan(out.probability)) << "no scaling: no PD";
  EXPECT_EQ(Reasons(out), (Ranked{{"RC2", 18}, {"RC1", 16}}));

  // Everything missing: -9 - 1 + 5 = -5; RC1 28, RC2 19, RC3 5.
  out = Score(card, {"", kNaN, kNaN});
  ASSERT_TRUE(out.available);
  EXPECT_EQ(out.points, -5);
  EXPECT_EQ(Reasons(out), (Ranked{{"RC1", 28}, {"RC2", 19}, {"RC3", 5}}));
  EXPECT_EQ(Reasons(out, 2), (Ranked{{"RC1", 28}, {"RC2", 19}}));

  // marketing 19, age 40 18, income 3000 -3: 34; only RC3 (13) is below baseline.
  out = Score(card, {"marketing", 40, 3000});
  EXPECT_EQ(out.points, 34);
  EXPECT_EQ(Reasons(out), (Ranked{{"RC3", 13}}));
}

TEST(ScorecardTest, IntervalEndsDecideTheAttribute) {
  ASSERT_OK_AND_ASSIGN(Scorecard card, Scorecard::Compile(Parse(kPmmlSample), Index, "sc"));
  struct Case {
    double age, age_points, income, income_points;
  };
  for (const Case& c : {Case{18, -3, 1000, 26}, Case{18.000001, 0, 1000.5, 5}, Case{29, 0, 2500, 5},
                        Case{29.5, 12, 2500.01, -3}, Case{39, 12, -1e300, 26},
                        Case{39.0000001, 18, std::numeric_limits<double>::infinity(), -3},
                        Case{-std::numeric_limits<double>::infinity(), -3, 0, 26}}) {
    ModelOutput out = Score(card, {"business", c.age, c.income});
    ASSERT_TRUE(out.available);
    EXPECT_EQ(out.partial_scores[1], c.age_points) << "age " << c.age;
    EXPECT_EQ(out.partial_scores[2], c.income_points) << "income " << c.income;
    EXPECT_EQ(out.points, 6 + c.age_points + c.income_points);
  }
}

TEST(ScorecardTest, UnmatchedCharacteristicIsUnavailableOrZero) {
  ASSERT_OK_AND_ASSIGN(Scorecard strict, Scorecard::Compile(Parse(kPmmlSample), Index, "sc"));
  ModelOutput out = Score(strict, {"sales", 30, 100});
  EXPECT_FALSE(out.available);
  EXPECT_THAT(
      out.unavailable_reason,
      HasSubstr("'departmentScore' has no attribute for attributes.department = \"sales\""));

  ASSERT_OK_AND_ASSIGN(Scorecard lenient, Scorecard::Compile(Parse(std::string(kPmmlSample) +
                                                                   "zero_when_unmatched: true"),
                                                             Index, "sc"));
  out = Score(lenient, {"sales", 30, 100});
  ASSERT_TRUE(out.available);
  EXPECT_EQ(out.points, 0 + 12 + 26);
  // 0 points is 19 below the baseline, under the characteristic's code.
  EXPECT_EQ(Reasons(out), (Ranked{{"RC1", 19}, {"RC2", 6}}));
}

TEST(ScorecardTest, OtherwiseNumericCategoriesAndAttributeCodes) {
  ASSERT_OK_AND_ASSIGN(
      Scorecard card,
      Scorecard::Compile(Parse(R"pb(
                           initial_score: 100
                           characteristics {
                             name: "code"
                             feature: "code"
                             baseline_score: 10
                             reason_code: "C"
                             attributes {
                               categories { numbers: 1 numbers: 3 }
                               partial_score: 20
                             }
                             attributes { missing: true partial_score: -5 reason_code: "C_MISSING" }
                             attributes {
                               interval { lower: 10 upper: 20 lower_closed: true }
                               partial_score: 15
                             }
                             attributes { otherwise: true partial_score: 0 reason_code: "C_OTHER" }
                           }
                           characteristics {
                             name: "sector"
                             enterprise_field: "sector"
                             baseline_score: 0
                             reason_code: "S"
                             attributes {
                               categories { values: "retail" values: "food" }
                               partial_score: 5
                             }
                             attributes { otherwise: true partial_score: -7 }
                           }
                         )pb"),
                         Index, "sc"));
  struct Case {
    double code;
    std::string sector;
    double points;
    Ranked reasons;
  };
  for (const Case& c : std::vector<Case>{
           {3, "food", 125, {}},
           {2, "retail", 105, {{"C_OTHER", 10}}},
           {kNaN, "", 88, {{"C_MISSING", 15}, {"S", 7}}},  // missing sector: otherwise
           {10, "Retail", 108, {{"S", 7}}},                // categories are case-sensitive
           {20, "food", 105, {{"C_OTHER", 10}}},           // [10, 20) excludes 20
       }) {
    ModelOutput out;
    std::vector<double> features = {0, 0, c.code};
    std::vector<std::string> strings = {c.sector};
    card.Predict(features, strings, out);
    ASSERT_TRUE(out.available);
    EXPECT_EQ(out.points, c.points) << c.code << " " << c.sector;
    EXPECT_EQ(Reasons(out), c.reasons) << c.code << " " << c.sector;
  }
}

TEST(ScorecardTest, SameReasonCodeSumsAcrossCharacteristicsAndPointsAbove) {
  // PMML: differences of characteristics sharing a reason code are summed before ranking.
  ASSERT_OK_AND_ASSIGN(Scorecard card,
                       Scorecard::Compile(Parse(R"pb(
                                            characteristics {
                                              name: "a"
                                              feature: "age"
                                              baseline_score: 10
                                              reason_code: "X"
                                              attributes { otherwise: true partial_score: 4 }
                                            }
                                            characteristics {
                                              name: "b"
                                              feature: "income"
                                              baseline_score: 10
                                              reason_code: "Y"
                                              attributes { otherwise: true partial_score: 1 }
                                            }
                                            characteristics {
                                              name: "c"
                                              feature: "code"
                                              baseline_score: 5
                                              reason_code: "X"
                                              attributes { otherwise: true partial_score: 0 }
                                            }
                                          )pb"),
                                          Index, "sc"));
  ModelOutput out;
  card.Predict(std::vector<double>{1, 2, 3}, {}, out);
  ASSERT_TRUE(out.available);
  EXPECT_EQ(out.points, 5);
  EXPECT_EQ(Reasons(out), (Ranked{{"X", 11}, {"Y", 9}}));  // X: 6 + 5

  // pointsAbove: the weight is partial - baseline (inverted scorecards).
  ASSERT_OK_AND_ASSIGN(Scorecard above,
                       Scorecard::Compile(Parse(R"pb(
                                            reason_code_algorithm:
                                                REASON_CODE_ALGORITHM_POINTS_ABOVE
                                            characteristics {
                                              name: "a"
                                              feature: "age"
                                              baseline_score: 1
                                              reason_code: "A"
                                              attributes { otherwise: true partial_score: 4 }
                                            }
                                            characteristics {
                                              name: "b"
                                              feature: "income"
                                              baseline_score: 10
                                              reason_code: "B"
                                              attributes { otherwise: true partial_score: 1 }
                                            }
                                          )pb"),
                                          Index, "sc"));
  above.Predict(std::vector<double>{1, 2, 3}, {}, out);
  EXPECT_EQ(Reasons(out), (Ranked{{"A", 3}}));
}

TEST(ScorecardTest, CharacteristicsWithoutCodesUseTheCatalogOrTheirInput) {
  // No reason codes anywhere: baselines still rank the characteristics; the code comes from
  // the bundle's catalog entry for the feature, else FEATURE:<input>.
  ASSERT_OK_AND_ASSIGN(Scorecard card,
                       Scorecard::Compile(Parse(R"pb(
                                            characteristics {
                                              name: "a"
                                              feature: "age"
                                              baseline_score: 10
                                              attributes { otherwise: true partial_score: 4 }
                                            }
                                            characteristics {
                                              name: "s"
                                              enterprise_field: "zone"
                                              baseline_score: 10
                                              attributes { otherwise: true partial_score: 2 }
                                            }
                                            characteristics {
                                              name: "i"
                                              feature: "income"
                                              attributes { otherwise: true partial_score: -50 }
                                            }
                                          )pb"),
                                          Index, "sc"));
  ModelOutput out;
  std::vector<std::string> zone = {"z"};
  card.Predict(std::vector<double>{33, 1, 0}, zone, out);
  ASSERT_TRUE(out.available);
  EXPECT_EQ(out.points, -44);
  ASSERT_EQ(out.reason_candidates.size(), 2u) << "no baseline, no candidate";
  google::protobuf::RepeatedPtrField<v1::ReasonCode> codes;
  v1::ReasonCode* c = codes.Add();
  c->set_code("AGE");
  c->set_feature("age");
  c->set_text("Age");
  ASSERT_OK_AND_ASSIGN(auto catalog, explain::ReasonCatalog::Compile(codes, kNames));
  std::vector<explain::ReasonCandidate> candidates;
  for (const ReasonCandidate& r : out.reason_candidates) {
    candidates.push_back({r.code, r.input, r.value, r.weight});
  }
  google::protobuf::RepeatedPtrField<v1::Reason> reasons;
  catalog.TopAdverse(candidates, std::vector<double>(kNames.size(), 0.0), 4, "m", &reasons);
  ASSERT_EQ(reasons.size(), 2);
  EXPECT_EQ(reasons[0].code(), "FEATURE:zone");
  EXPECT_EQ(reasons[0].contribution(), 8);
  EXPECT_TRUE(std::isnan(reasons[0].value()));
  EXPECT_EQ(reasons[1].code(), "AGE");
  EXPECT_EQ(reasons[1].text(), "Age");
  EXPECT_EQ(reasons[1].value(), 33);
  EXPECT_EQ(reasons[1].contribution(), 6);
}

TEST(ScorecardTest, StringFeaturesForPredictReadAStringColumn) {
  // What `credence fit --categorical segment` writes: a feature with string categories. A
  // bundle rejects it (features are numeric); credence predict reads a string column.
  const std::string text = R"pb(
    characteristics {
      name: "segment"
      feature: "segment"
      baseline_score: 5
      reason_code: "segment"
      attributes { missing: true partial_score: 1 }
      attributes {
        categories { values: "retail" values: "rare" }
        partial_score: 5
      }
      attributes { otherwise: true partial_score: 2 }
    }
    characteristics {
      name: "age"
      feature: "age"
      baseline_score: 3
      reason_code: "age"
      attributes { otherwise: true partial_score: 3 }
    }
  )pb";
  // In a bundle "segment" would be a numeric feature.
  auto bundle_index = [](std::string_view n) { return n == "segment" ? 2 : Index(n); };
  EXPECT_THAT(Scorecard::Compile(Parse(text), bundle_index, "sc"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("need an enterprise_field")));
  int asked = 0;
  auto index = [&](std::string_view n) {
    ++asked;
    return Index(n);
  };
  ASSERT_OK_AND_ASSIGN(Scorecard card,
                       Scorecard::Compile(Parse(text), index, "sc", /*string_features=*/true));
  EXPECT_EQ(asked, 1) << "only age is a numeric feature";
  EXPECT_EQ(card.string_fields(), (std::vector<std::string>{"segment"}));
  for (auto [segment, points] :
       {std::pair<std::string, double>{"rare", 8}, {"", 4}, {"wholesale", 5}}) {
    ModelOutput out;
    std::vector<std::string> strings = {segment};
    card.Predict(std::vector<double>{40, 0, 0}, strings, out);
    ASSERT_TRUE(out.available);
    EXPECT_EQ(out.points, points) << segment;
  }
}

TEST(ScorecardTest, ScalingTurnsPointsIntoPd) {
  // base 600 points at good:bad odds 50, 20 points to double the odds: 620 points are odds
  // 100 (PD 1/101), 580 points odds 25 (PD 1/26), 600 points PD 1/51.
  ASSERT_OK_AND_ASSIGN(Scorecard card,
                       Scorecard::Compile(Parse(R"pb(
                                            initial_score: 600
                                            scaling { base_score: 600 base_odds: 50 pdo: 20 }
                                            characteristics {
                                              name: "a"
                                              feature: "age"
                                              baseline_score: 20
                                              reason_code: "A"
                                              attributes {
                                                interval { upper: 0 }
                                                partial_score: -20
                                              }
                                              attributes {
                                                interval { lower: 0 upper: 1 lower_closed: true }
                                                partial_score: 0
                                              }
                                              attributes {
                                                interval { lower: 1 lower_closed: true }
                                                partial_score: 20
                                              }
                                            }
                                          )pb"),
                                          Index, "sc"));
  EXPECT_TRUE(card.has_scaling());
  const double factor = 20 / std::numbers::ln2;
  for (auto [age, pd, points] :
       {std::tuple{5.0, 1.0 / 101, 620.0}, std::tuple{-1.0, 1.0 / 26, 580.0},
        std::tuple{0.5, 1.0 / 51, 600.0}}) {
    ModelOutput out;
    card.Predict(std::vector<double>{age, 0, 0}, {}, out);
    ASSERT_TRUE(out.available);
    EXPECT_EQ(out.points, points);
    EXPECT_NEAR(out.probability, pd, 1e-15) << age;
    EXPECT_NEAR(out.margin, std::log(pd / (1 - pd)), 1e-12) << age;
    // The adverse weight in log-odds: (baseline - partial) / factor.
    ASSERT_EQ(out.reason_candidates.size(), 1u);
    EXPECT_NEAR(out.reason_candidates[0].weight, (20 - (points - 600)) / factor, 1e-15);
    EXPECT_NEAR(out.contributions[0], out.reason_candidates[0].weight, 0);
  }
}

struct CardError {
  const char* name;
  const char* card;  // characteristics and settings
  const char* message;
  const char* path;
};

void PrintTo(const CardError& c, std::ostream* os) { *os << c.name; }

class ScorecardErrorTest : public ::testing::TestWithParam<CardError> {};

TEST_P(ScorecardErrorTest, RejectedWithFieldPath) {
  const CardError& e = GetParam();
  auto card = Scorecard::Compile(Parse(e.card), Index, "models[1].scorecard");
  ASSERT_THAT(card, StatusIs(StatusCode::kInvalidArgument, HasSubstr(e.message)));
  ASSERT_NE(card.status().location(), nullptr);
  EXPECT_EQ(card.status().location()->field_path, e.path);
}

#define CH(body) "characteristics { name: 'x' feature: 'age' " body " }"
#define SC "models[1].scorecard.characteristics[0]"

INSTANTIATE_TEST_SUITE_P(
    Catalogue, ScorecardErrorTest,
    ::testing::Values(
        CardError{"NoCharacteristics", "initial_score: 1", "at least one characteristic",
                  "models[1].scorecard.characteristics"},
        CardError{"OverlappingIntervals",
                  CH("attributes { interval { upper: 10 upper_closed: true } } "
                     "attributes { interval { lower: 10 lower_closed: true } }"),
                  "overlaps", SC ".attributes[1].interval"},
        CardError{"OverlapFirstMatchWouldHide",
                  CH("attributes { interval { } } attributes { interval { lower: 3 } }"),
                  "overlaps", SC ".attributes[1].interval"},
        CardError{"GapBetweenIntervals",
                  CH("attributes { interval { upper: 10 } } attributes { interval { lower: 10 } }"),
                  "numbers in [10, 10] between", SC ".attributes[1].interval"},
        CardError{"UncoveredBelow", CH("attributes { interval { lower: 0 } }"), "numbers below",
                  SC ".attributes[0].interval"},
        CardError{"UncoveredAbove",
                  CH("attributes { missing: true } attributes { interval { upper: 0 } }"),
                  "numbers above", SC ".attributes[1].interval"},
        CardError{"EmptyInterval",
                  CH("attributes { interval { lower: 5 upper: 5 lower_closed: true } }"),
                  "contains no number", SC ".attributes[0].interval"},
        CardError{"ReversedInterval", CH("attributes { interval { lower: 5 upper: 4 } }"),
                  "contains no number", SC ".attributes[0].interval"},
        CardError{"AfterOtherwise",
                  CH("attributes { otherwise: true } attributes { missing: true }"),
                  "comes after an `otherwise`", SC ".attributes[1]"},
        CardError{"SecondMissing",
                  CH("attributes { missing: true } attributes { missing: true } attributes { "
                     "otherwise: true }"),
                  "an earlier one matches first", SC ".attributes[1].missing"},
        CardError{"DuplicateStringCategory",
                  "characteristics { name: 'x' enterprise_field: 'sector' attributes { categories "
                  "{ values: 'a' values: 'b' } } attributes { categories { values: 'b' } } }",
                  "category \"b\" can never match", SC ".attributes[1].categories.values[0]"},
        CardError{"DuplicateNumberCategory",
                  CH("attributes { categories { numbers: 1 numbers: 2 } } attributes { categories "
                     "{ numbers: 2 } }"),
                  "overlaps", SC ".attributes[1].categories.numbers[0]"},
        CardError{"NumberInsideInterval",
                  CH("attributes { interval { } } attributes { categories { numbers: 7 } }"),
                  "overlaps", SC ".attributes[1].categories.numbers[0]"},
        CardError{"EmptyCategorySet", CH("attributes { categories { } }"), "empty category set",
                  SC ".attributes[0].categories"},
        CardError{"StringCategoryOnFeature", CH("attributes { categories { values: 'a' } }"),
                  "categories.numbers", SC ".attributes[0].categories.values"},
        CardError{"IntervalOnEnterpriseField",
                  "characteristics { name: 'x' enterprise_field: 'zone' attributes { interval { } "
                  "} }",
                  "needs a numeric input", SC ".attributes[0].interval"},
        CardError{"NumberCategoryOnEnterpriseField",
                  "characteristics { name: 'x' enterprise_field: 'country' attributes { "
                  "categories { numbers: 1 } } }",
                  "categories.values", SC ".attributes[0].categories.numbers"},
        CardError{"EmptyStringCategory",
                  "characteristics { name: 'x' enterprise_field: 'country' attributes { "
                  "categories { values: '' } } }",
                  "use a `missing` attribute", SC ".attributes[0].categories.values[0]"},
        CardError{"MissingBaselineWithCodes", CH("reason_code: 'R' attributes { otherwise: true }"),
                  "needs a baseline_score", SC ".baseline_score"},
        CardError{"AttributeWithoutCode",
                  "characteristics { name: 'x' feature: 'age' baseline_score: 1 attributes { "
                  "missing: true reason_code: 'M' } attributes { otherwise: true } }",
                  "has no reason code", SC ".attributes[1].reason_code"},
        CardError{"NanPartialScore", CH("attributes { otherwise: true partial_score: nan }"),
                  "partial_score must be a finite number", SC ".attributes[0].partial_score"},
        CardError{"InfiniteBound", CH("attributes { interval { upper: inf } }"),
                  "bounds must be finite", SC ".attributes[0].interval.upper"},
        CardError{"NanBaseline", CH("baseline_score: nan attributes { otherwise: true }"),
                  "baseline_score must be a finite number", SC ".baseline_score"},
        CardError{"NanCategory", CH("attributes { categories { numbers: nan } }"),
                  "must be a finite number", SC ".attributes[0].categories.numbers[0]"},
        CardError{"InfiniteInitialScore",
                  "initial_score: -inf " CH("attributes { otherwise: true }"),
                  "initial_score must be a finite number", "models[1].scorecard.initial_score"},
        CardError{"UnknownFeature",
                  "characteristics { name: 'x' feature: 'zz' attributes { otherwise: true } }",
                  "unknown feature 'zz'", SC ".feature"},
        CardError{"UnknownEnterpriseField",
                  "characteristics { name: 'x' enterprise_field: 'name' attributes { otherwise: "
                  "true } }",
                  "unknown enterprise field 'name'", SC ".enterprise_field"},
        CardError{"NoInput", "characteristics { name: 'x' attributes { otherwise: true } }",
                  "needs an input", SC},
        CardError{"NoAttributes", CH(""), "has no attributes", SC ".attributes"},
        CardError{"NoPredicate", CH("attributes { partial_score: 1 }"), "needs a predicate",
                  SC ".attributes[0]"},
        CardError{"DuplicateName",
                  CH("attributes { otherwise: true }") " " CH("attributes { otherwise: true }"),
                  "names must be non-empty and unique",
                  "models[1].scorecard.characteristics[1].name"},
        CardError{"BadPdo",
                  "scaling { base_score: 600 base_odds: 50 pdo: 0 } " CH(
                      "attributes { otherwise: true }"),
                  "pdo must be", "models[1].scorecard.scaling.pdo"},
        CardError{"BadBaseOdds",
                  "scaling { base_score: 600 base_odds: -1 pdo: 20 } " CH(
                      "attributes { otherwise: true }"),
                  "base_odds must be", "models[1].scorecard.scaling.base_odds"},
        CardError{"ScalingWithPointsAbove",
                  "reason_code_algorithm: REASON_CODE_ALGORITHM_POINTS_ABOVE scaling { base_score: "
                  "600 base_odds: 50 pdo: 20 } " CH("attributes { otherwise: true }"),
                  "use POINTS_BELOW", "models[1].scorecard.reason_code_algorithm"}),
    [](const ::testing::TestParamInfo<CardError>& param_info) { return param_info.param.name; });

#undef CH
#undef SC

// The scorecard as a bundle's credit model: enterprise fields come from the request, reasons
// carry the attribute's code and the catalog's text.
TEST(ScorecardEngineTest, CreditModelWithEnterpriseFieldAndReasons) {
  constexpr const char* kBundle = R"bundle(metadata { name: "sc" version: "1" }
base_currency: "USD"
features {
  name: "orders_30d"
  filter { kinds: EVENT_KIND_ORDER }
  window { trailing { seconds: 2592000 } }
  aggregate { op: AGGREGATE_OP_COUNT }
}
models {
  id: "card"
  scorecard {
    initial_score: 560
    scaling { base_score: 600 base_odds: 50 pdo: 20 }
    characteristics {
      name: "activity"
      feature: "orders_30d"
      baseline_score: 30
      reason_code: "LOW_ACTIVITY"
      attributes { interval { upper: 3 } partial_score: 0 }
      attributes { interval { lower: 3 lower_closed: true } partial_score: 40 }
    }
    characteristics {
      name: "sector"
      enterprise_field: "sector"
      baseline_score: 20
      reason_code: "SECTOR"
      attributes { categories { values: "apparel" } partial_score: 20 }
      attributes { missing: true partial_score: 0 reason_code: "NO_SECTOR" }
      attributes { otherwise: true partial_score: 10 }
    }
  }
}
credit { model: "card" scaling { base_score: 600 base_odds: 50 pdo: 20 } grade_scale: "g" }
grade_scales {
  id: "g"
  bands { grade: "A" max_pd: 0.02 outcome: OUTCOME_APPROVE }
  bands { grade: "B" max_pd: 1 outcome: OUTCOME_REVIEW }
}
reason_codes { code: "LOW_ACTIVITY" feature: "orders_30d" text: "Few recent orders" }
reason_codes { code: "NO_SECTOR" text: "Sector unknown" }
)bundle";
  auto loaded = ParseBundle(kBundle, BundleFormat::kText, "sc.textproto");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto engine = Engine::Compile(*loaded);
  ASSERT_TRUE(engine.ok()) << engine.status();

  // 1 order (< 3: 0 points), no sector (0 points): 560 points.
  v1::ScoreRequest r = ::credence::testing::MakeRequest("a");
  ::credence::testing::AddEvent(r, "o1", v1::EVENT_KIND_ORDER,
                                ::credence::testing::kAsOfSeconds - ::credence::testing::kDay, 100);
  auto resp = (*engine)->Score(r);
  ASSERT_TRUE(resp.ok()) << resp.status();
  const double factor = 20 / std::numbers::ln2;
  const double offset = 600 - factor * std::log(50.0);
  const double odds = std::exp((560 - offset) / factor);  // good:bad
  ASSERT_TRUE(resp->credit().available()) << resp->credit().unavailable_reason();
  EXPECT_NEAR(resp->credit().pd(), 1 / (1 + odds), 1e-15);
  EXPECT_NEAR(resp->credit().score(), 560, 1e-9) << "same scaling: the score is the points";
  ASSERT_EQ(resp->reasons_size(), 2);
  EXPECT_EQ(resp->reasons(0).code(), "LOW_ACTIVITY");
  EXPECT_EQ(resp->reasons(0).text(), "Few recent orders");
  EXPECT_EQ(resp->reasons(0).feature(), "orders_30d");
  EXPECT_EQ(resp->reasons(0).value(), 1);
  EXPECT_NEAR(resp->reasons(0).contribution(), 30 / factor, 1e-15);
  EXPECT_EQ(resp->reasons(1).code(), "NO_SECTOR");
  EXPECT_EQ(resp->reasons(1).text(), "Sector unknown");
  EXPECT_EQ(resp->reasons(1).feature(), "sector");
  EXPECT_NEAR(resp->reasons(1).contribution(), 20 / factor, 1e-15);

  // Apparel and 3 orders: 620 points, odds 100, no adverse reason.
  r.mutable_enterprise()->set_sector("apparel");
  for (int i = 2; i <= 3; ++i) {
    ::credence::testing::AddEvent(r, "o" + std::to_string(i), v1::EVENT_KIND_ORDER,
                                  ::credence::testing::kAsOfSeconds - i * ::credence::testing::kDay,
                                  100);
  }
  resp = (*engine)->Score(r);
  ASSERT_TRUE(resp.ok());
  EXPECT_NEAR(resp->credit().pd(), 1.0 / 101, 1e-15);
  EXPECT_EQ(resp->credit().grade(), "A");
  EXPECT_EQ(resp->reasons_size(), 0);

  // Without a scaling the scorecard gives points, not a PD: it cannot be the credit model.
  std::string unscaled = kBundle;
  const std::size_t at = unscaled.find("    scaling {");
  unscaled.erase(at, unscaled.find('\n', at) + 1 - at);
  auto bad = ParseBundle(unscaled, BundleFormat::kText, "sc.textproto");
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_THAT(Engine::Compile(*bad),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("does not output a probability")));
}

}  // namespace
}  // namespace credence::models
