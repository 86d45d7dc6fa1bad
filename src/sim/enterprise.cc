// Who a simulated enterprise is: archetype, latent risk, parameters, dates, its request
// header and licences; and its labels. See generation.h.
#include <algorithm>
#include <array>

#include "sim/generation.h"

namespace credence::sim {

void DrawEnterprise(Generation& g) {
  Rng& rng = g.rng;
  std::array<double, kArchetypeCount> shares{};
  for (int i = 0; i < kArchetypeCount; ++i)
    shares[static_cast<std::size_t>(i)] = kProfiles[static_cast<std::size_t>(i)].share;
  const auto drawn = static_cast<Archetype>(rng.Choice(shares));
  g.out.archetype = g.options.force_archetype ? g.options.archetype : drawn;
  const Archetype a = g.out.archetype;
  g.prof = &kProfiles[static_cast<std::size_t>(a)];
  const Profile& prof = *g.prof;
  const double z = rng.Normal(prof.risk_mu, prof.risk_sd);
  const double r = Logistic(z);
  g.out.latent_risk = r;

  Params& p = g.p;
  p.archetype = a;
  p.r = r;
  p.base_rate = g.options.orders_per_day > 0 ? g.options.orders_per_day
                                             : rng.LogNormal(prof.size_mu, prof.size_sigma);
  p.growth = rng.Uniform(prof.growth_lo, prof.growth_hi);
  p.claims_refunds = rng.Bernoulli(prof.refund_claimant);
  p.borrows = rng.Bernoulli(prof.borrower);
  p.market_bias = static_cast<int>(rng.Below(kMarkets.size()));
  p.market_focus = rng.Uniform(0.0, 0.6);
  if (a == Archetype::kDistressedSeller) p.decline_start = rng.Uniform(90, 300);
  if (a == Archetype::kDormantShell) p.active_share = rng.Uniform(0.05, 0.3);
  if (a == Archetype::kTaxRefundFraud) p.market_focus = rng.Uniform(0.5, 0.9);
  if (a == Archetype::kSteadyExporter || a == Archetype::kFastGrower) {
    const double u = rng.Uniform();
    p.aeo_advanced = r < 0.08 && u < 0.35;
    p.aeo_certified = !p.aeo_advanced && r < 0.15 && u < 0.6;
  }
  g.counterfeit = a == Archetype::kCounterfeitSeller;
  g.fraud = a == Archetype::kTaxRefundFraud;
  g.shell = a == Archetype::kDormantShell;
  const double tenure_days = 60.0 + rng.LogNormal(prof.tenure_mu, prof.tenure_sigma);

  g.as_of = g.options.as_of_seconds;
  g.as_of_day = g.as_of >= 0 ? g.as_of / kDay : (g.as_of - kDay + 1) / kDay;
  g.registered = g.as_of - static_cast<std::int64_t>(tenure_days * kDay);
  g.start_day = std::max(g.as_of_day - g.options.history_days, g.registered / kDay + 1);
  g.last_day = g.as_of_day;  // events on the as_of day are cut at as_of
}

void WriteRequestHeader(Generation& g) {
  v1::ScoreRequest& req = g.out.request;
  g.eid = "ent-" + Num(g.options.seed) + "-" + Num(g.index);
  req.set_request_id("sim-" + Num(g.options.seed) + "-" + Num(g.index));
  req.mutable_as_of()->set_seconds(g.as_of);
  for (const SimFxRate& fx : kFx) {
    v1::FxRate* rate = req.add_fx_rates();
    rate->set_currency_code(fx.currency);
    rate->set_rate(fx.rate);
  }
  v1::Enterprise* ent = req.mutable_enterprise();
  ent->set_id(g.eid);
  ent->set_name("Simulated enterprise " + Num(g.index));
  ent->mutable_registered_at()->set_seconds(g.registered);
  static constexpr std::array<const char*, 5> kZones = {
      "CBEC pilot zone Hangzhou", "CBEC pilot zone Shenzhen", "CBEC pilot zone Ningbo",
      "CBEC pilot zone Guangzhou", "CBEC pilot zone Yiwu"};
  static constexpr std::array<const char*, 6> kSectors = {
      "apparel", "consumer_electronics", "home_goods", "toys", "beauty", "sporting_goods"};
  ent->set_zone(kZones[g.rng.Below(kZones.size())]);
  ent->set_sector(kSectors[g.rng.Below(kSectors.size())]);
  ent->set_country("CN");
  if (g.p.aeo_advanced || g.p.aeo_certified) {
    v1::Certification* c = ent->add_certifications();
    c->set_scheme("AEO");
    c->set_level(g.p.aeo_advanced ? "advanced" : "certified");
    c->mutable_valid_from()->set_seconds(std::max(g.registered, g.as_of - 900 * kDay));
  }
}

// Risk drives expiry and revocation of the CBEC filing.
void AddLicences(Generation& g, Builder& b) {
  Rng& rng = g.rng;
  const double r = g.p.r;
  const bool revoked = rng.Bernoulli(0.002 + 0.05 * r * r + (g.counterfeit ? 0.05 : 0));
  const bool expired = !revoked && rng.Bernoulli(0.01 + 0.15 * r * r + (g.shell ? 0.25 : 0));
  static constexpr std::array<const char*, 3> kTypes = {"customs_registration", "export_operator",
                                                        "cbec_filing"};
  v1::Enterprise* ent = g.out.request.mutable_enterprise();
  for (std::size_t i = 0; i < kTypes.size(); ++i) {
    v1::Licence* l = ent->add_licences();
    l->set_type(kTypes[i]);
    l->set_number("L" + Num(g.index) + "-" + Num(i));
    l->mutable_granted_at()->set_seconds(g.registered + 20 * kDay);
    l->set_status(v1::LICENCE_STATUS_ACTIVE);
    const std::int64_t granted = g.registered + 20 * kDay;
    v1::Event* e =
        granted >= g.start_day * kDay ? b.Add(v1::EVENT_KIND_LICENCE_GRANTED, granted) : nullptr;
    if (e != nullptr) {
      e->set_counterparty(i == 0 ? "customs" : "commerce_bureau");
      e->set_status(kTypes[i]);
    }
    if (i == 2 && (revoked || expired)) {
      const std::int64_t when = g.as_of - rng.Int(5, 200) * kDay;
      l->set_status(revoked ? v1::LICENCE_STATUS_REVOKED : v1::LICENCE_STATUS_EXPIRED);
      l->mutable_expires_at()->set_seconds(when);
      if (auto* ev = b.Add(
              revoked ? v1::EVENT_KIND_LICENCE_REVOKED : v1::EVENT_KIND_LICENCE_EXPIRED, when)) {
        ev->set_counterparty("commerce_bureau");
        ev->set_status(kTypes[i]);
      }
    } else {
      l->mutable_expires_at()->set_seconds(g.as_of + rng.Int(20, 1500) * kDay);
    }
  }
}

// Drawn from the latent risk (not from the observed history), so a model that reads the
// history recovers the risk only as far as the history reveals it.
void DrawLabels(Generation& g) {
  static constexpr std::array<double, kArchetypeCount> kDefaultShift = {0.0, 0.2, 0.9,
                                                                        0.3, 0.0, 0.4};
  static constexpr std::array<double, kArchetypeCount> kViolationShift = {0.0, 0.0, -0.3,
                                                                          1.2, 1.0, 0.6};
  SimulatedEnterprise& out = g.out;
  const double r = g.p.r;
  const auto ai = static_cast<std::size_t>(out.archetype);
  // --risk-shift F: the odds of each outcome times F (0 when F = 1, the default).
  const double shift = std::log(g.options.risk_shift);
  out.p_default = g.p.borrows || out.archetype == Archetype::kDistressedSeller
                      ? Logistic(-4.6 + 5.0 * r + kDefaultShift[ai] + shift)
                      : Logistic(-5.6 + 4.0 * r + kDefaultShift[ai] + shift);
  out.p_violation = Logistic(-5.4 + 4.2 * r + kViolationShift[ai] + shift);
  out.labels.default_12m = g.rng.Bernoulli(out.p_default);
  out.labels.violation_12m = g.rng.Bernoulli(out.p_violation);
}

}  // namespace credence::sim
