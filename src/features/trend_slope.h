// The least-squares slope of per-period totals (docs/features.md, "Trend"), shared by the
// batch and online paths so both compute it with the same operations.
#ifndef CREDENCE_FEATURES_TREND_SLOPE_H_
#define CREDENCE_FEATURES_TREND_SLOPE_H_

#include <span>

namespace credence::features {

// Slope of y_j over x_j = j: Σ (x − x̄)(y − ȳ) / Σ (x − x̄)². REQUIRES: y.size() >= 2.
double TrendSlope(std::span<const double> y);

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_TREND_SLOPE_H_
