#include "models/logistic.h"

#include <algorithm>
#include <cmath>
#include <limits>
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
    Term term{.feature = index,
              .coefficient = t.coefficient(),
              .impute = t.has_impute() ? std::optional<double>(t.impute()) : std::nullopt,
              .reference = t.reference()};
    if (t.has_transform()) {
      const v1::TermTransform& tr = t.transform();
      const std::string xp = tp + ".transform";
      if (tr.has_cap_lower()) {
        if (!std::isfinite(tr.cap_lower())) {
          return InvalidArgumentError("cap_lower must be finite",
                                      {.field_path = xp + ".cap_lower"});
        }
        term.cap_lower = tr.cap_lower();
      }
      if (tr.has_cap_upper()) {
        if (!std::isfinite(tr.cap_upper())) {
          return InvalidArgumentError("cap_upper must be finite",
                                      {.field_path = xp + ".cap_upper"});
        }
        term.cap_upper = tr.cap_upper();
      }
      if (term.cap_lower && term.cap_upper && *term.cap_lower > *term.cap_upper) {
        return InvalidArgumentError("cap_lower is greater than cap_upper",
                                    {.field_path = xp + ".cap_lower"});
      }
      if (tr.has_standardize()) {
        const v1::Standardize& z = tr.standardize();
        if (!std::isfinite(z.mean())) {
          return InvalidArgumentError("standardize.mean must be finite",
                                      {.field_path = xp + ".standardize.mean"});
        }
        if (!(std::isfinite(z.stddev()) && z.stddev() > 0)) {
          return InvalidArgumentError("standardize.stddev must be a positive finite number",
                                      {.field_path = xp + ".standardize.stddev"});
        }
        term.standardize = true;
        term.mean = z.mean();
        term.stddev = z.stddev();
      } else if (tr.has_woe()) {
        const v1::WoeBinning& w = tr.woe();
        const std::string wp = xp + ".woe";
        std::vector<PlacedInterval> placed;
        for (int b = 0; b < w.bins_size(); ++b) {
          const std::string bp = wp + ".bins[" + std::to_string(b) + "]";
          CREDENCE_ASSIGN_OR_RETURN(NumericInterval iv,
                                    CompileInterval(w.bins(b).interval(), bp + ".interval"));
          if (!std::isfinite(w.bins(b).woe())) {
            return InvalidArgumentError("woe must be finite", {.field_path = bp + ".woe"});
          }
          placed.push_back({iv, bp + ".interval"});
          term.bins.push_back({iv, w.bins(b).woe()});
        }
        CREDENCE_RETURN_IF_ERROR(CheckIntervals(placed, /*require_cover=*/true, wp + ".bins"));
        if (w.has_missing_woe()) {
          if (!std::isfinite(w.missing_woe())) {
            return InvalidArgumentError("missing_woe must be finite",
                                        {.field_path = wp + ".missing_woe"});
          }
          term.missing_woe = w.missing_woe();
        }
        std::sort(term.bins.begin(), term.bins.end(), [](const Bin& a, const Bin& b) {
          if (a.interval.lower != b.interval.lower) return a.interval.lower < b.interval.lower;
          return a.interval.lower_closed && !b.interval.lower_closed;
        });
      }
    }
    out.terms_.push_back(std::move(term));
  }
  return out;
}

double LogisticRegression::Transform(const Term& t, double x) {
  if (t.cap_lower) x = std::max(x, *t.cap_lower);
  if (t.cap_upper) x = std::min(x, *t.cap_upper);
  if (t.standardize) return (x - t.mean) / t.stddev;
  if (!t.bins.empty()) {
    // Bins are sorted, disjoint and cover every number: the last bin starting at or below x.
    auto it = std::upper_bound(t.bins.begin(), t.bins.end(), x, [](double v, const Bin& b) {
      return v < b.interval.lower || (v == b.interval.lower && !b.interval.lower_closed);
    });
    if (it == t.bins.begin() || !std::prev(it)->interval.Contains(x)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return std::prev(it)->woe;
  }
  return x;
}

double LogisticRegression::TransformedValue(std::size_t i, double raw) const {
  const Term& t = terms_[i];
  if (std::isnan(raw)) {
    if (t.impute) return Transform(t, *t.impute);
    if (t.missing_woe) return *t.missing_woe;
    return std::numeric_limits<double>::quiet_NaN();
  }
  return Transform(t, raw);
}

void LogisticRegression::Predict(std::span<const double> features,
                                 const std::vector<std::string>& feature_names,
                                 ModelOutput& out) const {
  out.contributions.assign(features.size(), 0.0);
  double margin = intercept_;
  for (const Term& t : terms_) {
    double x = features[static_cast<std::size_t>(t.feature)];
    if (std::isnan(x)) {
      if (t.impute) {
        x = Transform(t, *t.impute);
      } else if (t.missing_woe) {
        x = *t.missing_woe;
      } else {
        out.available = false;
        out.unavailable_reason = "feature '" + feature_names[static_cast<std::size_t>(t.feature)] +
                                 "' is missing and the model has no impute value for it";
        out.contributions.assign(features.size(), 0.0);
        return;
      }
    } else {
      x = Transform(t, x);
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
