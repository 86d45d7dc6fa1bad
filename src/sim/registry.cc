// Complaints, seizures and penalties; registry events (annual reports, listings, control
// changes). See generation.h and docs/simulator.md.
#include <array>
#include <cmath>
#include <string>
#include <string_view>

#include "sim/calendar.h"
#include "sim/generation.h"

namespace credence::sim {
namespace {

// Months of simulated history.
double Months(const Generation& g) { return static_cast<double>(g.last_day - g.start_day) / 30.4; }

// A uniformly drawn day of the history, during office hours.
std::int64_t RandomTime(Generation& g) {
  const std::int64_t day = g.rng.Int(g.start_day, g.last_day);
  return day * kDay + g.rng.Int(8 * 3600, 18 * 3600);
}

}  // namespace

void AddComplaintsAndPenalties(Generation& g, Builder& b) {
  Rng& rng = g.rng;
  const double r = g.p.r;
  const bool fraud = g.fraud, counterfeit = g.counterfeit;
  const double months = Months(g);
  const Profile& prof = *g.prof;
  const std::int64_t ip = rng.Poisson(months * (0.01 + 0.12 * r + prof.ip_extra));
  for (std::int64_t i = 0; i < ip; ++i) {
    if (v1::Event* e = b.Add(v1::EVENT_KIND_IP_COMPLAINT, RandomTime(g))) {
      e->set_counterparty("rights_holder_" + Num(rng.Below(counterfeit ? 8 : 30)));
      e->set_channel(kChannels[g.main_channel]);
      const double u = rng.Uniform();
      e->set_status(u < 0.3 + 0.4 * r ? "upheld" : u < 0.8 ? "withdrawn" : "counter_noticed");
    }
  }
  const std::int64_t seizures = rng.Poisson(months * (counterfeit ? 0.08 + 0.1 * r : 0.001 * r));
  for (std::int64_t i = 0; i < seizures; ++i) {
    if (v1::Event* e = b.Add(v1::EVENT_KIND_COUNTERFEIT_SEIZURE, RandomTime(g))) {
      e->set_counterparty("customs");
      e->set_status("detained");
      SetMoney(e->mutable_amount(), "CNY", Fen(rng.LogNormal(std::log(30000.0), 0.8)));
    }
  }
  const double penalty_rate = (0.03 + 1.0 * r * r + (fraud || counterfeit ? 0.4 : 0.0)) / 12.0;
  const std::int64_t penalties = rng.Poisson(months * penalty_rate);
  static constexpr std::array<const char*, 4> kAuthorities = {"customs", "samr", "tax_bureau",
                                                              "safe"};
  for (std::int64_t i = 0; i < penalties; ++i) {
    if (v1::Event* e = b.Add(v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, RandomTime(g))) {
      const char* authority = kAuthorities[rng.Below(kAuthorities.size())];
      e->set_counterparty(authority);
      SetString(e, "authority", authority);
      const double u = rng.Uniform();
      const bool serious = u < 0.02 + 0.2 * r;
      const bool general = !serious && u < 0.35 + 0.2 * r;
      e->set_status(serious ? "serious" : general ? "general" : "minor");
      const double amount = rng.LogNormal(std::log(serious   ? 200000.0
                                                   : general ? 30000.0
                                                             : 5000.0),
                                          0.7);
      SetMoney(e->mutable_amount(), "CNY", Fen(amount));
      SetBool(e, "smuggling",
              std::string_view(authority) == "customs" && serious && (fraud || counterfeit) &&
                  rng.Bernoulli(0.5));
    }
  }
}

// Annual reports are due 30 June; a missing one leads to an abnormal-operation listing.
void AddRegistryEvents(Generation& g, Builder& b) {
  Rng& rng = g.rng;
  const double r = g.p.r;
  const bool fraud = g.fraud, counterfeit = g.counterfeit, shell = g.shell;
  const double months = Months(g);
  const std::int64_t as_of_day = g.as_of_day, start_day = g.start_day;
  for (std::int64_t year_day = as_of_day; year_day > start_day; year_day -= 365) {
    const Civil c = CivilFromDays(year_day);
    const std::int64_t due = DaysFromCivil(c.month >= 7 ? c.year : c.year - 1, 6, 30);
    if (due <= start_day) break;
    const double u = rng.Uniform();
    const double p_missing = 0.005 + 0.1 * r + (shell ? 0.3 : 0.0);
    if (u < p_missing) {
      if (v1::Event* e =
              b.AddCustom("abnormal_operation_listing", (due + rng.Int(30, 90)) * kDay)) {
        e->set_counterparty("samr");
        e->set_status("listed");
      }
    } else {
      // Filed up to 150 days before the deadline, or up to 60 days after it.
      const std::int64_t early = rng.Int(0, 150);
      const bool late = u < p_missing + 0.02 + 0.2 * r;
      const std::int64_t delay = late ? rng.Int(5, 60) : 0;
      if (v1::Event* e = b.AddCustom("annual_report", (due - early + delay) * kDay)) {
        e->set_counterparty("samr");
        e->set_status(late ? "late" : "on_time");
      }
    }
  }
  const double p_dishonest =
      0.002 + 0.12 * r * r + (fraud ? 0.15 : 0.0) + (counterfeit ? 0.05 : 0.0);
  if (rng.Bernoulli(p_dishonest)) {
    if (v1::Event* e = b.AddCustom("dishonest_listing", RandomTime(g))) {
      e->set_counterparty(rng.Bernoulli(0.5) ? "customs" : "tax_bureau");
      e->set_status(rng.Bernoulli(0.2 + 0.4 * r) ? "serious" : "general");
    }
  }
  const std::int64_t changes =
      rng.Poisson(months / 12.0 * (0.05 + 0.6 * r + (shell || fraud ? 0.5 : 0)));
  for (std::int64_t i = 0; i < changes; ++i) {
    if (v1::Event* e = b.AddCustom("control_change", RandomTime(g))) {
      e->set_status(rng.Bernoulli(0.5) ? "legal_representative" : "shareholder");
    }
  }
}

}  // namespace credence::sim
