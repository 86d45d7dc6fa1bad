// File: models/tree_ensemble.h
//
// Gradient-boosted tree ensembles imported from XGBoost (JSON, `save_model("x.json")`) and
// LightGBM (text, `save_model("x.txt")`), compiled into a compact immutable form that
// predicts margins bit-for-bit like the tool that trained them and explains them with exact
// path-dependent TreeSHAP. Semantics and limits: docs/models.md, "Tree ensembles".
//
// **Example**:
//
//   credence::Result<TreeEnsemble> model = LoadXgboostJson(json_text, TreeLoadOptions{});
//   if (!model.ok()) return model.status();   // names the tree and node at fault
//   std::vector<double> row(model->num_features(), std::nan(""));  // NaN = missing
//   row[3] = 1250.0;
//   double margin = model->PredictMargin(row);        // == XGBoost's output_margin=True
//   double probability = model->Transform(margin);    // sigmoid for logistic objectives
//   std::vector<double> phi(model->num_features() + 1);
//   CREDENCE_RETURN_IF_ERROR(model->Contributions(row, phi));  // sums to `margin`
//
// A TreeEnsemble is immutable after loading: every method is const and touches no shared
// mutable state, so any number of threads may predict with one instance at once.
#ifndef CREDENCE_MODELS_TREE_ENSEMBLE_H_
#define CREDENCE_MODELS_TREE_ENSEMBLE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "credence/result.h"
#include "credence/status.h"

namespace credence::models {

// Hard upper bound on TreeLoadOptions::max_depth: TreeSHAP recurses once per level and keeps
// a path buffer of (depth+1)(depth+2)/2 elements, so deeper trees are refused outright.
inline constexpr int kMaxSupportedTreeDepth = 64;

// Limits applied while loading a model. Exceeding one is kOutOfRange, never a crash.
struct TreeLoadOptions {
  // Most trees in one model. Default: 100'000.
  std::size_t max_trees = 100'000;
  // Most nodes (internal + leaves) in one tree. Default: 1'048'576.
  std::size_t max_nodes_per_tree = std::size_t{1} << 20;
  // Most nodes in the whole model (32 bytes each once compiled, covers included).
  // Default: 16'777'216.
  std::size_t max_total_nodes = std::size_t{1} << 24;
  // Deepest leaf, in edges below the root. REQUIRES: 1..kMaxSupportedTreeDepth. Default: 64.
  int max_depth = kMaxSupportedTreeDepth;
  // Most input features the model may declare. Default: 1'048'576.
  std::size_t max_features = std::size_t{1} << 20;
  // Largest model text accepted. Default: 512 MiB.
  std::size_t max_input_bytes = std::size_t{512} << 20;
};

// How a margin becomes the model's output.
enum class TreeOutputTransform : int {
  kIdentity = 0,  // reg:squarederror, binary:logitraw, LightGBM regression
  kSigmoid = 1,   // binary:logistic, reg:logistic, LightGBM binary: 1/(1+exp(-scale*m))
};

namespace internal {
struct EnsembleSpec;
class TreeEnsembleBuilder;
}  // namespace internal

// A compiled tree ensemble. Immutable and thread-safe (see the file comment). Copyable and
// movable; copies are independent.
class TreeEnsemble {
 public:
  // Margin (raw score) for one row: base margin plus the sum of one leaf per tree. `row[f]`
  // is feature f; NaN means missing. Returns NaN when row.size() < num_features().
  double PredictMargin(std::span<const double> row) const;

  // Margins for `n_rows` rows: row r starts at rows + r * stride. Works over blocks of 64
  // rows, tree by tree, so one tree's nodes stay in cache for the whole block.
  // REQUIRES: `rows` and `out` valid for the extent used. With stride < num_features()
  // every output is NaN.
  void PredictMarginBatch(const double* rows, std::size_t n_rows, std::size_t stride,
                          double* out) const;

  // The model's output for a margin (sigmoid or identity, by objective).
  double Transform(double margin) const;

  // Exact path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2): out[f] is feature f's
  // contribution, out[num_features()] the bias (base margin plus each tree's expected value
  // under its node covers). The values sum to PredictMargin(row) up to rounding.
  // Errors: kInvalidArgument if row.size() < num_features() or
  // out.size() != num_features() + 1; kFailedPrecondition if the model file had no node
  // covers (has_covers() is false).
  Status Contributions(std::span<const double> row, std::span<double> out) const;

  std::size_t num_features() const noexcept { return num_features_; }
  std::size_t num_trees() const noexcept { return roots_.size(); }
  // Reachable nodes over all trees (unreachable nodes in the file are dropped).
  std::size_t num_nodes() const noexcept { return num_nodes_; }
  // Deepest leaf over all trees, in edges below the root.
  int max_depth() const noexcept { return max_depth_; }
  // Names from the file (`feature_names` in XGBoost JSON, `feature_names=` in LightGBM);
  // empty when the file has none.
  const std::vector<std::string>& feature_names() const noexcept { return feature_names_; }
  // Base margin added to every prediction (XGBoost's base_score in margin space; 0 for
  // LightGBM).
  double base_margin() const noexcept { return base_margin_; }
  TreeOutputTransform output_transform() const noexcept { return transform_; }
  // The objective as written in the file ("binary:logistic", "binary sigmoid:1", ...).
  const std::string& objective() const noexcept { return objective_; }
  bool has_covers() const noexcept { return has_covers_; }

 private:
  friend class internal::TreeEnsembleBuilder;

  // The hot path reads an "expanded row" of 2 * num_features + 1 doubles:
  // [x_0 .. x_{n-1}, -x_0 .. -x_{n-1}, -inf]. Every node takes its first child iff
  // !(e[column] >= threshold), which is true for NaN, and its second child (first + 1)
  // otherwise, so one step is one load, one compare and one add:
  //  * default-left split "x < t":  column x_f, threshold t, first = left;
  //  * default-right split "x < t": column -x_f, threshold -pred(t), first = right
  //    (pred = next double below t; -x >= -pred(t) <=> x <= pred(t) <=> x < t);
  //  * leaf: column -inf, threshold = leaf value, first = itself (a fixed number of steps
  //    per tree needs no leaf test).
  // Zero-missing and categorical splits (LightGBM) are marked in info_ and take the
  // general path.
  struct Node {
    double threshold;
    std::uint32_t column;
    std::uint32_t first;
  };
  static_assert(sizeof(Node) == 16);
  enum Kind : std::uint8_t { kSimple = 0, kZeroMissing = 1, kCategorical = 2, kLeaf = 3 };
  // Per-node facts for the general path and TreeSHAP.
  struct NodeInfo {
    std::uint32_t feature;
    Kind kind;
    bool default_left;
    bool swapped;  // first child is the right child
  };

  TreeEnsemble() = default;

  // Child taken at internal node `i` when its feature has value x (any kind).
  std::uint32_t Next(std::uint32_t i, double x) const;
  // Fills e[0, 2 * num_features_ + 1) from row (see Node).
  void Expand(const double* row, double* e) const;
  template <typename Acc>
  Acc SumTreesSimple(const double* expanded) const;
  template <typename Acc>
  Acc SumTreesGeneral(const double* row, const double* expanded) const;
  template <typename Acc>
  void BatchBlock(const double* rows, std::size_t n, std::size_t stride, double* expanded,
                  double* out) const;
  void TreeShap(const double* row, std::uint32_t root, double* phi, void* scratch) const;

  std::vector<Node> nodes_;  // all trees, each breadth-first from its root
  std::vector<NodeInfo> info_;
  std::vector<double> covers_;        // cover per node; empty when !has_covers_
  std::vector<std::uint32_t> roots_;  // root index per tree
  std::vector<std::uint8_t> depths_;  // deepest leaf per tree
  std::vector<double> expected_;      // expected value per tree (TreeSHAP bias)
  // Categorical splits: node index -> [begin, end) in cat_words_ (bit c set: category c
  // goes left). Sorted by node index; only kCategorical nodes.
  std::vector<std::pair<std::uint32_t, std::pair<std::uint32_t, std::uint32_t>>> cat_ranges_;
  std::vector<std::uint32_t> cat_words_;
  std::vector<std::string> feature_names_;
  std::string objective_;
  std::size_t num_features_ = 0;
  std::size_t expanded_size_ = 0;  // 2 * num_features_ + 1
  std::size_t num_nodes_ = 0;
  double base_margin_ = 0.0;
  double sigmoid_scale_ = 1.0;
  int max_depth_ = 0;
  TreeOutputTransform transform_ = TreeOutputTransform::kIdentity;
  bool float32_sum_ = false;  // XGBoost: margins accumulate in float32, tree by tree
  bool has_complex_ = false;  // any zero-missing or categorical split
  bool has_covers_ = false;
};

// Loads an XGBoost model saved as JSON by XGBoost 1.x or 2.x (gbtree booster; objectives
// binary:logistic, reg:logistic, binary:logitraw, reg:squarederror).
// Errors: kDataLoss for truncated JSON or arrays shorter than the declared node count;
// kInvalidArgument for anything malformed (not JSON, a missing or mistyped field, a child
// index out of range, a cycle, a non-finite threshold, a feature index >= num_feature),
// naming the tree and node; kOutOfRange when a TreeLoadOptions limit is exceeded;
// kUnimplemented for other boosters, objectives, multi-class/multi-target models and
// categorical splits.
Result<TreeEnsemble> LoadXgboostJson(std::string_view json, const TreeLoadOptions& options);

// Loads a LightGBM model saved as text (`Booster.save_model`), objective binary (sigmoid)
// or regression (identity); numerical and categorical splits, all missing types.
// Errors as for LoadXgboostJson; a file cut before "end of trees" is kDataLoss.
Result<TreeEnsemble> LoadLightgbmText(std::string_view text, const TreeLoadOptions& options);

}  // namespace credence::models

#endif  // CREDENCE_MODELS_TREE_ENSEMBLE_H_
