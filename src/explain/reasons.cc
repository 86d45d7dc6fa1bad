#include "explain/reasons.h"

#include <algorithm>
#include <unordered_set>

namespace credence::explain {

Result<ReasonCatalog> ReasonCatalog::Compile(
    const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes,
    const std::vector<std::string>& feature_names) {
  ReasonCatalog out;
  out.feature_names_ = feature_names;
  out.codes_.assign(codes.begin(), codes.end());
  out.by_feature_.assign(feature_names.size(), -1);
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < feature_names.size(); ++i) index.emplace(feature_names[i], i);
  std::unordered_set<std::string> seen_codes;
  for (std::size_t i = 0; i < out.codes_.size(); ++i) {
    const v1::ReasonCode& c = out.codes_[i];
    const std::string path = "reason_codes[" + std::to_string(i) + "]";
    if (c.code().empty() || !seen_codes.insert(c.code()).second) {
      return InvalidArgumentError("reason codes must be non-empty and unique",
                                  {.field_path = path + ".code"});
    }
    out.by_code_.emplace(c.code(), static_cast<int>(i));
    if (c.feature().empty()) continue;  // text for a scorecard's code
    auto it = index.find(c.feature());
    if (it == index.end()) {
      return InvalidArgumentError(
          "reason code '" + c.code() + "' names unknown feature '" + c.feature() + "'",
          {.field_path = path + ".feature"});
    }
    if (out.by_feature_[it->second] >= 0) {
      return InvalidArgumentError("feature '" + c.feature() + "' has two reason codes",
                                  {.field_path = path + ".feature"});
    }
    out.by_feature_[it->second] = static_cast<int>(i);
  }
  return out;
}

void ReasonCatalog::TopAdverse(std::span<const double> contributions,
                               std::span<const double> values, int max_reasons,
                               const std::string& model_id,
                               google::protobuf::RepeatedPtrField<v1::Reason>* out) const {
  std::vector<std::size_t> adverse;
  for (std::size_t i = 0; i < contributions.size(); ++i) {
    if (contributions[i] > 0) adverse.push_back(i);
  }
  const std::size_t k =
      std::min(adverse.size(), static_cast<std::size_t>(std::max(max_reasons, 0)));
  std::partial_sort(adverse.begin(), adverse.begin() + static_cast<std::ptrdiff_t>(k),
                    adverse.end(), [&](std::size_t a, std::size_t b) {
                      if (contributions[a] != contributions[b]) {
                        return contributions[a] > contributions[b];
                      }
                      return a < b;
                    });
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t f = adverse[j];
    v1::Reason* r = out->Add();
    if (by_feature_[f] >= 0) {
      const v1::ReasonCode& c = codes_[static_cast<std::size_t>(by_feature_[f])];
      r->set_code(c.code());
      r->set_text(c.text());
    } else {
      r->set_code("FEATURE:" + feature_names_[f]);
    }
    r->set_feature(feature_names_[f]);
    r->set_value(values[f]);
    r->set_contribution(contributions[f]);
    r->set_model_id(model_id);
  }
}

void ReasonCatalog::TopAdverse(std::span<const ReasonCandidate> candidates, int max_reasons,
                               const std::string& model_id,
                               google::protobuf::RepeatedPtrField<v1::Reason>* out) const {
  struct Group {
    std::string code;
    std::size_t heaviest;  // index into candidates
    double weight = 0;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> by_code;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const ReasonCandidate& c = candidates[i];
    std::string code(c.code);
    if (code.empty()) {
      auto f = std::find(feature_names_.begin(), feature_names_.end(), c.input);
      const int mapped = f == feature_names_.end()
                             ? -1
                             : by_feature_[static_cast<std::size_t>(f - feature_names_.begin())];
      code = mapped >= 0 ? codes_[static_cast<std::size_t>(mapped)].code()
                         : "FEATURE:" + std::string(c.input);
    }
    auto [it, added] = by_code.emplace(code, groups.size());
    if (added) groups.push_back({code, i, 0});
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
    if (auto t = by_code_.find(g.code); t != by_code_.end()) {
      r->set_text(codes_[static_cast<std::size_t>(t->second)].text());
    }
    r->set_feature(std::string(c.input));
    r->set_value(c.value);
    r->set_contribution(g.weight);
    r->set_model_id(model_id);
  }
}

}  // namespace credence::explain
