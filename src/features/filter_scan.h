// The batch path's filter scan: each distinct filter's strings are bound to the request's
// StringPool once, then one time-ordered pass over the EventTable tests each row only
// against the filters accepting its kind and appends it to their match lists (so every list
// is in time order). Filters with a SUM or MEAN of amounts also get exact 128-bit prefix
// sums of minor units. BindFilter and MatchesRest are the per-event filter test, usable by
// any evaluator.
#ifndef CREDENCE_FEATURES_FILTER_SCAN_H_
#define CREDENCE_FEATURES_FILTER_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "features/batch_layout.h"
#include "features/plan_definition.h"
#include "io/event_table.h"

namespace credence::features {

// The request-specific form of a filter: strings resolved to pool ids. Immutable once bound;
// valid while the filter and the pool live.
struct BoundFilter {
  const CompiledFilter* f = nullptr;
  std::vector<std::int32_t> custom_kinds, statuses, exclude_statuses, destination_countries,
      origin_countries, channels;
  std::vector<std::int32_t> attribute_keys;  // per f->attributes; kNoString = never matches
  bool impossible = false;                   // a required string never occurs in this request
};

BoundFilter BindFilter(const CompiledFilter& f, const io::StringPool& pool);

// Whether `row` passes everything in `b` but the kind, which the caller has checked.
bool MatchesRest(const BoundFilter& b, const io::EventTable& t, std::size_t row);

// Every filter's matching rows of one request, in time order. Immutable once scanned.
class MatchLists {
 public:
  std::span<const std::int32_t> rows(std::size_t f) const {
    return {match_buf_.get() + match_off_[f], match_n_[f]};
  }
  // Over matches [lo, hi) of filter f: the sum of amounts in minor units, and how many have
  // an amount. REQUIRES: BatchLayout::filter_needs_sum[f].
  Int128 AmountSum(std::size_t f, std::size_t lo, std::size_t hi) const {
    return prefix_buf_[sum_off_[f] + hi] - prefix_buf_[sum_off_[f] + lo];
  }
  std::int32_t AmountCount(std::size_t f, std::size_t lo, std::size_t hi) const {
    return prefix_n_buf_[sum_off_[f] + hi] - prefix_n_buf_[sum_off_[f] + lo];
  }

 private:
  friend MatchLists ScanFilters(const FeatureDefinitions& defs, const BatchLayout& layout,
                                const io::EventTable& t);
  // Matches of filter f: match_buf_[match_off_[f], match_off_[f] + match_n_[f]); prefix sums
  // of filter f at sum_off_[f] (entry k covers the first k matches). Buffers are
  // uninitialized (new T[]): only the written prefix is ever read.
  std::unique_ptr<std::int32_t[]> match_buf_;
  std::vector<std::size_t> match_off_, match_n_, sum_off_;
  std::unique_ptr<Int128[]> prefix_buf_;
  std::unique_ptr<std::int32_t[]> prefix_n_buf_;
};

// Cost O(rows x filters accepting each row's kind); memory proportional to that work.
MatchLists ScanFilters(const FeatureDefinitions& defs, const BatchLayout& layout,
                       const io::EventTable& t);

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_FILTER_SCAN_H_
