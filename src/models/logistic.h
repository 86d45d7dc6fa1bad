// Logistic regression over feature values: margin = intercept + sum(coefficient * x).
#ifndef CREDENCE_MODELS_LOGISTIC_H_
#define CREDENCE_MODELS_LOGISTIC_H_

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"

namespace credence::models {

// The output of a model for one feature vector.
struct ModelOutput {
  bool available = false;
  std::string unavailable_reason;  // when !available
  double margin = 0;               // log-odds of default
  double probability = 0;          // of default
  // Per-feature contribution to the margin, indexed like the feature vector (0 for features
  // the model does not read).
  std::vector<double> contributions;
};

// Immutable once compiled; Predict is const and thread-safe.
class LogisticRegression {
 public:
  // `feature_index` maps a feature name to its index in the feature vector (-1 = unknown).
  // Errors: INVALID_ARGUMENT for an unknown feature, a non-finite coefficient, intercept,
  // impute or reference value, or a feature used twice. `path` prefixes field paths.
  static Result<LogisticRegression> Compile(
      const v1::LogisticModel& model, const std::function<int(std::string_view)>& feature_index,
      const std::string& path);

  // Fills `out`. A missing feature (NaN) without an impute value makes the output
  // unavailable, naming the feature.
  void Predict(std::span<const double> features, const std::vector<std::string>& feature_names,
               ModelOutput& out) const;

 private:
  struct Term {
    int feature;
    double coefficient;
    std::optional<double> impute;
    double reference;
  };
  double intercept_ = 0;
  std::vector<Term> terms_;
};

// 1 / (1 + exp(-margin)), accurate for large |margin|.
double Sigmoid(double margin);

}  // namespace credence::models

#endif  // CREDENCE_MODELS_LOGISTIC_H_
