// The customs credit lifecycle of a simulated enterprise (GACC Order 282; docs/simulator.md,
// "Customs credit"): AEO certificate validity, the cause of dishonest listings, taxes unpaid
// beyond the limit, credit-repair applications and outcomes, and the official customs grade.
//
// The stage runs last, after the labels, and draws from its own random stream (the
// enterprise's seed salted), so the histories and labels the earlier stages draw are
// unchanged; it only adds events (continuing the Builder's ids) and fields. The official
// grade is derived from the simulated facts by this file's own reading of the measures — an
// implementation independent of the engine's — and is then made stale or noisy for a few
// enterprises, so that reconciling it with the engine's grade has something to find.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/generation.h"

namespace credence::sim {
namespace {

constexpr std::uint64_t kStreamSalt = 0xC4ED17A0C0DE2026ULL;
constexpr std::int64_t kYear = 365 * kDay;

// One fact that makes an enterprise dishonest, as this simulator reads the measures.
struct Fact {
  std::string event_id;
  std::int64_t at = 0;     // identification (or payment, for arrears)
  std::int64_t wait = 0;   // repair waiting period
  bool serious = false;    // a serious-dishonest listing: seriously dishonest
  bool repairable = true;  // serious listings and serious penalties are not
  bool cleared = true;     // false: overdue taxes not yet paid
  std::optional<std::int64_t> repaired;
};

const v1::AttributeValue* Attr(const v1::Event& e, const char* name) {
  const auto it = e.attributes().find(name);
  return it == e.attributes().end() ? nullptr : &it->second;
}

// The AEO certificate: five-year validity (re-examination), expired for some, not yet valid
// for a few; some non-AEOs carry a certificate that expired.
void SetCertificates(Generation& g, Rng& rng) {
  v1::Enterprise* ent = g.out.request.mutable_enterprise();
  const double u = rng.Uniform();
  const double v = rng.Uniform();
  const std::int64_t ago = rng.Int(10, 400) * kDay;
  if (ent->certifications_size() == 0) {
    const bool had =
        (g.p.archetype == Archetype::kSteadyExporter || g.p.archetype == Archetype::kFastGrower) &&
        u < 0.05;
    if (!had || g.registered > g.as_of - ago - 400 * kDay) return;
    v1::Certification* c = ent->add_certifications();
    c->set_scheme("AEO");
    c->set_level(v < 0.4 ? "advanced" : "certified");
    c->mutable_valid_until()->set_seconds(g.as_of - ago);
    c->mutable_valid_from()->set_seconds(std::max(g.registered, g.as_of - ago - 5 * kYear));
    return;
  }
  v1::Certification* c = ent->mutable_certifications(0);
  if (u < 0.15 && g.registered < g.as_of - ago - 30 * kDay) {
    c->mutable_valid_until()->set_seconds(g.as_of - ago);
    c->mutable_valid_from()->set_seconds(std::max(g.registered, g.as_of - ago - 5 * kYear));
  } else if (u < 0.17) {
    c->mutable_valid_from()->set_seconds(g.as_of + rng.Int(5, 60) * kDay);
    c->mutable_valid_until()->set_seconds(c->valid_from().seconds() + 5 * kYear);
  } else {
    c->mutable_valid_until()->set_seconds(c->valid_from().seconds() + 5 * kYear);
  }
}

// Names the cause of each dishonest listing and collects the facts already in the history:
// smuggling penalties and findings, listings, taxes paid more than 90 days late.
std::vector<Fact> CollectFacts(Generation& g, Rng& rng) {
  std::vector<Fact> facts;
  for (v1::Event& e : *g.out.request.mutable_events()) {
    Fact f{e.id(), e.time().seconds(), kYear, false, true, true, std::nullopt};
    if (e.kind() == v1::EVENT_KIND_CUSTOM && e.custom_kind() == "dishonest_listing") {
      static constexpr std::array<const char*, 4> kCauses = {"smuggling", "violation_ratio",
                                                             "tax_arrears", "other"};
      const std::size_t k = g.counterfeit || g.fraud ? rng.Below(2) : rng.Below(kCauses.size());
      (*e.mutable_attributes())["cause"].set_string_value(kCauses[k]);
      f.serious = e.status() == "serious";
      f.repairable = !f.serious;
      f.wait = k == 1 ? 180 * kDay : k == 2 ? 90 * kDay : kYear;
    } else if (e.kind() == v1::EVENT_KIND_ADMINISTRATIVE_PENALTY) {
      const v1::AttributeValue* smuggling = Attr(e, "smuggling");
      if (smuggling == nullptr || !smuggling->bool_value()) continue;
      f.repairable = e.status() != "serious";  // a serious penalty is not repairable
    } else if (e.kind() == v1::EVENT_KIND_TAX_PAYMENT) {
      const v1::AttributeValue* late = Attr(e, "days_late");
      if (late == nullptr || late->int_value() <= 90) continue;  // paid beyond the limit
      f.wait = 90 * kDay;
    } else if (e.kind() != v1::EVENT_KIND_CUSTOMS_INSPECTION || e.status() != "smuggling") {
      continue;
    }
    facts.push_back(std::move(f));
  }
  return facts;
}

// Taxes unpaid three months after the deadline for some risky enterprises; most pay later.
void AddTaxArrears(Generation& g, Builder& b, Rng& rng, std::vector<Fact>& facts) {
  const double r = g.p.r;
  const bool arrears = rng.Bernoulli(0.01 + 0.1 * r * r + (g.fraud ? 0.1 : 0.0));
  const std::int64_t day = rng.Int(g.start_day, g.last_day);
  const bool pays = rng.Bernoulli(0.7);
  const std::int64_t late = rng.Int(95, 300);
  if (!arrears) return;
  v1::Event* overdue = b.Add(v1::EVENT_KIND_TAX_PAYMENT, day * kDay + 10 * 3600);
  if (overdue == nullptr) return;
  overdue->set_counterparty("customs");
  overdue->set_status("overdue");
  SetMoney(overdue->mutable_amount(), "CNY", Fen(rng.LogNormal(std::log(80000.0), 0.8)));
  Fact f{overdue->id(), overdue->time().seconds(), 90 * kDay, false, true, false, std::nullopt};
  if (pays) {
    const std::int64_t paid = overdue->time().seconds() + (late - 90) * kDay;
    if (v1::Event* p = b.Add(v1::EVENT_KIND_TAX_PAYMENT, paid)) {
      p->set_counterparty("customs");
      p->set_status("late");
      p->set_reference_id(overdue->id());
      *p->mutable_amount() = overdue->amount();
      SetInt(p, "days_late", late);
      f.at = paid;
      f.cleared = true;
    }
  }
  facts.push_back(std::move(f));
}

// Repair applications after the waiting period; most eligible ones are granted.
void AddRepairs(Generation& g, Builder& b, Rng& rng, std::vector<Fact>& facts) {
  for (Fact& f : facts) {
    const bool applies = rng.Bernoulli(f.repairable ? 0.5 : 0.3);
    const std::int64_t apply_at = f.at + f.wait + rng.Int(0, 60) * kDay;
    const std::int64_t decided_at = apply_at + rng.Int(10, 40) * kDay;
    const bool granted = f.repairable && f.cleared && rng.Bernoulli(0.85);
    if (!applies || !f.cleared) continue;
    v1::Event* app = b.Add(v1::EVENT_KIND_CREDIT_REPAIR_APPLICATION, apply_at);
    if (app == nullptr) continue;
    app->set_counterparty("customs");
    app->set_reference_id(f.event_id);
    if (v1::Event* out = b.Add(v1::EVENT_KIND_CREDIT_REPAIR_OUTCOME, decided_at)) {
      out->set_counterparty("customs");
      out->set_reference_id(app->id());
      out->set_status(granted ? "granted" : "rejected");
      if (granted) f.repaired = decided_at;
    }
  }
}

// The grade customs would hold from the facts, and since when.
std::pair<std::string, std::int64_t> OfficialFromFacts(const Generation& g,
                                                       const std::vector<Fact>& facts) {
  std::optional<std::int64_t> serious, dishonest;
  for (const Fact& f : facts) {
    const bool repaired = f.repaired && *f.repaired <= g.as_of;
    if (f.serious && f.at > g.as_of - 5 * kYear) serious = std::max(serious.value_or(0), f.at);
    if (!f.serious && !repaired && (!f.cleared || f.at > g.as_of - 2 * kYear)) {
      dishonest = std::max(dishonest.value_or(0), f.at);
    }
  }
  if (serious) return {"seriously_dishonest", *serious};
  if (dishonest) return {"dishonest", *dishonest};
  const v1::Enterprise& ent = g.out.request.enterprise();
  for (const v1::Certification& c : ent.certifications()) {
    if (c.valid_from().seconds() > g.as_of || c.valid_until().seconds() <= g.as_of) continue;
    return {c.level() == "advanced" ? "advanced_certified" : "certified", c.valid_from().seconds()};
  }
  std::int64_t since = g.registered + 30 * kDay;
  for (const Fact& f : facts) {
    if (f.repaired && *f.repaired <= g.as_of) since = std::max(since, *f.repaired);
  }
  return {"regular", std::min(since, g.as_of)};
}

// Mostly the grade from the facts; for a few enterprises a stale or a different grade, and
// for 10% none at all.
void SetOfficialGrade(Generation& g, Rng& rng, const std::vector<Fact>& facts) {
  static constexpr std::array<const char*, 5> kGrades = {
      "advanced_certified", "certified", "regular", "dishonest", "seriously_dishonest"};
  auto [grade, since] = OfficialFromFacts(g, facts);
  const double u = rng.Uniform();
  const std::size_t other = rng.Below(kGrades.size());
  if (u < 0.10) return;
  if (u < 0.14) {
    if (since > g.as_of - 90 * kDay) {
      grade = "regular";  // customs has not recorded the latest change yet
      since = g.registered + 30 * kDay;
    }
  } else if (u < 0.17) {
    grade = kGrades[other];  // a decision on facts the request does not carry
  }
  v1::CustomsGrade* official = g.out.request.mutable_enterprise()->mutable_customs_grade();
  official->set_grade(grade);
  official->mutable_effective_at()->set_seconds(std::min(since, g.as_of));
  official->set_reference("sim-" + Num(g.options.seed) + "-" + Num(g.index));
}

}  // namespace

void AddCustomsCredit(Generation& g, Builder& b) {
  Rng rng(g.options.seed ^ kStreamSalt, g.index);
  SetCertificates(g, rng);
  std::vector<Fact> facts = CollectFacts(g, rng);
  AddTaxArrears(g, b, rng, facts);
  AddRepairs(g, b, rng, facts);
  SetOfficialGrade(g, rng, facts);
}

}  // namespace credence::sim
