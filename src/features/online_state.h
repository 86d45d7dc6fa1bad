// The online feature state: every feature of a bundle kept up to date one event at a time.
//
// After events e1..ek have been applied, Evaluate gives what FeaturePlan::Evaluate gives for
// a history holding exactly e1..ek with as_of = the state's clock (the latest event time, or
// a later time given to AdvanceTo): bit for bit for counts, amount sums and everything the
// batch path computes exactly, within a relative 1e-9 where it rounds (docs/features.md,
// docs/screening.md). Windows slide exactly: an event enters a window when the clock reaches
// its time + offset and leaves it at its time + offset + trailing, through boundaries over
// per-filter time-ordered lists (online_layout.h); statistics are updated as events enter
// and leave (online_stats.h), never recomputed over the window.
//
// What the state keeps (how it grows): every event younger than the retention horizon (the
// longest window with its offset, plus the allowed lateness) with the numbers its features
// read; beyond it, only events a window still needs (links hold their linked event while the
// base event is in the window) and the events of all-history slices whose statistics need
// them (quantiles, keys, links over all history grow with history). All-history running
// totals (counts, sums, extremes, first/last) are a few numbers whatever the history.
//
// Duplicates: an event whose id the state holds is not applied (kDuplicate), as batch ingest
// keeps the first of several events with one id. Ids are held as long as their events are
// (at least the retention horizon); an id reused after its event was let go counts as new.
// Late events: an event earlier than the clock by at most the allowed lateness is applied
// exactly where it belongs (every window, link and period it falls in is updated); an
// earlier one is refused with OUT_OF_RANGE and leaves the state unchanged.
//
//   auto plan = std::make_shared<const OnlinePlan>(defs, lateness, fingerprint);
//   OnlineState state(plan);
//   std::vector<BoundFilter> bound = state.Bind(table);
//   for (std::size_t row = 0; row < table.size(); ++row) state.Apply(table, row, bound);
//   state.Evaluate(registered_at, values);
//
// OnlinePlan is immutable and shared; OnlineState is thread-compatible (one thread at a
// time) and move-only.
#ifndef CREDENCE_FEATURES_ONLINE_STATE_H_
#define CREDENCE_FEATURES_ONLINE_STATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "credence/result.h"
#include "credence/v1/screen.pb.h"
#include "features/filter_scan.h"
#include "features/online_layout.h"
#include "features/plan_definition.h"
#include "io/event_table.h"

namespace credence::features {

// The definitions and their online layout. Immutable.
class OnlinePlan {
 public:
  // `fingerprint` identifies the definitions (and whatever else makes saved states
  // incompatible); a saved state loads only into a plan with the same fingerprint.
  OnlinePlan(FeatureDefinitions defs, core::DurationNs lateness, std::string fingerprint);

  const FeatureDefinitions& defs() const { return defs_; }
  const OnlineLayout& layout() const { return layout_; }
  const std::string& fingerprint() const { return fingerprint_; }
  core::DurationNs lateness() const { return layout_.lateness; }
  // Per slot: whether it is one of `slots` or an input (through ratios and growths, hidden
  // prior windows included) of one.
  std::vector<char> Needs(std::span<const int> slots) const;

 private:
  FeatureDefinitions defs_;
  OnlineLayout layout_;
  std::string fingerprint_;
};

class OnlineState {
 public:
  enum class Applied { kApplied, kDuplicate };

  explicit OnlineState(std::shared_ptr<const OnlinePlan> plan);
  OnlineState(OnlineState&&) noexcept;
  OnlineState& operator=(OnlineState&&) noexcept;
  ~OnlineState();

  // The plan's filters bound to `table`'s strings, for Apply on its rows.
  std::vector<BoundFilter> Bind(const io::EventTable& table) const;
  // Apply with the filters bound for this row only (those accepting its kind): the cheap
  // way to apply one event of a one-event table.
  Result<Applied> ApplyRow(const io::EventTable& table, std::size_t row);

  // Applies row `row` of `table` (ingested: validated, money converted). kDuplicate leaves
  // the state unchanged. Errors: OUT_OF_RANGE when the event is earlier than the clock by
  // more than the allowed lateness (the state is unchanged).
  Result<Applied> Apply(const io::EventTable& table, std::size_t row,
                        std::span<const BoundFilter> bound);
  // Moves the clock to `t` (no earlier than the clock): windows slide as for an event at t.
  void AdvanceTo(core::TimeNs t);

  // Every feature as of the clock, in bundle order (NaN = missing); with `needed` (from
  // OnlinePlan::Needs), only the windowed features it marks are computed (the others are
  // NaN). REQUIRES: started().
  void Evaluate(std::optional<core::TimeNs> registered_at, std::span<double> out,
                std::span<const char> needed = {}) const;

  const OnlinePlan& plan() const;
  bool started() const;
  core::TimeNs clock() const;  // REQUIRES: started()
  // Whether an event with this id is held (a second one would be a duplicate).
  bool Contains(std::string_view event_id) const;
  std::size_t retained_events() const;
  // Ids of events let go since the last call (a decision log can forget them).
  std::vector<std::string> TakeReleasedIds();

  // The state as a message; Load(Save()) behaves exactly like this state.
  void Save(v1::FeatureState* out) const;
  // Errors: FAILED_PRECONDITION when `in` was saved by a plan with another fingerprint;
  // DATA_LOSS when it is inconsistent.
  static Result<OnlineState> Load(std::shared_ptr<const OnlinePlan> plan,
                                  const v1::FeatureState& in);

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_ONLINE_STATE_H_
