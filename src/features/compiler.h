// DefinitionCompiler: turns Bundle.features into FeatureDefinitions (plan_definition.h),
// checking every field. compile_kinds.cc holds one compile function per feature kind and the
// parts they share (filter, value source, window); compile_definitions.cc holds the whole:
// names, the per-feature dispatch, hidden prior windows for growths and the dependency
// order of ratios and growths. Errors: FeaturePlan::Compile (feature_plan.h).
#ifndef CREDENCE_FEATURES_COMPILER_H_
#define CREDENCE_FEATURES_COMPILER_H_

#include <google/protobuf/repeated_field.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bundle.h"
#include "credence/result.h"
#include "credence/status.h"
#include "credence/v1/bundle.pb.h"
#include "features/plan_definition.h"

namespace credence::features {

// Collects every issue found; the first one is the result. Thread-compatible; use once.
class DefinitionCompiler {
 public:
  // `source_map` (may be null) turns field paths into file:line:col; `issues` (may be null)
  // receives every error.
  DefinitionCompiler(int base_currency_exponent, const BundleSourceMap* source_map,
                     std::vector<Issue>* issues);

  Result<FeatureDefinitions> Compile(
      const google::protobuf::RepeatedPtrField<v1::Feature>& features, std::size_t max_features) &&;

  // One filter on its own, for evaluators outside the feature plan (the customs credit
  // lifecycle): the same checks as a feature's filter, errors at `path` (".kinds", ...).
  Result<CompiledFilter> CompileOneFilter(const v1::EventFilter& filter,
                                          const std::string& path) &&;

 private:
  void Report(StatusCode code, const std::string& path, const std::string& message);
  void Invalid(const std::string& path, const std::string& message);

  // compile_definitions.cc
  void CompileNames(const google::protobuf::RepeatedPtrField<v1::Feature>& features);
  CompiledFeature CompileFeature(const v1::Feature& f, int i);
  void AddGrowthPriors(int n);
  void OrderDerived(int n);

  // compile_kinds.cc: the parts windowed features share ...
  int CompileFilter(const v1::EventFilter& ef, const std::string& path, const std::string& who);
  ValueId CompileValue(const v1::Value& v, const std::string& path, const std::string& who);
  CompiledWindow CompileWindow(const v1::Window& w, int i, const std::string& who);
  std::optional<core::DurationNs> CompileDuration(const google::protobuf::Duration& d, int i,
                                                  const std::string& field, const std::string& who,
                                                  bool positive);
  // ... and one function per kind; `who` prefixes messages ("feature 'x': ").
  void CompileAggregate(const v1::Aggregate& g, int i, const std::string& who, CompiledFeature& c);
  void CompileTrend(const v1::Trend& tr, int i, const std::string& who, CompiledFeature& c);
  void CompileLink(const v1::Link& l, int i, const std::string& who, CompiledFeature& c);
  void CompileRatio(const v1::Ratio& r, int i, const std::string& who, CompiledFeature& c);
  void CompileGrowth(const v1::Growth& g, int i, const std::string& who, CompiledFeature& c);

  FeatureDefinitions defs_;
  const BundleSourceMap* source_map_;
  std::vector<Issue>* issues_;
  Status first_;
  // Filters are deduplicated by their serialized form, value attributes by name.
  std::map<std::string, int> filter_ids_;
  std::map<std::string, ValueId> value_ids_;
};

// "features[3]" or "features[3].window.trailing".
std::string FeaturePath(int i, std::string_view field = {});

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_COMPILER_H_
