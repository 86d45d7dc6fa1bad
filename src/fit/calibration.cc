// The Jeffreys test. See calibration.h.
#include "fit/calibration.h"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/policies/policy.hpp>
#include <cmath>
#include <string>

namespace credence::fit {

Result<JeffreysResult> JeffreysTest(std::int64_t n, std::int64_t defaults, double pd,
                                    double alpha) {
  if (n < 1 || defaults < 0 || defaults > n) {
    return InvalidArgumentError("Jeffreys test: need n >= 1 and 0 <= defaults <= n, not n = " +
                                std::to_string(n) + ", defaults = " + std::to_string(defaults));
  }
  if (!(pd >= 0 && pd <= 1)) return InvalidArgumentError("Jeffreys test: pd must be in [0, 1]");
  if (!(alpha > 0 && alpha < 1)) {
    return InvalidArgumentError("Jeffreys test: alpha must be in (0, 1)");
  }
  // Errors as values, never exceptions (the build does not rely on them).
  using Policy = boost::math::policies::policy<
      boost::math::policies::domain_error<boost::math::policies::ignore_error>,
      boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
      boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
      boost::math::policies::pole_error<boost::math::policies::ignore_error>,
      boost::math::policies::rounding_error<boost::math::policies::ignore_error>>;
  const boost::math::beta_distribution<double, Policy> posterior(
      static_cast<double>(defaults) + 0.5, static_cast<double>(n - defaults) + 0.5);
  JeffreysResult r;
  r.lower = boost::math::quantile(posterior, alpha / 2);
  r.upper = boost::math::quantile(posterior, 1 - alpha / 2);
  r.p_value = boost::math::cdf(posterior, pd);
  if (!std::isfinite(r.lower) || !std::isfinite(r.upper) || !std::isfinite(r.p_value)) {
    return InternalError("Jeffreys test: the beta distribution could not be evaluated");
  }
  r.under_predicts = pd < r.lower;
  r.over_predicts = pd > r.upper;
  return r;
}

}  // namespace credence::fit
