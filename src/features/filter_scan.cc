// Binding, the per-event filter test and the one scan. See filter_scan.h.
#include "features/filter_scan.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "features/event_row.h"

namespace credence::features {
namespace {

std::vector<std::int32_t> Bind(const std::vector<std::string>& values, const io::StringPool& pool,
                               bool& impossible) {
  std::vector<std::int32_t> ids;
  if (values.empty()) return ids;
  for (const std::string& v : values) {
    const std::int32_t id = pool.Find(v);
    if (id != io::StringPool::kNoString) ids.push_back(id);
  }
  if (ids.empty()) impossible = true;  // a non-empty list none of whose values occur
  return ids;
}

bool Contains(const std::vector<std::int32_t>& ids, std::int32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

template <typename T>
bool Compare(const T& a, const T& b, v1::CompareOp op) {
  switch (op) {
    case v1::COMPARE_OP_EQ:
      return a == b;
    case v1::COMPARE_OP_NE:
      return a != b;
    case v1::COMPARE_OP_LT:
      return a < b;
    case v1::COMPARE_OP_LE:
      return a <= b;
    case v1::COMPARE_OP_GT:
      return a > b;
    case v1::COMPARE_OP_GE:
      return a >= b;
    default:
      return false;
  }
}

bool AttributeMatches(const io::EventTable& t, std::size_t row, std::int32_t key,
                      const CompiledFilter::AttributeTest& test) {
  const io::Attribute* a = FindAttribute(t, row, key);
  if (a == nullptr) return false;
  const v1::AttributeValue& want = test.value;
  switch (want.value_case()) {
    case v1::AttributeValue::kStringValue:
      return a->type == io::Attribute::Type::kString &&
             Compare<std::string_view>(t.strings.Get(a->string_id), want.string_value(), test.op);
    case v1::AttributeValue::kBoolValue:
      return a->type == io::Attribute::Type::kBool &&
             Compare<std::int64_t>(a->int_value, want.bool_value() ? 1 : 0, test.op);
    case v1::AttributeValue::kIntValue:
    case v1::AttributeValue::kDoubleValue: {
      if (!IsNumeric(*a)) return false;
      const double w = want.value_case() == v1::AttributeValue::kIntValue
                           ? static_cast<double>(want.int_value())
                           : want.double_value();
      return Compare(a->double_value, w, test.op);
    }
    default:
      return false;  // rejected at compile time
  }
}

}  // namespace

BoundFilter BindFilter(const CompiledFilter& f, const io::StringPool& pool) {
  BoundFilter b;
  b.f = &f;
  bool unused = false;
  // Not `impossible`: custom_kinds only restricts custom events; other kinds still match.
  b.custom_kinds = Bind(f.custom_kinds, pool, unused);
  b.statuses = Bind(f.statuses, pool, b.impossible);
  b.destination_countries = Bind(f.destination_countries, pool, b.impossible);
  b.origin_countries = Bind(f.origin_countries, pool, b.impossible);
  b.channels = Bind(f.channels, pool, b.impossible);
  b.exclude_statuses = Bind(f.exclude_statuses, pool, unused);
  for (const auto& test : f.attributes) {
    const std::int32_t key = pool.Find(test.name);
    if (key == io::StringPool::kNoString) b.impossible = true;
    b.attribute_keys.push_back(key);
  }
  return b;
}

bool MatchesRest(const BoundFilter& b, const io::EventTable& t, std::size_t row) {
  const CompiledFilter& f = *b.f;
  if (!f.custom_kinds.empty() && t.kind[row] == v1::EVENT_KIND_CUSTOM &&
      !Contains(b.custom_kinds, t.custom_kind[row])) {
    return false;
  }
  if (!f.statuses.empty() && !Contains(b.statuses, t.status[row])) return false;
  if (!b.exclude_statuses.empty() && Contains(b.exclude_statuses, t.status[row])) return false;
  if (!f.destination_countries.empty() &&
      !Contains(b.destination_countries, t.destination_country[row])) {
    return false;
  }
  if (!f.origin_countries.empty() && !Contains(b.origin_countries, t.origin_country[row])) {
    return false;
  }
  if (!f.channels.empty() && !Contains(b.channels, t.channel[row])) return false;
  if (f.has_min || f.has_max) {
    const double a = t.amount[row];
    if (std::isnan(a)) return false;
    if (f.has_min && a < f.min_amount) return false;
    if (f.has_max && a > f.max_amount) return false;
  }
  for (std::size_t k = 0; k < f.attributes.size(); ++k) {
    if (!AttributeMatches(t, row, b.attribute_keys[k], f.attributes[k])) return false;
  }
  return true;
}

MatchLists ScanFilters(const FeatureDefinitions& defs, const BatchLayout& layout,
                       const io::EventTable& t) {
  const std::size_t rows = t.size();
  const std::size_t nf = defs.filters.size();
  std::vector<BoundFilter> bound;
  bound.reserve(nf);
  for (const CompiledFilter& f : defs.filters) bound.push_back(BindFilter(f, t.strings));
  // Each filter's capacity is the number of rows of the kinds it accepts (exact for
  // kinds-only filters), so memory is proportional to the scan's work, not filters x rows.
  std::vector<std::size_t> kind_rows(layout.filters_by_kind.size(), 0);
  for (std::size_t row = 0; row < rows; ++row) {
    const auto kind = static_cast<std::size_t>(t.kind[row]);
    if (kind < kind_rows.size()) ++kind_rows[kind];
  }
  std::vector<std::size_t> capacity(nf, 0);
  for (std::size_t k = 0; k < kind_rows.size(); ++k) {
    if (kind_rows[k] == 0) continue;
    for (int fi : layout.filters_by_kind[k]) capacity[static_cast<std::size_t>(fi)] += kind_rows[k];
  }
  MatchLists out;
  out.match_off_.assign(nf + 1, 0);
  out.sum_off_.assign(nf, 0);
  std::size_t sum_total = 0;
  for (std::size_t f = 0; f < nf; ++f) {
    out.match_off_[f + 1] = out.match_off_[f] + capacity[f];
    if (layout.filter_needs_sum[f]) {
      out.sum_off_[f] = sum_total;
      sum_total += capacity[f] + 1;
    }
  }
  out.match_buf_.reset(new std::int32_t[out.match_off_[nf] + 1]);
  out.match_n_.assign(nf, 0);
  out.prefix_buf_.reset(new Int128[sum_total + 1]);
  out.prefix_n_buf_.reset(new std::int32_t[sum_total + 1]);
  std::int32_t* const match_buf = out.match_buf_.get();
  Int128* const prefix = out.prefix_buf_.get();
  std::int32_t* const prefix_n = out.prefix_n_buf_.get();
  for (std::size_t f = 0; f < nf; ++f) {
    if (!layout.filter_needs_sum[f]) continue;
    prefix[out.sum_off_[f]] = 0;
    prefix_n[out.sum_off_[f]] = 0;
  }
  for (std::size_t row = 0; row < rows; ++row) {
    const auto kind = static_cast<std::size_t>(t.kind[row]);
    if (kind >= layout.filters_by_kind.size()) continue;
    for (int fi : layout.filters_by_kind[kind]) {
      const auto f = static_cast<std::size_t>(fi);
      if (!defs.filters[f].only_kinds && (bound[f].impossible || !MatchesRest(bound[f], t, row))) {
        continue;
      }
      const std::size_t k = out.match_n_[f]++;
      match_buf[out.match_off_[f] + k] = static_cast<std::int32_t>(row);
      if (layout.filter_needs_sum[f]) {
        const std::size_t base = out.sum_off_[f];
        const bool has = !std::isnan(t.amount[row]);
        prefix[base + k + 1] = prefix[base + k] + (has ? t.amount_minor[row] : 0);
        prefix_n[base + k + 1] = prefix_n[base + k] + (has ? 1 : 0);
      }
    }
  }
  return out;
}

}  // namespace credence::features
