// Features computed from other values rather than from events: days since registration,
// ratios and growths (docs/features.md, "Derived features"). The formulas take plain
// values, so every evaluator (the batch path here, an online one later) shares them.
#ifndef CREDENCE_FEATURES_DERIVED_H_
#define CREDENCE_FEATURES_DERIVED_H_

#include <optional>
#include <span>

#include "core/time.h"
#include "features/plan_definition.h"

namespace credence::features {

// Days from `registered_at` to `as_of` (fractional; negative when registered later); NaN
// without a registration time.
double DaysSinceRegistration(core::TimeNs as_of, std::optional<core::TimeNs> registered_at);

// REQUIRES: f.kind is kRatio (a / b) or kGrowth (a = current, b = prior). NaN when an input
// is missing; zero denominators and zero priors follow f's policy.
double DerivedValue(const CompiledFeature& f, double a, double b);

// Fills the unwindowed features of `slot_values` (indexed by slot, windowed slots already
// computed): days since registration, then ratios and growths in dependency order.
void EvaluateDerived(const FeatureDefinitions& defs, core::TimeNs as_of,
                     std::optional<core::TimeNs> registered_at, std::span<double> slot_values);

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_DERIVED_H_
