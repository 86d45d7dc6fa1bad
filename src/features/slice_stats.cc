// Per-slice statistics of the batch path. See slice_stats.h and docs/features.md.
#include "features/slice_stats.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "features/event_row.h"
#include "features/quantile.h"
#include "features/trend_slope.h"

namespace credence::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double SliceEvaluator::ValueStats::SquaredDeviations() const {
  return std::max(0.0, shifted_sq - shifted * shifted / static_cast<double>(n));
}

SliceEvaluator::SliceEvaluator(const FeatureDefinitions& defs, const BatchLayout& layout,
                               const io::IngestedRequest& request, const MatchLists& matches,
                               const LinkIndex& links)
    : defs_(defs),
      layout_(layout),
      request_(request),
      t_(request.events),
      matches_(matches),
      links_(links) {
  for (int k = 0; k < defs.base_exponent; ++k) scale_ *= 10;
  value_keys_.reserve(defs.value_attributes.size());
  for (const std::string& name : defs.value_attributes)
    value_keys_.push_back(t_.strings.Find(name));
}

// The number `v` of `row`: its amount, or a numeric attribute; false when it has none.
inline bool SliceEvaluator::ValueOf(std::size_t row, ValueId v, double& x) const {
  if (v == kAmount) {
    x = t_.amount[row];
    return !std::isnan(x);
  }
  const std::int32_t key = value_keys_[static_cast<std::size_t>(v)];
  if (key == io::StringPool::kNoString) return false;
  const io::Attribute* a = FindAttribute(t_, row, key);
  if (a == nullptr || !IsNumeric(*a)) return false;
  x = a->double_value;
  return true;
}

// The matches in (start, end] with end = as_of - offset, start = end - trailing; both
// saturate near the start of the time range.
SliceRange SliceEvaluator::RangeOf(const Slice& slice) const {
  SliceRange r;
  r.rows = matches_.rows(static_cast<std::size_t>(slice.filter));
  core::TimeNs end = 0, start = std::numeric_limits<core::TimeNs>::min();
  if (__builtin_sub_overflow(request_.as_of, slice.window.offset, &end)) {
    end = std::numeric_limits<core::TimeNs>::min();
  }
  if (!slice.window.all_history && __builtin_sub_overflow(end, slice.window.trailing, &start)) {
    start = std::numeric_limits<core::TimeNs>::min();
  }
  const auto time_of = [&](std::int32_t row) { return t_.time[static_cast<std::size_t>(row)]; };
  const auto m = r.rows;
  r.lo = static_cast<std::size_t>(
      std::partition_point(m.begin(), m.end(),
                           [&](std::int32_t x) { return time_of(x) <= start; }) -
      m.begin());
  r.hi = static_cast<std::size_t>(
      std::partition_point(m.begin() + static_cast<std::ptrdiff_t>(r.lo), m.end(),
                           [&](std::int32_t x) { return time_of(x) <= end; }) -
      m.begin());
  r.end = end;
  return r;
}

void SliceEvaluator::Evaluate(const Slice& slice, std::span<double> slot_values) {
  slice_ = &slice;
  range_ = RangeOf(slice);
  stats_.clear();
  ResetKeys();
  links_pass_.Reset();
  for (int slot : slice.features) {
    const CompiledFeature& f = defs_.features[static_cast<std::size_t>(slot)];
    double value = kNaN;
    if (f.kind == Kind::kAggregate) {
      value = Aggregate(f, slot);
    } else if (f.kind == Kind::kTrend) {
      value = Trend(f);
    } else {  // Kind::kLink
      value = links_pass_.Measure(f, range_, links_, t_);
    }
    slot_values[static_cast<std::size_t>(slot)] = value;
  }
}

SliceEvaluator::ValueStats& SliceEvaluator::Stats(ValueId v) {
  for (ValueStats& s : stats_) {
    if (s.value == v) return s;
  }
  ValueStats& s = stats_.emplace_back();
  s.value = v;
  double x = 0;
  for (std::size_t k = range_.lo; k < range_.hi; ++k) {
    const auto row = static_cast<std::size_t>(range_.rows[k]);
    if (!ValueOf(row, v, x)) continue;
    if (s.n == 0) {
      s.lo = s.hi = s.first = x;
    } else {
      s.lo = std::min(s.lo, x);
      s.hi = std::max(s.hi, x);
    }
    s.last = x;
    ++s.n;
    if (v == kAmount) {
      s.sum_minor += t_.amount_minor[row];
    } else {
      s.sum += x;
    }
    // Sums shifted by the first value (stable when it is near the mean; no division).
    const double d = x - s.first;
    s.shifted += d;
    s.shifted_sq += d * d;
  }
  return s;
}

std::vector<double>& SliceEvaluator::AllValues(ValueStats& s) {
  if (!s.collected) {
    s.values.clear();
    double x = 0;
    for (std::size_t k = range_.lo; k < range_.hi; ++k) {
      if (ValueOf(static_cast<std::size_t>(range_.rows[k]), s.value, x)) s.values.push_back(x);
    }
    s.collected = true;
  }
  return s.values;
}

double SliceEvaluator::Aggregate(const CompiledFeature& f, int slot) {
  const std::int64_t count = range_.count();
  switch (f.op) {
    case v1::AGGREGATE_OP_COUNT:
      return static_cast<double>(count);
    case v1::AGGREGATE_OP_SUM:
    case v1::AGGREGATE_OP_MEAN:
      return SumOrMean(f);
    case v1::AGGREGATE_OP_MIN:
    case v1::AGGREGATE_OP_MAX:
    case v1::AGGREGATE_OP_FIRST:
    case v1::AGGREGATE_OP_LAST:
    case v1::AGGREGATE_OP_STDDEV_POP:
    case v1::AGGREGATE_OP_STDDEV_SAMP:
      return OrderAndSpread(f);
    case v1::AGGREGATE_OP_QUANTILE: {
      ValueStats& s = Stats(f.value);
      return s.n > 0 ? Quantile7(AllValues(s), f.quantile) : kNaN;
    }
    case v1::AGGREGATE_OP_DAYS_SINCE_FIRST:
    case v1::AGGREGATE_OP_DAYS_SINCE_LAST: {
      if (count == 0) return kNaN;
      const std::int32_t row = f.op == v1::AGGREGATE_OP_DAYS_SINCE_FIRST
                                   ? range_.rows[range_.lo]
                                   : range_.rows[range_.hi - 1];
      const core::TimeNs when = t_.time[static_cast<std::size_t>(row)];
      // 128-bit: times span 1677..2262, so a difference may not fit in 64 bits.
      return static_cast<double>(static_cast<Int128>(range_.end) - when) /
             static_cast<double>(core::kNanosPerDay);
    }
    case v1::AGGREGATE_OP_DISTINCT_COUNT:
    case v1::AGGREGATE_OP_TOP_K_SHARE:
    case v1::AGGREGATE_OP_HHI:
      return Keyed(f, slot);
    default:
      return kNaN;
  }
}

double SliceEvaluator::SumOrMean(const CompiledFeature& f) {
  std::int64_t with = 0;
  double sum = 0;
  if (f.value == kAmount) {  // exact: prefix sums of minor units
    const auto filter = static_cast<std::size_t>(slice_->filter);
    with = matches_.AmountCount(filter, range_.lo, range_.hi);
    sum = static_cast<double>(matches_.AmountSum(filter, range_.lo, range_.hi)) / scale_;
  } else {
    const ValueStats& s = Stats(f.value);
    with = s.n;
    sum = s.sum;
  }
  if (f.op == v1::AGGREGATE_OP_SUM) return sum;
  return with > 0 ? sum / static_cast<double>(with) : kNaN;
}

double SliceEvaluator::OrderAndSpread(const CompiledFeature& f) {
  const ValueStats& s = Stats(f.value);
  if (s.n == 0) return kNaN;
  switch (f.op) {
    case v1::AGGREGATE_OP_MIN:
      return s.lo;
    case v1::AGGREGATE_OP_MAX:
      return s.hi;
    case v1::AGGREGATE_OP_FIRST:
      return s.first;
    case v1::AGGREGATE_OP_LAST:
      return s.last;
    case v1::AGGREGATE_OP_STDDEV_POP:
      return std::sqrt(s.SquaredDeviations() / static_cast<double>(s.n));
    default:  // STDDEV_SAMP
      if (s.n < 2) return kNaN;
      return std::sqrt(s.SquaredDeviations() / static_cast<double>(s.n - 1));
  }
}

void SliceEvaluator::ResetKeys() {
  for (std::int32_t key : touched_) {
    key_count_[static_cast<std::size_t>(key)] = 0;
    key_weight_[static_cast<std::size_t>(key)] = 0;
  }
  touched_.clear();
  keyed_.ready = false;
}

// Per-key count and value sum in arrays indexed by string id; `touched_` lists the keys seen
// in first-seen order and is used to reset the arrays. Features on the slice with the same
// key and value (sorted next to each other) share one pass.
double SliceEvaluator::Keyed(const CompiledFeature& f, int slot) {
  if (!keyed_.ready || keyed_.field != f.key || keyed_.value != f.value) {
    ResetKeys();
    keyed_ = {true, f.key, f.value};
    key_count_.resize(t_.strings.size(), 0);
    key_weight_.resize(t_.strings.size(), 0);
    const bool weights = layout_.keyed_weights[static_cast<std::size_t>(slot)] != 0;
    double x = 0;
    for (std::size_t k = range_.lo; k < range_.hi; ++k) {
      const auto row = static_cast<std::size_t>(range_.rows[k]);
      const std::int32_t key = KeyOf(t_, row, f.key);
      if (key == io::StringPool::kNoString) continue;
      const auto u = static_cast<std::size_t>(key);
      if (key_count_[u]++ == 0) touched_.push_back(key);
      if (weights && ValueOf(row, f.value, x)) key_weight_[u] += x;
    }
  }
  if (f.op == v1::AGGREGATE_OP_DISTINCT_COUNT) return static_cast<double>(touched_.size());
  weights_.clear();
  double total = 0;
  for (std::int32_t key : touched_) {
    const auto u = static_cast<std::size_t>(key);
    const double w = f.weight_by_value ? key_weight_[u] : static_cast<double>(key_count_[u]);
    if (w > 0) {
      weights_.push_back(w);
      total += w;
    }
  }
  if (!(total > 0)) return kNaN;
  if (f.op == v1::AGGREGATE_OP_HHI) {
    double h = 0;
    for (double w : weights_) h += (w / total) * (w / total);
    return h;
  }
  const std::size_t k = std::min(weights_.size(), static_cast<std::size_t>(f.top_k));
  std::nth_element(weights_.begin(), weights_.begin() + static_cast<std::ptrdiff_t>(k) - 1,
                   weights_.end(), std::greater<>());
  double top = 0;
  for (std::size_t j = 0; j < k; ++j) top += weights_[j];
  return top / total;
}

// Period j covers (start + j*period, start + (j+1)*period]. Rows are in time order, so the
// period only moves forward. 128-bit: exact even where `start` saturated.
double SliceEvaluator::Trend(const CompiledFeature& f) {
  bins_.assign(static_cast<std::size_t>(f.periods), 0.0);
  double x = 0;
  std::size_t j = 0;
  Int128 upper = static_cast<Int128>(request_.as_of) - slice_->window.offset -
                 slice_->window.trailing + f.period;
  for (std::size_t k = range_.lo; k < range_.hi; ++k) {
    const auto row = static_cast<std::size_t>(range_.rows[k]);
    while (t_.time[row] > upper && j + 1 < bins_.size()) {
      ++j;
      upper += f.period;
    }
    if (f.trend_count) {
      bins_[j] += 1;
    } else if (ValueOf(row, f.value, x)) {
      bins_[j] += x;
    }
  }
  return TrendSlope(bins_);
}

}  // namespace credence::features
