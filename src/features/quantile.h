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

// R type 7 quantile of `x` (non-empty) by selection, O(n): the i-th and (i+1)-th order
// statistics with i = floor((n - 1) q). Reorders `x` (keeps its values), so several
// quantiles can select on the same array one after the other.
inline double Quantile7(std::vector<double>& x, double q) {
  const double h = static_cast<double>(x.size() - 1) * q;
  const double lo = std::floor(h);
  const auto i = static_cast<std::size_t>(lo);
  const auto at = x.begin() + static_cast<std::ptrdiff_t>(i);
  std::nth_element(x.begin(), at, x.end());
  if (i + 1 >= x.size()) return *at;
  const double next = *std::min_element(at + 1, x.end());
  return *at + (h - lo) * (next - *at);
}

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_QUANTILE_H_
