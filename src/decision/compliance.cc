#include "decision/compliance.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace credence::decision {

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
  return out;
}

v1::ComplianceResult ComplianceScorer::Score(
    const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits) const {
  v1::ComplianceResult result;
  result.set_available(true);
  double weighted = 0, total_weight = 0;
  std::size_t worst_cap = 0;  // index into bands_; 0 = no cap
  for (const v1::RuleHit& h : hits) {
    if (h.errored() || h.grade_cap().empty()) continue;
    const auto it = std::find(grade_names_.begin(), grade_names_.end(), h.grade_cap());
    if (it != grade_names_.end()) {
      worst_cap = std::max(worst_cap, static_cast<std::size_t>(it - grade_names_.begin()));
    }
  }
  for (const v1::DimensionWeight& w : weights_) {
    double points = 0;
    int count = 0;
    for (const v1::RuleHit& h : hits) {
      if (h.errored() || h.dimension() != w.dimension()) continue;
      points += h.points();
      ++count;
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
  const double composite = weighted / total_weight;
  result.set_score(composite);
  std::size_t band = bands_.size() - 1;
  for (std::size_t i = 0; i < bands_.size(); ++i) {
    if (composite >= bands_[i].min_score()) {
      band = i;
      break;
    }
  }
  result.set_grade(grade_names_[std::max(band, worst_cap)]);
  return result;
}

}  // namespace credence::decision
