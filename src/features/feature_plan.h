// FeaturePlan: the bundle's feature definitions compiled against nothing but themselves,
// evaluated over one request's EventTable into a dense vector of doubles (NaN = missing).
//
// Compile (compiler.h) turns Bundle.features into FeatureDefinitions (plan_definition.h:
// what each feature is), then lays them out for the batch path (batch_layout.h): windowed
// features (aggregate, trend, link) grouped by distinct filter and by distinct
// (filter, window) "slice". Evaluate binds each distinct filter's strings to the request's
// StringPool once and scans the time-sorted table once (filter_scan.h), resolves links
// (links.h), computes each slice's statistics once over its range of matching rows
// (slice_stats.h) and derives tenure, ratios and growths last (derived.h). Definitions:
// docs/features.md.
//
//   auto plan = FeaturePlan::Compile(bundle.features(), 2, 10'000, nullptr, &issues);
//   std::vector<double> values(plan->size());
//   plan->Evaluate(ingested, values);
#ifndef CREDENCE_FEATURES_FEATURE_PLAN_H_
#define CREDENCE_FEATURES_FEATURE_PLAN_H_

#include <google/protobuf/repeated_field.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bundle.h"
#include "credence/result.h"
#include "credence/status.h"
#include "credence/v1/bundle.pb.h"
#include "features/plan_definition.h"
#include "io/ingest.h"

namespace credence::features {

// Immutable once compiled; Evaluate is const and safe to call from many threads at once.
class FeaturePlan {
 public:
  // Compiles `features` (Bundle.features). `source_map` (may be null) turns field paths into
  // file:line:col. Errors are INVALID_ARGUMENT naming the feature and its field path
  // (`features[3].window.trailing`): empty or duplicate names, a missing computation, an
  // unknown event kind, a bad attribute reference, an unknown feature in a ratio or growth,
  // a cycle, an invalid window, period, quantile or top_k, or filter; OUT_OF_RANGE past
  // `max_features`. Every error found is appended to `issues`
  // (if non-null); the first is returned.
  static Result<FeaturePlan> Compile(
      const google::protobuf::RepeatedPtrField<v1::Feature>& features, int base_currency_exponent,
      std::size_t max_features, const BundleSourceMap* source_map, std::vector<Issue>* issues);

  FeaturePlan(FeaturePlan&&) noexcept;
  FeaturePlan& operator=(FeaturePlan&&) noexcept;
  ~FeaturePlan();

  std::size_t size() const;
  const std::vector<std::string>& names() const;
  // Index of `name`, or -1.
  int Find(std::string_view name) const;
  // What each feature is (for other evaluators, e.g. the online state of online_state.h).
  const FeatureDefinitions& definitions() const;

  // Computes every feature of `request` into `out`. REQUIRES: out.size() == size().
  // Cost O(events + matches + Σ slice ranges + features); all scratch is local to the call.
  void Evaluate(const io::IngestedRequest& request, std::span<double> out) const;

 private:
  struct Rep;
  explicit FeaturePlan(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_FEATURE_PLAN_H_
