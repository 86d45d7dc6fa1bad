// The online path's arrangement of the compiled definitions. See online_layout.h.
#include "features/online_layout.h"

#include <algorithm>
#include <map>

namespace credence::features {
namespace {

bool IsKeyed(v1::AggregateOp op) {
  return op == v1::AGGREGATE_OP_DISTINCT_COUNT || op == v1::AGGREGATE_OP_TOP_K_SHARE ||
         op == v1::AGGREGATE_OP_HHI;
}

// Statistics that cannot be kept as running totals over all history.
bool NeedsEvents(const CompiledFeature& f) {
  return f.kind == Kind::kLink ||
         (f.kind == Kind::kAggregate && (f.op == v1::AGGREGATE_OP_QUANTILE || IsKeyed(f.op)));
}

ValueNeeds& ValueOf(OnlineSlice& s, ValueId v) {
  for (ValueNeeds& n : s.values) {
    if (n.value == v) return n;
  }
  s.values.push_back(ValueNeeds{v});
  return s.values.back();
}

KeyedNeeds& KeyedOf(OnlineSlice& s, v1::EventField key, ValueId v) {
  for (KeyedNeeds& n : s.keyed) {
    if (n.key == key && n.value == v) return n;
  }
  s.keyed.push_back(KeyedNeeds{key, v});
  return s.keyed.back();
}

void AddAggregate(const CompiledFeature& f, OnlineSlice& s) {
  switch (f.op) {
    case v1::AGGREGATE_OP_SUM:
    case v1::AGGREGATE_OP_MEAN:
      if (f.value == kAmount) {
        s.amount_sum = true;
      } else {
        ValueOf(s, f.value).moments = true;
      }
      break;
    case v1::AGGREGATE_OP_STDDEV_POP:
    case v1::AGGREGATE_OP_STDDEV_SAMP:
      ValueOf(s, f.value).moments = true;
      break;
    case v1::AGGREGATE_OP_MIN:
    case v1::AGGREGATE_OP_MAX:
      ValueOf(s, f.value).order = !s.persisted;
      break;
    case v1::AGGREGATE_OP_QUANTILE:
      ValueOf(s, f.value).order = true;
      break;
    case v1::AGGREGATE_OP_FIRST:
    case v1::AGGREGATE_OP_LAST:
      ValueOf(s, f.value).ends = !s.persisted;
      break;
    default:
      if (IsKeyed(f.op)) {
        KeyedNeeds& k = KeyedOf(s, f.key, f.value);
        k.weights = k.weights || f.weight_by_value;
        if (f.op == v1::AGGREGATE_OP_TOP_K_SHARE) {
          (f.weight_by_value ? k.top_weights : k.top_counts) = true;
        }
      }
      break;  // COUNT, DAYS_SINCE_*: the window itself
  }
}

// The link group of `f` on `slice` (created on first use).
int AddLink(int slice, const CompiledFeature& f, OnlineLayout& layout) {
  OnlineSlice& s = layout.slices[static_cast<std::size_t>(slice)];
  const bool durations = f.measure == v1::LINK_MEASURE_DURATION_QUANTILE ||
                         f.measure == v1::LINK_MEASURE_DURATION_SHARE_ABOVE;
  for (int g : s.links) {
    LinkGroup& group = layout.links[static_cast<std::size_t>(g)];
    if (group.link_filter == f.link_filter && group.outbound == f.outbound) {
      group.durations = group.durations || durations;
      return g;
    }
  }
  s.links.push_back(static_cast<int>(layout.links.size()));
  layout.links.push_back(LinkGroup{slice, f.link_filter, f.outbound, durations});
  return s.links.back();
}

void BuildSlices(const FeatureDefinitions& defs, OnlineLayout& layout) {
  layout.slot_group.assign(defs.features.size(), -1);
  for (std::size_t i = 0; i < layout.batch.slices.size(); ++i) {
    const Slice& batch = layout.batch.slices[i];
    OnlineSlice s;
    s.filter = batch.filter;
    s.window = batch.window;
    s.features = batch.features;
    for (int slot : batch.features) {
      s.pinned = s.pinned || (batch.window.all_history &&
                              NeedsEvents(defs.features[static_cast<std::size_t>(slot)]));
    }
    s.persisted = batch.window.all_history && !s.pinned;
    layout.slices.push_back(std::move(s));
    for (int slot : batch.features) {
      const CompiledFeature& f = defs.features[static_cast<std::size_t>(slot)];
      OnlineSlice& cur = layout.slices.back();
      if (f.kind == Kind::kAggregate) {
        AddAggregate(f, cur);
      } else if (f.kind == Kind::kTrend) {
        layout.slot_group[static_cast<std::size_t>(slot)] = static_cast<int>(layout.trends.size());
        cur.trends.push_back(static_cast<int>(layout.trends.size()));
        layout.trends.push_back(
            TrendSpec{slot, static_cast<int>(i), f.periods, f.period, f.trend_count, f.value});
      } else {
        layout.slot_group[static_cast<std::size_t>(slot)] = AddLink(static_cast<int>(i), f, layout);
      }
    }
  }
}

// Boundaries of equal (list, δ) merged; every list's boundaries by δ ascending.
void BuildBoundaries(const FeatureDefinitions& defs, OnlineLayout& layout) {
  const std::size_t lists = defs.filters.size() + 1;
  std::vector<std::map<core::DurationNs, std::vector<Listener>>> by_delta(lists);
  layout.list_pinned.assign(lists, 0);
  core::DurationNs longest = 0;
  for (std::size_t i = 0; i < layout.slices.size(); ++i) {
    const OnlineSlice& s = layout.slices[i];
    const auto list = static_cast<std::size_t>(s.filter);
    const core::DurationNs off = s.window.offset;
    const int slice = static_cast<int>(i);
    by_delta[list][off].push_back({ListenerKind::kEnter, slice, 0});
    if (s.pinned) layout.list_pinned[list] = 1;
    if (s.window.all_history) {
      longest = std::max(longest, off);
    } else {
      by_delta[list][off + s.window.trailing].push_back({ListenerKind::kExit, slice, 0});
      longest = std::max(longest, off + s.window.trailing);
    }
    for (int t : s.trends) {
      const TrendSpec& spec = layout.trends[static_cast<std::size_t>(t)];
      for (int j = 1; j < spec.periods; ++j) {
        by_delta[list][off + s.window.trailing - j * spec.period].push_back(
            {ListenerKind::kTrend, t, j});
      }
    }
    for (int g : s.links) {
      const auto linked =
          static_cast<std::size_t>(layout.links[static_cast<std::size_t>(g)].link_filter);
      by_delta[linked][off].push_back({ListenerKind::kVisible, g, 0});
    }
  }
  layout.retention = longest;
  by_delta[lists - 1][longest + layout.lateness];  // every event: kept until the horizon
  layout.boundaries.resize(lists);
  for (std::size_t l = 0; l < lists; ++l) {
    for (auto& [delta, listeners] : by_delta[l]) {
      layout.boundaries[l].push_back(BoundarySpec{delta, std::move(listeners)});
      layout.order.emplace_back(static_cast<int>(l),
                                static_cast<int>(layout.boundaries[l].size()) - 1);
    }
  }
  for (OnlineSlice& s : layout.slices) {
    const auto& list = layout.boundaries[static_cast<std::size_t>(s.filter)];
    for (std::size_t b = 0; b < list.size(); ++b) {
      if (list[b].delta == s.window.offset) s.enter_boundary = static_cast<int>(b);
      if (!s.window.all_history && list[b].delta == s.window.offset + s.window.trailing) {
        s.exit_boundary = static_cast<int>(b);
      }
    }
  }
  std::stable_sort(layout.order.begin(), layout.order.end(), [&](auto a, auto b) {
    return layout.boundaries[static_cast<std::size_t>(a.first)][static_cast<std::size_t>(a.second)]
               .delta <
           layout.boundaries[static_cast<std::size_t>(b.first)][static_cast<std::size_t>(b.second)]
               .delta;
  });
}

void BuildKeyFields(const FeatureDefinitions& defs, OnlineLayout& layout) {
  layout.filter_keys.assign(defs.filters.size(), {});
  for (const OnlineSlice& s : layout.slices) {
    for (const KeyedNeeds& k : s.keyed) {
      auto it = std::find(layout.key_fields.begin(), layout.key_fields.end(), k.key);
      const int index = static_cast<int>(it - layout.key_fields.begin());
      if (it == layout.key_fields.end()) layout.key_fields.push_back(k.key);
      auto& keys = layout.filter_keys[static_cast<std::size_t>(s.filter)];
      if (std::find(keys.begin(), keys.end(), index) == keys.end()) keys.push_back(index);
    }
  }
}

}  // namespace

OnlineLayout LayOutOnline(const FeatureDefinitions& defs, core::DurationNs lateness) {
  OnlineLayout layout;
  layout.batch = LayOutBatch(defs);
  layout.lateness = lateness;
  layout.filter_words = static_cast<int>((defs.filters.size() + 63) / 64);
  BuildSlices(defs, layout);
  BuildBoundaries(defs, layout);
  BuildKeyFields(defs, layout);
  return layout;
}

}  // namespace credence::features
