// The stages that generate one simulated enterprise (SimulateEnterprise in simulator.cc runs
// them in order): who it is, its request header and licences, trade, periodic flows, tax,
// financing, complaints and penalties, registry events, labels. Every stage continues the
// enterprise's one random stream, so the order of the stages, and of the draws inside each,
// is part of the output: reordering either changes every history after it.
// The generative model: docs/simulator.md.
#ifndef CREDENCE_SIM_GENERATION_H_
#define CREDENCE_SIM_GENERATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim/catalog.h"
#include "sim/event_builder.h"
#include "sim/rng.h"
#include "sim/simulator.h"

namespace credence::sim {

inline constexpr std::int64_t kDay = 86400;

inline double Logistic(double x) noexcept { return 1.0 / (1.0 + std::exp(-x)); }

// Per-enterprise parameters derived from the archetype and the latent risk.
struct Params {
  Archetype archetype;
  double r;                   // latent risk in (0, 1)
  double base_rate;           // orders per day at as_of before seasonality
  double growth;              // log-growth per year
  double decline_start = -1;  // distressed: days before as_of when the decline begins
  double active_share = 1;    // dormant shells trade on a few days only
  bool claims_refunds, borrows, aeo_advanced = false, aeo_certified = false;
  int market_bias;  // index of the dominant market
  double market_focus;
};

// One enterprise being generated: its random stream, what DrawEnterprise drew, its dates
// and the result being written. Thread-compatible; one per enterprise.
struct Generation {
  Generation(const SimOptions& o, std::uint64_t i) : options(o), index(i), rng(o.seed, i) {}

  const SimOptions& options;
  std::uint64_t index;
  Rng rng;
  SimulatedEnterprise out;
  const Profile* prof = nullptr;
  Params p{};
  bool counterfeit = false, fraud = false, shell = false;
  // Seconds since the epoch (as_of, registered) and days since the epoch (the rest).
  std::int64_t as_of = 0, as_of_day = 0, registered = 0, start_day = 0, last_day = 0;
  std::string eid;               // enterprise id, the prefix of event ids
  std::size_t main_channel = 0;  // drawn by AddTrade; payouts and IP complaints use it
};

// Sales of one week of the history (cancelled orders excluded).
struct WeekSales {
  double sales_cny = 0;
  int orders = 0;
};

// The archetype, latent risk, parameters, tenure and dates.
void DrawEnterprise(Generation& g);
// Request and enterprise fields; the AEO certification.
void WriteRequestHeader(Generation& g);
// Customs registration, export operator and CBEC filing licences and their events.
void AddLicences(Generation& g, Builder& b);
// Orders and what follows them: shipments, deliveries, returns, refunds, disputes,
// chargebacks, consumer complaints. Returns the sales per week.
std::vector<WeekSales> AddTrade(Generation& g, Builder& b);
// Payouts, customs declarations and inspections, FX receipts. Returns the sales per 4-week
// month.
std::vector<double> AddPeriodicFlows(Generation& g, Builder& b,
                                     const std::vector<WeekSales>& weeks);
// Monthly export-refund claims and outcomes, quarterly tax payments.
void AddTax(Generation& g, Builder& b, const std::vector<double>& month_sales);
// Loan drawdowns every ~3 months with monthly repayments (borrowers only).
void AddFinancing(Generation& g, Builder& b, const std::vector<double>& month_sales);
// IP complaints, counterfeit seizures, administrative penalties.
void AddComplaintsAndPenalties(Generation& g, Builder& b);
// Annual reports, abnormal-operation and dishonest listings, control changes.
void AddRegistryEvents(Generation& g, Builder& b);
// Labels for the 12 months after as_of, drawn from the latent risk.
void DrawLabels(Generation& g);
// The customs credit lifecycle (customs_credit.cc): certificate validity, listing causes,
// overdue taxes, repair applications and outcomes, the official grade. Runs after the labels
// on its own random stream, so it changes no earlier draw.
void AddCustomsCredit(Generation& g, Builder& b);

}  // namespace credence::sim

#endif  // CREDENCE_SIM_GENERATION_H_
