// File: models/tree_spec.h
//
// Internal: the format-neutral description of a tree ensemble that the XGBoost and LightGBM
// loaders produce, and the builder that validates it (bounds, cycles, depth, limits) and
// compiles it into a TreeEnsemble. Not part of any API; used by models/*.cc and tests.
#ifndef CREDENCE_MODELS_TREE_SPEC_H_
#define CREDENCE_MODELS_TREE_SPEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "credence/result.h"
#include "models/tree_ensemble.h"

namespace credence::models::internal {

enum class SplitKind : std::uint8_t {
  // Left iff x < threshold; NaN goes to the default side.
  kNumeric = 0,
  // LightGBM missing type Zero: NaN or |x| <= 1e-35 goes to the default side; otherwise
  // left iff x < threshold.
  kNumericZeroMissing = 1,
  // LightGBM categorical: left iff x (truncated to int, >= 0) has its bit set in
  // cat_words[cat_begin, cat_end); NaN, negative and unlisted categories go right.
  kCategorical = 2,
};

// One tree as parallel arrays indexed by node; node 0 is the root. A node is a leaf iff
// left[i] < 0 (then right[i] must be < 0 too).
struct TreeSpec {
  std::vector<std::int64_t> left;
  std::vector<std::int64_t> right;
  std::vector<std::int64_t> feature;
  std::vector<double> threshold;  // "go left iff x < threshold" form
  std::vector<std::uint8_t> default_left;
  std::vector<SplitKind> kind;
  std::vector<double> leaf_value;
  std::vector<double> cover;             // empty when the file has no covers
  std::vector<std::uint32_t> cat_begin;  // only for categorical nodes (else unused)
  std::vector<std::uint32_t> cat_end;
};

struct EnsembleSpec {
  std::string format;  // "XGBoost JSON" / "LightGBM text", for messages
  std::string objective;
  TreeOutputTransform transform = TreeOutputTransform::kIdentity;
  double sigmoid_scale = 1.0;
  double base_margin = 0.0;
  bool float32_sum = false;
  bool has_covers = false;
  std::size_t num_features = 0;
  std::vector<std::string> feature_names;
  std::vector<TreeSpec> trees;
  std::vector<std::uint32_t> cat_words;
};

// Validates `spec` against `options` and compiles it. Errors name the tree and node:
// kInvalidArgument (child out of range, node reached twice, leaf/internal mismatch,
// non-finite threshold/leaf/cover, feature >= num_features, bad bitset range),
// kOutOfRange (a limit). Unreachable nodes are dropped.
class TreeEnsembleBuilder {
 public:
  static Result<TreeEnsemble> Build(EnsembleSpec spec, const TreeLoadOptions& options);

 private:
  struct QueuedNode;  // defined in tree_ensemble.cc
  struct Scratch;

  // Validates tree `t` and appends it to `e`, breadth-first from its root.
  static Status AddTree(const EnsembleSpec& spec, std::size_t t, const TreeLoadOptions& options,
                        Scratch* scratch, TreeEnsemble* e);
  // Validates and compiles one queued node (a leaf, or a split via AddSplit).
  static Status AddNode(const EnsembleSpec& spec, std::size_t t, const QueuedNode& item,
                        const TreeLoadOptions& options, const SourceLocation& where,
                        Scratch* scratch, TreeEnsemble* e);
  // Compiles an internal node into its slot and queues its two children.
  static Status AddSplit(const EnsembleSpec& spec, std::size_t t, const QueuedNode& item,
                         const TreeLoadOptions& options, const SourceLocation& where,
                         Scratch* scratch, TreeEnsemble* e);
  // The tree's expected value under the covers (its TreeSHAP bias); `mean` is scratch.
  static double ExpectedValue(const TreeEnsemble& e, std::uint32_t root, std::vector<double>* mean);
};

// For XGBoost: the double d such that, for every non-NaN double x,
// static_cast<float>(x) < t  <=>  x < d. REQUIRES: t finite.
double FloatLessThanBound(float t);

// Checks `options` itself (max_depth within 1..kMaxSupportedTreeDepth).
Status ValidateOptions(const TreeLoadOptions& options);

}  // namespace credence::models::internal

#endif  // CREDENCE_MODELS_TREE_SPEC_H_
