#include "decision/credit_scale.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace credence::decision {

Result<ScoreScale> ScoreScale::Compile(const v1::ScoreScaling& s, const std::string& path) {
  if (!(s.base_odds() > 0) || !std::isfinite(s.base_odds())) {
    return InvalidArgumentError("base_odds must be a positive number",
                                {.field_path = path + ".base_odds"});
  }
  if (!(s.pdo() > 0) || !std::isfinite(s.pdo())) {
    return InvalidArgumentError("pdo must be a positive number", {.field_path = path + ".pdo"});
  }
  if (!std::isfinite(s.base_score())) {
    return InvalidArgumentError("base_score must be finite", {.field_path = path + ".base_score"});
  }
  ScoreScale out;
  out.factor_ = s.pdo() / std::log(2.0);
  out.offset_ = s.base_score() - out.factor_ * std::log(s.base_odds());
  out.has_min_ = s.has_min_score();
  out.has_max_ = s.has_max_score();
  out.min_ = s.min_score();
  out.max_ = s.max_score();
  if ((out.has_min_ && !std::isfinite(out.min_)) || (out.has_max_ && !std::isfinite(out.max_)) ||
      (out.has_min_ && out.has_max_ && out.min_ > out.max_)) {
    return InvalidArgumentError("min_score and max_score must be finite with min <= max",
                                {.field_path = path});
  }
  return out;
}

double ScoreScale::Clamp(double s) const {
  if (has_min_) s = std::max(s, min_);
  if (has_max_) s = std::min(s, max_);
  return s;
}

double ScoreScale::Score(double pd) const {
  // ln((1 - pd) / pd) = -logit(pd); pd 0 gives +inf, 1 gives -inf before clamping.
  return Clamp(offset_ + factor_ * (std::log1p(-pd) - std::log(pd)));
}

double ScoreScale::ScoreFromMargin(double margin) const {
  // ln(odds of good) = -margin.
  return Clamp(offset_ - factor_ * margin);
}

Result<GradeScale> GradeScale::Compile(const v1::GradeScale& scale, const std::string& path) {
  if (scale.bands_size() == 0) {
    return InvalidArgumentError("grade scale '" + scale.id() + "' has no bands",
                                {.field_path = path + ".bands"});
  }
  GradeScale out;
  out.id_ = scale.id();
  std::unordered_set<std::string> names;
  double previous = 0;
  for (int i = 0; i < scale.bands_size(); ++i) {
    const v1::GradeBand& b = scale.bands(i);
    const std::string bp = path + ".bands[" + std::to_string(i) + "]";
    if (b.grade().empty() || !names.insert(b.grade()).second) {
      return InvalidArgumentError("grade names must be non-empty and unique",
                                  {.field_path = bp + ".grade"});
    }
    if (!(b.max_pd() > previous) || b.max_pd() > 1) {
      return InvalidArgumentError("max_pd must increase strictly from band to band within (0, 1]",
                                  {.field_path = bp + ".max_pd"});
    }
    if (b.limit_minor_units() < 0) {
      return InvalidArgumentError("limit must not be negative",
                                  {.field_path = bp + ".limit_minor_units"});
    }
    previous = b.max_pd();
    out.bands_.push_back(b);
  }
  if (previous != 1.0) {
    return InvalidArgumentError(
        "the last band must have max_pd 1 so every PD has a grade",
        {.field_path = path + ".bands[" + std::to_string(scale.bands_size() - 1) + "].max_pd"});
  }
  return out;
}

const v1::GradeBand& GradeScale::Band(double pd) const {
  // First band with pd <= max_pd.
  auto it = std::lower_bound(bands_.begin(), bands_.end(), pd,
                             [](const v1::GradeBand& b, double p) { return b.max_pd() < p; });
  return it == bands_.end() ? bands_.back() : *it;
}

}  // namespace credence::decision
