// Trade: orders by day and what follows each order. See generation.h and
// docs/simulator.md ("Trade flows").
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "sim/calendar.h"
#include "sim/generation.h"

namespace credence::sim {
namespace {

// What one enterprise's trade draws once, and its event rates.
struct TradeSetup {
  std::array<double, kMarkets.size()> market_w{};
  std::size_t main_channel = 0, second_channel = 0;
  double channel_focus = 0, avg_order_cny = 0;
  int buyer_pool = 0;
  double p_cancel = 0, p_refund = 0, p_late_refund = 0, p_dispute = 0, p_chargeback = 0,
         p_complaint = 0, handling_mean = 0, p_bad_tracking = 0, p_lost = 0;
};

TradeSetup DrawTradeSetup(Generation& g) {
  const Params& p = g.p;
  TradeSetup s;
  for (std::size_t i = 0; i < kMarkets.size(); ++i) {
    s.market_w[i] = kMarkets[i].weight * (1.0 - p.market_focus) +
                    (static_cast<int>(i) == p.market_bias ? p.market_focus : 0.0);
  }
  s.main_channel = g.rng.Below(kChannels.size() - 1);
  s.second_channel = g.rng.Below(kChannels.size());
  s.channel_focus = g.rng.Uniform(0.5, 0.95);
  s.avg_order_cny = g.rng.LogNormal(std::log(260.0), 0.5);
  s.buyer_pool = 200 + static_cast<int>(g.rng.Below(5000));
  const double r = p.r;
  s.p_cancel = 0.004 + 0.04 * r;
  s.p_refund = 0.02 + 0.10 * r + (g.counterfeit ? 0.06 : 0.0);
  s.p_late_refund = 0.05 + 0.45 * r;
  s.p_dispute = 0.003 + 0.025 * r + (g.counterfeit ? 0.02 : 0.0);
  s.p_chargeback = 0.001 + 0.012 * r + (g.counterfeit ? 0.008 : 0.0);
  s.p_complaint = 0.002 + 0.02 * r + (g.counterfeit ? 0.01 : 0.0);
  s.handling_mean = 0.6 + 3.0 * r;
  s.p_bad_tracking = 0.005 + 0.05 * r + (g.fraud || g.counterfeit ? 0.06 : 0.0);
  s.p_lost = 0.004 + 0.02 * r;
  return s;
}

// Orders per day: base rate, seasonality, growth, a distressed seller's decline, a dormant
// shell's rare active days (a draw).
double OrderRate(Generation& g, std::int64_t day) {
  const Params& p = g.p;
  const double years_before = static_cast<double>(g.as_of_day - day) / 365.0;
  double rate = p.base_rate * Seasonality(day) * std::exp(-p.growth * years_before);
  if (p.decline_start > 0 && static_cast<double>(g.as_of_day - day) < p.decline_start) {
    const double into = p.decline_start - static_cast<double>(g.as_of_day - day);
    rate *= std::exp(-into / 120.0);
  }
  if (g.shell) rate *= g.rng.Bernoulli(p.active_share) ? 1.0 / p.active_share : 0.0;
  return rate;
}

// An order that stands (not cancelled, inside the history).
struct Order {
  std::int64_t t = 0;
  const Market* m = nullptr;
  double cny = 0;
  std::int64_t minor = 0;
  v1::Event* event = nullptr;
  std::string id;
};

// Writes one order placed on `day`; false when it falls outside the history or is cancelled.
bool AddOrder(Generation& g, Builder& b, const TradeSetup& s, std::int64_t day, Order& o) {
  Rng& rng = g.rng;
  o.t = day * kDay + rng.Int(6 * 3600, 23 * 3600);
  o.m = &kMarkets[rng.Choice(s.market_w)];
  o.cny = s.avg_order_cny * rng.LogNormal(-0.18, 0.6);
  v1::Event* order = b.Add(v1::EVENT_KIND_ORDER, o.t);
  if (order == nullptr) return false;
  o.minor = MinorUnits(o.cny, *o.m);
  SetMoney(order->mutable_amount(), o.m->currency, o.minor);
  order->set_counterparty("b" + Num(rng.Below(static_cast<std::uint64_t>(s.buyer_pool))));
  order->set_destination_country(o.m->country);
  order->set_origin_country("CN");
  order->set_channel(kChannels[rng.Bernoulli(s.channel_focus) ? s.main_channel : s.second_channel]);
  const bool cancelled = rng.Bernoulli(s.p_cancel);
  order->set_status(cancelled ? "cancelled" : "completed");
  o.event = order;
  o.id = order->id();
  return !cancelled;
}

// Shipment after the handling time ("late" after 3 days, the marketplace dispatch SLA; the
// CNY shutdown stretches handling), then delivery. False when the shipment is not in the
// history (nothing else follows the order then).
bool AddShipment(Generation& g, Builder& b, const TradeSetup& s, std::int64_t day, const Order& o) {
  Rng& rng = g.rng;
  const double cny_delay = Seasonality(day) < 0.5 ? 4.0 : 0.0;
  const double handling = rng.Exponential(s.handling_mean) + cny_delay;
  const std::int64_t ship_t = o.t + static_cast<std::int64_t>(handling * kDay);
  v1::Event* ship = b.Add(v1::EVENT_KIND_SHIPMENT, ship_t);
  if (ship == nullptr) return false;
  ship->set_reference_id(o.id);
  ship->set_destination_country(o.m->country);
  ship->set_status(handling > 3.0 ? "late" : "on_time");
  SetBool(ship, "tracking_valid", !rng.Bernoulli(s.p_bad_tracking));
  const std::string ship_id = ship->id();
  const double transit = rng.LogNormal(std::log(8.0), 0.4);
  const double u = rng.Uniform();
  if (v1::Event* del =
          b.Add(v1::EVENT_KIND_DELIVERY, ship_t + static_cast<std::int64_t>(transit * kDay))) {
    del->set_reference_id(ship_id);
    del->set_destination_country(o.m->country);
    del->set_status(u < s.p_lost ? "lost" : u < s.p_lost + 0.004 ? "damaged" : "delivered");
    SetBool(del, "on_time", transit + handling <= 15.0);
  }
  return true;
}

// A refund (after a return 60% of the time), late with a risk-driven probability.
void AddRefund(Generation& g, Builder& b, const TradeSetup& s, const Order& o) {
  Rng& rng = g.rng;
  if (!rng.Bernoulli(s.p_refund)) return;
  const double after = rng.Uniform(5, 30);
  const bool with_return = rng.Bernoulli(0.6);
  if (with_return) {
    if (v1::Event* ret =
            b.Add(v1::EVENT_KIND_RETURN, o.t + static_cast<std::int64_t>(after * kDay))) {
      ret->set_reference_id(o.id);
      ret->set_destination_country(o.m->country);
      ret->set_status("received");
    }
  }
  const bool late = rng.Bernoulli(s.p_late_refund);
  const double pay_after = after + (late ? rng.Uniform(8, 30) : rng.Uniform(0.5, 6));
  if (v1::Event* ref =
          b.Add(v1::EVENT_KIND_REFUND, o.t + static_cast<std::int64_t>(pay_after * kDay))) {
    ref->set_reference_id(o.id);
    const double share = rng.Bernoulli(0.8) ? 1.0 : rng.Uniform(0.2, 0.9);
    SetMoney(ref->mutable_amount(), o.m->currency,
             std::max<std::int64_t>(1, std::llround(static_cast<double>(o.minor) * share)));
    ref->set_channel(o.event->channel());
    ref->set_status(late ? "late" : "completed");
  }
}

// A dispute and its resolution, a chargeback, a consumer complaint.
void AddDisputes(Generation& g, Builder& b, const TradeSetup& s, const Order& o) {
  Rng& rng = g.rng;
  const double r = g.p.r;
  if (rng.Bernoulli(s.p_dispute)) {
    const std::int64_t opened = o.t + rng.Int(7, 45) * kDay;
    if (v1::Event* d = b.Add(v1::EVENT_KIND_DISPUTE_OPENED, opened)) {
      d->set_reference_id(o.id);
      d->set_channel(o.event->channel());
      SetMoney(d->mutable_amount(), o.m->currency, o.minor);
      const std::string dispute_id = d->id();
      if (v1::Event* res = b.Add(v1::EVENT_KIND_DISPUTE_RESOLVED, opened + rng.Int(5, 40) * kDay)) {
        res->set_reference_id(dispute_id);
        res->set_status(rng.Bernoulli(0.25 + 0.5 * r) ? "buyer_won" : "seller_won");
      }
    }
  }
  if (rng.Bernoulli(s.p_chargeback)) {
    if (v1::Event* cb = b.Add(v1::EVENT_KIND_CHARGEBACK, o.t + rng.Int(10, 75) * kDay)) {
      cb->set_reference_id(o.id);
      cb->set_channel(o.event->channel());
      SetMoney(cb->mutable_amount(), o.m->currency, o.minor);
      cb->set_status(rng.Bernoulli(0.7) ? "lost" : "won");
    }
  }
  if (rng.Bernoulli(s.p_complaint)) {
    if (v1::Event* c = b.Add(v1::EVENT_KIND_CONSUMER_COMPLAINT, o.t + rng.Int(3, 60) * kDay)) {
      c->set_reference_id(o.id);
      c->set_destination_country(o.m->country);
      c->set_counterparty(rng.Bernoulli(0.8) ? "platform" : "regulator_hotline");
      c->set_status(rng.Bernoulli(0.3 + 0.5 * r) ? "upheld" : "dismissed");
    }
  }
}

}  // namespace

std::vector<WeekSales> AddTrade(Generation& g, Builder& b) {
  const TradeSetup s = DrawTradeSetup(g);
  g.main_channel = s.main_channel;
  std::vector<WeekSales> weeks(static_cast<std::size_t>((g.last_day - g.start_day) / 7 + 2));
  for (std::int64_t day = g.start_day; day <= g.last_day; ++day) {
    const std::int64_t n = g.rng.Poisson(OrderRate(g, day));
    for (std::int64_t k = 0; k < n; ++k) {
      Order o;
      if (!AddOrder(g, b, s, day, o)) continue;
      WeekSales& wk = weeks[static_cast<std::size_t>((day - g.start_day) / 7)];
      wk.sales_cny += o.cny;
      ++wk.orders;
      if (!AddShipment(g, b, s, day, o)) continue;
      AddRefund(g, b, s, o);
      AddDisputes(g, b, s, o);
    }
  }
  return weeks;
}

}  // namespace credence::sim
