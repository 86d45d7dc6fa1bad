#include "models/logistic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>

#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::models {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

const std::vector<std::string> kNames = {"a", "b", "c"};
int Index(std::string_view n) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == n) return static_cast<int>(i);
  }
  return -1;
}

TEST(LogisticTest, MarginProbabilityAndContributions) {
  auto m =
      LogisticRegression::Compile(ParseText<v1::LogisticModel>(R"pb(
                                    intercept: 0.5
                                    terms { feature: "a" coefficient: 2 reference: 1 }
                                    terms { feature: "c" coefficient: -0.25 impute: 8 reference: 4 }
                                  )pb"),
                                  Index, "m");
  ASSERT_TRUE(m.ok()) << m.status();
  ModelOutput out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  m->Predict(std::vector<double>{3, 100, nan}, kNames, out);
  ASSERT_TRUE(out.available);
  // 0.5 + 2*3 - 0.25*8 (imputed) = 4.5.
  EXPECT_DOUBLE_EQ(out.margin, 4.5);
  EXPECT_DOUBLE_EQ(out.probability, 1 / (1 + std::exp(-4.5)));
  EXPECT_EQ(out.contributions, (std::vector<double>{4, 0, -1}));  // 2*(3-1), 0, -0.25*(8-4)
}

TEST(LogisticTest, MissingWithoutImputeIsUnavailable) {
  auto m = LogisticRegression::Compile(
      ParseText<v1::LogisticModel>("terms { feature: 'b' coefficient: 1 }"), Index, "m");
  ASSERT_TRUE(m.ok());
  ModelOutput out;
  m->Predict(std::vector<double>{1, std::nan(""), 1}, kNames, out);
  EXPECT_FALSE(out.available);
  EXPECT_THAT(out.unavailable_reason, HasSubstr("feature 'b' is missing"));
}

TEST(LogisticTest, SigmoidIsAccurateInTheTails) {
  EXPECT_DOUBLE_EQ(Sigmoid(0), 0.5);
  EXPECT_DOUBLE_EQ(Sigmoid(-800), 0.0);
  EXPECT_DOUBLE_EQ(Sigmoid(800), 1.0);
  // For very negative margins sigmoid(m) ~ exp(m): the naive 1/(1+exp(-m)) keeps it too,
  // but must not lose relative precision.
  EXPECT_NEAR(Sigmoid(-30) / std::exp(-30.0), 1.0, 1e-12);
  for (double m = -20; m <= 20; m += 0.37) {
    EXPECT_NEAR(Sigmoid(m) + Sigmoid(-m), 1.0, 1e-15);
  }
}

TEST(LogisticTest, CompileErrors) {
  EXPECT_THAT(
      LogisticRegression::Compile(
          ParseText<v1::LogisticModel>("terms { feature: 'zz' coefficient: 1 }"), Index, "m"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown feature 'zz'")));
  EXPECT_THAT(
      LogisticRegression::Compile(
          ParseText<v1::LogisticModel>(
              "terms { feature: 'a' coefficient: 1 } terms { feature: 'a' coefficient: 2 }"),
          Index, "m"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("appears in two terms")));
  EXPECT_THAT(
      LogisticRegression::Compile(
          ParseText<v1::LogisticModel>("terms { feature: 'a' coefficient: inf }"), Index, "m"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("finite")));
  auto nan_intercept =
      LogisticRegression::Compile(ParseText<v1::LogisticModel>("intercept: nan"), Index, "m");
  EXPECT_THAT(nan_intercept, StatusIs(StatusCode::kInvalidArgument, HasSubstr("intercept")));
  EXPECT_EQ(nan_intercept.status().location()->field_path, "m.intercept");
}

v1::LogisticModel ParseModel(const std::string& text) {
  v1::LogisticModel m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// Impute, then cap, then WoE or standardise; each value below is derived by hand from the
// definitions in docs/models.md.
constexpr const char* kTransformed = R"pb(
  intercept: -1.25
  terms {
    feature: "a"
    coefficient: 0.8
    impute: 50
    reference: 0.1
    transform {
      cap_lower: 0
      cap_upper: 100
      woe {
        bins {
          interval { upper: 10 }
          woe: -0.5
        }
        bins {
          interval { lower: 40 upper: 70 lower_closed: true upper_closed: true }
          woe: 0.4
        }
        bins {
          interval { lower: 10 upper: 40 lower_closed: true }
          woe: 0.1
        }
        bins {
          interval { lower: 70 }
          woe: 0.9
        }
        missing_woe: 0.7
      }
    }
  }
  terms {
    feature: "b"
    coefficient: -1.5
    transform {
      cap_upper: 30
      standardize { mean: 10 stddev: 4 }
    }
  }
  terms {
    feature: "c"
    coefficient: 2
    reference: -0.2
    transform {
      woe {
        bins {
          interval { upper: 0 upper_closed: true }
          woe: -0.3
        }
        bins {
          interval { lower: 0 }
          woe: 0.25
        }
        missing_woe: -0.2
      }
    }
  }
)pb";

TEST(LogisticTransformTest, WoeBinsOnAndAroundTheirBounds) {
  ASSERT_OK_AND_ASSIGN(auto m, LogisticRegression::Compile(ParseModel(kTransformed), Index, "m"));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    double raw, want;
  };
  // Term 0: bins (-inf,10) [10,40) [40,70] (70,inf), capped to [0, 100], impute 50.
  for (const Case& c :
       {Case{5, -0.5}, Case{9.999999, -0.5}, Case{10, 0.1}, Case{39.9, 0.1}, Case{40, 0.4},
        Case{70, 0.4}, Case{70.0001, 0.9}, Case{-1000, -0.5}, Case{1e300, 0.9},
        Case{-std::numeric_limits<double>::infinity(), -0.5}, Case{nan, 0.4}}) {
    EXPECT_EQ(m.TransformedValue(0, c.raw), c.want) << "a = " << c.raw;
  }
  // Term 1: min(b, 30), then (b - 10) / 4; no impute.
  EXPECT_EQ(m.TransformedValue(1, 18), 2.0);
  EXPECT_EQ(m.TransformedValue(1, 100), 5.0);
  EXPECT_EQ(m.TransformedValue(1, -6), -4.0);
  EXPECT_TRUE(std::isnan(m.TransformedValue(1, nan)));
  // Term 2: (-inf, 0] and (0, inf); missing takes missing_woe.
  EXPECT_EQ(m.TransformedValue(2, 0), -0.3);
  EXPECT_EQ(m.TransformedValue(2, 1e-300), 0.25);
  EXPECT_EQ(m.TransformedValue(2, nan), -0.2);
}

TEST(LogisticTransformTest, MarginAndContributionsByHand) {
  ASSERT_OK_AND_ASSIGN(auto m, LogisticRegression::Compile(ParseModel(kTransformed), Index, "m"));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ModelOutput out;
  // a missing -> impute 50 -> [40,70] -> 0.4; b 18 -> 2; c missing -> -0.2.
  m.Predict(std::vector<double>{nan, 18, nan}, kNames, out);
  ASSERT_TRUE(out.available);
  const double margin = -1.25 + 0.8 * 0.4 + -1.5 * 2 + 2 * -0.2;  // -4.33
  EXPECT_DOUBLE_EQ(out.margin, margin);
  EXPECT_DOUBLE_EQ(out.probability, 1 / (1 + std::exp(-margin)));
  EXPECT_DOUBLE_EQ(out.contributions[0], 0.8 * (0.4 - 0.1));
  EXPECT_DOUBLE_EQ(out.contributions[1], -1.5 * (2 - 0));
  EXPECT_DOUBLE_EQ(out.contributions[2], 2 * (-0.2 - -0.2));
  // a 1e6 -> capped 100 -> 0.9; b 35 -> capped 30 -> 5; c 3 -> 0.25.
  m.Predict(std::vector<double>{1e6, 35, 3}, kNames, out);
  ASSERT_TRUE(out.available);
  EXPECT_DOUBLE_EQ(out.margin, -1.25 + 0.8 * 0.9 - 1.5 * 5 + 2 * 0.25);
  // b has no impute and no binning: a missing b makes the output unavailable.
  m.Predict(std::vector<double>{1, nan, 1}, kNames, out);
  EXPECT_FALSE(out.available);
  EXPECT_THAT(out.unavailable_reason, HasSubstr("feature 'b' is missing"));
}

struct TransformError {
  const char* transform;
  const char* message;
  const char* path;
};

void PrintTo(const TransformError& c, std::ostream* os) { *os << c.transform; }

class LogisticTransformErrorTest : public ::testing::TestWithParam<TransformError> {};

TEST_P(LogisticTransformErrorTest, RejectedWithFieldPath) {
  const TransformError& e = GetParam();
  auto m = LogisticRegression::Compile(
      ParseModel(std::string("terms { feature: 'a' coefficient: 1 } terms { feature: 'b' "
                             "coefficient: 1 transform { ") +
                 e.transform + " } }"),
      Index, "models[2].logistic");
  ASSERT_THAT(m, StatusIs(StatusCode::kInvalidArgument, HasSubstr(e.message)));
  ASSERT_NE(m.status().location(), nullptr);
  EXPECT_EQ(m.status().location()->field_path, e.path);
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, LogisticTransformErrorTest,
    ::testing::Values(
        TransformError{"cap_lower: 5 cap_upper: 4", "cap_lower is greater than cap_upper",
                       "models[2].logistic.terms[1].transform.cap_lower"},
        TransformError{"cap_upper: inf", "cap_upper must be finite",
                       "models[2].logistic.terms[1].transform.cap_upper"},
        TransformError{"standardize { mean: 1 stddev: 0 }", "stddev must be a positive",
                       "models[2].logistic.terms[1].transform.standardize.stddev"},
        TransformError{"standardize { mean: 1 stddev: -2 }", "stddev must be a positive",
                       "models[2].logistic.terms[1].transform.standardize.stddev"},
        TransformError{"standardize { mean: nan stddev: 2 }", "mean must be finite",
                       "models[2].logistic.terms[1].transform.standardize.mean"},
        TransformError{"woe { }", "no interval", "models[2].logistic.terms[1].transform.woe.bins"},
        TransformError{"woe { bins { interval { upper: 1 upper_closed: true } woe: 1 } bins { "
                       "interval { lower: 1 lower_closed: true } woe: 2 } }",
                       "overlaps", "models[2].logistic.terms[1].transform.woe.bins[1].interval"},
        TransformError{"woe { bins { interval { upper: 1 } woe: 1 } bins { interval { lower: 1 } "
                       "woe: 2 } }",
                       "numbers in [1, 1] between",
                       "models[2].logistic.terms[1].transform.woe.bins[1].interval"},
        TransformError{"woe { bins { interval { upper: 1 } woe: 1 } bins { interval { lower: 2 "
                       "lower_closed: true } woe: 2 } }",
                       "numbers in [1, 2) between",
                       "models[2].logistic.terms[1].transform.woe.bins[1].interval"},
        TransformError{"woe { bins { interval { lower: 0 lower_closed: true } woe: 1 } }",
                       "numbers below",
                       "models[2].logistic.terms[1].transform.woe.bins[0].interval"},
        TransformError{"woe { bins { interval { upper: 0 } woe: 1 } }", "numbers above",
                       "models[2].logistic.terms[1].transform.woe.bins[0].interval"},
        TransformError{"woe { bins { interval { } woe: nan } }", "woe must be finite",
                       "models[2].logistic.terms[1].transform.woe.bins[0].woe"},
        TransformError{"woe { bins { interval { } woe: 1 } missing_woe: inf }",
                       "missing_woe must be finite",
                       "models[2].logistic.terms[1].transform.woe.missing_woe"},
        TransformError{"woe { bins { interval { lower: 3 upper: 3 lower_closed: true } woe: 1 } }",
                       "contains no number",
                       "models[2].logistic.terms[1].transform.woe.bins[0].interval"},
        TransformError{"woe { bins { interval { lower: nan } woe: 1 } }", "bounds must be finite",
                       "models[2].logistic.terms[1].transform.woe.bins[0].interval.lower"}),
    [](const ::testing::TestParamInfo<TransformError>& param_info) {
      return "Case" + std::to_string(param_info.index);
    });

}  // namespace
}  // namespace credence::models
