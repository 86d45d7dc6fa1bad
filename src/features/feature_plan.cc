// FeaturePlan: compile-time grouping of windowed features by filter and window, and a
// single time-ordered scan per request. See docs/features.md for the definitions and the
// plan's structure.
#include "features/feature_plan.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "core/time.h"
#include "credence/v1/event.pb.h"

namespace credence::features {
namespace {

__extension__ typedef __int128 Int128;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kMaxWindowSeconds = 100LL * 366 * 86'400;  // 100 years
constexpr int kMaxKind = 100;                                     // EVENT_KIND_CUSTOM
constexpr int kMaxTopK = 1000;
constexpr std::int64_t kMaxPeriods = 1000;

std::string FeaturePath(int i, std::string_view field = {}) {
  std::string p = "features[" + std::to_string(i) + "]";
  if (!field.empty()) {
    p += '.';
    p += field;
  }
  return p;
}

// A filter with its strings kept as text; they are looked up in each request's StringPool
// once per distinct filter.
struct CompiledFilter {
  std::vector<bool> kinds;  // indexed by EventKind number; empty = any
  std::vector<std::string> custom_kinds, statuses, exclude_statuses, destination_countries,
      origin_countries, channels;
  bool has_min = false, has_max = false;
  double min_amount = 0, max_amount = 0;
  struct AttributeTest {
    std::string name;
    v1::CompareOp op;
    v1::AttributeValue value;
  };
  std::vector<AttributeTest> attributes;
  bool only_kinds = false;  // nothing but `kinds`: the scan's kind check is the whole test
};

struct CompiledWindow {
  bool all_history = true;
  core::DurationNs trailing = 0;
  core::DurationNs offset = 0;
  auto key() const { return std::tuple(all_history, trailing, offset); }
};

// Where an aggregate's numbers come from: -1 = the amount, else an index into
// Rep::value_attributes.
using ValueId = int;
constexpr ValueId kAmount = -1;

enum class Kind { kAggregate, kTrend, kLink, kRatio, kGrowth, kDaysSinceRegistration };

struct CompiledFeature {
  Kind kind = Kind::kAggregate;
  int slice = -1;  // windowed kinds
  // Aggregate.
  v1::AggregateOp op = v1::AGGREGATE_OP_UNSPECIFIED;
  ValueId value = kAmount;
  double quantile = 0;
  v1::EventField key = v1::EVENT_FIELD_UNSPECIFIED;
  bool weight_by_value = false;
  bool keyed_weights = false;  // some feature sharing this (slice, key, value) weighs by value
  int top_k = 0;
  // Trend.
  core::DurationNs period = 0;
  int periods = 0;
  bool trend_count = false;
  // Link.
  int link_filter = -1;
  bool outbound = false;
  v1::LinkMeasure measure = v1::LINK_MEASURE_UNSPECIFIED;
  core::DurationNs threshold = 0;
  // Ratio (a / b) and growth (a = current, b = prior).
  int a = -1, b = -1;
  v1::ZeroDenominatorPolicy zero_policy = v1::ZERO_DENOMINATOR_POLICY_MISSING;
  v1::ZeroPriorPolicy zero_prior = v1::ZERO_PRIOR_POLICY_MISSING;
  double prior_rate = 0, prior_weight = 0, cap = 0;
};

// A distinct (filter, window): the features on it share the window's range of matching
// events and every statistic computed over it.
struct Slice {
  int filter = -1;
  CompiledWindow window;
  std::vector<int> features;  // slots
};

// ---------------------------------------------------------------------------------------
// Per-request binding and matching.

// The request-specific form of a filter: strings resolved to pool ids.
struct BoundFilter {
  const CompiledFilter* f = nullptr;
  std::vector<std::int32_t> custom_kinds, statuses, exclude_statuses, destination_countries,
      origin_countries, channels;
  std::vector<std::int32_t> attribute_keys;  // per f->attributes; kNoString = never matches
  bool impossible = false;                   // a required string never occurs in this request
};

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

// Equality of short strings without a library call (ids are typically a few bytes).
inline bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
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

const io::Attribute* FindAttribute(const io::EventTable& t, std::size_t row, std::int32_t key) {
  for (std::uint32_t k = t.attr_begin[row]; k < t.attr_begin[row + 1]; ++k) {
    if (t.attributes[k].key == key) return &t.attributes[k];
  }
  return nullptr;
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
      if (a->type != io::Attribute::Type::kInt && a->type != io::Attribute::Type::kDouble &&
          a->type != io::Attribute::Type::kMoney) {
        return false;
      }
      const double w = want.value_case() == v1::AttributeValue::kIntValue
                           ? static_cast<double>(want.int_value())
                           : want.double_value();
      return Compare(a->double_value, w, test.op);
    }
    default:
      return false;  // rejected at compile time
  }
}

// Everything but the kind, which the scan has already checked.
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

Result<core::DurationNs> ToDuration(const google::protobuf::Duration& d, std::string_view what) {
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() >= core::kNanosPerSecond) {
    return InvalidArgumentError(std::string(what) + " must not be negative");
  }
  if (d.seconds() > kMaxWindowSeconds) {
    return InvalidArgumentError(std::string(what) + " longer than 100 years");
  }
  return d.seconds() * core::kNanosPerSecond + d.nanos();
}

// R type 7 quantile of `x` (non-empty) by selection, O(n): the i-th and (i+1)-th order
// statistics with i = floor((n - 1) q). Reorders `x` (keeps its values), so several
// quantiles can select on the same array one after the other.
double Quantile7(std::vector<double>& x, double q) {
  const double h = static_cast<double>(x.size() - 1) * q;
  const double lo = std::floor(h);
  const auto i = static_cast<std::size_t>(lo);
  const auto at = x.begin() + static_cast<std::ptrdiff_t>(i);
  std::nth_element(x.begin(), at, x.end());
  if (i + 1 >= x.size()) return *at;
  const double next = *std::min_element(at + 1, x.end());
  return *at + (h - lo) * (next - *at);
}

bool ValidQuantile(double q) { return std::isfinite(q) && q >= 0 && q <= 1; }

}  // namespace

struct FeaturePlan::Rep {
  std::vector<std::string> names;
  std::unordered_map<std::string, int> index;
  // Slots [0, names.size()) are the bundle's features; the rest are hidden prior-window
  // copies made for growth features.
  std::vector<CompiledFeature> features;
  std::vector<CompiledFilter> filters;
  std::vector<std::vector<int>> filters_by_kind;       // kind -> filters accepting it
  std::vector<Slice> slices;                           // grouped by filter
  std::vector<std::string> value_attributes;           // ValueId -> attribute name
  std::vector<int> derived_order;                      // ratios and growths, inputs first
  std::vector<int> inbound_filters, outbound_filters;  // link filters by direction
  std::vector<char> filter_needs_sum;    // a SUM/MEAN of amounts reads its prefix sums
  std::vector<char> filter_link_target;  // its rows may be the target of a reference
  bool has_links = false;
  int base_exponent = 2;
};

FeaturePlan::FeaturePlan(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
FeaturePlan::FeaturePlan(FeaturePlan&&) noexcept = default;
FeaturePlan& FeaturePlan::operator=(FeaturePlan&&) noexcept = default;
FeaturePlan::~FeaturePlan() = default;

std::size_t FeaturePlan::size() const { return rep_->names.size(); }
const std::vector<std::string>& FeaturePlan::names() const { return rep_->names; }
int FeaturePlan::Find(std::string_view name) const {
  auto it = rep_->index.find(std::string(name));
  return it == rep_->index.end() ? -1 : it->second;
}

Result<FeaturePlan> FeaturePlan::Compile(
    const google::protobuf::RepeatedPtrField<v1::Feature>& features, int base_currency_exponent,
    std::size_t max_features, const BundleSourceMap* source_map, std::vector<Issue>* issues) {
  auto rep = std::make_unique<Rep>();
  rep->base_exponent = base_currency_exponent;
  Status first;
  auto report = [&](StatusCode code, const std::string& path, const std::string& message) {
    SourceLocation where =
        source_map != nullptr ? source_map->Locate(path) : SourceLocation{.field_path = path};
    Status s(code, message, std::move(where));
    if (issues != nullptr) issues->push_back({Issue::Severity::kError, s});
    if (first.ok()) first = s;
  };
  auto invalid = [&](const std::string& path, const std::string& message) {
    report(StatusCode::kInvalidArgument, path, message);
  };
  if (static_cast<std::size_t>(features.size()) > max_features) {
    report(StatusCode::kOutOfRange, "features",
           std::to_string(features.size()) + " features exceed the limit of " +
               std::to_string(max_features));
    return first;
  }
  const int n = features.size();

  // Names first, so ratios and growths can refer forward.
  for (int i = 0; i < n; ++i) {
    const std::string& name = features[i].name();
    bool valid = !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z';
    for (char c : name)
      valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!valid) {
      invalid(FeaturePath(i, "name"),
              "feature name '" + name + "' must match [a-z][a-z0-9_]{0,63}");
    } else if (!rep->index.emplace(name, i).second) {
      invalid(FeaturePath(i, "name"), "duplicate feature name '" + name + "'");
    }
    rep->names.push_back(name);
  }

  // Filters are deduplicated by their serialized form: equal filters share one binding and
  // one list of matching rows per request.
  std::map<std::string, int> filter_ids;
  auto compile_filter = [&](const v1::EventFilter& ef, const std::string& path,
                            const std::string& who) -> int {
    CompiledFilter c;
    for (int k : ef.kinds()) {
      if (k == v1::EVENT_KIND_UNSPECIFIED || !v1::EventKind_IsValid(k) || k > kMaxKind) {
        invalid(path + ".kinds", who + "unknown event kind " + std::to_string(k));
        continue;
      }
      if (c.kinds.size() <= static_cast<std::size_t>(k)) c.kinds.resize(k + 1);
      c.kinds[static_cast<std::size_t>(k)] = true;
    }
    c.custom_kinds.assign(ef.custom_kinds().begin(), ef.custom_kinds().end());
    if (!c.custom_kinds.empty() &&
        (c.kinds.size() <= v1::EVENT_KIND_CUSTOM || !c.kinds[v1::EVENT_KIND_CUSTOM])) {
      invalid(path + ".custom_kinds", who + "custom_kinds needs EVENT_KIND_CUSTOM in kinds");
    }
    c.statuses.assign(ef.statuses().begin(), ef.statuses().end());
    c.exclude_statuses.assign(ef.exclude_statuses().begin(), ef.exclude_statuses().end());
    c.destination_countries.assign(ef.destination_countries().begin(),
                                   ef.destination_countries().end());
    c.origin_countries.assign(ef.origin_countries().begin(), ef.origin_countries().end());
    c.channels.assign(ef.channels().begin(), ef.channels().end());
    c.has_min = ef.has_min_amount();
    c.has_max = ef.has_max_amount();
    c.min_amount = ef.min_amount();
    c.max_amount = ef.max_amount();
    if ((c.has_min && !std::isfinite(c.min_amount)) ||
        (c.has_max && !std::isfinite(c.max_amount)) ||
        (c.has_min && c.has_max && c.min_amount > c.max_amount)) {
      invalid(path, who + "amount bounds must be finite with min_amount <= max_amount");
    }
    for (int k = 0; k < ef.attributes_size(); ++k) {
      const auto& a = ef.attributes(k);
      const std::string apath = path + ".attributes[" + std::to_string(k) + "]";
      const auto vc = a.value().value_case();
      const bool ordered = a.op() != v1::COMPARE_OP_EQ && a.op() != v1::COMPARE_OP_NE;
      if (a.name().empty() || a.op() == v1::COMPARE_OP_UNSPECIFIED ||
          !v1::CompareOp_IsValid(a.op())) {
        invalid(apath, who + "attribute test needs a name and an op");
      } else if (vc != v1::AttributeValue::kStringValue && vc != v1::AttributeValue::kBoolValue &&
                 vc != v1::AttributeValue::kIntValue && vc != v1::AttributeValue::kDoubleValue) {
        invalid(apath, who + "attribute tests compare with a string, bool, int or double constant");
      } else if (vc == v1::AttributeValue::kBoolValue && ordered) {
        invalid(apath, who + "a bool attribute supports only EQ/NE");
      } else if (vc == v1::AttributeValue::kDoubleValue &&
                 !std::isfinite(a.value().double_value())) {
        invalid(apath, who + "attribute test constant must be finite");
      } else {
        c.attributes.push_back({a.name(), a.op(), a.value()});
      }
    }
    c.only_kinds = c.custom_kinds.empty() && c.statuses.empty() && c.exclude_statuses.empty() &&
                   c.destination_countries.empty() && c.origin_countries.empty() &&
                   c.channels.empty() && !c.has_min && !c.has_max && c.attributes.empty();
    auto [it, inserted] =
        filter_ids.emplace(ef.SerializeAsString(), static_cast<int>(rep->filters.size()));
    if (inserted) rep->filters.push_back(std::move(c));
    return it->second;
  };

  std::map<std::string, ValueId> value_ids;
  auto compile_value = [&](const v1::Value& v, const std::string& path,
                           const std::string& who) -> ValueId {
    if (!v1::ValueSource_IsValid(v.source())) {
      invalid(path + ".source", who + "unknown value source " + std::to_string(v.source()));
      return kAmount;
    }
    if (v.source() == v1::VALUE_SOURCE_ATTRIBUTE) {
      if (v.attribute().empty()) {
        invalid(path + ".attribute", who + "VALUE_SOURCE_ATTRIBUTE needs an attribute name");
        return kAmount;
      }
      auto [it, inserted] =
          value_ids.emplace(v.attribute(), static_cast<ValueId>(rep->value_attributes.size()));
      if (inserted) rep->value_attributes.push_back(v.attribute());
      return it->second;
    }
    if (!v.attribute().empty()) {
      invalid(path + ".attribute", who + "an attribute name needs VALUE_SOURCE_ATTRIBUTE");
    }
    return kAmount;
  };

  auto compile_window = [&](const v1::Window& w, int i, const std::string& who) {
    CompiledWindow c;
    if (w.has_trailing()) {
      auto d = ToDuration(w.trailing(), "window.trailing");
      if (!d.ok() || *d == 0) {
        invalid(FeaturePath(i, "window.trailing"),
                who + (d.ok() ? std::string("window.trailing must be positive")
                              : std::string(d.status().message())));
      } else {
        c.all_history = false;
        c.trailing = *d;
      }
    }
    if (w.has_offset()) {
      auto d = ToDuration(w.offset(), "window.offset");
      if (!d.ok()) {
        invalid(FeaturePath(i, "window.offset"), who + std::string(d.status().message()));
      } else {
        c.offset = *d;
      }
    }
    return c;
  };

  std::vector<CompiledWindow> windows(static_cast<std::size_t>(n));
  std::vector<int> filter_of(static_cast<std::size_t>(n), -1);
  for (int i = 0; i < n; ++i) {
    const v1::Feature& f = features[i];
    const std::string who = "feature '" + f.name() + "': ";
    CompiledFeature c;
    const bool windowed = f.has_aggregate() || f.has_trend() || f.has_link();
    if (windowed) {
      filter_of[static_cast<std::size_t>(i)] =
          compile_filter(f.filter(), FeaturePath(i, "filter"), who);
      windows[static_cast<std::size_t>(i)] = compile_window(f.window(), i, who);
    } else if (f.computation_case() != v1::Feature::COMPUTATION_NOT_SET &&
               (f.has_filter() || f.has_window())) {
      invalid(FeaturePath(i, f.has_filter() ? "filter" : "window"),
              who + "only aggregate, trend and link features take a filter or window");
    }
    switch (f.computation_case()) {
      case v1::Feature::kAggregate: {
        const v1::Aggregate& g = f.aggregate();
        c.kind = Kind::kAggregate;
        c.op = g.op();
        if (c.op == v1::AGGREGATE_OP_UNSPECIFIED || !v1::AggregateOp_IsValid(c.op)) {
          invalid(FeaturePath(i, "aggregate.op"), who + "aggregate.op is required");
          break;
        }
        c.value = compile_value(g.value(), FeaturePath(i, "aggregate.value"), who);
        const bool keyed = c.op == v1::AGGREGATE_OP_DISTINCT_COUNT ||
                           c.op == v1::AGGREGATE_OP_TOP_K_SHARE || c.op == v1::AGGREGATE_OP_HHI;
        if (keyed && (g.key() == v1::EVENT_FIELD_UNSPECIFIED || !v1::EventField_IsValid(g.key()))) {
          invalid(
              FeaturePath(i, "aggregate.key"),
              who +
                  "DISTINCT_COUNT, TOP_K_SHARE and HHI need a key (e.g. EVENT_FIELD_COUNTERPARTY)");
        } else if (!keyed && g.key() != v1::EVENT_FIELD_UNSPECIFIED) {
          invalid(FeaturePath(i, "aggregate.key"),
                  who + "only DISTINCT_COUNT, TOP_K_SHARE and HHI take a key");
        }
        c.key = g.key();
        if (!v1::ShareWeight_IsValid(g.weight())) {
          invalid(FeaturePath(i, "aggregate.weight"), who + "unknown share weight");
        }
        c.weight_by_value = g.weight() == v1::SHARE_WEIGHT_VALUE;
        if (c.op == v1::AGGREGATE_OP_QUANTILE) {
          if (!ValidQuantile(g.quantile())) {
            invalid(FeaturePath(i, "aggregate.quantile"), who + "quantile must be in [0, 1]");
          }
          c.quantile = g.quantile();
        } else if (g.quantile() != 0) {
          invalid(FeaturePath(i, "aggregate.quantile"), who + "only QUANTILE takes a quantile");
        }
        if (c.op == v1::AGGREGATE_OP_TOP_K_SHARE) {
          if (g.top_k() < 1 || g.top_k() > kMaxTopK) {
            invalid(FeaturePath(i, "aggregate.top_k"), who + "top_k must be in [1, 1000]");
          }
          c.top_k = g.top_k();
        } else if (g.top_k() != 0) {
          invalid(FeaturePath(i, "aggregate.top_k"), who + "only TOP_K_SHARE takes top_k");
        }
        break;
      }
      case v1::Feature::kTrend: {
        const v1::Trend& tr = f.trend();
        c.kind = Kind::kTrend;
        if (!v1::TrendMeasure_IsValid(tr.measure())) {
          invalid(FeaturePath(i, "trend.measure"), who + "unknown trend measure");
        }
        c.trend_count = tr.measure() == v1::TREND_MEASURE_COUNT;
        c.value = compile_value(tr.value(), FeaturePath(i, "trend.value"), who);
        auto p = ToDuration(tr.period(), "trend.period");
        const CompiledWindow& w = windows[static_cast<std::size_t>(i)];
        if (!p.ok() || *p == 0) {
          invalid(FeaturePath(i, "trend.period"),
                  who + (p.ok() ? std::string("trend.period must be positive")
                                : std::string(p.status().message())));
        } else if (w.all_history || w.trailing == 0) {
          invalid(FeaturePath(i, "window"), who + "a trend needs a trailing window");
        } else if (w.trailing % *p != 0 || w.trailing / *p < 2 || w.trailing / *p > kMaxPeriods) {
          invalid(FeaturePath(i, "trend.period"), who +
                                                      "window.trailing must be a whole multiple of "
                                                      "trend.period, with 2 to 1000 periods");
        } else {
          c.period = *p;
          c.periods = static_cast<int>(w.trailing / *p);
        }
        break;
      }
      case v1::Feature::kLink: {
        const v1::Link& l = f.link();
        c.kind = Kind::kLink;
        c.link_filter =
            compile_filter(l.linked_filter(), FeaturePath(i, "link.linked_filter"), who);
        if (!v1::LinkDirection_IsValid(l.direction())) {
          invalid(FeaturePath(i, "link.direction"), who + "unknown link direction");
        }
        c.outbound = l.direction() == v1::LINK_DIRECTION_OUTBOUND;
        c.measure = l.measure();
        if (c.measure == v1::LINK_MEASURE_UNSPECIFIED || !v1::LinkMeasure_IsValid(c.measure)) {
          invalid(FeaturePath(i, "link.measure"), who + "link.measure is required");
        }
        if (c.measure == v1::LINK_MEASURE_DURATION_QUANTILE) {
          if (!ValidQuantile(l.quantile())) {
            invalid(FeaturePath(i, "link.quantile"), who + "quantile must be in [0, 1]");
          }
          c.quantile = l.quantile();
        }
        if (l.has_threshold()) {
          auto d = ToDuration(l.threshold(), "link.threshold");
          if (!d.ok()) {
            invalid(FeaturePath(i, "link.threshold"), who + std::string(d.status().message()));
          } else {
            c.threshold = *d;
          }
        }
        rep->has_links = true;
        auto& list = c.outbound ? rep->outbound_filters : rep->inbound_filters;
        if (std::find(list.begin(), list.end(), c.link_filter) == list.end()) {
          list.push_back(c.link_filter);
        }
        break;
      }
      case v1::Feature::kRatio: {
        c.kind = Kind::kRatio;
        const v1::Ratio& r = f.ratio();
        for (auto [name, slot, field] : {std::tuple{&r.numerator(), &c.a, "numerator"},
                                         std::tuple{&r.denominator(), &c.b, "denominator"}}) {
          auto it = rep->index.find(*name);
          if (it == rep->index.end()) {
            invalid(FeaturePath(i, std::string("ratio.") + field),
                    who + "ratio " + field + " refers to unknown feature '" + *name + "'");
          } else {
            *slot = it->second;
          }
        }
        c.zero_policy = r.zero_denominator() == v1::ZERO_DENOMINATOR_POLICY_UNSPECIFIED
                            ? v1::ZERO_DENOMINATOR_POLICY_MISSING
                            : r.zero_denominator();
        c.prior_rate = r.prior_rate();
        c.prior_weight = r.prior_weight();
        if (!v1::ZeroDenominatorPolicy_IsValid(c.zero_policy)) {
          invalid(FeaturePath(i, "ratio.zero_denominator"),
                  who + "unknown zero-denominator policy");
        }
        if (c.zero_policy == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED &&
            !(c.prior_weight > 0 && std::isfinite(c.prior_weight) && std::isfinite(c.prior_rate))) {
          invalid(FeaturePath(i, "ratio.prior_weight"),
                  who + "a smoothed ratio needs a finite prior_weight > 0 and a finite prior_rate");
        }
        break;
      }
      case v1::Feature::kGrowth: {
        c.kind = Kind::kGrowth;
        const v1::Growth& g = f.growth();
        auto it = rep->index.find(g.feature());
        if (it == rep->index.end()) {
          invalid(FeaturePath(i, "growth.feature"),
                  who + "growth refers to unknown feature '" + g.feature() + "'");
        } else {
          c.a = it->second;  // checked below, once every feature is compiled
        }
        c.zero_prior = g.zero_prior() == v1::ZERO_PRIOR_POLICY_UNSPECIFIED
                           ? v1::ZERO_PRIOR_POLICY_MISSING
                           : g.zero_prior();
        if (!v1::ZeroPriorPolicy_IsValid(c.zero_prior)) {
          invalid(FeaturePath(i, "growth.zero_prior"), who + "unknown zero-prior policy");
        }
        c.cap = g.cap();
        if (c.zero_prior == v1::ZERO_PRIOR_POLICY_CAP && !(std::isfinite(c.cap) && c.cap >= 0)) {
          invalid(FeaturePath(i, "growth.cap"), who + "growth.cap must be finite and >= 0");
        }
        break;
      }
      case v1::Feature::kDaysSinceRegistration:
        c.kind = Kind::kDaysSinceRegistration;
        break;
      case v1::Feature::COMPUTATION_NOT_SET:
        invalid(FeaturePath(i), who +
                                    "no computation (aggregate, trend, link, ratio, growth, "
                                    "days_since_registration)");
        break;
    }
    rep->features.push_back(std::move(c));
  }

  // Growth: the current value is feature `a`; the prior is a hidden copy of it whose window
  // is shifted back by its trailing length.
  for (int i = 0; i < n; ++i) {
    CompiledFeature& g = rep->features[static_cast<std::size_t>(i)];
    if (g.kind != Kind::kGrowth || g.a < 0) continue;
    const auto src = static_cast<std::size_t>(g.a);
    const Kind k = rep->features[src].kind;
    if (k != Kind::kAggregate && k != Kind::kTrend && k != Kind::kLink) {
      invalid(FeaturePath(i, "growth.feature"), "feature '" +
                                                    rep->names[static_cast<std::size_t>(i)] +
                                                    "': growth needs an aggregate, trend or link "
                                                    "feature, not '" +
                                                    rep->names[src] + "'");
      continue;
    }
    if (windows[src].all_history) {
      invalid(FeaturePath(i, "growth.feature"), "feature '" +
                                                    rep->names[static_cast<std::size_t>(i)] +
                                                    "': growth needs a feature with a trailing "
                                                    "window; '" +
                                                    rep->names[src] + "' has none");
      continue;
    }
    CompiledWindow prior = windows[src];
    prior.offset += prior.trailing;
    g.b = static_cast<int>(rep->features.size());
    CompiledFeature copy = rep->features[src];
    rep->features.push_back(copy);
    windows.push_back(prior);
    filter_of.push_back(filter_of[src]);
  }
  if (!first.ok()) return first;

  // Slices: one per distinct (filter, window), grouped by filter.
  {
    std::map<std::tuple<int, bool, core::DurationNs, core::DurationNs>, int> slice_ids;
    std::vector<int> windowed;
    for (std::size_t s = 0; s < rep->features.size(); ++s) {
      const Kind k = rep->features[s].kind;
      if (k == Kind::kAggregate || k == Kind::kTrend || k == Kind::kLink) {
        windowed.push_back(static_cast<int>(s));
      }
    }
    std::stable_sort(windowed.begin(), windowed.end(), [&](int x, int y) {
      return filter_of[static_cast<std::size_t>(x)] < filter_of[static_cast<std::size_t>(y)];
    });
    for (int s : windowed) {
      const auto u = static_cast<std::size_t>(s);
      const auto key = std::tuple_cat(std::tuple(filter_of[u]), windows[u].key());
      auto [it, inserted] = slice_ids.emplace(key, static_cast<int>(rep->slices.size()));
      if (inserted) rep->slices.push_back(Slice{filter_of[u], windows[u], {}});
      rep->slices[static_cast<std::size_t>(it->second)].features.push_back(s);
      rep->features[u].slice = it->second;
    }
  }
  for (Slice& sl : rep->slices) {
    std::stable_sort(sl.features.begin(), sl.features.end(), [&](int x, int y) {
      const CompiledFeature& a = rep->features[static_cast<std::size_t>(x)];
      const CompiledFeature& b = rep->features[static_cast<std::size_t>(y)];
      return std::tuple(a.key, a.value, a.link_filter, a.outbound) <
             std::tuple(b.key, b.value, b.link_filter, b.outbound);
    });
  }
  // Runs of equal (key, value) are adjacent after the sort: one keyed pass serves a run, and
  // it accumulates value weights only when some feature of the run reads them.
  for (Slice& sl : rep->slices) {
    for (std::size_t i = 0; i < sl.features.size();) {
      auto at = [&](std::size_t k) -> CompiledFeature& {
        return rep->features[static_cast<std::size_t>(sl.features[k])];
      };
      std::size_t j = i;
      bool weights = false;
      for (; j < sl.features.size() && at(j).key == at(i).key && at(j).value == at(i).value; ++j) {
        weights = weights || at(j).weight_by_value;
      }
      for (std::size_t k = i; k < j; ++k) at(k).keyed_weights = weights;
      i = j;
    }
  }
  rep->filter_needs_sum.assign(rep->filters.size(), 0);
  rep->filter_link_target.assign(rep->filters.size(), 0);
  for (const Slice& sl : rep->slices) {
    for (int s : sl.features) {
      const CompiledFeature& cf = rep->features[static_cast<std::size_t>(s)];
      if (cf.kind == Kind::kAggregate && cf.value == kAmount &&
          (cf.op == v1::AGGREGATE_OP_SUM || cf.op == v1::AGGREGATE_OP_MEAN)) {
        rep->filter_needs_sum[static_cast<std::size_t>(sl.filter)] = 1;
      }
      if (cf.kind == Kind::kLink) {
        // Inbound: base rows are referenced; outbound: linked rows are.
        rep->filter_link_target[static_cast<std::size_t>(cf.outbound ? cf.link_filter
                                                                     : sl.filter)] = 1;
      }
    }
  }
  rep->filters_by_kind.resize(kMaxKind + 1);
  for (int k = 0; k <= kMaxKind; ++k) {
    for (std::size_t f = 0; f < rep->filters.size(); ++f) {
      const auto& kinds = rep->filters[f].kinds;
      if (kinds.empty() ||
          (static_cast<std::size_t>(k) < kinds.size() && kinds[static_cast<std::size_t>(k)])) {
        rep->filters_by_kind[static_cast<std::size_t>(k)].push_back(static_cast<int>(f));
      }
    }
  }

  // Derived order: depth-first over ratio and growth inputs; a grey node met again is a
  // cycle. Windowed features and hidden priors have no inputs.
  const std::size_t slots = rep->features.size();
  std::vector<int> state(slots, 0);  // 0 new, 1 on stack, 2 done
  auto inputs_of = [&](const CompiledFeature& cf, int* out) {
    if (cf.kind == Kind::kRatio) {
      out[0] = cf.a;
      out[1] = cf.b;
      return 2;
    }
    if (cf.kind == Kind::kGrowth) {
      out[0] = cf.a;
      return 1;
    }
    return 0;
  };
  for (int root = 0; root < n && first.ok(); ++root) {
    std::vector<std::pair<int, int>> stack{{root, 0}};
    while (!stack.empty() && first.ok()) {
      auto& [node, next] = stack.back();
      const auto u = static_cast<std::size_t>(node);
      if (state[u] == 2) {
        stack.pop_back();
        continue;
      }
      state[u] = 1;
      const CompiledFeature& cf = rep->features[u];
      int inputs[2];
      const int count = inputs_of(cf, inputs);
      if (next < count) {
        const int child = inputs[next++];
        const auto v = static_cast<std::size_t>(child);
        if (state[v] == 1) {
          invalid(FeaturePath(node, cf.kind == Kind::kRatio ? "ratio" : "growth"),
                  "feature '" + rep->names[u] + "': inputs form a cycle through '" + rep->names[v] +
                      "'");
        } else if (state[v] == 0) {
          stack.push_back({child, 0});
        }
        continue;
      }
      state[u] = 2;
      if (count > 0) rep->derived_order.push_back(node);
      stack.pop_back();
    }
  }
  if (!first.ok()) return first;
  return FeaturePlan(std::move(rep));
}

// ---------------------------------------------------------------------------------------
// Evaluation.

namespace {

// Per-call scratch shared by the slices of one request. Lives on the caller's stack.
struct Scratch {
  std::vector<double> values;           // a slice's values (quantiles)
  std::vector<double> durations;        // link durations in days (quantiles)
  std::vector<std::int64_t> key_count;  // by string id
  std::vector<double> key_weight;       // by string id
  std::vector<std::int32_t> touched;    // string ids with key_count > 0
  std::vector<double> weights;
  std::vector<double> bins;
  std::vector<Int128> link_ns;  // a slice's link durations, base order
};

// Statistics of one value source over one slice, computed on first use.
struct ValueStats {
  ValueId value = kAmount;
  std::int64_t n = 0;
  Int128 sum_minor = 0;                // amounts
  double sum = 0;                      // attributes
  double shifted = 0, shifted_sq = 0;  // sum(x - first), sum((x - first)^2)
  // sum((x - mean)^2) from the shifted sums; never negative.
  double SquaredDeviations() const {
    return std::max(0.0, shifted_sq - shifted * shifted / static_cast<double>(n));
  }
  double lo = 0, hi = 0, first = kNaN, last = kNaN;
  bool collected = false;      // `values` is filled (quantiles reorder it by selection)
  std::vector<double> values;  // the values, filled when a quantile needs them
};

std::int32_t KeyOf(const io::EventTable& t, std::size_t row, v1::EventField key) {
  switch (key) {
    case v1::EVENT_FIELD_COUNTERPARTY:
      return t.counterparty[row];
    case v1::EVENT_FIELD_DESTINATION_COUNTRY:
      return t.destination_country[row];
    case v1::EVENT_FIELD_ORIGIN_COUNTRY:
      return t.origin_country[row];
    case v1::EVENT_FIELD_CHANNEL:
      return t.channel[row];
    case v1::EVENT_FIELD_STATUS:
      return t.status[row];
    default:
      return io::StringPool::kNoString;
  }
}

}  // namespace

void FeaturePlan::Evaluate(const io::IngestedRequest& request, std::span<double> out) const {
  const Rep& rep = *rep_;
  const io::EventTable& t = request.events;
  const std::size_t rows = t.size();
  double scale = 1;
  for (int k = 0; k < rep.base_exponent; ++k) scale *= 10;
  std::vector<double> slot_values(rep.features.size(), kNaN);

  // 1. Bind each distinct filter's strings once, then one time-ordered scan over the table:
  //    each row is tested only against the filters that accept its kind.
  std::vector<BoundFilter> bound;
  bound.reserve(rep.filters.size());
  for (const CompiledFilter& f : rep.filters) bound.push_back(BindFilter(f, t.strings));
  // Matching rows of filter f: match_buf[match_off[f], match_off[f] + match_n[f]), in time
  // order. Each filter's capacity is the number of rows of the kinds it accepts (exact for
  // kinds-only filters), so memory is proportional to the scan's work, not filters x rows.
  // Buffers are uninitialized (new T[]): only the written prefix is ever read.
  const std::size_t nf = rep.filters.size();
  std::vector<std::size_t> kind_rows(rep.filters_by_kind.size(), 0);
  for (std::size_t row = 0; row < rows; ++row) {
    const auto kind = static_cast<std::size_t>(t.kind[row]);
    if (kind < kind_rows.size()) ++kind_rows[kind];
  }
  std::vector<std::size_t> capacity(nf, 0);
  for (std::size_t k = 0; k < kind_rows.size(); ++k) {
    if (kind_rows[k] == 0) continue;
    for (int fi : rep.filters_by_kind[k]) capacity[static_cast<std::size_t>(fi)] += kind_rows[k];
  }
  // Prefix sums of amounts (exact minor units) and of "has an amount", for filters with a
  // SUM or MEAN of amounts: entry k covers the first k matching rows.
  std::vector<std::size_t> match_off(nf + 1, 0), sum_off(nf, 0);
  std::size_t sum_total = 0;
  for (std::size_t f = 0; f < nf; ++f) {
    match_off[f + 1] = match_off[f] + capacity[f];
    if (rep.filter_needs_sum[f]) {
      sum_off[f] = sum_total;
      sum_total += capacity[f] + 1;
    }
  }
  std::unique_ptr<std::int32_t[]> match_buf(new std::int32_t[match_off[nf] + 1]);
  std::vector<std::size_t> match_n(nf, 0);
  std::unique_ptr<Int128[]> prefix_buf(new Int128[sum_total + 1]);
  std::unique_ptr<std::int32_t[]> prefix_n_buf(new std::int32_t[sum_total + 1]);
  for (std::size_t f = 0; f < nf; ++f) {
    if (!rep.filter_needs_sum[f]) continue;
    prefix_buf[sum_off[f]] = 0;
    prefix_n_buf[sum_off[f]] = 0;
  }
  for (std::size_t row = 0; row < rows; ++row) {
    const auto kind = static_cast<std::size_t>(t.kind[row]);
    if (kind >= rep.filters_by_kind.size()) continue;
    for (int fi : rep.filters_by_kind[kind]) {
      const auto f = static_cast<std::size_t>(fi);
      if (!rep.filters[f].only_kinds && (bound[f].impossible || !MatchesRest(bound[f], t, row))) {
        continue;
      }
      const std::size_t k = match_n[f]++;
      match_buf[match_off[f] + k] = static_cast<std::int32_t>(row);
      if (rep.filter_needs_sum[f]) {
        const std::size_t base = sum_off[f];
        const bool has = !std::isnan(t.amount[row]);
        prefix_buf[base + k + 1] = prefix_buf[base + k] + (has ? t.amount_minor[row] : 0);
        prefix_n_buf[base + k + 1] = prefix_n_buf[base + k] + (has ? 1 : 0);
      }
    }
  }
  auto matched = [&](std::size_t f) {
    return std::span<const std::int32_t>(match_buf.get() + match_off[f], match_n[f]);
  };

  // 2. Links: each row's referenced row (an open-addressing table over the ids of the rows
  //    that may be referenced); per inbound link filter, each row's earliest referencing row
  //    matching it; per outbound link filter, membership.
  std::vector<std::int32_t> ref_row;
  std::vector<std::vector<std::int32_t>> first_inbound(nf);
  std::vector<std::vector<char>> member(nf);
  if (rep.has_links) {
    std::vector<char> target(rows, 0);
    std::size_t targets = 0;
    for (std::size_t f = 0; f < nf; ++f) {
      if (!rep.filter_link_target[f]) continue;
      for (std::int32_t row : matched(f)) {
        if (!target[static_cast<std::size_t>(row)]) {
          target[static_cast<std::size_t>(row)] = 1;
          ++targets;
        }
      }
    }
    int bits = 4;
    while ((std::size_t{1} << bits) < 2 * targets) ++bits;
    const std::size_t cap = std::size_t{1} << bits;
    std::vector<std::int32_t> table(cap, -1);
    // FNV-1a, then Fibonacci hashing (the top `bits` bits of a multiply).
    auto hash = [bits](std::string_view s) {
      std::uint64_t h = 1469598103934665603ULL;
      for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
      return static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
    };
    for (std::size_t row = 0; row < rows; ++row) {
      if (!target[row]) continue;
      std::size_t h = hash(t.id[row]);
      while (table[h] >= 0) h = (h + 1) & (cap - 1);
      table[h] = static_cast<std::int32_t>(row);
    }
    ref_row.assign(rows, -1);
    for (std::size_t row = 0; row < rows; ++row) {
      const std::string_view ref = t.reference_id[row];
      if (ref.empty() || targets == 0) continue;
      for (std::size_t h = hash(ref); table[h] >= 0; h = (h + 1) & (cap - 1)) {
        const auto other = static_cast<std::size_t>(table[h]);
        if (SameBytes(t.id[other], ref)) {
          if (other != row) ref_row[row] = table[h];
          break;
        }
      }
    }
    for (int lf : rep.inbound_filters) {
      auto& first = first_inbound[static_cast<std::size_t>(lf)];
      first.assign(rows, -1);
      for (std::int32_t row : matched(static_cast<std::size_t>(lf))) {  // time order
        const std::int32_t tgt = ref_row[static_cast<std::size_t>(row)];
        if (tgt >= 0 && first[static_cast<std::size_t>(tgt)] < 0) {
          first[static_cast<std::size_t>(tgt)] = row;
        }
      }
    }
    for (int lf : rep.outbound_filters) {
      auto& mem = member[static_cast<std::size_t>(lf)];
      mem.assign(rows, 0);
      for (std::int32_t row : matched(static_cast<std::size_t>(lf))) {
        mem[static_cast<std::size_t>(row)] = 1;
      }
    }
  }

  // Value attributes resolved once per request.
  std::vector<std::int32_t> value_keys;
  value_keys.reserve(rep.value_attributes.size());
  for (const std::string& name : rep.value_attributes) value_keys.push_back(t.strings.Find(name));
  auto value_of = [&](std::size_t row, ValueId v, double& x) -> bool {
    if (v == kAmount) {
      x = t.amount[row];
      return !std::isnan(x);
    }
    const std::int32_t key = value_keys[static_cast<std::size_t>(v)];
    if (key == io::StringPool::kNoString) return false;
    const io::Attribute* a = FindAttribute(t, row, key);
    if (a == nullptr ||
        (a->type != io::Attribute::Type::kInt && a->type != io::Attribute::Type::kDouble &&
         a->type != io::Attribute::Type::kMoney)) {
      return false;
    }
    x = a->double_value;
    return true;
  };

  Scratch scratch;
  std::vector<ValueStats> stats;  // per slice, per value source used
  struct {
    bool ready = false;
    v1::EventField field = v1::EVENT_FIELD_UNSPECIFIED;
    ValueId value = kAmount;
  } keyed;  // what scratch.key_count / key_weight hold
  struct {
    bool ready = false;
    int filter = -1;
    bool outbound = false;
    std::int64_t linked = 0;
    Int128 total_ns = 0;
    bool collected = false;  // scratch.durations holds the durations in days
  } linking;                 // what scratch.link_ns holds
  auto reset_keys = [&] {
    for (std::int32_t key : scratch.touched) {
      scratch.key_count[static_cast<std::size_t>(key)] = 0;
      scratch.key_weight[static_cast<std::size_t>(key)] = 0;
    }
    scratch.touched.clear();
    keyed.ready = false;
  };

  // 3. Slices: the range of matching rows in (start, end], then every feature on it.
  for (const Slice& slice : rep.slices) {
    const auto fidx = static_cast<std::size_t>(slice.filter);
    const std::span<const std::int32_t> m = matched(fidx);
    // end = as_of - offset, start = end - trailing; saturating near the range's start.
    core::TimeNs end = 0, start = std::numeric_limits<core::TimeNs>::min();
    if (__builtin_sub_overflow(request.as_of, slice.window.offset, &end)) {
      end = std::numeric_limits<core::TimeNs>::min();
    }
    if (!slice.window.all_history && __builtin_sub_overflow(end, slice.window.trailing, &start)) {
      start = std::numeric_limits<core::TimeNs>::min();
    }
    const auto time_of = [&](std::int32_t row) { return t.time[static_cast<std::size_t>(row)]; };
    const std::size_t lo = static_cast<std::size_t>(
        std::partition_point(m.begin(), m.end(),
                             [&](std::int32_t r) { return time_of(r) <= start; }) -
        m.begin());
    const std::size_t hi = static_cast<std::size_t>(
        std::partition_point(m.begin() + static_cast<std::ptrdiff_t>(lo), m.end(),
                             [&](std::int32_t r) { return time_of(r) <= end; }) -
        m.begin());
    const auto count = static_cast<std::int64_t>(hi - lo);
    stats.clear();
    reset_keys();
    linking.ready = false;

    auto get_stats = [&](ValueId v) -> ValueStats& {
      for (ValueStats& s : stats) {
        if (s.value == v) return s;
      }
      ValueStats& s = stats.emplace_back();
      s.value = v;
      double x = 0;
      for (std::size_t k = lo; k < hi; ++k) {
        const auto row = static_cast<std::size_t>(m[k]);
        if (!value_of(row, v, x)) continue;
        if (s.n == 0) {
          s.lo = s.hi = s.first = x;
        } else {
          s.lo = std::min(s.lo, x);
          s.hi = std::max(s.hi, x);
        }
        s.last = x;
        ++s.n;
        if (v == kAmount) {
          s.sum_minor += t.amount_minor[row];
        } else {
          s.sum += x;
        }
        // Sums shifted by the first value (stable when it is near the mean; no division).
        const double d = x - s.first;
        s.shifted += d;
        s.shifted_sq += d * d;
      }
      return s;
    };
    auto all_values = [&](ValueStats& s) -> std::vector<double>& {
      if (!s.collected) {
        s.values.clear();
        double x = 0;
        for (std::size_t k = lo; k < hi; ++k) {
          if (value_of(static_cast<std::size_t>(m[k]), s.value, x)) s.values.push_back(x);
        }
        s.collected = true;
      }
      return s.values;
    };

    for (int slot : slice.features) {
      const CompiledFeature& f = rep.features[static_cast<std::size_t>(slot)];
      double value = kNaN;
      if (f.kind == Kind::kAggregate) {
        switch (f.op) {
          case v1::AGGREGATE_OP_COUNT:
            value = static_cast<double>(count);
            break;
          case v1::AGGREGATE_OP_SUM:
          case v1::AGGREGATE_OP_MEAN: {
            std::int64_t with = 0;
            double sum = 0;
            if (f.value == kAmount) {
              const std::size_t base = sum_off[fidx];
              with = prefix_n_buf[base + hi] - prefix_n_buf[base + lo];
              sum = static_cast<double>(prefix_buf[base + hi] - prefix_buf[base + lo]) / scale;
            } else {
              const ValueStats& s = get_stats(f.value);
              with = s.n;
              sum = s.sum;
            }
            if (f.op == v1::AGGREGATE_OP_SUM) {
              value = sum;
            } else if (with > 0) {
              value = sum / static_cast<double>(with);
            }
            break;
          }
          case v1::AGGREGATE_OP_MIN:
          case v1::AGGREGATE_OP_MAX:
          case v1::AGGREGATE_OP_FIRST:
          case v1::AGGREGATE_OP_LAST:
          case v1::AGGREGATE_OP_STDDEV_POP:
          case v1::AGGREGATE_OP_STDDEV_SAMP: {
            const ValueStats& s = get_stats(f.value);
            if (s.n == 0) break;
            switch (f.op) {
              case v1::AGGREGATE_OP_MIN:
                value = s.lo;
                break;
              case v1::AGGREGATE_OP_MAX:
                value = s.hi;
                break;
              case v1::AGGREGATE_OP_FIRST:
                value = s.first;
                break;
              case v1::AGGREGATE_OP_LAST:
                value = s.last;
                break;
              case v1::AGGREGATE_OP_STDDEV_POP:
                value = std::sqrt(s.SquaredDeviations() / static_cast<double>(s.n));
                break;
              default:  // STDDEV_SAMP
                if (s.n >= 2)
                  value = std::sqrt(s.SquaredDeviations() / static_cast<double>(s.n - 1));
                break;
            }
            break;
          }
          case v1::AGGREGATE_OP_QUANTILE: {
            ValueStats& s = get_stats(f.value);
            if (s.n > 0) value = Quantile7(all_values(s), f.quantile);
            break;
          }
          case v1::AGGREGATE_OP_DAYS_SINCE_FIRST:
          case v1::AGGREGATE_OP_DAYS_SINCE_LAST:
            if (count > 0) {
              const core::TimeNs when =
                  time_of(f.op == v1::AGGREGATE_OP_DAYS_SINCE_FIRST ? m[lo] : m[hi - 1]);
              // 128-bit: times span 1677..2262, so a difference may not fit in 64 bits.
              value = static_cast<double>(static_cast<Int128>(end) - when) /
                      static_cast<double>(core::kNanosPerDay);
            }
            break;
          case v1::AGGREGATE_OP_DISTINCT_COUNT:
          case v1::AGGREGATE_OP_TOP_K_SHARE:
          case v1::AGGREGATE_OP_HHI: {
            // Per-key count and value sum in arrays indexed by string id; `touched` lists the
            // keys seen in first-seen order and is used to reset the arrays. Features on the
            // slice with the same key and value (sorted next to each other) share one pass.
            if (!keyed.ready || keyed.field != f.key || keyed.value != f.value) {
              reset_keys();
              keyed = {true, f.key, f.value};
              scratch.key_count.resize(t.strings.size(), 0);
              scratch.key_weight.resize(t.strings.size(), 0);
              double x = 0;
              for (std::size_t k = lo; k < hi; ++k) {
                const auto row = static_cast<std::size_t>(m[k]);
                const std::int32_t key = KeyOf(t, row, f.key);
                if (key == io::StringPool::kNoString) continue;
                const auto u = static_cast<std::size_t>(key);
                if (scratch.key_count[u]++ == 0) scratch.touched.push_back(key);
                if (f.keyed_weights && value_of(row, f.value, x)) scratch.key_weight[u] += x;
              }
            }
            if (f.op == v1::AGGREGATE_OP_DISTINCT_COUNT) {
              value = static_cast<double>(scratch.touched.size());
            } else {
              scratch.weights.clear();
              double total = 0;
              for (std::int32_t key : scratch.touched) {
                const auto u = static_cast<std::size_t>(key);
                const double w = f.weight_by_value ? scratch.key_weight[u]
                                                   : static_cast<double>(scratch.key_count[u]);
                if (w > 0) {
                  scratch.weights.push_back(w);
                  total += w;
                }
              }
              if (total > 0) {
                if (f.op == v1::AGGREGATE_OP_HHI) {
                  double h = 0;
                  for (double w : scratch.weights) h += (w / total) * (w / total);
                  value = h;
                } else {
                  const std::size_t k =
                      std::min(scratch.weights.size(), static_cast<std::size_t>(f.top_k));
                  std::nth_element(scratch.weights.begin(),
                                   scratch.weights.begin() + static_cast<std::ptrdiff_t>(k) - 1,
                                   scratch.weights.end(), std::greater<>());
                  double top = 0;
                  for (std::size_t j = 0; j < k; ++j) top += scratch.weights[j];
                  value = top / total;
                }
              }
            }
            break;
          }
          default:
            break;
        }
      } else if (f.kind == Kind::kTrend) {
        // Period j covers (start + j*period, start + (j+1)*period]. Rows are in time order,
        // so the period only moves forward. 128-bit: exact even where `start` saturated.
        scratch.bins.assign(static_cast<std::size_t>(f.periods), 0.0);
        double x = 0;
        std::size_t j = 0;
        Int128 upper = static_cast<Int128>(request.as_of) - slice.window.offset -
                       slice.window.trailing + f.period;
        for (std::size_t k = lo; k < hi; ++k) {
          const auto row = static_cast<std::size_t>(m[k]);
          while (t.time[row] > upper && j + 1 < scratch.bins.size()) {
            ++j;
            upper += f.period;
          }
          if (f.trend_count) {
            scratch.bins[j] += 1;
          } else if (value_of(row, f.value, x)) {
            scratch.bins[j] += x;
          }
        }
        const Eigen::Map<const Eigen::ArrayXd> y(scratch.bins.data(), f.periods);
        const Eigen::ArrayXd dx =
            Eigen::ArrayXd::LinSpaced(f.periods, 0, f.periods - 1) - (f.periods - 1) / 2.0;
        value = (dx * (y - y.mean())).sum() / dx.square().sum();
      } else {  // Kind::kLink
        // One pass per (slice, linked filter, direction), shared by its measures (sorted
        // next to each other at compile time).
        if (!linking.ready || linking.filter != f.link_filter || linking.outbound != f.outbound) {
          linking = {true, f.link_filter, f.outbound, 0, 0, false};
          scratch.link_ns.clear();
          const auto lf = static_cast<std::size_t>(f.link_filter);
          for (std::size_t k = lo; k < hi; ++k) {
            const auto row = static_cast<std::size_t>(m[k]);
            std::int32_t other = -1;
            if (f.outbound) {
              other = ref_row[row];
              if (other >= 0 && !member[lf][static_cast<std::size_t>(other)]) other = -1;
            } else {
              other = first_inbound[lf][row];
            }
            if (other < 0 || time_of(other) > end) continue;  // none, or not yet happened
            // 128-bit: times span 1677..2262, so a difference may not fit in 64 bits.
            const Int128 d = f.outbound ? static_cast<Int128>(t.time[row]) - time_of(other)
                                        : static_cast<Int128>(time_of(other)) - t.time[row];
            linking.total_ns += d;
            scratch.link_ns.push_back(d);
          }
          linking.linked = static_cast<std::int64_t>(scratch.link_ns.size());
        }
        const std::int64_t linked = linking.linked;
        const Int128 total_ns = linking.total_ns;
        std::int64_t above = 0;
        if (f.measure == v1::LINK_MEASURE_DURATION_SHARE_ABOVE) {
          for (Int128 d : scratch.link_ns) above += d > f.threshold ? 1 : 0;
        }
        if (f.measure == v1::LINK_MEASURE_DURATION_QUANTILE && !linking.collected) {
          scratch.durations.clear();
          for (Int128 d : scratch.link_ns) {
            scratch.durations.push_back(static_cast<double>(d) /
                                        static_cast<double>(core::kNanosPerDay));
          }
          linking.collected = true;
        }
        switch (f.measure) {
          case v1::LINK_MEASURE_SHARE_LINKED:
            if (count > 0) value = static_cast<double>(linked) / static_cast<double>(count);
            break;
          case v1::LINK_MEASURE_SHARE_UNLINKED:
            if (count > 0) value = static_cast<double>(count - linked) / static_cast<double>(count);
            break;
          case v1::LINK_MEASURE_COUNT_LINKED:
            value = static_cast<double>(linked);
            break;
          case v1::LINK_MEASURE_COUNT_UNLINKED:
            value = static_cast<double>(count - linked);
            break;
          case v1::LINK_MEASURE_DURATION_MEAN:
            if (linked > 0) {
              value = static_cast<double>(total_ns) / static_cast<double>(linked) /
                      static_cast<double>(core::kNanosPerDay);
            }
            break;
          case v1::LINK_MEASURE_DURATION_QUANTILE:
            if (linked > 0) value = Quantile7(scratch.durations, f.quantile);
            break;
          case v1::LINK_MEASURE_DURATION_SHARE_ABOVE:
            if (linked > 0) value = static_cast<double>(above) / static_cast<double>(linked);
            break;
          default:
            break;
        }
      }
      slot_values[static_cast<std::size_t>(slot)] = value;
    }
  }

  // 4. Features without events, then derived features in dependency order.
  for (std::size_t s = 0; s < rep.names.size(); ++s) {
    if (rep.features[s].kind == Kind::kDaysSinceRegistration && request.registered_at) {
      slot_values[s] =
          static_cast<double>(static_cast<Int128>(request.as_of) - *request.registered_at) /
          static_cast<double>(core::kNanosPerDay);
    }
  }
  for (int idx : rep.derived_order) {
    const CompiledFeature& f = rep.features[static_cast<std::size_t>(idx)];
    const double a = slot_values[static_cast<std::size_t>(f.a)];
    const double b = slot_values[static_cast<std::size_t>(f.b)];
    double value = kNaN;
    if (!std::isnan(a) && !std::isnan(b)) {
      if (f.kind == Kind::kRatio) {
        if (f.zero_policy == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED) {
          value = (a + f.prior_rate * f.prior_weight) / (b + f.prior_weight);
        } else if (b != 0) {
          value = a / b;
        } else if (f.zero_policy == v1::ZERO_DENOMINATOR_POLICY_ZERO) {
          value = 0;
        }
      } else if (b != 0) {  // growth: a = current, b = prior
        value = (a - b) / std::abs(b);
      } else if (f.zero_prior == v1::ZERO_PRIOR_POLICY_ZERO) {
        value = 0;
      } else if (f.zero_prior == v1::ZERO_PRIOR_POLICY_CAP) {
        value = a > 0 ? f.cap : (a < 0 ? -f.cap : 0.0);
      }
    }
    slot_values[static_cast<std::size_t>(idx)] = value;
  }
  std::copy_n(slot_values.begin(), static_cast<std::ptrdiff_t>(out.size()), out.begin());
}

}  // namespace credence::features
