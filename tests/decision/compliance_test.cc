// The compliance scorer's grade policy (decision/compliance.h): points grade, statutory
// grades only through triggers, watch, binding triggers, and the reconciliation with the
// official grade. Expected composites are computed by hand from the weights below.
#include "decision/compliance.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace credence::decision {
namespace {

// Two dimensions of equal weight: composite = (score_customs + score_tax) / 2.
constexpr const char* kConfig = R"pb(
  weights { dimension: DIMENSION_CUSTOMS weight: 1 }
  weights { dimension: DIMENSION_TAX weight: 1 }
  grades { grade: "advanced_certified" min_score: 95 }
  grades { grade: "certified" min_score: 85 }
  grades { grade: "regular" min_score: 60 }
  grades { grade: "dishonest" min_score: 40 }
  grades { grade: "seriously_dishonest" min_score: 0 }
)pb";
constexpr const char* kPolicy =
    R"pb(policy {
           statutory_grades: "dishonest"
           statutory_grades: "seriously_dishonest"
           watch_reasons: 2
         })pb";

ComplianceScorer Scorer(const std::string& extra = kPolicy) {
  v1::ComplianceConfig c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(kConfig) + extra, &c));
  auto s = ComplianceScorer::Compile(c);
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(s).value();
}

v1::RuleHit Hit(const std::string& id, v1::Dimension d, double points,
                const std::string& cap = "") {
  v1::RuleHit h;
  h.set_rule_set("rs");
  h.set_rule_id(id);
  h.set_dimension(d);
  h.set_points(points);
  h.set_grade_cap(cap);
  return h;
}

google::protobuf::RepeatedPtrField<v1::RuleHit> Hits(std::vector<v1::RuleHit> hits) {
  google::protobuf::RepeatedPtrField<v1::RuleHit> out;
  for (auto& h : hits) *out.Add() = std::move(h);
  return out;
}

v1::CreditInformation Info(const std::string& event, const std::string& cap, double points,
                           v1::CreditInformationState state) {
  v1::CreditInformation i;
  i.set_event_id(event);
  i.set_cause("cause");
  i.set_grade_cap(cap);
  i.set_points(points);
  i.set_dimension(v1::DIMENSION_TAX);
  i.set_state(state);
  i.set_explanation("why " + event);
  i.mutable_repaired_at()->set_seconds(2000);
  i.mutable_ends_at()->set_seconds(3000);
  return i;
}

TEST(ComplianceScorerTest, WithoutAPolicyTheCompositeGivesEveryGrade) {
  // (100 − 60 + 100 − 40) / 2 = 50: "dishonest" on points, as before the policy existed.
  const auto r = Scorer("").Score(
      Hits({Hit("a", v1::DIMENSION_CUSTOMS, -60), Hit("b", v1::DIMENSION_TAX, -40)}));
  EXPECT_DOUBLE_EQ(r.score(), 50);
  EXPECT_EQ(r.grade(), "dishonest");
  EXPECT_EQ(r.points_grade(), "dishonest");
  EXPECT_FALSE(r.watch());
}

TEST(ComplianceScorerTest, AStatutoryPointsGradeIsRegularOnWatch) {
  const auto r = Scorer().Score(
      Hits({Hit("small", v1::DIMENSION_TAX, -10), Hit("big", v1::DIMENSION_CUSTOMS, -60),
            Hit("mid", v1::DIMENSION_TAX, -30), Hit("mid2", v1::DIMENSION_CUSTOMS, -30)}));
  // customs 100 − 90 = 10, tax 100 − 40 = 60: composite 35, "seriously_dishonest" on points.
  EXPECT_DOUBLE_EQ(r.score(), 35);
  EXPECT_EQ(r.points_grade(), "seriously_dishonest");
  EXPECT_EQ(r.grade(), "regular");
  EXPECT_TRUE(r.watch());
  ASSERT_EQ(r.watch_reasons_size(), 2);  // watch_reasons: 2; ties keep hit order
  EXPECT_EQ(r.watch_reasons(0), "rule rs/big: -60 points (CUSTOMS)");
  EXPECT_EQ(r.watch_reasons(1), "rule rs/mid: -30 points (TAX)");
  EXPECT_EQ(r.triggers_size(), 0);
}

TEST(ComplianceScorerTest, TriggersCapAndTheDecidingOnesAreBinding) {
  const v1::CreditInformation info[] = {
      Info("e1", "dishonest", -15, v1::CREDIT_INFORMATION_STATE_ACTIVE),
      Info("e2", "seriously_dishonest", -40, v1::CREDIT_INFORMATION_STATE_REPAIRED),
      Info("e3", "", -5, v1::CREDIT_INFORMATION_STATE_ACTIVE)};
  // The errored hit applies nothing; e2 is repaired; tax 100 − 15 − 5 = 80: composite 90.
  google::protobuf::RepeatedPtrField<v1::RuleHit> hits =
      Hits({Hit("cap_regular", v1::DIMENSION_CUSTOMS, 0, "regular"),
            Hit("errored", v1::DIMENSION_CUSTOMS, -50, "seriously_dishonest")});
  hits.Mutable(1)->set_errored(true);
  const auto s = Scorer().Score(hits, ComplianceFacts{info, nullptr, {}});
  EXPECT_DOUBLE_EQ(s.score(), 90);
  EXPECT_EQ(s.points_grade(), "certified");
  EXPECT_EQ(s.grade(), "dishonest");
  ASSERT_EQ(s.triggers_size(), 2);
  EXPECT_EQ(s.triggers(0).source(), "rule:rs/cap_regular");
  EXPECT_FALSE(s.triggers(0).binding());
  EXPECT_EQ(s.triggers(1).source(), "lifecycle:cause/e1");
  EXPECT_TRUE(s.triggers(1).binding());
  EXPECT_EQ(s.triggers(1).description(), "why e1");
  // A cap no worse than the points grade binds nothing.
  const auto t = Scorer().Score(Hits({Hit("cap", v1::DIMENSION_CUSTOMS, -80, "regular")}));
  EXPECT_EQ(t.grade(), "regular");  // composite 60
  EXPECT_FALSE(t.triggers(0).binding());
}

TEST(ComplianceScorerTest, PolicyCompileErrors) {
  for (const char* bad :
       {R"pb(policy { statutory_grades: "nope" })pb",
        R"pb(policy { statutory_grades: "dishonest" statutory_grades: "dishonest" })pb",
        R"pb(policy { statutory_grades: "dishonest" })pb",
        R"pb(policy {
               statutory_grades: "certified"
               statutory_grades: "dishonest"
               statutory_grades: "seriously_dishonest"
             })pb",
        R"pb(policy { watch_reasons: 65 })pb"}) {
    v1::ComplianceConfig c;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(kConfig) + bad, &c));
    auto s = ComplianceScorer::Compile(c);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      ASSERT_NE(s.status().location(), nullptr);
      EXPECT_EQ(s.status().location()->field_path.rfind("compliance.policy", 0), 0u) << bad;
    }
  }
  // Every grade statutory leaves none for the composite.
  v1::ComplianceConfig all;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      std::string(kConfig) + R"pb(policy {
                                    statutory_grades: "advanced_certified"
                                    statutory_grades: "certified"
                                    statutory_grades: "regular"
                                    statutory_grades: "dishonest"
                                    statutory_grades: "seriously_dishonest"
                                  })pb",
      &all));
  EXPECT_FALSE(ComplianceScorer::Compile(all).ok());
}

v1::OfficialGradeCheck Check(const std::string& grade, std::int64_t effective,
                             const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
                             std::span<const v1::CreditInformation> info = {}) {
  v1::CustomsGrade official;
  official.set_grade(grade);
  official.mutable_effective_at()->set_seconds(effective);
  google::protobuf::Timestamp as_of;
  as_of.set_seconds(10000);
  return Scorer().Score(hits, ComplianceFacts{info, &official, as_of}).official();
}

TEST(ComplianceScorerTest, ReconcilesWithTheOfficialGrade) {
  const auto none = Hits({});
  auto c = Check("advanced_certified", 100, none);
  EXPECT_TRUE(c.agrees());
  EXPECT_TRUE(c.in_force());
  EXPECT_EQ(c.difference(), "same");
  EXPECT_EQ(c.reasons_size(), 0);
  c = Check("advanced_certified", 10001, none);
  EXPECT_FALSE(c.agrees());
  EXPECT_FALSE(c.in_force());
  EXPECT_EQ(c.difference(), "not_in_force");
  c = Check("A+", 100, none);
  EXPECT_EQ(c.difference(), "unknown_grade");
  // Points only: composite 80 gives "regular".
  c = Check("advanced_certified", 100, Hits({Hit("x", v1::DIMENSION_TAX, -40)}));
  EXPECT_EQ(c.difference(), "engine_stricter");
  ASSERT_EQ(c.reasons_size(), 1);
  EXPECT_EQ(c.reasons(0), "the composite 80 reaches only regular");
  // A binding trigger is named.
  c = Check("regular", 100, Hits({Hit("smug", v1::DIMENSION_TAX, 0, "dishonest")}));
  EXPECT_EQ(c.difference(), "engine_stricter");
  EXPECT_EQ(c.reasons(0), "rule:rs/smug caps the grade at dishonest");
  // Official dishonest, but its information was repaired after the decision took effect.
  const v1::CreditInformation repaired[] = {
      Info("e9", "dishonest", 0, v1::CREDIT_INFORMATION_STATE_REPAIRED)};
  c = Check("dishonest", 1000, none, repaired);
  EXPECT_EQ(c.difference(), "engine_more_lenient");
  ASSERT_EQ(c.reasons_size(), 2);
  EXPECT_EQ(c.reasons(0),
            "no trigger in force caps the grade at dishonest or worse; statutory grades follow "
            "from triggers only");
  EXPECT_EQ(c.reasons(1),
            "lifecycle:cause/e9 (caps at dishonest) repaired at 1970-01-01T00:33:20Z, after the "
            "official grade took effect");
}

}  // namespace
}  // namespace credence::decision
