// What each feature of a bundle is, once compiled: its kind, its distinct filter and window
// (windowed kinds), its value source and parameters, and for ratios and growths the slots of
// their inputs in dependency order. Nothing here says how a history is evaluated: the batch
// path (batch_layout.h, filter_scan.h, links.h, slice_stats.h) groups these definitions into
// its own structures, and another evaluator can read the same definitions. derived.h gives
// the formulas that turn input values into ratios, growths and tenure, shared by any path.
// Definitions of every computation: docs/features.md.
#ifndef CREDENCE_FEATURES_PLAN_DEFINITION_H_
#define CREDENCE_FEATURES_PLAN_DEFINITION_H_

#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "credence/v1/bundle.pb.h"

namespace credence::features {

inline constexpr int kMaxKind = 100;  // EVENT_KIND_CUSTOM

// A filter with its strings kept as text; an evaluator resolves them against each request's
// StringPool (filter_scan.h). Immutable once compiled.
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
  bool only_kinds = false;  // nothing but `kinds`: a kind check is the whole test
};

// (end - trailing, end] with end = as_of - offset; all_history has no start.
struct CompiledWindow {
  bool all_history = true;
  core::DurationNs trailing = 0;
  core::DurationNs offset = 0;
  auto key() const { return std::tuple(all_history, trailing, offset); }
};

// Where an aggregate's numbers come from: kAmount = the amount, else an index into
// FeatureDefinitions::value_attributes.
using ValueId = int;
inline constexpr ValueId kAmount = -1;

enum class Kind { kAggregate, kTrend, kLink, kRatio, kGrowth, kDaysSinceRegistration };

inline bool IsWindowed(Kind k) {
  return k == Kind::kAggregate || k == Kind::kTrend || k == Kind::kLink;
}

// One feature (or a hidden prior-window copy made for a growth). Immutable once compiled.
struct CompiledFeature {
  Kind kind = Kind::kAggregate;
  // Windowed kinds: the distinct filter (index into FeatureDefinitions::filters) and window.
  int filter = -1;
  CompiledWindow window;
  // Aggregate.
  v1::AggregateOp op = v1::AGGREGATE_OP_UNSPECIFIED;
  ValueId value = kAmount;
  double quantile = 0;
  v1::EventField key = v1::EVENT_FIELD_UNSPECIFIED;
  bool weight_by_value = false;
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

// Every feature of a bundle, compiled. Immutable once compiled.
struct FeatureDefinitions {
  std::vector<std::string> names;
  std::unordered_map<std::string, int> index;
  // Slots [0, names.size()) are the bundle's features; the rest are hidden prior-window
  // copies made for growth features.
  std::vector<CompiledFeature> features;
  std::vector<CompiledFilter> filters;        // distinct filters
  std::vector<std::string> value_attributes;  // ValueId -> attribute name
  std::vector<int> derived_order;             // ratios and growths, inputs first
  int base_exponent = 2;                      // of the base currency (amount sums)
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_PLAN_DEFINITION_H_
