// The history simulator: the public functions and SimulateEnterprise, which runs the
// generation stages of generation.h in their fixed order. See simulator.h and
// docs/simulator.md (the generative model).
#include "sim/simulator.h"

#include <string>

#include "sim/catalog.h"
#include "sim/event_builder.h"
#include "sim/generation.h"

namespace credence::sim {

std::string_view ArchetypeName(Archetype a) noexcept {
  switch (a) {
    case Archetype::kSteadyExporter:
      return "steady_exporter";
    case Archetype::kFastGrower:
      return "fast_grower";
    case Archetype::kDistressedSeller:
      return "distressed_seller";
    case Archetype::kTaxRefundFraud:
      return "tax_refund_fraud";
    case Archetype::kCounterfeitSeller:
      return "counterfeit_seller";
    case Archetype::kDormantShell:
      return "dormant_shell";
  }
  return "unknown";
}

double ArchetypeShare(Archetype a) noexcept { return kProfiles[static_cast<std::size_t>(a)].share; }

std::span<const SimFxRate> SimulatedFxRates() noexcept { return kFx; }

Status ValidateOptions(const SimOptions& options) {
  if (options.history_days < 30 || options.history_days > 3650) {
    return Status(StatusCode::kInvalidArgument, "history_days must be in [30, 3650]");
  }
  if (!(options.orders_per_day >= 0) || options.orders_per_day > 10000) {
    return Status(StatusCode::kInvalidArgument, "orders_per_day must be in [0, 10000]");
  }
  if (options.as_of_seconds < 0 || options.as_of_seconds > 7'000'000'000) {
    return Status(StatusCode::kInvalidArgument, "as_of must be between 1970 and 2191");
  }
  if (!(options.risk_shift >= 0.01 && options.risk_shift <= 100)) {
    return Status(StatusCode::kInvalidArgument, "risk_shift must be in [0.01, 100]");
  }
  const int a = static_cast<int>(options.archetype);
  if (a < 0 || a >= kArchetypeCount) {
    return Status(StatusCode::kInvalidArgument, "unknown archetype");
  }
  return Status();
}

SimulatedEnterprise SimulateEnterprise(const SimOptions& options, std::uint64_t index) {
  Generation g(options, index);
  DrawEnterprise(g);
  WriteRequestHeader(g);
  Builder b(&g.out.request, g.eid, g.start_day * kDay, g.as_of);
  AddLicences(g, b);
  const std::vector<WeekSales> weeks = AddTrade(g, b);
  const std::vector<double> month_sales = AddPeriodicFlows(g, b, weeks);
  AddTax(g, b, month_sales);
  AddFinancing(g, b, month_sales);
  AddComplaintsAndPenalties(g, b);
  AddRegistryEvents(g, b);
  DrawLabels(g);
  AddCustomsCredit(g, b);
  return std::move(g.out);
}

std::string LabelsCsvRow(const SimulatedEnterprise& e) {
  std::string row = e.request.request_id();
  row += ',';
  row += e.request.enterprise().id();
  row += ',';
  row += ArchetypeName(e.archetype);
  row += e.labels.default_12m ? ",1" : ",0";
  row += e.labels.violation_12m ? ",1" : ",0";
  row += e.labels.bad() ? ",1" : ",0";
  return row;
}

}  // namespace credence::sim
