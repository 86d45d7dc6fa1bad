// The running statistics of the online path (online_state.h): what one slice, one key
// grouping, one trend or one link group holds about the events currently in its window,
// updated as events enter and leave. Every sum is exact (integers, or ExactSum for doubles)
// and every ordered structure is a multiset keyed by (value, event sequence number), so a
// statistic depends only on the set of events in the window, never on the order in which
// they came and went. The values are those of docs/features.md and agree with the batch path
// (slice_stats.h, links.h): bit for bit where the batch path is exact, within a relative 1e-9
// where it rounds.
//
// Thread-compatible.
#ifndef CREDENCE_FEATURES_ONLINE_STATS_H_
#define CREDENCE_FEATURES_ONLINE_STATS_H_

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/time.h"
#include "features/batch_layout.h"
#include "features/exact_sum.h"
#include "features/online_layout.h"
#include "features/plan_definition.h"

namespace credence::features {

// An order-statistics multiset of (value, event sequence number).
template <typename K>
using OrderTree = __gnu_pbds::tree<std::pair<K, std::uint64_t>, __gnu_pbds::null_type,
                                   std::less<std::pair<K, std::uint64_t>>, __gnu_pbds::rb_tree_tag,
                                   __gnu_pbds::tree_order_statistics_node_update>;

// One event as the statistics see it: its place in time order and its numbers.
struct EventMark {
  bool set = false;
  core::TimeNs time = 0;
  std::uint64_t seq = 0;
  double value = 0;
  bool Before(core::TimeNs t, std::uint64_t s) const { return time < t || (time == t && seq < s); }
};

// One value source of one slice.
struct ValueStats {
  std::int64_t n = 0;            // events with a value
  std::int64_t huge = 0;         // values whose square is not finite (STDDEV is +inf)
  ExactSum sum, sum_sq;          // when ValueNeeds::moments
  OrderTree<double> order;       // when ValueNeeds::order
  std::deque<EventMark> valued;  // when ValueNeeds::ends: in (time, seq) order
  double lo = 0, hi = 0;         // all-history running extremes
  EventMark first, last;         // all-history earliest / latest valued events

  void Add(const ValueNeeds& needs, bool persisted, const EventMark& e);
  void Remove(const ValueNeeds& needs, const EventMark& e);
};

// Per-key statistics of one slice for one (key field, value source): distinct keys, counts
// with Σc and Σc², value weights with Σw and Σw² over the keys whose weight is positive, and
// keys ordered by count or weight for top-k shares.
class KeyedStats {
 public:
  // `key` is a string id of the state (never kNoString); `x` the event's value, or NaN.
  void Add(const KeyedNeeds& needs, std::int32_t key, double x) { Update(needs, key, x, +1); }
  void Remove(const KeyedNeeds& needs, std::int32_t key, double x) { Update(needs, key, x, -1); }

  double Distinct() const { return static_cast<double>(keys_.size()); }
  double TopShare(bool by_value, int k) const;
  double Hhi(bool by_value) const;

 private:
  struct Key {
    std::int64_t count = 0;
    ExactSum weight;
    double w = 0;  // weight, rounded once
  };
  void Update(const KeyedNeeds& needs, std::int32_t key, double x, int sign);

  std::unordered_map<std::int32_t, Key> keys_;
  std::int64_t total_count_ = 0;
  Int128 sum_c2_ = 0;
  std::set<std::pair<std::int64_t, std::int32_t>> by_count_;
  std::set<std::pair<double, std::int32_t>> by_weight_;
  ExactSum total_w_, sum_w2_;
};

// Per-period totals of a trend: period j holds counts or exact value sums.
class TrendStats {
 public:
  explicit TrendStats(const TrendSpec& spec);
  // `x` is the event's value (NaN: none; ignored for count trends).
  void Enter(double x) { Move(-1, spec_->periods - 1, x); }
  void Shift(int j, double x) { Move(j, j - 1, x); }  // from period j to j - 1
  void Exit(double x) { Move(0, -1, x); }
  double Slope() const;

 private:
  void Move(int from, int to, double x);
  const TrendSpec* spec_;
  std::vector<std::int64_t> counts_;
  std::vector<ExactSum> sums_;
};

// One base event's link: the linked event and the duration in nanoseconds.
struct LinkEntry {
  std::uint32_t other = 0;  // the linked event's slot (held while linked)
  core::TimeNs time = 0;
  std::uint64_t seq = 0;
  Int128 duration = 0;
};

// The links of one link group: linked base events in the window, their durations.
class LinkStats {
 public:
  const LinkEntry* Find(std::uint32_t base) const;
  // Sets (replacing any) the link of base event `base` (sequence number `base_seq`).
  void Set(const LinkGroup& group, std::uint32_t base, std::uint64_t base_seq,
           const LinkEntry& entry);
  // Removes the link of `base`; returns it (nullopt when it had none).
  bool Erase(const LinkGroup& group, std::uint32_t base, std::uint64_t base_seq, LinkEntry* out);
  // A link measure of docs/features.md; `count` is |E| of the slice.
  double Measure(const CompiledFeature& f, std::int64_t count) const;

 private:
  std::unordered_map<std::uint32_t, LinkEntry> linked_;
  Int128 total_ns_ = 0;
  OrderTree<Int128> durations_;
};

// Everything one slice holds.
struct SliceStats {
  std::int64_t count = 0;
  std::int64_t amount_n = 0;
  Int128 amount_sum = 0;              // minor units
  EventMark first_event, last_event;  // all history (persisted slices)
  std::vector<ValueStats> values;     // per OnlineSlice::values
  std::vector<KeyedStats> keyed;      // per OnlineSlice::keyed
};

// The window of a slice when a feature is read: its end (as_of − offset) and its earliest
// and latest events (when count > 0).
struct WindowView {
  core::TimeNs end = 0;
  core::TimeNs first_time = 0, last_time = 0;
};

// An aggregate feature from its slice's statistics. `scale` is 10^base_exponent.
double AggregateValue(const CompiledFeature& f, const OnlineSlice& spec, const SliceStats& s,
                      const WindowView& w, double scale);

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_ONLINE_STATS_H_
