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

// One attribute of a characteristic being built: its points, development rows and, for a
// numeric bin, its index (-1 for the missing attribute and categorical attributes).
struct Placed {
  double points;
  std::int64_t count;
  int bin;
};

// The R type 7 median of the points over the rows (each attribute's points `count` times).
double MedianPoints(std::vector<Placed> attrs) {
  std::sort(attrs.begin(), attrs.end(),
            [](const Placed& a, const Placed& b) { return a.points < b.points; });
  std::int64_t n = 0;
  for (const Placed& a : attrs) n += a.count;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  auto at = [&](std::int64_t k) {  // the k-th smallest (0-based) row's points
    for (const Placed& a : attrs) {
      if (k < a.count) return a.points;
      k -= a.count;
    }
    return attrs.back().points;
  };
  const double h = static_cast<double>(n - 1) * 0.5;
  const auto lo = static_cast<std::int64_t>(std::floor(h));
  if (lo + 1 >= n) return at(lo);
  return at(lo) + (h - static_cast<double>(lo)) * (at(lo + 1) - at(lo));
}

// The baseline score of one characteristic, and its reason threshold (NaN when none): the
// value given under kOther, else the term's reason_threshold.
std::pair<double, double> ChooseBaseline(const ScorecardTerm& t, const std::vector<Placed>& attrs,
                                         BaselineMethod method) {
  double best = -std::numeric_limits<double>::infinity();
  std::int64_t n = 0;
  double sum = 0;
  for (const Placed& a : attrs) {
    best = std::max(best, a.points);
    n += a.count;
    sum += a.points * static_cast<double>(a.count);
  }
  const double threshold = t.reason_threshold;
  if (method == BaselineMethod::kMax || n == 0) return {best, threshold};
  if (method == BaselineMethod::kMean) return {sum / static_cast<double>(n), threshold};
  if (method == BaselineMethod::kMedian) return {MedianPoints(attrs), threshold};
  // Neutral (or other): the points at a value.
  const bool given = method == BaselineMethod::kOther && !std::isnan(t.baseline_at);
  const double at = given ? t.baseline_at : t.typical_value;
  if (t.numeric != nullptr && !std::isnan(at)) {
    const int bin = t.numeric->BinOf(at);
    for (const Placed& a : attrs) {
      if (a.bin == bin) return {a.points, given ? at : threshold};
    }
  }
  // The attribute holding the median non-missing row (numeric: in value order), or the
  // most frequent one (categorical); the missing attribute when every row is missing.
  const Placed* chosen = &attrs.front();
  std::int64_t present = 0, largest = -1;
  for (const Placed& a : attrs) {
    if (&a != &attrs.front()) present += a.count;
  }
  std::int64_t seen = 0;
  for (const Placed& a : attrs) {
    if (&a == &attrs.front() || present == 0) continue;
    if (t.numeric != nullptr) {
      seen += a.count;
      if (2 * seen >= present && chosen == &attrs.front()) chosen = &a;
    } else if (a.count > largest) {
      largest = a.count;
      chosen = &a;
    }
  }
  return {chosen->points, threshold};
}

}  // namespace

std::optional<BaselineMethod> ParseBaselineMethod(std::string_view name) {
  if (name == "max") return BaselineMethod::kMax;
  if (name == "mean") return BaselineMethod::kMean;
  if (name == "median") return BaselineMethod::kMedian;
  if (name == "neutral") return BaselineMethod::kNeutral;
  if (name == "other") return BaselineMethod::kOther;
  return std::nullopt;
}

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
                                      const ScalingOptions& o, BaselineMethod baseline) {
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
  constexpr v1::BaselineMethod kMethods[] = {
      v1::BASELINE_METHOD_MAX, v1::BASELINE_METHOD_MEAN, v1::BASELINE_METHOD_MEDIAN,
      v1::BASELINE_METHOD_NEUTRAL, v1::BASELINE_METHOD_OTHER};
  card.set_baseline_method(kMethods[static_cast<int>(baseline)]);
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
    std::vector<Placed> placed;
    auto add = [&](double woe, std::int64_t count, int bin) {
      v1::ScorecardAttribute* a = ch->add_attributes();
      const double p = points(t.coefficient, woe);
      a->set_partial_score(p);
      placed.push_back({p, count, bin});
      return a;
    };
    const double missing_woe = t.numeric ? t.numeric->missing_woe : t.categorical->missing_woe;
    v1::ScorecardAttribute* miss = add(
        missing_woe, t.numeric ? t.numeric->missing.count() : t.categorical->missing.count(), -1);
    miss->set_missing(true);
    miss->set_description("missing");
    if (t.numeric) {
      v1::LogisticTerm* term = out.logistic.add_terms();
      term->set_feature(t.name);
      term->set_coefficient(t.coefficient);
      v1::WoeBinning* woe = term->mutable_transform()->mutable_woe();
      woe->set_missing_woe(missing_woe);
      for (std::size_t k = 0; k < t.numeric->bins.size(); ++k) {
        const NumericBin& b = t.numeric->bins[k];
        v1::Interval iv;
        if (!std::isinf(b.lower)) {
          iv.set_lower(b.lower);
          iv.set_lower_closed(true);
        }
        if (!std::isinf(b.upper)) iv.set_upper(b.upper);
        v1::ScorecardAttribute* a = add(b.woe, b.stats.count(), static_cast<int>(k));
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
        v1::ScorecardAttribute* a = add(b.woe, b.stats.count(), -1);
        for (const std::string& c : b.categories) a->mutable_categories()->add_values(c);
        std::string desc;
        for (const std::string& c : b.categories) desc += (desc.empty() ? "" : ", ") + c;
        a->set_description(desc);
      }
      v1::ScorecardAttribute* a = add(other ? other->woe : 0.0, 0, -1);
      a->set_otherwise(true);
      a->set_description("other (rare or unseen)");
    }
    const auto [score, value] = ChooseBaseline(t, placed, baseline);
    ch->set_baseline_score(score);
    if (!std::isnan(value)) ch->set_reason_threshold(value);
    if (t.numeric) {
      // The WoE whose points are the baseline: the logistic twin explains like the card.
      const double woe =
          t.coefficient == 0 ? 0 : ((offset / n - score) / factor - intercept / n) / t.coefficient;
      out.logistic.mutable_terms()->rbegin()->set_reference(woe);
    }
  }
  if (!out.has_logistic) out.logistic.Clear();
  return out;
}

}  // namespace credence::fit
