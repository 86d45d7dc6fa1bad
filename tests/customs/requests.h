// Hand-built requests for the customs credit lifecycle tests, dated relative to as_of: a
// spotless cross-border history and the facts the golden table adds to it.
#ifndef CREDENCE_TESTS_CUSTOMS_REQUESTS_H_
#define CREDENCE_TESTS_CUSTOMS_REQUESTS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "credence/engine.h"
#include "credence/v1/score.pb.h"

namespace credence::testing {

inline constexpr std::int64_t kAsOf = 1790812800;  // 2026-10-01T00:00:00Z
inline constexpr std::int64_t kDay = 86400;

// Seconds `days` before as_of (negative: after).
inline std::int64_t DaysAgo(double days) {
  return kAsOf - static_cast<std::int64_t>(days * static_cast<double>(kDay));
}

inline v1::Event* AddEvent(v1::ScoreRequest& r, const std::string& id, v1::EventKind kind,
                           double days_ago) {
  v1::Event* e = r.add_events();
  e->set_id(id);
  e->set_kind(kind);
  e->mutable_time()->set_seconds(DaysAgo(days_ago));
  return e;
}

inline void Cny(v1::Event* e, std::int64_t yuan) {
  e->mutable_amount()->set_currency_code("CNY");
  e->mutable_amount()->set_minor_units(yuan * 100);
}

// A registered exporter with six years of tenure, valid customs registration and export
// licences, and two years of weekly completed orders (CNY 1,000 each, 52 buyers, three
// markets) that were shipped and delivered on time. It hits no rule of the cross-border
// bundle: composite 100.
inline v1::ScoreRequest SpotlessRequest(const std::string& id) {
  v1::ScoreRequest r;
  r.set_request_id(id);
  r.mutable_as_of()->set_seconds(kAsOf);
  v1::Enterprise* e = r.mutable_enterprise();
  e->set_id("ent-" + id);
  e->set_country("CN");
  e->mutable_registered_at()->set_seconds(DaysAgo(6 * 365));
  for (const char* type : {"customs_registration", "export_operator"}) {
    v1::Licence* l = e->add_licences();
    l->set_type(type);
    l->set_status(v1::LICENCE_STATUS_ACTIVE);
    l->mutable_granted_at()->set_seconds(DaysAgo(6 * 365 - 20));
  }
  const char* markets[] = {"US", "DE", "JP"};
  for (int w = 0; w < 104; ++w) {
    const double ago = 3.5 + 7.0 * w;
    const std::string n = std::to_string(w);
    v1::Event* o = AddEvent(r, "o" + n, v1::EVENT_KIND_ORDER, ago);
    Cny(o, 1000);
    o->set_status("completed");
    o->set_counterparty("buyer-" + std::to_string(w % 52));
    o->set_destination_country(markets[w % 3]);
    o->set_channel("own_site");
    v1::Event* s = AddEvent(r, "s" + n, v1::EVENT_KIND_SHIPMENT, ago - 1);
    s->set_reference_id("o" + n);
    s->set_status("on_time");
    (*s->mutable_attributes())["tracking_valid"].set_bool_value(true);
    v1::Event* d = AddEvent(r, "d" + n, v1::EVENT_KIND_DELIVERY, ago - 2.5);
    d->set_reference_id("s" + n);
    d->set_status("delivered");
    (*d->mutable_attributes())["on_time"].set_bool_value(true);
  }
  return r;
}

// An AEO certificate valid in [from, until) (days before as_of; until < 0 = in the future,
// no_until = no expiry).
inline void AddAeo(v1::ScoreRequest& r, const char* level, double from_days_ago,
                   double until_days_ago, bool no_until = false) {
  v1::Certification* c = r.mutable_enterprise()->add_certifications();
  c->set_scheme("AEO");
  c->set_level(level);
  c->mutable_valid_from()->set_seconds(DaysAgo(from_days_ago));
  if (!no_until) c->mutable_valid_until()->set_seconds(DaysAgo(until_days_ago));
}

// A customs administrative penalty (smuggling or not) of CNY `yuan`, status = its class.
inline v1::Event* AddPenalty(v1::ScoreRequest& r, const std::string& id, double days_ago,
                             const char* status, bool smuggling, std::int64_t yuan) {
  v1::Event* p = AddEvent(r, id, v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, days_ago);
  p->set_counterparty("customs");
  p->set_status(status);
  Cny(p, yuan);
  (*p->mutable_attributes())["authority"].set_string_value("customs");
  (*p->mutable_attributes())["smuggling"].set_bool_value(smuggling);
  return p;
}

// A repair application for `info_id` and, when `outcome` is set, its outcome.
inline void AddRepair(v1::ScoreRequest& r, const std::string& info_id, double applied_days_ago,
                      const char* outcome, double decided_days_ago) {
  v1::Event* a =
      AddEvent(r, "app-" + info_id, v1::EVENT_KIND_CREDIT_REPAIR_APPLICATION, applied_days_ago);
  a->set_reference_id(info_id);
  if (outcome == nullptr) return;
  v1::Event* o =
      AddEvent(r, "out-" + info_id, v1::EVENT_KIND_CREDIT_REPAIR_OUTCOME, decided_days_ago);
  o->set_reference_id(a->id());
  o->set_status(outcome);
}

// The official customs grade, effective `days_ago`.
inline void SetOfficial(v1::ScoreRequest& r, const char* grade, double days_ago) {
  v1::CustomsGrade* g = r.mutable_enterprise()->mutable_customs_grade();
  g->set_grade(grade);
  g->mutable_effective_at()->set_seconds(DaysAgo(days_ago));
}

}  // namespace credence::testing

#endif  // CREDENCE_TESTS_CUSTOMS_REQUESTS_H_
