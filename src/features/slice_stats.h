// The batch path's per-slice statistics: for each slice (a distinct filter and window) the
// range of its filter's matches inside the window is found by binary search on time, then
// every feature on the slice is computed from that range. COUNT, SUM/MEAN of amounts (prefix
// sums) and DAYS_SINCE_* are O(1); the other statistics of a (slice, value source) are one
// shared pass; keyed statistics (distinct, top-k, HHI) one pass per (slice, key, value);
// trends one pass each; link measures are delegated to links.h.
#ifndef CREDENCE_FEATURES_SLICE_STATS_H_
#define CREDENCE_FEATURES_SLICE_STATS_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "features/batch_layout.h"
#include "features/filter_scan.h"
#include "features/links.h"
#include "features/plan_definition.h"
#include "io/ingest.h"

namespace credence::features {

// Evaluates the slices of one request, reusing its scratch from slice to slice.
// Thread-compatible: one per request and thread; the referenced objects must outlive it.
class SliceEvaluator {
 public:
  SliceEvaluator(const FeatureDefinitions& defs, const BatchLayout& layout,
                 const io::IngestedRequest& request, const MatchLists& matches,
                 const LinkIndex& links);

  // Computes every feature on `slice` into slot_values[slot].
  void Evaluate(const Slice& slice, std::span<double> slot_values);

 private:
  // Statistics of one value source over the current slice, computed on first use.
  struct ValueStats {
    ValueId value = kAmount;
    std::int64_t n = 0;
    Int128 sum_minor = 0;                // amounts
    double sum = 0;                      // attributes
    double shifted = 0, shifted_sq = 0;  // sum(x - first), sum((x - first)^2)
    double lo = 0, hi = 0;
    double first = std::numeric_limits<double>::quiet_NaN();
    double last = std::numeric_limits<double>::quiet_NaN();
    bool collected = false;      // `values` is filled (quantiles reorder it by selection)
    std::vector<double> values;  // the values, filled when a quantile needs them
    // sum((x - mean)^2) from the shifted sums; never negative.
    double SquaredDeviations() const;
  };

  SliceRange RangeOf(const Slice& slice) const;
  bool ValueOf(std::size_t row, ValueId v, double& x) const;
  ValueStats& Stats(ValueId v);
  std::vector<double>& AllValues(ValueStats& s);
  void ResetKeys();

  double Aggregate(const CompiledFeature& f, int slot);
  double SumOrMean(const CompiledFeature& f);
  double OrderAndSpread(const CompiledFeature& f);   // MIN, MAX, FIRST, LAST, STDDEV_*
  double Keyed(const CompiledFeature& f, int slot);  // DISTINCT_COUNT, TOP_K_SHARE, HHI
  double Trend(const CompiledFeature& f);

  const FeatureDefinitions& defs_;
  const BatchLayout& layout_;
  const io::IngestedRequest& request_;
  const io::EventTable& t_;
  const MatchLists& matches_;
  const LinkIndex& links_;
  double scale_ = 1;                      // 10^base_exponent
  std::vector<std::int32_t> value_keys_;  // value attributes resolved once per request

  // The current slice.
  const Slice* slice_ = nullptr;
  SliceRange range_;
  std::vector<ValueStats> stats_;  // per value source used
  struct {
    bool ready = false;
    v1::EventField field = v1::EVENT_FIELD_UNSPECIFIED;
    ValueId value = kAmount;
  } keyed_;                              // what key_count_ / key_weight_ hold
  std::vector<std::int64_t> key_count_;  // by string id
  std::vector<double> key_weight_;       // by string id
  std::vector<std::int32_t> touched_;    // string ids with key_count_ > 0, first-seen order
  std::vector<double> weights_;
  std::vector<double> bins_;
  LinkMeasures links_pass_;
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_SLICE_STATS_H_
