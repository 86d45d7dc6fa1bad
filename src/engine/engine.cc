// Engine: compiles a bundle into an immutable scorer and runs the pipeline
// ingest → features → models → decision → explanations → audit. Each section of the bundle
// is compiled by one named step of Engine::Impl, and each stage of scoring is one named step
// too; decision::Decider decides the outcome from the proposals the stages make.
#include "credence/engine.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>

#include "core/sha256.h"
#include "credence/thread_pool.h"
#include "credence/version.h"
#include "customs/lifecycle.h"
#include "decision/compliance.h"
#include "decision/credit_scale.h"
#include "decision/decider.h"
#include "decision/decision_table.h"
#include "decision/limit_policy.h"
#include "engine/scoring.h"
#include "engine/screening.h"
#include "engine/shadow_models.h"
#include "explain/decision_reasons.h"
#include "explain/reasons.h"
#include "features/feature_plan.h"
#include "io/file.h"
#include "io/ingest.h"
#include "io/proto_bytes.h"
#include "models/model.h"
#include "rules/context.h"
#include "rules/rule_set.h"

namespace credence {

std::string_view Version() noexcept { return CREDENCE_VERSION_STRING; }

namespace {

constexpr int kMaxReasonCodes = 64;

bool ValidBundleName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

SourceLocation At(std::string path) { return SourceLocation{.field_path = std::move(path)}; }

std::string Indexed(const char* field, int i) {
  return std::string(field) + "[" + std::to_string(i) + "]";
}

// What the steps of one Engine::Compile share: the bundle, where its text came from, the
// caller's issue list and the ids each step resolves for later ones.
struct CompileScope {
  const v1::Bundle& bundle;
  const BundleSourceMap& map;
  std::vector<Issue>* issues;
  std::unordered_map<std::string, int> model_index, scale_index, table_index;

  // Every error goes through here: located in the bundle's source, recorded as an issue.
  Status Fail(const Status& s) const {
    Status located = s;
    if (const SourceLocation* where = s.location();
        where != nullptr && !where->field_path.empty() && where->line == 0) {
      located = s.WithLocation(map.Locate(where->field_path));
    } else if (where == nullptr && !map.file().empty()) {
      located = s.WithLocation({.file = map.file()});
    }
    if (issues != nullptr) issues->push_back({Issue::Severity::kError, located});
    return located;
  }
};

// A table's limit output as a number of major units. REQUIRES: checked numeric at compile.
double LimitMajor(const expr::Value& l) {
  return l.is_double() ? l.double_value()
         : l.is_int()  ? static_cast<double>(l.int_value())
                       : static_cast<double>(l.uint_value());
}

}  // namespace

// Hidden: the members are not part of the ABI even though Engine is exported.
struct [[gnu::visibility("hidden")]] Engine::Impl {
  BundleInfo info;
  CompileOptions options;
  std::optional<io::FxTable> fx;
  std::optional<features::FeaturePlan> plan;
  std::vector<models::BundleModel> models;
  // The credit model (index into models), scale and grades; all set or none (bundle.credit).
  int credit_model = -1;
  std::optional<decision::ScoreScale> scale;
  std::optional<decision::GradeScale> grades;
  std::optional<explain::ReasonCatalog> reasons;
  std::optional<rules::RuleSets> rule_sets;
  std::optional<decision::ComplianceScorer> compliance;
  // The customs credit lifecycle (compliance.lifecycle); unset when the bundle has none.
  std::optional<customs::CreditLifecycle> lifecycle;
  std::vector<decision::DecisionTable> tables;
  // The deciding table (index into tables) and its "outcome" / "limit" outputs; -1 = none.
  int decision_table = -1;
  int outcome_output = -1;
  int limit_output = -1;
  // Whether any rule or table reads the request variables (an activation is needed).
  bool needs_activation = false;
  // Shadow models, champion/challenger and governance; the limit policy; explanations.
  std::optional<engine_internal::ShadowModels> shadows;
  std::optional<decision::LimitPolicy> limit_policy;
  v1::ExplanationConfig explanation;
  // Screening (screening.h) and the list files it read, hashed into the digest.
  std::unique_ptr<internal::Screening> screening;
  std::vector<std::pair<std::string, std::string>> screening_files;

  // Compile steps, in order. Each returns the first error, located and recorded.
  Status CompileMetadataAndCurrency(const CompileScope& scope);
  Status CompileFeatures(const CompileScope& scope);
  Status CompileScreening(const CompileScope& scope);  // lists, screening rules and policy
  Status CompileModels(CompileScope & scope);          // and the digest
  Status CompileGradeScales(CompileScope & scope);
  Status CompileCredit(const CompileScope& scope);
  Status CompileReasons(const CompileScope& scope);
  Status CompileRulesAndTables(CompileScope & scope);  // compliance, rule sets, tables
  Status CompileDecision(const CompileScope& scope);
  Status CompileGovernance(const CompileScope& scope);  // shadows, explanation

  // Scoring after ingest: the steps below, in order, into `response` (empty or cleared).
  void ScoreIngested(const v1::ScoreRequest& request, io::IngestedRequest& in,
                     const ScoreOptions& score, v1::ScoreResponse& response) const;

  // Score steps after ingest and features, in order.
  void ScoreCredit(const v1::ScoreRequest& request, std::span<const double> values, int max_reasons,
                   int model_index, v1::ScoreResponse& response) const;
  void EvaluateRulesAndTables(const v1::ScoreRequest& request, const io::IngestedRequest& in,
                              std::span<const double> values, v1::ScoreResponse& response,
                              decision::Decider& decider) const;
  void ScoreCompliance(const v1::ScoreRequest& request, const io::IngestedRequest& in,
                       v1::ScoreResponse& response) const;
  void Decide(decision::Decider & decider, v1::ScoreResponse & response) const;
  void AddFeatures(std::span<const double> values, v1::ScoreResponse & response) const;
  void AddAudit(const v1::ScoreRequest& request, v1::ScoreResponse& response) const;
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
  CompileScope scope{loaded.bundle, loaded.source_map, issues, {}, {}, {}};
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.bundle_dir.empty()) impl->options.bundle_dir = loaded.directory;
  CREDENCE_RETURN_IF_ERROR(impl->CompileMetadataAndCurrency(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileFeatures(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileScreening(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileModels(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileGradeScales(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileCredit(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileReasons(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileRulesAndTables(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileDecision(scope));
  CREDENCE_RETURN_IF_ERROR(impl->CompileGovernance(scope));
  impl->needs_activation =
      impl->rule_sets->rule_count() > 0 || !impl->tables.empty() || impl->limit_policy.has_value();
  return std::shared_ptr<const Engine>(new Engine(std::move(impl)));
}

Status Engine::Impl::CompileMetadataAndCurrency(const CompileScope& scope) {
  const v1::Bundle& bundle = scope.bundle;
  if (!ValidBundleName(bundle.metadata().name())) {
    return scope.Fail(InvalidArgumentError("metadata.name must match [A-Za-z0-9_.-]{1,128}",
                                           At("metadata.name")));
  }
  info.name = bundle.metadata().name();
  info.version = bundle.metadata().version();
  auto table = io::FxTable::Build(bundle.base_currency(), bundle.fx_rates(), "fx_rates");
  if (!table.ok()) {
    Status s = table.status();
    if (s.location() == nullptr) s = s.WithLocation(At("base_currency"));
    return scope.Fail(s);
  }
  info.base_currency = bundle.base_currency();
  fx = std::move(table).value();
  return Status();
}

// Errors are located and recorded by FeaturePlan::Compile itself.
Status Engine::Impl::CompileFeatures(const CompileScope& scope) {
  std::vector<Issue> feature_issues;
  auto compiled = features::FeaturePlan::Compile(scope.bundle.features(), fx->base_exponent(),
                                                 options.max_features, &scope.map, &feature_issues);
  if (scope.issues != nullptr) {
    scope.issues->insert(scope.issues->end(), feature_issues.begin(), feature_issues.end());
  }
  if (!compiled.ok()) return compiled.status();
  plan = std::move(compiled).value();
  info.feature_names = plan->names();
  return Status();
}

// Model files are read from the bundle's folder and hashed into the digest.
Status Engine::Impl::CompileModels(CompileScope& scope) {
  const v1::Bundle& bundle = scope.bundle;
  const features::FeaturePlan& feature_plan = *plan;
  auto feature_index = [&feature_plan](std::string_view name) { return feature_plan.Find(name); };
  core::Sha256 sha;
  sha.Update(io::DeterministicBytes(bundle));
  for (int i = 0; i < bundle.models_size(); ++i) {
    const v1::Model& m = bundle.models(i);
    const std::string path = Indexed("models", i);
    if (m.id().empty() || !scope.model_index.emplace(m.id(), i).second) {
      return scope.Fail(
          InvalidArgumentError("model ids must be non-empty and unique", At(path + ".id")));
    }
    std::string file_bytes;
    switch (m.kind_case()) {
      case v1::Model::kLogistic:
      case v1::Model::kScorecard:
        break;
      case v1::Model::kTreeEnsemble: {
        auto resolved = io::ResolveInside(options.bundle_dir, m.tree_ensemble().file());
        if (!resolved.ok())
          return scope.Fail(resolved.status().WithLocation(At(path + ".tree_ensemble.file")));
        auto bytes = io::ReadFile(*resolved, std::size_t{512} << 20);
        if (!bytes.ok()) {
          return scope.Fail(
              Status(bytes.status().code(),
                     "model '" + m.id() + "': " + std::string(bytes.status().message()),
                     At(path + ".tree_ensemble.file")));
        }
        file_bytes = std::move(bytes).value();
        sha.Update(m.tree_ensemble().file());
        sha.Update(std::string_view("\0", 1));
        sha.Update(file_bytes);
        break;
      }
      case v1::Model::KIND_NOT_SET:
        return scope.Fail(InvalidArgumentError("model '" + m.id() + "' has no kind", At(path)));
    }
    auto compiled = models::BundleModel::Compile(m, feature_index, file_bytes, path);
    if (!compiled.ok()) return scope.Fail(compiled.status());
    models.push_back(std::move(compiled).value());
  }
  for (const auto& [file, bytes] : screening_files) {  // list files, as model files
    sha.Update(file);
    sha.Update(std::string_view("\0", 1));
    sha.Update(bytes);
  }
  info.digest = "sha256:" + sha.FinishHex();
  return Status();
}

// Errors are located and recorded by Screening::Compile itself.
Status Engine::Impl::CompileScreening(const CompileScope& scope) {
  const internal::ScreeningInputs in{scope.bundle, scope.map, scope.issues, options.bundle_dir,
                                     *fx,          *plan,     info,         options.request_limits};
  auto compiled = internal::Screening::Compile(in, &screening_files);
  if (!compiled.ok()) return compiled.status();
  screening = std::move(compiled).value();
  return Status();
}

// Every grade scale is checked, used by the credit section or not.
Status Engine::Impl::CompileGradeScales(CompileScope& scope) {
  for (int i = 0; i < scope.bundle.grade_scales_size(); ++i) {
    const std::string path = Indexed("grade_scales", i);
    const v1::GradeScale& g = scope.bundle.grade_scales(i);
    if (g.id().empty() || !scope.scale_index.emplace(g.id(), i).second) {
      return scope.Fail(
          InvalidArgumentError("grade scale ids must be non-empty and unique", At(path + ".id")));
    }
    auto compiled = decision::GradeScale::Compile(g, path);
    if (!compiled.ok()) return scope.Fail(compiled.status());
  }
  return Status();
}

Status Engine::Impl::CompileCredit(const CompileScope& scope) {
  if (!scope.bundle.has_credit()) return Status();
  const v1::CreditConfig& c = scope.bundle.credit();
  auto m = scope.model_index.find(c.model());
  if (m == scope.model_index.end()) {
    return scope.Fail(InvalidArgumentError("credit.model names unknown model '" + c.model() + "'",
                                           At("credit.model")));
  }
  credit_model = m->second;
  if (!models[static_cast<std::size_t>(m->second)].outputs_probability()) {
    return scope.Fail(InvalidArgumentError("credit.model '" + c.model() +
                                               "' does not output a probability (use a logistic "
                                               "model, a scorecard with a scaling or a "
                                               "binary/logistic tree ensemble)",
                                           At("credit.model")));
  }
  if (!c.has_scaling()) {
    return scope.Fail(InvalidArgumentError("credit.scaling is required", At("credit")));
  }
  auto compiled_scale = decision::ScoreScale::Compile(c.scaling(), "credit.scaling");
  if (!compiled_scale.ok()) return scope.Fail(compiled_scale.status());
  scale = std::move(compiled_scale).value();
  auto g = scope.scale_index.find(c.grade_scale());
  if (g == scope.scale_index.end()) {
    return scope.Fail(InvalidArgumentError(
        "credit.grade_scale names unknown grade scale '" + c.grade_scale() + "'",
        At("credit.grade_scale")));
  }
  auto compiled_grades = decision::GradeScale::Compile(scope.bundle.grade_scales(g->second),
                                                       Indexed("grade_scales", g->second));
  if (!compiled_grades.ok()) return scope.Fail(compiled_grades.status());
  grades = std::move(compiled_grades).value();
  return Status();
}

Status Engine::Impl::CompileReasons(const CompileScope& scope) {
  auto catalog = explain::ReasonCatalog::Compile(scope.bundle.reason_codes(), info.feature_names,
                                                 &scope.bundle.features());
  if (!catalog.ok()) return scope.Fail(catalog.status());
  reasons = std::move(catalog).value();
  return Status();
}

// Rule sets and tables locate and record their own errors.
Status Engine::Impl::CompileRulesAndTables(CompileScope& scope) {
  const v1::Bundle& bundle = scope.bundle;
  std::vector<std::string> compliance_grades;
  if (bundle.has_compliance()) {
    auto scorer = decision::ComplianceScorer::Compile(bundle.compliance());
    if (!scorer.ok()) return scope.Fail(scorer.status());
    compliance_grades = scorer->grades();
    compliance = std::move(scorer).value();
    if (bundle.compliance().has_lifecycle()) {
      auto compiled = customs::CreditLifecycle::Compile(bundle.compliance().lifecycle(),
                                                        compliance_grades, "compliance.lifecycle");
      if (!compiled.ok()) return scope.Fail(compiled.status());
      lifecycle = std::move(compiled).value();
    }
  }
  auto env = rules::MakeEnvironment(info.feature_names);
  if (!env.ok()) return scope.Fail(env.status());
  auto sets = rules::RuleSets::Compile(bundle.rule_sets(), *env, info.feature_names,
                                       compliance_grades, &scope.map, scope.issues);
  if (!sets.ok()) return sets.status();
  rule_sets = std::move(sets).value();
  for (int i = 0; i < bundle.decision_tables_size(); ++i) {
    const std::string path = Indexed("decision_tables", i);
    auto table = decision::DecisionTable::Compile(bundle.decision_tables(i), path, *env, &scope.map,
                                                  scope.issues);
    if (!table.ok()) return table.status();
    if (!scope.table_index.emplace(table->id(), i).second) {
      return scope.Fail(
          InvalidArgumentError("decision table ids must be unique", At(path + ".id")));
    }
    tables.push_back(std::move(table).value());
  }
  return Status();
}

// The deciding table: a single-result hit policy, an "outcome" output of outcome names and
// an optional numeric "limit" output.
Status Engine::Impl::CompileDecision(const CompileScope& scope) {
  if (!scope.bundle.has_decision()) return Status();
  auto t = scope.table_index.find(scope.bundle.decision().table());
  if (t == scope.table_index.end()) {
    return scope.Fail(InvalidArgumentError(
        "decision.table names unknown decision table '" + scope.bundle.decision().table() + "'",
        At("decision.table")));
  }
  const auto& table = tables[static_cast<std::size_t>(t->second)];
  const auto policy = table.hit_policy();
  if (policy != v1::DECISION_HIT_POLICY_UNIQUE && policy != v1::DECISION_HIT_POLICY_FIRST &&
      policy != v1::DECISION_HIT_POLICY_PRIORITY && policy != v1::DECISION_HIT_POLICY_ANY) {
    return scope.Fail(InvalidArgumentError(
        "the deciding table must have a single-result hit policy (UNIQUE, FIRST, PRIORITY or ANY)",
        At("decision.table")));
  }
  decision_table = t->second;
  outcome_output = table.OutputIndex("outcome");
  limit_output = table.OutputIndex("limit");
  if (outcome_output < 0) {
    return scope.Fail(InvalidArgumentError("the deciding table needs an output named \"outcome\"",
                                           At("decision.table")));
  }
  const std::string rows = Indexed("decision_tables", t->second) + ".rows";
  for (const decision::OutputEntry& e : table.OutputEntries(outcome_output)) {
    if (!e.literal) {
      return scope.Fail(InvalidArgumentError(
          "outcome outputs must be literals, not the expression '" + e.source + "'", At(rows)));
    }
  }
  for (const expr::Value& v : table.OutputValues(outcome_output)) {
    if (!v.is_string() || decision::OutcomeFromName(v.string_value()) == v1::OUTCOME_UNSPECIFIED) {
      return scope.Fail(InvalidArgumentError(
          "outcome outputs must be \"APPROVE\", \"REVIEW\" or \"REJECT\", not " +
              decision::FormatLiteral(v),
          At(rows)));
    }
  }
  if (limit_output >= 0) {
    for (const decision::OutputEntry& e : table.OutputEntries(limit_output)) {
      const expr::Type& type = e.type;
      if (!(type == expr::Type::Double() || type == expr::Type::Int() ||
            type == expr::Type::Uint())) {
        return scope.Fail(InvalidArgumentError(
            "limit outputs must be numbers, not '" + e.source + "' of type " + type.ToString(),
            At(rows)));
      }
    }
  }
  if (scope.bundle.decision().limit_cap().empty()) return Status();
  auto env = rules::MakeEnvironment(info.feature_names);
  if (!env.ok()) return scope.Fail(env.status());
  auto cap = decision::LimitPolicy::Compile(scope.bundle.decision().limit_cap(), *env,
                                            "decision.limit_cap");
  if (!cap.ok()) return scope.Fail(cap.status());
  limit_policy = std::move(cap).value();
  return Status();
}

Status Engine::Impl::CompileGovernance(const CompileScope& scope) {
  auto compiled =
      engine_internal::ShadowModels::Compile(scope.bundle, scope.model_index, models, credit_model);
  if (!compiled.ok()) return scope.Fail(compiled.status());
  shadows = std::move(compiled).value();
  explanation = scope.bundle.explanation();
  if (explanation.max_decision_reasons() < 0 ||
      explanation.max_decision_reasons() > explain::kMaxDecisionReasons) {
    return scope.Fail(InvalidArgumentError("explanation.max_decision_reasons must be in [0, 4]",
                                           At("explanation.max_decision_reasons")));
  }
  return Status();
}

Result<FeatureVector> Engine::ComputeFeatures(const v1::ScoreRequest& request) const {
  CREDENCE_ASSIGN_OR_RETURN(io::IngestedRequest in,
                            io::Ingest(request, *impl_->fx, impl_->options.request_limits));
  FeatureVector out;
  out.values.assign(impl_->plan->size(), 0.0);
  impl_->plan->Evaluate(in, out.values);
  return out;
}

Result<v1::ScreenResponse> Engine::Screen(const v1::ScreenRequest& request,
                                          EnterpriseState& state) const {
  return impl_->screening->Screen(request, state);
}

Result<EnterpriseState> Engine::BuildState(const v1::ScoreRequest& request) const {
  return impl_->screening->BuildState(request);
}

Result<EnterpriseState> Engine::LoadState(std::string_view bytes) const {
  return impl_->screening->LoadState(bytes);
}

Result<FeatureVector> Engine::StateFeatures(const EnterpriseState& state) const {
  return impl_->screening->StateFeatures(state);
}

Result<v1::ScoreResponse> Engine::Score(const v1::ScoreRequest& request,
                                        const ScoreOptions& options) const {
  CREDENCE_ASSIGN_OR_RETURN(io::IngestedRequest in,
                            io::Ingest(request, *impl_->fx, impl_->options.request_limits));
  v1::ScoreResponse response;
  impl_->ScoreIngested(request, in, options, response);
  return response;
}

// Everything after ingest. `request` may lack its events (the request readers leave them
// out): the stages read the event table.
void Engine::Impl::ScoreIngested(const v1::ScoreRequest& request, io::IngestedRequest& in,
                                 const ScoreOptions& score, v1::ScoreResponse& response) const {
  const Impl& e = *this;
  std::vector<double> values(e.plan->size());
  e.plan->Evaluate(in, values);

  response.set_request_id(request.request_id());
  response.set_enterprise_id(request.enterprise().id());
  *response.mutable_ingest() = std::move(in.summary);
  const int max_reasons =
      std::clamp(request.options().max_reason_codes() > 0 ? request.options().max_reason_codes()
                                                          : score.max_reason_codes,
                 0, kMaxReasonCodes);
  const int deciding =
      e.credit_model < 0 ? -1 : e.shadows->Assign(request, response.mutable_audit());
  e.ScoreCredit(request, values, max_reasons, deciding, response);
  if (deciding >= 0) {
    e.shadows->Score(request, values, e.info.feature_names, deciding, e.models, *e.scale, *e.grades,
                     &response);
  }
  decision::Decider decider(e.info.base_currency, e.fx->base_exponent());
  if (e.needs_activation || e.compliance) {
    e.EvaluateRulesAndTables(request, in, values, response, decider);
  }
  e.Decide(decider, response);
  if (score.include_features || request.options().include_features()) {
    e.AddFeatures(values, response);
  }
  e.AddAudit(request, response);
}

// The credit model's PD, margin, score, grade and top adverse reasons.
void Engine::Impl::ScoreCredit(const v1::ScoreRequest& request, std::span<const double> values,
                               int max_reasons, int model_index,
                               v1::ScoreResponse& response) const {
  if (model_index < 0) return;
  const models::BundleModel& model = models[static_cast<std::size_t>(model_index)];
  models::ModelOutput out;
  std::vector<std::string> strings;  // enterprise fields a scorecard reads
  for (const std::string& f : model.string_fields()) {
    strings.push_back(models::EnterpriseField(request.enterprise(), f));
  }
  model.Predict(values, info.feature_names, out, strings);
  v1::CreditResult* credit = response.mutable_credit();
  credit->set_model_id(model.id());
  credit->set_available(out.available);
  if (!out.available) {
    credit->set_unavailable_reason(out.unavailable_reason);
    response.add_warnings("credit model '" + model.id() +
                          "' produced no PD: " + out.unavailable_reason);
    return;
  }
  credit->set_pd(out.probability);
  credit->set_margin(out.margin);
  credit->set_score(scale->ScoreFromMargin(out.margin));
  credit->set_grade(grades->Band(out.probability).grade());
  if (model.scorecard() != nullptr) {
    std::vector<explain::ReasonCandidate> candidates;
    for (const models::ReasonCandidate& c : out.reason_candidates) {
      candidates.push_back({c.code, c.input, c.value, c.weight, c.reason_threshold});
    }
    reasons->TopAdverse(candidates, values, max_reasons, model.id(), response.mutable_reasons());
  } else {
    reasons->TopAdverse(out.contributions, values, max_reasons, model.id(),
                        response.mutable_reasons());
  }
}

// Rule sets, the compliance score and every decision table, over one activation; the
// deciding table and the rule hits propose outcomes.
void Engine::Impl::EvaluateRulesAndTables(const v1::ScoreRequest& request,
                                          const io::IngestedRequest& in,
                                          std::span<const double> values,
                                          v1::ScoreResponse& response,
                                          decision::Decider& decider) const {
  expr::Activation activation;
  activation.set_features(values);
  rules::BindRequest(request, activation);
  rules::BindCredit(response.credit(), activation);
  rule_sets->Evaluate(values, activation, response.mutable_rule_hits());
  for (const v1::RuleHit& h : response.rule_hits()) {
    if (h.errored()) {
      response.add_warnings("rule " + h.rule_set() + "/" + h.rule_id() +
                            " could not be evaluated: " + h.error());
    }
  }
  rules::BindFlags(response.rule_hits(), activation);
  if (compliance) ScoreCompliance(request, in, response);
  rules::BindCompliance(response.compliance(), activation);
  for (std::size_t t = 0; t < tables.size(); ++t) {
    decision::TableOutcome outcome = tables[t].Evaluate(activation);
    if (static_cast<int>(t) == decision_table) {
      if (outcome.result.errored()) {
        decider.ProposeTableError(tables[t].id());
        response.add_warnings("decision table '" + tables[t].id() +
                              "' could not decide: " + outcome.result.error());
      } else {
        const expr::Value& o = outcome.values[static_cast<std::size_t>(outcome_output)];
        std::optional<double> limit;
        if (limit_output >= 0) {
          limit = LimitMajor(outcome.values[static_cast<std::size_t>(limit_output)]);
        }
        decider.ProposeTable(tables[t].id(), decision::OutcomeFromName(o.string_value()), limit);
      }
    }
    *response.add_decision_tables() = std::move(outcome.result);
  }
  for (const v1::RuleHit& h : response.rule_hits()) decider.ProposeRule(h);
  if (limit_policy) {
    if (std::string why = limit_policy->Apply(activation, decider); !why.empty()) {
      response.add_warnings("the limit cap could not be evaluated, so no limit is given: " + why);
    }
  }
}

// The compliance score and grade: rule hits, the credit lifecycle's dishonest information
// and the official customs grade (decision/compliance.h, customs/lifecycle.h).
void Engine::Impl::ScoreCompliance(const v1::ScoreRequest& request, const io::IngestedRequest& in,
                                   v1::ScoreResponse& response) const {
  std::vector<v1::CreditInformation> information;
  if (lifecycle) information = lifecycle->Evaluate(in.events, in.as_of);
  decision::ComplianceFacts facts{information, &request.enterprise().customs_grade(),
                                  request.as_of()};
  *response.mutable_compliance() = compliance->Score(response.rule_hits(), facts);
  for (v1::CreditInformation& item : information) {
    *response.mutable_compliance()->add_information() = std::move(item);
  }
}

// The credit grade band proposes last; then the decision and its reason codes
// (explain::FinishReasons: ranked, at most four, none on an approval).
void Engine::Impl::Decide(decision::Decider& decider, v1::ScoreResponse& response) const {
  if (credit_model >= 0) {
    const v1::CreditResult& credit = response.credit();
    if (credit.available()) {
      decider.ProposeGrade(grades->id(), grades->Band(credit.pd()));
    } else {
      decider.ProposeCreditUnavailable();
    }
  }
  v1::Decision* decision = response.mutable_decision();
  decider.Decide(decision);
  explain::FinishReasons(explanation, &response);
}

void Engine::Impl::AddFeatures(std::span<const double> values, v1::ScoreResponse& response) const {
  for (std::size_t i = 0; i < values.size(); ++i) {
    v1::FeatureValue* f = response.add_features();
    f->set_name(info.feature_names[i]);
    f->set_value(values[i]);
    f->set_missing(std::isnan(values[i]));
  }
}

void Engine::Impl::AddAudit(const v1::ScoreRequest& request, v1::ScoreResponse& response) const {
  v1::Audit* audit = response.mutable_audit();
  audit->set_engine_version(std::string(Version()));
  audit->set_bundle_name(info.name);
  audit->set_bundle_version(info.version);
  audit->set_bundle_digest(info.digest);
  *audit->mutable_as_of() = request.as_of();
  if (const v1::ModelGovernance* g = shadows->Governance(response.credit().model_id())) {
    *audit->mutable_model_governance() = *g;
  }
}

std::vector<Result<v1::ScoreResponse>> Engine::ScoreBatch(
    std::span<const v1::ScoreRequest> requests, const ScoreOptions& options,
    const BatchOptions& batch) const {
  std::vector<std::optional<Result<v1::ScoreResponse>>> slots(requests.size());
  const Status run = ParallelFor(batch, requests.size(), [&](std::size_t i) {
    slots[i].emplace(Score(requests[i], options));
  });
  std::vector<Result<v1::ScoreResponse>> results;
  results.reserve(slots.size());
  for (auto& s : slots)
    results.push_back(run.ok() ? std::move(*s) : Result<v1::ScoreResponse>(run));
  return results;
}

namespace internal {

struct EngineAccess {
  static const Engine::Impl& Of(const Engine& engine) { return *engine.impl_; }
};

const io::FxTable& BundleFx(const Engine& engine) { return *EngineAccess::Of(engine).fx; }

const RequestLimits& EngineRequestLimits(const Engine& engine) {
  return EngineAccess::Of(engine).options.request_limits;
}

void ScoreIngested(const Engine& engine, const v1::ScoreRequest& header, io::IngestedRequest& in,
                   const ScoreOptions& options, v1::ScoreResponse& response) {
  EngineAccess::Of(engine).ScoreIngested(header, in, options, response);
}

}  // namespace internal

EngineHandle::EngineHandle(std::shared_ptr<const Engine> engine) : current_(std::move(engine)) {}

std::shared_ptr<const Engine> EngineHandle::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::shared_ptr<const Engine> EngineHandle::Swap(std::shared_ptr<const Engine> engine) {
  std::lock_guard<std::mutex> lock(mu_);
  current_.swap(engine);
  return engine;  // the previous engine, released by the caller outside the lock
}

Result<v1::ScoreResponse> EngineHandle::Score(const v1::ScoreRequest& request,
                                              const ScoreOptions& options) const {
  std::shared_ptr<const Engine> engine = Get();
  if (!engine) return FailedPreconditionError("no engine has been installed in this handle");
  return engine->Score(request, options);
}

}  // namespace credence
