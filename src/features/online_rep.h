// The inside of OnlineState (online_state.h), shared by its implementation files:
// online_state.cc (events, lists, boundaries, the clock, evaluation), online_listeners.cc
// (what slices, trends and links do when an event passes a boundary) and online_save.cc
// (the saved form). Not part of the module's interface.
#ifndef CREDENCE_FEATURES_ONLINE_REP_H_
#define CREDENCE_FEATURES_ONLINE_REP_H_

#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "features/online_layout.h"
#include "features/online_state.h"
#include "features/online_stats.h"

namespace credence::features {

// One kept event. Its numbers live in OnlineState::Rep's per-slot arrays.
struct EventRecord {
  core::TimeNs time = 0;
  std::uint64_t seq = 0;
  std::int64_t amount_minor = 0;
  double amount = std::numeric_limits<double>::quiet_NaN();  // base major units; NaN: none
  const std::string* id = nullptr;                           // key of Rep::ids
  const std::string* ref = nullptr;  // key of Rep::refs; null without a reference
  std::uint32_t holds = 0;           // lists holding it + links holding it
  bool live = false;
};

// One list's events in (time, seq) order. Positions are absolute: the front is `base`.
struct EventList {
  std::deque<std::uint32_t> slots;
  std::uint64_t base = 0;
  std::vector<std::uint64_t> pos;  // per boundary: events before it have passed it
  bool moved = false;              // a boundary moved since the last trim
  std::uint64_t end() const { return base + slots.size(); }
  std::uint32_t at(std::uint64_t p) const { return slots[static_cast<std::size_t>(p - base)]; }
};

// Interned strings (key field values) with reference counts; ids of released strings are
// reused.
class StringTable {
 public:
  std::int32_t Intern(std::string_view s);
  void Release(std::int32_t id);
  const std::string& Get(std::int32_t id) const {
    return entries_[static_cast<std::size_t>(id)].text;
  }

 private:
  struct Entry {
    std::string text;
    std::uint32_t refs = 0;
  };
  std::unordered_map<std::string, std::int32_t> ids_;
  std::vector<Entry> entries_;
  std::vector<std::int32_t> free_;
};

struct OnlineState::Rep {
  explicit Rep(std::shared_ptr<const OnlinePlan> p);

  std::shared_ptr<const OnlinePlan> plan;
  const FeatureDefinitions& defs;
  const OnlineLayout& layout;
  std::size_t values_per_event, keys_per_event, words;

  bool started = false;
  core::TimeNs clock = 0;
  std::uint64_t next_seq = 0;
  bool loading = false;  // Load replays: persisted slices already hold their totals

  std::vector<EventRecord> records;
  std::vector<std::uint32_t> free_slots;
  std::vector<double> values;       // [slot * values_per_event + v]
  std::vector<std::int32_t> keys;   // [slot * keys_per_event + k]; kNoString: none
  std::vector<std::uint64_t> bits;  // [slot * words + w]
  std::unordered_map<std::string, std::uint32_t> ids;
  std::unordered_map<std::string, std::vector<std::uint32_t>> refs;
  StringTable strings;
  std::vector<EventList> lists;
  std::vector<std::uint32_t> to_free;  // slots whose holds reached 0
  std::vector<std::string> released;

  std::vector<SliceStats> slices;
  std::vector<TrendStats> trends;
  std::vector<LinkStats> links;
  std::vector<BoundFilter> scratch_bound;      // ApplyRow's (only the row's kinds are bound)
  mutable std::vector<double> scratch_values;  // Evaluate's per-slot values

  // --- events (online_state.cc)
  std::uint32_t NewSlot();
  void Describe(const io::EventTable& t, std::size_t row, std::span<const BoundFilter> bound,
                std::uint32_t slot, std::vector<int>& matched);
  void Hold(std::uint32_t slot) { ++records[slot].holds; }
  void Unhold(std::uint32_t slot) {
    if (--records[slot].holds == 0) to_free.push_back(slot);
  }
  void FreePending();
  bool HasBit(std::uint32_t slot, int filter) const {
    const auto f = static_cast<std::size_t>(filter);
    return (bits[slot * words + f / 64] >> (f % 64) & 1) != 0;
  }
  double ValueOf(std::uint32_t slot, ValueId v) const {
    return v == kAmount ? records[slot].amount
                        : values[slot * values_per_event + static_cast<std::size_t>(v)];
  }
  std::int32_t KeyOf(std::uint32_t slot, v1::EventField field) const;
  bool Earlier(std::uint32_t a, std::uint32_t b) const {
    const EventRecord &x = records[a], &y = records[b];
    return x.time < y.time || (x.time == y.time && x.seq < y.seq);
  }
  // Whether the event has passed a boundary δ behind the clock.
  bool Passed(core::TimeNs t, core::DurationNs delta) const {
    return started && static_cast<Int128>(t) <= static_cast<Int128>(clock) - delta;
  }
  void InsertInList(int list, std::uint32_t slot);
  void AdvanceBoundaries();
  void Trim();
  // The absolute position of `slot` in `list`, or end() when absent.
  std::uint64_t PositionIn(int list, std::uint32_t slot) const;

  // --- listeners (online_listeners.cc)
  void Fire(int list, int boundary, std::uint32_t slot);
  void Enter(int slice, std::uint32_t slot);
  void Exit(int slice, std::uint32_t slot);
  void LinkEnter(int group, std::uint32_t base);
  void LinkExit(int group, std::uint32_t base);
  void LinkVisible(int group, std::uint32_t linked);
  void SetLink(int group, std::uint32_t base, std::uint32_t other);
  bool InWindow(int slice, std::uint32_t slot) const;
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_ONLINE_REP_H_
