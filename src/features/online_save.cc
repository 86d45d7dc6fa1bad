// The saved form of an OnlineState (v1::FeatureState): the kept events column by column and
// the running totals of persisted all-history slices. Load rebuilds every other statistic by
// replaying the kept events up to the saved clock; since every statistic depends only on the
// events in its window (online_stats.h), the rebuilt state computes the same bits.
#include <algorithm>
#include <cstring>
#include <map>

#include "features/online_rep.h"

namespace credence::features {
namespace {

std::string Int128Bytes(Int128 v) {
  std::string out(16, '\0');
  std::memcpy(out.data(), &v, 16);
  return out;
}

bool BytesInt128(const std::string& s, Int128* v) {
  if (s.empty()) {
    *v = 0;
    return true;
  }
  if (s.size() != 16) return false;
  std::memcpy(v, s.data(), 16);
  return true;
}

void SaveSum(const ExactSum& s, v1::ExactSumState* out) {
  ExactSum n = s;
  n.Normalize();
  out->set_low_limb(n.low_limb());
  for (std::uint64_t w : n.limbs()) out->add_limbs(w);
}

bool LoadSum(const v1::ExactSumState& in, ExactSum* s) {
  return s->Restore(in.low_limb(), {in.limbs().begin(), in.limbs().end()});
}

void SaveMark(const EventMark& m, v1::EventMarkState* out) {
  if (!m.set) return;
  out->set_set(true);
  out->set_time(m.time);
  out->set_seq(m.seq);
  out->set_value(m.value);
}

EventMark LoadMark(const v1::EventMarkState& in) {
  return EventMark{in.set(), in.time(), in.seq(), in.value()};
}

void SaveTotals(const OnlineSlice& spec, int index, const SliceStats& st, v1::SliceTotals* out) {
  out->set_slice(index);
  out->set_count(st.count);
  out->set_amount_n(st.amount_n);
  if (st.amount_sum != 0) out->set_amount_sum(Int128Bytes(st.amount_sum));
  for (std::size_t i = 0; i < spec.values.size(); ++i) {
    const ValueStats& v = st.values[i];
    v1::ValueTotals* t = out->add_values();
    t->set_n(v.n);
    t->set_huge(v.huge);
    SaveSum(v.sum, t->mutable_sum());
    SaveSum(v.sum_sq, t->mutable_sum_sq());
    t->set_min(v.lo);
    t->set_max(v.hi);
    SaveMark(v.first, t->mutable_first());
    SaveMark(v.last, t->mutable_last());
  }
  SaveMark(st.first_event, out->mutable_first_event());
  SaveMark(st.last_event, out->mutable_last_event());
}

Status LoadTotals(const OnlineSlice& spec, const v1::SliceTotals& in, SliceStats& st) {
  if (in.values_size() != static_cast<int>(spec.values.size()) ||
      !BytesInt128(in.amount_sum(), &st.amount_sum)) {
    return DataLossError("saved feature state: totals of slice " + std::to_string(in.slice()) +
                         " do not fit the feature definitions");
  }
  st.count = in.count();
  st.amount_n = in.amount_n();
  for (int i = 0; i < in.values_size(); ++i) {
    const v1::ValueTotals& t = in.values(i);
    ValueStats& v = st.values[static_cast<std::size_t>(i)];
    v.n = t.n();
    v.huge = t.huge();
    if (!LoadSum(t.sum(), &v.sum) || !LoadSum(t.sum_sq(), &v.sum_sq)) {
      return DataLossError("saved feature state: a corrupt exact sum");
    }
    v.lo = t.min();
    v.hi = t.max();
    v.first = LoadMark(t.first());
    v.last = LoadMark(t.last());
  }
  st.first_event = LoadMark(in.first_event());
  st.last_event = LoadMark(in.last_event());
  return OkStatus();
}

}  // namespace

void OnlineState::Save(v1::FeatureState* out) const {
  const Rep& r = *rep_;
  out->set_fingerprint(r.plan->fingerprint());
  out->set_started(r.started);
  out->set_clock(r.clock);
  out->set_next_seq(r.next_seq);
  std::vector<std::uint32_t> live;
  for (std::uint32_t s = 0; s < r.records.size(); ++s) {
    if (r.records[s].live) live.push_back(s);
  }
  std::sort(live.begin(), live.end(),
            [&](std::uint32_t a, std::uint32_t b) { return r.records[a].seq < r.records[b].seq; });
  v1::RetainedEvents* ev = out->mutable_events();
  ev->set_words(static_cast<std::uint32_t>(r.words));
  ev->set_values_per_event(static_cast<std::uint32_t>(r.values_per_event));
  ev->set_keys_per_event(static_cast<std::uint32_t>(r.keys_per_event));
  std::string has_amount((live.size() + 7) / 8, '\0');
  std::map<std::int32_t, std::uint32_t> string_index;  // state string id -> saved index + 1
  std::uint64_t prev_seq = 0;
  core::TimeNs prev_time = 0;
  for (std::size_t k = 0; k < live.size(); ++k) {
    const std::uint32_t s = live[k];
    const EventRecord& rec = r.records[s];
    ev->add_seq_delta(rec.seq - prev_seq);
    ev->add_time_delta(static_cast<std::int64_t>(static_cast<std::uint64_t>(rec.time) -
                                                 static_cast<std::uint64_t>(prev_time)));
    prev_seq = rec.seq;
    prev_time = rec.time;
    ev->add_amount_minor(rec.amount_minor);
    if (!std::isnan(rec.amount))
      has_amount[k / 8] = static_cast<char>(has_amount[k / 8] | (1 << (k % 8)));
    for (std::size_t w = 0; w < r.words; ++w) ev->add_filter_bits(r.bits[s * r.words + w]);
    for (std::size_t v = 0; v < r.values_per_event; ++v) {
      ev->add_values(r.values[s * r.values_per_event + v]);
    }
    for (std::size_t j = 0; j < r.keys_per_event; ++j) {
      const std::int32_t key = r.keys[s * r.keys_per_event + j];
      if (key == io::StringPool::kNoString) {
        ev->add_keys(0);
        continue;
      }
      auto [it, added] =
          string_index.emplace(key, static_cast<std::uint32_t>(ev->strings_size() + 1));
      if (added) ev->add_strings(r.strings.Get(key));
      ev->add_keys(it->second);
    }
    ev->add_ids(*rec.id);
    ev->add_reference_ids(rec.ref != nullptr ? *rec.ref : std::string());
  }
  ev->set_has_amount(std::move(has_amount));
  for (std::size_t i = 0; i < r.layout.slices.size(); ++i) {
    if (r.layout.slices[i].persisted) {
      SaveTotals(r.layout.slices[i], static_cast<int>(i), r.slices[i], out->add_totals());
    }
  }
}

namespace {

Status CheckShape(const v1::RetainedEvents& ev, std::size_t words, std::size_t values,
                  std::size_t keys) {
  const auto n = static_cast<std::size_t>(ev.seq_delta_size());
  const bool ok = ev.words() == words && ev.values_per_event() == values &&
                  ev.keys_per_event() == keys &&
                  static_cast<std::size_t>(ev.time_delta_size()) == n &&
                  static_cast<std::size_t>(ev.amount_minor_size()) == n &&
                  ev.has_amount().size() == (n + 7) / 8 &&
                  static_cast<std::size_t>(ev.filter_bits_size()) == n * words &&
                  static_cast<std::size_t>(ev.values_size()) == n * values &&
                  static_cast<std::size_t>(ev.keys_size()) == n * keys &&
                  static_cast<std::size_t>(ev.ids_size()) == n &&
                  static_cast<std::size_t>(ev.reference_ids_size()) == n;
  if (!ok) return DataLossError("saved feature state: event columns of inconsistent sizes");
  for (std::uint32_t k : ev.keys()) {
    if (k > static_cast<std::uint32_t>(ev.strings_size())) {
      return DataLossError("saved feature state: a key names no saved string");
    }
  }
  return OkStatus();
}

}  // namespace

Result<OnlineState> OnlineState::Load(std::shared_ptr<const OnlinePlan> plan,
                                      const v1::FeatureState& in) {
  if (in.fingerprint() != plan->fingerprint()) {
    return FailedPreconditionError(
        "the saved state was built with other feature definitions (or base currency or "
        "allowed lateness) than this bundle's; rebuild it from the history (BuildState)");
  }
  OnlineState state(std::move(plan));
  Rep& r = *state.rep_;
  const v1::RetainedEvents& ev = in.events();
  CREDENCE_RETURN_IF_ERROR(CheckShape(ev, r.words, r.values_per_event, r.keys_per_event));
  double scale = 1;  // as ingest converts minor units: one division by an exact power of ten
  for (int k = 0; k < r.defs.base_exponent; ++k) scale *= 10;
  std::vector<std::uint32_t> slots;
  std::uint64_t seq = 0;
  core::TimeNs time = 0;
  for (int k = 0; k < ev.seq_delta_size(); ++k) {
    const auto u = static_cast<std::size_t>(k);
    seq += ev.seq_delta(k);
    time = static_cast<core::TimeNs>(static_cast<std::uint64_t>(time) +
                                     static_cast<std::uint64_t>(ev.time_delta(k)));
    const std::uint32_t s = r.NewSlot();
    EventRecord& rec = r.records[s];
    rec.time = time;
    rec.seq = seq;
    rec.amount_minor = ev.amount_minor(k);
    if ((ev.has_amount()[u / 8] >> (u % 8) & 1) != 0) {
      rec.amount = static_cast<double>(rec.amount_minor) / scale;
    }
    auto [id, fresh] = r.ids.emplace(ev.ids(k), s);
    if (!fresh || seq >= in.next_seq()) return DataLossError("saved feature state: bad event ids");
    rec.id = &id->first;
    if (!ev.reference_ids(k).empty()) {
      auto it = r.refs.try_emplace(ev.reference_ids(k)).first;
      it->second.push_back(s);
      rec.ref = &it->first;
    }
    for (std::size_t w = 0; w < r.words; ++w)
      r.bits[s * r.words + w] = ev.filter_bits(static_cast<int>(u * r.words + w));
    for (std::size_t v = 0; v < r.values_per_event; ++v) {
      r.values[s * r.values_per_event + v] =
          ev.values(static_cast<int>(u * r.values_per_event + v));
    }
    for (std::size_t j = 0; j < r.keys_per_event; ++j) {
      const std::uint32_t key = ev.keys(static_cast<int>(u * r.keys_per_event + j));
      if (key > 0)
        r.keys[s * r.keys_per_event + j] = r.strings.Intern(ev.strings(static_cast<int>(key - 1)));
    }
    slots.push_back(s);
  }
  r.next_seq = in.next_seq();
  for (const v1::SliceTotals& t : in.totals()) {
    if (t.slice() < 0 || static_cast<std::size_t>(t.slice()) >= r.layout.slices.size() ||
        !r.layout.slices[static_cast<std::size_t>(t.slice())].persisted) {
      return DataLossError("saved feature state: totals of an unknown slice");
    }
    CREDENCE_RETURN_IF_ERROR(LoadTotals(r.layout.slices[static_cast<std::size_t>(t.slice())], t,
                                        r.slices[static_cast<std::size_t>(t.slice())]));
  }
  // Replay: every event into its lists in (time, seq) order, then the clock.
  std::sort(slots.begin(), slots.end(),
            [&](std::uint32_t a, std::uint32_t b) { return r.Earlier(a, b); });
  r.loading = true;
  for (std::uint32_t s : slots) {
    for (std::size_t f = 0; f < r.defs.filters.size(); ++f) {
      if (r.HasBit(s, static_cast<int>(f))) r.InsertInList(static_cast<int>(f), s);
    }
    r.InsertInList(r.layout.all_list(), s);
  }
  if (in.started()) {
    r.started = true;
    r.clock = in.clock();
    r.AdvanceBoundaries();
  }
  r.loading = false;
  r.Trim();
  r.FreePending();
  r.released.clear();
  return state;
}

}  // namespace credence::features
