// The stream mode of the simulator: merged histories and injected attacks. See stream.h.
#include "sim/stream.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/event_builder.h"
#include "sim/generation.h"
#include "sim/rng.h"

namespace credence::sim {
namespace {

// Destinations outside the simulated markets, including jurisdictions under FATF's call for
// action or EU restrictive measures: where a dormant account suddenly ships.
constexpr const char* kNewMarkets[] = {"IR", "KP", "MM", "RU", "BY", "VE", "NG", "PK"};
constexpr std::uint64_t kAttackStream = 0x5eedA77AC4EDull;

// Appends the attack's events to one enterprise's request: ids "<enterprise>-s<k>".
class Injector {
 public:
  Injector(v1::ScoreRequest& r, std::int64_t as_of) : r_(r), as_of_(as_of) {}
  v1::Event* Add(v1::EventKind kind, std::int64_t t) {
    if (t > as_of_) return nullptr;
    v1::Event* e = r_.add_events();
    e->set_id(r_.enterprise().id() + "-s" + Num(static_cast<std::uint64_t>(++count_)));
    e->set_kind(kind);
    e->mutable_time()->set_seconds(t);
    if (first_id_.empty()) first_id_ = e->id();
    return e;
  }
  int count() const { return count_; }
  const std::string& first_id() const { return first_id_; }

 private:
  v1::ScoreRequest& r_;
  std::int64_t as_of_;
  int count_ = 0;
  std::string first_id_;
};

// Completed orders of the 30 days before `t`.
std::vector<const v1::Event*> RecentOrders(const v1::ScoreRequest& r, std::int64_t t) {
  std::vector<const v1::Event*> out;
  for (const v1::Event& e : r.events()) {
    if (e.kind() == v1::EVENT_KIND_ORDER && e.status() == "completed" && e.time().seconds() <= t &&
        e.time().seconds() > t - 30 * kDay) {
      out.push_back(&e);
    }
  }
  return out;
}

// Refunds or chargebacks of recent orders: `n` over `span` seconds, amounts x `scale`.
void Reversals(Injector& in, Rng& rng, const v1::ScoreRequest& r, v1::EventKind kind, int n,
               std::int64_t start, std::int64_t span, double scale) {
  const std::vector<const v1::Event*> orders = RecentOrders(r, start);
  std::vector<std::pair<std::string, v1::Money>> refs;
  for (const v1::Event* o : orders) refs.emplace_back(o->id(), o->amount());
  for (int k = 0; k < n; ++k) {
    v1::Event* e = in.Add(kind, start + span * k / n + rng.Int(0, span / n));
    if (e == nullptr) continue;
    if (refs.empty()) {
      SetMoney(e->mutable_amount(), "USD", Fen(scale * 40));
    } else {
      const auto& [id, money] = refs[rng.Below(refs.size())];
      e->set_reference_id(id);
      SetMoney(e->mutable_amount(), money.currency_code().c_str(),
               std::max<std::int64_t>(
                   1, std::llround(static_cast<double>(money.minor_units()) * scale)));
    }
    e->set_status(kind == v1::EVENT_KIND_REFUND ? "completed" : "open");
  }
}

// No trade for 90 days before `start`, then orders to new, partly high-risk destinations.
void DormantNewMarkets(Injector& in, Rng& rng, v1::ScoreRequest& r, std::int64_t start) {
  auto* events = r.mutable_events();
  events->erase(std::remove_if(events->begin(), events->end(),
                               [&](const v1::Event& e) {
                                 return e.time().seconds() >= start - 90 * kDay &&
                                        e.time().seconds() < start;
                               }),
                events->end());
  std::vector<const char*> markets(std::begin(kNewMarkets), std::end(kNewMarkets));
  for (std::size_t k = markets.size() - 1; k > 0; --k)
    std::swap(markets[k], markets[rng.Below(k + 1)]);
  for (int k = 0; k < 20; ++k) {
    v1::Event* o = in.Add(v1::EVENT_KIND_ORDER, start + k * 8640 + rng.Int(0, 3600));
    if (o == nullptr) continue;
    SetMoney(o->mutable_amount(), "USD", Fen(rng.Uniform(300, 900)));
    o->set_destination_country(markets[static_cast<std::size_t>(k % 6)]);
    o->set_origin_country("CN");
    o->set_counterparty("nb" + Num(rng.Below(1000)));
    o->set_channel("own_site");
    o->set_status("completed");
  }
}

// The attack of one enterprise, drawn from its own random stream.
AttackLabel Inject(const StreamOptions& o, std::uint64_t index, v1::ScoreRequest& r) {
  AttackLabel label;
  label.enterprise_id = r.enterprise().id();
  Rng rng(o.sim.seed ^ kAttackStream, index);
  if (!rng.Bernoulli(o.attack_share)) return label;
  label.attack = static_cast<Attack>(1 + rng.Below(kAttackCount - 1));
  const std::int64_t as_of = o.sim.as_of_seconds;
  const std::int64_t start = as_of - rng.Int(3 * kDay, 60 * kDay);
  label.start_seconds = start;
  Injector in(r, as_of);
  switch (label.attack) {
    case Attack::kRefundSpike:
      Reversals(in, rng, r, v1::EVENT_KIND_REFUND, 25, start, kDay, rng.Uniform(2, 5));
      break;
    case Attack::kChargebackBurst:
      Reversals(in, rng, r, v1::EVENT_KIND_CHARGEBACK, 12, start, 2 * kDay, 1.0);
      break;
    case Attack::kCounterfeitBurst:
      for (int k = 0; k < 4; ++k) {
        if (v1::Event* e = in.Add(v1::EVENT_KIND_COUNTERFEIT_SEIZURE, start + k * 30 * 3600)) {
          e->set_counterparty("customs");
          e->set_status("seized");
          SetString(e, "hs_code", k % 2 == 0 ? "6403" : "4202");
        }
      }
      break;
    case Attack::kDormantNewMarkets:
      DormantNewMarkets(in, rng, r, start);
      break;
    case Attack::kListedPayout:
      if (v1::Event* e = in.Add(v1::EVENT_KIND_PAYMENT, start)) {
        SetMoney(e->mutable_amount(), "USD", Fen(rng.Uniform(2000, 20000)));
        e->set_counterparty(ListedCounterparty(static_cast<int>(rng.Below(kListedCounterparties))));
        e->set_channel("wire");
        e->set_status("settled");
      }
      break;
    case Attack::kNone:
      break;
  }
  label.first_event_id = in.first_id();
  label.events = in.count();
  return label;
}

}  // namespace

std::string_view AttackName(Attack a) noexcept {
  switch (a) {
    case Attack::kNone:
      return "none";
    case Attack::kRefundSpike:
      return "refund_spike";
    case Attack::kChargebackBurst:
      return "chargeback_burst";
    case Attack::kCounterfeitBurst:
      return "counterfeit_burst";
    case Attack::kDormantNewMarkets:
      return "dormant_new_markets";
    case Attack::kListedPayout:
      return "listed_payout";
  }
  return "unknown";
}

std::string ListedCounterparty(int i) {
  std::string n = Num(static_cast<std::uint64_t>(i + 1));
  return "acct-blocked-" + std::string(4 - std::min<std::size_t>(4, n.size()), '0') + n;
}

Result<SimulatedStream> SimulateStream(const StreamOptions& options) {
  CREDENCE_RETURN_IF_ERROR(ValidateOptions(options.sim));
  if (!(options.attack_share >= 0 && options.attack_share <= 1)) {
    return Status(StatusCode::kInvalidArgument, "attack share must be in [0, 1]");
  }
  if (options.enterprises > 1'000'000) {
    return Status(StatusCode::kInvalidArgument, "a stream holds at most 1,000,000 enterprises");
  }
  SimulatedStream out;
  std::vector<v1::ScoreRequest> histories;
  for (std::uint64_t i = 0; i < options.enterprises; ++i) {
    v1::ScoreRequest r = SimulateEnterprise(options.sim, i).request;
    out.labels.push_back(Inject(options, i, r));
    std::stable_sort(r.mutable_events()->begin(), r.mutable_events()->end(),
                     [](const v1::Event& a, const v1::Event& b) {
                       return a.time().seconds() < b.time().seconds();
                     });
    histories.push_back(std::move(r));
  }
  // (time, enterprise, position) for every event: the merge order.
  std::vector<std::tuple<std::int64_t, std::uint32_t, std::uint32_t>> order;
  for (std::uint32_t i = 0; i < histories.size(); ++i) {
    for (int k = 0; k < histories[i].events_size(); ++k) {
      order.emplace_back(histories[i].events(k).time().seconds(), i, static_cast<std::uint32_t>(k));
    }
  }
  std::sort(order.begin(), order.end());
  out.requests.reserve(order.size());
  for (const auto& [t, i, k] : order) {
    const v1::ScoreRequest& r = histories[i];
    v1::ScreenRequest& s = out.requests.emplace_back();
    s.set_request_id(r.events(static_cast<int>(k)).id());
    *s.mutable_enterprise() = r.enterprise();
    *s.mutable_event() = r.events(static_cast<int>(k));
    *s.mutable_fx_rates() = r.fx_rates();
  }
  return out;
}

std::string AttackLabelRow(const AttackLabel& label) {
  std::string row = label.enterprise_id + "," + std::string(AttackName(label.attack)) + ",";
  if (label.attack != Attack::kNone) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(label.start_seconds);
    row +=
        google::protobuf::util::TimeUtil::ToString(ts) + "," + std::to_string(label.start_seconds);
  } else {
    row += ",";
  }
  return row + "," + label.first_event_id + "," + std::to_string(label.events);
}

}  // namespace credence::sim
