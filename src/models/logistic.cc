#include "models/logistic.h"

#include <cmath>
#include <unordered_set>

namespace credence::models {

double Sigmoid(double margin) {
  if (margin >= 0) return 1.0 / (1.0 + std::exp(-margin));
  const double e = std::exp(margin);
  return e / (1.0 + e);
}

Result<LogisticRegression> LogisticRegression::Compile(
    const v1::LogisticModel& model, const std::function<int(std::string_view)>& feature_index,
    const std::string& path) {
  LogisticRegression out;
  if (!std::isfinite(model.intercept())) {
    return InvalidArgumentError("intercept must be finite", {.field_path = path + ".intercept"});
  }
  out.intercept_ = model.intercept();
  std::unordered_set<int> seen;
  for (int i = 0; i < model.terms_size(); ++i) {
    const v1::LogisticTerm& t = model.terms(i);
    const std::string tp = path + ".terms[" + std::to_string(i) + "]";
    const int index = feature_index(t.feature());
    if (index < 0) {
      return InvalidArgumentError("unknown feature '" + t.feature() + "'",
                                  {.field_path = tp + ".feature"});
    }
    if (!seen.insert(index).second) {
      return InvalidArgumentError("feature '" + t.feature() + "' appears in two terms",
                                  {.field_path = tp + ".feature"});
    }
    if (!std::isfinite(t.coefficient()) || !std::isfinite(t.reference()) ||
        (t.has_impute() && !std::isfinite(t.impute()))) {
      return InvalidArgumentError("coefficient, reference and impute must be finite",
                                  {.field_path = tp});
    }
    out.terms_.push_back({index, t.coefficient(),
                          t.has_impute() ? std::optional<double>(t.impute()) : std::nullopt,
                          t.reference()});
  }
  return out;
}

void LogisticRegression::Predict(std::span<const double> features,
                                 const std::vector<std::string>& feature_names,
                                 ModelOutput& out) const {
  out.contributions.assign(features.size(), 0.0);
  double margin = intercept_;
  for (const Term& t : terms_) {
    double x = features[static_cast<std::size_t>(t.feature)];
    if (std::isnan(x)) {
      if (!t.impute) {
        out.available = false;
        out.unavailable_reason = "feature '" + feature_names[static_cast<std::size_t>(t.feature)] +
                                 "' is missing and the model has no impute value for it";
        out.contributions.assign(features.size(), 0.0);
        return;
      }
      x = *t.impute;
    }
    margin += t.coefficient * x;
    out.contributions[static_cast<std::size_t>(t.feature)] = t.coefficient * (x - t.reference);
  }
  out.available = std::isfinite(margin);
  if (!out.available) {
    out.unavailable_reason = "the margin is not finite (a feature value is infinite)";
    return;
  }
  out.margin = margin;
  out.probability = Sigmoid(margin);
}

}  // namespace credence::models
