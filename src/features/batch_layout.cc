// The batch path's arrangement of the compiled definitions. See batch_layout.h.
#include "features/batch_layout.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace credence::features {
namespace {

// Slices: one per distinct (filter, window), grouped by filter.
void GroupSlices(const FeatureDefinitions& defs, BatchLayout& layout) {
  std::map<std::tuple<int, bool, core::DurationNs, core::DurationNs>, int> slice_ids;
  std::vector<int> windowed;
  for (std::size_t s = 0; s < defs.features.size(); ++s) {
    if (IsWindowed(defs.features[s].kind)) windowed.push_back(static_cast<int>(s));
  }
  std::stable_sort(windowed.begin(), windowed.end(), [&](int x, int y) {
    return defs.features[static_cast<std::size_t>(x)].filter <
           defs.features[static_cast<std::size_t>(y)].filter;
  });
  for (int s : windowed) {
    const CompiledFeature& f = defs.features[static_cast<std::size_t>(s)];
    const auto key = std::tuple_cat(std::tuple(f.filter), f.window.key());
    auto [it, inserted] = slice_ids.emplace(key, static_cast<int>(layout.slices.size()));
    if (inserted) layout.slices.push_back(Slice{f.filter, f.window, {}});
    layout.slices[static_cast<std::size_t>(it->second)].features.push_back(s);
  }
  for (Slice& sl : layout.slices) {
    std::stable_sort(sl.features.begin(), sl.features.end(), [&](int x, int y) {
      const CompiledFeature& a = defs.features[static_cast<std::size_t>(x)];
      const CompiledFeature& b = defs.features[static_cast<std::size_t>(y)];
      return std::tuple(a.key, a.value, a.link_filter, a.outbound) <
             std::tuple(b.key, b.value, b.link_filter, b.outbound);
    });
  }
}

// Runs of equal (key, value) are adjacent after the sort: one keyed pass serves a run, and
// it accumulates value weights only when some feature of the run reads them.
void MarkKeyedWeights(const FeatureDefinitions& defs, BatchLayout& layout) {
  layout.keyed_weights.assign(defs.features.size(), 0);
  for (const Slice& sl : layout.slices) {
    auto at = [&](std::size_t k) -> const CompiledFeature& {
      return defs.features[static_cast<std::size_t>(sl.features[k])];
    };
    for (std::size_t i = 0; i < sl.features.size();) {
      std::size_t j = i;
      bool weights = false;
      for (; j < sl.features.size() && at(j).key == at(i).key && at(j).value == at(i).value; ++j) {
        weights = weights || at(j).weight_by_value;
      }
      for (std::size_t k = i; k < j; ++k) {
        layout.keyed_weights[static_cast<std::size_t>(sl.features[k])] = weights ? 1 : 0;
      }
      i = j;
    }
  }
}

// Which filters keep amount prefix sums, which can be referenced, which link filters look
// inbound or outbound.
void MarkFilterNeeds(const FeatureDefinitions& defs, BatchLayout& layout) {
  layout.filter_needs_sum.assign(defs.filters.size(), 0);
  layout.filter_link_target.assign(defs.filters.size(), 0);
  for (const Slice& sl : layout.slices) {
    for (int s : sl.features) {
      const CompiledFeature& cf = defs.features[static_cast<std::size_t>(s)];
      if (cf.kind == Kind::kAggregate && cf.value == kAmount &&
          (cf.op == v1::AGGREGATE_OP_SUM || cf.op == v1::AGGREGATE_OP_MEAN)) {
        layout.filter_needs_sum[static_cast<std::size_t>(sl.filter)] = 1;
      }
      if (cf.kind == Kind::kLink) {
        // Inbound: base rows are referenced; outbound: linked rows are.
        layout.filter_link_target[static_cast<std::size_t>(cf.outbound ? cf.link_filter
                                                                       : sl.filter)] = 1;
      }
    }
  }
  for (const CompiledFeature& cf : defs.features) {
    if (cf.kind != Kind::kLink) continue;
    layout.has_links = true;
    auto& list = cf.outbound ? layout.outbound_filters : layout.inbound_filters;
    if (std::find(list.begin(), list.end(), cf.link_filter) == list.end()) {
      list.push_back(cf.link_filter);
    }
  }
}

void IndexFiltersByKind(const FeatureDefinitions& defs, BatchLayout& layout) {
  layout.filters_by_kind.resize(kMaxKind + 1);
  for (int k = 0; k <= kMaxKind; ++k) {
    for (std::size_t f = 0; f < defs.filters.size(); ++f) {
      const auto& kinds = defs.filters[f].kinds;
      if (kinds.empty() ||
          (static_cast<std::size_t>(k) < kinds.size() && kinds[static_cast<std::size_t>(k)])) {
        layout.filters_by_kind[static_cast<std::size_t>(k)].push_back(static_cast<int>(f));
      }
    }
  }
}

}  // namespace

BatchLayout LayOutBatch(const FeatureDefinitions& defs) {
  BatchLayout layout;
  GroupSlices(defs, layout);
  MarkKeyedWeights(defs, layout);
  MarkFilterNeeds(defs, layout);
  IndexFiltersByKind(defs, layout);
  return layout;
}

}  // namespace credence::features
