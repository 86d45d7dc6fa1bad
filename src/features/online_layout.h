// How the online path (online_state.h: one event at a time) arranges the compiled feature
// definitions. Every windowed feature lives on a slice (a distinct filter and window, as in
// the batch layout); a slice's window is the stretch between two *boundaries* of its
// filter's time-ordered event list: an event passes the boundary with delay δ when the
// state's clock reaches its time + δ. A slice enters an event at δ = offset and lets it go at
// δ = offset + trailing; a trend moves it from period to period at the boundaries between
// periods; a link sees a linked event at δ = offset. Boundaries of equal (list, δ) are one
// boundary with several listeners. The last list holds every event and lets it go at the
// retention horizon (the longest window plus the allowed lateness).
//
// Built once per compiled feature set (OnlinePlan). Immutable once built.
#ifndef CREDENCE_FEATURES_ONLINE_LAYOUT_H_
#define CREDENCE_FEATURES_ONLINE_LAYOUT_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/time.h"
#include "features/batch_layout.h"
#include "features/plan_definition.h"

namespace credence::features {

// What one slice keeps for one value source.
struct ValueNeeds {
  ValueId value = kAmount;
  bool moments = false;  // exact Σx and Σx² (attribute SUM/MEAN, STDDEV_*)
  bool order = false;    // an order-statistics multiset (QUANTILE; MIN/MAX of trailing windows)
  bool ends = false;     // the window's valued events in order (FIRST/LAST of trailing windows)
};

// Per-key statistics of one slice for one (key field, value source).
struct KeyedNeeds {
  v1::EventField key = v1::EVENT_FIELD_UNSPECIFIED;
  ValueId value = kAmount;
  bool weights = false;      // per-key value sums (some feature weighs by value)
  bool top_counts = false;   // keys ordered by count (TOP_K_SHARE by count)
  bool top_weights = false;  // keys ordered by weight (TOP_K_SHARE by value)
};

// The link features of one slice with the same linked filter and direction.
struct LinkGroup {
  int slice = -1;
  int link_filter = -1;
  bool outbound = false;
  bool durations = false;  // an ordered multiset of durations (quantile, share above)
};

// A trend feature: its slice's window cut into `periods` periods.
struct TrendSpec {
  int slot = -1;
  int slice = -1;
  int periods = 0;
  core::DurationNs period = 0;
  bool count = false;
  ValueId value = kAmount;
};

struct OnlineSlice {
  int filter = -1;
  CompiledWindow window;
  // All history, and every statistic is a running total: the totals are saved with the
  // state and the slice's events need not be kept once they entered it.
  bool persisted = false;
  // All history with a statistic that needs its events (quantiles, keys, links): the filter's
  // events are kept for as long as the state lives.
  bool pinned = false;
  bool amount_sum = false;  // exact Σ of amounts in minor units
  std::vector<ValueNeeds> values;
  std::vector<KeyedNeeds> keyed;
  std::vector<int> links;   // LinkGroup ids
  std::vector<int> trends;  // TrendSpec ids
  std::vector<int> features;
  // Indices into OnlineLayout::boundaries[filter] of the boundaries where events enter and
  // leave (-1: never, all history).
  int enter_boundary = -1, exit_boundary = -1;
};

enum class ListenerKind : std::uint8_t {
  kEnter,    // target: slice
  kExit,     // target: slice
  kTrend,    // target: trend, arg: the period boundary j (moves period j to j - 1)
  kVisible,  // target: link group (the event may be the linked side)
};

struct Listener {
  ListenerKind kind = ListenerKind::kEnter;
  int target = -1;
  int arg = 0;
};

struct BoundarySpec {
  core::DurationNs delta = 0;
  std::vector<Listener> listeners;
};

struct OnlineLayout {
  BatchLayout batch;  // slices (same order) and filters by kind
  std::vector<OnlineSlice> slices;
  std::vector<LinkGroup> links;
  std::vector<TrendSpec> trends;
  // Per feature slot: its TrendSpec (trends) or LinkGroup (links); -1 for other kinds.
  std::vector<int> slot_group;
  // Lists 0 .. F-1 are the filters' events, list F every event. Boundaries per list by δ
  // ascending; `order` visits every (list, boundary) by δ ascending.
  std::vector<std::vector<BoundarySpec>> boundaries;
  std::vector<char> list_pinned;
  std::vector<std::pair<int, int>> order;
  // Key fields events keep, and per filter the key fields (indices) its keyed slices read.
  std::vector<v1::EventField> key_fields;
  std::vector<std::vector<int>> filter_keys;
  int filter_words = 0;            // 64-bit words of filter membership per event
  core::DurationNs lateness = 0;   // accepted delay behind the clock
  core::DurationNs retention = 0;  // the longest window, offset included
  int all_list() const { return static_cast<int>(boundaries.size()) - 1; }
};

// REQUIRES: `defs` compiled without error; 0 <= lateness.
OnlineLayout LayOutOnline(const FeatureDefinitions& defs, core::DurationNs lateness);

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_ONLINE_LAYOUT_H_
