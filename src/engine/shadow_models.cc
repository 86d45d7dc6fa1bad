// Shadow models, champion/challenger assignment and model governance. See shadow_models.h.
#include "engine/shadow_models.h"

#include <algorithm>
#include <cmath>

#include "core/sha256.h"

namespace credence::engine_internal {
namespace {

SourceLocation At(std::string path) { return SourceLocation{.field_path = std::move(path)}; }

Status ProbabilityModel(const models::BundleModel& m, const std::string& what,
                        const std::string& path) {
  if (m.outputs_probability()) return OkStatus();
  return InvalidArgumentError(what + " '" + m.id() + "' does not output a probability", At(path));
}

}  // namespace

double AssignmentBucket(std::string_view salt, std::string_view enterprise_id) {
  core::Sha256 sha;
  sha.Update(salt);
  sha.Update(std::string_view("\0", 1));
  sha.Update(enterprise_id);
  const std::array<std::uint8_t, 32> digest = sha.Finish();
  std::uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x = (x << 8) | digest[static_cast<std::size_t>(i)];
  return std::ldexp(static_cast<double>(x >> 11), -53);  // 53 bits: exact, always < 1
}

Result<ShadowModels> ShadowModels::Compile(const v1::Bundle& bundle,
                                           const std::unordered_map<std::string, int>& model_index,
                                           const std::vector<models::BundleModel>& models,
                                           int credit_model) {
  ShadowModels out;
  out.credit_model_ = credit_model;
  for (const v1::Model& m : bundle.models()) {
    if (m.has_governance()) out.governance_.emplace(m.id(), m.governance());
  }
  const bool any = bundle.shadow_models_size() > 0 || bundle.has_champion_challenger();
  if (any && credit_model < 0) {
    return InvalidArgumentError(
        "shadow_models and champion_challenger need a credit section (its scaling and grade "
        "scale grade their results)",
        At(bundle.shadow_models_size() > 0 ? "shadow_models" : "champion_challenger"));
  }
  for (int i = 0; i < bundle.shadow_models_size(); ++i) {
    const std::string path = "shadow_models[" + std::to_string(i) + "]";
    auto it = model_index.find(bundle.shadow_models(i));
    if (it == model_index.end()) {
      return InvalidArgumentError("unknown model '" + bundle.shadow_models(i) + "'", At(path));
    }
    if (it->second == credit_model ||
        std::find(out.shadows_.begin(), out.shadows_.end(), it->second) != out.shadows_.end()) {
      return InvalidArgumentError(
          "model '" + bundle.shadow_models(i) + "' is the credit model or listed twice", At(path));
    }
    CREDENCE_RETURN_IF_ERROR(
        ProbabilityModel(models[static_cast<std::size_t>(it->second)], "shadow model", path));
    out.shadows_.push_back(it->second);
  }
  if (!bundle.has_champion_challenger()) return out;
  const v1::ChampionChallenger& cc = bundle.champion_challenger();
  auto it = model_index.find(cc.challenger_model());
  if (it == model_index.end() || it->second == credit_model) {
    return InvalidArgumentError(
        "challenger_model must name a model other than the credit model, not '" +
            cc.challenger_model() + "'",
        At("champion_challenger.challenger_model"));
  }
  CREDENCE_RETURN_IF_ERROR(ProbabilityModel(models[static_cast<std::size_t>(it->second)],
                                            "challenger", "champion_challenger.challenger_model"));
  if (!(cc.challenger_share() >= 0 && cc.challenger_share() <= 1)) {
    return InvalidArgumentError("challenger_share must be in [0, 1]",
                                At("champion_challenger.challenger_share"));
  }
  if (cc.salt().empty()) {
    return InvalidArgumentError("a champion/challenger assignment needs a salt",
                                At("champion_challenger.salt"));
  }
  out.challenger_ = it->second;
  out.share_ = cc.challenger_share();
  out.salt_ = cc.salt();
  core::Sha256 sha;
  sha.Update(cc.salt());
  out.salt_digest_ = sha.FinishHex().substr(0, 16);
  return out;
}

int ShadowModels::Assign(const v1::ScoreRequest& request, v1::Audit* audit) const {
  if (challenger_ < 0) return credit_model_;
  const double bucket = AssignmentBucket(salt_, request.enterprise().id());
  const bool challenger = bucket < share_;
  v1::Assignment* a = audit->mutable_assignment();
  a->set_arm(challenger ? "challenger" : "champion");
  a->set_bucket(bucket);
  a->set_salt_digest(salt_digest_);
  return challenger ? challenger_ : credit_model_;
}

void ShadowModels::Score(const v1::ScoreRequest& request, std::span<const double> values,
                         const std::vector<std::string>& feature_names, int deciding,
                         const std::vector<models::BundleModel>& models,
                         const decision::ScoreScale& scale, const decision::GradeScale& grades,
                         v1::ScoreResponse* response) const {
  std::vector<int> list = shadows_;
  if (challenger_ >= 0) {
    const int other = deciding == challenger_ ? credit_model_ : challenger_;
    if (std::find(list.begin(), list.end(), other) == list.end()) list.push_back(other);
  }
  for (int index : list) {
    const models::BundleModel& model = models[static_cast<std::size_t>(index)];
    std::vector<std::string> strings;
    for (const std::string& f : model.string_fields()) {
      strings.push_back(models::EnterpriseField(request.enterprise(), f));
    }
    models::ModelOutput out;
    model.Predict(values, feature_names, out, strings, /*contributions=*/false);
    v1::CreditResult* r = response->add_shadow();
    r->set_model_id(model.id());
    r->set_available(out.available);
    if (!out.available) {
      r->set_unavailable_reason(out.unavailable_reason);
      continue;
    }
    r->set_margin(out.margin);
    r->set_pd(out.probability);
    r->set_score(scale.ScoreFromMargin(out.margin));
    r->set_grade(grades.Band(out.probability).grade());
  }
}

const v1::ModelGovernance* ShadowModels::Governance(std::string_view model_id) const {
  auto it = governance_.find(std::string(model_id));
  return it == governance_.end() ? nullptr : &it->second;
}

}  // namespace credence::engine_internal
