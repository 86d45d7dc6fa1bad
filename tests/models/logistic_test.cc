#include "models/logistic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

}  // namespace
}  // namespace credence::models
