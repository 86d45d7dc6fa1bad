// Links between events: resolution per request, measures per slice. See links.h.
#include "features/links.h"

#include <limits>
#include <span>
#include <string_view>

#include "features/link_measure.h"
#include "features/quantile.h"
#include "io/id_index.h"

namespace credence::features {
namespace {

// Marks the rows some link may reference.
void MarkTargets(const BatchLayout& layout, const io::EventTable& t, const MatchLists& matches,
                 std::vector<char>& target) {
  target.assign(t.size(), 0);
  for (std::size_t f = 0; f < layout.filter_link_target.size(); ++f) {
    if (!layout.filter_link_target[f]) continue;
    for (std::int32_t row : matches.rows(f)) {
      target[static_cast<std::size_t>(row)] = 1;
    }
  }
}

// Each row's referenced row among the targets: the table's resolved references (ingest
// fills them; io::ReferenceRows computes them for a table built otherwise), kept when the
// row referenced may be a link's target.
std::vector<std::int32_t> ReferencedRows(const io::EventTable& t, const std::vector<char>& target) {
  std::vector<std::int32_t> computed;
  std::span<const std::int32_t> refs = t.reference_row;
  if (refs.size() != t.size()) {
    computed = io::ReferenceRows(t);
    refs = computed;
  }
  std::vector<std::int32_t> ref_row(t.size(), -1);
  for (std::size_t row = 0; row < t.size(); ++row) {
    const std::int32_t r = refs[row];
    if (r >= 0 && target[static_cast<std::size_t>(r)]) ref_row[row] = r;
  }
  return ref_row;
}

}  // namespace

LinkIndex ResolveLinks(const BatchLayout& layout, const io::EventTable& t,
                       const MatchLists& matches) {
  LinkIndex links;
  if (!layout.has_links) return links;
  const std::size_t rows = t.size();
  const std::size_t nf = layout.filter_link_target.size();
  std::vector<char> target;
  MarkTargets(layout, t, matches, target);
  links.ref_row = ReferencedRows(t, target);
  links.first_inbound.resize(nf);
  links.member.resize(nf);
  for (int lf : layout.inbound_filters) {
    auto& first = links.first_inbound[static_cast<std::size_t>(lf)];
    first.assign(rows, -1);
    for (std::int32_t row : matches.rows(static_cast<std::size_t>(lf))) {  // time order
      const std::int32_t tgt = links.ref_row[static_cast<std::size_t>(row)];
      if (tgt >= 0 && first[static_cast<std::size_t>(tgt)] < 0) {
        first[static_cast<std::size_t>(tgt)] = row;
      }
    }
  }
  for (int lf : layout.outbound_filters) {
    auto& mem = links.member[static_cast<std::size_t>(lf)];
    mem.assign(rows, 0);
    for (std::int32_t row : matches.rows(static_cast<std::size_t>(lf))) {
      mem[static_cast<std::size_t>(row)] = 1;
    }
  }
  return links;
}

void LinkMeasures::Pass(const CompiledFeature& f, const SliceRange& range, const LinkIndex& links,
                        const io::EventTable& t) {
  ready_ = true;
  filter_ = f.link_filter;
  outbound_ = f.outbound;
  linked_ = 0;
  total_ns_ = 0;
  collected_ = false;
  link_ns_.clear();
  const auto lf = static_cast<std::size_t>(f.link_filter);
  const auto time_of = [&](std::int32_t row) { return t.time[static_cast<std::size_t>(row)]; };
  for (std::size_t k = range.lo; k < range.hi; ++k) {
    const auto row = static_cast<std::size_t>(range.rows[k]);
    std::int32_t other = -1;
    if (f.outbound) {
      other = links.ref_row[row];
      if (other >= 0 && !links.member[lf][static_cast<std::size_t>(other)]) other = -1;
    } else {
      other = links.first_inbound[lf][row];
    }
    if (other < 0 || time_of(other) > range.end) continue;  // none, or not yet happened
    // 128-bit: times span 1677..2262, so a difference may not fit in 64 bits.
    const Int128 d = f.outbound ? static_cast<Int128>(t.time[row]) - time_of(other)
                                : static_cast<Int128>(time_of(other)) - t.time[row];
    total_ns_ += d;
    link_ns_.push_back(d);
  }
  linked_ = static_cast<std::int64_t>(link_ns_.size());
}

double LinkMeasures::Measure(const CompiledFeature& f, const SliceRange& range,
                             const LinkIndex& links, const io::EventTable& t) {
  if (!ready_ || filter_ != f.link_filter || outbound_ != f.outbound) Pass(f, range, links, t);
  auto quantile = [&] {
    if (!collected_) {
      durations_.clear();
      for (Int128 d : link_ns_) {
        durations_.push_back(static_cast<double>(d) / static_cast<double>(core::kNanosPerDay));
      }
      collected_ = true;
    }
    return Quantile7(durations_, f.quantile);
  };
  auto above = [&] {
    std::int64_t n = 0;
    for (Int128 d : link_ns_) n += d > f.threshold ? 1 : 0;
    return n;
  };
  return LinkMeasureValue(f, range.count(), linked_, total_ns_, quantile, above);
}

}  // namespace credence::features
