// Derived features. See derived.h.
#include "features/derived.h"

#include <cmath>
#include <limits>

namespace credence::features {
namespace {

__extension__ typedef __int128 Int128;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Ratio(const CompiledFeature& f, double a, double b) {
  if (f.zero_policy == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED) {
    return (a + f.prior_rate * f.prior_weight) / (b + f.prior_weight);
  }
  if (b != 0) return a / b;
  return f.zero_policy == v1::ZERO_DENOMINATOR_POLICY_ZERO ? 0 : kNaN;
}

double Growth(const CompiledFeature& f, double current, double prior) {
  if (prior != 0) return (current - prior) / std::abs(prior);
  if (f.zero_prior == v1::ZERO_PRIOR_POLICY_ZERO) return 0;
  if (f.zero_prior == v1::ZERO_PRIOR_POLICY_CAP) {
    return current > 0 ? f.cap : (current < 0 ? -f.cap : 0.0);
  }
  return kNaN;
}

}  // namespace

double DaysSinceRegistration(core::TimeNs as_of, std::optional<core::TimeNs> registered_at) {
  if (!registered_at) return kNaN;
  return static_cast<double>(static_cast<Int128>(as_of) - *registered_at) /
         static_cast<double>(core::kNanosPerDay);
}

double DerivedValue(const CompiledFeature& f, double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  return f.kind == Kind::kRatio ? Ratio(f, a, b) : Growth(f, a, b);
}

void EvaluateDerived(const FeatureDefinitions& defs, core::TimeNs as_of,
                     std::optional<core::TimeNs> registered_at, std::span<double> slot_values) {
  for (std::size_t s = 0; s < defs.names.size(); ++s) {
    if (defs.features[s].kind == Kind::kDaysSinceRegistration && registered_at) {
      slot_values[s] = DaysSinceRegistration(as_of, registered_at);
    }
  }
  for (int idx : defs.derived_order) {
    const CompiledFeature& f = defs.features[static_cast<std::size_t>(idx)];
    slot_values[static_cast<std::size_t>(idx)] = DerivedValue(
        f, slot_values[static_cast<std::size_t>(f.a)], slot_values[static_cast<std::size_t>(f.b)]);
  }
}

}  // namespace credence::features
