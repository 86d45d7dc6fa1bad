// Engine: compiles a bundle into an immutable scorer and runs the pipeline
// ingest → features → models → decision → explanations → audit.
#include "credence/engine.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/sha256.h"
#include "credence/version.h"
#include "decision/credit_scale.h"
#include "explain/reasons.h"
#include "features/feature_plan.h"
#include "io/ingest.h"
#include "models/logistic.h"

namespace credence {

std::string_view Version() noexcept { return CREDENCE_VERSION_STRING; }

namespace {

constexpr int kMaxReasonCodes = 64;
constexpr int kMaxBatchThreads = 256;

std::string DeterministicBytes(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

bool ValidBundleName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

struct Engine::Impl {
  BundleInfo info;
  CompileOptions options;
  std::optional<io::FxTable> fx;
  std::optional<features::FeaturePlan> plan;
  // The credit model, scale and grades; all set or none (bundle.credit).
  std::string credit_model_id;
  std::optional<models::LogisticRegression> credit_model;
  std::optional<decision::ScoreScale> scale;
  std::optional<decision::GradeScale> grades;
  std::optional<explain::ReasonCatalog> reasons;
};

Engine::Engine(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
const BundleInfo& Engine::info() const noexcept { return impl_->info; }

Result<std::shared_ptr<const Engine>> Engine::Compile(const v1::Bundle& bundle,
                                                      const CompileOptions& options,
                                                      std::vector<Issue>* issues) {
  LoadedBundle loaded;
  loaded.bundle = bundle;
  loaded.directory = options.bundle_dir.empty() ? "." : options.bundle_dir;
  return Compile(loaded, options, issues);
}

Result<std::shared_ptr<const Engine>> Engine::Compile(const LoadedBundle& loaded,
                                                      const CompileOptions& options,
                                                      std::vector<Issue>* issues) {
  const v1::Bundle& bundle = loaded.bundle;
  const BundleSourceMap& map = loaded.source_map;
  // Every error goes through here: located in the bundle's source, recorded as an issue.
  auto fail = [&](const Status& s) -> Status {
    Status located = s;
    if (const SourceLocation* where = s.location();
        where != nullptr && !where->field_path.empty() && where->line == 0) {
      located = s.WithLocation(map.Locate(where->field_path));
    } else if (where == nullptr && !map.file().empty()) {
      located = s.WithLocation({.file = map.file()});
    }
    if (issues != nullptr) issues->push_back({Issue::Severity::kError, located});
    return located;
  };
  auto at = [](std::string path) { return SourceLocation{.field_path = std::move(path)}; };

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.bundle_dir.empty()) impl->options.bundle_dir = loaded.directory;

  // Metadata.
  if (!ValidBundleName(bundle.metadata().name())) {
    return fail(InvalidArgumentError("metadata.name must match [A-Za-z0-9_.-]{1,128}",
                                     at("metadata.name")));
  }
  impl->info.name = bundle.metadata().name();
  impl->info.version = bundle.metadata().version();

  // Sections this version does not implement are refused, never ignored.
  if (bundle.rule_sets_size() > 0) {
    return fail(UnimplementedError("rule_sets are not supported by this engine version yet",
                                   at("rule_sets[0]")));
  }
  if (bundle.decision_tables_size() > 0) {
    return fail(UnimplementedError("decision_tables are not supported by this engine version yet",
                                   at("decision_tables[0]")));
  }
  if (bundle.has_compliance()) {
    return fail(UnimplementedError("compliance scoring is not supported by this engine version yet",
                                   at("compliance")));
  }

  // Currency.
  auto fx = io::FxTable::Build(bundle.base_currency(), bundle.fx_rates(), "fx_rates");
  if (!fx.ok()) {
    Status s = fx.status();
    if (s.location() == nullptr) s = s.WithLocation(at("base_currency"));
    return fail(s);
  }
  impl->info.base_currency = bundle.base_currency();
  const int base_exponent = fx->base_exponent();
  impl->fx = std::move(fx).value();

  // Features.
  {
    std::vector<Issue> feature_issues;
    auto plan = features::FeaturePlan::Compile(bundle.features(), base_exponent,
                                               options.max_features, &map, &feature_issues);
    if (issues != nullptr)
      issues->insert(issues->end(), feature_issues.begin(), feature_issues.end());
    if (!plan.ok()) return plan.status();
    impl->plan = std::move(plan).value();
    impl->info.feature_names = impl->plan->names();
  }
  const features::FeaturePlan& plan = *impl->plan;
  auto feature_index = [&plan](std::string_view name) { return plan.Find(name); };

  // Models.
  std::unordered_map<std::string, int> model_index;
  for (int i = 0; i < bundle.models_size(); ++i) {
    const v1::Model& m = bundle.models(i);
    const std::string path = "models[" + std::to_string(i) + "]";
    if (m.id().empty() || !model_index.emplace(m.id(), i).second) {
      return fail(InvalidArgumentError("model ids must be non-empty and unique", at(path + ".id")));
    }
    switch (m.kind_case()) {
      case v1::Model::kLogistic: {
        auto compiled =
            models::LogisticRegression::Compile(m.logistic(), feature_index, path + ".logistic");
        if (!compiled.ok()) return fail(compiled.status());
        break;
      }
      case v1::Model::kScorecard:
        return fail(
            UnimplementedError("scorecard models are not supported yet", at(path + ".scorecard")));
      case v1::Model::kTreeEnsemble:
        return fail(UnimplementedError("tree_ensemble models are not supported yet",
                                       at(path + ".tree_ensemble")));
      case v1::Model::KIND_NOT_SET:
        return fail(InvalidArgumentError("model '" + m.id() + "' has no kind", at(path)));
    }
  }

  // Grade scales.
  std::unordered_map<std::string, int> scale_index;
  for (int i = 0; i < bundle.grade_scales_size(); ++i) {
    const std::string path = "grade_scales[" + std::to_string(i) + "]";
    const v1::GradeScale& g = bundle.grade_scales(i);
    if (g.id().empty() || !scale_index.emplace(g.id(), i).second) {
      return fail(
          InvalidArgumentError("grade scale ids must be non-empty and unique", at(path + ".id")));
    }
    auto compiled = decision::GradeScale::Compile(g, path);
    if (!compiled.ok()) return fail(compiled.status());
  }

  // Credit.
  if (bundle.has_credit()) {
    const v1::CreditConfig& c = bundle.credit();
    auto m = model_index.find(c.model());
    if (m == model_index.end()) {
      return fail(InvalidArgumentError("credit.model names unknown model '" + c.model() + "'",
                                       at("credit.model")));
    }
    const v1::Model& model = bundle.models(m->second);
    impl->credit_model_id = model.id();
    auto compiled = models::LogisticRegression::Compile(
        model.logistic(), feature_index, "models[" + std::to_string(m->second) + "].logistic");
    if (!compiled.ok()) return fail(compiled.status());
    impl->credit_model = std::move(compiled).value();
    if (!c.has_scaling()) {
      return fail(InvalidArgumentError("credit.scaling is required", at("credit")));
    }
    auto scale = decision::ScoreScale::Compile(c.scaling(), "credit.scaling");
    if (!scale.ok()) return fail(scale.status());
    impl->scale = std::move(scale).value();
    auto g = scale_index.find(c.grade_scale());
    if (g == scale_index.end()) {
      return fail(InvalidArgumentError(
          "credit.grade_scale names unknown grade scale '" + c.grade_scale() + "'",
          at("credit.grade_scale")));
    }
    auto grades = decision::GradeScale::Compile(bundle.grade_scales(g->second),
                                                "grade_scales[" + std::to_string(g->second) + "]");
    if (!grades.ok()) return fail(grades.status());
    impl->grades = std::move(grades).value();
  }

  // Reasons.
  auto reasons = explain::ReasonCatalog::Compile(bundle.reason_codes(), impl->info.feature_names);
  if (!reasons.ok()) return fail(reasons.status());
  impl->reasons = std::move(reasons).value();

  // Digest: the bundle's deterministic encoding. Model files join it when models read files.
  core::Sha256 sha;
  sha.Update(DeterministicBytes(bundle));
  impl->info.digest = "sha256:" + sha.FinishHex();

  return std::shared_ptr<const Engine>(new Engine(std::move(impl)));
}

Result<FeatureVector> Engine::ComputeFeatures(const v1::ScoreRequest& request) const {
  CREDENCE_ASSIGN_OR_RETURN(io::IngestedRequest in,
                            io::Ingest(request, *impl_->fx, impl_->options.request_limits));
  FeatureVector out;
  out.values.assign(impl_->plan->size(), 0.0);
  impl_->plan->Evaluate(in, out.values);
  return out;
}

Result<v1::ScoreResponse> Engine::Score(const v1::ScoreRequest& request,
                                        const ScoreOptions& options) const {
  const Impl& e = *impl_;
  CREDENCE_ASSIGN_OR_RETURN(io::IngestedRequest in,
                            io::Ingest(request, *e.fx, e.options.request_limits));
  std::vector<double> values(e.plan->size());
  e.plan->Evaluate(in, values);

  v1::ScoreResponse response;
  response.set_request_id(request.request_id());
  response.set_enterprise_id(request.enterprise().id());
  *response.mutable_ingest() = std::move(in.summary);

  int max_reasons = request.options().max_reason_codes() > 0 ? request.options().max_reason_codes()
                                                             : options.max_reason_codes;
  max_reasons = std::clamp(max_reasons, 0, kMaxReasonCodes);

  v1::Decision* decision = response.mutable_decision();
  if (e.credit_model) {
    models::ModelOutput out;
    e.credit_model->Predict(values, e.info.feature_names, out);
    v1::CreditResult* credit = response.mutable_credit();
    credit->set_model_id(e.credit_model_id);
    credit->set_available(out.available);
    if (out.available) {
      credit->set_pd(out.probability);
      credit->set_margin(out.margin);
      credit->set_score(e.scale->ScoreFromMargin(out.margin));
      const v1::GradeBand& band = e.grades->Band(out.probability);
      credit->set_grade(band.grade());
      decision->set_outcome(band.outcome() == v1::OUTCOME_UNSPECIFIED ? v1::OUTCOME_REVIEW
                                                                      : band.outcome());
      decision->set_source("grade_scale:" + e.grades->id() + "/" + band.grade());
      if (band.limit_minor_units() > 0 && decision->outcome() == v1::OUTCOME_APPROVE) {
        decision->mutable_limit()->set_currency_code(e.info.base_currency);
        decision->mutable_limit()->set_minor_units(band.limit_minor_units());
      }
      e.reasons->TopAdverse(out.contributions, values, max_reasons, e.credit_model_id,
                            response.mutable_reasons());
      for (const v1::Reason& r : response.reasons()) decision->add_reason_codes(r.code());
    } else {
      credit->set_unavailable_reason(out.unavailable_reason);
      decision->set_outcome(v1::OUTCOME_REVIEW);
      decision->set_source("credit_unavailable");
      response.add_warnings("credit model '" + e.credit_model_id +
                            "' produced no PD: " + out.unavailable_reason);
    }
  } else {
    decision->set_outcome(v1::OUTCOME_REVIEW);
    decision->set_source("no_credit_model");
  }

  if (options.include_features || request.options().include_features()) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      v1::FeatureValue* f = response.add_features();
      f->set_name(e.info.feature_names[i]);
      f->set_value(values[i]);
      f->set_missing(std::isnan(values[i]));
    }
  }

  v1::Audit* audit = response.mutable_audit();
  audit->set_engine_version(std::string(Version()));
  audit->set_bundle_name(e.info.name);
  audit->set_bundle_version(e.info.version);
  audit->set_bundle_digest(e.info.digest);
  *audit->mutable_as_of() = request.as_of();
  return response;
}

std::vector<Result<v1::ScoreResponse>> Engine::ScoreBatch(
    std::span<const v1::ScoreRequest> requests, const ScoreOptions& options,
    const BatchOptions& batch) const {
  const std::size_t n = requests.size();
  std::vector<std::optional<Result<v1::ScoreResponse>>> slots(n);
  int threads =
      batch.threads > 0 ? batch.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, kMaxBatchThreads);
  threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), n));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      slots[i].emplace(Score(requests[i], options));
    }
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(threads) - 1);
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
  }
  std::vector<Result<v1::ScoreResponse>> results;
  results.reserve(n);
  for (auto& s : slots) results.push_back(std::move(*s));
  return results;
}

EngineHandle::EngineHandle(std::shared_ptr<const Engine> engine) : current_(std::move(engine)) {}

std::shared_ptr<const Engine> EngineHandle::Get() const { return current_.load(); }

std::shared_ptr<const Engine> EngineHandle::Swap(std::shared_ptr<const Engine> engine) {
  return current_.exchange(std::move(engine));
}

Result<v1::ScoreResponse> EngineHandle::Score(const v1::ScoreRequest& request,
                                              const ScoreOptions& options) const {
  std::shared_ptr<const Engine> engine = current_.load();
  if (!engine) return FailedPreconditionError("no engine has been installed in this handle");
  return engine->Score(request, options);
}

}  // namespace credence
