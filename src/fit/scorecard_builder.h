// Turns a logistic model on WoE features into a points scorecard (PMML semantics, see
// proto/credence/v1/bundle.proto) and into the equivalent v1::LogisticModel with WoE
// transforms.
//
// Scaling (points to double the odds): factor = pdo / ln 2, offset = base_score -
// factor * ln(base_odds). The model gives margin = alpha + sum_j beta_j WoE_j = ln(bad:good
// odds), and score = offset + factor * ln(good:bad odds) = offset - factor * margin, spread
// over the n characteristics:
//
//   points(attribute of j) = -(beta_j * WoE + alpha / n) * factor + offset / n
//
// With WoE = ln(%good / %bad), a fitted beta_j is normally negative, so higher points mean
// lower risk. initial_score is 0; `scaling` is set so that the sum of the points maps back to
// PD = 1 / (1 + exp((points - offset) / factor)), exactly when points are not rounded and
// within n/2 points (rounding half away from zero) when they are.
//
// Attributes: `missing` first; then intervals [lower, upper) for a numeric feature, or one
// CategorySet per categorical bin (the "other" bin's training categories included) followed
// by an `otherwise` attribute with the other bin's points for unseen categories.
//
// Each characteristic's baseline_score is its highest partial score (the best attribute),
// and reason codes use POINTS_BELOW, so an adverse reason's weight is the points lost
// against the best attribute. The reason code of a characteristic is its name.
#ifndef CREDENCE_FIT_SCORECARD_BUILDER_H_
#define CREDENCE_FIT_SCORECARD_BUILDER_H_

#include <span>
#include <string>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "fit/binning.h"

namespace credence::fit {

struct ScalingOptions {
  double base_score = 600;    // finite
  double base_odds = 50;      // good:bad odds at base_score; > 0
  double pdo = 20;            // > 0
  bool round_points = false;  // round each partial score to an integer
};

// One characteristic. Exactly one of numeric / categorical is set; the binning must outlive
// the call (it is not copied).
struct ScorecardTerm {
  std::string name;  // the feature (numeric) or string column / field (categorical)
  const NumericBinning* numeric = nullptr;
  const CategoricalBinning* categorical = nullptr;
  double coefficient = 0;
};

struct BuiltScorecard {
  v1::Scorecard scorecard;
  // The same model as logistic regression with WoE transforms; only when every term is
  // numeric (WoeBinning has no categorical form).
  bool has_logistic = false;
  v1::LogisticModel logistic;
};

// INVALID_ARGUMENT: no terms, a term with neither or both binnings, non-finite numbers, bad
// scaling options.
Result<BuiltScorecard> BuildScorecard(std::span<const ScorecardTerm> terms, double intercept,
                                      const ScalingOptions& options);

// The PD that total points stand for under `options`' scaling.
double PdFromPoints(double points, const ScalingOptions& options);

// "[1.5, 3)", "(-inf, 2)", "[7, +inf)".
std::string IntervalText(double lower, double upper);

}  // namespace credence::fit

#endif  // CREDENCE_FIT_SCORECARD_BUILDER_H_
