#include "explain/reasons.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_set>

namespace credence::explain {
namespace {

Status CompileRequirements(
    const google::protobuf::RepeatedPtrField<v1::Feature>& features,
    const std::unordered_map<std::string, int>& feature_index,
    const std::unordered_map<std::string, int>& by_code,
    const std::function<void(int, int, double, const std::string&, v1::RiskDirection)>& set) {
  for (int i = 0; i < features.size(); ++i) {
    const v1::Feature& f = features[i];
    const std::string path = "features[" + std::to_string(i) + "]";
    auto self = feature_index.find(f.name());
    if (self == feature_index.end()) continue;  // the feature plan reports it
    int required = -1;
    if (f.has_data_requirement()) {
      const v1::DataRequirement& r = f.data_requirement();
      auto it = feature_index.find(r.feature());
      if (it == feature_index.end()) {
        return InvalidArgumentError(
            "feature '" + f.name() + "' requires unknown feature '" + r.feature() + "'",
            {.field_path = path + ".data_requirement.feature"});
      }
      if (!std::isfinite(r.min_value())) {
        return InvalidArgumentError("data_requirement.min_value must be finite",
                                    {.field_path = path + ".data_requirement.min_value"});
      }
      if (!r.reason_code().empty() && !by_code.count(r.reason_code())) {
        return InvalidArgumentError("feature '" + f.name() + "': data_requirement.reason_code '" +
                                        r.reason_code() + "' is not in reason_codes",
                                    {.field_path = path + ".data_requirement.reason_code"});
      }
      required = it->second;
    }
    set(self->second, required, f.data_requirement().min_value(),
        f.data_requirement().reason_code(), f.risk_direction());
  }
  return OkStatus();
}

}  // namespace

Result<ReasonCatalog> ReasonCatalog::Compile(
    const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes,
    const std::vector<std::string>& feature_names,
    const google::protobuf::RepeatedPtrField<v1::Feature>* features) {
  ReasonCatalog out;
  out.feature_names_ = feature_names;
  out.codes_.assign(codes.begin(), codes.end());
  out.features_.assign(feature_names.size(), FeatureInfo{});
  for (std::size_t i = 0; i < feature_names.size(); ++i) {
    out.feature_index_.emplace(feature_names[i], static_cast<int>(i));
  }
  std::unordered_set<std::string> seen_codes;
  for (std::size_t i = 0; i < out.codes_.size(); ++i) {
    const v1::ReasonCode& c = out.codes_[i];
    const std::string path = "reason_codes[" + std::to_string(i) + "]";
    if (c.code().empty() || !seen_codes.insert(c.code()).second) {
      return InvalidArgumentError("reason codes must be non-empty and unique",
                                  {.field_path = path + ".code"});
    }
    out.by_code_.emplace(c.code(), static_cast<int>(i));
    if (c.feature().empty()) continue;  // text for a scorecard's or a requirement's code
    auto it = out.feature_index_.find(c.feature());
    if (it == out.feature_index_.end()) {
      return InvalidArgumentError(
          "reason code '" + c.code() + "' names unknown feature '" + c.feature() + "'",
          {.field_path = path + ".feature"});
    }
    FeatureInfo& info = out.features_[static_cast<std::size_t>(it->second)];
    if (c.has_from_value()) {
      if (!std::isfinite(c.from_value())) {
        return InvalidArgumentError("from_value must be finite",
                                    {.field_path = path + ".from_value"});
      }
      for (const auto& [v, k] : info.levels) {
        if (v == c.from_value()) {
          return InvalidArgumentError(
              "feature '" + c.feature() + "' has two reason codes with the same from_value",
              {.field_path = path + ".from_value"});
        }
      }
      info.levels.emplace_back(c.from_value(), static_cast<int>(i));
      std::sort(info.levels.begin(), info.levels.end());
      continue;
    }
    if (info.code >= 0) {
      return InvalidArgumentError("feature '" + c.feature() + "' has two reason codes",
                                  {.field_path = path + ".feature"});
    }
    info.code = static_cast<int>(i);
  }
  if (features != nullptr) {
    CREDENCE_RETURN_IF_ERROR(
        CompileRequirements(*features, out.feature_index_, out.by_code_,
                            [&out](int f, int required, double min, const std::string& code,
                                   v1::RiskDirection direction) {
                              FeatureInfo& info = out.features_[static_cast<std::size_t>(f)];
                              info.required = required;
                              info.min_value = min;
                              info.insufficient_code = code;
                              info.direction = direction;
                            }));
  }
  return out;
}

int ReasonCatalog::FeatureIndex(std::string_view name) const {
  auto it = feature_index_.find(std::string(name));
  return it == feature_index_.end() ? -1 : it->second;
}

void ReasonCatalog::SetText(const std::string& code, v1::Reason* r) const {
  if (auto t = by_code_.find(code); t != by_code_.end()) {
    r->set_text(codes_[static_cast<std::size_t>(t->second)].text());
  }
}

// The truthfulness rules of reasons.h, for feature `feature` (-1: an enterprise field).
std::optional<ReasonCatalog::Verdict> ReasonCatalog::Judge(int feature, double value,
                                                           double reason_threshold,
                                                           std::span<const double> values) const {
  if (feature < 0) return Verdict{"", v1::REASON_KIND_ADVERSE};
  const FeatureInfo& info = features_[static_cast<std::size_t>(feature)];
  bool has_data = !std::isnan(value);
  if (info.required >= 0) {
    const double have = values[static_cast<std::size_t>(info.required)];
    has_data = has_data && !std::isnan(have) && have >= info.min_value;
  }
  if (!has_data) {
    // The requirement's code; without one, the model's own code (a scorecard attribute or
    // characteristic that names one) or nothing.
    return Verdict{info.insufficient_code, v1::REASON_KIND_INSUFFICIENT_DATA};
  }
  if (info.direction == v1::RISK_DIRECTION_NONE) return std::nullopt;
  if (!std::isnan(reason_threshold)) {
    if (info.direction == v1::RISK_DIRECTION_INCREASING && !(value > reason_threshold)) {
      return std::nullopt;
    }
    if (info.direction == v1::RISK_DIRECTION_DECREASING && !(value < reason_threshold)) {
      return std::nullopt;
    }
  }
  return Verdict{CodeFor(feature, value), v1::REASON_KIND_ADVERSE};
}

std::string ReasonCatalog::CodeFor(int feature, double value) const {
  const FeatureInfo& info = features_[static_cast<std::size_t>(feature)];
  int chosen = info.code;
  if (info.direction == v1::RISK_DIRECTION_DECREASING) {
    for (auto it = info.levels.begin(); it != info.levels.end(); ++it) {
      if (value <= it->first) {
        chosen = it->second;
        break;
      }
    }
  } else {
    for (auto it = info.levels.rbegin(); it != info.levels.rend(); ++it) {
      if (value >= it->first) {
        chosen = it->second;
        break;
      }
    }
  }
  return chosen >= 0 ? codes_[static_cast<std::size_t>(chosen)].code()
                     : "FEATURE:" + feature_names_[static_cast<std::size_t>(feature)];
}

void ReasonCatalog::TopAdverse(std::span<const double> contributions,
                               std::span<const double> values, int max_reasons,
                               const std::string& model_id,
                               google::protobuf::RepeatedPtrField<v1::Reason>* out) const {
  std::vector<ReasonCandidate> candidates;
  for (std::size_t i = 0; i < contributions.size(); ++i) {
    if (contributions[i] > 0) {
      candidates.push_back({"", feature_names_[i], values[i], contributions[i]});
    }
  }
  TopAdverse(candidates, values, max_reasons, model_id, out);
}

void ReasonCatalog::TopAdverse(std::span<const ReasonCandidate> candidates,
                               std::span<const double> values, int max_reasons,
                               const std::string& model_id,
                               google::protobuf::RepeatedPtrField<v1::Reason>* out) const {
  struct Group {
    std::string code;
    v1::ReasonKind kind;
    std::size_t heaviest;  // index into candidates
    double weight = 0;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> by_code;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const ReasonCandidate& c = candidates[i];
    const int feature = FeatureIndex(c.input);
    std::optional<Verdict> verdict = Judge(feature, c.value, c.reason_threshold, values);
    if (!verdict) continue;
    const bool insufficient = verdict->kind == v1::REASON_KIND_INSUFFICIENT_DATA;
    std::string code = insufficient && !verdict->code.empty() ? verdict->code
                       : !c.code.empty()                      ? std::string(c.code)
                       : insufficient                         ? std::string()
                       : feature >= 0                         ? verdict->code
                                                              : "FEATURE:" + std::string(c.input);
    if (code.empty()) continue;
    auto [it, added] = by_code.emplace(code, groups.size());
    if (added) groups.push_back({code, verdict->kind, i, 0});
    Group& g = groups[it->second];
    g.weight += c.weight;
    if (c.weight > candidates[g.heaviest].weight) g.heaviest = i;
  }
  std::vector<std::size_t> adverse;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].weight > 0) adverse.push_back(i);
  }
  const std::size_t k =
      std::min(adverse.size(), static_cast<std::size_t>(std::max(max_reasons, 0)));
  std::partial_sort(adverse.begin(), adverse.begin() + static_cast<std::ptrdiff_t>(k),
                    adverse.end(), [&](std::size_t a, std::size_t b) {
                      if (groups[a].weight != groups[b].weight) {
                        return groups[a].weight > groups[b].weight;
                      }
                      return a < b;
                    });
  for (std::size_t j = 0; j < k; ++j) {
    const Group& g = groups[adverse[j]];
    const ReasonCandidate& c = candidates[g.heaviest];
    v1::Reason* r = out->Add();
    r->set_code(g.code);
    SetText(g.code, r);
    r->set_feature(std::string(c.input));
    r->set_value(c.value);
    r->set_contribution(g.weight);
    r->set_model_id(model_id);
    r->set_kind(g.kind);
  }
}

}  // namespace credence::explain
