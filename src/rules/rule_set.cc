#include "rules/rule_set.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "expr/flat_batch.h"
#include "expr/parser.h"

namespace credence::rules {

namespace {

// A piece of a message template: literal text, or the name of a cited feature.
struct TemplatePiece {
  std::string text;
  bool cites = false;
};

// Splits `text` into pieces ("{{" and "}}" are literal braces). Errors: an unclosed '{' or
// an unmatched '}'; `pieces` then holds the pieces before it.
Status SplitTemplate(std::string_view text, std::vector<TemplatePiece>& pieces) {
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) pieces.push_back({std::move(literal), false});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      ++i;
    } else if (c == '{') {
      const auto close = text.find('}', i);
      if (close == std::string_view::npos) {
        flush();
        return InvalidArgumentError("unclosed '{' at offset " + std::to_string(i) +
                                    " in message template");
      }
      flush();
      pieces.push_back({std::string(text.substr(i + 1, close - i - 1)), true});
      i = close;
    } else if (c == '}') {
      flush();
      return InvalidArgumentError("unmatched '}' at offset " + std::to_string(i) +
                                  " in message template (write '}}' for a brace)");
    } else {
      literal += c;
    }
  }
  flush();
  return OkStatus();
}

}  // namespace

Result<MessageTemplate> MessageTemplate::Compile(const std::string& text,
                                                 const std::vector<std::string>& feature_names) {
  std::vector<TemplatePiece> pieces;
  CREDENCE_RETURN_IF_ERROR(SplitTemplate(text, pieces));
  MessageTemplate out;
  for (TemplatePiece& p : pieces) {
    if (!p.cites) {
      out.pieces_.push_back({std::move(p.text), -1});
      continue;
    }
    int index = -1;
    for (std::size_t k = 0; k < feature_names.size(); ++k) {
      if (feature_names[k] == p.text) index = static_cast<int>(k);
    }
    if (index < 0) {
      return InvalidArgumentError("message template cites unknown feature '" + p.text + "'");
    }
    out.pieces_.push_back({"", index});
  }
  return out;
}

std::vector<std::string> TemplateFeatureNames(std::string_view text) {
  std::vector<TemplatePiece> pieces;
  (void)SplitTemplate(text, pieces);  // a broken template still cites what precedes the break
  std::vector<std::string> out;
  for (const TemplatePiece& p : pieces) {
    if (p.cites && std::find(out.begin(), out.end(), p.text) == out.end()) out.push_back(p.text);
  }
  return out;
}

std::string MessageTemplate::Render(std::span<const double> features) const {
  std::string out;
  RenderTo(features, out);
  return out;
}

void MessageTemplate::RenderTo(std::span<const double> features, std::string& out) const {
  out.clear();
  for (const Piece& p : pieces_) {
    if (p.feature < 0) {
      out += p.text;
      continue;
    }
    AppendFeatureValue(features[static_cast<std::size_t>(p.feature)], out);
  }
}

bool MessageTemplate::cites_features() const {
  return std::any_of(pieces_.begin(), pieces_.end(), [](const Piece& p) { return p.feature >= 0; });
}

void AppendFeatureValue(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "missing";
    return;
  }
  // std::to_chars with a precision writes what printf's "%.6g" writes (C++20
  // [charconv.to.chars]), without the locale and format-string parsing.
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  out.append(buf, r.ptr);
}

std::string FormatFeatureValue(double v) {
  std::string out;
  AppendFeatureValue(v, out);
  return out;
}

namespace {

struct CompiledRule {
  const v1::Rule* def;                             // points into Rep::defs
  std::shared_ptr<const expr::Program> condition;  // null only while compiling fails
  MessageTemplate message;
  bool message_cites = false;  // the message cites a feature: rendered for each hit
  std::string rendered;        // otherwise: the message, rendered once when compiling
};

struct CompiledSet {
  std::string id;
  v1::RuleHitPolicy policy;
  std::vector<CompiledRule> rules;
};

// Strings are assigned through mutable_*(): into a reused RuleHit that is a copy into the
// string's existing buffer, cheaper than set_*() (measured in rules_bench).
void FillHit(const std::string& set_id, const v1::Rule& r, v1::RuleHit* hit) {
  hit->mutable_rule_set()->assign(set_id);
  hit->mutable_rule_id()->assign(r.id());
  hit->set_dimension(r.dimension());
  hit->set_severity(r.severity());
}

// The actions of a hit. Empty strings are left unset (the same message: proto3 strings
// have no presence); a message that cites no feature was rendered when compiling.
void FillActions(const CompiledRule& rule, std::span<const double> features, v1::RuleHit* hit) {
  const v1::Rule& r = *rule.def;
  hit->set_points(r.points());
  if (!r.flag().empty()) hit->mutable_flag()->assign(r.flag());
  hit->set_outcome(r.outcome());
  if (!r.reason_code().empty()) hit->mutable_reason_code()->assign(r.reason_code());
  if (rule.message_cites) {
    rule.message.RenderTo(features, *hit->mutable_message());
  } else if (!rule.rendered.empty()) {
    hit->mutable_message()->assign(rule.rendered);
  }
  if (!r.grade_cap().empty()) hit->mutable_grade_cap()->assign(r.grade_cap());
}

}  // namespace

struct RuleSets::Rep {
  google::protobuf::RepeatedPtrField<v1::RuleSet> defs;  // owns the rules CompiledRule points to
  std::vector<CompiledSet> sets;
  std::size_t rule_count = 0;
  std::size_t fast_count = 0;
  // Every rule's condition in bundle order (set by set); those with a flat form covered,
  // evaluated in one pass with shared subexpressions computed once.
  expr::FlatBatch batch;

  // Lowers the conditions into `batch`.
  void BuildBatch();
  // Appends the records of set `s`'s hits. `candidates` are the indices (within the set,
  // ascending) of its rules whose condition may hold: true in the batch, an error in it,
  // or outside it.
  void EvaluateSet(std::uint32_t s, std::span<const std::uint32_t> candidates,
                   std::span<const expr::Tri> results, std::span<const double> features,
                   const expr::Activation& extra, HitRecords* out) const;
};

void RuleSets::Rep::BuildBatch() {
  std::vector<const expr::Program*> programs;
  programs.reserve(rule_count);
  for (const CompiledSet& cs : sets) {
    for (const CompiledRule& cr : cs.rules) programs.push_back(cr.condition.get());
  }
  batch = expr::FlatBatch::Lower(programs);
}

RuleSets::RuleSets(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
RuleSets::RuleSets(RuleSets&&) noexcept = default;
RuleSets& RuleSets::operator=(RuleSets&&) noexcept = default;
RuleSets::~RuleSets() = default;
std::size_t RuleSets::rule_count() const { return rep_->rule_count; }
std::size_t RuleSets::fast_rule_count() const { return rep_->fast_count; }

Result<RuleSets> RuleSets::Compile(const google::protobuf::RepeatedPtrField<v1::RuleSet>& sets,
                                   const expr::Environment& env,
                                   const std::vector<std::string>& feature_names,
                                   const std::vector<std::string>& compliance_grades,
                                   Locator locator, std::vector<Issue>* issues,
                                   const std::string& path) {
  auto rep = std::make_unique<Rep>();
  rep->defs = sets;
  Status first;
  auto report = [&](const Status& s) {
    if (issues != nullptr) issues->push_back({Issue::Severity::kError, s});
    if (first.ok()) first = s;
  };
  auto at = [&](const std::string& field) {
    return locator != nullptr ? locator->Locate(field) : SourceLocation{.field_path = field};
  };
  std::unordered_set<std::string> set_ids;
  for (int s = 0; s < rep->defs.size(); ++s) {
    const v1::RuleSet& set = rep->defs[s];
    const std::string sp = path + "[" + std::to_string(s) + "]";
    if (set.id().empty() || !set_ids.insert(set.id()).second) {
      report(InvalidArgumentError("rule set ids must be non-empty and unique", at(sp + ".id")));
    }
    CompiledSet cs;
    cs.id = set.id();
    cs.policy = set.hit_policy() == v1::RULE_HIT_POLICY_UNSPECIFIED ? v1::RULE_HIT_POLICY_ALL
                                                                    : set.hit_policy();
    std::unordered_set<std::string> rule_ids;
    for (int r = 0; r < set.rules_size(); ++r) {
      const v1::Rule& rule = set.rules(r);
      const std::string rp = sp + ".rules[" + std::to_string(r) + "]";
      const std::string who = "rule '" + rule.id() + "'";
      if (rule.id().empty() || !rule_ids.insert(rule.id()).second) {
        report(InvalidArgumentError("rule ids must be non-empty and unique within a rule set",
                                    at(rp + ".id")));
      }
      CompiledRule cr{&rule, nullptr, {}};
      if (rule.condition().empty()) {
        report(InvalidArgumentError(who + ": condition is required", at(rp + ".condition")));
      } else {
        auto program = expr::Compile(rule.condition(), env, {.expected_type = expr::Type::Bool()});
        if (!program.ok()) {
          report(expr::LocateInField(program.status(), who + ": condition", at(rp + ".condition")));
        } else {
          cr.condition = *std::move(program);
        }
      }
      auto message = MessageTemplate::Compile(rule.message(), feature_names);
      if (!message.ok()) {
        report(Status(message.status().code(), who + ": " + std::string(message.status().message()),
                      at(rp + ".message")));
      } else {
        cr.message = std::move(message).value();
        cr.message_cites = cr.message.cites_features();
        if (!cr.message_cites) cr.rendered = cr.message.Render({});
      }
      if (!rule.grade_cap().empty() && std::find(compliance_grades.begin(), compliance_grades.end(),
                                                 rule.grade_cap()) == compliance_grades.end()) {
        report(InvalidArgumentError(
            who + ": grade_cap '" + rule.grade_cap() + "' is not a grade of compliance.grades",
            at(rp + ".grade_cap")));
      }
      if (!std::isfinite(rule.points())) {
        report(InvalidArgumentError(who + ": points must be finite", at(rp + ".points")));
      }
      if (rule.outcome() != v1::OUTCOME_UNSPECIFIED && !v1::Outcome_IsValid(rule.outcome())) {
        report(InvalidArgumentError(who + ": unknown outcome", at(rp + ".outcome")));
      }
      if (cr.condition && cr.condition->uses_fast_path()) ++rep->fast_count;
      cs.rules.push_back(std::move(cr));
      ++rep->rule_count;
    }
    rep->sets.push_back(std::move(cs));
  }
  if (!first.ok()) return first;
  rep->BuildBatch();
  return RuleSets(std::move(rep));
}

void RuleSets::Rep::EvaluateSet(std::uint32_t s, std::span<const std::uint32_t> candidates,
                                std::span<const expr::Tri> results,
                                std::span<const double> features, const expr::Activation& extra,
                                HitRecords* out) const {
  const CompiledSet& set = sets[s];
  const CompiledRule* best = nullptr;  // PRIORITY
  std::uint32_t best_index = 0;
  for (const std::uint32_t i : candidates) {
    const CompiledRule& rule = set.rules[i];
    if (results[i] == expr::Tri::kError) {
      // Outside the batch, or an error: EvaluateBool decides and gives CEL's error text.
      Result<bool> hit = rule.condition->EvaluateBool(features, &extra);
      if (!hit.ok()) {
        out->hits.push_back({s, i, static_cast<std::int32_t>(out->errors.size())});
        out->errors.push_back(hit.status());
        continue;
      }
      if (!*hit) continue;
    }
    if (set.policy == v1::RULE_HIT_POLICY_PRIORITY) {
      if (best == nullptr || rule.def->priority() > best->def->priority()) {
        best = &rule;
        best_index = i;
      }
      continue;
    }
    out->hits.push_back({s, i, -1});
    if (set.policy == v1::RULE_HIT_POLICY_FIRST) break;
  }
  if (best != nullptr) out->hits.push_back({s, best_index, -1});
}

void RuleSets::Evaluate(std::span<const double> features, const expr::Activation& extra,
                        HitRecords* out) const {
  const Rep& rep = *rep_;
  // Per rule: the batch's result (kError for a rule outside it, which EvaluateSet runs),
  // then per set the rules not known false, gathered without a branch per rule.
  constexpr std::size_t kOnStack = 512;
  expr::Tri small_results[kOnStack];
  std::uint32_t small_candidates[kOnStack];
  std::vector<expr::Tri> large_results;
  std::vector<std::uint32_t> large_candidates;
  std::span<expr::Tri> results(small_results, std::min(rep.rule_count, kOnStack));
  std::span<std::uint32_t> candidates(small_candidates, results.size());
  if (rep.rule_count > kOnStack) {
    large_results.resize(rep.rule_count);
    large_candidates.resize(rep.rule_count);
    results = large_results;
    candidates = large_candidates;
  }
  std::fill(results.begin(), results.end(), expr::Tri::kError);
  rep.batch.Evaluate(features, results);
  std::size_t first = 0;
  for (std::uint32_t s = 0; s < rep.sets.size(); ++s) {
    const std::uint32_t n = static_cast<std::uint32_t>(rep.sets[s].rules.size());
    const std::span<const expr::Tri> set_results = results.subspan(first, n);
    std::size_t count = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      candidates[count] = i;
      count += set_results[i] != expr::Tri::kFalse;
    }
    rep.EvaluateSet(s, candidates.first(count), set_results, features, extra, out);
    first += n;
  }
}

const v1::Rule& RuleSets::rule(const HitRecord& hit) const {
  return *rep_->sets[hit.set].rules[hit.rule].def;
}

const std::string& RuleSets::set_id(const HitRecord& hit) const { return rep_->sets[hit.set].id; }

void RuleSets::RenderMessage(const HitRecord& hit, std::span<const double> features,
                             std::string& out) const {
  const CompiledRule& rule = rep_->sets[hit.set].rules[hit.rule];
  if (rule.message_cites) {
    rule.message.RenderTo(features, out);
  } else {
    out = rule.rendered;
  }
}

void RuleSets::WriteHits(const HitRecords& records, std::span<const double> features,
                         google::protobuf::RepeatedPtrField<v1::RuleHit>* out) const {
  out->Reserve(out->size() + static_cast<int>(records.hits.size()));
  for (const HitRecord& record : records.hits) {
    const CompiledSet& set = rep_->sets[record.set];
    const CompiledRule& rule = set.rules[record.rule];
    v1::RuleHit* h = out->Add();
    FillHit(set.id, *rule.def, h);
    if (record.error >= 0) {
      const Status& error = records.errors[static_cast<std::size_t>(record.error)];
      h->set_errored(true);
      h->set_error(std::string(StatusCodeName(error.code())) + ": " + std::string(error.message()));
      continue;
    }
    FillActions(rule, features, h);
  }
}

void RuleSets::Evaluate(std::span<const double> features, const expr::Activation& extra,
                        google::protobuf::RepeatedPtrField<v1::RuleHit>* out) const {
  HitRecords records;
  Evaluate(features, extra, &records);
  WriteHits(records, features, out);
}

}  // namespace credence::rules
