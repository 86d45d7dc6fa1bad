// Logistic regression over feature values: margin = intercept + sum(coefficient * x).
#ifndef CREDENCE_MODELS_LOGISTIC_H_
#define CREDENCE_MODELS_LOGISTIC_H_

#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "models/interval.h"

namespace credence::models {

// A reason a model names itself (scorecards: one per characteristic), for explanations that
// are not simply "per feature". The views point into the compiled model and stay valid while
// it lives.
struct ReasonCandidate {
  std::string_view code;   // the attribute's or characteristic's reason code; may be empty
  std::string_view input;  // the bundle feature or enterprise field the characteristic reads
  double value = 0;        // the numeric input (NaN when missing or a string input)
  // Adverse weight: positive pushes toward default. Scorecards: points below (or above) the
  // baseline, divided by the scaling factor when the scorecard has a scaling (so it is in
  // log-odds of default like other models' contributions).
  double weight = 0;
  // The characteristic's reason_threshold (NaN when it has none).
  double reason_threshold = std::numeric_limits<double>::quiet_NaN();
};

// The output of a model for one feature vector.
struct ModelOutput {
  bool available = false;
  std::string unavailable_reason;  // when !available
  double margin = 0;               // log-odds of default (scorecards without scaling: NaN)
  double probability = 0;          // of default (scorecards without scaling: NaN)
  // Per-feature contribution to the margin, indexed like the feature vector (0 for features
  // the model does not read).
  std::vector<double> contributions;
  // Scorecards only: total points, and the partial score of each characteristic in order.
  double points = 0;
  std::vector<double> partial_scores;
  // Scorecards only (empty otherwise): one candidate per characteristic, in order, for
  // ranking reasons by points below baseline (see explain::ReasonCatalog).
  std::vector<ReasonCandidate> reason_candidates;
};

// Immutable once compiled; Predict is const and thread-safe.
class LogisticRegression {
 public:
  // `feature_index` maps a feature name to its index in the feature vector (-1 = unknown).
  // Errors: INVALID_ARGUMENT for an unknown feature, a non-finite coefficient, intercept,
  // impute or reference value, or a feature used twice; for a transform: a non-finite cap,
  // cap_lower > cap_upper, a standardisation with a non-finite mean or stddev <= 0, a WoE
  // binning with no bins, bins that overlap or leave numbers uncovered, an empty interval,
  // a non-finite WoE. `path` prefixes field paths.
  static Result<LogisticRegression> Compile(
      const v1::LogisticModel& model, const std::function<int(std::string_view)>& feature_index,
      const std::string& path);

  // The transformed value of term `i` for a raw feature value (NaN = missing), as Predict
  // computes it; NaN when the term cannot be evaluated. For tests and tools.
  double TransformedValue(std::size_t i, double raw) const;
  std::size_t term_count() const { return terms_.size(); }

  // Fills `out`. Each term: a missing value (NaN) takes `impute`; then the value is capped to
  // [cap_lower, cap_upper]; then replaced by the WoE of its bin or standardised. A missing
  // value without impute takes the binning's missing_woe, or else makes the output
  // unavailable, naming the feature. contribution = coefficient * (transformed - reference).
  // The margin is intercept + sum(coefficient * transformed).
  void Predict(std::span<const double> features, const std::vector<std::string>& feature_names,
               ModelOutput& out) const;

 private:
  struct Bin {
    NumericInterval interval;
    double woe;
  };
  struct Term {
    int feature;
    double coefficient;
    std::optional<double> impute;
    double reference;
    std::optional<double> cap_lower, cap_upper;
    // At most one of: WoE bins (sorted by lower bound), standardisation.
    std::vector<Bin> bins;
    std::optional<double> missing_woe;
    bool standardize = false;
    double mean = 0, stddev = 1;
  };
  // The transformed value of `x` (not missing after imputation); NaN if `x` falls in no bin
  // (cannot happen: bins cover every number).
  static double Transform(const Term& t, double x);
  double intercept_ = 0;
  std::vector<Term> terms_;
};

// 1 / (1 + exp(-margin)), accurate for large |margin|.
double Sigmoid(double margin);

}  // namespace credence::models

#endif  // CREDENCE_MODELS_LOGISTIC_H_
