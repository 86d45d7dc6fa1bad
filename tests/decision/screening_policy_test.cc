// ScreeningPolicy: outcomes from rule hits and point thresholds, hand-checked.
#include "decision/screening_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::decision {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

google::protobuf::RepeatedPtrField<v1::RuleHit> Hits(const std::string& text) {
  return ParseText<v1::ScreenResponse>(text).rule_hits();
}

v1::ScreenResponse Decide(const std::string& policy, const std::string& hits) {
  auto p = ScreeningPolicy::Compile(ParseText<v1::ScreeningPolicy>(policy), "screening");
  EXPECT_TRUE(p.ok()) << p.status();
  v1::ScreenResponse out;
  p->Decide(Hits(hits), &out);
  return out;
}

TEST(ScreeningPolicyTest, StrictestWinsRulesBeforePointsDefaultAllows) {
  const std::string policy = "review_points: 10 block_points: 30";
  EXPECT_EQ(Decide(policy, "").outcome(), v1::SCREEN_OUTCOME_ALLOW);
  EXPECT_EQ(Decide(policy, "").decided_by(), "default");
  // 10 + 15 points: review by points; codes once each, in hit order.
  auto r = Decide(policy, R"pb(
    rule_hits { rule_set: "s" rule_id: "a" points: 10 reason_code: "A" }
    rule_hits { rule_set: "s" rule_id: "b" points: 15 reason_code: "B" }
    rule_hits { rule_set: "s" rule_id: "c" points: 0 reason_code: "A" })pb");
  EXPECT_EQ(r.outcome(), v1::SCREEN_OUTCOME_REVIEW);
  EXPECT_EQ(r.decided_by(), "points");
  EXPECT_EQ(r.points(), 25);
  EXPECT_THAT(r.reason_codes(), ElementsAre("A", "B"));
  // A REVIEW rule and 30 points: the block by points is stricter.
  r = Decide(policy, R"pb(
    rule_hits { rule_set: "s" rule_id: "a" outcome: OUTCOME_REVIEW points: 30 })pb");
  EXPECT_EQ(r.outcome(), v1::SCREEN_OUTCOME_BLOCK);
  EXPECT_EQ(r.decided_by(), "points");
  // Equal strictness: the rule comes first.
  r = Decide(policy, R"pb(
    rule_hits { rule_set: "s" rule_id: "x" outcome: OUTCOME_REVIEW points: 10 })pb");
  EXPECT_EQ(r.decided_by(), "rule:s/x");
  // An explicit APPROVE never loosens a stricter proposal.
  r = Decide(policy, R"pb(
    rule_hits { rule_set: "s" rule_id: "b" outcome: OUTCOME_REJECT }
    rule_hits { rule_set: "s" rule_id: "a" outcome: OUTCOME_APPROVE })pb");
  EXPECT_EQ(r.outcome(), v1::SCREEN_OUTCOME_BLOCK);
}

TEST(ScreeningPolicyTest, ErroredHitsProposeOnlyWhenThePolicySays) {
  const std::string hit = R"pb(rule_hits {
                                 rule_set: "s"
                                 rule_id: "e"
                                 errored: true
                                 points: 50
                                 outcome: OUTCOME_REJECT
                               })pb";
  auto r = Decide("block_points: 30", hit);
  EXPECT_EQ(r.outcome(), v1::SCREEN_OUTCOME_ALLOW);  // no points, no outcome from an error
  EXPECT_EQ(r.points(), 0);
  r = Decide("errored_rule_outcome: OUTCOME_REVIEW", hit);
  EXPECT_EQ(r.outcome(), v1::SCREEN_OUTCOME_REVIEW);
  EXPECT_EQ(r.decided_by(), "rule:s/e");
}

TEST(ScreeningPolicyTest, CompileErrors) {
  auto compile = [](const std::string& text) {
    return ScreeningPolicy::Compile(ParseText<v1::ScreeningPolicy>(text), "screening").status();
  };
  EXPECT_THAT(compile("review_points: -1"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("review_points")));
  EXPECT_THAT(compile("review_points: 40 block_points: 20"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("above block_points")));
  EXPECT_THAT(compile("allowed_lateness { seconds: 40000000 }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("365 days")));
  EXPECT_THAT(compile("allowed_lateness { seconds: -1 }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("allowed_lateness")));
  auto p = ScreeningPolicy::Compile(v1::ScreeningPolicy(), "screening");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->allowed_lateness(), ScreeningPolicy::kDefaultLateness);
}

}  // namespace
}  // namespace credence::decision
