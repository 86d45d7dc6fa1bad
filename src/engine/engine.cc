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
#include "decision/compliance.h"
#include "decision/credit_scale.h"
#include "decision/decision_table.h"
#include "explain/reasons.h"
#include "features/feature_plan.h"
#include "io/file.h"
#include "io/ingest.h"
#include "models/model.h"
#include "rules/context.h"
#include "rules/rule_set.h"

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

v1::Outcome OutcomeFromName(const std::string& name) {
  if (name == "APPROVE") return v1::OUTCOME_APPROVE;
  if (name == "REVIEW") return v1::OUTCOME_REVIEW;
  if (name == "REJECT") return v1::OUTCOME_REJECT;
  return v1::OUTCOME_UNSPECIFIED;
}

// A proposed outcome and who proposed it; the strictest proposal decides.
struct Proposal {
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  std::string source;
};

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
  std::vector<models::BundleModel> models;
  // The credit model (index into models), scale and grades; all set or none (bundle.credit).
  int credit_model = -1;
  std::optional<decision::ScoreScale> scale;
  std::optional<decision::GradeScale> grades;
  std::optional<explain::ReasonCatalog> reasons;
  std::optional<rules::RuleSets> rule_sets;
  std::optional<decision::ComplianceScorer> compliance;
  std::vector<decision::DecisionTable> tables;
  // The deciding table (index into tables) and its "outcome" / "limit" outputs; -1 = none.
  int decision_table = -1;
  int outcome_output = -1;
  int limit_output = -1;
  // Whether any rule or table reads the request variables (an activation is needed).
  bool needs_activation = false;
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

  // Models. Model files are read from the bundle's folder and hashed into the digest.
  core::Sha256 sha;
  sha.Update(DeterministicBytes(bundle));
  std::unordered_map<std::string, int> model_index;
  for (int i = 0; i < bundle.models_size(); ++i) {
    const v1::Model& m = bundle.models(i);
    const std::string path = "models[" + std::to_string(i) + "]";
    if (m.id().empty() || !model_index.emplace(m.id(), i).second) {
      return fail(InvalidArgumentError("model ids must be non-empty and unique", at(path + ".id")));
    }
    std::string file_bytes;
    switch (m.kind_case()) {
      case v1::Model::kLogistic:
      case v1::Model::kScorecard:
        break;
      case v1::Model::kTreeEnsemble: {
        auto resolved = io::ResolveInside(impl->options.bundle_dir, m.tree_ensemble().file());
        if (!resolved.ok())
          return fail(resolved.status().WithLocation(at(path + ".tree_ensemble.file")));
        auto bytes = io::ReadFile(*resolved, std::size_t{512} << 20);
        if (!bytes.ok()) {
          return fail(Status(bytes.status().code(),
                             "model '" + m.id() + "': " + std::string(bytes.status().message()),
                             at(path + ".tree_ensemble.file")));
        }
        file_bytes = std::move(bytes).value();
        sha.Update(m.tree_ensemble().file());
        sha.Update(std::string_view("\0", 1));
        sha.Update(file_bytes);
        break;
      }
      case v1::Model::KIND_NOT_SET:
        return fail(InvalidArgumentError("model '" + m.id() + "' has no kind", at(path)));
    }
    auto compiled = models::BundleModel::Compile(m, feature_index, file_bytes, path);
    if (!compiled.ok()) return fail(compiled.status());
    impl->models.push_back(std::move(compiled).value());
  }
  impl->info.digest = "sha256:" + sha.FinishHex();

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
    impl->credit_model = m->second;
    if (!impl->models[static_cast<std::size_t>(m->second)].outputs_probability()) {
      return fail(InvalidArgumentError("credit.model '" + c.model() +
                                           "' does not output a probability (use a logistic "
                                           "model, a scorecard with a scaling or a "
                                           "binary/logistic tree ensemble)",
                                       at("credit.model")));
    }
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

  // Compliance, rules and decision tables.
  std::vector<std::string> compliance_grades;
  if (bundle.has_compliance()) {
    auto scorer = decision::ComplianceScorer::Compile(bundle.compliance());
    if (!scorer.ok()) return fail(scorer.status());
    compliance_grades = scorer->grades();
    impl->compliance = std::move(scorer).value();
  }
  auto env = rules::MakeEnvironment(impl->info.feature_names);
  if (!env.ok()) return fail(env.status());
  {
    auto sets = rules::RuleSets::Compile(bundle.rule_sets(), *env, impl->info.feature_names,
                                         compliance_grades, &map, issues);
    if (!sets.ok()) return sets.status();  // located and recorded already
    impl->rule_sets = std::move(sets).value();
  }
  std::unordered_map<std::string, int> table_index;
  for (int i = 0; i < bundle.decision_tables_size(); ++i) {
    const std::string path = "decision_tables[" + std::to_string(i) + "]";
    auto table =
        decision::DecisionTable::Compile(bundle.decision_tables(i), path, *env, &map, issues);
    if (!table.ok()) return table.status();  // located and recorded already
    if (!table_index.emplace(table->id(), i).second) {
      return fail(InvalidArgumentError("decision table ids must be unique", at(path + ".id")));
    }
    impl->tables.push_back(std::move(table).value());
  }
  if (bundle.has_decision()) {
    auto t = table_index.find(bundle.decision().table());
    if (t == table_index.end()) {
      return fail(InvalidArgumentError(
          "decision.table names unknown decision table '" + bundle.decision().table() + "'",
          at("decision.table")));
    }
    const decision::DecisionTable& table = impl->tables[static_cast<std::size_t>(t->second)];
    const auto policy = table.hit_policy();
    if (policy != v1::DECISION_HIT_POLICY_UNIQUE && policy != v1::DECISION_HIT_POLICY_FIRST &&
        policy != v1::DECISION_HIT_POLICY_PRIORITY && policy != v1::DECISION_HIT_POLICY_ANY) {
      return fail(
          InvalidArgumentError("the deciding table must have a single-result hit policy "
                               "(UNIQUE, FIRST, PRIORITY or ANY)",
                               at("decision.table")));
    }
    impl->decision_table = t->second;
    impl->outcome_output = table.OutputIndex("outcome");
    impl->limit_output = table.OutputIndex("limit");
    if (impl->outcome_output < 0) {
      return fail(InvalidArgumentError("the deciding table needs an output named \"outcome\"",
                                       at("decision.table")));
    }
    for (const expr::Value& v : table.OutputValues(impl->outcome_output)) {
      if (!v.is_string() || OutcomeFromName(v.string_value()) == v1::OUTCOME_UNSPECIFIED) {
        return fail(InvalidArgumentError(
            "outcome outputs must be \"APPROVE\", \"REVIEW\" or \"REJECT\", not " +
                decision::FormatLiteral(v),
            at("decision_tables[" + std::to_string(t->second) + "].rows")));
      }
    }
    if (impl->limit_output >= 0) {
      for (const expr::Value& v : table.OutputValues(impl->limit_output)) {
        if (!(v.is_double() || v.is_int() || v.is_uint())) {
          return fail(InvalidArgumentError(
              "limit outputs must be numbers, not " + decision::FormatLiteral(v),
              at("decision_tables[" + std::to_string(t->second) + "].rows")));
        }
      }
    }
  }
  impl->needs_activation = impl->rule_sets->rule_count() > 0 || !impl->tables.empty();

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

  // Proposals for the decision, in order of precedence on ties: table, rules, grade.
  std::vector<Proposal> proposals;
  std::int64_t limit_minor = 0;  // from the grade band unless the table gives one
  bool table_limit = false;

  // Credit.
  if (e.credit_model >= 0) {
    const models::BundleModel& model = e.models[static_cast<std::size_t>(e.credit_model)];
    models::ModelOutput out;
    std::vector<std::string> strings;  // enterprise fields a scorecard reads
    for (const std::string& f : model.string_fields()) {
      strings.push_back(models::EnterpriseField(request.enterprise(), f));
    }
    model.Predict(values, e.info.feature_names, out, strings);
    v1::CreditResult* credit = response.mutable_credit();
    credit->set_model_id(model.id());
    credit->set_available(out.available);
    if (out.available) {
      credit->set_pd(out.probability);
      credit->set_margin(out.margin);
      credit->set_score(e.scale->ScoreFromMargin(out.margin));
      const v1::GradeBand& band = e.grades->Band(out.probability);
      credit->set_grade(band.grade());
      if (model.scorecard() != nullptr) {
        std::vector<explain::ReasonCandidate> candidates;
        for (const models::ReasonCandidate& c : out.reason_candidates) {
          candidates.push_back({c.code, c.input, c.value, c.weight});
        }
        e.reasons->TopAdverse(candidates, max_reasons, model.id(), response.mutable_reasons());
      } else {
        e.reasons->TopAdverse(out.contributions, values, max_reasons, model.id(),
                              response.mutable_reasons());
      }
      limit_minor = band.limit_minor_units();
    } else {
      credit->set_unavailable_reason(out.unavailable_reason);
      response.add_warnings("credit model '" + model.id() +
                            "' produced no PD: " + out.unavailable_reason);
    }
  }

  // Rules, compliance, decision tables.
  if (e.needs_activation || e.compliance) {
    expr::Activation activation;
    activation.set_features(values);
    rules::BindRequest(request, activation);
    rules::BindCredit(response.credit(), activation);
    e.rule_sets->Evaluate(values, activation, response.mutable_rule_hits());
    for (const v1::RuleHit& h : response.rule_hits()) {
      if (h.errored()) {
        response.add_warnings("rule " + h.rule_set() + "/" + h.rule_id() +
                              " could not be evaluated: " + h.error());
      }
    }
    rules::BindFlags(response.rule_hits(), activation);
    if (e.compliance) *response.mutable_compliance() = e.compliance->Score(response.rule_hits());
    rules::BindCompliance(response.compliance(), activation);
    for (std::size_t t = 0; t < e.tables.size(); ++t) {
      decision::TableOutcome outcome = e.tables[t].Evaluate(activation);
      if (static_cast<int>(t) == e.decision_table) {
        const std::string source = "decision_table:" + e.tables[t].id();
        if (outcome.result.errored()) {
          proposals.push_back({v1::OUTCOME_REVIEW, source});
          response.add_warnings("decision table '" + e.tables[t].id() +
                                "' could not decide: " + outcome.result.error());
        } else {
          const expr::Value& o = outcome.values[static_cast<std::size_t>(e.outcome_output)];
          proposals.push_back({OutcomeFromName(o.string_value()), source});
          if (e.limit_output >= 0) {
            const expr::Value& l = outcome.values[static_cast<std::size_t>(e.limit_output)];
            const double major = l.is_double() ? l.double_value()
                                 : l.is_int()  ? static_cast<double>(l.int_value())
                                               : static_cast<double>(l.uint_value());
            double scale = 1;
            for (int k = 0; k < e.fx->base_exponent(); ++k) scale *= 10;
            limit_minor = static_cast<std::int64_t>(std::llround(std::max(0.0, major) * scale));
            table_limit = true;
          }
        }
      }
      *response.add_decision_tables() = std::move(outcome.result);
    }
    for (const v1::RuleHit& h : response.rule_hits()) {
      if (!h.errored() && h.outcome() != v1::OUTCOME_UNSPECIFIED) {
        proposals.push_back({h.outcome(), "rule:" + h.rule_set() + "/" + h.rule_id()});
      }
    }
  }
  if (e.credit_model >= 0) {
    const v1::CreditResult& credit = response.credit();
    if (credit.available()) {
      const v1::GradeBand& band = e.grades->Band(credit.pd());
      proposals.push_back(
          {band.outcome() == v1::OUTCOME_UNSPECIFIED ? v1::OUTCOME_REVIEW : band.outcome(),
           "grade_scale:" + e.grades->id() + "/" + band.grade()});
    } else {
      proposals.push_back({v1::OUTCOME_REVIEW, "credit_unavailable"});
    }
  }

  // Decision: the strictest proposal; the first of equals.
  v1::Decision* decision = response.mutable_decision();
  const Proposal* chosen = nullptr;
  for (const Proposal& p : proposals) {
    if (chosen == nullptr || p.outcome > chosen->outcome) chosen = &p;
  }
  if (chosen == nullptr) {
    decision->set_outcome(v1::OUTCOME_REVIEW);
    decision->set_source("no_decision");
  } else {
    decision->set_outcome(chosen->outcome);
    decision->set_source(chosen->source);
  }
  if (decision->outcome() == v1::OUTCOME_APPROVE && limit_minor > 0 &&
      (table_limit || e.credit_model >= 0)) {
    decision->mutable_limit()->set_currency_code(e.info.base_currency);
    decision->mutable_limit()->set_minor_units(limit_minor);
  }
  for (const v1::RuleHit& h : response.rule_hits()) {
    if (!h.errored() && !h.reason_code().empty() &&
        std::find(decision->reason_codes().begin(), decision->reason_codes().end(),
                  h.reason_code()) == decision->reason_codes().end()) {
      decision->add_reason_codes(h.reason_code());
    }
  }
  for (const v1::Reason& r : response.reasons()) decision->add_reason_codes(r.code());

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
