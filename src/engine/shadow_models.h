// Shadow and challenger models of a compiled bundle (internal to the engine): which models
// are scored besides the credit model, which model decides for a request under a
// champion/challenger assignment, and the governance metadata each response's audit block
// carries. See docs/governance.md.
#ifndef CREDENCE_ENGINE_SHADOW_MODELS_H_
#define CREDENCE_ENGINE_SHADOW_MODELS_H_

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"
#include "decision/credit_scale.h"
#include "models/model.h"

namespace credence::engine_internal {

// The assignment bucket of an enterprise, in [0, 1): the first 8 bytes of
// SHA-256(salt, 0x00, enterprise_id) as a big-endian integer, divided by 2^64.
double AssignmentBucket(std::string_view salt, std::string_view enterprise_id);

// Immutable once compiled; every method is const and thread-safe.
class ShadowModels {
 public:
  // `model_index` maps model ids to indexes of `models` (bundle order); `credit_model` is
  // the credit model's index or -1. Errors (INVALID_ARGUMENT, with the field path): a shadow
  // naming an unknown model, the credit model or a model twice; a shadow or challenger that
  // does not output a probability; shadows or an assignment without a credit section; a
  // challenger that is the credit model; challenger_share outside [0, 1]; an empty salt.
  static Result<ShadowModels> Compile(const v1::Bundle& bundle,
                                      const std::unordered_map<std::string, int>& model_index,
                                      const std::vector<models::BundleModel>& models,
                                      int credit_model);

  // The index of the model whose result is the credit result for `request`: the credit
  // model, or the challenger when the enterprise's bucket is below the challenger's share.
  // Records the assignment in `audit` when the bundle has one.
  int Assign(const v1::ScoreRequest& request, v1::Audit* audit) const;

  // Scores every shadow model (and, under an assignment, the arm that did not decide) on
  // `values` into response->shadow, scaled and graded like the credit result.
  void Score(const v1::ScoreRequest& request, std::span<const double> values,
             const std::vector<std::string>& feature_names, int deciding,
             const std::vector<models::BundleModel>& models, const decision::ScoreScale& scale,
             const decision::GradeScale& grades, v1::ScoreResponse* response) const;

  // The governance of the model with id `model_id`, or null when it has none (or there is
  // no such model).
  const v1::ModelGovernance* Governance(std::string_view model_id) const;

 private:
  int credit_model_ = -1;
  std::vector<int> shadows_;  // bundle order
  int challenger_ = -1;       // -1: no assignment
  double share_ = 0;
  std::string salt_, salt_digest_;
  std::unordered_map<std::string, v1::ModelGovernance> governance_;  // by model id
};

}  // namespace credence::engine_internal

#endif  // CREDENCE_ENGINE_SHADOW_MODELS_H_
