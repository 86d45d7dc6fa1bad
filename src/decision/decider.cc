// The decision from proposals: strictest wins, limits. See decider.h.
#include "decision/decider.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace credence::decision {

v1::Outcome OutcomeFromName(std::string_view name) {
  if (name == "APPROVE") return v1::OUTCOME_APPROVE;
  if (name == "REVIEW") return v1::OUTCOME_REVIEW;
  if (name == "REJECT") return v1::OUTCOME_REJECT;
  return v1::OUTCOME_UNSPECIFIED;
}

Decider::Decider(std::string_view base_currency, int base_exponent)
    : base_currency_(base_currency), base_exponent_(base_exponent) {}

void Decider::Propose(v1::Outcome outcome, Source from, std::string source) {
  proposals_.push_back({outcome, from, std::move(source)});
}

std::int64_t Decider::ToMinor(double major) const {
  constexpr double kMaxMinor = 9007199254740992.0;  // 2^53
  double scale = 1;
  for (int k = 0; k < base_exponent_; ++k) scale *= 10;
  if (!(major > 0)) return 0;  // negative, zero or NaN
  const double minor = major * scale;
  return minor >= kMaxMinor ? static_cast<std::int64_t>(kMaxMinor)
                            : static_cast<std::int64_t>(std::llround(minor));
}

void Decider::ProposeTable(std::string_view table_id, v1::Outcome outcome,
                           std::optional<double> limit_major) {
  Propose(outcome, Source::kTable, "decision_table:" + std::string(table_id));
  if (limit_major) table_limit_minor_ = ToMinor(*limit_major);
}

void Decider::SetLimitCap(double cap_major) {
  if (!std::isfinite(cap_major)) {
    LimitCapUnavailable();
    return;
  }
  cap_ = Cap::kSet;
  cap_minor_ = ToMinor(cap_major);
}

void Decider::LimitCapUnavailable() { cap_ = Cap::kUnavailable; }

void Decider::ProposeTableError(std::string_view table_id) {
  Propose(v1::OUTCOME_REVIEW, Source::kTable, "decision_table:" + std::string(table_id));
}

void Decider::ProposeRule(const v1::RuleHit& hit) {
  if (hit.errored() || hit.outcome() == v1::OUTCOME_UNSPECIFIED) return;
  Propose(hit.outcome(), Source::kRule, "rule:" + hit.rule_set() + "/" + hit.rule_id());
}

void Decider::ProposeGrade(std::string_view scale_id, const v1::GradeBand& band) {
  Propose(band.outcome() == v1::OUTCOME_UNSPECIFIED ? v1::OUTCOME_REVIEW : band.outcome(),
          Source::kGrade, "grade_scale:" + std::string(scale_id) + "/" + band.grade());
  band_limit_minor_ = band.limit_minor_units();
}

void Decider::ProposeCreditUnavailable() {
  Propose(v1::OUTCOME_REVIEW, Source::kGrade, "credit_unavailable");
}

void Decider::Decide(v1::Decision* decision) const {
  const Proposal* chosen = nullptr;
  for (const Proposal& p : proposals_) {
    if (chosen == nullptr || p.outcome > chosen->outcome ||
        (p.outcome == chosen->outcome && p.from < chosen->from)) {
      chosen = &p;
    }
  }
  if (chosen == nullptr) {
    decision->set_outcome(v1::OUTCOME_REVIEW);
    decision->set_source("no_decision");
    return;
  }
  decision->set_outcome(chosen->outcome);
  decision->set_source(chosen->source);
  std::int64_t limit = table_limit_minor_.value_or(band_limit_minor_);
  if (chosen->outcome != v1::OUTCOME_APPROVE) return;
  if (cap_ == Cap::kUnavailable) limit = 0;
  if (cap_ == Cap::kSet) {
    decision->mutable_limit_cap()->set_currency_code(base_currency_);
    decision->mutable_limit_cap()->set_minor_units(cap_minor_);
    if (limit > cap_minor_) {
      limit = cap_minor_;
      decision->set_limit_capped(true);
    }
  }
  if (limit > 0) {
    decision->mutable_limit()->set_currency_code(base_currency_);
    decision->mutable_limit()->set_minor_units(limit);
  }
}

}  // namespace credence::decision
