#include "features/feature_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>

#include "core/time.h"
#include "credence/v1/event.pb.h"

namespace credence::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kMaxWindowSeconds = 100LL * 366 * 86'400;  // 100 years

std::string FeaturePath(int i, std::string_view field = {}) {
  std::string p = "features[" + std::to_string(i) + "]";
  if (!field.empty()) {
    p += '.';
    p += field;
  }
  return p;
}

// A filter with its strings kept as text; they are looked up in each request's StringPool.
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
};

struct CompiledWindow {
  bool all_history = true;
  core::DurationNs trailing = 0;
  core::DurationNs offset = 0;
};

enum class Kind { kAggregate, kRatio, kDaysSinceRegistration };

struct CompiledFeature {
  Kind kind;
  CompiledFilter filter;
  CompiledWindow window;
  v1::AggregateOp op = v1::AGGREGATE_OP_UNSPECIFIED;
  int numerator = -1, denominator = -1;
  v1::ZeroDenominatorPolicy zero_policy = v1::ZERO_DENOMINATOR_POLICY_MISSING;
  double prior_rate = 0, prior_weight = 0;
};

// The request-specific form of a filter: strings resolved to pool ids.
struct BoundFilter {
  const CompiledFilter* f;
  std::vector<std::int32_t> custom_kinds, statuses, exclude_statuses, destination_countries,
      origin_countries, channels;
  bool impossible = false;  // a required string never occurs in this request
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

bool AttributeMatches(const io::EventTable& t, std::size_t row,
                      const CompiledFilter::AttributeTest& test) {
  const std::int32_t key = t.strings.Find(test.name);
  if (key == io::StringPool::kNoString) return false;
  for (std::uint32_t k = t.attr_begin[row]; k < t.attr_begin[row + 1]; ++k) {
    const io::Attribute& a = t.attributes[k];
    if (a.key != key) continue;
    const v1::AttributeValue& want = test.value;
    switch (want.value_case()) {
      case v1::AttributeValue::kStringValue:
        return a.type == io::Attribute::Type::kString &&
               Compare(t.strings.Get(a.string_id), want.string_value(), test.op);
      case v1::AttributeValue::kBoolValue:
        return a.type == io::Attribute::Type::kBool &&
               Compare<std::int64_t>(a.int_value, want.bool_value() ? 1 : 0, test.op);
      case v1::AttributeValue::kIntValue:
      case v1::AttributeValue::kDoubleValue: {
        if (a.type != io::Attribute::Type::kInt && a.type != io::Attribute::Type::kDouble &&
            a.type != io::Attribute::Type::kMoney) {
          return false;
        }
        const double w = want.value_case() == v1::AttributeValue::kIntValue
                             ? static_cast<double>(want.int_value())
                             : want.double_value();
        return Compare(a.double_value, w, test.op);
      }
      default:
        return false;  // rejected at compile time
    }
  }
  return false;
}

bool Matches(const BoundFilter& b, const io::EventTable& t, std::size_t row) {
  const CompiledFilter& f = *b.f;
  if (!f.kinds.empty()) {
    const auto k = static_cast<std::size_t>(t.kind[row]);
    if (k >= f.kinds.size() || !f.kinds[k]) return false;
    if (t.kind[row] == v1::EVENT_KIND_CUSTOM && !f.custom_kinds.empty() &&
        !Contains(b.custom_kinds, t.custom_kind[row])) {
      return false;
    }
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
  for (const auto& test : f.attributes) {
    if (!AttributeMatches(t, row, test)) return false;
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

}  // namespace

struct FeaturePlan::Rep {
  std::vector<std::string> names;
  std::unordered_map<std::string, int> index;
  std::vector<CompiledFeature> features;
  std::vector<int> order;  // evaluation order: ratios after their inputs
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
  if (static_cast<std::size_t>(features.size()) > max_features) {
    report(StatusCode::kOutOfRange, "features",
           std::to_string(features.size()) + " features exceed the limit of " +
               std::to_string(max_features));
    return first;
  }

  // Names first, so ratios can refer forward.
  for (int i = 0; i < features.size(); ++i) {
    const std::string& name = features[i].name();
    bool valid = !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z';
    for (char c : name)
      valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!valid) {
      report(StatusCode::kInvalidArgument, FeaturePath(i, "name"),
             "feature name '" + name + "' must match [a-z][a-z0-9_]{0,63}");
    } else if (!rep->index.emplace(name, i).second) {
      report(StatusCode::kInvalidArgument, FeaturePath(i, "name"),
             "duplicate feature name '" + name + "'");
    }
    rep->names.push_back(name);
  }

  for (int i = 0; i < features.size(); ++i) {
    const v1::Feature& f = features[i];
    const std::string who = "feature '" + f.name() + "': ";
    CompiledFeature c;
    // Filter.
    const v1::EventFilter& ef = f.filter();
    for (int k : ef.kinds()) {
      if (k == v1::EVENT_KIND_UNSPECIFIED || !v1::EventKind_IsValid(k)) {
        report(StatusCode::kInvalidArgument, FeaturePath(i, "filter.kinds"),
               who + "unknown event kind " + std::to_string(k));
        continue;
      }
      if (c.filter.kinds.size() <= static_cast<std::size_t>(k)) c.filter.kinds.resize(k + 1);
      c.filter.kinds[static_cast<std::size_t>(k)] = true;
    }
    c.filter.custom_kinds.assign(ef.custom_kinds().begin(), ef.custom_kinds().end());
    if (!c.filter.custom_kinds.empty() && (c.filter.kinds.size() <= v1::EVENT_KIND_CUSTOM ||
                                           !c.filter.kinds[v1::EVENT_KIND_CUSTOM])) {
      report(StatusCode::kInvalidArgument, FeaturePath(i, "filter.custom_kinds"),
             who + "custom_kinds needs EVENT_KIND_CUSTOM in kinds");
    }
    c.filter.statuses.assign(ef.statuses().begin(), ef.statuses().end());
    c.filter.exclude_statuses.assign(ef.exclude_statuses().begin(), ef.exclude_statuses().end());
    c.filter.destination_countries.assign(ef.destination_countries().begin(),
                                          ef.destination_countries().end());
    c.filter.origin_countries.assign(ef.origin_countries().begin(), ef.origin_countries().end());
    c.filter.channels.assign(ef.channels().begin(), ef.channels().end());
    c.filter.has_min = ef.has_min_amount();
    c.filter.has_max = ef.has_max_amount();
    c.filter.min_amount = ef.min_amount();
    c.filter.max_amount = ef.max_amount();
    if ((c.filter.has_min && !std::isfinite(c.filter.min_amount)) ||
        (c.filter.has_max && !std::isfinite(c.filter.max_amount)) ||
        (c.filter.has_min && c.filter.has_max && c.filter.min_amount > c.filter.max_amount)) {
      report(StatusCode::kInvalidArgument, FeaturePath(i, "filter"),
             who + "amount bounds must be finite with min_amount <= max_amount");
    }
    for (int k = 0; k < ef.attributes_size(); ++k) {
      const auto& a = ef.attributes(k);
      const std::string path = FeaturePath(i, "filter.attributes[" + std::to_string(k) + "]");
      const auto vc = a.value().value_case();
      const bool ordered = a.op() != v1::COMPARE_OP_EQ && a.op() != v1::COMPARE_OP_NE;
      if (a.name().empty() || a.op() == v1::COMPARE_OP_UNSPECIFIED) {
        report(StatusCode::kInvalidArgument, path, who + "attribute test needs a name and an op");
      } else if (vc != v1::AttributeValue::kStringValue && vc != v1::AttributeValue::kBoolValue &&
                 vc != v1::AttributeValue::kIntValue && vc != v1::AttributeValue::kDoubleValue) {
        report(StatusCode::kInvalidArgument, path,
               who + "attribute tests compare with a string, bool, int or double constant");
      } else if (vc == v1::AttributeValue::kBoolValue && ordered) {
        report(StatusCode::kInvalidArgument, path, who + "a bool attribute supports only EQ/NE");
      } else {
        c.filter.attributes.push_back({a.name(), a.op(), a.value()});
      }
    }
    // Window.
    if (f.window().has_trailing()) {
      auto d = ToDuration(f.window().trailing(), "window.trailing");
      if (!d.ok() || *d == 0) {
        report(StatusCode::kInvalidArgument, FeaturePath(i, "window.trailing"),
               who + (d.ok() ? std::string("window.trailing must be positive")
                             : std::string(d.status().message())));
      } else {
        c.window.all_history = false;
        c.window.trailing = *d;
      }
    }
    if (f.window().has_offset()) {
      auto d = ToDuration(f.window().offset(), "window.offset");
      if (!d.ok()) {
        report(StatusCode::kInvalidArgument, FeaturePath(i, "window.offset"),
               who + std::string(d.status().message()));
      } else {
        c.window.offset = *d;
      }
    }
    // Computation.
    switch (f.computation_case()) {
      case v1::Feature::kAggregate:
        c.kind = Kind::kAggregate;
        c.op = f.aggregate().op();
        if (c.op == v1::AGGREGATE_OP_UNSPECIFIED || !v1::AggregateOp_IsValid(c.op)) {
          report(StatusCode::kInvalidArgument, FeaturePath(i, "aggregate.op"),
                 who + "aggregate.op is required");
        }
        break;
      case v1::Feature::kRatio: {
        c.kind = Kind::kRatio;
        const v1::Ratio& r = f.ratio();
        for (auto [name, slot, field] :
             {std::tuple{&r.numerator(), &c.numerator, "numerator"},
              std::tuple{&r.denominator(), &c.denominator, "denominator"}}) {
          auto it = rep->index.find(*name);
          if (it == rep->index.end()) {
            report(StatusCode::kInvalidArgument, FeaturePath(i, std::string("ratio.") + field),
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
        if (c.zero_policy == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED &&
            !(c.prior_weight > 0 && std::isfinite(c.prior_weight) && std::isfinite(c.prior_rate))) {
          report(StatusCode::kInvalidArgument, FeaturePath(i, "ratio.prior_weight"),
                 who + "a smoothed ratio needs a finite prior_weight > 0 and a finite prior_rate");
        }
        if (f.has_filter() || f.has_window()) {
          report(StatusCode::kInvalidArgument, FeaturePath(i, "ratio"),
                 who + "a ratio takes no filter or window of its own (its inputs have them)");
        }
        break;
      }
      case v1::Feature::kDaysSinceRegistration:
        c.kind = Kind::kDaysSinceRegistration;
        break;
      case v1::Feature::COMPUTATION_NOT_SET:
        report(StatusCode::kInvalidArgument, FeaturePath(i),
               who + "no computation (aggregate, ratio, days_since_registration)");
        c.kind = Kind::kAggregate;
        break;
    }
    rep->features.push_back(std::move(c));
  }
  if (!first.ok()) return first;

  // Evaluation order: depth-first over ratio inputs; a grey node met again is a cycle.
  const int n = features.size();
  std::vector<int> state(static_cast<std::size_t>(n), 0);  // 0 new, 1 on stack, 2 done
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
      const int inputs[2] = {cf.numerator, cf.denominator};
      if (cf.kind == Kind::kRatio && next < 2) {
        const int child = inputs[next++];
        const auto v = static_cast<std::size_t>(child);
        if (state[v] == 1) {
          report(StatusCode::kInvalidArgument, FeaturePath(node, "ratio"),
                 "feature '" + rep->names[u] + "': ratio inputs form a cycle through '" +
                     rep->names[v] + "'");
        } else if (state[v] == 0) {
          stack.push_back({child, 0});
        }
        continue;
      }
      state[u] = 2;
      rep->order.push_back(node);
      stack.pop_back();
    }
  }
  if (!first.ok()) return first;
  return FeaturePlan(std::move(rep));
}

void FeaturePlan::Evaluate(const io::IngestedRequest& request, std::span<double> out) const {
  __extension__ typedef __int128 Int128;
  const io::EventTable& t = request.events;
  double scale = 1;
  for (int k = 0; k < rep_->base_exponent; ++k) scale *= 10;
  for (int idx : rep_->order) {
    const CompiledFeature& f = rep_->features[static_cast<std::size_t>(idx)];
    double value = kNaN;
    switch (f.kind) {
      case Kind::kDaysSinceRegistration:
        if (request.registered_at) {
          value = static_cast<double>(request.as_of - *request.registered_at) /
                  static_cast<double>(core::kNanosPerDay);
        }
        break;
      case Kind::kRatio: {
        const double num = out[static_cast<std::size_t>(f.numerator)];
        const double den = out[static_cast<std::size_t>(f.denominator)];
        if (std::isnan(num) || std::isnan(den)) break;
        if (f.zero_policy == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED) {
          value = (num + f.prior_rate * f.prior_weight) / (den + f.prior_weight);
        } else if (den != 0) {
          value = num / den;
        } else {
          value = f.zero_policy == v1::ZERO_DENOMINATOR_POLICY_ZERO ? 0.0 : kNaN;
        }
        break;
      }
      case Kind::kAggregate: {
        // The window is (end - trailing, end] with end = as_of - offset.
        // Saturating: as_of may be near the start of the representable range.
        core::TimeNs end = 0, start = 0;
        if (__builtin_sub_overflow(request.as_of, f.window.offset, &end)) {
          end = std::numeric_limits<core::TimeNs>::min();
        }
        const bool bounded = !f.window.all_history;
        if (bounded && __builtin_sub_overflow(end, f.window.trailing, &start)) {
          start = std::numeric_limits<core::TimeNs>::min();
        }
        BoundFilter b{&f.filter, {}, {}, {}, {}, {}, {}, false};
        b.custom_kinds = Bind(f.filter.custom_kinds, t.strings, b.impossible);
        b.statuses = Bind(f.filter.statuses, t.strings, b.impossible);
        b.destination_countries = Bind(f.filter.destination_countries, t.strings, b.impossible);
        b.origin_countries = Bind(f.filter.origin_countries, t.strings, b.impossible);
        b.channels = Bind(f.filter.channels, t.strings, b.impossible);
        bool unused = false;
        b.exclude_statuses = Bind(f.filter.exclude_statuses, t.strings, unused);
        // Rows with time in the window: times are sorted, so binary search the bounds.
        const auto first_row =
            bounded ? std::upper_bound(t.time.begin(), t.time.end(), start) : t.time.begin();
        const auto last_row = std::upper_bound(t.time.begin(), t.time.end(), end);
        std::int64_t count = 0, with_amount = 0;
        Int128 sum_minor = 0;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        if (!b.impossible) {
          for (auto it = first_row; it < last_row; ++it) {
            const auto row = static_cast<std::size_t>(it - t.time.begin());
            if (!Matches(b, t, row)) continue;
            ++count;
            const double a = t.amount[row];
            if (std::isnan(a)) continue;
            ++with_amount;
            sum_minor += t.amount_minor[row];
            lo = std::min(lo, a);
            hi = std::max(hi, a);
          }
        }
        const double sum = static_cast<double>(sum_minor) / scale;
        switch (f.op) {
          case v1::AGGREGATE_OP_COUNT:
            value = static_cast<double>(count);
            break;
          case v1::AGGREGATE_OP_SUM:
            value = sum;
            break;
          case v1::AGGREGATE_OP_MEAN:
            value = with_amount > 0
                        ? static_cast<double>(sum_minor) / scale / static_cast<double>(with_amount)
                        : kNaN;
            break;
          case v1::AGGREGATE_OP_MIN:
            value = with_amount > 0 ? lo : kNaN;
            break;
          case v1::AGGREGATE_OP_MAX:
            value = with_amount > 0 ? hi : kNaN;
            break;
          default:
            break;
        }
        break;
      }
    }
    out[static_cast<std::size_t>(idx)] = value;
  }
}

}  // namespace credence::features
