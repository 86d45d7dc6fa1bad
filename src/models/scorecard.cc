#include "models/scorecard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <unordered_map>
#include <unordered_set>

namespace credence::models {
namespace {

std::string Num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Status Finite(double v, const std::string& what, const std::string& path) {
  if (std::isfinite(v)) return OkStatus();
  return InvalidArgumentError(what + " must be a finite number, not " + Num(v),
                              {.field_path = path});
}

}  // namespace

bool ValidEnterpriseField(std::string_view field) {
  if (field == "zone" || field == "sector" || field == "country") return true;
  constexpr std::string_view kAttr = "attributes.";
  return field.size() > kAttr.size() && field.substr(0, kAttr.size()) == kAttr;
}

std::string EnterpriseField(const v1::Enterprise& e, std::string_view field) {
  if (field == "zone") return e.zone();
  if (field == "sector") return e.sector();
  if (field == "country") return e.country();
  constexpr std::string_view kAttr = "attributes.";
  if (field.size() > kAttr.size() && field.substr(0, kAttr.size()) == kAttr) {
    auto it = e.attributes().find(std::string(field.substr(kAttr.size())));
    if (it != e.attributes().end() && it->second.has_string_value()) {
      return it->second.string_value();
    }
  }
  return "";
}

struct Scorecard::CompileState {
  const std::function<int(std::string_view)>& feature_index;
  bool string_features;
  bool uses_codes = false;  // any characteristic or attribute names a reason code
  std::unordered_set<std::string> names;
  std::unordered_map<std::string, int> field_index;
};

struct Scorecard::AttributeScan {
  bool seen_otherwise = false, seen_missing = false, has_interval = false;
  std::vector<PlacedInterval> placed;
  std::unordered_map<std::string, std::string> seen_strings;  // value -> path
};

Result<Scorecard> Scorecard::Compile(const v1::Scorecard& card,
                                     const std::function<int(std::string_view)>& feature_index,
                                     const std::string& path, bool string_features) {
  Scorecard out;
  CREDENCE_RETURN_IF_ERROR(out.CompileHeader(card, path));
  if (card.characteristics().empty()) {
    return InvalidArgumentError("a scorecard needs at least one characteristic",
                                {.field_path = path + ".characteristics"});
  }
  CompileState state{.feature_index = feature_index, .string_features = string_features};
  for (const auto& c : card.characteristics()) {
    state.uses_codes = state.uses_codes || !c.reason_code().empty();
    for (const auto& a : c.attributes()) {
      state.uses_codes = state.uses_codes || !a.reason_code().empty();
    }
  }
  for (int i = 0; i < card.characteristics_size(); ++i) {
    CREDENCE_RETURN_IF_ERROR(out.CompileCharacteristic(
        card.characteristics(i), path + ".characteristics[" + std::to_string(i) + "]", state));
  }
  return out;
}

// The initial score, the reason-code algorithm and the scaling.
Status Scorecard::CompileHeader(const v1::Scorecard& card, const std::string& path) {
  CREDENCE_RETURN_IF_ERROR(Finite(card.initial_score(), "initial_score", path + ".initial_score"));
  initial_score_ = card.initial_score();
  switch (card.reason_code_algorithm()) {
    case v1::REASON_CODE_ALGORITHM_UNSPECIFIED:
    case v1::REASON_CODE_ALGORITHM_POINTS_BELOW:
      break;
    case v1::REASON_CODE_ALGORITHM_POINTS_ABOVE:
      points_above_ = true;
      break;
    default:
      return InvalidArgumentError("unknown reason_code_algorithm",
                                  {.field_path = path + ".reason_code_algorithm"});
  }
  zero_when_unmatched_ = card.zero_when_unmatched();
  return card.has_scaling() ? CompileScaling(card.scaling(), path) : OkStatus();
}

Status Scorecard::CompileScaling(const v1::ScoreScaling& s, const std::string& path) {
  const std::string sp = path + ".scaling";
  CREDENCE_RETURN_IF_ERROR(Finite(s.base_score(), "base_score", sp + ".base_score"));
  if (!(std::isfinite(s.base_odds()) && s.base_odds() > 0)) {
    return InvalidArgumentError("base_odds must be a positive finite number",
                                {.field_path = sp + ".base_odds"});
  }
  if (!(std::isfinite(s.pdo()) && s.pdo() > 0)) {
    return InvalidArgumentError("pdo must be a positive finite number",
                                {.field_path = sp + ".pdo"});
  }
  if (points_above_) {
    return InvalidArgumentError(
        "a scaling reads higher points as lower risk, so adverse reasons are points below "
        "the baseline: use POINTS_BELOW with a scaling",
        {.field_path = path + ".reason_code_algorithm"});
  }
  has_scaling_ = true;
  factor_ = s.pdo() / std::numbers::ln2;
  offset_ = s.base_score() - factor_ * std::log(s.base_odds());
  return OkStatus();
}

Status Scorecard::CompileCharacteristic(const v1::ScorecardCharacteristic& c, const std::string& cp,
                                        CompileState& state) {
  if (c.name().empty() || !state.names.insert(c.name()).second) {
    return InvalidArgumentError("characteristic names must be non-empty and unique",
                                {.field_path = cp + ".name"});
  }
  Characteristic ch;
  CREDENCE_RETURN_IF_ERROR(BindInput(c, cp, state, ch));
  CREDENCE_RETURN_IF_ERROR(CompileReasonFields(c, cp, state.uses_codes, ch));
  if (c.attributes().empty()) {
    return InvalidArgumentError("characteristic '" + c.name() + "' has no attributes",
                                {.field_path = cp + ".attributes"});
  }
  AttributeScan scan;
  for (int j = 0; j < c.attributes_size(); ++j) {
    const v1::ScorecardAttribute& a = c.attributes(j);
    const std::string ap = cp + ".attributes[" + std::to_string(j) + "]";
    Attribute attr;
    CREDENCE_RETURN_IF_ERROR(CompileAttribute(a, ap, ch, scan, attr));
    attr.reason_code = a.reason_code().empty() ? c.reason_code() : a.reason_code();
    if (state.uses_codes && attr.reason_code.empty()) {
      return InvalidArgumentError(
          "this attribute has no reason code (neither its own nor its characteristic's) "
          "while the scorecard uses reason codes",
          {.field_path = ap + ".reason_code"});
    }
    ch.attributes.push_back(std::move(attr));
  }
  // Overlaps (numeric categories are one-point intervals); without `otherwise`, intervals
  // must leave no number out.
  CREDENCE_RETURN_IF_ERROR(CheckIntervals(
      std::move(scan.placed), scan.has_interval && !scan.seen_otherwise, cp + ".attributes"));
  chars_.push_back(std::move(ch));
  names_.push_back(c.name());
  return OkStatus();
}

// What the characteristic reads: a numeric feature, or a string column (an enterprise field,
// or a feature given as strings to `credence predict`).
Status Scorecard::BindInput(const v1::ScorecardCharacteristic& c, const std::string& cp,
                            CompileState& state, Characteristic& ch) {
  auto string_column = [&](const std::string& name) {
    auto [it, added] = state.field_index.emplace(name, static_cast<int>(string_fields_.size()));
    if (added) string_fields_.push_back(name);
    ch.string_field = it->second;
    ch.input = name;
  };
  bool string_feature = false;  // a feature read as a string column (credence predict)
  if (state.string_features && c.input_case() == v1::ScorecardCharacteristic::kFeature) {
    for (const auto& a : c.attributes()) {
      string_feature = string_feature || (a.has_categories() && !a.categories().values().empty());
    }
  }
  if (string_feature) {
    string_column(c.feature());
    return OkStatus();
  }
  switch (c.input_case()) {
    case v1::ScorecardCharacteristic::kFeature:
      ch.feature = state.feature_index(c.feature());
      if (ch.feature < 0) {
        return InvalidArgumentError("unknown feature '" + c.feature() + "'",
                                    {.field_path = cp + ".feature"});
      }
      ch.input = c.feature();
      return OkStatus();
    case v1::ScorecardCharacteristic::kEnterpriseField:
      if (!ValidEnterpriseField(c.enterprise_field())) {
        return InvalidArgumentError("unknown enterprise field '" + c.enterprise_field() +
                                        "' (zone, sector, country or attributes.<key>)",
                                    {.field_path = cp + ".enterprise_field"});
      }
      string_column(c.enterprise_field());
      return OkStatus();
    case v1::ScorecardCharacteristic::INPUT_NOT_SET:
      break;
  }
  return InvalidArgumentError(
      "characteristic '" + c.name() + "' needs an input: a feature or an enterprise_field",
      {.field_path = cp});
}

// The reason code, the baseline (required when the card uses reason codes) and the threshold.
Status Scorecard::CompileReasonFields(const v1::ScorecardCharacteristic& c, const std::string& cp,
                                      bool uses_codes, Characteristic& ch) {
  ch.reason_code = c.reason_code();
  if (c.has_baseline_score()) {
    CREDENCE_RETURN_IF_ERROR(Finite(c.baseline_score(), "baseline_score", cp + ".baseline_score"));
    ch.baseline = c.baseline_score();
  } else if (uses_codes) {
    return InvalidArgumentError(
        "characteristic '" + c.name() + "' needs a baseline_score: the scorecard uses reason codes",
        {.field_path = cp + ".baseline_score"});
  }
  if (c.has_reason_threshold()) {
    CREDENCE_RETURN_IF_ERROR(
        Finite(c.reason_threshold(), "reason_threshold", cp + ".reason_threshold"));
    ch.reason_threshold = c.reason_threshold();
  }
  return OkStatus();
}

// One attribute's points and predicate (not its reason code).
Status Scorecard::CompileAttribute(const v1::ScorecardAttribute& a, const std::string& ap,
                                   const Characteristic& ch, AttributeScan& scan, Attribute& attr) {
  if (scan.seen_otherwise) {
    return InvalidArgumentError(
        "this attribute can never match: it comes after an `otherwise` attribute",
        {.field_path = ap});
  }
  CREDENCE_RETURN_IF_ERROR(Finite(a.partial_score(), "partial_score", ap + ".partial_score"));
  attr.partial_score = a.partial_score();
  switch (a.predicate_case()) {
    case v1::ScorecardAttribute::kInterval: {
      if (ch.feature < 0) {
        return InvalidArgumentError("an interval needs a numeric input; enterprise field '" +
                                        ch.input + "' is a string (use categories.values)",
                                    {.field_path = ap + ".interval"});
      }
      CREDENCE_ASSIGN_OR_RETURN(attr.interval, CompileInterval(a.interval(), ap + ".interval"));
      attr.kind = Kind::kInterval;
      scan.placed.push_back({attr.interval, ap + ".interval"});
      scan.has_interval = true;
      return OkStatus();
    }
    case v1::ScorecardAttribute::kCategories:
      return CompileCategories(a.categories(), ap, ch, scan, attr);
    case v1::ScorecardAttribute::kMissing:
      if (!a.missing()) {
        return InvalidArgumentError("write `missing: true`", {.field_path = ap + ".missing"});
      }
      if (scan.seen_missing) {
        return InvalidArgumentError(
            "this `missing` attribute can never match: an earlier one matches first",
            {.field_path = ap + ".missing"});
      }
      scan.seen_missing = true;
      attr.kind = Kind::kMissing;
      return OkStatus();
    case v1::ScorecardAttribute::kOtherwise:
      if (!a.otherwise()) {
        return InvalidArgumentError("write `otherwise: true`", {.field_path = ap + ".otherwise"});
      }
      scan.seen_otherwise = true;
      attr.kind = Kind::kOtherwise;
      return OkStatus();
    case v1::ScorecardAttribute::PREDICATE_NOT_SET:
      break;
  }
  return InvalidArgumentError(
      "an attribute needs a predicate: interval, categories, missing or otherwise",
      {.field_path = ap});
}

// A category set: numbers for a numeric input (one-point intervals), strings otherwise.
Status Scorecard::CompileCategories(const v1::CategorySet& set, const std::string& ap,
                                    const Characteristic& ch, AttributeScan& scan,
                                    Attribute& attr) {
  const bool numeric = ch.feature >= 0;
  if (numeric && !set.values().empty()) {
    return InvalidArgumentError("feature '" + ch.input +
                                    "' is numeric: list its categories in categories.numbers "
                                    "(string categories need an enterprise_field input)",
                                {.field_path = ap + ".categories.values"});
  }
  if (!numeric && !set.numbers().empty()) {
    return InvalidArgumentError(
        "'" + ch.input + "' is a string: list its categories in categories.values",
        {.field_path = ap + ".categories.numbers"});
  }
  if (numeric ? set.numbers().empty() : set.values().empty()) {
    return InvalidArgumentError("an empty category set can never match",
                                {.field_path = ap + ".categories"});
  }
  for (int k = 0; numeric && k < set.numbers_size(); ++k) {
    const double v = set.numbers(k);
    const std::string np = ap + ".categories.numbers[" + std::to_string(k) + "]";
    CREDENCE_RETURN_IF_ERROR(Finite(v, "a category", np));
    scan.placed.push_back({NumericInterval{v, v, true, true}, np});
    attr.numbers.push_back(v);
  }
  for (int k = 0; !numeric && k < set.values_size(); ++k) {
    const std::string& v = set.values(k);
    const std::string vp = ap + ".categories.values[" + std::to_string(k) + "]";
    if (v.empty()) {
      return InvalidArgumentError("the empty string is a missing value: use a `missing` attribute",
                                  {.field_path = vp});
    }
    auto [it, added] = scan.seen_strings.emplace(v, vp);
    if (!added) {
      return InvalidArgumentError(
          "category \"" + v + "\" can never match here: it is already listed at " + it->second,
          {.field_path = vp});
    }
    attr.strings.push_back(v);
  }
  attr.kind = numeric ? Kind::kNumbers : Kind::kStrings;
  return OkStatus();
}

int Scorecard::MatchAttribute(std::size_t i, double x, std::string_view s) const {
  const Characteristic& c = chars_[i];
  const bool missing = c.feature >= 0 ? std::isnan(x) : s.empty();
  for (std::size_t j = 0; j < c.attributes.size(); ++j) {
    const Attribute& a = c.attributes[j];
    bool match = false;
    switch (a.kind) {
      case Kind::kInterval:
        match = !missing && a.interval.Contains(x);
        break;
      case Kind::kNumbers:
        match = !missing && std::find(a.numbers.begin(), a.numbers.end(), x) != a.numbers.end();
        break;
      case Kind::kStrings:
        match = !missing && std::find(a.strings.begin(), a.strings.end(), s) != a.strings.end();
        break;
      case Kind::kMissing:
        match = missing;
        break;
      case Kind::kOtherwise:
        match = true;
        break;
    }
    if (match) return static_cast<int>(j);
  }
  return -1;
}

void Scorecard::Predict(std::span<const double> features, std::span<const std::string> strings,
                        ModelOutput& out) const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  out.contributions.assign(features.size(), 0.0);
  out.partial_scores.assign(chars_.size(), 0.0);
  out.reason_candidates.clear();
  out.margin = kNaN;
  out.probability = kNaN;
  double points = initial_score_;
  for (std::size_t i = 0; i < chars_.size(); ++i) {
    const Characteristic& c = chars_[i];
    double x = kNaN;
    std::string_view s;
    bool missing;
    if (c.feature >= 0) {
      x = features[static_cast<std::size_t>(c.feature)];
      missing = std::isnan(x);
    } else {
      s = strings[static_cast<std::size_t>(c.string_field)];
      missing = s.empty();
    }
    const int matched = MatchAttribute(i, x, s);
    const Attribute* hit = matched < 0 ? nullptr : &c.attributes[static_cast<std::size_t>(matched)];
    double partial = 0;
    std::string_view code = c.reason_code;
    if (hit != nullptr) {
      partial = hit->partial_score;
      code = hit->reason_code;
    } else if (!zero_when_unmatched_) {
      out.available = false;
      const std::string shown = c.feature >= 0
                                    ? (missing ? "missing" : Num(x))
                                    : (missing ? "missing" : "\"" + std::string(s) + "\"");
      out.unavailable_reason =
          "characteristic '" + names_[i] + "' has no attribute for " + c.input + " = " + shown;
      out.reason_candidates.clear();
      return;
    }
    out.partial_scores[i] = partial;
    points += partial;
    if (c.baseline) {
      double weight = points_above_ ? partial - *c.baseline : *c.baseline - partial;
      if (has_scaling_) weight /= factor_;
      out.reason_candidates.push_back({code, c.input, x, weight, c.reason_threshold});
      if (has_scaling_ && c.feature >= 0) {
        out.contributions[static_cast<std::size_t>(c.feature)] += weight;
      }
    }
  }
  out.points = points;
  out.available = std::isfinite(points);
  if (!out.available) {
    out.unavailable_reason = "the total points are not finite";
    return;
  }
  if (has_scaling_) {
    // ln(good:bad odds) = (points - offset) / factor; the margin is the log-odds of default.
    out.margin = -(points - offset_) / factor_;
    out.probability = Sigmoid(out.margin);
  }
}

}  // namespace credence::models
