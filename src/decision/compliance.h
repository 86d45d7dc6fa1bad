// The compliance score: 0–100 per dimension from rule points, a weighted composite, a grade,
// and vetoes (grade caps) from rule hits. See docs/rules.md.
#ifndef CREDENCE_DECISION_COMPLIANCE_H_
#define CREDENCE_DECISION_COMPLIANCE_H_

#include <google/protobuf/repeated_field.h>

#include <string>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::decision {

// Immutable once compiled.
class ComplianceScorer {
 public:
  // Errors (INVALID_ARGUMENT, field paths under "compliance"): no weights, a weight that is
  // not a positive finite number, an unspecified or repeated dimension, no grades, grade
  // names empty or repeated, min_score not strictly decreasing, a last grade above 0.
  static Result<ComplianceScorer> Compile(const v1::ComplianceConfig& config);

  // Every dimension with a weight starts at 100; each non-errored hit adds its points to its
  // dimension; each dimension is clamped to [0, 100]. composite = Σ w·score / Σ w. The grade
  // is the first band with composite >= min_score, then lowered to the worst grade cap of any
  // non-errored hit. Hits in dimensions without a weight count toward nothing (they are
  // still reported).
  v1::ComplianceResult Score(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits) const;

  // Grade names, best first.
  const std::vector<std::string>& grades() const { return grade_names_; }

 private:
  std::vector<v1::DimensionWeight> weights_;
  std::vector<v1::ComplianceGradeBand> bands_;
  std::vector<std::string> grade_names_;
};

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_COMPLIANCE_H_
