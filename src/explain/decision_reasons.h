// The reasons a decision carries: at most four reason codes, ranked, and none on an approval.
// docs/rule_sets.md ("The decision") gives the ranking; docs/models.md ("Reasons") the rules
// for the model's reasons.
//
//   explain::FinishReasons(bundle.explanation(), response);  // after the decision is made
//
// Stateless and thread-safe.
#ifndef CREDENCE_EXPLAIN_DECISION_REASONS_H_
#define CREDENCE_EXPLAIN_DECISION_REASONS_H_

#include "credence/v1/governance.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::explain {

// The most reason codes a decision carries.
inline constexpr int kMaxDecisionReasons = 4;

// Sets response->decision().reason_codes and settles response->reasons once the outcome is
// known:
//  - APPROVE: no reason codes; the model's reasons are removed, or, with
//    config.key_factors_on_approval, kept and labelled REASON_KIND_KEY_FACTOR.
//  - otherwise, in this order, each code once, at most config.max_decision_reasons (1..4,
//    default 4): the codes of non-errored rule hits that proposed the final outcome; of hits
//    whose grade cap is the final compliance grade; the model's reasons (as ranked); then the
//    other non-errored hits. Within each group of hits: severity, highest first, then points,
//    most negative first, then hit order. Hits of severity INFO or without a code are left
//    out.
void FinishReasons(const v1::ExplanationConfig& config, v1::ScoreResponse* response);

}  // namespace credence::explain

#endif  // CREDENCE_EXPLAIN_DECISION_REASONS_H_
