// Screening inside the engine (Engine::Screen, BuildState, LoadState, StateFeatures): the
// bundle's named lists and screening section compiled, the online feature plan, and the
// steps of screening one event — ingest it as batch ingest would, apply it to the state's
// online features (features/online_state.h), evaluate the screening rules over the event,
// the features, the enterprise and the lists (rules/), decide (decision/screening_policy.h)
// and build the response. Engine::Impl owns one; internal to the engine module.
//
// Immutable once compiled; every method is const and thread-safe (a state is used by one
// thread at a time).
#ifndef CREDENCE_ENGINE_SCREENING_H_
#define CREDENCE_ENGINE_SCREENING_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/enterprise_state.h"
#include "decision/screening_policy.h"
#include "expr/value.h"
#include "features/feature_plan.h"
#include "features/online_state.h"
#include "io/ingest.h"
#include "rules/context.h"
#include "rules/rule_set.h"

namespace credence {

struct EnterpriseState::Impl {
  std::string enterprise_id;
  // The enterprise as last screened, as its deterministic encoding: compared (not copied)
  // on every event, parsed when the state is saved or read.
  std::string enterprise;
  // `enterprise` parsed, to compare each event's enterprise with (SameEnterprise); set by
  // the first comparison that needs it.
  std::optional<v1::Enterprise> enterprise_parsed;
  // The limits `enterprise` was last validated under in this process (unset after loading):
  // an unchanged enterprise is not validated again under the same limits.
  std::optional<std::pair<std::size_t, std::size_t>> enterprise_checked;
  std::optional<features::OnlineState> online;
  std::uint64_t applied = 0, duplicates = 0;
  std::string bundle_name, bundle_digest;
  // The bundle's rates with the last request's fx_rates over them, and those rates (as
  // bytes): consecutive events of an enterprise usually send the same rates.
  std::vector<std::pair<std::string, std::string>> fx_key;
  std::optional<io::FxTable> fx;
  std::vector<double> values;  // the features of the last event (reused)
};

namespace internal {

struct EnterpriseStateAccess {
  static EnterpriseState::Impl& Of(EnterpriseState& s) { return *s.impl_; }
  static const EnterpriseState::Impl& Of(const EnterpriseState& s) { return *s.impl_; }
};

// What Screening::Compile reads of the engine being compiled.
struct ScreeningInputs {
  const v1::Bundle& bundle;
  const BundleSourceMap& map;
  std::vector<Issue>* issues;
  const std::string& bundle_dir;
  const io::FxTable& fx;  // must outlive the Screening
  const features::FeaturePlan& plan;
  const BundleInfo& info;  // must outlive the Screening (its digest is set later)
  RequestLimits limits;
};

class Screening {
 public:
  // Compiles Bundle.lists and Bundle.screening. `files` receives (path, bytes) of every list
  // file read, for the bundle digest. Errors are located through the source map and
  // recorded in `issues`: INVALID_ARGUMENT for a bad list (name, duplicate, file outside the
  // bundle's folder), policy or rule; NOT_FOUND for a missing list file; OUT_OF_RANGE for a
  // list file above 64 MiB.
  static Result<std::unique_ptr<Screening>> Compile(
      const ScreeningInputs& in, std::vector<std::pair<std::string, std::string>>* files);

  Result<v1::ScreenResponse> Screen(const v1::ScreenRequest& request, EnterpriseState& state) const;
  Result<EnterpriseState> BuildState(const v1::ScoreRequest& request) const;
  Result<EnterpriseState> LoadState(std::string_view bytes) const;
  Result<FeatureVector> StateFeatures(const EnterpriseState& state) const;

  const features::OnlinePlan& plan() const { return *plan_; }

 private:
  Screening() = default;
  Status CheckState(const EnterpriseState::Impl& st, const std::string& enterprise_id) const;
  Result<const io::FxTable*> FxFor(const v1::ScreenRequest& request,
                                   EnterpriseState::Impl& st) const;
  Status CompileByKind(const ScreeningInputs& in, const expr::Environment& env);
  // The rules that can fire for an event of `kind` (all of rules_ when no rule requires a kind).
  const rules::RuleSets& RulesForKind(int kind) const;
  void Decide(const v1::ScreenRequest& request, const v1::ScoreRequest& one,
              const io::EventTable& event, std::span<const double> values,
              v1::ScreenResponse& response) const;

  const BundleInfo* info_ = nullptr;
  const io::FxTable* fx_ = nullptr;
  RequestLimits limits_;
  std::shared_ptr<const features::OnlinePlan> plan_;
  std::optional<rules::RuleSets> rules_;
  // The rule sets of each event kind (CompileByKind): by_kind_[kind_sets_[kind]], or
  // by_kind_[0] (the rules no kind is required by) for a kind no rule requires. Empty when
  // no rule requires a kind.
  std::vector<rules::RuleSets> by_kind_;
  std::vector<std::size_t> kind_sets_;
  std::optional<decision::ScreeningPolicy> policy_;
  // The lists the rules read ("lists.<name>" -> list(string)), bound once: the parent of
  // every event's activation.
  expr::Activation list_bindings_;
  // The request and event variables (rules/context.h) the screening rules read: only those
  // are bound for each event.
  std::vector<const rules::RequestVariable*> variables_;
  // The features the rules read (conditions and messages) and their inputs: all a response
  // without include_features needs.
  std::vector<char> needed_;
};

}  // namespace internal
}  // namespace credence

#endif  // CREDENCE_ENGINE_SCREENING_H_
