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
// Each characteristic's baseline_score is chosen by a BaselineMethod (default: NEUTRAL, the
// points at the population's typical value), and reason codes use POINTS_BELOW, so an
// adverse reason's weight is the points lost against the baseline. Characteristics carry no
// reason code of their own (a bundle's reason_codes map their features to codes).
#ifndef CREDENCE_FIT_SCORECARD_BUILDER_H_
#define CREDENCE_FIT_SCORECARD_BUILDER_H_

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "fit/binning.h"

namespace credence::fit {

// How each characteristic's baseline score is chosen (docs/fit.md, "Baselines"). The counts
// are the development rows of each attribute (the binning's statistics).
enum class BaselineMethod {
  kMax,      // the highest partial score (the best attribute)
  kMean,     // the mean partial score over the development rows
  kMedian,   // the median (R type 7) partial score over the development rows
  kNeutral,  // the points of the attribute holding the typical value (see ScorecardTerm)
  kOther,    // the points at ScorecardTerm::baseline_at (neutral where it is NaN)
};

// "max", "mean", "median", "neutral", "other"; nullopt for anything else.
std::optional<BaselineMethod> ParseBaselineMethod(std::string_view name);

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
  // kNeutral, numeric terms: the population's typical value, the median of the non-missing
  // development values. NaN: the bin that holds the median row by the binning's counts.
  // Categorical terms use the bin with the most rows.
  double typical_value = std::numeric_limits<double>::quiet_NaN();
  // kOther, numeric terms: the value whose points are the baseline (it becomes the
  // characteristic's reason_threshold); NaN: as kNeutral.
  double baseline_at = std::numeric_limits<double>::quiet_NaN();
  // The characteristic's reason_threshold under the other methods (NaN: none); `credence
  // fit` gives the development sample's 60th percentile in the risky direction.
  double reason_threshold = std::numeric_limits<double>::quiet_NaN();
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
                                      const ScalingOptions& options,
                                      BaselineMethod baseline = BaselineMethod::kNeutral);

// The PD that total points stand for under `options`' scaling.
double PdFromPoints(double points, const ScalingOptions& options);

// "[1.5, 3)", "(-inf, 2)", "[7, +inf)".
std::string IntervalText(double lower, double upper);

}  // namespace credence::fit

#endif  // CREDENCE_FIT_SCORECARD_BUILDER_H_
