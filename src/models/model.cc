#include "models/model.h"

#include <cmath>
#include <optional>

namespace credence::models {

struct BundleModel::Rep {
  std::string id;
  std::optional<LogisticRegression> logistic;
  std::optional<Scorecard> scorecard;
  std::optional<TreeEnsemble> trees;
  std::vector<int> columns;   // tree input column c reads feature columns[c]
  bool logit_margin = false;  // trees: the margin is already log-odds (logitraw)
};

BundleModel::BundleModel(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
BundleModel::BundleModel(BundleModel&&) noexcept = default;
BundleModel& BundleModel::operator=(BundleModel&&) noexcept = default;
BundleModel::~BundleModel() = default;
const std::string& BundleModel::id() const { return rep_->id; }

const Scorecard* BundleModel::scorecard() const {
  return rep_->scorecard ? &*rep_->scorecard : nullptr;
}

const std::vector<std::string>& BundleModel::string_fields() const {
  static const std::vector<std::string> kNone;
  return rep_->scorecard ? rep_->scorecard->string_fields() : kNone;
}

bool BundleModel::outputs_probability() const {
  if (rep_->logistic) return true;
  if (rep_->scorecard) return rep_->scorecard->has_scaling();
  return rep_->trees->output_transform() == TreeOutputTransform::kSigmoid || rep_->logit_margin;
}

Result<BundleModel> BundleModel::Compile(const v1::Model& model,
                                         const std::function<int(std::string_view)>& feature_index,
                                         std::string_view file_bytes, const std::string& path,
                                         const TreeLoadOptions& limits, bool string_features) {
  auto rep = std::make_unique<Rep>();
  rep->id = model.id();
  if (model.has_logistic()) {
    CREDENCE_ASSIGN_OR_RETURN(
        auto lr, LogisticRegression::Compile(model.logistic(), feature_index, path + ".logistic"));
    rep->logistic = std::move(lr);
    return BundleModel(std::move(rep));
  }
  if (model.has_scorecard()) {
    CREDENCE_ASSIGN_OR_RETURN(auto card, Scorecard::Compile(model.scorecard(), feature_index,
                                                            path + ".scorecard", string_features));
    rep->scorecard = std::move(card);
    return BundleModel(std::move(rep));
  }
  if (!model.has_tree_ensemble()) {
    return InvalidArgumentError("model '" + model.id() + "' has no supported kind",
                                {.field_path = path});
  }
  const v1::TreeEnsemble& te = model.tree_ensemble();
  const std::string tp = path + ".tree_ensemble";
  Result<TreeEnsemble> loaded = InvalidArgumentError("unknown format");
  switch (te.format()) {
    case v1::TREE_MODEL_FORMAT_XGBOOST_JSON:
      loaded = LoadXgboostJson(file_bytes, limits);
      break;
    case v1::TREE_MODEL_FORMAT_LIGHTGBM_TEXT:
      loaded = LoadLightgbmText(file_bytes, limits);
      break;
    default:
      return InvalidArgumentError("tree_ensemble.format must be XGBOOST_JSON or LIGHTGBM_TEXT",
                                  {.field_path = tp + ".format"});
  }
  if (!loaded.ok()) {
    // Where in the model file: its line (LightGBM) or JSON path (XGBoost).
    SourceLocation inner;
    if (const SourceLocation* at = loaded.status().location()) inner = *at;
    inner.file = te.file();
    return Status(loaded.status().code(),
                  "model file " + inner.ToString() + ": " + std::string(loaded.status().message()),
                  {.field_path = tp + ".file"});
  }
  rep->trees = std::move(loaded).value();
  const TreeEnsemble& trees = *rep->trees;
  // Input columns: the bundle lists feature names in column order; without a list, the
  // model's own feature names must all be bundle features.
  std::vector<std::string> names(te.features().begin(), te.features().end());
  if (names.empty()) names = trees.feature_names();
  if (names.size() != trees.num_features()) {
    return InvalidArgumentError(
        "the model has " + std::to_string(trees.num_features()) + " input columns but " +
            std::to_string(names.size()) +
            " feature names are given (list them in tree_ensemble.features, in column order)",
        {.field_path = tp + ".features"});
  }
  for (std::size_t c = 0; c < names.size(); ++c) {
    const int index = feature_index(names[c]);
    if (index < 0) {
      return InvalidArgumentError(
          "model column " + std::to_string(c) + " reads unknown feature '" + names[c] + "'",
          {.field_path = tp + ".features"});
    }
    rep->columns.push_back(index);
  }
  rep->logit_margin = trees.objective() == "binary:logitraw";
  return BundleModel(std::move(rep));
}

void BundleModel::Predict(std::span<const double> features,
                          const std::vector<std::string>& feature_names, ModelOutput& out,
                          std::span<const std::string> strings, bool contributions) const {
  out.reason_candidates.clear();
  out.partial_scores.clear();
  if (rep_->scorecard) {
    if (strings.size() < rep_->scorecard->string_fields().size()) {
      out.available = false;
      out.unavailable_reason = "the scorecard reads enterprise fields that were not given";
      out.contributions.assign(features.size(), 0.0);
      return;
    }
    rep_->scorecard->Predict(features, strings, out);
    return;
  }
  if (rep_->logistic) {
    rep_->logistic->Predict(features, feature_names, out);
    return;
  }
  const TreeEnsemble& trees = *rep_->trees;
  std::vector<double> row(rep_->columns.size());
  for (std::size_t c = 0; c < row.size(); ++c) {
    row[c] = features[static_cast<std::size_t>(rep_->columns[c])];
  }
  const double margin = trees.PredictMargin(row);
  out.contributions.assign(features.size(), 0.0);
  if (!std::isfinite(margin)) {
    out.available = false;
    out.unavailable_reason = "the tree ensemble's margin is not finite";
    return;
  }
  const double p = rep_->logit_margin ? Sigmoid(margin) : trees.Transform(margin);
  // Log-odds of default: the margin for XGBoost sigmoid/logitraw; from p otherwise (LightGBM
  // may scale the sigmoid), falling back to the margin where p rounds to 0 or 1.
  double log_odds = margin;
  if (!rep_->logit_margin && trees.objective().rfind("binary:", 0) != 0 &&
      trees.objective().rfind("reg:logistic", 0) != 0 && p > 0 && p < 1) {
    log_odds = std::log(p) - std::log1p(-p);
  }
  out.available = true;
  out.margin = log_odds;
  out.probability = p;
  if (contributions && trees.has_covers()) {
    std::vector<double> phi(row.size() + 1);
    if (trees.Contributions(row, phi).ok()) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        out.contributions[static_cast<std::size_t>(rep_->columns[c])] += phi[c];
      }
    }
  }
}

}  // namespace credence::models
