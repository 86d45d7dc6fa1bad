// ScreeningPolicy: the outcome of screening one event (ALLOW, REVIEW, BLOCK) from the hits of
// the screening rule sets (Bundle.screening, docs/screening.md, "Outcome"). Every hit with an
// outcome proposes it (APPROVE allows, REVIEW reviews, REJECT blocks); an errored hit
// proposes `errored_rule_outcome` when the policy sets one; the points of the non-errored
// hits add up and the policy's thresholds propose REVIEW or BLOCK. The strictest proposal
// wins; among equals, rule hits in hit order come before the points; ALLOW from "default"
// when nothing proposes more.
//
//   auto policy = ScreeningPolicy::Compile(bundle.screening(), "screening");
//   policy->Decide(response.rule_hits(), &response);  // outcome, decided_by, points, codes
//
// Immutable once compiled; Decide is const and thread-safe.
#ifndef CREDENCE_DECISION_SCREENING_POLICY_H_
#define CREDENCE_DECISION_SCREENING_POLICY_H_

#include <google/protobuf/repeated_field.h>

#include <string>

#include <cstdint>
#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/screen.pb.h"

namespace credence::decision {

// The screening outcome a rule outcome stands for (APPROVE → ALLOW, REVIEW → REVIEW,
// REJECT → BLOCK; UNSPECIFIED stays unspecified).
v1::ScreenOutcome ScreenOutcomeOf(v1::Outcome outcome);

class ScreeningPolicy {
 public:
  // The allowed lateness (nanoseconds) when the policy sets none, and the most it may set.
  static constexpr std::int64_t kNanosPerDay = 86'400'000'000'000;
  static constexpr std::int64_t kDefaultLateness = kNanosPerDay;
  static constexpr std::int64_t kMaxLateness = 365 * kNanosPerDay;

  // Errors (INVALID_ARGUMENT with a field path under `path`): negative or non-finite point
  // thresholds, a review threshold above the block threshold, a negative lateness or one
  // above kMaxLateness, an unknown errored_rule_outcome.
  static Result<ScreeningPolicy> Compile(const v1::ScreeningPolicy& policy,
                                         const std::string& path);

  std::int64_t allowed_lateness() const { return lateness_; }

  // Sets outcome, decided_by, points and reason_codes of `out` from `hits`.
  void Decide(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
              v1::ScreenResponse* out) const;

 private:
  double review_points_ = 0, block_points_ = 0;
  std::int64_t lateness_ = kDefaultLateness;
  v1::ScreenOutcome errored_ = v1::SCREEN_OUTCOME_UNSPECIFIED;
};

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_SCREENING_POLICY_H_
