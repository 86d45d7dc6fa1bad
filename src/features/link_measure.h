// The link measures of docs/features.md ("Links") from what every evaluator knows about a
// slice's linked base events: how many base events there are, how many are linked, the
// total of their durations, and readers for the statistics that need the durations
// themselves. Shared by the batch path (links.h) and the online path (online_stats.h), so
// both compute each measure with the same operations.
#ifndef CREDENCE_FEATURES_LINK_MEASURE_H_
#define CREDENCE_FEATURES_LINK_MEASURE_H_

#include <cstdint>
#include <limits>

#include "core/time.h"
#include "features/batch_layout.h"
#include "features/plan_definition.h"

namespace credence::features {

// `quantile()` is the DURATION_QUANTILE in days and `above()` the number of linked base
// events whose duration exceeds f.threshold; each is called only when that measure is asked
// and at least one base event is linked. REQUIRES: f.kind == Kind::kLink.
template <typename Quantile, typename Above>
double LinkMeasureValue(const CompiledFeature& f, std::int64_t count, std::int64_t linked,
                        Int128 total_ns, Quantile quantile, Above above) {
  switch (f.measure) {
    case v1::LINK_MEASURE_SHARE_LINKED:
      if (count > 0) return static_cast<double>(linked) / static_cast<double>(count);
      break;
    case v1::LINK_MEASURE_SHARE_UNLINKED:
      if (count > 0) return static_cast<double>(count - linked) / static_cast<double>(count);
      break;
    case v1::LINK_MEASURE_COUNT_LINKED:
      return static_cast<double>(linked);
    case v1::LINK_MEASURE_COUNT_UNLINKED:
      return static_cast<double>(count - linked);
    case v1::LINK_MEASURE_DURATION_MEAN:
      if (linked > 0) {
        return static_cast<double>(total_ns) / static_cast<double>(linked) /
               static_cast<double>(core::kNanosPerDay);
      }
      break;
    case v1::LINK_MEASURE_DURATION_QUANTILE:
      if (linked > 0) return quantile();
      break;
    case v1::LINK_MEASURE_DURATION_SHARE_ABOVE:
      if (linked > 0) return static_cast<double>(above()) / static_cast<double>(linked);
      break;
    default:
      break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_LINK_MEASURE_H_
