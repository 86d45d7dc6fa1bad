// The outcome of screening one event. See screening_policy.h.
#include "decision/screening_policy.h"

#include <algorithm>
#include <cmath>

namespace credence::decision {

v1::ScreenOutcome ScreenOutcomeOf(v1::Outcome outcome) {
  switch (outcome) {
    case v1::OUTCOME_APPROVE:
      return v1::SCREEN_OUTCOME_ALLOW;
    case v1::OUTCOME_REVIEW:
      return v1::SCREEN_OUTCOME_REVIEW;
    case v1::OUTCOME_REJECT:
      return v1::SCREEN_OUTCOME_BLOCK;
    default:
      return v1::SCREEN_OUTCOME_UNSPECIFIED;
  }
}

Result<ScreeningPolicy> ScreeningPolicy::Compile(const v1::ScreeningPolicy& policy,
                                                 const std::string& path) {
  auto at = [&](const char* field) { return SourceLocation{.field_path = path + "." + field}; };
  ScreeningPolicy out;
  for (auto [value, field] : {std::pair{policy.review_points(), "review_points"},
                              std::pair{policy.block_points(), "block_points"}}) {
    if (!std::isfinite(value) || value < 0) {
      return InvalidArgumentError(std::string(field) + " must be a finite number >= 0 (0: unused)",
                                  at(field));
    }
  }
  if (policy.review_points() > 0 && policy.block_points() > 0 &&
      policy.review_points() > policy.block_points()) {
    return InvalidArgumentError("review_points must not be above block_points",
                                at("review_points"));
  }
  out.review_points_ = policy.review_points();
  out.block_points_ = policy.block_points();
  if (policy.has_allowed_lateness()) {
    const auto& d = policy.allowed_lateness();
    // Seconds beyond a year are refused before multiplying, so nothing overflows.
    const bool in_range = d.seconds() >= 0 && d.seconds() <= kMaxLateness / 1'000'000'000 &&
                          d.nanos() >= 0 && d.nanos() < 1'000'000'000;
    const std::int64_t ns = in_range ? d.seconds() * 1'000'000'000 + d.nanos() : -1;
    if (!in_range || ns > kMaxLateness) {
      return InvalidArgumentError("allowed_lateness must be between 0 and 365 days",
                                  at("allowed_lateness"));
    }
    out.lateness_ = static_cast<std::int64_t>(ns);
  }
  if (!v1::Outcome_IsValid(policy.errored_rule_outcome())) {
    return InvalidArgumentError("unknown errored_rule_outcome", at("errored_rule_outcome"));
  }
  out.errored_ = ScreenOutcomeOf(policy.errored_rule_outcome());
  return out;
}

void ScreeningPolicy::Decide(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
                             v1::ScreenResponse* out) const {
  v1::ScreenOutcome outcome = v1::SCREEN_OUTCOME_ALLOW;
  std::string source = "default";
  auto propose = [&](v1::ScreenOutcome o, const std::string& from) {
    if (o > outcome) {
      outcome = o;
      source = from;
    }
  };
  double points = 0;
  for (const v1::RuleHit& h : hits) {
    const std::string from = "rule:" + h.rule_set() + "/" + h.rule_id();
    if (h.errored()) {
      if (errored_ != v1::SCREEN_OUTCOME_UNSPECIFIED) propose(errored_, from);
      continue;
    }
    points += h.points();
    propose(ScreenOutcomeOf(h.outcome()), from);
    if (!h.reason_code().empty() &&
        std::find(out->reason_codes().begin(), out->reason_codes().end(), h.reason_code()) ==
            out->reason_codes().end()) {
      out->add_reason_codes(h.reason_code());
    }
  }
  if (block_points_ > 0 && points >= block_points_) propose(v1::SCREEN_OUTCOME_BLOCK, "points");
  if (review_points_ > 0 && points >= review_points_) propose(v1::SCREEN_OUTCOME_REVIEW, "points");
  out->set_outcome(outcome);
  out->set_decided_by(source);
  out->set_points(points);
}

}  // namespace credence::decision
