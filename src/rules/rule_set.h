// File: rules/rule_set.h
//
// Rule sets: CEL conditions over features and request variables (context.h), with actions
// (compliance points, flags, outcomes, reason codes, message templates, grade caps) and hit
// policies. Each condition is parsed, checked and planned once (expr/program.h); the
// planner gives the common numeric conditions a flat form (expr/flat.h), and the flat
// conditions of all sets are lowered into one batch (expr/flat_batch.h) evaluated in one
// pass, shared subexpressions once.
#ifndef CREDENCE_RULES_RULE_SET_H_
#define CREDENCE_RULES_RULE_SET_H_

#include <google/protobuf/repeated_field.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "credence/bundle.h"
#include "credence/result.h"
#include "credence/status.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"
#include "expr/program.h"

namespace credence::rules {

// A message template: literal text with "{feature}" citing a feature value (formatted by
// FormatFeatureValue) and "{{" / "}}" for braces. Immutable once compiled; Render is const
// and thread-safe.
class MessageTemplate {
 public:
  // Errors: INVALID_ARGUMENT for an unknown feature or an unbalanced brace.
  static Result<MessageTemplate> Compile(const std::string& text,
                                         const std::vector<std::string>& feature_names);
  std::string Render(std::span<const double> features) const;
  // Renders into `out`, replacing its contents (and reusing its capacity).
  void RenderTo(std::span<const double> features, std::string& out) const;
  // Whether the template cites a feature (else it renders the same text every time).
  bool cites_features() const;

 private:
  struct Piece {
    std::string text;
    int feature = -1;  // >= 0: cite this feature instead of `text`
  };
  std::vector<Piece> pieces_;
};

// A feature value as messages and explanations show it: 6 significant digits, "missing"
// for NaN.
std::string FormatFeatureValue(double v);
// The same, appended to `out`.
void AppendFeatureValue(double v, std::string& out);

// The feature names a message template cites, in first-use order without duplicates (for
// a template with a brace error, those before the error).
std::vector<std::string> TemplateFeatureNames(std::string_view text);

// Where bundle field paths are in the source (may be null: paths only).
using Locator = const BundleSourceMap*;

// A rule that fired, or could not be evaluated, as RuleSets::Evaluate records it: indices,
// no strings (RuleSets::WriteHits, rule(), set_id() and RenderMessage() give the rest).
struct HitRecord {
  std::uint32_t set = 0;    // the rule set, in bundle order
  std::uint32_t rule = 0;   // the rule, in its set's order
  std::int32_t error = -1;  // >= 0: the condition could not be evaluated: errors[error]
};

// The hits of one evaluation, in order. Thread-compatible; clear() and reuse one per
// thread to evaluate without allocating.
struct HitRecords {
  std::vector<HitRecord> hits;
  std::vector<Status> errors;  // the errors of errored hits
  void clear() {
    hits.clear();
    errors.clear();
  }
};

// All rule sets of a bundle, compiled. Immutable; Evaluate is const and thread-safe.
class RuleSets {
 public:
  // Compiles every condition (type bool) and template against `env`. Every problem is added
  // to `issues` (if non-null) with the rule's field path and bundle location; the first is
  // returned: INVALID_ARGUMENT for a syntax, type or name error, an empty or duplicate id,
  // an unknown grade cap; OUT_OF_RANGE for expression limits. Field paths start with
  // `path` ("rule_sets", or "screening.rule_sets" for screening rules).
  static Result<RuleSets> Compile(const google::protobuf::RepeatedPtrField<v1::RuleSet>& sets,
                                  const expr::Environment& env,
                                  const std::vector<std::string>& feature_names,
                                  const std::vector<std::string>& compliance_grades,
                                  Locator locator, std::vector<Issue>* issues,
                                  const std::string& path = "rule_sets");

  RuleSets(RuleSets&&) noexcept;
  RuleSets& operator=(RuleSets&&) noexcept;
  ~RuleSets();

  // Evaluates every rule set in bundle order and appends the hits to `out`. A condition
  // that cannot be evaluated (it read a missing feature, divided by zero, ran out of budget)
  // becomes an errored hit carrying the error, with no actions applied.
  void Evaluate(std::span<const double> features, const expr::Activation& extra,
                google::protobuf::RepeatedPtrField<v1::RuleHit>* out) const;

  // The same in two steps. Evaluate appends the records of the hits to `out` (the flat
  // conditions of all sets run as one batch, expr/flat_batch.h; nothing is formatted);
  // WriteHits appends their RuleHits, in the same order, messages rendered from `features`
  // (the same span given to Evaluate).
  void Evaluate(std::span<const double> features, const expr::Activation& extra,
                HitRecords* out) const;
  void WriteHits(const HitRecords& records, std::span<const double> features,
                 google::protobuf::RepeatedPtrField<v1::RuleHit>* out) const;
  // A record's rule (its id, points, flag, outcome, reason code, grade cap), its set's id
  // and its message (rendered into `out`, replacing its contents).
  const v1::Rule& rule(const HitRecord& hit) const;
  const std::string& set_id(const HitRecord& hit) const;
  void RenderMessage(const HitRecord& hit, std::span<const double> features,
                     std::string& out) const;

  std::size_t rule_count() const;
  // Rules whose condition runs on the flat form (expr/flat.h): no Value, no allocation.
  std::size_t fast_rule_count() const;

 private:
  struct Rep;
  explicit RuleSets(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace credence::rules

#endif  // CREDENCE_RULES_RULE_SET_H_
