// Trend slopes with Eigen array expressions. See trend_slope.h.
#include "features/trend_slope.h"

#include <Eigen/Core>

namespace credence::features {

double TrendSlope(std::span<const double> y_values) {
  const auto p = static_cast<Eigen::Index>(y_values.size());
  const Eigen::Map<const Eigen::ArrayXd> y(y_values.data(), p);
  const Eigen::ArrayXd dx = Eigen::ArrayXd::LinSpaced(p, 0, static_cast<double>(p - 1)) -
                            static_cast<double>(p - 1) / 2.0;
  return (dx * (y - y.mean())).sum() / dx.square().sum();
}

}  // namespace credence::features
