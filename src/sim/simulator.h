// The history simulator: synthetic cross-border e-commerce enterprises with event histories
// and outcome labels, for developing and testing bundles. The generative model (archetypes,
// rates, seasonality, labels) is documented in docs/simulator.md.
//
// Deterministic: enterprise i of a run with seed S is a pure function of (S, i, options); it
// does not depend on how many enterprises are generated, in which order or on how many
// threads. Everything is thread-compatible: Simulate* are free functions without shared state.
#ifndef CREDENCE_SIM_SIMULATOR_H_
#define CREDENCE_SIM_SIMULATOR_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "credence/result.h"
#include "credence/v1/score.pb.h"

namespace credence::sim {

enum class Archetype : int {
  kSteadyExporter = 0,
  kFastGrower = 1,
  kDistressedSeller = 2,
  kTaxRefundFraud = 3,
  kCounterfeitSeller = 4,
  kDormantShell = 5,
};
inline constexpr int kArchetypeCount = 6;

// "steady_exporter", "fast_grower", "distressed_seller", "tax_refund_fraud",
// "counterfeit_seller", "dormant_shell".
std::string_view ArchetypeName(Archetype a) noexcept;

// The population share of each archetype (sums to 1), in Archetype order.
double ArchetypeShare(Archetype a) noexcept;

struct SimOptions {
  std::uint64_t seed = 1;
  // The scoring date of every request, seconds since the epoch (UTC). Histories end here;
  // labels describe the 12 months after it.
  std::int64_t as_of_seconds = 1790812800;  // 2026-10-01T00:00:00Z
  // Days of history before as_of (events are generated from max(registration, as_of - days)).
  // Default: 730. REQUIRES: 30 <= history_days <= 3650.
  int history_days = 730;
  // > 0: every enterprise's base order rate (orders per day before seasonality and growth),
  // replacing the drawn size; used by benchmarks to produce histories of a given length.
  double orders_per_day = 0;
  // When set, every enterprise has this archetype instead of a draw from the mix.
  bool force_archetype = false;
  Archetype archetype = Archetype::kSteadyExporter;
  // Scales the latent risk's effect on the outcomes: the odds of default and of a violation
  // are multiplied by this factor (ln F is added to both log-odds) while histories stay the
  // same, so a model fitted at F = 1 under-predicts a population drawn at F > 1. Each label
  // uses the same random draw whatever F is, so raising F only turns goods into bads.
  // Default 1 (no shift). REQUIRES: 0.01 <= risk_shift <= 100.
  double risk_shift = 1.0;
};

struct Labels {
  bool default_12m = false;    // defaulted on financing (90+ days past due) within 12 months
  bool violation_12m = false;  // a serious compliance violation within 12 months
  bool bad() const noexcept { return default_12m || violation_12m; }
};

struct SimulatedEnterprise {
  v1::ScoreRequest request;
  Archetype archetype = Archetype::kSteadyExporter;
  // The latent risk in (0, 1) that drives both the history and the labels.
  double latent_risk = 0;
  // The probabilities the labels were drawn from.
  double p_default = 0, p_violation = 0;
  Labels labels;
};

// Validates options: INVALID_ARGUMENT naming the field.
Status ValidateOptions(const SimOptions& options);

// Enterprise `index` of the run described by `options` (REQUIRES: ValidateOptions is OK).
SimulatedEnterprise SimulateEnterprise(const SimOptions& options, std::uint64_t index);

// The base-currency (CNY) conversion rates the simulator writes into every request:
// one unit of the currency in CNY, as a decimal string.
struct SimFxRate {
  const char* currency;
  const char* rate;
};
std::span<const SimFxRate> SimulatedFxRates() noexcept;

// "request_id,enterprise_id,archetype,default_12m,violation_12m,bad"
inline constexpr std::string_view kLabelsHeader =
    "request_id,enterprise_id,archetype,default_12m,violation_12m,bad";
// One CSV row (no newline) in kLabelsHeader's columns.
std::string LabelsCsvRow(const SimulatedEnterprise& e);

}  // namespace credence::sim

#endif  // CREDENCE_SIM_SIMULATOR_H_
