// The simulator's fixed world: markets (country, currency, FX rate, order share), the FX
// rates written into every request, sales channels, and the parameters of each archetype
// (docs/simulator.md, "Population"). Constant tables only.
#ifndef CREDENCE_SIM_CATALOG_H_
#define CREDENCE_SIM_CATALOG_H_

#include <array>

#include "sim/simulator.h"

namespace credence::sim {

struct Market {
  const char* country;
  const char* currency;
  int exponent;  // minor-unit exponent
  double cny_per_unit;
  double weight;  // share of orders for an ordinary seller
};
inline constexpr std::array<Market, 12> kMarkets = {{
    {"US", "USD", 2, 7.10, 0.30},
    {"GB", "GBP", 2, 9.05, 0.10},
    {"DE", "EUR", 2, 7.72, 0.10},
    {"FR", "EUR", 2, 7.72, 0.06},
    {"ES", "EUR", 2, 7.72, 0.04},
    {"JP", "JPY", 0, 0.0472, 0.08},
    {"CA", "CAD", 2, 5.18, 0.05},
    {"AU", "AUD", 2, 4.68, 0.05},
    {"SG", "SGD", 2, 5.30, 0.04},
    {"MX", "USD", 2, 7.10, 0.06},
    {"AE", "USD", 2, 7.10, 0.06},
    {"HK", "HKD", 2, 0.91, 0.06},
}};

inline constexpr std::array<SimFxRate, 8> kFx = {{
    {"USD", "7.10"},
    {"EUR", "7.72"},
    {"GBP", "9.05"},
    {"JPY", "0.0472"},
    {"CAD", "5.18"},
    {"AUD", "4.68"},
    {"SGD", "5.30"},
    {"HKD", "0.91"},
}};

inline constexpr std::array<const char*, 8> kChannels = {
    "amazon_us", "amazon_eu", "aliexpress", "shopee", "ebay", "temu", "own_site", "b2b_direct"};

struct Profile {
  double share;
  double risk_mu, risk_sd;         // latent risk = logistic(N(mu, sd))
  double size_mu, size_sigma;      // base orders per day ~ LogNormal(mu, sigma)
  double tenure_mu, tenure_sigma;  // days since registration ~ 60 + LogNormal
  double growth_lo, growth_hi;     // log-growth per year ~ U(lo, hi)
  double refund_claimant;          // share that claims export tax refunds
  double borrower;                 // share that uses financing
  double ip_extra;                 // extra monthly IP-complaint rate
};
inline constexpr std::array<Profile, kArchetypeCount> kProfiles = {{
    // steady exporter
    {0.40, -2.3, 0.8, -1.1, 0.8, 7.6, 0.5, -0.05, 0.15, 0.70, 0.50, 0.0},
    // fast grower
    {0.20, -1.4, 0.8, -1.5, 0.8, 6.6, 0.5, 0.6, 1.2, 0.55, 0.80, 0.0},
    // distressed seller
    {0.15, 0.3, 0.8, -1.2, 0.8, 7.3, 0.5, -0.1, 0.1, 0.60, 0.90, 0.0},
    // tax-refund fraud
    {0.07, 0.6, 0.8, -1.8, 0.7, 5.6, 0.6, 0.9, 1.8, 1.00, 0.40, 0.0},
    // counterfeit seller
    {0.08, 0.2, 0.8, -1.0, 0.8, 6.5, 0.6, 0.0, 0.5, 0.30, 0.40, 0.35},
    // dormant shell
    {0.10, -0.3, 1.0, -3.6, 0.7, 6.0, 0.9, -0.3, 0.3, 0.40, 0.20, 0.0},
}};

}  // namespace credence::sim

#endif  // CREDENCE_SIM_CATALOG_H_
