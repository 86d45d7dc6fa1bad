// OnlineState: kept events, their lists and boundaries, the clock and evaluation. See
// online_state.h; listeners are in online_listeners.cc, the saved form in online_save.cc.
#include "features/online_state.h"

#include <algorithm>
#include <utility>

#include "features/derived.h"
#include "features/event_row.h"
#include "features/online_rep.h"

namespace credence::features {

OnlinePlan::OnlinePlan(FeatureDefinitions defs, core::DurationNs lateness, std::string fingerprint)
    : defs_(std::move(defs)),
      layout_(LayOutOnline(defs_, lateness)),
      fingerprint_(std::move(fingerprint)) {}

std::int32_t StringTable::Intern(std::string_view s) {
  auto [it, inserted] = ids_.try_emplace(std::string(s), 0);
  if (inserted) {
    if (!free_.empty()) {
      it->second = free_.back();
      free_.pop_back();
      entries_[static_cast<std::size_t>(it->second)].text = it->first;
    } else {
      it->second = static_cast<std::int32_t>(entries_.size());
      entries_.push_back({it->first, 0});
    }
  }
  ++entries_[static_cast<std::size_t>(it->second)].refs;
  return it->second;
}

void StringTable::Release(std::int32_t id) {
  Entry& e = entries_[static_cast<std::size_t>(id)];
  if (--e.refs > 0) return;
  ids_.erase(e.text);
  e.text.clear();
  free_.push_back(id);
}

OnlineState::Rep::Rep(std::shared_ptr<const OnlinePlan> p)
    : plan(std::move(p)),
      defs(plan->defs()),
      layout(plan->layout()),
      values_per_event(defs.value_attributes.size()),
      keys_per_event(layout.key_fields.size()),
      words(static_cast<std::size_t>(layout.filter_words)) {
  lists.resize(layout.boundaries.size());
  for (std::size_t l = 0; l < lists.size(); ++l)
    lists[l].pos.assign(layout.boundaries[l].size(), 0);
  slices.resize(layout.slices.size());
  for (std::size_t s = 0; s < slices.size(); ++s) {
    slices[s].values.resize(layout.slices[s].values.size());
    slices[s].keyed.resize(layout.slices[s].keyed.size());
  }
  for (const TrendSpec& t : layout.trends) trends.emplace_back(t);
  links.resize(layout.links.size());
}

std::uint32_t OnlineState::Rep::NewSlot() {
  std::uint32_t slot = 0;
  if (!free_slots.empty()) {
    slot = free_slots.back();
    free_slots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(records.size());
    records.emplace_back();
    values.resize(values.size() + values_per_event);
    keys.resize(keys.size() + keys_per_event);
    bits.resize(bits.size() + words);
  }
  records[slot] = EventRecord{};
  records[slot].live = true;
  std::fill_n(values.begin() + static_cast<std::ptrdiff_t>(slot * values_per_event),
              values_per_event, std::numeric_limits<double>::quiet_NaN());
  std::fill_n(keys.begin() + static_cast<std::ptrdiff_t>(slot * keys_per_event), keys_per_event,
              io::StringPool::kNoString);
  std::fill_n(bits.begin() + static_cast<std::ptrdiff_t>(slot * words), words, 0);
  return slot;
}

// Frees the events no list and no link holds any more.
void OnlineState::Rep::FreePending() {
  while (!to_free.empty()) {
    const std::uint32_t slot = to_free.back();
    to_free.pop_back();
    EventRecord& r = records[slot];
    if (!r.live || r.holds > 0) continue;
    released.push_back(*r.id);
    if (r.ref != nullptr) {
      auto it = refs.find(*r.ref);
      auto& v = it->second;
      v.erase(std::find(v.begin(), v.end(), slot));
      if (v.empty()) refs.erase(it);
    }
    ids.erase(*r.id);
    for (std::size_t k = 0; k < keys_per_event; ++k) {
      const std::int32_t key = keys[slot * keys_per_event + k];
      if (key != io::StringPool::kNoString) strings.Release(key);
    }
    r = EventRecord{};
    free_slots.push_back(slot);
  }
}

std::int32_t OnlineState::Rep::KeyOf(std::uint32_t slot, v1::EventField field) const {
  for (std::size_t k = 0; k < keys_per_event; ++k) {
    if (layout.key_fields[k] == field) return keys[slot * keys_per_event + k];
  }
  return io::StringPool::kNoString;
}

// Inserts `slot` at its (time, seq) place; boundaries it already passed let it pass at once,
// in δ order.
void OnlineState::Rep::InsertInList(int list, std::uint32_t slot) {
  EventList& l = lists[static_cast<std::size_t>(list)];
  Hold(slot);
  std::uint64_t at = l.end();
  if (!l.slots.empty() && Earlier(slot, l.slots.back())) {
    const auto it =
        std::upper_bound(l.slots.begin(), l.slots.end(), slot,
                         [&](std::uint32_t a, std::uint32_t b) { return Earlier(a, b); });
    at = l.base + static_cast<std::uint64_t>(it - l.slots.begin());
    l.slots.insert(it, slot);
  } else {
    l.slots.push_back(slot);
  }
  const auto& specs = layout.boundaries[static_cast<std::size_t>(list)];
  for (std::size_t b = 0; b < specs.size(); ++b) {
    std::uint64_t& p = l.pos[b];
    if (p > at || (p == at && Passed(records[slot].time, specs[b].delta))) {
      ++p;
      l.moved = true;
      Fire(list, static_cast<int>(b), slot);
    }
  }
}

// Every boundary, by δ, lets pass the events the clock has reached.
void OnlineState::Rep::AdvanceBoundaries() {
  for (const auto& [list, b] : layout.order) {
    EventList& l = lists[static_cast<std::size_t>(list)];
    const core::DurationNs delta =
        layout.boundaries[static_cast<std::size_t>(list)][static_cast<std::size_t>(b)].delta;
    std::uint64_t& p = l.pos[static_cast<std::size_t>(b)];
    while (p < l.end() && Passed(records[l.at(p)].time, delta)) {
      const std::uint32_t slot = l.at(p);
      ++p;
      l.moved = true;
      Fire(list, b, slot);
    }
  }
}

// Drops from each list the events every boundary has passed (pinned lists keep them).
void OnlineState::Rep::Trim() {
  for (std::size_t list = 0; list < lists.size(); ++list) {
    EventList& l = lists[list];
    if (!l.moved) continue;
    l.moved = false;
    if (layout.list_pinned[list]) continue;
    const std::uint64_t keep_from =
        l.pos.empty() ? l.end() : *std::min_element(l.pos.begin(), l.pos.end());
    while (l.base < keep_from) {
      Unhold(l.slots.front());
      l.slots.pop_front();
      ++l.base;
    }
  }
}

std::uint64_t OnlineState::Rep::PositionIn(int list, std::uint32_t slot) const {
  const EventList& l = lists[static_cast<std::size_t>(list)];
  const auto it = std::lower_bound(l.slots.begin(), l.slots.end(), slot,
                                   [&](std::uint32_t a, std::uint32_t b) { return Earlier(a, b); });
  if (it == l.slots.end() || *it != slot) return l.end();
  return l.base + static_cast<std::uint64_t>(it - l.slots.begin());
}

OnlineState::OnlineState(std::shared_ptr<const OnlinePlan> plan)
    : rep_(std::make_unique<Rep>(std::move(plan))) {}
OnlineState::OnlineState(OnlineState&&) noexcept = default;
OnlineState& OnlineState::operator=(OnlineState&&) noexcept = default;
OnlineState::~OnlineState() = default;

const OnlinePlan& OnlineState::plan() const { return *rep_->plan; }
bool OnlineState::started() const { return rep_->started; }
core::TimeNs OnlineState::clock() const { return rep_->clock; }
bool OnlineState::Contains(std::string_view event_id) const {
  return rep_->ids.find(std::string(event_id)) != rep_->ids.end();
}
std::size_t OnlineState::retained_events() const { return rep_->ids.size(); }
std::vector<std::string> OnlineState::TakeReleasedIds() {
  return std::exchange(rep_->released, {});
}

Result<OnlineState::Applied> OnlineState::ApplyRow(const io::EventTable& table, std::size_t row) {
  std::vector<BoundFilter>& bound = rep_->scratch_bound;
  bound.resize(rep_->defs.filters.size());
  const auto kind = static_cast<std::size_t>(table.kind[row]);
  if (kind < rep_->layout.batch.filters_by_kind.size()) {
    for (int f : rep_->layout.batch.filters_by_kind[kind]) {
      const auto u = static_cast<std::size_t>(f);
      bound[u] = rep_->defs.filters[u].only_kinds
                     ? BoundFilter{&rep_->defs.filters[u]}
                     : BindFilter(rep_->defs.filters[u], table.strings);
    }
  }
  return Apply(table, row, bound);
}

std::vector<BoundFilter> OnlineState::Bind(const io::EventTable& table) const {
  std::vector<BoundFilter> bound;
  bound.reserve(rep_->defs.filters.size());
  for (const CompiledFilter& f : rep_->defs.filters) bound.push_back(BindFilter(f, table.strings));
  return bound;
}

// The event's filters (bits), value attributes and key fields.
void OnlineState::Rep::Describe(const io::EventTable& t, std::size_t row,
                                std::span<const BoundFilter> bound, std::uint32_t slot,
                                std::vector<int>& matched) {
  Rep& r = *this;
  matched.clear();
  const auto kind = static_cast<std::size_t>(t.kind[row]);
  if (kind < r.layout.batch.filters_by_kind.size()) {
    for (int f : r.layout.batch.filters_by_kind[kind]) {
      const BoundFilter& b = bound[static_cast<std::size_t>(f)];
      if (!b.f->only_kinds && (b.impossible || !MatchesRest(b, t, row))) continue;
      matched.push_back(f);
      r.bits[slot * r.words + static_cast<std::size_t>(f) / 64] |= std::uint64_t{1} << (f % 64);
    }
  }
  for (std::size_t v = 0; v < r.values_per_event; ++v) {
    const std::int32_t key = t.strings.Find(r.defs.value_attributes[v]);
    const io::Attribute* a =
        key == io::StringPool::kNoString ? nullptr : FindAttribute(t, row, key);
    if (a != nullptr && IsNumeric(*a)) r.values[slot * r.values_per_event + v] = a->double_value;
  }
  for (int f : matched) {
    for (int k : r.layout.filter_keys[static_cast<std::size_t>(f)]) {
      std::int32_t& out = r.keys[slot * r.keys_per_event + static_cast<std::size_t>(k)];
      if (out != io::StringPool::kNoString) continue;
      const std::int32_t id =
          features::KeyOf(t, row, r.layout.key_fields[static_cast<std::size_t>(k)]);
      if (id != io::StringPool::kNoString) out = r.strings.Intern(t.strings.Get(id));
    }
  }
}

Result<OnlineState::Applied> OnlineState::Apply(const io::EventTable& t, std::size_t row,
                                                std::span<const BoundFilter> bound) {
  Rep& r = *rep_;
  const std::string id(t.id[row]);
  if (r.ids.count(id) != 0) return Applied::kDuplicate;
  const core::TimeNs time = t.time[row];
  if (r.started && static_cast<Int128>(time) < static_cast<Int128>(r.clock) - r.layout.lateness) {
    return OutOfRangeError("event '" + id +
                           "' is earlier than the enterprise's latest event by more than the "
                           "allowed lateness (screening.allowed_lateness); it was not applied");
  }
  const std::uint32_t slot = r.NewSlot();
  EventRecord& rec = r.records[slot];
  rec.time = time;
  rec.seq = r.next_seq++;
  rec.amount = t.amount[row];
  rec.amount_minor = std::isnan(rec.amount) ? 0 : t.amount_minor[row];
  rec.id = &r.ids.emplace(id, slot).first->first;
  if (!t.reference_id[row].empty()) {
    auto it = r.refs.try_emplace(std::string(t.reference_id[row])).first;
    it->second.push_back(slot);
    rec.ref = &it->first;
  }
  std::vector<int> matched;
  r.Describe(t, row, bound, slot, matched);
  for (int f : matched) r.InsertInList(f, slot);
  r.InsertInList(r.layout.all_list(), slot);
  if (!r.started || time > r.clock) {
    r.started = true;
    r.clock = time;
    r.AdvanceBoundaries();
  }
  r.Trim();
  r.FreePending();
  return Applied::kApplied;
}

void OnlineState::AdvanceTo(core::TimeNs t) {
  Rep& r = *rep_;
  if (r.started && t <= r.clock) return;
  r.started = true;
  r.clock = t;
  r.AdvanceBoundaries();
  r.Trim();
  r.FreePending();
}

namespace {

// (end - trailing, end] with end = clock - offset, saturating as the batch path does.
core::TimeNs WindowEnd(core::TimeNs clock, const CompiledWindow& w) {
  core::TimeNs end = 0;
  if (__builtin_sub_overflow(clock, w.offset, &end)) end = std::numeric_limits<core::TimeNs>::min();
  return end;
}

}  // namespace

std::vector<char> OnlinePlan::Needs(std::span<const int> slots) const {
  std::vector<char> needed(defs_.features.size(), 0);
  std::vector<int> todo(slots.begin(), slots.end());
  while (!todo.empty()) {
    const auto s = static_cast<std::size_t>(todo.back());
    todo.pop_back();
    if (needed[s]) continue;
    needed[s] = 1;
    const CompiledFeature& f = defs_.features[s];
    if (f.kind == Kind::kRatio || f.kind == Kind::kGrowth) {
      if (f.a >= 0) todo.push_back(f.a);
      if (f.b >= 0) todo.push_back(f.b);
    }
  }
  return needed;
}

void OnlineState::Evaluate(std::optional<core::TimeNs> registered_at, std::span<double> out,
                           std::span<const char> needed) const {
  const Rep& r = *rep_;
  // Reused: a fresh vector of this size per event would be a large-bin allocation, which
  // makes glibc consolidate its free lists every time.
  std::vector<double>& slot_values = r.scratch_values;
  slot_values.assign(r.defs.features.size(), std::numeric_limits<double>::quiet_NaN());
  double scale = 1;
  for (int k = 0; k < r.defs.base_exponent; ++k) scale *= 10;
  for (std::size_t s = 0; s < r.layout.slices.size(); ++s) {
    const OnlineSlice& spec = r.layout.slices[s];
    const SliceStats& st = r.slices[s];
    WindowView w;
    w.end = WindowEnd(r.clock, spec.window);
    if (!spec.persisted && st.count > 0) {
      const EventList& l = r.lists[static_cast<std::size_t>(spec.filter)];
      const std::uint64_t lo =
          spec.exit_boundary < 0 ? l.base : l.pos[static_cast<std::size_t>(spec.exit_boundary)];
      const std::uint64_t hi = l.pos[static_cast<std::size_t>(spec.enter_boundary)];
      w.first_time = r.records[l.at(lo)].time;
      w.last_time = r.records[l.at(hi - 1)].time;
    }
    for (int slot : spec.features) {
      if (!needed.empty() && !needed[static_cast<std::size_t>(slot)]) continue;
      const CompiledFeature& f = r.defs.features[static_cast<std::size_t>(slot)];
      const int group = r.layout.slot_group[static_cast<std::size_t>(slot)];
      double v = std::numeric_limits<double>::quiet_NaN();
      if (f.kind == Kind::kAggregate) {
        v = AggregateValue(f, spec, st, w, scale);
      } else if (f.kind == Kind::kTrend) {
        v = r.trends[static_cast<std::size_t>(group)].Slope();
      } else {
        v = r.links[static_cast<std::size_t>(group)].Measure(f, st.count);
      }
      slot_values[static_cast<std::size_t>(slot)] = v;
    }
  }
  EvaluateDerived(r.defs, r.clock, registered_at, slot_values);
  std::copy_n(slot_values.begin(), static_cast<std::ptrdiff_t>(out.size()), out.begin());
}

}  // namespace credence::features
