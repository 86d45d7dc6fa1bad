// A deliberately naive reference evaluator for feature definitions: one feature at a time,
// straight loops over the raw ScoreRequest events, no sorting of the history, no interning,
// no binary search, no sharing with src/features/. Written to be obviously right, not fast;
// the property tests compare the compiled FeaturePlan with it, and bench/features_bench.cc
// times it as the "naive" alternative.
//
// Money: the requests it is used on hold USD (the base) and EUR at exactly 2 USD per EUR,
// so it converts with integer arithmetic of its own.
#ifndef CREDENCE_TESTS_FEATURES_NAIVE_REFERENCE_H_
#define CREDENCE_TESTS_FEATURES_NAIVE_REFERENCE_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::naive {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr std::int64_t kNs = 1'000'000'000;
inline constexpr std::int64_t kDayNs = 86'400 * kNs;

inline std::int64_t TimeNs(const google::protobuf::Timestamp& t) {
  return t.seconds() * kNs + t.nanos();
}
inline std::int64_t DurationNs(const google::protobuf::Duration& d) {
  return d.seconds() * kNs + d.nanos();
}

inline std::int64_t UsdCents(const v1::Money& m) {
  return m.currency_code() == "EUR" ? m.minor_units() * 2 : m.minor_units();
}

inline bool InList(const google::protobuf::RepeatedPtrField<std::string>& list,
                   const std::string& v) {
  for (const auto& x : list) {
    if (x == v) return true;
  }
  return false;
}

// An event as the features see it: its position in the request breaks ties in time.
struct Ev {
  const v1::Event* e;
  int position;
  std::int64_t t;
};

// The events the features may see: at or before as_of, first occurrence of each id.
inline std::vector<Ev> Visible(const v1::ScoreRequest& r) {
  std::vector<Ev> out;
  std::set<std::string> seen;
  const std::int64_t as_of = TimeNs(r.as_of());
  for (int i = 0; i < r.events_size(); ++i) {
    const v1::Event& e = r.events(i);
    if (TimeNs(e.time()) > as_of) continue;
    if (!seen.insert(e.id()).second) continue;
    out.push_back({&e, i, TimeNs(e.time())});
  }
  return out;
}

// The attribute as a number, if it is an int, a double or money.
inline bool NumericAttribute(const v1::Event& e, const std::string& name, double& x) {
  auto it = e.attributes().find(name);
  if (it == e.attributes().end()) return false;
  const v1::AttributeValue& v = it->second;
  if (v.has_int_value()) {
    x = static_cast<double>(v.int_value());
  } else if (v.has_double_value()) {
    x = v.double_value();
  } else if (v.has_money_value()) {
    x = static_cast<double>(UsdCents(v.money_value())) / 100.0;
  } else {
    return false;
  }
  return true;
}

template <typename T>
bool Holds(const T& a, const T& b, v1::CompareOp op) {
  if (op == v1::COMPARE_OP_EQ) return a == b;
  if (op == v1::COMPARE_OP_NE) return a != b;
  if (op == v1::COMPARE_OP_LT) return a < b;
  if (op == v1::COMPARE_OP_LE) return a <= b;
  if (op == v1::COMPARE_OP_GT) return a > b;
  if (op == v1::COMPARE_OP_GE) return a >= b;
  return false;
}

inline bool Matches(const v1::EventFilter& f, const v1::Event& e) {
  if (f.kinds_size() > 0) {
    bool any = false;
    for (int k : f.kinds()) any = any || k == e.kind();
    if (!any) return false;
    if (e.kind() == v1::EVENT_KIND_CUSTOM && f.custom_kinds_size() > 0 &&
        !InList(f.custom_kinds(), e.custom_kind())) {
      return false;
    }
  }
  if (f.statuses_size() > 0 && !InList(f.statuses(), e.status())) return false;
  if (f.exclude_statuses_size() > 0 && InList(f.exclude_statuses(), e.status())) return false;
  if (f.destination_countries_size() > 0 &&
      !InList(f.destination_countries(), e.destination_country())) {
    return false;
  }
  if (f.origin_countries_size() > 0 && !InList(f.origin_countries(), e.origin_country())) {
    return false;
  }
  if (f.channels_size() > 0 && !InList(f.channels(), e.channel())) return false;
  if (f.has_min_amount() || f.has_max_amount()) {
    if (!e.has_amount()) return false;
    const double a = static_cast<double>(UsdCents(e.amount())) / 100.0;
    if (f.has_min_amount() && a < f.min_amount()) return false;
    if (f.has_max_amount() && a > f.max_amount()) return false;
  }
  for (const auto& test : f.attributes()) {
    auto it = e.attributes().find(test.name());
    if (it == e.attributes().end()) return false;
    const v1::AttributeValue& have = it->second;
    const v1::AttributeValue& want = test.value();
    if (want.has_string_value()) {
      if (!have.has_string_value() || !Holds(have.string_value(), want.string_value(), test.op()))
        return false;
    } else if (want.has_bool_value()) {
      if (!have.has_bool_value() || !Holds(have.bool_value(), want.bool_value(), test.op()))
        return false;
    } else {
      double x = 0;
      if (!NumericAttribute(e, test.name(), x)) return false;
      const double w =
          want.has_int_value() ? static_cast<double>(want.int_value()) : want.double_value();
      if (!Holds(x, w, test.op())) return false;
    }
  }
  return true;
}

inline bool ValueOf(const v1::Value& v, const v1::Event& e, double& x) {
  if (v.source() == v1::VALUE_SOURCE_ATTRIBUTE) return NumericAttribute(e, v.attribute(), x);
  if (!e.has_amount()) return false;
  x = static_cast<double>(UsdCents(e.amount())) / 100.0;
  return true;
}

inline std::string KeyOf(const v1::Event& e, v1::EventField key) {
  switch (key) {
    case v1::EVENT_FIELD_COUNTERPARTY:
      return e.counterparty();
    case v1::EVENT_FIELD_DESTINATION_COUNTRY:
      return e.destination_country();
    case v1::EVENT_FIELD_ORIGIN_COUNTRY:
      return e.origin_country();
    case v1::EVENT_FIELD_CHANNEL:
      return e.channel();
    case v1::EVENT_FIELD_STATUS:
      return e.status();
    default:
      return "";
  }
}

// R type 7: h = (n - 1) q; x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
inline double QuantileType7(std::vector<double> x, double q) {
  if (x.empty()) return kNaN;
  std::sort(x.begin(), x.end());
  const double h = static_cast<double>(x.size() - 1) * q;
  const std::size_t i = static_cast<std::size_t>(std::floor(h));
  const std::size_t j = std::min(i + 1, x.size() - 1);
  return x[i] + (h - std::floor(h)) * (x[j] - x[i]);
}

inline const v1::Feature* ByName(const std::vector<v1::Feature>& defs, const std::string& name) {
  for (const auto& d : defs) {
    if (d.name() == name) return &d;
  }
  return nullptr;
}

inline double Value(const std::vector<v1::Feature>& defs, const v1::Feature& f,
                    const v1::ScoreRequest& r);

// The features' window: (end - trailing, end], end = as_of - offset.
struct Window {
  std::int64_t start, end;
  bool all;
  bool Contains(std::int64_t t) const { return t <= end && (all || t > start); }
};

inline double Windowed(const v1::Feature& f, const v1::ScoreRequest& r) {
  const std::int64_t as_of = TimeNs(r.as_of());
  Window w;
  w.end = as_of - DurationNs(f.window().offset());
  w.all = !f.window().has_trailing();
  w.start = w.all ? 0 : w.end - DurationNs(f.window().trailing());
  const std::vector<Ev> visible = Visible(r);
  std::vector<Ev> base;  // in request order
  for (const Ev& ev : visible) {
    if (w.Contains(ev.t) && Matches(f.filter(), *ev.e)) base.push_back(ev);
  }

  if (f.has_trend()) {
    const std::int64_t period = DurationNs(f.trend().period());
    const std::int64_t periods = DurationNs(f.window().trailing()) / period;
    std::vector<double> y;
    for (std::int64_t j = 0; j < periods; ++j) {
      const std::int64_t lo = w.start + j * period, hi = w.start + (j + 1) * period;
      double total = 0;
      for (const Ev& ev : base) {
        if (ev.t <= lo || ev.t > hi) continue;
        double x = 0;
        if (f.trend().measure() == v1::TREND_MEASURE_COUNT) {
          total += 1;
        } else if (ValueOf(f.trend().value(), *ev.e, x)) {
          total += x;
        }
      }
      y.push_back(total);
    }
    double mean_x = 0, mean_y = 0;
    for (std::size_t j = 0; j < y.size(); ++j) {
      mean_x += static_cast<double>(j);
      mean_y += y[j];
    }
    mean_x /= static_cast<double>(y.size());
    mean_y /= static_cast<double>(y.size());
    double sxy = 0, sxx = 0;
    for (std::size_t j = 0; j < y.size(); ++j) {
      sxy += (static_cast<double>(j) - mean_x) * (y[j] - mean_y);
      sxx += (static_cast<double>(j) - mean_x) * (static_cast<double>(j) - mean_x);
    }
    return sxy / sxx;
  }

  if (f.has_link()) {
    const v1::Link& l = f.link();
    const bool outbound = l.direction() == v1::LINK_DIRECTION_OUTBOUND;
    std::int64_t linked = 0, above = 0;
    std::vector<double> days;
    double total_days_ns = 0;
    for (const Ev& b : base) {
      const Ev* other = nullptr;
      for (const Ev& c : visible) {
        if (c.position == b.position || c.t > w.end || !Matches(l.linked_filter(), *c.e)) continue;
        if (outbound) {
          if (!b.e->reference_id().empty() && c.e->id() == b.e->reference_id()) other = &c;
        } else if (c.e->reference_id() == b.e->id()) {
          // The earliest; ties in time go to the earlier position in the request.
          if (other == nullptr || c.t < other->t ||
              (c.t == other->t && c.position < other->position)) {
            other = &c;
          }
        }
      }
      if (other == nullptr) continue;
      ++linked;
      const std::int64_t d = outbound ? b.t - other->t : other->t - b.t;
      if (d > DurationNs(l.threshold())) ++above;
      total_days_ns += static_cast<double>(d);
      days.push_back(static_cast<double>(d) / static_cast<double>(kDayNs));
    }
    const double n = static_cast<double>(base.size());
    switch (l.measure()) {
      case v1::LINK_MEASURE_SHARE_LINKED:
        return base.empty() ? kNaN : static_cast<double>(linked) / n;
      case v1::LINK_MEASURE_SHARE_UNLINKED:
        return base.empty() ? kNaN : (n - static_cast<double>(linked)) / n;
      case v1::LINK_MEASURE_COUNT_LINKED:
        return static_cast<double>(linked);
      case v1::LINK_MEASURE_COUNT_UNLINKED:
        return n - static_cast<double>(linked);
      case v1::LINK_MEASURE_DURATION_MEAN:
        return linked == 0
                   ? kNaN
                   : total_days_ns / static_cast<double>(linked) / static_cast<double>(kDayNs);
      case v1::LINK_MEASURE_DURATION_QUANTILE:
        return QuantileType7(days, l.quantile());
      case v1::LINK_MEASURE_DURATION_SHARE_ABOVE:
        return linked == 0 ? kNaN : static_cast<double>(above) / static_cast<double>(linked);
      default:
        return kNaN;
    }
  }

  const v1::Aggregate& g = f.aggregate();
  const bool amount = g.value().source() != v1::VALUE_SOURCE_ATTRIBUTE;
  std::vector<double> xs;  // values, request order
  std::int64_t sum_cents = 0;
  double sum = 0;
  const Ev* first = nullptr;
  const Ev* last = nullptr;
  double first_x = 0, last_x = 0;
  for (const Ev& ev : base) {
    double x = 0;
    if (!ValueOf(g.value(), *ev.e, x)) continue;
    xs.push_back(x);
    if (amount) sum_cents += UsdCents(ev.e->amount());
    sum += x;
    if (first == nullptr || ev.t < first->t ||
        (ev.t == first->t && ev.position < first->position)) {
      first = &ev;
      first_x = x;
    }
    if (last == nullptr || ev.t > last->t || (ev.t == last->t && ev.position > last->position)) {
      last = &ev;
      last_x = x;
    }
  }
  const double n = static_cast<double>(xs.size());
  switch (g.op()) {
    case v1::AGGREGATE_OP_COUNT:
      return static_cast<double>(base.size());
    case v1::AGGREGATE_OP_SUM:
      return amount ? static_cast<double>(sum_cents) / 100.0 : sum;
    case v1::AGGREGATE_OP_MEAN:
      if (xs.empty()) return kNaN;
      return (amount ? static_cast<double>(sum_cents) / 100.0 : sum) / n;
    case v1::AGGREGATE_OP_MIN:
      return xs.empty() ? kNaN : *std::min_element(xs.begin(), xs.end());
    case v1::AGGREGATE_OP_MAX:
      return xs.empty() ? kNaN : *std::max_element(xs.begin(), xs.end());
    case v1::AGGREGATE_OP_STDDEV_POP:
    case v1::AGGREGATE_OP_STDDEV_SAMP: {
      const bool sample = g.op() == v1::AGGREGATE_OP_STDDEV_SAMP;
      if (xs.empty() || (sample && xs.size() < 2)) return kNaN;
      double mean = 0;
      for (double x : xs) mean += x;
      mean /= n;
      double ss = 0;
      for (double x : xs) ss += (x - mean) * (x - mean);
      return std::sqrt(ss / (sample ? n - 1 : n));
    }
    case v1::AGGREGATE_OP_QUANTILE:
      return QuantileType7(xs, g.quantile());
    case v1::AGGREGATE_OP_FIRST:
      return first == nullptr ? kNaN : first_x;
    case v1::AGGREGATE_OP_LAST:
      return last == nullptr ? kNaN : last_x;
    case v1::AGGREGATE_OP_DAYS_SINCE_FIRST:
    case v1::AGGREGATE_OP_DAYS_SINCE_LAST: {
      if (base.empty()) return kNaN;
      std::int64_t when = base[0].t;
      for (const Ev& ev : base) {
        when = g.op() == v1::AGGREGATE_OP_DAYS_SINCE_FIRST ? std::min(when, ev.t)
                                                           : std::max(when, ev.t);
      }
      return static_cast<double>(w.end - when) / static_cast<double>(kDayNs);
    }
    case v1::AGGREGATE_OP_DISTINCT_COUNT:
    case v1::AGGREGATE_OP_TOP_K_SHARE:
    case v1::AGGREGATE_OP_HHI: {
      std::map<std::string, std::pair<double, double>> keys;  // key -> (count, value sum)
      for (const Ev& ev : base) {
        const std::string k = KeyOf(*ev.e, g.key());
        if (k.empty()) continue;
        keys[k].first += 1;
        double x = 0;
        if (ValueOf(g.value(), *ev.e, x)) keys[k].second += x;
      }
      if (g.op() == v1::AGGREGATE_OP_DISTINCT_COUNT) return static_cast<double>(keys.size());
      std::vector<double> weights;
      double total = 0;
      for (const auto& [k, cw] : keys) {
        const double wgt = g.weight() == v1::SHARE_WEIGHT_VALUE ? cw.second : cw.first;
        if (wgt > 0) {
          weights.push_back(wgt);
          total += wgt;
        }
      }
      if (total <= 0) return kNaN;
      std::sort(weights.rbegin(), weights.rend());
      if (g.op() == v1::AGGREGATE_OP_HHI) {
        double h = 0;
        for (double wgt : weights) h += (wgt / total) * (wgt / total);
        return h;
      }
      double top = 0;
      for (std::size_t i = 0; i < weights.size() && i < static_cast<std::size_t>(g.top_k()); ++i) {
        top += weights[i];
      }
      return top / total;
    }
    default:
      return kNaN;
  }
}

inline double Value(const std::vector<v1::Feature>& defs, const v1::Feature& f,
                    const v1::ScoreRequest& r) {
  if (f.has_days_since_registration()) {
    if (!r.enterprise().has_registered_at()) return kNaN;
    return static_cast<double>(TimeNs(r.as_of()) - TimeNs(r.enterprise().registered_at())) /
           static_cast<double>(kDayNs);
  }
  if (f.has_ratio()) {
    const v1::Feature* nf = ByName(defs, f.ratio().numerator());
    const v1::Feature* df = ByName(defs, f.ratio().denominator());
    if (nf == nullptr || df == nullptr) return kNaN;
    const double num = Value(defs, *nf, r);
    const double den = Value(defs, *df, r);
    if (std::isnan(num) || std::isnan(den)) return kNaN;
    switch (f.ratio().zero_denominator()) {
      case v1::ZERO_DENOMINATOR_POLICY_SMOOTHED:
        return (num + f.ratio().prior_rate() * f.ratio().prior_weight()) /
               (den + f.ratio().prior_weight());
      case v1::ZERO_DENOMINATOR_POLICY_ZERO:
        return den == 0 ? 0.0 : num / den;
      default:
        return den == 0 ? kNaN : num / den;
    }
  }
  if (f.has_growth()) {
    const v1::Feature* cf = ByName(defs, f.growth().feature());
    if (cf == nullptr) return kNaN;
    v1::Feature prior_def = *cf;
    prior_def.mutable_window()->mutable_offset()->set_seconds(cf->window().offset().seconds() +
                                                              cf->window().trailing().seconds());
    prior_def.mutable_window()->mutable_offset()->set_nanos(cf->window().offset().nanos() +
                                                            cf->window().trailing().nanos());
    if (prior_def.window().offset().nanos() >= kNs) {  // carry
      prior_def.mutable_window()->mutable_offset()->set_nanos(
          static_cast<int>(prior_def.window().offset().nanos() - kNs));
      prior_def.mutable_window()->mutable_offset()->set_seconds(
          prior_def.window().offset().seconds() + 1);
    }
    const double current = Value(defs, *cf, r);
    const double prior = Value(defs, prior_def, r);
    if (std::isnan(current) || std::isnan(prior)) return kNaN;
    if (prior != 0) return (current - prior) / std::abs(prior);
    switch (f.growth().zero_prior()) {
      case v1::ZERO_PRIOR_POLICY_ZERO:
        return 0;
      case v1::ZERO_PRIOR_POLICY_CAP:
        return current > 0 ? f.growth().cap() : current < 0 ? -f.growth().cap() : 0.0;
      default:
        return kNaN;
    }
  }
  return Windowed(f, r);
}

// Every feature of `defs` over `r`, in order.
inline std::vector<double> Evaluate(const std::vector<v1::Feature>& defs,
                                    const v1::ScoreRequest& r) {
  std::vector<double> out;
  out.reserve(defs.size());
  for (const v1::Feature& f : defs) out.push_back(Value(defs, f, r));
  return out;
}

}  // namespace credence::naive

#endif  // CREDENCE_TESTS_FEATURES_NAIVE_REFERENCE_H_
