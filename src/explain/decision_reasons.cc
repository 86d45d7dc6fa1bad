// Reason codes of a decision. See decision_reasons.h.
#include "explain/decision_reasons.h"

#include <algorithm>
#include <string>
#include <vector>

namespace credence::explain {
namespace {

// Rule hits that can be a decision's reason, in hit order.
std::vector<const v1::RuleHit*> Candidates(const v1::ScoreResponse& r) {
  std::vector<const v1::RuleHit*> out;
  for (const v1::RuleHit& h : r.rule_hits()) {
    if (h.errored() || h.reason_code().empty() || h.severity() == v1::SEVERITY_INFO) continue;
    out.push_back(&h);
  }
  std::stable_sort(out.begin(), out.end(), [](const v1::RuleHit* a, const v1::RuleHit* b) {
    if (a->severity() != b->severity()) return a->severity() > b->severity();
    return a->points() < b->points();
  });
  return out;
}

class CodeList {
 public:
  CodeList(int max, v1::Decision* decision) : max_(max), decision_(decision) {}
  void Add(const std::string& code) {
    if (decision_->reason_codes_size() >= max_) return;
    const auto& codes = decision_->reason_codes();
    if (std::find(codes.begin(), codes.end(), code) != codes.end()) return;
    decision_->add_reason_codes(code);
  }

 private:
  int max_;
  v1::Decision* decision_;
};

}  // namespace

void FinishReasons(const v1::ExplanationConfig& config, v1::ScoreResponse* response) {
  v1::Decision* decision = response->mutable_decision();
  decision->clear_reason_codes();
  if (decision->outcome() == v1::OUTCOME_APPROVE) {
    if (!config.key_factors_on_approval()) {
      response->clear_reasons();
      return;
    }
    for (v1::Reason& r : *response->mutable_reasons()) r.set_kind(v1::REASON_KIND_KEY_FACTOR);
    return;
  }
  const int max = config.max_decision_reasons() > 0
                      ? std::min(config.max_decision_reasons(), kMaxDecisionReasons)
                      : kMaxDecisionReasons;
  CodeList codes(max, decision);
  const std::vector<const v1::RuleHit*> hits = Candidates(*response);
  const std::string& grade = response->compliance().grade();
  std::vector<bool> used(hits.size(), false);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (hits[i]->outcome() == decision->outcome()) {
      codes.Add(hits[i]->reason_code());
      used[i] = true;
    }
  }
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (!used[i] && !grade.empty() && hits[i]->grade_cap() == grade) {
      codes.Add(hits[i]->reason_code());
      used[i] = true;
    }
  }
  for (const v1::Reason& r : response->reasons()) codes.Add(r.code());
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (!used[i]) codes.Add(hits[i]->reason_code());
  }
}

}  // namespace credence::explain
