#include "fit/scorecard_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace credence::fit {
namespace {

std::string Num(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

}  // namespace

std::string IntervalText(double lower, double upper) {
  return (std::isinf(lower) ? std::string("(-inf") : "[" + Num(lower)) + ", " +
         (std::isinf(upper) ? std::string("+inf)") : Num(upper) + ")");
}

double PdFromPoints(double points, const ScalingOptions& o) {
  const double factor = o.pdo / std::log(2.0);
  const double offset = o.base_score - factor * std::log(o.base_odds);
  const double log_good_odds = (points - offset) / factor;
  // PD = 1 / (1 + good:bad odds).
  if (log_good_odds >= 0) {
    const double e = std::exp(-log_good_odds);
    return e / (1 + e);
  }
  return 1 / (1 + std::exp(log_good_odds));
}

Result<BuiltScorecard> BuildScorecard(std::span<const ScorecardTerm> terms, double intercept,
                                      const ScalingOptions& o) {
  if (terms.empty()) return InvalidArgumentError("a scorecard needs at least one term");
  if (!std::isfinite(o.base_score) || !(o.base_odds > 0) || !std::isfinite(o.base_odds) ||
      !(o.pdo > 0) || !std::isfinite(o.pdo)) {
    return InvalidArgumentError(
        "scaling: base_score must be finite, base_odds and pdo finite and > 0");
  }
  if (!std::isfinite(intercept)) return InvalidArgumentError("the intercept is not finite");
  const double factor = o.pdo / std::log(2.0);
  const double offset = o.base_score - factor * std::log(o.base_odds);
  const double n = static_cast<double>(terms.size());
  auto points = [&](double beta, double woe) {
    const double p = -(beta * woe + intercept / n) * factor + offset / n;
    return o.round_points ? std::round(p) : p;
  };

  BuiltScorecard out;
  out.has_logistic = true;
  v1::Scorecard& card = out.scorecard;
  card.set_initial_score(0);
  card.set_reason_code_algorithm(v1::REASON_CODE_ALGORITHM_POINTS_BELOW);
  card.mutable_scaling()->set_base_score(o.base_score);
  card.mutable_scaling()->set_base_odds(o.base_odds);
  card.mutable_scaling()->set_pdo(o.pdo);
  out.logistic.set_intercept(intercept);
  for (const ScorecardTerm& t : terms) {
    if ((t.numeric == nullptr) == (t.categorical == nullptr)) {
      return InvalidArgumentError("term '" + t.name + "' needs exactly one binning");
    }
    if (!std::isfinite(t.coefficient)) {
      return InvalidArgumentError("term '" + t.name + "' has a non-finite coefficient");
    }
    v1::ScorecardCharacteristic* ch = card.add_characteristics();
    ch->set_name(t.name);
    // A categorical column named like an enterprise field (zone, sector, country,
    // attributes.<key>) reads that field in a bundle; any other categorical column stays a
    // string `feature`, which `credence predict` reads from its CSV column but a bundle
    // cannot (bundle features are numeric).
    const bool field =
        t.categorical != nullptr && (t.name == "zone" || t.name == "sector" ||
                                     t.name == "country" || t.name.rfind("attributes.", 0) == 0);
    if (field) {
      ch->set_enterprise_field(t.name);
    } else {
      ch->set_feature(t.name);
    }
    // No reason code of its own: the bundle's reason_codes catalogue maps the feature to its
    // code and text (the engine falls back to it; FEATURE:<name> when it has none).
    double best = -std::numeric_limits<double>::infinity();
    double best_woe = 0;
    auto add = [&](double woe) {
      v1::ScorecardAttribute* a = ch->add_attributes();
      const double p = points(t.coefficient, woe);
      a->set_partial_score(p);
      if (p > best) {
        best = p;
        best_woe = woe;
      }
      return a;
    };
    const double missing_woe = t.numeric ? t.numeric->missing_woe : t.categorical->missing_woe;
    v1::ScorecardAttribute* miss = add(missing_woe);
    miss->set_missing(true);
    miss->set_description("missing");
    if (t.numeric) {
      v1::LogisticTerm* term = out.logistic.add_terms();
      term->set_feature(t.name);
      term->set_coefficient(t.coefficient);
      v1::WoeBinning* woe = term->mutable_transform()->mutable_woe();
      woe->set_missing_woe(missing_woe);
      for (const NumericBin& b : t.numeric->bins) {
        v1::Interval iv;
        if (!std::isinf(b.lower)) {
          iv.set_lower(b.lower);
          iv.set_lower_closed(true);
        }
        if (!std::isinf(b.upper)) iv.set_upper(b.upper);
        v1::ScorecardAttribute* a = add(b.woe);
        *a->mutable_interval() = iv;
        a->set_description(IntervalText(b.lower, b.upper));
        v1::WoeBin* wb = woe->add_bins();
        *wb->mutable_interval() = iv;
        wb->set_woe(b.woe);
      }
    } else {
      out.has_logistic = false;
      const CategoryBin* other = nullptr;
      // Every bin with training categories lists them (the other bin too, so the card
      // shows where rare categories went); the other bin then repeats as `otherwise` for
      // categories never seen.
      for (const CategoryBin& b : t.categorical->bins) {
        if (b.other) other = &b;
        if (b.categories.empty()) continue;
        v1::ScorecardAttribute* a = add(b.woe);
        for (const std::string& c : b.categories) a->mutable_categories()->add_values(c);
        std::string desc;
        for (const std::string& c : b.categories) desc += (desc.empty() ? "" : ", ") + c;
        a->set_description(desc);
      }
      v1::ScorecardAttribute* a = add(other ? other->woe : 0.0);
      a->set_otherwise(true);
      a->set_description("other (rare or unseen)");
    }
    ch->set_baseline_score(best);
    if (t.numeric) out.logistic.mutable_terms()->rbegin()->set_reference(best_woe);
  }
  if (!out.has_logistic) out.logistic.Clear();
  return out;
}

}  // namespace credence::fit
