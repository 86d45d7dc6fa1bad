// Screening inside the engine: compiling lists and the screening section, and the steps of
// screening one event. See screening.h and docs/screening.md.
#include "engine/screening.h"

#include <google/protobuf/arena.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/sha256.h"
#include "core/utf8.h"
#include "credence/version.h"
#include "engine/same_enterprise.h"
#include "expr/analysis.h"
#include "expr/parser.h"
#include "io/file.h"
#include "io/proto_bytes.h"
#include "rules/context.h"

namespace credence::internal {
namespace {

constexpr std::size_t kMaxListFileBytes = std::size_t{64} << 20;
constexpr std::size_t kMaxListValues = 1'000'000;

bool ValidListName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  return ok;
}

// The values of a list file: one per line, trimmed; blank lines and '#' comments skipped.
Status ParseListFile(const std::string& bytes, const std::string& file,
                     std::vector<std::string>& out) {
  std::size_t line_no = 0, begin = 0;
  while (begin <= bytes.size()) {
    std::size_t end = bytes.find('\n', begin);
    if (end == std::string::npos) end = bytes.size();
    ++line_no;
    std::string_view line(bytes.data() + begin, end - begin);
    begin = end + 1;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    if (!core::IsValidUtf8(line)) {
      return InvalidArgumentError("invalid UTF-8",
                                  {.file = file, .line = static_cast<int>(line_no)});
    }
    out.emplace_back(line);
  }
  return OkStatus();
}

// "events[0].x" -> "event.x": errors of the one-event ingest point at the request's field.
Status AtEvent(const Status& s) {
  const SourceLocation* where = s.location();
  if (where == nullptr) return s;
  SourceLocation moved = *where;
  moved.event_index = -1;
  if (moved.field_path.rfind("events[0]", 0) == 0) {
    moved.field_path = "event" + moved.field_path.substr(9);
  }
  return Status(s.code(), s.message(), std::move(moved));
}

// What enterprise validation depends on besides the enterprise itself.
std::pair<std::size_t, std::size_t> ValidationLimits(const RequestLimits& limits) {
  return {limits.max_string_bytes, limits.max_attributes};
}

// True when `enterprise` is the one the state holds and it was validated under `limits`
// (the usual case: every event of an enterprise carries the same Enterprise message).
bool KnownEnterprise(const v1::Enterprise& enterprise, const RequestLimits& limits,
                     EnterpriseState::Impl& st) {
  if (st.enterprise_checked != ValidationLimits(limits)) return false;
  if (!st.enterprise_parsed && !st.enterprise_parsed.emplace().ParseFromString(st.enterprise)) {
    st.enterprise_parsed.reset();
    return false;
  }
  return SameEnterprise(enterprise, *st.enterprise_parsed);
}

// After `enterprise` passed validation under `limits` with an applied event: the state holds
// it (`known`: KnownEnterprise said it already does).
void RememberEnterprise(const v1::Enterprise& enterprise, bool known, const RequestLimits& limits,
                        EnterpriseState::Impl& st) {
  if (!known) {
    st.enterprise = io::DeterministicBytes(enterprise);
    st.enterprise_parsed = enterprise;
  }
  st.enterprise_checked = ValidationLimits(limits);
}

std::optional<core::TimeNs> RegisteredAt(const v1::Enterprise& e) {
  if (!e.has_registered_at()) return std::nullopt;
  return core::ToTimeNs(e.registered_at().seconds(), e.registered_at().nanos());
}

// A rule naming a list the bundle does not declare gets an error naming it (the checker
// would only say that `lists` is undeclared).
Status CheckListNames(const v1::ScreeningPolicy& policy, const std::vector<std::string>& lists) {
  for (int s = 0; s < policy.rule_sets_size(); ++s) {
    for (int r = 0; r < policy.rule_sets(s).rules_size(); ++r) {
      const v1::Rule& rule = policy.rule_sets(s).rules(r);
      auto names = expr::ReferencedNames(rule.condition());
      if (!names.ok()) continue;  // the rule compiler reports syntax errors
      for (const std::string& name : *names) {
        if (name.rfind("lists.", 0) != 0 ||
            std::find(lists.begin(), lists.end(), name.substr(6)) != lists.end()) {
          continue;
        }
        std::string known;
        for (const std::string& l : lists) known += (known.empty() ? "" : ", ") + l;
        return InvalidArgumentError(
            "rule '" + rule.id() + "': unknown list '" + name.substr(6) +
                "' (the bundle's lists: " + (known.empty() ? "none" : known) + ")",
            {.field_path = "screening.rule_sets[" + std::to_string(s) + "].rules[" +
                           std::to_string(r) + "].condition"});
      }
    }
  }
  return OkStatus();
}

// The bundle's named lists, as "lists.<name>" -> list(string) (hash-indexed). `files`
// receives (path, bytes) of every list file read.
Status CompileLists(const ScreeningInputs& in,
                    std::vector<std::pair<std::string, std::string>>* files,
                    std::vector<std::pair<std::string, expr::Value>>* lists) {
  std::set<std::string> names;
  for (int i = 0; i < in.bundle.lists_size(); ++i) {
    const v1::NamedList& l = in.bundle.lists(i);
    const std::string path = "lists[" + std::to_string(i) + "]";
    if (!ValidListName(l.name())) {
      return InvalidArgumentError("list name '" + l.name() + "' must match [a-z][a-z0-9_]{0,63}",
                                  {.field_path = path + ".name"});
    }
    if (!names.insert(l.name()).second) {
      return InvalidArgumentError("duplicate list name '" + l.name() + "'",
                                  {.field_path = path + ".name"});
    }
    std::vector<std::string> values(l.values().begin(), l.values().end());
    if (!l.file().empty()) {
      auto resolved = io::ResolveInside(in.bundle_dir, l.file());
      if (!resolved.ok()) return resolved.status().WithLocation({.field_path = path + ".file"});
      auto bytes = io::ReadFile(*resolved, kMaxListFileBytes);
      if (!bytes.ok()) {
        return Status(bytes.status().code(),
                      "list '" + l.name() + "': " + std::string(bytes.status().message()),
                      {.field_path = path + ".file"});
      }
      CREDENCE_RETURN_IF_ERROR(ParseListFile(*bytes, l.file(), values));
      files->emplace_back(l.file(), std::move(bytes).value());
    }
    if (values.size() > kMaxListValues) {
      return OutOfRangeError(
          "list '" + l.name() + "' has more than " + std::to_string(kMaxListValues) + " values",
          {.field_path = path});
    }
    expr::ListValue items;
    for (std::string& v : values) {
      if (v.empty()) {
        return InvalidArgumentError("list '" + l.name() + "' has an empty value",
                                    {.field_path = path + ".values"});
      }
      items.push_back(expr::Value::String(std::move(v)));
    }
    lists->emplace_back(rules::ListVariable(l.name()),
                        expr::Value::IndexedStringList(std::move(items)));
  }
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<Screening>> Screening::Compile(
    const ScreeningInputs& in, std::vector<std::pair<std::string, std::string>>* files) {
  auto fail = [&](const Status& s) {
    Status located = s;
    const SourceLocation* where = s.location();
    if (where != nullptr && !where->field_path.empty() && where->line == 0) {
      located = s.WithLocation(in.map.Locate(where->field_path));
    }
    if (in.issues != nullptr) in.issues->push_back({Issue::Severity::kError, located});
    return located;
  };
  std::unique_ptr<Screening> s(new Screening);
  s->info_ = &in.info;
  s->fx_ = &in.fx;
  s->limits_ = in.limits;
  std::vector<std::pair<std::string, expr::Value>> lists;
  if (Status status = CompileLists(in, files, &lists); !status.ok()) return fail(status);
  auto policy = decision::ScreeningPolicy::Compile(in.bundle.screening(), "screening");
  if (!policy.ok()) return fail(policy.status());
  s->policy_ = *policy;
  // The fingerprint of what a saved state depends on: features, base currency, lateness.
  v1::Bundle definitions;
  definitions.set_base_currency(in.bundle.base_currency());
  *definitions.mutable_features() = in.bundle.features();
  core::Sha256 sha;
  sha.Update(io::DeterministicBytes(definitions));
  sha.Update("lateness:" + std::to_string(policy->allowed_lateness()));
  s->plan_ = std::make_shared<const features::OnlinePlan>(
      in.plan.definitions(), policy->allowed_lateness(), "sha256:" + sha.FinishHex());
  std::vector<std::string> list_names;
  for (const v1::NamedList& l : in.bundle.lists()) list_names.push_back(l.name());
  auto env = rules::MakeScreeningEnvironment(in.info.feature_names, list_names);
  if (!env.ok()) return fail(env.status());
  if (Status names = CheckListNames(in.bundle.screening(), list_names); !names.ok()) {
    return fail(names);
  }
  std::set<std::string> read;
  for (const v1::RuleSet& set : in.bundle.screening().rule_sets()) {
    for (const v1::Rule& rule : set.rules()) {
      auto names = expr::ReferencedNames(rule.condition());
      if (names.ok()) read.insert(names->begin(), names->end());
    }
  }
  for (const rules::RequestVariable& v : rules::RequestVariables()) {
    if ((v.stage == rules::VariableStage::kRequest || v.stage == rules::VariableStage::kEvent) &&
        read.count(std::string(v.name))) {
      s->variables_.push_back(&v);
    }
  }
  // In name order: an activation binds them by appending.
  std::sort(s->variables_.begin(), s->variables_.end(),
            [](const rules::RequestVariable* a, const rules::RequestVariable* b) {
              return a->name < b->name;
            });
  for (const auto& [name, list] : lists) {
    if (read.count(name)) s->list_bindings_.Bind(name, list);
  }
  std::vector<int> slots;
  for (const v1::RuleSet& set : in.bundle.screening().rule_sets()) {
    for (const v1::Rule& rule : set.rules()) {
      for (const std::string& name : rules::TemplateFeatureNames(rule.message())) read.insert(name);
    }
  }
  for (std::size_t i = 0; i < in.info.feature_names.size(); ++i) {
    if (read.count(in.info.feature_names[i])) slots.push_back(static_cast<int>(i));
  }
  s->needed_ = s->plan_->Needs(slots);
  auto sets =
      rules::RuleSets::Compile(in.bundle.screening().rule_sets(), *env, in.info.feature_names, {},
                               &in.map, in.issues, "screening.rule_sets");
  if (!sets.ok()) return sets.status();
  s->rules_ = std::move(sets).value();
  CREDENCE_RETURN_IF_ERROR(s->CompileByKind(in, *env));
  return s;
}

namespace {

// `e` is `event.kind == 'K'` or `'K' == event.kind`: K.
std::optional<std::string> KindEquality(const expr::Expr& e) {
  if (e.kind != expr::ExprKind::kCall || e.name != "_==_" || e.operand || e.args.size() != 2) {
    return std::nullopt;
  }
  for (int side = 0; side < 2; ++side) {
    const expr::Expr& field = *e.args[static_cast<std::size_t>(side)];
    const expr::Expr& value = *e.args[static_cast<std::size_t>(1 - side)];
    if (field.kind == expr::ExprKind::kSelect && field.name == "kind" && !field.test_only &&
        !field.optional && field.operand && field.operand->kind == expr::ExprKind::kIdent &&
        field.operand->name == "event" && value.kind == expr::ExprKind::kConst &&
        value.constant.is_string()) {
      return value.constant.string_value();
    }
  }
  return std::nullopt;
}

// The kinds named by `event.kind == 'K'` among the top-level && conjuncts of `e`.
void RequiredKinds(const expr::Expr& e, std::set<std::string>& kinds) {
  if (e.kind == expr::ExprKind::kCall && e.name == "_&&_" && !e.operand) {
    for (const auto& arg : e.args) RequiredKinds(*arg, kinds);
  } else if (auto k = KindEquality(e)) {
    kinds.insert(*k);
  }
}

// The event kind a rule's condition requires (a top-level conjunct `event.kind == 'K'`: the
// condition is false for any other kind, whatever else it reads), or nullopt. Two different
// required kinds make the rule unsatisfiable; it is then left to the full rule set.
std::optional<v1::EventKind> RequiredKind(const std::string& condition) {
  auto parsed = expr::Parse(condition);
  if (!parsed.ok()) return std::nullopt;
  std::set<std::string> kinds;
  RequiredKinds(*parsed->root, kinds);
  v1::EventKind kind{};
  if (kinds.size() != 1 || !v1::EventKind_Parse("EVENT_KIND_" + *kinds.begin(), &kind)) {
    return std::nullopt;
  }
  return kind;
}

// The rule sets with only the rules that can fire for an event of `kind` (nullopt: a kind no
// rule requires), in bundle order; rule sets left empty are dropped.
google::protobuf::RepeatedPtrField<v1::RuleSet> RulesFor(
    const google::protobuf::RepeatedPtrField<v1::RuleSet>& sets,
    const std::vector<std::vector<std::optional<v1::EventKind>>>& required,
    std::optional<v1::EventKind> kind) {
  google::protobuf::RepeatedPtrField<v1::RuleSet> out;
  for (int s = 0; s < sets.size(); ++s) {
    v1::RuleSet set = sets.Get(s);
    set.clear_rules();
    for (int r = 0; r < sets.Get(s).rules_size(); ++r) {
      const auto& need = required[static_cast<std::size_t>(s)][static_cast<std::size_t>(r)];
      if (!need || need == kind) *set.add_rules() = sets.Get(s).rules(r);
    }
    if (set.rules_size() > 0) *out.Add() = std::move(set);
  }
  return out;
}

}  // namespace

// The rules of each event kind (Decide evaluates only those that can fire for the event's
// kind: the others are false for it, so the hits are the same as evaluating them all).
Status Screening::CompileByKind(const ScreeningInputs& in, const expr::Environment& env) {
  const auto& sets = in.bundle.screening().rule_sets();
  std::vector<std::vector<std::optional<v1::EventKind>>> required;
  std::set<v1::EventKind> kinds;
  for (const v1::RuleSet& set : sets) {
    auto& row = required.emplace_back();
    for (const v1::Rule& rule : set.rules()) {
      row.push_back(RequiredKind(rule.condition()));
      if (row.back()) kinds.insert(*row.back());
    }
  }
  if (kinds.empty()) return OkStatus();  // rules_ serves every kind
  auto compile = [&](std::optional<v1::EventKind> kind) -> Status {
    auto compiled =
        rules::RuleSets::Compile(RulesFor(sets, required, kind), env, in.info.feature_names, {},
                                 &in.map, nullptr, "screening.rule_sets");
    if (!compiled.ok()) return compiled.status();
    by_kind_.push_back(std::move(compiled).value());
    return OkStatus();
  };
  CREDENCE_RETURN_IF_ERROR(compile(std::nullopt));  // by_kind_[0]: the kinds no rule requires
  for (v1::EventKind kind : kinds) {
    const auto k = static_cast<std::size_t>(kind);
    if (kind_sets_.size() <= k) kind_sets_.resize(k + 1, 0);
    kind_sets_[k] = by_kind_.size();
    CREDENCE_RETURN_IF_ERROR(compile(kind));
  }
  return OkStatus();
}

const rules::RuleSets& Screening::RulesForKind(int kind) const {
  if (by_kind_.empty()) return *rules_;
  const auto k = static_cast<std::size_t>(kind);
  return by_kind_[kind >= 0 && k < kind_sets_.size() ? kind_sets_[k] : 0];
}

Status Screening::CheckState(const EnterpriseState::Impl& st,
                             const std::string& enterprise_id) const {
  if (!st.enterprise_id.empty() && st.enterprise_id != enterprise_id) {
    return InvalidArgumentError(
        "the state belongs to enterprise '" + st.enterprise_id + "', not '" + enterprise_id + "'",
        {.field_path = "enterprise.id"});
  }
  if (st.online && &st.online->plan() != plan_.get() &&
      st.online->plan().fingerprint() != plan_->fingerprint()) {
    return FailedPreconditionError(
        "the state was built with other feature definitions (or base currency or allowed "
        "lateness) than this bundle's; rebuild it from the history (BuildState)");
  }
  return OkStatus();
}

// The bundle's rates with the request's over them: cached in the state while the request's
// rates stay the same (the request's own fx_rates are not ingested again).
Result<const io::FxTable*> Screening::FxFor(const v1::ScreenRequest& request,
                                            EnterpriseState::Impl& st) const {
  if (request.fx_rates().empty()) return fx_;
  const auto& rates = request.fx_rates();
  const bool same =
      st.fx && std::equal(rates.begin(), rates.end(), st.fx_key.begin(), st.fx_key.end(),
                          [](const v1::FxRate& r, const auto& k) {
                            return r.currency_code() == k.first && r.rate() == k.second;
                          });
  if (!same) {
    auto merged = fx_->WithOverrides(rates, "fx_rates");
    if (!merged.ok()) return merged.status();
    st.fx = std::move(merged).value();
    st.fx_key.clear();
    for (const v1::FxRate& r : rates) st.fx_key.emplace_back(r.currency_code(), r.rate());
  }
  return &*st.fx;
}

Result<v1::ScreenResponse> Screening::Screen(const v1::ScreenRequest& request,
                                             EnterpriseState& state) const {
  EnterpriseState::Impl& st = EnterpriseStateAccess::Of(state);
  const std::string& enterprise_id = request.enterprise().id();
  if (enterprise_id.empty()) {
    return InvalidArgumentError("enterprise.id is required: it names the enterprise's state",
                                {.field_path = "enterprise.id"});
  }
  CREDENCE_RETURN_IF_ERROR(CheckState(st, enterprise_id));
  if (!request.has_event() || !request.event().has_time()) {
    return InvalidArgumentError(
        request.has_event() ? "event time is required" : "event is required",
        {.field_path = request.has_event() ? "event.time" : "event"});
  }
  // The event as a one-event request: validated and converted exactly as batch ingest does
  // (built on an arena: the copies cost no allocation). An enterprise already validated
  // under these limits is not validated again: it joins the request after ingest, for the
  // rules.
  alignas(8) char block[8192];
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = block;
  arena_options.initial_block_size = sizeof block;
  google::protobuf::Arena arena(arena_options);
  auto& one = *google::protobuf::Arena::CreateMessage<v1::ScoreRequest>(&arena);
  one.set_request_id(request.request_id());
  // Borrowed, not copied (released again before the arena goes).
  auto* enterprise = const_cast<v1::Enterprise*>(&request.enterprise());
  const bool known_enterprise = KnownEnterprise(request.enterprise(), limits_, st);
  if (!known_enterprise) one.unsafe_arena_set_allocated_enterprise(enterprise);
  one.mutable_events()->UnsafeArenaAddAllocated(const_cast<v1::Event*>(&request.event()));
  struct Release {
    v1::ScoreRequest& r;
    ~Release() {
      r.unsafe_arena_release_enterprise();
      r.mutable_events()->UnsafeArenaReleaseLast();
    }
  } release{one};
  *one.mutable_as_of() = request.event().time();
  if (st.online && st.online->started()) {
    const auto t = core::ToTimeNs(request.event().time().seconds(), request.event().time().nanos());
    if (t && *t < st.online->clock()) *one.mutable_as_of() = io::TimestampOf(st.online->clock());
  }
  CREDENCE_ASSIGN_OR_RETURN(const io::FxTable* fx, FxFor(request, st));
  auto ingested = io::Ingest(one, *fx, limits_);
  if (!ingested.ok()) return AtEvent(ingested.status());
  if (known_enterprise) one.unsafe_arena_set_allocated_enterprise(enterprise);
  const io::EventTable& table = ingested->events;
  if (!st.online) st.online.emplace(plan_);
  auto applied = st.online->ApplyRow(table, 0);
  if (!applied.ok()) {
    return applied.status().WithLocation({.field_path = "event.time"});
  }
  st.enterprise_id = enterprise_id;
  RememberEnterprise(request.enterprise(), known_enterprise, limits_, st);
  st.bundle_name = info_->name;
  st.bundle_digest = info_->digest;
  v1::ScreenResponse response;
  response.set_request_id(request.request_id());
  response.set_enterprise_id(enterprise_id);
  response.set_event_id(request.event().id());
  v1::Audit* audit = response.mutable_audit();
  audit->set_engine_version(CREDENCE_VERSION_STRING);
  audit->set_bundle_name(info_->name);
  audit->set_bundle_version(info_->version);
  audit->set_bundle_digest(info_->digest);
  if (*applied == features::OnlineState::Applied::kDuplicate) {
    // Nothing is decided again: the answer depends on nothing but the request, so a re-run
    // gives the same bytes whatever the state has seen since (docs/screening.md).
    ++st.duplicates;
    response.set_disposition(v1::EVENT_DISPOSITION_DUPLICATE);
    response.set_decided_by("duplicate");
    response.add_warnings("event '" + request.event().id() +
                          "' is already in the enterprise's state; it was not applied or "
                          "decided again (answer it from the decision log)");
    return response;
  }
  ++st.applied;
  std::vector<double>& values = st.values;
  values.resize(plan_->defs().names.size());
  const bool all = request.options().include_features();
  st.online->Evaluate(RegisteredAt(request.enterprise()), values,
                      all ? std::span<const char>() : std::span<const char>(needed_));
  response.set_disposition(v1::EVENT_DISPOSITION_APPLIED);
  Decide(request, one, table, values, response);
  if (request.options().include_features()) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      v1::FeatureValue* f = response.add_features();
      f->set_name(info_->feature_names[i]);
      f->set_value(values[i]);
      f->set_missing(std::isnan(values[i]));
    }
  }
  *audit->mutable_as_of() = io::TimestampOf(st.online->clock());
  return response;
}

// The screening rules over the event, the features, the enterprise and the lists; then the
// policy's outcome.
void Screening::Decide(const v1::ScreenRequest& request, const v1::ScoreRequest& one,
                       const io::EventTable& event, std::span<const double> values,
                       v1::ScreenResponse& response) const {
  if (rules_->rule_count() > 0) {
    expr::Activation activation;
    activation.set_features(values);
    const rules::EventView event_view{&request.event(), &event};
    const rules::RequestView view{.request = &one, .event = &event_view};
    for (const rules::RequestVariable* v : variables_) {
      if (std::optional<expr::Value> value = v->get(view)) {
        activation.Bind(std::string(v->name), *std::move(value));
      }
    }
    activation.set_parent(&list_bindings_);
    RulesForKind(request.event().kind()).Evaluate(values, activation, response.mutable_rule_hits());
    for (const v1::RuleHit& h : response.rule_hits()) {
      if (h.errored()) {
        response.add_warnings("rule " + h.rule_set() + "/" + h.rule_id() +
                              " could not be evaluated: " + h.error());
      }
    }
  }
  policy_->Decide(response.rule_hits(), &response);
}

Result<EnterpriseState> Screening::BuildState(const v1::ScoreRequest& request) const {
  if (request.enterprise().id().empty()) {
    return InvalidArgumentError("enterprise.id is required: it names the enterprise's state",
                                {.field_path = "enterprise.id"});
  }
  CREDENCE_ASSIGN_OR_RETURN(io::IngestedRequest in, io::Ingest(request, *fx_, limits_));
  EnterpriseState state;
  EnterpriseState::Impl& st = EnterpriseStateAccess::Of(state);
  st.enterprise_id = request.enterprise().id();
  st.enterprise = io::DeterministicBytes(request.enterprise());
  st.enterprise_checked = ValidationLimits(limits_);  // Ingest validated it
  st.bundle_name = info_->name;
  st.bundle_digest = info_->digest;
  st.online.emplace(plan_);
  const std::vector<features::BoundFilter> bound = st.online->Bind(in.events);
  for (std::size_t row = 0; row < in.events.size(); ++row) {
    CREDENCE_RETURN_IF_ERROR(st.online->Apply(in.events, row, bound).status());
    ++st.applied;
  }
  st.online->AdvanceTo(in.as_of);
  return state;
}

Result<EnterpriseState> Screening::LoadState(std::string_view bytes) const {
  v1::EnterpriseState saved;
  if (!saved.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return DataLossError("not a valid credence.v1.EnterpriseState");
  }
  if (saved.format_version() != 1) {
    return DataLossError("unknown EnterpriseState format_version " +
                         std::to_string(saved.format_version()));
  }
  EnterpriseState state;
  EnterpriseState::Impl& st = EnterpriseStateAccess::Of(state);
  if (saved.has_features()) {
    CREDENCE_ASSIGN_OR_RETURN(features::OnlineState online,
                              features::OnlineState::Load(plan_, saved.features()));
    st.online.emplace(std::move(online));
  }
  st.enterprise_id = saved.enterprise_id();
  st.enterprise = io::DeterministicBytes(saved.enterprise());
  st.applied = saved.events_applied();
  st.duplicates = saved.duplicates();
  st.bundle_name = saved.bundle_name();
  st.bundle_digest = saved.bundle_digest();
  return state;
}

Result<FeatureVector> Screening::StateFeatures(const EnterpriseState& state) const {
  const EnterpriseState::Impl& st = EnterpriseStateAccess::Of(state);
  if (!st.online || !st.online->started()) {
    return FailedPreconditionError("the state holds no event yet");
  }
  CREDENCE_RETURN_IF_ERROR(CheckState(st, st.enterprise_id));
  FeatureVector out;
  out.values.resize(plan_->defs().names.size());
  v1::Enterprise enterprise;
  enterprise.ParseFromString(st.enterprise);
  st.online->Evaluate(RegisteredAt(enterprise), out.values);
  return out;
}

}  // namespace credence::internal
