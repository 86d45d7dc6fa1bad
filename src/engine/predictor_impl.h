// The state behind credence::Predictor (credence/predictor.h), shared by its two source
// files: predictor_load.cc (finding and compiling the model) and predictor.cc (binding and
// predicting). Immutable once loaded.
#ifndef CREDENCE_ENGINE_PREDICTOR_IMPL_H_
#define CREDENCE_ENGINE_PREDICTOR_IMPL_H_

#include <optional>
#include <string>
#include <vector>

#include "credence/predictor.h"
#include "models/model.h"
#include "models/tree_ensemble.h"

namespace credence::engine_internal {

// Exactly one of `trees` (a raw tree file: XGBoost/LightGBM semantics, margins exactly as the
// tool computes them) and `model` (a compiled credence.v1.Model) is set.
struct PredictorModel {
  std::optional<models::TreeEnsemble> trees;
  std::optional<models::BundleModel> model;
  std::vector<std::string> inputs;  // numeric columns, in model order
  bool named_inputs = true;
  std::string description;
};

// Loads the model at `path` as Predictor::Load documents.
Result<PredictorModel> LoadPredictorModel(const std::string& path, const PredictorOptions& options);

}  // namespace credence::engine_internal

#endif  // CREDENCE_ENGINE_PREDICTOR_IMPL_H_
