// A bundle model (credence.v1.Model) compiled against the bundle's feature vector: logistic
// regression, a scorecard, or a tree ensemble imported from XGBoost JSON / LightGBM text.
#ifndef CREDENCE_MODELS_MODEL_H_
#define CREDENCE_MODELS_MODEL_H_

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "models/logistic.h"
#include "models/scorecard.h"
#include "models/tree_ensemble.h"

namespace credence::models {

// Immutable once compiled; Predict is const and thread-safe.
class BundleModel {
 public:
  // `feature_index` maps a bundle feature name to its index (-1 = unknown). For a tree
  // ensemble, `file_bytes` holds the model file named by tree_ensemble.file (the engine reads
  // it). `path` is the model's field path ("models[1]"). Errors: INVALID_ARGUMENT (unknown
  // feature, a feature list that does not match the model's columns, an unknown format),
  // plus the loader's errors for a bad model file.
  // `string_features`: see Scorecard::Compile (for credence predict; bundles have numeric
  // features only).
  static Result<BundleModel> Compile(const v1::Model& model,
                                     const std::function<int(std::string_view)>& feature_index,
                                     std::string_view file_bytes, const std::string& path,
                                     const TreeLoadOptions& limits = {},
                                     bool string_features = false);

  BundleModel(BundleModel&&) noexcept;
  BundleModel& operator=(BundleModel&&) noexcept;
  ~BundleModel();

  // True when the output is a probability (logistic regression; a scorecard with a scaling;
  // a tree ensemble with a sigmoid output or a log-odds margin). Only such models may be the
  // credit model.
  bool outputs_probability() const;
  const std::string& id() const;
  // The compiled scorecard, or null for other kinds.
  const Scorecard* scorecard() const;
  // The enterprise fields the model reads (scorecards); Predict's `strings` holds their
  // values in this order (see EnterpriseField).
  const std::vector<std::string>& string_fields() const;

  // Fills `out`: margin (log-odds of default for probability models), probability and
  // per-feature contributions to the margin (TreeSHAP for ensembles; the bias is not a
  // feature and is left out). A tree ensemble treats a missing feature as XGBoost/LightGBM
  // do (default direction), so its output is always available. Scorecards also fill points,
  // partial scores and reason candidates (see ModelOutput); `strings` holds the values of
  // string_fields() (may be empty when there are none). Without `contributions` a tree
  // ensemble skips TreeSHAP and leaves its contributions at 0 (the margin and probability
  // are the same); shadow models need no explanation.
  void Predict(std::span<const double> features, const std::vector<std::string>& feature_names,
               ModelOutput& out, std::span<const std::string> strings = {},
               bool contributions = true) const;

 private:
  struct Rep;
  explicit BundleModel(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace credence::models

#endif  // CREDENCE_MODELS_MODEL_H_
