// The running statistics of the online path. See online_stats.h and docs/features.md.
#include "features/online_stats.h"

#include <algorithm>
#include <cmath>

#include "features/link_measure.h"
#include "features/quantile.h"
#include "features/trend_slope.h"

namespace credence::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Days(Int128 ns) { return static_cast<double>(ns) / static_cast<double>(core::kNanosPerDay); }

// The quantile q of a non-empty order tree, each element read through `as_double`.
template <typename Tree, typename AsDouble>
double TreeQuantile(const Tree& tree, double q, AsDouble as_double) {
  const QuantileRank r = Rank7(tree.size(), q);
  auto it = tree.find_by_order(r.i);
  const double x = as_double(it->first);
  if (r.last) return x;
  ++it;
  return Interpolate7(x, as_double(it->first), r.frac);
}

template <typename T>
std::size_t IndexOf(const std::vector<T>& items, auto match) {
  return static_cast<std::size_t>(std::find_if(items.begin(), items.end(), match) - items.begin());
}

}  // namespace

void ValueStats::Add(const ValueNeeds& needs, bool persisted, const EventMark& e) {
  const double x = e.value;
  ++n;
  if (needs.moments) {
    sum.Add(x);
    if (std::isfinite(x * x)) {
      sum_sq.AddProduct(x, x);
    } else {
      ++huge;
    }
  }
  if (needs.order) order.insert({x, e.seq});
  if (needs.ends) {
    if (valued.empty() || valued.back().Before(e.time, e.seq)) {
      valued.push_back(e);
    } else {
      auto at = std::find_if(valued.begin(), valued.end(),
                             [&](const EventMark& m) { return !m.Before(e.time, e.seq); });
      valued.insert(at, e);
    }
  }
  if (persisted) {
    lo = n == 1 ? x : std::min(lo, x);
    hi = n == 1 ? x : std::max(hi, x);
    if (!first.set || e.Before(first.time, first.seq)) first = e;
    if (!last.set || last.Before(e.time, e.seq)) last = e;
  }
}

void ValueStats::Remove(const ValueNeeds& needs, const EventMark& e) {
  const double x = e.value;
  --n;
  if (needs.moments) {
    sum.Sub(x);
    if (std::isfinite(x * x)) {
      sum_sq.SubProduct(x, x);
    } else {
      --huge;
    }
  }
  if (needs.order) order.erase({x, e.seq});
  if (needs.ends) {
    auto at = std::find_if(valued.begin(), valued.end(),
                           [&](const EventMark& m) { return m.seq == e.seq; });
    if (at != valued.end()) valued.erase(at);
  }
}

void KeyedStats::Update(const KeyedNeeds& needs, std::int32_t key, double x, int sign) {
  Key& k = keys_[key];
  const std::int64_t old_c = k.count, new_c = old_c + sign;
  k.count = new_c;
  total_count_ += sign;
  sum_c2_ += static_cast<Int128>(new_c) * new_c - static_cast<Int128>(old_c) * old_c;
  if (needs.top_counts) {
    if (old_c > 0) by_count_.erase({old_c, key});
    if (new_c > 0) by_count_.insert({new_c, key});
  }
  if (needs.weights) {
    if (!std::isnan(x)) sign > 0 ? k.weight.Add(x) : k.weight.Sub(x);
    const double old_w = k.w, new_w = k.weight.Value();
    if (old_w > 0) {
      total_w_.Sub(old_w);
      sum_w2_.SubProduct(old_w, old_w);
      if (needs.top_weights) by_weight_.erase({old_w, key});
    }
    if (new_w > 0) {
      total_w_.Add(new_w);
      sum_w2_.AddProduct(new_w, new_w);
      if (needs.top_weights) by_weight_.insert({new_w, key});
    }
    k.w = new_w;
  }
  if (new_c == 0) keys_.erase(key);
}

double KeyedStats::TopShare(bool by_value, int k) const {
  double top = 0;
  int taken = 0;
  if (!by_value) {
    if (total_count_ <= 0) return kNaN;
    for (auto it = by_count_.rbegin(); it != by_count_.rend() && taken < k; ++it, ++taken) {
      top += static_cast<double>(it->first);
    }
    return top / static_cast<double>(total_count_);
  }
  const double total = total_w_.Value();
  if (!(total > 0)) return kNaN;
  for (auto it = by_weight_.rbegin(); it != by_weight_.rend() && taken < k; ++it, ++taken) {
    top += it->first;
  }
  return top / total;
}

double KeyedStats::Hhi(bool by_value) const {
  if (!by_value) {
    if (total_count_ <= 0) return kNaN;
    const auto total = static_cast<double>(total_count_);
    return static_cast<double>(sum_c2_) / (total * total);
  }
  const double total = total_w_.Value();
  if (!(total > 0)) return kNaN;
  return sum_w2_.Value() / (total * total);
}

TrendStats::TrendStats(const TrendSpec& spec) : spec_(&spec) {
  if (spec.count) {
    counts_.assign(static_cast<std::size_t>(spec.periods), 0);
  } else {
    sums_.resize(static_cast<std::size_t>(spec.periods));
  }
}

void TrendStats::Move(int from, int to, double x) {
  if (spec_->count) {
    if (from >= 0) --counts_[static_cast<std::size_t>(from)];
    if (to >= 0) ++counts_[static_cast<std::size_t>(to)];
    return;
  }
  if (std::isnan(x)) return;
  if (from >= 0) sums_[static_cast<std::size_t>(from)].Sub(x);
  if (to >= 0) sums_[static_cast<std::size_t>(to)].Add(x);
}

double TrendStats::Slope() const {
  std::vector<double> y(static_cast<std::size_t>(spec_->periods));
  for (std::size_t j = 0; j < y.size(); ++j) {
    y[j] = spec_->count ? static_cast<double>(counts_[j]) : sums_[j].Value();
  }
  return TrendSlope(y);
}

const LinkEntry* LinkStats::Find(std::uint32_t base) const {
  auto it = linked_.find(base);
  return it == linked_.end() ? nullptr : &it->second;
}

void LinkStats::Set(const LinkGroup& group, std::uint32_t base, std::uint64_t base_seq,
                    const LinkEntry& entry) {
  LinkEntry old;
  Erase(group, base, base_seq, &old);
  linked_[base] = entry;
  total_ns_ += entry.duration;
  if (group.durations) durations_.insert({entry.duration, base_seq});
}

bool LinkStats::Erase(const LinkGroup& group, std::uint32_t base, std::uint64_t base_seq,
                      LinkEntry* out) {
  auto it = linked_.find(base);
  if (it == linked_.end()) return false;
  *out = it->second;
  total_ns_ -= out->duration;
  if (group.durations) durations_.erase({out->duration, base_seq});
  linked_.erase(it);
  return true;
}

double LinkStats::Measure(const CompiledFeature& f, std::int64_t count) const {
  auto quantile = [&] { return TreeQuantile(durations_, f.quantile, Days); };
  auto above = [&] {
    const auto at_most = static_cast<std::int64_t>(durations_.order_of_key(
        {static_cast<Int128>(f.threshold), std::numeric_limits<std::uint64_t>::max()}));
    return static_cast<std::int64_t>(linked_.size()) - at_most;
  };
  return LinkMeasureValue(f, count, static_cast<std::int64_t>(linked_.size()), total_ns_, quantile,
                          above);
}

namespace {

double OrderAndSpread(const CompiledFeature& f, const OnlineSlice& spec, const ValueStats& v) {
  if (v.n == 0) return kNaN;
  switch (f.op) {
    case v1::AGGREGATE_OP_MIN:
      return spec.persisted ? v.lo : v.order.begin()->first;
    case v1::AGGREGATE_OP_MAX:
      return spec.persisted ? v.hi : v.order.rbegin()->first;
    case v1::AGGREGATE_OP_FIRST:
      return spec.persisted ? v.first.value : v.valued.front().value;
    case v1::AGGREGATE_OP_LAST:
      return spec.persisted ? v.last.value : v.valued.back().value;
    case v1::AGGREGATE_OP_QUANTILE:
      return TreeQuantile(v.order, f.quantile, [](double x) { return x; });
    default: {  // STDDEV_*
      if (f.op == v1::AGGREGATE_OP_STDDEV_SAMP && v.n < 2) return kNaN;
      if (v.huge > 0) return std::numeric_limits<double>::infinity();
      const auto n = static_cast<double>(v.n);
      const double squared_deviations = ExactVarianceTimesN2(v.n, v.sum, v.sum_sq) / n;
      return std::sqrt(squared_deviations / (f.op == v1::AGGREGATE_OP_STDDEV_POP ? n : n - 1));
    }
  }
}

}  // namespace

double AggregateValue(const CompiledFeature& f, const OnlineSlice& spec, const SliceStats& s,
                      const WindowView& w, double scale) {
  const auto value_stats = [&]() -> const ValueStats& {
    return s.values[IndexOf(spec.values, [&](const ValueNeeds& v) { return v.value == f.value; })];
  };
  switch (f.op) {
    case v1::AGGREGATE_OP_COUNT:
      return static_cast<double>(s.count);
    case v1::AGGREGATE_OP_SUM:
    case v1::AGGREGATE_OP_MEAN: {
      std::int64_t with = s.amount_n;
      double sum = 0;
      if (f.value == kAmount) {
        sum = static_cast<double>(s.amount_sum) / scale;
      } else {
        with = value_stats().n;
        sum = value_stats().sum.Value();
      }
      if (f.op == v1::AGGREGATE_OP_SUM) return sum;
      return with > 0 ? sum / static_cast<double>(with) : kNaN;
    }
    case v1::AGGREGATE_OP_DAYS_SINCE_FIRST:
    case v1::AGGREGATE_OP_DAYS_SINCE_LAST: {
      if (s.count == 0) return kNaN;
      const bool first = f.op == v1::AGGREGATE_OP_DAYS_SINCE_FIRST;
      const core::TimeNs t = spec.persisted ? (first ? s.first_event.time : s.last_event.time)
                                            : (first ? w.first_time : w.last_time);
      return Days(static_cast<Int128>(w.end) - t);
    }
    case v1::AGGREGATE_OP_DISTINCT_COUNT:
    case v1::AGGREGATE_OP_TOP_K_SHARE:
    case v1::AGGREGATE_OP_HHI: {
      const KeyedStats& k = s.keyed[IndexOf(
          spec.keyed, [&](const KeyedNeeds& n) { return n.key == f.key && n.value == f.value; })];
      if (f.op == v1::AGGREGATE_OP_DISTINCT_COUNT) return k.Distinct();
      if (f.op == v1::AGGREGATE_OP_HHI) return k.Hhi(f.weight_by_value);
      return k.TopShare(f.weight_by_value, f.top_k);
    }
    default:
      return OrderAndSpread(f, spec, value_stats());
  }
}

}  // namespace credence::features
