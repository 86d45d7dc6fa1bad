// Random feature definitions for property tests (feature_plan_test.cc compares the batch
// plan with the naive reference on them; online_state_test.cc compares the online state with
// the batch plan): every computation, over a small vocabulary of kinds, statuses, countries,
// attributes and windows so that features often share filters and windows.
#ifndef CREDENCE_TESTS_FEATURES_RANDOM_FEATURES_H_
#define CREDENCE_TESTS_FEATURES_RANDOM_FEATURES_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "credence/v1/bundle.pb.h"
#include "tests/features/naive_reference.h"
#include "tests/testing/builders.h"

namespace credence::features {

using ::credence::testing::kDay;

// Every aggregate op by name: the property tests check that each was computed (non-missing)
// often enough.
inline constexpr const char* kEveryAggregateOp[] = {"AGGREGATE_OP_COUNT",
                                                    "AGGREGATE_OP_SUM",
                                                    "AGGREGATE_OP_MEAN",
                                                    "AGGREGATE_OP_MIN",
                                                    "AGGREGATE_OP_MAX",
                                                    "AGGREGATE_OP_STDDEV_POP",
                                                    "AGGREGATE_OP_STDDEV_SAMP",
                                                    "AGGREGATE_OP_QUANTILE",
                                                    "AGGREGATE_OP_DISTINCT_COUNT",
                                                    "AGGREGATE_OP_FIRST",
                                                    "AGGREGATE_OP_LAST",
                                                    "AGGREGATE_OP_DAYS_SINCE_FIRST",
                                                    "AGGREGATE_OP_DAYS_SINCE_LAST",
                                                    "AGGREGATE_OP_TOP_K_SHARE",
                                                    "AGGREGATE_OP_HHI"};

// Random feature definitions over a small vocabulary: every computation, filters drawn from
// a few shapes so that features often share filters and windows.
inline v1::EventFilter RandomFilter(std::mt19937_64& rng) {
  const v1::EventKind kinds[] = {v1::EVENT_KIND_ORDER,      v1::EVENT_KIND_REFUND,
                                 v1::EVENT_KIND_CHARGEBACK, v1::EVENT_KIND_SHIPMENT,
                                 v1::EVENT_KIND_DELIVERY,   v1::EVENT_KIND_CUSTOM};
  const char* statuses[] = {"completed", "late", "rejected"};
  v1::EventFilter f;
  for (const auto k : kinds) {
    if (rng() % 4 == 0) f.add_kinds(k);
  }
  if (rng() % 5 == 0 && f.kinds_size() > 0 && f.kinds(f.kinds_size() - 1) == v1::EVENT_KIND_CUSTOM)
    f.add_custom_kinds(rng() % 2 ? "audit" : "recall");
  if (rng() % 4 == 0) f.add_statuses(statuses[rng() % 3]);
  if (rng() % 6 == 0) f.add_exclude_statuses(statuses[rng() % 3]);
  if (rng() % 6 == 0) f.add_destination_countries(rng() % 2 ? "US" : "DE");
  if (rng() % 8 == 0) f.add_origin_countries(rng() % 2 ? "CN" : "VN");
  if (rng() % 8 == 0) f.add_channels("web");
  if (rng() % 8 == 0) f.set_min_amount(static_cast<double>(rng() % 500));
  if (rng() % 8 == 0) f.set_max_amount(static_cast<double>(500 + rng() % 500));
  if (rng() % 8 == 0) {
    auto* a = f.add_attributes();
    a->set_name("days_late");
    a->set_op(static_cast<v1::CompareOp>(1 + rng() % 6));
    a->mutable_value()->set_int_value(static_cast<std::int64_t>(rng() % 5));
  }
  if (rng() % 12 == 0) {
    auto* a = f.add_attributes();
    a->set_name("hs");
    a->set_op(rng() % 2 ? v1::COMPARE_OP_EQ : v1::COMPARE_OP_LT);
    a->mutable_value()->set_string_value(rng() % 2 ? "6109" : "8517");
  }
  return f;
}

inline v1::Value RandomValue(std::mt19937_64& rng) {
  v1::Value v;
  switch (rng() % 6) {
    case 0:
      v.set_source(v1::VALUE_SOURCE_ATTRIBUTE);
      v.set_attribute("weight_kg");  // double
      break;
    case 1:
      v.set_source(v1::VALUE_SOURCE_ATTRIBUTE);
      v.set_attribute("days_late");  // int
      break;
    case 2:
      v.set_source(v1::VALUE_SOURCE_ATTRIBUTE);
      v.set_attribute("fee");  // money
      break;
    case 3:
      v.set_source(v1::VALUE_SOURCE_AMOUNT);
      break;
    default:
      break;  // unspecified = amount
  }
  return v;
}

// Which computations must agree exactly: counts, amount sums, min, max, first/last values,
// distinct counts, recency (one division of an exact integer), link counts and shares (one
// division of two counts). Everything else (means, standard deviations, quantiles, slopes,
// concentration, durations, attribute sums, ratios and growth of those) within a relative
// tolerance of 1e-9 of max(1, |want|).
inline bool MustBeExact(const v1::Feature& f) {
  if (f.has_aggregate()) {
    const bool amount = f.aggregate().value().source() != v1::VALUE_SOURCE_ATTRIBUTE;
    switch (f.aggregate().op()) {
      case v1::AGGREGATE_OP_COUNT:
      case v1::AGGREGATE_OP_MIN:
      case v1::AGGREGATE_OP_MAX:
      case v1::AGGREGATE_OP_FIRST:
      case v1::AGGREGATE_OP_LAST:
      case v1::AGGREGATE_OP_DISTINCT_COUNT:
      case v1::AGGREGATE_OP_DAYS_SINCE_FIRST:
      case v1::AGGREGATE_OP_DAYS_SINCE_LAST:
        return true;
      case v1::AGGREGATE_OP_SUM:
        return amount;
      default:
        return false;
    }
  }
  if (f.has_link()) {
    const auto m = f.link().measure();
    return m == v1::LINK_MEASURE_COUNT_LINKED || m == v1::LINK_MEASURE_COUNT_UNLINKED ||
           m == v1::LINK_MEASURE_SHARE_LINKED || m == v1::LINK_MEASURE_SHARE_UNLINKED ||
           m == v1::LINK_MEASURE_DURATION_SHARE_ABOVE;
  }
  if (f.has_days_since_registration()) return true;
  return false;
}

inline std::vector<v1::Feature> RandomFeatures(std::mt19937_64& rng, int windowed = 40) {
  std::vector<v1::Feature> defs;
  const std::int64_t windows[] = {0, 3600, kDay, 7 * kDay, 28 * kDay, 90 * kDay, 365 * kDay};
  const v1::AggregateOp ops[] = {v1::AGGREGATE_OP_COUNT,
                                 v1::AGGREGATE_OP_SUM,
                                 v1::AGGREGATE_OP_MEAN,
                                 v1::AGGREGATE_OP_MIN,
                                 v1::AGGREGATE_OP_MAX,
                                 v1::AGGREGATE_OP_STDDEV_POP,
                                 v1::AGGREGATE_OP_STDDEV_SAMP,
                                 v1::AGGREGATE_OP_QUANTILE,
                                 v1::AGGREGATE_OP_DISTINCT_COUNT,
                                 v1::AGGREGATE_OP_FIRST,
                                 v1::AGGREGATE_OP_LAST,
                                 v1::AGGREGATE_OP_DAYS_SINCE_FIRST,
                                 v1::AGGREGATE_OP_DAYS_SINCE_LAST,
                                 v1::AGGREGATE_OP_TOP_K_SHARE,
                                 v1::AGGREGATE_OP_HHI};
  std::vector<v1::EventFilter> shapes;
  for (int k = 0; k < 6; ++k) shapes.push_back(RandomFilter(rng));
  for (int i = 0; i < windowed; ++i) {
    v1::Feature f;
    f.set_name("f" + std::to_string(i));
    *f.mutable_filter() = rng() % 3 == 0 ? RandomFilter(rng) : shapes[rng() % shapes.size()];
    std::int64_t w = windows[rng() % 7];
    const int what = static_cast<int>(rng() % 10);
    if (what == 0 && w == 0) w = 28 * kDay;  // trends need a trailing window
    if (w > 0) f.mutable_window()->mutable_trailing()->set_seconds(w);
    if (w > 0 && rng() % 3 == 0) f.mutable_window()->mutable_offset()->set_seconds(w / 2);
    if (what == 0) {
      v1::Trend* t = f.mutable_trend();
      const std::int64_t divisors[] = {2, 3, 4, 7, 12};
      std::int64_t p = divisors[rng() % 5];
      if (w % p != 0) p = 2;
      t->mutable_period()->set_seconds(w / p);
      t->set_measure(static_cast<v1::TrendMeasure>(rng() % 3));
      *t->mutable_value() = RandomValue(rng);
    } else if (what == 1) {
      v1::Link* l = f.mutable_link();
      *l->mutable_linked_filter() = RandomFilter(rng);
      l->set_direction(static_cast<v1::LinkDirection>(rng() % 3));
      l->set_measure(static_cast<v1::LinkMeasure>(1 + rng() % 7));
      if (l->measure() == v1::LINK_MEASURE_DURATION_QUANTILE)
        l->set_quantile(static_cast<double>(rng() % 11) / 10);
      if (rng() % 2)
        l->mutable_threshold()->set_seconds(static_cast<std::int64_t>(rng() % 5) * kDay);
    } else {
      v1::Aggregate* g = f.mutable_aggregate();
      g->set_op(ops[rng() % 15]);
      if (rng() % 2) *g->mutable_value() = RandomValue(rng);
      if (g->op() == v1::AGGREGATE_OP_QUANTILE)
        g->set_quantile(static_cast<double>(rng() % 21) / 20);
      if (g->op() == v1::AGGREGATE_OP_DISTINCT_COUNT || g->op() == v1::AGGREGATE_OP_TOP_K_SHARE ||
          g->op() == v1::AGGREGATE_OP_HHI) {
        g->set_key(static_cast<v1::EventField>(1 + rng() % 5));
        g->set_weight(static_cast<v1::ShareWeight>(rng() % 3));
      }
      if (g->op() == v1::AGGREGATE_OP_TOP_K_SHARE) g->set_top_k(1 + static_cast<int>(rng() % 4));
    }
    defs.push_back(f);
  }
  // Ratios and growths read features the plan and the reference compute exactly (a zero
  // denominator must be zero in both, not 1e-17 in one of them).
  std::vector<std::string> exact;
  for (const v1::Feature& f : defs) {
    if (MustBeExact(f)) exact.push_back(f.name());
  }
  if (exact.empty()) return defs;
  for (int i = 0; i < 10; ++i) {
    v1::Feature f;
    f.set_name("r" + std::to_string(i));
    f.mutable_ratio()->set_numerator(exact[rng() % exact.size()]);
    f.mutable_ratio()->set_denominator(i > 0 && rng() % 3 == 0 ? "r" + std::to_string(rng() % i)
                                                               : exact[rng() % exact.size()]);
    f.mutable_ratio()->set_zero_denominator(static_cast<v1::ZeroDenominatorPolicy>(rng() % 4));
    if (f.ratio().zero_denominator() == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED) {
      f.mutable_ratio()->set_prior_rate(0.05);
      f.mutable_ratio()->set_prior_weight(10);
    }
    defs.push_back(f);
  }
  for (int i = 0; i < 6; ++i) {  // growth of an exact windowed feature with a trailing window
    const v1::Feature* src = naive::ByName(defs, exact[rng() % exact.size()]);
    if (!src->window().has_trailing()) continue;
    v1::Feature f;
    f.set_name("g" + std::to_string(i));
    f.mutable_growth()->set_feature(src->name());
    f.mutable_growth()->set_zero_prior(static_cast<v1::ZeroPriorPolicy>(rng() % 4));
    if (f.growth().zero_prior() == v1::ZERO_PRIOR_POLICY_CAP) f.mutable_growth()->set_cap(5);
    defs.push_back(f);
  }
  v1::Feature tenure;
  tenure.set_name("tenure");
  tenure.mutable_days_since_registration();
  defs.push_back(tenure);
  return defs;
}

// Random kind, amount (USD or EUR), status, countries, channel, counterparty and
// attributes (int, double, money, string, and a non-numeric value under a numeric name) of
// one event; its id, time and reference are the caller's.
inline void FillRandomEvent(std::mt19937_64& rng, v1::Event* e) {
  const v1::EventKind kinds[] = {v1::EVENT_KIND_ORDER,      v1::EVENT_KIND_REFUND,
                                 v1::EVENT_KIND_CHARGEBACK, v1::EVENT_KIND_SHIPMENT,
                                 v1::EVENT_KIND_DELIVERY,   v1::EVENT_KIND_CUSTOMS_DECLARATION,
                                 v1::EVENT_KIND_CUSTOM};
  const char* statuses[] = {"completed", "late", "rejected", ""};
  const char* counterparties[] = {"", "b1", "b2", "b3", "b4", "b5"};
  const char* countries[] = {"US", "DE", "", "FR"};
  const v1::EventKind kind = kinds[rng() % 7];
  e->set_kind(kind);
  if (kind == v1::EVENT_KIND_CUSTOM) e->set_custom_kind(rng() % 2 ? "audit" : "recall");
  if (rng() % 5 != 0) {
    e->mutable_amount()->set_currency_code(rng() % 3 == 0 ? "EUR" : "USD");
    e->mutable_amount()->set_minor_units(static_cast<std::int64_t>(rng() % 100'000) - 5'000);
  }
  e->set_status(statuses[rng() % 4]);
  e->set_destination_country(countries[rng() % 4]);
  if (rng() % 2) e->set_origin_country(rng() % 3 ? "CN" : "VN");
  if (rng() % 3 == 0) e->set_channel(rng() % 2 ? "web" : "app");
  e->set_counterparty(counterparties[rng() % 6]);
  if (rng() % 3 == 0)
    (*e->mutable_attributes())["days_late"].set_int_value(static_cast<std::int64_t>(rng() % 6));
  if (rng() % 3 == 0)
    (*e->mutable_attributes())["weight_kg"].set_double_value(static_cast<double>(rng() % 10'000) /
                                                             8.0);
  if (rng() % 5 == 0) {
    v1::Money* fee = (*e->mutable_attributes())["fee"].mutable_money_value();
    fee->set_currency_code(rng() % 2 ? "EUR" : "USD");
    fee->set_minor_units(static_cast<std::int64_t>(rng() % 5000));
  }
  if (rng() % 6 == 0)
    (*e->mutable_attributes())["hs"].set_string_value(rng() % 2 ? "6109" : "8517");
  if (rng() % 10 == 0) (*e->mutable_attributes())["fee"].set_string_value("n/a");  // not numeric
}

}  // namespace credence::features

#endif  // CREDENCE_TESTS_FEATURES_RANDOM_FEATURES_H_
