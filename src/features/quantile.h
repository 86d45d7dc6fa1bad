// Sample quantiles as features define them (R type 7), shared by compile-time checks and
// every evaluator.
#ifndef CREDENCE_FEATURES_QUANTILE_H_
#define CREDENCE_FEATURES_QUANTILE_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace credence::features {

// A quantile level a feature may ask for: finite, in [0, 1].
inline bool ValidQuantile(double q) { return std::isfinite(q) && q >= 0 && q <= 1; }

// Where the R type 7 quantile q of n (> 0) sorted values lies: between order statistics i
// and i + 1 (0-based), `frac` of the way; `last` when i is the largest (no i + 1).
struct QuantileRank {
  std::size_t i = 0;
  double frac = 0;
  bool last = false;
};
inline QuantileRank Rank7(std::size_t n, double q) {
  const double h = static_cast<double>(n - 1) * q;
  const double lo = std::floor(h);
  const auto i = static_cast<std::size_t>(lo);
  return {i, h - lo, i + 1 >= n};
}
// The quantile from its order statistics x_i and x_{i+1} (every evaluator uses this formula,
// so the batch and online paths agree bit for bit).
inline double Interpolate7(double x_i, double next, double frac) {
  return x_i + frac * (next - x_i);
}

// R type 7 quantile of `x` (non-empty) by selection, O(n): the i-th and (i+1)-th order
// statistics with i = floor((n - 1) q). Reorders `x` (keeps its values), so several
// quantiles can select on the same array one after the other.
inline double Quantile7(std::vector<double>& x, double q) {
  const QuantileRank r = Rank7(x.size(), q);
  const auto at = x.begin() + static_cast<std::ptrdiff_t>(r.i);
  std::nth_element(x.begin(), at, x.end());
  if (r.last) return *at;
  return Interpolate7(*at, *std::min_element(at + 1, x.end()), r.frac);
}

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_QUANTILE_H_
