// One compile function per feature kind, and the filter, value source and window they share.
// See compiler.h; the checks are listed in docs/features.md ("Compile-time errors").
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "credence/v1/event.pb.h"
#include "features/compiler.h"
#include "features/quantile.h"

namespace credence::features {
namespace {

constexpr std::int64_t kMaxWindowSeconds = 100LL * 366 * 86'400;  // 100 years
constexpr int kMaxTopK = 1000;
constexpr std::int64_t kMaxPeriods = 1000;

bool OnlyKinds(const CompiledFilter& c) {
  return c.custom_kinds.empty() && c.statuses.empty() && c.exclude_statuses.empty() &&
         c.destination_countries.empty() && c.origin_countries.empty() && c.channels.empty() &&
         !c.has_min && !c.has_max && c.attributes.empty();
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Filter, value source and window.

// `d` in nanoseconds, or nothing after reporting at features[i].<field> why not: negative,
// longer than 100 years, or zero where `positive` is required.
std::optional<core::DurationNs> DefinitionCompiler::CompileDuration(
    const google::protobuf::Duration& d, int i, const std::string& field, const std::string& who,
    bool positive) {
  std::string problem;
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() >= core::kNanosPerSecond) {
    problem = " must not be negative";
  } else if (d.seconds() > kMaxWindowSeconds) {
    problem = " longer than 100 years";
  } else if (positive && d.seconds() == 0 && d.nanos() == 0) {
    problem = " must be positive";
  } else {
    return d.seconds() * core::kNanosPerSecond + d.nanos();
  }
  Invalid(FeaturePath(i, field), who + field + problem);
  return std::nullopt;
}

int DefinitionCompiler::CompileFilter(const v1::EventFilter& ef, const std::string& path,
                                      const std::string& who) {
  CompiledFilter c;
  for (int k : ef.kinds()) {
    if (k == v1::EVENT_KIND_UNSPECIFIED || !v1::EventKind_IsValid(k) || k > kMaxKind) {
      Invalid(path + ".kinds", who + "unknown event kind " + std::to_string(k));
      continue;
    }
    if (c.kinds.size() <= static_cast<std::size_t>(k)) c.kinds.resize(k + 1);
    c.kinds[static_cast<std::size_t>(k)] = true;
  }
  c.custom_kinds.assign(ef.custom_kinds().begin(), ef.custom_kinds().end());
  if (!c.custom_kinds.empty() &&
      (c.kinds.size() <= v1::EVENT_KIND_CUSTOM || !c.kinds[v1::EVENT_KIND_CUSTOM])) {
    Invalid(path + ".custom_kinds", who + "custom_kinds needs EVENT_KIND_CUSTOM in kinds");
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
  if ((c.has_min && !std::isfinite(c.min_amount)) || (c.has_max && !std::isfinite(c.max_amount)) ||
      (c.has_min && c.has_max && c.min_amount > c.max_amount)) {
    Invalid(path, who + "amount bounds must be finite with min_amount <= max_amount");
  }
  for (int k = 0; k < ef.attributes_size(); ++k) {
    const auto& a = ef.attributes(k);
    const std::string apath = path + ".attributes[" + std::to_string(k) + "]";
    const auto vc = a.value().value_case();
    const bool ordered = a.op() != v1::COMPARE_OP_EQ && a.op() != v1::COMPARE_OP_NE;
    if (a.name().empty() || a.op() == v1::COMPARE_OP_UNSPECIFIED ||
        !v1::CompareOp_IsValid(a.op())) {
      Invalid(apath, who + "attribute test needs a name and an op");
    } else if (vc != v1::AttributeValue::kStringValue && vc != v1::AttributeValue::kBoolValue &&
               vc != v1::AttributeValue::kIntValue && vc != v1::AttributeValue::kDoubleValue) {
      Invalid(apath, who + "attribute tests compare with a string, bool, int or double constant");
    } else if (vc == v1::AttributeValue::kBoolValue && ordered) {
      Invalid(apath, who + "a bool attribute supports only EQ/NE");
    } else if (vc == v1::AttributeValue::kDoubleValue && !std::isfinite(a.value().double_value())) {
      Invalid(apath, who + "attribute test constant must be finite");
    } else {
      c.attributes.push_back({a.name(), a.op(), a.value()});
    }
  }
  c.only_kinds = OnlyKinds(c);
  auto [it, inserted] =
      filter_ids_.emplace(ef.SerializeAsString(), static_cast<int>(defs_.filters.size()));
  if (inserted) defs_.filters.push_back(std::move(c));
  return it->second;
}

Result<CompiledFilter> DefinitionCompiler::CompileOneFilter(const v1::EventFilter& filter,
                                                            const std::string& path) && {
  const int id = CompileFilter(filter, path, "");
  if (!first_.ok()) return first_;
  return std::move(defs_.filters[static_cast<std::size_t>(id)]);
}

ValueId DefinitionCompiler::CompileValue(const v1::Value& v, const std::string& path,
                                         const std::string& who) {
  if (!v1::ValueSource_IsValid(v.source())) {
    Invalid(path + ".source", who + "unknown value source " + std::to_string(v.source()));
    return kAmount;
  }
  if (v.source() == v1::VALUE_SOURCE_ATTRIBUTE) {
    if (v.attribute().empty()) {
      Invalid(path + ".attribute", who + "VALUE_SOURCE_ATTRIBUTE needs an attribute name");
      return kAmount;
    }
    auto [it, inserted] =
        value_ids_.emplace(v.attribute(), static_cast<ValueId>(defs_.value_attributes.size()));
    if (inserted) defs_.value_attributes.push_back(v.attribute());
    return it->second;
  }
  if (!v.attribute().empty()) {
    Invalid(path + ".attribute", who + "an attribute name needs VALUE_SOURCE_ATTRIBUTE");
  }
  return kAmount;
}

CompiledWindow DefinitionCompiler::CompileWindow(const v1::Window& w, int i,
                                                 const std::string& who) {
  CompiledWindow c;
  if (w.has_trailing()) {
    if (auto d = CompileDuration(w.trailing(), i, "window.trailing", who, /*positive=*/true)) {
      c.all_history = false;
      c.trailing = *d;
    }
  }
  if (w.has_offset()) {
    if (auto d = CompileDuration(w.offset(), i, "window.offset", who, /*positive=*/false)) {
      c.offset = *d;
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------------
// One function per kind.

void DefinitionCompiler::CompileAggregate(const v1::Aggregate& g, int i, const std::string& who,
                                          CompiledFeature& c) {
  c.kind = Kind::kAggregate;
  c.op = g.op();
  if (c.op == v1::AGGREGATE_OP_UNSPECIFIED || !v1::AggregateOp_IsValid(c.op)) {
    Invalid(FeaturePath(i, "aggregate.op"), who + "aggregate.op is required");
    return;
  }
  c.value = CompileValue(g.value(), FeaturePath(i, "aggregate.value"), who);
  const bool keyed = c.op == v1::AGGREGATE_OP_DISTINCT_COUNT ||
                     c.op == v1::AGGREGATE_OP_TOP_K_SHARE || c.op == v1::AGGREGATE_OP_HHI;
  if (keyed && (g.key() == v1::EVENT_FIELD_UNSPECIFIED || !v1::EventField_IsValid(g.key()))) {
    Invalid(FeaturePath(i, "aggregate.key"),
            who + "DISTINCT_COUNT, TOP_K_SHARE and HHI need a key (e.g. EVENT_FIELD_COUNTERPARTY)");
  } else if (!keyed && g.key() != v1::EVENT_FIELD_UNSPECIFIED) {
    Invalid(FeaturePath(i, "aggregate.key"),
            who + "only DISTINCT_COUNT, TOP_K_SHARE and HHI take a key");
  }
  c.key = g.key();
  if (!v1::ShareWeight_IsValid(g.weight())) {
    Invalid(FeaturePath(i, "aggregate.weight"), who + "unknown share weight");
  }
  c.weight_by_value = g.weight() == v1::SHARE_WEIGHT_VALUE;
  if (c.op == v1::AGGREGATE_OP_QUANTILE) {
    if (!ValidQuantile(g.quantile())) {
      Invalid(FeaturePath(i, "aggregate.quantile"), who + "quantile must be in [0, 1]");
    }
    c.quantile = g.quantile();
  } else if (g.quantile() != 0) {
    Invalid(FeaturePath(i, "aggregate.quantile"), who + "only QUANTILE takes a quantile");
  }
  if (c.op == v1::AGGREGATE_OP_TOP_K_SHARE) {
    if (g.top_k() < 1 || g.top_k() > kMaxTopK) {
      Invalid(FeaturePath(i, "aggregate.top_k"), who + "top_k must be in [1, 1000]");
    }
    c.top_k = g.top_k();
  } else if (g.top_k() != 0) {
    Invalid(FeaturePath(i, "aggregate.top_k"), who + "only TOP_K_SHARE takes top_k");
  }
}

// REQUIRES: c.window is compiled.
void DefinitionCompiler::CompileTrend(const v1::Trend& tr, int i, const std::string& who,
                                      CompiledFeature& c) {
  c.kind = Kind::kTrend;
  if (!v1::TrendMeasure_IsValid(tr.measure())) {
    Invalid(FeaturePath(i, "trend.measure"), who + "unknown trend measure");
  }
  c.trend_count = tr.measure() == v1::TREND_MEASURE_COUNT;
  c.value = CompileValue(tr.value(), FeaturePath(i, "trend.value"), who);
  const auto p = CompileDuration(tr.period(), i, "trend.period", who, /*positive=*/true);
  const CompiledWindow& w = c.window;
  if (!p) return;  // reported
  if (w.all_history || w.trailing == 0) {
    Invalid(FeaturePath(i, "window"), who + "a trend needs a trailing window");
  } else if (w.trailing % *p != 0 || w.trailing / *p < 2 || w.trailing / *p > kMaxPeriods) {
    Invalid(FeaturePath(i, "trend.period"), who +
                                                "window.trailing must be a whole multiple of "
                                                "trend.period, with 2 to 1000 periods");
  } else {
    c.period = *p;
    c.periods = static_cast<int>(w.trailing / *p);
  }
}

void DefinitionCompiler::CompileLink(const v1::Link& l, int i, const std::string& who,
                                     CompiledFeature& c) {
  c.kind = Kind::kLink;
  c.link_filter = CompileFilter(l.linked_filter(), FeaturePath(i, "link.linked_filter"), who);
  if (!v1::LinkDirection_IsValid(l.direction())) {
    Invalid(FeaturePath(i, "link.direction"), who + "unknown link direction");
  }
  c.outbound = l.direction() == v1::LINK_DIRECTION_OUTBOUND;
  c.measure = l.measure();
  if (c.measure == v1::LINK_MEASURE_UNSPECIFIED || !v1::LinkMeasure_IsValid(c.measure)) {
    Invalid(FeaturePath(i, "link.measure"), who + "link.measure is required");
  }
  if (c.measure == v1::LINK_MEASURE_DURATION_QUANTILE) {
    if (!ValidQuantile(l.quantile())) {
      Invalid(FeaturePath(i, "link.quantile"), who + "quantile must be in [0, 1]");
    }
    c.quantile = l.quantile();
  }
  if (l.has_threshold()) {
    if (auto d = CompileDuration(l.threshold(), i, "link.threshold", who, /*positive=*/false)) {
      c.threshold = *d;
    }
  }
}

void DefinitionCompiler::CompileRatio(const v1::Ratio& r, int i, const std::string& who,
                                      CompiledFeature& c) {
  c.kind = Kind::kRatio;
  for (auto [name, slot, field] : {std::tuple{&r.numerator(), &c.a, "numerator"},
                                   std::tuple{&r.denominator(), &c.b, "denominator"}}) {
    auto it = defs_.index.find(*name);
    if (it == defs_.index.end()) {
      Invalid(FeaturePath(i, std::string("ratio.") + field),
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
    Invalid(FeaturePath(i, "ratio.zero_denominator"), who + "unknown zero-denominator policy");
  }
  if (c.zero_policy == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED &&
      !(c.prior_weight > 0 && std::isfinite(c.prior_weight) && std::isfinite(c.prior_rate))) {
    Invalid(FeaturePath(i, "ratio.prior_weight"),
            who + "a smoothed ratio needs a finite prior_weight > 0 and a finite prior_rate");
  }
}

// The input is checked (and its prior copy made) in AddGrowthPriors, once every feature is
// compiled.
void DefinitionCompiler::CompileGrowth(const v1::Growth& g, int i, const std::string& who,
                                       CompiledFeature& c) {
  c.kind = Kind::kGrowth;
  auto it = defs_.index.find(g.feature());
  if (it == defs_.index.end()) {
    Invalid(FeaturePath(i, "growth.feature"),
            who + "growth refers to unknown feature '" + g.feature() + "'");
  } else {
    c.a = it->second;
  }
  c.zero_prior = g.zero_prior() == v1::ZERO_PRIOR_POLICY_UNSPECIFIED ? v1::ZERO_PRIOR_POLICY_MISSING
                                                                     : g.zero_prior();
  if (!v1::ZeroPriorPolicy_IsValid(c.zero_prior)) {
    Invalid(FeaturePath(i, "growth.zero_prior"), who + "unknown zero-prior policy");
  }
  c.cap = g.cap();
  if (c.zero_prior == v1::ZERO_PRIOR_POLICY_CAP && !(std::isfinite(c.cap) && c.cap >= 0)) {
    Invalid(FeaturePath(i, "growth.cap"), who + "growth.cap must be finite and >= 0");
  }
}

}  // namespace credence::features
