// Decider: the decision of one request from the outcomes its sources propose. Every source
// proposes an outcome and the strictest wins (REJECT > REVIEW > APPROVE); among equals the
// first in this order: the deciding table, rule hits with an outcome (in hit order), the
// credit grade band (or REVIEW when the credit model produced no PD). Without proposals the
// decision is REVIEW from "no_decision". The limit is the deciding table's `limit` output
// when it gives one, else the grade band's, never above the bundle's limit cap (a limit
// policy) when it has one; it is given only when the decision is APPROVE and the limit is
// above zero. The rules are documented in docs/rule_sets.md ("The decision").
//
//   decision::Decider decider("CNY", 2);
//   decider.ProposeTable("policy", v1::OUTCOME_APPROVE, 250000.0);
//   for (const v1::RuleHit& h : response.rule_hits()) decider.ProposeRule(h);
//   decider.ProposeGrade("master", band);
//   decider.Decide(response.mutable_decision());
#ifndef CREDENCE_DECISION_DECIDER_H_
#define CREDENCE_DECISION_DECIDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::decision {

// "APPROVE", "REVIEW", "REJECT" (a decision table's outcome output); anything else is
// OUTCOME_UNSPECIFIED.
v1::Outcome OutcomeFromName(std::string_view name);

// Collects the proposals of one request. Thread-compatible: one per request.
class Decider {
 public:
  // Limits are money of `base_currency`, whose minor unit is 10^-base_exponent.
  Decider(std::string_view base_currency, int base_exponent);

  // The deciding table's outcome and, when the table has a `limit` output, that limit in
  // major units of the base currency (negative counts as 0; rounded to the nearest minor
  // unit, halves away from zero). A table limit replaces the grade band's.
  void ProposeTable(std::string_view table_id, v1::Outcome outcome,
                    std::optional<double> limit_major);
  // The deciding table could not decide (an errored result): REVIEW.
  void ProposeTableError(std::string_view table_id);
  // A rule hit proposes its outcome unless it errored or names no outcome.
  void ProposeRule(const v1::RuleHit& hit);
  // The credit grade band of `scale_id`: its outcome (REVIEW when it names none) and its
  // limit in minor units.
  void ProposeGrade(std::string_view scale_id, const v1::GradeBand& band);
  // The credit model produced no PD: REVIEW from "credit_unavailable".
  void ProposeCreditUnavailable();
  // The limit policy's cap for this request, in major units (converted like a table limit);
  // the limit is never above it. A non-finite cap counts as one that could not be evaluated.
  void SetLimitCap(double cap_major);
  // The bundle has a limit cap that could not be evaluated: no limit is given.
  void LimitCapUnavailable();

  // Sets the outcome, source and limit of `decision`; leaves its reason codes alone.
  void Decide(v1::Decision* decision) const;

 private:
  // Precedence among equal outcomes: lower first, then the order of proposal.
  enum class Source : int { kTable = 0, kRule = 1, kGrade = 2 };
  struct Proposal {
    v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
    Source from = Source::kTable;
    std::string source;
  };
  void Propose(v1::Outcome outcome, Source from, std::string source);
  // Major units to minor units: negative and NaN count as 0, +inf and values above 2^53
  // minor units as 2^53.
  std::int64_t ToMinor(double major) const;

  std::string base_currency_;
  int base_exponent_;
  std::vector<Proposal> proposals_;
  std::optional<std::int64_t> table_limit_minor_;
  std::int64_t band_limit_minor_ = 0;
  enum class Cap { kNone, kSet, kUnavailable };
  Cap cap_ = Cap::kNone;
  std::int64_t cap_minor_ = 0;
};

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_DECIDER_H_
