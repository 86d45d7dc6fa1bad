#include "decision/compliance.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>

namespace credence::decision {
namespace {

using google::protobuf::operator<=;
using google::protobuf::operator>;

std::string FormatPoints(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string DimensionName(v1::Dimension d) {
  std::string name = v1::Dimension_Name(d);
  return name.rfind("DIMENSION_", 0) == 0 ? name.substr(10) : name;
}

std::string Date(const google::protobuf::Timestamp& t) {
  return google::protobuf::util::TimeUtil::ToString(t);
}

}  // namespace

Result<ComplianceScorer> ComplianceScorer::Compile(const v1::ComplianceConfig& config) {
  ComplianceScorer out;
  if (config.weights_size() == 0) {
    return InvalidArgumentError("compliance needs at least one dimension weight",
                                {.field_path = "compliance.weights"});
  }
  std::set<int> seen;
  for (int i = 0; i < config.weights_size(); ++i) {
    const v1::DimensionWeight& w = config.weights(i);
    const std::string p = "compliance.weights[" + std::to_string(i) + "]";
    if (w.dimension() == v1::DIMENSION_UNSPECIFIED || !v1::Dimension_IsValid(w.dimension()) ||
        !seen.insert(w.dimension()).second) {
      return InvalidArgumentError("each weight names a distinct, specified dimension",
                                  {.field_path = p + ".dimension"});
    }
    if (!(w.weight() > 0) || !std::isfinite(w.weight())) {
      return InvalidArgumentError("weights must be positive finite numbers",
                                  {.field_path = p + ".weight"});
    }
    out.weights_.push_back(w);
  }
  // Report dimensions in enum order, whatever order the bundle lists them in.
  std::sort(out.weights_.begin(), out.weights_.end(),
            [](const auto& a, const auto& b) { return a.dimension() < b.dimension(); });
  if (config.grades_size() == 0) {
    return InvalidArgumentError("compliance needs grades", {.field_path = "compliance.grades"});
  }
  std::set<std::string> names;
  for (int i = 0; i < config.grades_size(); ++i) {
    const v1::ComplianceGradeBand& g = config.grades(i);
    const std::string p = "compliance.grades[" + std::to_string(i) + "]";
    if (g.grade().empty() || !names.insert(g.grade()).second) {
      return InvalidArgumentError("grade names must be non-empty and unique",
                                  {.field_path = p + ".grade"});
    }
    if (!std::isfinite(g.min_score()) ||
        (i > 0 && !(g.min_score() < config.grades(i - 1).min_score()))) {
      return InvalidArgumentError("min_score must decrease strictly from grade to grade",
                                  {.field_path = p + ".min_score"});
    }
    out.bands_.push_back(g);
    out.grade_names_.push_back(g.grade());
  }
  if (out.bands_.back().min_score() > 0) {
    return InvalidArgumentError(
        "the last grade must have min_score <= 0 so every score has a grade",
        {.field_path =
             "compliance.grades[" + std::to_string(config.grades_size() - 1) + "].min_score"});
  }
  CREDENCE_RETURN_IF_ERROR(out.CompilePolicy(config.policy()));
  return out;
}

// Statutory grades form the tail of the scale, leaving at least one grade for the composite.
Status ComplianceScorer::CompilePolicy(const v1::GradePolicy& policy) {
  first_statutory_ = grade_names_.size();
  std::set<std::size_t> statutory;
  for (int i = 0; i < policy.statutory_grades_size(); ++i) {
    const std::string p = "compliance.policy.statutory_grades[" + std::to_string(i) + "]";
    const std::size_t g = Index(policy.statutory_grades(i));
    if (g == grade_names_.size() || !statutory.insert(g).second) {
      return InvalidArgumentError("statutory grades must be distinct grades of the scale",
                                  {.field_path = p});
    }
  }
  if (!statutory.empty()) {
    if (*statutory.begin() == 0 || *statutory.rbegin() != grade_names_.size() - 1 ||
        *statutory.rbegin() - *statutory.begin() + 1 != statutory.size()) {
      return InvalidArgumentError(
          "statutory grades must be the last grades of the scale, leaving one for the composite",
          {.field_path = "compliance.policy.statutory_grades"});
    }
    first_statutory_ = *statutory.begin();
  }
  if (policy.watch_reasons() < 0 || policy.watch_reasons() > 64) {
    return InvalidArgumentError("watch_reasons must be in [0, 64]",
                                {.field_path = "compliance.policy.watch_reasons"});
  }
  if (policy.watch_reasons() > 0) watch_reasons_ = policy.watch_reasons();
  return OkStatus();
}

std::size_t ComplianceScorer::Index(const std::string& grade) const {
  return static_cast<std::size_t>(std::find(grade_names_.begin(), grade_names_.end(), grade) -
                                  grade_names_.begin());
}

v1::ComplianceResult ComplianceScorer::Score(
    const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
    const ComplianceFacts& facts) const {
  v1::ComplianceResult result;
  result.set_available(true);
  const double composite = ScoreDimensions(hits, facts, result);
  result.set_score(composite);
  std::size_t band = bands_.size() - 1;
  for (std::size_t i = 0; i < bands_.size(); ++i) {
    if (composite >= bands_[i].min_score()) {
      band = i;
      break;
    }
  }
  result.set_points_grade(grade_names_[band]);
  if (band >= first_statutory_) {
    band = first_statutory_ - 1;
    ApplyWatch(hits, facts, result);
  }
  const std::size_t grade = ApplyTriggers(hits, facts, band, result);
  result.set_grade(grade_names_[grade]);
  if (facts.official != nullptr && !facts.official->grade().empty()) {
    Reconcile(facts, band, result);
  }
  return result;
}

double ComplianceScorer::ScoreDimensions(
    const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits, const ComplianceFacts& facts,
    v1::ComplianceResult& result) const {
  double weighted = 0, total_weight = 0;
  for (const v1::DimensionWeight& w : weights_) {
    double points = 0;
    int count = 0;
    for (const v1::RuleHit& h : hits) {
      if (h.errored() || h.dimension() != w.dimension()) continue;
      points += h.points();
      ++count;
    }
    for (const v1::CreditInformation& info : facts.information) {
      if (info.state() != v1::CREDIT_INFORMATION_STATE_ACTIVE) continue;
      if (info.dimension() != w.dimension()) continue;
      points += info.points();
    }
    const double score = std::clamp(100.0 + points, 0.0, 100.0);
    v1::DimensionScore* d = result.add_dimensions();
    d->set_dimension(w.dimension());
    d->set_score(score);
    d->set_points(points);
    d->set_hits(count);
    weighted += w.weight() * score;
    total_weight += w.weight();
  }
  return weighted / total_weight;
}

// The hits and information that cost the most points, most first (ties: in order).
void ComplianceScorer::ApplyWatch(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
                                  const ComplianceFacts& facts,
                                  v1::ComplianceResult& result) const {
  result.set_watch(true);
  std::vector<std::pair<double, std::string>> costs;
  for (const v1::RuleHit& h : hits) {
    if (h.errored() || !(h.points() < 0)) continue;
    costs.emplace_back(h.points(), "rule " + h.rule_set() + "/" + h.rule_id() + ": " +
                                       FormatPoints(h.points()) + " points (" +
                                       DimensionName(h.dimension()) + ")");
  }
  for (const v1::CreditInformation& info : facts.information) {
    if (info.state() != v1::CREDIT_INFORMATION_STATE_ACTIVE || !(info.points() < 0)) continue;
    costs.emplace_back(info.points(), "lifecycle " + info.cause() + "/" + info.event_id() + ": " +
                                          FormatPoints(info.points()) + " points (" +
                                          DimensionName(info.dimension()) + ")");
  }
  std::stable_sort(costs.begin(), costs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < costs.size() && i < static_cast<std::size_t>(watch_reasons_); ++i) {
    result.add_watch_reasons(costs[i].second);
  }
}

// Every cap in force (rule hits, then active information); returns the final grade.
std::size_t ComplianceScorer::ApplyTriggers(
    const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits, const ComplianceFacts& facts,
    std::size_t points_grade, v1::ComplianceResult& result) const {
  std::size_t grade = points_grade;
  for (const v1::RuleHit& h : hits) {
    const std::size_t cap = Index(h.grade_cap());
    if (h.errored() || cap == grade_names_.size()) continue;
    v1::GradeTrigger* t = result.add_triggers();
    t->set_source("rule:" + h.rule_set() + "/" + h.rule_id());
    t->set_grade_cap(h.grade_cap());
    t->set_description(h.message());
    grade = std::max(grade, cap);
  }
  for (const v1::CreditInformation& info : facts.information) {
    const std::size_t cap = Index(info.grade_cap());
    if (info.state() != v1::CREDIT_INFORMATION_STATE_ACTIVE || cap == grade_names_.size()) continue;
    v1::GradeTrigger* t = result.add_triggers();
    t->set_source("lifecycle:" + info.cause() + "/" + info.event_id());
    t->set_grade_cap(info.grade_cap());
    t->set_description(info.explanation());
    grade = std::max(grade, cap);
  }
  for (v1::GradeTrigger& t : *result.mutable_triggers()) {
    t.set_binding(grade > points_grade && Index(t.grade_cap()) == grade);
  }
  return grade;
}

// The engine's grade against the official one (ComplianceResult.official).
void ComplianceScorer::Reconcile(const ComplianceFacts& facts, std::size_t points_grade,
                                 v1::ComplianceResult& result) const {
  const v1::CustomsGrade& official = *facts.official;
  v1::OfficialGradeCheck* check = result.mutable_official();
  check->set_official_grade(official.grade());
  *check->mutable_effective_at() = official.effective_at();
  check->set_in_force(official.effective_at() <= facts.as_of);
  const std::size_t want = Index(official.grade());
  const std::size_t got = Index(result.grade());
  if (!check->in_force()) {
    check->set_difference("not_in_force");
    check->add_reasons("the official grade takes effect at " + Date(official.effective_at()) +
                       ", after as_of");
  } else if (want == grade_names_.size()) {
    check->set_difference("unknown_grade");
    check->add_reasons("'" + official.grade() + "' is not a grade of this bundle's scale");
  } else if (want == got) {
    check->set_agrees(true);
    check->set_difference("same");
  } else if (got > want) {
    check->set_difference("engine_stricter");
    for (const v1::GradeTrigger& t : result.triggers()) {
      if (t.binding()) check->add_reasons(t.source() + " caps the grade at " + t.grade_cap());
    }
    if (check->reasons_size() == 0) {
      check->add_reasons("the composite " + FormatPoints(result.score()) + " reaches only " +
                         grade_names_[points_grade]);
    }
  } else {
    check->set_difference("engine_more_lenient");
    ExplainLenient(facts, want, result, *check);
  }
}

void ComplianceScorer::ExplainLenient(const ComplianceFacts& facts, std::size_t want,
                                      const v1::ComplianceResult& result,
                                      v1::OfficialGradeCheck& check) const {
  if (want >= first_statutory_) {
    check.add_reasons("no trigger in force caps the grade at " + grade_names_[want] +
                      " or worse; statutory grades follow from triggers only");
  } else {
    check.add_reasons("the composite " + FormatPoints(result.score()) + " and the triggers in " +
                      "force allow " + result.grade());
  }
  if (result.watch()) {
    check.add_reasons("the composite alone reaches " + result.points_grade() + " (on watch)");
  }
  for (const v1::CreditInformation& info : facts.information) {
    if (Index(info.grade_cap()) < want || Index(info.grade_cap()) == grade_names_.size()) continue;
    const char* what = info.state() == v1::CREDIT_INFORMATION_STATE_REPAIRED  ? "repaired at "
                       : info.state() == v1::CREDIT_INFORMATION_STATE_EXPIRED ? "ended at "
                                                                              : nullptr;
    if (what == nullptr) continue;
    const auto& when =
        info.state() == v1::CREDIT_INFORMATION_STATE_REPAIRED ? info.repaired_at() : info.ends_at();
    std::string line = "lifecycle:" + info.cause() + "/" + info.event_id() + " (caps at " +
                       info.grade_cap() + ") " + what + Date(when);
    if (when > facts.official->effective_at()) {
      line += ", after the official grade took effect";
    }
    check.add_reasons(line);
  }
}

}  // namespace credence::decision
