// Feature evaluation: 100 features (counts, sums, distribution statistics, distinct counts,
// concentration, recency, trends, growth, linked-event measures, ratios) over histories of
// 100, 1,000 and 10,000 events.
//
//   BM_Features/credence  FeaturePlan::Evaluate over an already-ingested EventTable
//   BM_Features/naive     the naive reference (tests/features/naive_reference.h): one
//                         feature at a time, straight loops over the raw request
//   BM_Ingest             ScoreRequest -> EventTable, reported separately for scale
//
// Counters: ns_per_event is the time per history divided by the number of events.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "features/feature_plan.h"
#include "io/ingest.h"
#include "tests/features/naive_reference.h"

namespace credence::bench {
namespace {

constexpr std::int64_t kAsOf = 1790812800;  // 2026-10-01T00:00:00Z
constexpr std::int64_t kDay = 86400;

// Orders (to ~40 counterparties in 6 countries), shipments and deliveries linked to them,
// refunds linked to orders, chargebacks, customs inspections (10% failed), penalties; USD and
// EUR (2 USD per EUR, which the naive evaluator converts itself); over two years; unsorted.
v1::ScoreRequest History(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  v1::ScoreRequest r;
  r.set_request_id("features-" + std::to_string(n));
  r.mutable_enterprise()->mutable_registered_at()->set_seconds(kAsOf - 2000 * kDay);
  r.mutable_as_of()->set_seconds(kAsOf);
  const char* countries[] = {"US", "DE", "FR", "GB", "JP", "AU"};
  std::vector<std::pair<std::string, std::int64_t>> orders, shipments;
  std::int64_t t = kAsOf - 730 * kDay;
  const std::int64_t step = 730 * kDay / n;
  for (int i = 0; i < n; ++i) {
    t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * step + 1));
    if (t > kAsOf) t = kAsOf;
    v1::Event* e = r.add_events();
    e->set_id("e" + std::to_string(i));
    e->mutable_time()->set_seconds(t);
    const int roll = static_cast<int>(rng() % 100);
    auto money = [&](std::int64_t max_minor) {
      e->mutable_amount()->set_currency_code(rng() % 4 == 0 ? "EUR" : "USD");
      e->mutable_amount()->set_minor_units(100 + static_cast<std::int64_t>(rng() % max_minor));
    };
    if (roll < 50 || orders.empty()) {
      e->set_kind(v1::EVENT_KIND_ORDER);
      money(50'000);
      e->set_counterparty("buyer-" + std::to_string(rng() % 40));
      e->set_destination_country(countries[rng() % 6]);
      e->set_channel(rng() % 3 ? "marketplace" : "own_site");
      orders.emplace_back(e->id(), t);
    } else if (roll < 65) {
      e->set_kind(v1::EVENT_KIND_SHIPMENT);
      e->set_reference_id(
          orders[orders.size() - 1 - rng() % std::min<std::size_t>(orders.size(), 5)].first);
      e->set_status(rng() % 8 == 0 ? "late" : "on_time");
      shipments.emplace_back(e->id(), t);
    } else if (roll < 75 && !shipments.empty()) {
      e->set_kind(v1::EVENT_KIND_DELIVERY);
      e->set_reference_id(
          shipments[shipments.size() - 1 - rng() % std::min<std::size_t>(shipments.size(), 5)]
              .first);
    } else if (roll < 85) {
      e->set_kind(v1::EVENT_KIND_REFUND);
      money(10'000);
      e->set_reference_id(orders[rng() % orders.size()].first);
    } else if (roll < 88) {
      e->set_kind(v1::EVENT_KIND_CHARGEBACK);
      money(20'000);
    } else if (roll < 98) {
      e->set_kind(v1::EVENT_KIND_CUSTOMS_INSPECTION);
      e->set_status(rng() % 10 == 0 ? "failed" : "passed");
      e->set_origin_country(rng() % 2 ? "CN" : "VN");
      (*e->mutable_attributes())["days_held"].set_int_value(static_cast<std::int64_t>(rng() % 9));
    } else {
      e->set_kind(v1::EVENT_KIND_ADMINISTRATIVE_PENALTY);
      money(100'000);
    }
  }
  for (int i = r.events_size() - 1; i > 0; --i) {
    r.mutable_events()->SwapElements(i,
                                     static_cast<int>(rng() % static_cast<std::uint64_t>(i + 1)));
  }
  return r;
}

// 100 features, a credit bundle's typical mix.
std::vector<v1::Feature> Features() {
  std::vector<v1::Feature> defs;
  auto add = [&](const std::string& name, std::vector<v1::EventKind> kinds, std::int64_t days,
                 std::int64_t offset_days = 0) -> v1::Feature& {
    v1::Feature& f = defs.emplace_back();
    f.set_name(name);
    for (auto k : kinds) f.mutable_filter()->add_kinds(k);
    if (days > 0) f.mutable_window()->mutable_trailing()->set_seconds(days * kDay);
    if (offset_days > 0) f.mutable_window()->mutable_offset()->set_seconds(offset_days * kDay);
    return f;
  };
  auto agg = [&](const std::string& name, std::vector<v1::EventKind> kinds, std::int64_t days,
                 v1::AggregateOp op, std::int64_t offset_days = 0) -> v1::Aggregate& {
    v1::Aggregate* g = add(name, kinds, days, offset_days).mutable_aggregate();
    g->set_op(op);
    return *g;
  };
  const v1::EventKind kOrder = v1::EVENT_KIND_ORDER, kRefund = v1::EVENT_KIND_REFUND,
                      kChargeback = v1::EVENT_KIND_CHARGEBACK,
                      kInspection = v1::EVENT_KIND_CUSTOMS_INSPECTION,
                      kPenalty = v1::EVENT_KIND_ADMINISTRATIVE_PENALTY;
  const std::int64_t windows[] = {7, 30, 90, 365};
  for (std::int64_t w : windows) {  // 4 x 9 = 36
    const std::string s = "_" + std::to_string(w) + "d";
    agg("orders" + s, {kOrder}, w, v1::AGGREGATE_OP_COUNT);
    agg("order_value" + s, {kOrder}, w, v1::AGGREGATE_OP_SUM);
    agg("order_mean" + s, {kOrder}, w, v1::AGGREGATE_OP_MEAN);
    agg("order_max" + s, {kOrder}, w, v1::AGGREGATE_OP_MAX);
    agg("refunds" + s, {kRefund}, w, v1::AGGREGATE_OP_COUNT);
    agg("refund_value" + s, {kRefund}, w, v1::AGGREGATE_OP_SUM);
    agg("chargebacks" + s, {kChargeback}, w, v1::AGGREGATE_OP_COUNT);
    agg("inspections" + s, {kInspection}, w, v1::AGGREGATE_OP_COUNT);
    add("failed_inspections" + s, {kInspection}, w).mutable_filter()->add_statuses("failed");
    defs.back().mutable_aggregate()->set_op(v1::AGGREGATE_OP_COUNT);
  }
  for (std::int64_t w : {90, 365}) {  // 2 x 12 = 24
    const std::string s = "_" + std::to_string(w) + "d";
    agg("order_std" + s, {kOrder}, w, v1::AGGREGATE_OP_STDDEV_SAMP);
    agg("order_p50" + s, {kOrder}, w, v1::AGGREGATE_OP_QUANTILE).set_quantile(0.5);
    agg("order_p90" + s, {kOrder}, w, v1::AGGREGATE_OP_QUANTILE).set_quantile(0.9);
    agg("order_min" + s, {kOrder}, w, v1::AGGREGATE_OP_MIN);
    agg("buyers" + s, {kOrder}, w, v1::AGGREGATE_OP_DISTINCT_COUNT)
        .set_key(v1::EVENT_FIELD_COUNTERPARTY);
    agg("countries" + s, {kOrder}, w, v1::AGGREGATE_OP_DISTINCT_COUNT)
        .set_key(v1::EVENT_FIELD_DESTINATION_COUNTRY);
    auto& top3 = agg("top3_buyer_share" + s, {kOrder}, w, v1::AGGREGATE_OP_TOP_K_SHARE);
    top3.set_key(v1::EVENT_FIELD_COUNTERPARTY);
    top3.set_weight(v1::SHARE_WEIGHT_VALUE);
    top3.set_top_k(3);
    auto& hhi = agg("buyer_hhi" + s, {kOrder}, w, v1::AGGREGATE_OP_HHI);
    hhi.set_key(v1::EVENT_FIELD_COUNTERPARTY);
    hhi.set_weight(v1::SHARE_WEIGHT_VALUE);
    agg("country_hhi" + s, {kOrder}, w, v1::AGGREGATE_OP_HHI)
        .set_key(v1::EVENT_FIELD_DESTINATION_COUNTRY);
    auto& held = agg("days_held_mean" + s, {kInspection}, w, v1::AGGREGATE_OP_MEAN);
    held.mutable_value()->set_source(v1::VALUE_SOURCE_ATTRIBUTE);
    held.mutable_value()->set_attribute("days_held");
    agg("refund_p90" + s, {kRefund}, w, v1::AGGREGATE_OP_QUANTILE).set_quantile(0.9);
    agg("last_order_value" + s, {kOrder}, w, v1::AGGREGATE_OP_LAST);
  }
  // Recency and tenure: 5.
  agg("days_since_refund", {kRefund}, 0, v1::AGGREGATE_OP_DAYS_SINCE_LAST);
  agg("days_since_chargeback", {kChargeback}, 0, v1::AGGREGATE_OP_DAYS_SINCE_LAST);
  agg("days_since_penalty", {kPenalty}, 0, v1::AGGREGATE_OP_DAYS_SINCE_LAST);
  agg("days_since_first_order", {kOrder}, 0, v1::AGGREGATE_OP_DAYS_SINCE_FIRST);
  defs.emplace_back().set_name("tenure");
  defs.back().mutable_days_since_registration();
  // Trends: 3.
  add("order_value_trend_84d", {kOrder}, 84)
      .mutable_trend()
      ->mutable_period()
      ->set_seconds(7 * kDay);
  add("order_count_trend_360d", {kOrder}, 360)
      .mutable_trend()
      ->mutable_period()
      ->set_seconds(30 * kDay);
  defs.back().mutable_trend()->set_measure(v1::TREND_MEASURE_COUNT);
  add("refund_trend_84d", {kRefund}, 84).mutable_trend()->mutable_period()->set_seconds(7 * kDay);
  // Linked events: 8.
  auto link = [&](const std::string& name, v1::EventKind base, std::int64_t days,
                  v1::EventKind other, v1::LinkMeasure m) -> v1::Link& {
    v1::Link* l = add(name, {base}, days).mutable_link();
    l->mutable_linked_filter()->add_kinds(other);
    l->set_measure(m);
    return *l;
  };
  link("shipped_share_90d", kOrder, 90, v1::EVENT_KIND_SHIPMENT, v1::LINK_MEASURE_SHARE_LINKED);
  link("unshipped_90d", kOrder, 90, v1::EVENT_KIND_SHIPMENT, v1::LINK_MEASURE_COUNT_UNLINKED);
  link("late_shipped_share_90d", kOrder, 90, v1::EVENT_KIND_SHIPMENT, v1::LINK_MEASURE_SHARE_LINKED)
      .mutable_linked_filter()
      ->add_statuses("late");
  link("ship_days_mean_90d", kOrder, 90, v1::EVENT_KIND_SHIPMENT, v1::LINK_MEASURE_DURATION_MEAN);
  link("ship_days_p90_365d", kOrder, 365, v1::EVENT_KIND_SHIPMENT,
       v1::LINK_MEASURE_DURATION_QUANTILE)
      .set_quantile(0.9);
  link("slow_ship_share_365d", kOrder, 365, v1::EVENT_KIND_SHIPMENT,
       v1::LINK_MEASURE_DURATION_SHARE_ABOVE)
      .mutable_threshold()
      ->set_seconds(3 * kDay);
  link("refunded_share_365d", kOrder, 365, v1::EVENT_KIND_REFUND, v1::LINK_MEASURE_SHARE_LINKED);
  link("delivered_share_90d", v1::EVENT_KIND_SHIPMENT, 90, v1::EVENT_KIND_DELIVERY,
       v1::LINK_MEASURE_SHARE_LINKED);
  // Growth: 4.
  for (const char* f : {"orders_90d", "order_value_90d", "refunds_90d", "order_value_30d"}) {
    v1::Feature& g = defs.emplace_back();
    g.set_name(std::string("growth_") + f);
    g.mutable_growth()->set_feature(f);
    g.mutable_growth()->set_zero_prior(v1::ZERO_PRIOR_POLICY_CAP);
    g.mutable_growth()->set_cap(10);
  }
  // Ratios: fill up to 100.
  const char* pairs[][2] = {{"refunds_30d", "orders_30d"},
                            {"refunds_90d", "orders_90d"},
                            {"refunds_365d", "orders_365d"},
                            {"refund_value_90d", "order_value_90d"},
                            {"refund_value_365d", "order_value_365d"},
                            {"chargebacks_90d", "orders_90d"},
                            {"chargebacks_365d", "orders_365d"},
                            {"failed_inspections_90d", "inspections_90d"},
                            {"failed_inspections_365d", "inspections_365d"},
                            {"orders_7d", "orders_90d"},
                            {"order_value_30d", "order_value_365d"},
                            {"refunds_7d", "refunds_90d"},
                            {"chargebacks_30d", "chargebacks_365d"},
                            {"inspections_30d", "inspections_365d"},
                            {"order_max_90d", "order_mean_90d"},
                            {"order_std_365d", "order_mean_365d"},
                            {"orders_30d", "orders_365d"},
                            {"failed_inspections_30d", "inspections_30d"},
                            {"refund_value_30d", "order_value_30d"},
                            {"refund_value_7d", "order_value_7d"},
                            {"chargebacks_7d", "orders_7d"},
                            {"failed_inspections_7d", "inspections_7d"},
                            {"refunds_7d", "orders_7d"},
                            {"order_p90_365d", "order_p50_365d"}};
  for (const auto& p : pairs) {
    if (defs.size() >= 100) break;
    v1::Feature& f = defs.emplace_back();
    f.set_name(std::string("rate_") + p[0] + "_per_" + p[1]);
    f.mutable_ratio()->set_numerator(p[0]);
    f.mutable_ratio()->set_denominator(p[1]);
    f.mutable_ratio()->set_zero_denominator(v1::ZERO_DENOMINATOR_POLICY_ZERO);
  }
  return defs;
}

struct Fixture {
  std::vector<v1::Feature> defs;
  std::optional<features::FeaturePlan> plan;
  std::optional<io::FxTable> fx;
  v1::ScoreRequest request;
  std::optional<io::IngestedRequest> ingested;
};

const Fixture& Get(int n) {
  static std::map<int, Fixture> fixtures;  // benchmarks run one at a time
  auto [it, inserted] = fixtures.try_emplace(n);
  Fixture& f = it->second;
  if (!inserted) return f;
  f.defs = Features();
  if (f.defs.size() != 100) std::abort();
  google::protobuf::RepeatedPtrField<v1::Feature> field(f.defs.begin(), f.defs.end());
  auto plan = features::FeaturePlan::Compile(field, 2, 10'000, nullptr, nullptr);
  if (!plan.ok()) std::abort();
  f.plan = std::move(plan).value();
  google::protobuf::RepeatedPtrField<v1::FxRate> rates;
  v1::FxRate* eur = rates.Add();
  eur->set_currency_code("EUR");
  eur->set_rate("2");
  auto fx = io::FxTable::Build("USD", rates, "fx_rates");
  if (!fx.ok()) std::abort();
  f.fx = std::move(fx).value();
  f.request = History(n, 42);
  auto in = io::Ingest(f.request, *f.fx, RequestLimits{});
  if (!in.ok()) std::abort();
  f.ingested = std::move(in).value();
  return f;
}

void Report(benchmark::State& state, int n) {
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["ns_per_event"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * n,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

enum class Impl { kCredence, kNaive };

void BM_Features(benchmark::State& state, Impl impl) {
  const int n = static_cast<int>(state.range(0));
  const Fixture& f = Get(n);
  std::vector<double> out(f.plan->size());
  for (auto _ : state) {
    if (impl == Impl::kCredence) {
      f.plan->Evaluate(*f.ingested, out);
      benchmark::DoNotOptimize(out.data());
    } else {
      std::vector<double> v = naive::Evaluate(f.defs, f.request);
      benchmark::DoNotOptimize(v.data());
    }
    benchmark::ClobberMemory();
  }
  Report(state, n);
}
BENCHMARK_CAPTURE(BM_Features, credence, Impl::kCredence)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->ArgName("events")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Features, naive, Impl::kNaive)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->ArgName("events")
    ->Unit(benchmark::kMicrosecond);

void BM_Ingest(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Fixture& f = Get(n);
  for (auto _ : state) {
    auto in = io::Ingest(f.request, *f.fx, RequestLimits{});
    benchmark::DoNotOptimize(in);
  }
  Report(state, n);
}
BENCHMARK(BM_Ingest)->Arg(100)->Arg(1000)->Arg(10000)->ArgName("events")->Unit(
    benchmark::kMicrosecond);

}  // namespace
}  // namespace credence::bench
