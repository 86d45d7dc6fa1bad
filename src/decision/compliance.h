// The compliance score and grade policy: 0–100 per dimension from rule points (and the class
// points of dishonest information), a weighted composite, a grade, and grade caps
// (triggers). With a GradePolicy, statutory grades ("dishonest", "seriously_dishonest") are
// reached only through a trigger — a rule hit's grade cap or an active piece of dishonest
// information (customs/lifecycle.h) — and a composite that would fall into one leaves the
// enterprise at the worst non-statutory grade on watch. The result names every trigger in
// force and reconciles the grade with the official customs grade when the request gives one.
// See docs/rule_sets.md ("The compliance score") and docs/compliance.md.
#ifndef CREDENCE_DECISION_COMPLIANCE_H_
#define CREDENCE_DECISION_COMPLIANCE_H_

#include <google/protobuf/repeated_field.h>
#include <google/protobuf/timestamp.pb.h>

#include <span>
#include <string>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/customs.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::decision {

// What the grade policy reads besides the rule hits.
struct ComplianceFacts {
  // The dishonest information of the history at as_of (CreditLifecycle::Evaluate).
  std::span<const v1::CreditInformation> information;
  // The enterprise's official customs grade, or null.
  const v1::CustomsGrade* official = nullptr;
  google::protobuf::Timestamp as_of;
};

// Immutable once compiled.
class ComplianceScorer {
 public:
  // Errors (INVALID_ARGUMENT, field paths under "compliance"): no weights, a weight that is
  // not a positive finite number, an unspecified or repeated dimension, no grades, grade
  // names empty or repeated, min_score not strictly decreasing, a last grade above 0; a
  // statutory grade that is unknown, repeated or not among the last grades, or no grade
  // left for the composite; watch_reasons outside [0, 64].
  static Result<ComplianceScorer> Compile(const v1::ComplianceConfig& config);

  // Every dimension with a weight starts at 100; each non-errored hit adds its points to its
  // dimension, and so does every ACTIVE piece of information; each dimension is clamped to
  // [0, 100]. composite = Σ w·score / Σ w. The points grade is the first band with composite
  // >= min_score; a statutory points grade becomes the worst non-statutory grade, on watch.
  // The grade is then lowered to the worst cap among non-errored hits and active
  // information. Hits in dimensions without a weight count toward nothing (they are still
  // reported).
  v1::ComplianceResult Score(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
                             const ComplianceFacts& facts) const;
  v1::ComplianceResult Score(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits) const {
    return Score(hits, ComplianceFacts{});
  }

  // Grade names, best first.
  const std::vector<std::string>& grades() const { return grade_names_; }

 private:
  Status CompilePolicy(const v1::GradePolicy& policy);
  double ScoreDimensions(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
                         const ComplianceFacts& facts, v1::ComplianceResult& result) const;
  void ApplyWatch(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
                  const ComplianceFacts& facts, v1::ComplianceResult& result) const;
  std::size_t ApplyTriggers(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
                            const ComplianceFacts& facts, std::size_t points_grade,
                            v1::ComplianceResult& result) const;
  void Reconcile(const ComplianceFacts& facts, std::size_t points_grade,
                 v1::ComplianceResult& result) const;
  void ExplainLenient(const ComplianceFacts& facts, std::size_t want,
                      const v1::ComplianceResult& result, v1::OfficialGradeCheck& check) const;
  std::size_t Index(const std::string& grade) const;  // grade_names_.size() when unknown

  std::vector<v1::DimensionWeight> weights_;
  std::vector<v1::ComplianceGradeBand> bands_;
  std::vector<std::string> grade_names_;
  std::size_t first_statutory_ = 0;  // index of the first statutory grade; size() = none
  int watch_reasons_ = 4;
};

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_COMPLIANCE_H_
