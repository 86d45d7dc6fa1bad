// The batch path's links between events (an event's reference_id names another event's id):
// per request, each row's referenced row (an open-addressing table over the ids of the rows
// that may be referenced), per INBOUND link filter each row's earliest referencing row
// matching it, per OUTBOUND link filter membership; per slice, the link measures of
// docs/features.md ("Links"), one pass per (slice, linked filter, direction).
#ifndef CREDENCE_FEATURES_LINKS_H_
#define CREDENCE_FEATURES_LINKS_H_

#include <cstdint>
#include <vector>

#include "features/batch_layout.h"
#include "features/filter_scan.h"
#include "io/event_table.h"

namespace credence::features {

// One request's resolved references. Immutable once built.
struct LinkIndex {
  std::vector<std::int32_t> ref_row;                     // per row: referenced row or -1
  std::vector<std::vector<std::int32_t>> first_inbound;  // [link filter][row]: earliest or -1
  std::vector<std::vector<char>> member;                 // [link filter][row]: matches it
};

// Empty when the plan has no link feature. Cost O(rows + matches of link filters).
LinkIndex ResolveLinks(const BatchLayout& layout, const io::EventTable& t,
                       const MatchLists& matches);

// The link measures of one slice. Features on the same (slice, linked filter, direction)
// share one pass over the slice's rows (they are adjacent in Slice::features).
// Thread-compatible; per request, Reset() at each slice.
class LinkMeasures {
 public:
  void Reset() { ready_ = false; }
  // REQUIRES: f.kind == Kind::kLink; `range` is the slice of `f`.
  double Measure(const CompiledFeature& f, const SliceRange& range, const LinkIndex& links,
                 const io::EventTable& t);

 private:
  void Pass(const CompiledFeature& f, const SliceRange& range, const LinkIndex& links,
            const io::EventTable& t);

  bool ready_ = false;
  int filter_ = -1;
  bool outbound_ = false;
  std::int64_t linked_ = 0;
  Int128 total_ns_ = 0;
  bool collected_ = false;         // durations_ holds the durations in days
  std::vector<Int128> link_ns_;    // the pass's durations, base order
  std::vector<double> durations_;  // in days, for quantiles
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_LINKS_H_
