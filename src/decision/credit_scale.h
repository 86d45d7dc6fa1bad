// Score scaling (points to double the odds) and master-scale grades. See docs/models.md.
#ifndef CREDENCE_DECISION_CREDIT_SCALE_H_
#define CREDENCE_DECISION_CREDIT_SCALE_H_

#include <string>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"

namespace credence::decision {

// score = offset + factor * ln((1 - pd) / pd), factor = pdo / ln 2,
// offset = base_score - factor * ln(base_odds); clamped to [min_score, max_score] when set.
class ScoreScale {
 public:
  // Errors: INVALID_ARGUMENT when base_odds or pdo is not a positive finite number, or
  // min_score > max_score.
  static Result<ScoreScale> Compile(const v1::ScoreScaling& scaling, const std::string& path);
  // The scaled score for a probability of default in [0, 1]. PD 0 and 1 give the clamps
  // (or +/- infinity without them, which callers must treat as missing).
  double Score(double pd) const;
  // The score from a margin (log-odds of default): exact for large |margin| where pd
  // rounds to 0 or 1.
  double ScoreFromMargin(double margin) const;

  double factor() const { return factor_; }
  double offset() const { return offset_; }

 private:
  double Clamp(double s) const;
  double factor_ = 0, offset_ = 0;
  bool has_min_ = false, has_max_ = false;
  double min_ = 0, max_ = 0;
};

// A master scale: PD bands best first, each band covering (previous max_pd, max_pd].
class GradeScale {
 public:
  // Errors: INVALID_ARGUMENT for no bands, empty or duplicate grade names, max_pd not
  // strictly increasing within (0, 1], a last band whose max_pd is not 1, a negative limit.
  static Result<GradeScale> Compile(const v1::GradeScale& scale, const std::string& path);
  // The band of `pd` (REQUIRES: 0 <= pd <= 1).
  const v1::GradeBand& Band(double pd) const;
  const std::string& id() const { return id_; }

 private:
  std::string id_;
  std::vector<v1::GradeBand> bands_;
};

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_CREDIT_SCALE_H_
