// explain::FinishReasons against the ranking of docs/rule_sets.md ("The decision"), worked out
// by hand for each case.
#include "explain/decision_reasons.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace credence::explain {
namespace {

using ::testing::ElementsAre;

v1::RuleHit* AddHit(v1::ScoreResponse& r, const std::string& code, v1::Severity severity,
                    double points, v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED,
                    const std::string& cap = "", bool errored = false) {
  v1::RuleHit* h = r.add_rule_hits();
  h->set_reason_code(code);
  h->set_severity(severity);
  h->set_points(points);
  h->set_outcome(outcome);
  h->set_grade_cap(cap);
  h->set_errored(errored);
  return h;
}

v1::ScoreResponse Rejected() {
  v1::ScoreResponse r;
  r.mutable_decision()->set_outcome(v1::OUTCOME_REJECT);
  r.mutable_compliance()->set_grade("dishonest");
  AddHit(r, "LOW", v1::SEVERITY_LOW, -5);
  AddHit(r, "INFO", v1::SEVERITY_INFO, 0, v1::OUTCOME_UNSPECIFIED, "dishonest");
  AddHit(r, "CAP", v1::SEVERITY_HIGH, -30, v1::OUTCOME_REVIEW, "dishonest");
  AddHit(r, "BAD", v1::SEVERITY_BLOCK, -60, v1::OUTCOME_REJECT, "", /*errored=*/true);
  AddHit(r, "REJ2", v1::SEVERITY_HIGH, -40, v1::OUTCOME_REJECT);
  AddHit(r, "REJ1", v1::SEVERITY_BLOCK, -10, v1::OUTCOME_REJECT);
  for (const char* code : {"M1", "M2"}) r.add_reasons()->set_code(code);
  return r;
}

std::vector<std::string> Codes(const v1::ScoreResponse& r) {
  return {r.decision().reason_codes().begin(), r.decision().reason_codes().end()};
}

TEST(FinishReasonsTest, RankedAtMostFourAndNeverInfoOrErrored) {
  v1::ScoreResponse r = Rejected();
  FinishReasons({}, &r);
  // The REJECT proposers by severity (BLOCK before HIGH), the cap that set the compliance
  // grade, then the model's first reason: four codes.
  EXPECT_THAT(Codes(r), ElementsAre("REJ1", "REJ2", "CAP", "M1"));
  EXPECT_EQ(r.reasons_size(), 2);

  v1::ExplanationConfig two;
  two.set_max_decision_reasons(2);
  r = Rejected();
  FinishReasons(two, &r);
  EXPECT_THAT(Codes(r), ElementsAre("REJ1", "REJ2"));

  // A REVIEW decided by the model: its reasons, then the other hits (no proposer).
  r = Rejected();
  r.mutable_decision()->set_outcome(v1::OUTCOME_REVIEW);
  r.mutable_compliance()->set_grade("regular");
  FinishReasons({}, &r);
  EXPECT_THAT(Codes(r), ElementsAre("CAP", "M1", "M2", "REJ1"));
}

TEST(FinishReasonsTest, ApprovalsCarryNoReasonsUnlessKeyFactorsAreAsked) {
  v1::ScoreResponse r = Rejected();
  r.mutable_decision()->set_outcome(v1::OUTCOME_APPROVE);
  r.mutable_decision()->add_reason_codes("STALE");
  FinishReasons({}, &r);
  EXPECT_THAT(Codes(r), ElementsAre());
  EXPECT_EQ(r.reasons_size(), 0);

  v1::ExplanationConfig key;
  key.set_key_factors_on_approval(true);
  r = Rejected();
  r.mutable_decision()->set_outcome(v1::OUTCOME_APPROVE);
  FinishReasons(key, &r);
  EXPECT_THAT(Codes(r), ElementsAre());
  ASSERT_EQ(r.reasons_size(), 2);
  for (const auto& reason : r.reasons()) EXPECT_EQ(reason.kind(), v1::REASON_KIND_KEY_FACTOR);
}

}  // namespace
}  // namespace credence::explain
