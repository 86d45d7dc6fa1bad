#include "decision/credit_scale.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::decision {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

// Siddiqi, "Credit Risk Scorecards" (2006), ch. 6: 600 points at 50:1 odds, 20 points to
// double the odds: factor = 20 / ln 2 = 28.8539, offset = 600 - 28.8539 ln 50 = 487.1229.
TEST(ScoreScaleTest, PublishedPdoExample) {
  auto s = ScoreScale::Compile(ParseText<v1::ScoreScaling>("base_score: 600 base_odds: 50 pdo: 20"),
                               "s");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NEAR(s->factor(), 28.8539, 1e-4);
  EXPECT_NEAR(s->offset(), 487.1229, 1e-4);
  // odds 50:1 → PD = 1/51.
  EXPECT_NEAR(s->Score(1.0 / 51), 600, 1e-9);
  EXPECT_NEAR(s->Score(1.0 / 101), 620, 1e-9);  // odds doubled: +pdo
  EXPECT_NEAR(s->Score(1.0 / 26), 580, 1e-9);   // odds halved: -pdo
  // From the margin (log-odds of default): margin = -ln 50.
  EXPECT_NEAR(s->ScoreFromMargin(-std::log(50.0)), 600, 1e-9);
  EXPECT_NEAR(s->ScoreFromMargin(-std::log(200.0)), 640, 1e-9);
}

TEST(ScoreScaleTest, ClampsToRange) {
  auto s = ScoreScale::Compile(
      ParseText<v1::ScoreScaling>(
          "base_score: 600 base_odds: 50 pdo: 20 min_score: 300 max_score: 850"),
      "s");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->Score(0.0), 850);
  EXPECT_EQ(s->Score(1.0), 300);
  EXPECT_EQ(s->ScoreFromMargin(50), 300);
  EXPECT_EQ(s->ScoreFromMargin(-50), 850);
}

TEST(ScoreScaleTest, RejectsBadParameters) {
  EXPECT_THAT(
      ScoreScale::Compile(ParseText<v1::ScoreScaling>("base_score: 600 base_odds: 0 pdo: 20"), "s"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("base_odds")));
  EXPECT_THAT(ScoreScale::Compile(
                  ParseText<v1::ScoreScaling>("base_score: 600 base_odds: 50 pdo: -1"), "s"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("pdo")));
  EXPECT_THAT(
      ScoreScale::Compile(
          ParseText<v1::ScoreScaling>("base_odds: 50 pdo: 20 min_score: 900 max_score: 100"), "s"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("min <= max")));
}

TEST(GradeScaleTest, BandsAreClosedAtTheirUpperBound) {
  auto g = GradeScale::Compile(ParseText<v1::GradeScale>(R"pb(
                                 id: "m"
                                 bands { grade: "A" max_pd: 0.01 }
                                 bands { grade: "B" max_pd: 0.05 }
                                 bands { grade: "C" max_pd: 1 }
                               )pb"),
                               "g");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->Band(0.0).grade(), "A");
  EXPECT_EQ(g->Band(0.01).grade(), "A");
  EXPECT_EQ(g->Band(std::nextafter(0.01, 1.0)).grade(), "B");
  EXPECT_EQ(g->Band(0.05).grade(), "B");
  EXPECT_EQ(g->Band(0.5).grade(), "C");
  EXPECT_EQ(g->Band(1.0).grade(), "C");
}

TEST(GradeScaleTest, RejectsBadScales) {
  EXPECT_THAT(GradeScale::Compile(ParseText<v1::GradeScale>("id: 'm'"), "g"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no bands")));
  EXPECT_THAT(
      GradeScale::Compile(ParseText<v1::GradeScale>(
                              "bands { grade: 'A' max_pd: 0.5 } bands { grade: 'B' max_pd: 0.4 }"),
                          "g"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("increase strictly")));
  EXPECT_THAT(
      GradeScale::Compile(ParseText<v1::GradeScale>(
                              "bands { grade: 'A' max_pd: 0.5 } bands { grade: 'A' max_pd: 1 }"),
                          "g"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("unique")));
  auto open_top =
      GradeScale::Compile(ParseText<v1::GradeScale>("bands { grade: 'A' max_pd: 0.5 }"), "g");
  EXPECT_THAT(open_top, StatusIs(StatusCode::kInvalidArgument, HasSubstr("max_pd 1")));
  EXPECT_EQ(open_top.status().location()->field_path, "g.bands[0].max_pd");
}

}  // namespace
}  // namespace credence::decision
