// The history simulator. See simulator.h and docs/simulator.md (the generative model).
#include "sim/simulator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/rng.h"

namespace credence::sim {
namespace {

constexpr std::int64_t kDay = 86400;

// ---------------------------------------------------------------------------------------
// Calendar.

// Days since 1970-01-01 -> (year, month 1-12, day 1-31), Howard Hinnant's civil_from_days.
struct Civil {
  int year, month, day;
};
Civil CivilFromDays(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

std::int64_t DaysFromCivil(int y, int m, int d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Chinese New Year (first day of the first lunar month), 2018-2032; other years: 5 February.
std::int64_t ChineseNewYear(int year) noexcept {
  static constexpr std::array<std::array<int, 2>, 15> kDates = {{
      {2, 16},
      {2, 5},
      {1, 25},
      {2, 12},
      {2, 1},
      {1, 22},
      {2, 10},
      {1, 29},
      {2, 17},
      {2, 6},
      {1, 26},
      {2, 13},
      {2, 3},
      {1, 23},
      {2, 11},
  }};
  if (year >= 2018 && year <= 2032) {
    const auto& md = kDates[static_cast<std::size_t>(year - 2018)];
    return DaysFromCivil(year, md[0], md[1]);
  }
  return DaysFromCivil(year, 2, 5);
}

// Demand multiplier of a calendar day: month profile (Q4 peak, "618" in June), Singles' Day
// and Black Friday week, weekends, and the Chinese New Year shutdown (supply side: a week
// before to ten days after, orders and shipments fall to about a third).
double Seasonality(std::int64_t day) noexcept {
  static constexpr std::array<double, 12> kMonth = {0.95, 0.85, 0.95, 0.95, 1.0,  1.08,
                                                    0.95, 0.95, 1.0,  1.05, 1.45, 1.35};
  const Civil c = CivilFromDays(day);
  double s = kMonth[static_cast<std::size_t>(c.month - 1)];
  if (c.month == 11 && (c.day == 11 || (c.day >= 24 && c.day <= 30))) s *= 1.6;
  const std::int64_t weekday = (day + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  if (weekday == 0 || weekday == 6) s *= 0.85;
  const std::int64_t cny = ChineseNewYear(c.year);
  if (day >= cny - 7 && day <= cny + 10) s *= 0.35;
  return s;
}

// ---------------------------------------------------------------------------------------
// Markets.

struct Market {
  const char* country;
  const char* currency;
  int exponent;  // minor-unit exponent
  double cny_per_unit;
  double weight;  // share of orders for an ordinary seller
};
constexpr std::array<Market, 12> kMarkets = {{
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

constexpr std::array<SimFxRate, 8> kFx = {{
    {"USD", "7.10"},
    {"EUR", "7.72"},
    {"GBP", "9.05"},
    {"JPY", "0.0472"},
    {"CAD", "5.18"},
    {"AUD", "4.68"},
    {"SGD", "5.30"},
    {"HKD", "0.91"},
}};

constexpr std::array<const char*, 8> kChannels = {
    "amazon_us", "amazon_eu", "aliexpress", "shopee", "ebay", "temu", "own_site", "b2b_direct"};

// ---------------------------------------------------------------------------------------
// Archetypes.

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
constexpr std::array<Profile, kArchetypeCount> kProfiles = {{
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

double Logistic(double x) noexcept { return 1.0 / (1.0 + std::exp(-x)); }

// ---------------------------------------------------------------------------------------
// Building events.

class Builder {
 public:
  Builder(v1::ScoreRequest* request, std::string prefix, std::int64_t start, std::int64_t as_of)
      : request_(request), prefix_(std::move(prefix)), start_(start), as_of_(as_of) {}

  // A new event at `t` (seconds), or null when t is after as_of (it has not happened yet) or
  // before the start of the simulated history.
  v1::Event* Add(v1::EventKind kind, std::int64_t t) {
    if (t > as_of_ || t < start_) return nullptr;
    v1::Event* e = request_->add_events();
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ++count_);
    (void)ec;
    std::string* id = e->mutable_id();
    id->reserve(prefix_.size() + 1 + static_cast<std::size_t>(end - buf));
    id->append(prefix_).push_back('-');
    id->append(buf, end);
    e->mutable_time()->set_seconds(t);
    e->set_kind(kind);
    return e;
  }
  v1::Event* AddCustom(std::string_view custom_kind, std::int64_t t) {
    v1::Event* e = Add(v1::EVENT_KIND_CUSTOM, t);
    if (e != nullptr) e->set_custom_kind(std::string(custom_kind));
    return e;
  }

 private:
  v1::ScoreRequest* request_;
  std::string prefix_;
  std::int64_t start_;
  std::int64_t as_of_;
  std::int64_t count_ = 0;
};

void SetMoney(v1::Money* m, const char* currency, std::int64_t minor) {
  m->set_currency_code(currency);
  m->set_minor_units(minor);
}
// `cny` yuan as money of the market's currency.
std::int64_t MinorUnits(double cny, const Market& market) {
  const double units = cny / market.cny_per_unit * (market.exponent == 2 ? 100.0 : 1.0);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(units)));
}
std::int64_t Fen(double cny) { return std::max<std::int64_t>(1, std::llround(cny * 100.0)); }

void SetString(v1::Event* e, const char* name, std::string_view v) {
  (*e->mutable_attributes())[name].set_string_value(std::string(v));
}
void SetInt(v1::Event* e, const char* name, std::int64_t v) {
  (*e->mutable_attributes())[name].set_int_value(v);
}
void SetBool(v1::Event* e, const char* name, bool v) {
  (*e->mutable_attributes())[name].set_bool_value(v);
}

std::string Num(std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, end);
}

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

}  // namespace

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
  const int a = static_cast<int>(options.archetype);
  if (a < 0 || a >= kArchetypeCount) {
    return Status(StatusCode::kInvalidArgument, "unknown archetype");
  }
  return Status();
}

SimulatedEnterprise SimulateEnterprise(const SimOptions& options, std::uint64_t index) {
  Rng rng(options.seed, index);
  SimulatedEnterprise out;

  // --- Who: archetype, latent risk, size, tenure --------------------------------------
  std::array<double, kArchetypeCount> shares{};
  for (int i = 0; i < kArchetypeCount; ++i)
    shares[static_cast<std::size_t>(i)] = kProfiles[static_cast<std::size_t>(i)].share;
  const auto drawn = static_cast<Archetype>(rng.Choice(shares));
  out.archetype = options.force_archetype ? options.archetype : drawn;
  const Profile& prof = kProfiles[static_cast<std::size_t>(out.archetype)];
  const double z = rng.Normal(prof.risk_mu, prof.risk_sd);
  const double r = Logistic(z);
  out.latent_risk = r;

  Params p{};
  p.archetype = out.archetype;
  p.r = r;
  p.base_rate = options.orders_per_day > 0 ? options.orders_per_day
                                           : rng.LogNormal(prof.size_mu, prof.size_sigma);
  p.growth = rng.Uniform(prof.growth_lo, prof.growth_hi);
  p.claims_refunds = rng.Bernoulli(prof.refund_claimant);
  p.borrows = rng.Bernoulli(prof.borrower);
  p.market_bias = static_cast<int>(rng.Below(kMarkets.size()));
  p.market_focus = rng.Uniform(0.0, 0.6);
  if (out.archetype == Archetype::kDistressedSeller) p.decline_start = rng.Uniform(90, 300);
  if (out.archetype == Archetype::kDormantShell) p.active_share = rng.Uniform(0.05, 0.3);
  if (out.archetype == Archetype::kTaxRefundFraud) p.market_focus = rng.Uniform(0.5, 0.9);
  if (out.archetype == Archetype::kSteadyExporter || out.archetype == Archetype::kFastGrower) {
    const double u = rng.Uniform();
    p.aeo_advanced = r < 0.08 && u < 0.35;
    p.aeo_certified = !p.aeo_advanced && r < 0.15 && u < 0.6;
  }
  const double tenure_days = 60.0 + rng.LogNormal(prof.tenure_mu, prof.tenure_sigma);

  const std::int64_t as_of = options.as_of_seconds;
  const std::int64_t as_of_day = as_of >= 0 ? as_of / kDay : (as_of - kDay + 1) / kDay;
  const std::int64_t registered = as_of - static_cast<std::int64_t>(tenure_days * kDay);
  const std::int64_t start_day = std::max(as_of_day - options.history_days, registered / kDay + 1);

  // --- The request ----------------------------------------------------------------------
  v1::ScoreRequest& req = out.request;
  const std::string eid = "ent-" + Num(options.seed) + "-" + Num(index);
  req.set_request_id("sim-" + Num(options.seed) + "-" + Num(index));
  req.mutable_as_of()->set_seconds(as_of);
  for (const SimFxRate& fx : kFx) {
    v1::FxRate* rate = req.add_fx_rates();
    rate->set_currency_code(fx.currency);
    rate->set_rate(fx.rate);
  }
  v1::Enterprise* ent = req.mutable_enterprise();
  ent->set_id(eid);
  ent->set_name("Simulated enterprise " + Num(index));
  ent->mutable_registered_at()->set_seconds(registered);
  static constexpr std::array<const char*, 5> kZones = {
      "CBEC pilot zone Hangzhou", "CBEC pilot zone Shenzhen", "CBEC pilot zone Ningbo",
      "CBEC pilot zone Guangzhou", "CBEC pilot zone Yiwu"};
  static constexpr std::array<const char*, 6> kSectors = {
      "apparel", "consumer_electronics", "home_goods", "toys", "beauty", "sporting_goods"};
  ent->set_zone(kZones[rng.Below(kZones.size())]);
  ent->set_sector(kSectors[rng.Below(kSectors.size())]);
  ent->set_country("CN");
  if (p.aeo_advanced || p.aeo_certified) {
    v1::Certification* c = ent->add_certifications();
    c->set_scheme("AEO");
    c->set_level(p.aeo_advanced ? "advanced" : "certified");
    c->mutable_valid_from()->set_seconds(std::max(registered, as_of - 900 * kDay));
  }

  Builder b(&req, eid, start_day * kDay, as_of);
  const std::int64_t last_day = as_of_day;  // events on the as_of day are cut at as_of

  // Licences: customs registration and export operator; risk drives expiry and revocation.
  {
    const bool revoked = rng.Bernoulli(0.002 + 0.05 * r * r +
                                       (out.archetype == Archetype::kCounterfeitSeller ? 0.05 : 0));
    const bool expired =
        !revoked &&
        rng.Bernoulli(0.01 + 0.15 * r * r + (out.archetype == Archetype::kDormantShell ? 0.25 : 0));
    static constexpr std::array<const char*, 3> kTypes = {"customs_registration", "export_operator",
                                                          "cbec_filing"};
    for (std::size_t i = 0; i < kTypes.size(); ++i) {
      v1::Licence* l = ent->add_licences();
      l->set_type(kTypes[i]);
      l->set_number("L" + Num(index) + "-" + Num(i));
      l->mutable_granted_at()->set_seconds(registered + 20 * kDay);
      l->set_status(v1::LICENCE_STATUS_ACTIVE);
      const std::int64_t granted = registered + 20 * kDay;
      v1::Event* e =
          granted >= start_day * kDay ? b.Add(v1::EVENT_KIND_LICENCE_GRANTED, granted) : nullptr;
      if (e != nullptr) {
        e->set_counterparty(i == 0 ? "customs" : "commerce_bureau");
        e->set_status(kTypes[i]);
      }
      if (i == 2 && (revoked || expired)) {
        const std::int64_t when = as_of - rng.Int(5, 200) * kDay;
        l->set_status(revoked ? v1::LICENCE_STATUS_REVOKED : v1::LICENCE_STATUS_EXPIRED);
        l->mutable_expires_at()->set_seconds(when);
        if (auto* ev = b.Add(
                revoked ? v1::EVENT_KIND_LICENCE_REVOKED : v1::EVENT_KIND_LICENCE_EXPIRED, when)) {
          ev->set_counterparty("commerce_bureau");
          ev->set_status(kTypes[i]);
        }
      } else {
        l->mutable_expires_at()->set_seconds(as_of + rng.Int(20, 1500) * kDay);
      }
    }
  }

  // --- Trade: orders, shipments, deliveries, refunds, disputes, chargebacks -------------
  std::array<double, kMarkets.size()> market_w{};
  for (std::size_t i = 0; i < kMarkets.size(); ++i) {
    market_w[i] = kMarkets[i].weight * (1.0 - p.market_focus) +
                  (static_cast<int>(i) == p.market_bias ? p.market_focus : 0.0);
  }
  const std::size_t main_channel = rng.Below(kChannels.size() - 1);
  const std::size_t second_channel = rng.Below(kChannels.size());
  const double channel_focus = rng.Uniform(0.5, 0.95);
  const double avg_order_cny = rng.LogNormal(std::log(260.0), 0.5);
  const int buyer_pool = 200 + static_cast<int>(rng.Below(5000));
  const bool counterfeit = out.archetype == Archetype::kCounterfeitSeller;
  const bool fraud = out.archetype == Archetype::kTaxRefundFraud;
  const bool shell = out.archetype == Archetype::kDormantShell;

  const double p_cancel = 0.004 + 0.04 * r;
  const double p_refund = 0.02 + 0.10 * r + (counterfeit ? 0.06 : 0.0);
  const double p_late_refund = 0.05 + 0.45 * r;
  const double p_dispute = 0.003 + 0.025 * r + (counterfeit ? 0.02 : 0.0);
  const double p_chargeback = 0.001 + 0.012 * r + (counterfeit ? 0.008 : 0.0);
  const double p_complaint = 0.002 + 0.02 * r + (counterfeit ? 0.01 : 0.0);
  const double handling_mean = 0.6 + 3.0 * r;
  const double p_bad_tracking = 0.005 + 0.05 * r + (fraud || counterfeit ? 0.06 : 0.0);
  const double p_lost = 0.004 + 0.02 * r;

  // Monthly aggregates used by payouts, declarations, claims and FX receipts.
  struct Period {
    double sales_cny = 0;
    int orders = 0;
  };
  std::vector<Period> weeks(static_cast<std::size_t>((last_day - start_day) / 7 + 2));

  for (std::int64_t day = start_day; day <= last_day; ++day) {
    const double years_before = static_cast<double>(as_of_day - day) / 365.0;
    double rate = p.base_rate * Seasonality(day) * std::exp(-p.growth * years_before);
    if (p.decline_start > 0 && static_cast<double>(as_of_day - day) < p.decline_start) {
      const double into = p.decline_start - static_cast<double>(as_of_day - day);
      rate *= std::exp(-into / 120.0);
    }
    if (shell) rate *= rng.Bernoulli(p.active_share) ? 1.0 / p.active_share : 0.0;
    const std::int64_t n = rng.Poisson(rate);
    for (std::int64_t k = 0; k < n; ++k) {
      const std::int64_t t = day * kDay + rng.Int(6 * 3600, 23 * 3600);
      const Market& m = kMarkets[rng.Choice(market_w)];
      const double cny = avg_order_cny * rng.LogNormal(-0.18, 0.6);
      v1::Event* order = b.Add(v1::EVENT_KIND_ORDER, t);
      if (order == nullptr) continue;
      const std::int64_t minor = MinorUnits(cny, m);
      SetMoney(order->mutable_amount(), m.currency, minor);
      order->set_counterparty("b" + Num(rng.Below(static_cast<std::uint64_t>(buyer_pool))));
      order->set_destination_country(m.country);
      order->set_origin_country("CN");
      order->set_channel(kChannels[rng.Bernoulli(channel_focus) ? main_channel : second_channel]);
      const bool cancelled = rng.Bernoulli(p_cancel);
      order->set_status(cancelled ? "cancelled" : "completed");
      const std::string order_id = order->id();
      if (cancelled) continue;
      auto& wk = weeks[static_cast<std::size_t>((day - start_day) / 7)];
      wk.sales_cny += cny;
      ++wk.orders;

      // Shipment after the handling time; "late" after 3 days (marketplace dispatch SLA).
      // The CNY shutdown stretches handling.
      const double cny_delay = Seasonality(day) < 0.5 ? 4.0 : 0.0;
      const double handling = rng.Exponential(handling_mean) + cny_delay;
      const std::int64_t ship_t = t + static_cast<std::int64_t>(handling * kDay);
      v1::Event* ship = b.Add(v1::EVENT_KIND_SHIPMENT, ship_t);
      if (ship == nullptr) continue;
      ship->set_reference_id(order_id);
      ship->set_destination_country(m.country);
      ship->set_status(handling > 3.0 ? "late" : "on_time");
      SetBool(ship, "tracking_valid", !rng.Bernoulli(p_bad_tracking));
      const std::string ship_id = ship->id();
      const double transit = rng.LogNormal(std::log(8.0), 0.4);
      const double u = rng.Uniform();
      if (v1::Event* del =
              b.Add(v1::EVENT_KIND_DELIVERY, ship_t + static_cast<std::int64_t>(transit * kDay))) {
        del->set_reference_id(ship_id);
        del->set_destination_country(m.country);
        del->set_status(u < p_lost ? "lost" : u < p_lost + 0.004 ? "damaged" : "delivered");
        SetBool(del, "on_time", transit + handling <= 15.0);
      }
      if (rng.Bernoulli(p_refund)) {
        const double after = rng.Uniform(5, 30);
        const bool with_return = rng.Bernoulli(0.6);
        if (with_return) {
          if (v1::Event* ret =
                  b.Add(v1::EVENT_KIND_RETURN, t + static_cast<std::int64_t>(after * kDay))) {
            ret->set_reference_id(order_id);
            ret->set_destination_country(m.country);
            ret->set_status("received");
          }
        }
        const bool late = rng.Bernoulli(p_late_refund);
        const double pay_after = after + (late ? rng.Uniform(8, 30) : rng.Uniform(0.5, 6));
        if (v1::Event* ref =
                b.Add(v1::EVENT_KIND_REFUND, t + static_cast<std::int64_t>(pay_after * kDay))) {
          ref->set_reference_id(order_id);
          const double share = rng.Bernoulli(0.8) ? 1.0 : rng.Uniform(0.2, 0.9);
          SetMoney(ref->mutable_amount(), m.currency,
                   std::max<std::int64_t>(1, std::llround(static_cast<double>(minor) * share)));
          ref->set_channel(order->channel());
          ref->set_status(late ? "late" : "completed");
        }
      }
      if (rng.Bernoulli(p_dispute)) {
        const std::int64_t opened = t + rng.Int(7, 45) * kDay;
        if (v1::Event* d = b.Add(v1::EVENT_KIND_DISPUTE_OPENED, opened)) {
          d->set_reference_id(order_id);
          d->set_channel(order->channel());
          SetMoney(d->mutable_amount(), m.currency, minor);
          const std::string dispute_id = d->id();
          if (v1::Event* res =
                  b.Add(v1::EVENT_KIND_DISPUTE_RESOLVED, opened + rng.Int(5, 40) * kDay)) {
            res->set_reference_id(dispute_id);
            res->set_status(rng.Bernoulli(0.25 + 0.5 * r) ? "buyer_won" : "seller_won");
          }
        }
      }
      if (rng.Bernoulli(p_chargeback)) {
        if (v1::Event* cb = b.Add(v1::EVENT_KIND_CHARGEBACK, t + rng.Int(10, 75) * kDay)) {
          cb->set_reference_id(order_id);
          cb->set_channel(order->channel());
          SetMoney(cb->mutable_amount(), m.currency, minor);
          cb->set_status(rng.Bernoulli(0.7) ? "lost" : "won");
        }
      }
      if (rng.Bernoulli(p_complaint)) {
        if (v1::Event* c = b.Add(v1::EVENT_KIND_CONSUMER_COMPLAINT, t + rng.Int(3, 60) * kDay)) {
          c->set_reference_id(order_id);
          c->set_destination_country(m.country);
          c->set_counterparty(rng.Bernoulli(0.8) ? "platform" : "regulator_hotline");
          c->set_status(rng.Bernoulli(0.3 + 0.5 * r) ? "upheld" : "dismissed");
        }
      }
    }
  }

  // --- Periodic flows: payouts, declarations, inspections, FX receipts -------------------
  const double p_decl_amend = 0.01 + 0.08 * r;
  const double p_decl_withdraw = 0.003 + 0.03 * r;
  const double p_decl_error = 0.004 + 0.05 * r + (fraud ? 0.06 : 0.0);
  const double p_price_jump = 0.02 + 0.08 * r + (fraud ? 0.30 : 0.0);
  const double p_inspect = (p.aeo_advanced ? 0.02 : p.aeo_certified ? 0.04 : 0.08) + 0.15 * r;
  const double p_inspect_fail = 0.01 + 0.20 * r;
  const double p_smuggling = (fraud || counterfeit) ? 0.004 + 0.05 * r * r : 0.0005 * r;
  const double p_third_party = 0.01 + 0.08 * r + (fraud ? 0.35 : 0.0);
  static constexpr std::array<const char*, 4> kCodes = {"9610", "9710", "9810", "1210"};
  const char* supervision = kCodes[rng.Below(3)];
  double month_sales = 0;
  std::vector<double> month_sales_hist;
  for (std::size_t w = 0; w < weeks.size(); ++w) {
    const std::int64_t day = start_day + static_cast<std::int64_t>(w) * 7 + 6;
    if (day > last_day) break;
    const std::int64_t t = day * kDay + 10 * 3600;
    const Period& wk = weeks[w];
    // Marketplace payout every two weeks for the sales of the fortnight.
    month_sales += wk.sales_cny;
    const double fortnight = wk.sales_cny + (w > 0 ? weeks[w - 1].sales_cny : 0.0);
    if (w % 2 == 1 && fortnight > 0) {
      if (v1::Event* pay = b.Add(v1::EVENT_KIND_PAYMENT, t + 2 * 3600)) {
        const bool usd = rng.Bernoulli(0.7);
        SetMoney(pay->mutable_amount(), usd ? "USD" : "EUR",
                 std::llround(fortnight * (0.9 - 0.05 * r) / (usd ? 7.10 : 7.72) * 100.0));
        pay->set_counterparty(kChannels[main_channel]);
        pay->set_channel(kChannels[main_channel]);
        pay->set_status("settled");
      }
    }
    // Customs: one summary declaration per week with sales (9610 "list release, summary
    // declaration"), more for large sellers; dormant shells and fraudsters also declare
    // goods with little or no matching sales (paper exports).
    std::int64_t decls = wk.orders > 0 ? 1 + wk.orders / 60 : 0;
    if ((fraud || shell) && rng.Bernoulli(fraud ? 0.5 : 0.1)) decls += 1;
    for (std::int64_t d = 0; d < decls; ++d) {
      v1::Event* decl = b.Add(v1::EVENT_KIND_CUSTOMS_DECLARATION, t - d * 3600);
      if (decl == nullptr) break;
      const double value = std::max(500.0, wk.sales_cny / static_cast<double>(decls)) *
                           (fraud ? rng.Uniform(1.5, 4.0) : 1.0);
      SetMoney(decl->mutable_amount(), "CNY", Fen(value));
      decl->set_counterparty("customs");
      decl->set_channel("customs_single_window");
      decl->set_destination_country(kMarkets[static_cast<std::size_t>(p.market_bias)].country);
      const double u = rng.Uniform();
      decl->set_status(u < p_decl_withdraw                  ? "withdrawn"
                       : u < p_decl_withdraw + p_decl_amend ? "amended"
                                                            : "accepted");
      SetString(decl, "supervision_code", supervision);
      SetBool(decl, "error", rng.Bernoulli(p_decl_error));
      SetBool(decl, "unit_price_jump", rng.Bernoulli(p_price_jump));
      const std::string decl_id = decl->id();
      if (rng.Bernoulli(p_inspect)) {
        if (v1::Event* ins = b.Add(v1::EVENT_KIND_CUSTOMS_INSPECTION, t + rng.Int(1, 3) * kDay)) {
          ins->set_reference_id(decl_id);
          ins->set_counterparty("customs");
          const double v = rng.Uniform();
          const double p_seize = counterfeit ? 0.15 : 0.002;
          ins->set_status(v < p_smuggling                              ? "smuggling"
                          : v < p_smuggling + p_seize                  ? "seized"
                          : v < p_smuggling + p_seize + p_inspect_fail ? "failed"
                                                                       : "passed");
        }
      }
    }
    // Monthly (every 4 weeks): FX receipt of the period's proceeds.
    if (w % 4 == 3) {
      month_sales_hist.push_back(month_sales);
      if (month_sales > 0) {
        const Market& m = kMarkets[static_cast<std::size_t>(p.market_bias)];
        if (v1::Event* fx = b.Add(v1::EVENT_KIND_FX_RECEIPT, t + 3 * kDay)) {
          const double received =
              month_sales * (fraud ? rng.Uniform(0.3, 0.8) : rng.Uniform(0.85, 1.0));
          SetMoney(fx->mutable_amount(), "CNY", Fen(received));
          const bool third = rng.Bernoulli(p_third_party);
          fx->set_counterparty(third ? "payer-" + Num(rng.Below(50)) : "psp-main");
          fx->set_origin_country(third && rng.Bernoulli(0.7) ? "VG" : m.country);
          fx->set_status("credited");
          SetBool(fx, "third_party", third);
        }
      }
      month_sales = 0;
    }
  }

  // --- Tax: monthly export-refund claims and outcomes, quarterly tax payments ------------
  const double p_refund_reject = 0.02 + 0.2 * r + (fraud ? 0.2 : 0.0);
  const double p_refund_partial = 0.04 + 0.1 * r;
  const double p_tax_late = 0.01 + 0.3 * r * r;
  for (std::size_t mth = 0; mth < month_sales_hist.size(); ++mth) {
    const std::int64_t day = start_day + static_cast<std::int64_t>(mth + 1) * 28 + 8;
    const std::int64_t t = day * kDay + 9 * 3600;
    if (p.claims_refunds && (month_sales_hist[mth] > 0 || (fraud && rng.Bernoulli(0.5)))) {
      // Refund = VAT rebate (9-13%) of the month's exports; fraud claims several times that
      // on fabricated exports, and more so recently.
      const double recent = static_cast<double>(month_sales_hist.size() - mth) < 7 ? 1.6 : 1.0;
      const double claim = std::max(800.0, month_sales_hist[mth]) * rng.Uniform(0.09, 0.13) *
                           (fraud ? rng.Uniform(2.0, 5.0) * recent : 1.0) *
                           (shell ? rng.Uniform(1.0, 3.0) : 1.0);
      if (v1::Event* c = b.Add(v1::EVENT_KIND_TAX_REFUND_CLAIM, t)) {
        SetMoney(c->mutable_amount(), "CNY", Fen(claim));
        c->set_counterparty("tax_bureau");
        const double lag = rng.LogNormal(std::log(25.0), 0.6) * (fraud ? 4.0 : 1.0);
        SetInt(c, "invoice_lag_days", static_cast<std::int64_t>(lag));
        const std::string claim_id = c->id();
        const double u = rng.Uniform();
        if (v1::Event* o = b.Add(v1::EVENT_KIND_TAX_REFUND_OUTCOME, t + rng.Int(7, 30) * kDay)) {
          o->set_reference_id(claim_id);
          o->set_counterparty("tax_bureau");
          o->set_status(u < p_refund_reject                      ? "rejected"
                        : u < p_refund_reject + p_refund_partial ? "partially_approved"
                                                                 : "approved");
        }
      }
    }
    if (mth % 3 == 2) {
      if (v1::Event* tp = b.Add(v1::EVENT_KIND_TAX_PAYMENT, t + 6 * kDay)) {
        const double due = std::max(
            200.0,
            0.01 * (month_sales_hist[mth] + month_sales_hist[mth - 1] + month_sales_hist[mth - 2]));
        SetMoney(tp->mutable_amount(), "CNY", Fen(due));
        tp->set_counterparty("tax_bureau");
        const bool late = rng.Bernoulli(p_tax_late);
        tp->set_status(late ? "late" : "on_time");
        SetInt(tp, "days_late", late ? rng.Int(1, r > 0.6 ? 150 : 40) : 0);
      }
    }
  }

  // --- Financing: drawdowns every ~3 months, monthly repayments --------------------------
  if (p.borrows) {
    const double p_late = 0.01 + 0.35 * std::pow(r, 1.5);
    const double avg_month_sales = [&] {
      double s = 0;
      for (double v : month_sales_hist) s += v;
      return month_sales_hist.empty() ? 0.0 : s / static_cast<double>(month_sales_hist.size());
    }();
    const double loan = std::max(2000.0, avg_month_sales * rng.Uniform(0.5, 1.5));
    for (std::int64_t day = start_day + rng.Int(10, 60); day <= last_day; day += rng.Int(80, 120)) {
      const std::int64_t t = day * kDay + 11 * 3600;
      v1::Event* dd = b.Add(v1::EVENT_KIND_LOAN_DRAWDOWN, t);
      if (dd == nullptr) break;
      const std::string lender = rng.Bernoulli(0.5) ? "bank_a" : "platform_finance";
      SetMoney(dd->mutable_amount(), "CNY", Fen(loan * rng.Uniform(0.8, 1.2)));
      dd->set_counterparty(lender);
      dd->set_status("disbursed");
      const std::string loan_id = dd->id();
      for (int k = 1; k <= 3; ++k) {
        const std::int64_t due_day = day + 30 * k;
        // Distressed sellers slip as the decline deepens.
        double pl = p_late;
        if (p.decline_start > 0 && static_cast<double>(as_of_day - due_day) < p.decline_start)
          pl *= 2.5;
        const bool late = rng.Bernoulli(std::min(pl, 0.95));
        std::int64_t dpd = 0;
        if (late) {
          dpd = rng.Int(1, 29);
          if (rng.Bernoulli(0.2 + 0.6 * r)) dpd += rng.Int(1, 60);
          if (rng.Bernoulli(0.3 * r)) dpd += rng.Int(30, 90);
        }
        v1::Event* rp = b.Add(v1::EVENT_KIND_LOAN_REPAYMENT, (due_day + dpd) * kDay + 15 * 3600);
        if (rp == nullptr) break;
        SetMoney(rp->mutable_amount(), "CNY", Fen(loan / 3.0));
        rp->set_counterparty(lender);
        rp->set_reference_id(loan_id);
        rp->set_status(dpd == 0 ? "on_time" : "late");
        SetInt(rp, "days_past_due", dpd);
      }
    }
  }

  // --- Complaints, seizures, penalties, listings ----------------------------------------
  const double months = static_cast<double>(last_day - start_day) / 30.4;
  auto at_random = [&] {
    return rng.Int(start_day, last_day) * kDay + rng.Int(8 * 3600, 18 * 3600);
  };
  const std::int64_t ip = rng.Poisson(months * (0.01 + 0.12 * r + prof.ip_extra));
  for (std::int64_t i = 0; i < ip; ++i) {
    if (v1::Event* e = b.Add(v1::EVENT_KIND_IP_COMPLAINT, at_random())) {
      e->set_counterparty("rights_holder_" + Num(rng.Below(counterfeit ? 8 : 30)));
      e->set_channel(kChannels[main_channel]);
      const double u = rng.Uniform();
      e->set_status(u < 0.3 + 0.4 * r ? "upheld" : u < 0.8 ? "withdrawn" : "counter_noticed");
    }
  }
  const std::int64_t seizures = rng.Poisson(months * (counterfeit ? 0.08 + 0.1 * r : 0.001 * r));
  for (std::int64_t i = 0; i < seizures; ++i) {
    if (v1::Event* e = b.Add(v1::EVENT_KIND_COUNTERFEIT_SEIZURE, at_random())) {
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
    if (v1::Event* e = b.Add(v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, at_random())) {
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
  // Annual reports (due 30 June), abnormal-operation and dishonest listings, control changes.
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
    } else if (v1::Event* e = b.AddCustom(
                   "annual_report",
                   (due - rng.Int(0, 150) + (u < p_missing + 0.02 + 0.2 * r ? rng.Int(5, 60) : 0)) *
                       kDay)) {
      e->set_counterparty("samr");
      e->set_status(u < p_missing + 0.02 + 0.2 * r ? "late" : "on_time");
    }
  }
  const double p_dishonest =
      0.002 + 0.12 * r * r + (fraud ? 0.15 : 0.0) + (counterfeit ? 0.05 : 0.0);
  if (rng.Bernoulli(p_dishonest)) {
    if (v1::Event* e = b.AddCustom("dishonest_listing", at_random())) {
      e->set_counterparty(rng.Bernoulli(0.5) ? "customs" : "tax_bureau");
      e->set_status(rng.Bernoulli(0.2 + 0.4 * r) ? "serious" : "general");
    }
  }
  const std::int64_t changes =
      rng.Poisson(months / 12.0 * (0.05 + 0.6 * r + (shell || fraud ? 0.5 : 0)));
  for (std::int64_t i = 0; i < changes; ++i) {
    if (v1::Event* e = b.AddCustom("control_change", at_random())) {
      e->set_status(rng.Bernoulli(0.5) ? "legal_representative" : "shareholder");
    }
  }

  // --- Labels: the 12 months after as_of --------------------------------------------------
  // Drawn from the latent risk (not from the observed history), so a model that reads the
  // history recovers the risk only as far as the history reveals it.
  static constexpr std::array<double, kArchetypeCount> kDefaultShift = {0.0, 0.2, 0.9,
                                                                        0.3, 0.0, 0.4};
  static constexpr std::array<double, kArchetypeCount> kViolationShift = {0.0, 0.0, -0.3,
                                                                          1.2, 1.0, 0.6};
  const auto ai = static_cast<std::size_t>(out.archetype);
  out.p_default = p.borrows || out.archetype == Archetype::kDistressedSeller
                      ? Logistic(-4.6 + 5.0 * r + kDefaultShift[ai])
                      : Logistic(-5.6 + 4.0 * r + kDefaultShift[ai]);
  out.p_violation = Logistic(-5.4 + 4.2 * r + kViolationShift[ai]);
  out.labels.default_12m = rng.Bernoulli(out.p_default);
  out.labels.violation_12m = rng.Bernoulli(out.p_violation);
  return out;
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
