// What happens when an event passes a boundary (online_layout.h): slices take it in and let
// it go, trends move it from period to period, link groups see a linked event. Links follow
// docs/features.md: INBOUND, a base event's link is the earliest visible event of the linked
// filter that references it; OUTBOUND, the visible event of the linked filter it references.
// A link holds its linked event, so the event is kept as long as the base event is in the
// window (and a state rebuilt from its events finds the same link).
#include <algorithm>

#include "features/online_rep.h"

namespace credence::features {

void OnlineState::Rep::Fire(int list, int boundary, std::uint32_t slot) {
  const BoundarySpec& b =
      layout.boundaries[static_cast<std::size_t>(list)][static_cast<std::size_t>(boundary)];
  for (const Listener& l : b.listeners) {
    switch (l.kind) {
      case ListenerKind::kEnter:
        Enter(l.target, slot);
        break;
      case ListenerKind::kExit:
        Exit(l.target, slot);
        break;
      case ListenerKind::kTrend: {
        const TrendSpec& t = layout.trends[static_cast<std::size_t>(l.target)];
        trends[static_cast<std::size_t>(l.target)].Shift(l.arg, ValueOf(slot, t.value));
        break;
      }
      case ListenerKind::kVisible:
        LinkVisible(l.target, slot);
        break;
    }
  }
}

void OnlineState::Rep::Enter(int slice, std::uint32_t slot) {
  const OnlineSlice& spec = layout.slices[static_cast<std::size_t>(slice)];
  if (loading && spec.persisted) return;  // its totals were loaded
  SliceStats& st = slices[static_cast<std::size_t>(slice)];
  const EventRecord& rec = records[slot];
  ++st.count;
  if (spec.amount_sum && !std::isnan(rec.amount)) {
    ++st.amount_n;
    st.amount_sum += rec.amount_minor;
  }
  for (std::size_t i = 0; i < spec.values.size(); ++i) {
    const double x = ValueOf(slot, spec.values[i].value);
    if (!std::isnan(x))
      st.values[i].Add(spec.values[i], spec.persisted, {true, rec.time, rec.seq, x});
  }
  if (spec.persisted) {
    const EventMark e{true, rec.time, rec.seq, 0};
    if (!st.first_event.set || e.Before(st.first_event.time, st.first_event.seq))
      st.first_event = e;
    if (!st.last_event.set || st.last_event.Before(e.time, e.seq)) st.last_event = e;
  }
  for (std::size_t i = 0; i < spec.keyed.size(); ++i) {
    const std::int32_t key = KeyOf(slot, spec.keyed[i].key);
    if (key != io::StringPool::kNoString) {
      st.keyed[i].Add(spec.keyed[i], key, ValueOf(slot, spec.keyed[i].value));
    }
  }
  for (int t : spec.trends) {
    trends[static_cast<std::size_t>(t)].Enter(
        ValueOf(slot, layout.trends[static_cast<std::size_t>(t)].value));
  }
  for (int g : spec.links) LinkEnter(g, slot);
}

void OnlineState::Rep::Exit(int slice, std::uint32_t slot) {
  const OnlineSlice& spec = layout.slices[static_cast<std::size_t>(slice)];
  SliceStats& st = slices[static_cast<std::size_t>(slice)];
  const EventRecord& rec = records[slot];
  --st.count;
  if (spec.amount_sum && !std::isnan(rec.amount)) {
    --st.amount_n;
    st.amount_sum -= rec.amount_minor;
  }
  for (std::size_t i = 0; i < spec.values.size(); ++i) {
    const double x = ValueOf(slot, spec.values[i].value);
    if (!std::isnan(x)) st.values[i].Remove(spec.values[i], {true, rec.time, rec.seq, x});
  }
  for (std::size_t i = 0; i < spec.keyed.size(); ++i) {
    const std::int32_t key = KeyOf(slot, spec.keyed[i].key);
    if (key != io::StringPool::kNoString) {
      st.keyed[i].Remove(spec.keyed[i], key, ValueOf(slot, spec.keyed[i].value));
    }
  }
  for (int t : spec.trends) {
    trends[static_cast<std::size_t>(t)].Exit(
        ValueOf(slot, layout.trends[static_cast<std::size_t>(t)].value));
  }
  for (int g : spec.links) LinkExit(g, slot);
}

// Whether `slot` has entered `slice` and not left it.
bool OnlineState::Rep::InWindow(int slice, std::uint32_t slot) const {
  const OnlineSlice& spec = layout.slices[static_cast<std::size_t>(slice)];
  if (!HasBit(slot, spec.filter)) return false;
  const std::uint64_t at = PositionIn(spec.filter, slot);
  const EventList& l = lists[static_cast<std::size_t>(spec.filter)];
  if (at == l.end()) return false;
  const std::uint64_t lo =
      spec.exit_boundary < 0 ? l.base : l.pos[static_cast<std::size_t>(spec.exit_boundary)];
  return at >= lo && at < l.pos[static_cast<std::size_t>(spec.enter_boundary)];
}

void OnlineState::Rep::SetLink(int group, std::uint32_t base, std::uint32_t other) {
  const LinkGroup& g = layout.links[static_cast<std::size_t>(group)];
  const EventRecord &b = records[base], &o = records[other];
  LinkEntry entry{other, o.time, o.seq, 0};
  entry.duration =
      g.outbound ? static_cast<Int128>(b.time) - o.time : static_cast<Int128>(o.time) - b.time;
  LinkEntry old;
  LinkStats& stats = links[static_cast<std::size_t>(group)];
  Hold(other);
  if (stats.Erase(g, base, b.seq, &old)) Unhold(old.other);
  stats.Set(g, base, b.seq, entry);
}

// A base event entered: its link as of now, if it has one.
void OnlineState::Rep::LinkEnter(int group, std::uint32_t base) {
  const LinkGroup& g = layout.links[static_cast<std::size_t>(group)];
  const core::DurationNs offset = layout.slices[static_cast<std::size_t>(g.slice)].window.offset;
  const EventRecord& b = records[base];
  auto visible = [&](std::uint32_t s) {
    return s != base && HasBit(s, g.link_filter) && Passed(records[s].time, offset);
  };
  if (g.outbound) {
    if (b.ref == nullptr) return;
    auto it = ids.find(*b.ref);
    if (it != ids.end() && visible(it->second)) SetLink(group, base, it->second);
    return;
  }
  auto it = refs.find(*b.id);
  if (it == refs.end()) return;
  std::uint32_t best = 0;
  bool found = false;
  for (std::uint32_t s : it->second) {
    if (visible(s) && (!found || Earlier(s, best))) {
      best = s;
      found = true;
    }
  }
  if (found) SetLink(group, base, best);
}

void OnlineState::Rep::LinkExit(int group, std::uint32_t base) {
  LinkEntry old;
  const LinkGroup& g = layout.links[static_cast<std::size_t>(group)];
  if (links[static_cast<std::size_t>(group)].Erase(g, base, records[base].seq, &old)) {
    Unhold(old.other);
  }
}

// An event of the linked filter became visible: it may link base events in the window.
void OnlineState::Rep::LinkVisible(int group, std::uint32_t linked) {
  const LinkGroup& g = layout.links[static_cast<std::size_t>(group)];
  const EventRecord& l = records[linked];
  LinkStats& stats = links[static_cast<std::size_t>(group)];
  if (!g.outbound) {
    if (l.ref == nullptr) return;
    auto it = ids.find(*l.ref);
    if (it == ids.end() || it->second == linked || !InWindow(g.slice, it->second)) return;
    const LinkEntry* current = stats.Find(it->second);
    if (current == nullptr || l.time < current->time ||
        (l.time == current->time && l.seq < current->seq)) {
      SetLink(group, it->second, linked);
    }
    return;
  }
  auto it = refs.find(*l.id);
  if (it == refs.end()) return;
  const std::vector<std::uint32_t> bases = it->second;  // SetLink may not touch it; be safe
  for (std::uint32_t base : bases) {
    if (base != linked && stats.Find(base) == nullptr && InWindow(g.slice, base)) {
      SetLink(group, base, linked);
    }
  }
}

}  // namespace credence::features
