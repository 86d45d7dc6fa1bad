// How the batch path (FeaturePlan::Evaluate: a whole history per call) arranges the compiled
// definitions: windowed features grouped into slices, one per distinct (filter, window);
// which filters accept each event kind; which filters need amount prefix sums or can be the
// target of a link. Built once at compile time from FeatureDefinitions; the per-request steps
// are filter_scan.h (one scan), links.h (references) and slice_stats.h (per-slice statistics).
#ifndef CREDENCE_FEATURES_BATCH_LAYOUT_H_
#define CREDENCE_FEATURES_BATCH_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/time.h"
#include "features/plan_definition.h"

namespace credence::features {

__extension__ typedef __int128 Int128;

// A distinct (filter, window): the features on it share the window's range of matching
// events and every statistic computed over it.
struct Slice {
  int filter = -1;
  CompiledWindow window;
  // Slots, sorted so that features with the same (key, value, linked filter, direction) are
  // adjacent and share one pass.
  std::vector<int> features;
};

// Immutable once built.
struct BatchLayout {
  std::vector<Slice> slices;  // grouped by filter
  // Per slot: some feature of its slice with the same (key, value) weighs shares by value,
  // so the keyed pass accumulates value sums.
  std::vector<char> keyed_weights;
  std::vector<std::vector<int>> filters_by_kind;       // kind -> filters accepting it
  std::vector<int> inbound_filters, outbound_filters;  // link filters by direction
  std::vector<char> filter_needs_sum;    // a SUM/MEAN of amounts reads its prefix sums
  std::vector<char> filter_link_target;  // its rows may be the target of a reference
  bool has_links = false;
};

// REQUIRES: `defs` compiled without error.
BatchLayout LayOutBatch(const FeatureDefinitions& defs);

// One slice's rows for one request: rows[lo, hi) of its filter's time-ordered matches are
// in the window, which ends at `end`.
struct SliceRange {
  std::span<const std::int32_t> rows;
  std::size_t lo = 0, hi = 0;
  core::TimeNs end = 0;
  std::int64_t count() const { return static_cast<std::int64_t>(hi - lo); }
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_BATCH_LAYOUT_H_
