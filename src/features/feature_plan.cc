// FeaturePlan: the compiled definitions (plan_definition.h) and the batch path's layout of
// them (batch_layout.h); Evaluate runs the batch path's steps in order. See feature_plan.h.
#include "features/feature_plan.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "features/batch_layout.h"
#include "features/compiler.h"
#include "features/derived.h"
#include "features/filter_scan.h"
#include "features/links.h"
#include "features/plan_definition.h"
#include "features/slice_stats.h"

namespace credence::features {

struct FeaturePlan::Rep {
  FeatureDefinitions defs;  // what each feature is
  BatchLayout layout;       // how Evaluate computes them over a whole history
};

FeaturePlan::FeaturePlan(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
FeaturePlan::FeaturePlan(FeaturePlan&&) noexcept = default;
FeaturePlan& FeaturePlan::operator=(FeaturePlan&&) noexcept = default;
FeaturePlan::~FeaturePlan() = default;

std::size_t FeaturePlan::size() const { return rep_->defs.names.size(); }
const std::vector<std::string>& FeaturePlan::names() const { return rep_->defs.names; }
int FeaturePlan::Find(std::string_view name) const {
  auto it = rep_->defs.index.find(std::string(name));
  return it == rep_->defs.index.end() ? -1 : it->second;
}

const FeatureDefinitions& FeaturePlan::definitions() const { return rep_->defs; }

Result<FeaturePlan> FeaturePlan::Compile(
    const google::protobuf::RepeatedPtrField<v1::Feature>& features, int base_currency_exponent,
    std::size_t max_features, const BundleSourceMap* source_map, std::vector<Issue>* issues) {
  CREDENCE_ASSIGN_OR_RETURN(FeatureDefinitions defs,
                            DefinitionCompiler(base_currency_exponent, source_map, issues)
                                .Compile(features, max_features));
  auto rep = std::make_unique<Rep>();
  rep->layout = LayOutBatch(defs);
  rep->defs = std::move(defs);
  return FeaturePlan(std::move(rep));
}

void FeaturePlan::Evaluate(const io::IngestedRequest& request, std::span<double> out) const {
  const Rep& rep = *rep_;
  std::vector<double> slot_values(rep.defs.features.size(),
                                  std::numeric_limits<double>::quiet_NaN());
  const MatchLists matches = ScanFilters(rep.defs, rep.layout, request.events);
  const LinkIndex links = ResolveLinks(rep.layout, request.events, matches);
  SliceEvaluator slices(rep.defs, rep.layout, request, matches, links);
  for (const Slice& slice : rep.layout.slices) slices.Evaluate(slice, slot_values);
  EvaluateDerived(rep.defs, request.as_of, request.registered_at, slot_values);
  std::copy_n(slot_values.begin(), static_cast<std::ptrdiff_t>(out.size()), out.begin());
}

}  // namespace credence::features
