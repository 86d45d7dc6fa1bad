// Validation, compilation and prediction for TreeEnsemble (see tree_ensemble.h).
#include "models/tree_ensemble.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "models/tree_spec.h"

namespace credence::models {
namespace internal {
namespace {

std::string TreeNodeName(std::size_t tree, std::int64_t node) {
  return "tree " + std::to_string(tree) + " node " + std::to_string(node);
}

std::string TreePath(const std::string& format, std::size_t tree) {
  return (format == "LightGBM text" ? "Tree=" : "trees[") + std::to_string(tree) +
         (format == "LightGBM text" ? "" : "]");
}

}  // namespace

double FloatLessThanBound(float t) {
  // static_cast<float> is monotonic, so {x : float(x) < t} = {x : x < d} for the d found
  // here: the midpoint m between t and its float predecessor p, or just above m when a
  // value exactly at m rounds down to p (ties to even).
  const float p = std::nextafter(t, -std::numeric_limits<float>::infinity());
  double m;
  if (std::isinf(p)) {
    // t == -FLT_MAX: values round to -inf from one half-ulp (2^103) below it.
    m = static_cast<double>(t) - 0x1p103;
  } else {
    m = static_cast<double>(t) - (static_cast<double>(t) - static_cast<double>(p)) / 2.0;
  }
  return static_cast<float>(m) < t ? std::nextafter(m, std::numeric_limits<double>::infinity()) : m;
}

Status ValidateOptions(const TreeLoadOptions& options) {
  if (options.max_depth < 1 || options.max_depth > kMaxSupportedTreeDepth) {
    return InvalidArgumentError("TreeLoadOptions.max_depth must be in 1.." +
                                std::to_string(kMaxSupportedTreeDepth) + ", got " +
                                std::to_string(options.max_depth));
  }
  return OkStatus();
}

namespace {

// The model-wide checks, before any tree is read.
Status CheckEnsembleHeader(const EnsembleSpec& spec, const TreeLoadOptions& options) {
  const std::string& fmt = spec.format;
  if (spec.num_features == 0) {
    return InvalidArgumentError(fmt + ": the model declares no features");
  }
  if (spec.num_features > options.max_features || spec.num_features > (std::size_t{1} << 30)) {
    return OutOfRangeError(fmt + ": " + std::to_string(spec.num_features) +
                           " features exceed max_features " + std::to_string(options.max_features));
  }
  if (spec.trees.size() > options.max_trees) {
    return OutOfRangeError(fmt + ": " + std::to_string(spec.trees.size()) +
                           " trees exceed max_trees " + std::to_string(options.max_trees));
  }
  if (!std::isfinite(spec.base_margin)) {
    return InvalidArgumentError(fmt + ": base margin is not finite");
  }
  if (!spec.feature_names.empty() && spec.feature_names.size() != spec.num_features) {
    return InvalidArgumentError(fmt + ": " + std::to_string(spec.feature_names.size()) +
                                " feature names for " + std::to_string(spec.num_features) +
                                " features");
  }
  return OkStatus();
}

Status TotalNodesError(const TreeLoadOptions& options, const SourceLocation& where) {
  return OutOfRangeError("the model has more than max_total_nodes " +
                             std::to_string(options.max_total_nodes) + " nodes",
                         where);
}

// Tree `t` as a whole: not empty, within max_nodes_per_tree, parallel arrays of one length,
// and room for its root after the `compiled_nodes` already compiled.
Status CheckTreeShape(const EnsembleSpec& spec, std::size_t t, const TreeLoadOptions& options,
                      std::size_t compiled_nodes, const SourceLocation& where) {
  const TreeSpec& tree = spec.trees[t];
  const std::size_t n = tree.left.size();
  if (n == 0) return InvalidArgumentError("tree " + std::to_string(t) + " has no nodes", where);
  if (n > options.max_nodes_per_tree) {
    return OutOfRangeError("tree " + std::to_string(t) + " has " + std::to_string(n) +
                               " nodes, more than max_nodes_per_tree " +
                               std::to_string(options.max_nodes_per_tree),
                           where);
  }
  if (tree.right.size() != n || tree.feature.size() != n || tree.threshold.size() != n ||
      tree.default_left.size() != n || tree.kind.size() != n || tree.leaf_value.size() != n ||
      (spec.has_covers && tree.cover.size() != n)) {
    return InternalError("tree " + std::to_string(t) + ": inconsistent node arrays", where);
  }
  if (compiled_nodes + 1 > options.max_total_nodes) return TotalNodesError(options, where);
  return OkStatus();
}

// The children and feature of internal node `s` of tree `t` are within range.
Status CheckSplitIndices(const EnsembleSpec& spec, std::size_t t, std::int64_t s,
                         const SourceLocation& where) {
  const TreeSpec& tree = spec.trees[t];
  const std::size_t n = tree.left.size();
  const auto su = static_cast<std::size_t>(s);
  const std::int64_t l = tree.left[su];
  const std::int64_t r = tree.right[su];
  const auto n_signed = static_cast<std::int64_t>(n);
  if (l >= n_signed || r < 0 || r >= n_signed) {
    return InvalidArgumentError(TreeNodeName(t, s) + ": child index " +
                                    std::to_string(l >= n_signed ? l : r) + " out of range [0, " +
                                    std::to_string(n) + ")",
                                where);
  }
  const std::int64_t f = tree.feature[su];
  if (f < 0 || static_cast<std::uint64_t>(f) >= spec.num_features) {
    return InvalidArgumentError(TreeNodeName(t, s) + ": feature index " + std::to_string(f) +
                                    " is not below the " + std::to_string(spec.num_features) +
                                    " declared features",
                                where);
  }
  return OkStatus();
}

}  // namespace

// A spec node waiting in the breadth-first queue for its compiled slot.
struct TreeEnsembleBuilder::QueuedNode {
  std::int64_t spec_node;
  std::uint32_t slot;
  int depth;
};

// Work buffers reused across the trees of one Build.
struct TreeEnsembleBuilder::Scratch {
  std::vector<QueuedNode> queue;
  std::vector<std::uint8_t> seen;
  std::vector<double> mean;
};

Result<TreeEnsemble> TreeEnsembleBuilder::Build(EnsembleSpec spec, const TreeLoadOptions& options) {
  CREDENCE_RETURN_IF_ERROR(ValidateOptions(options));
  CREDENCE_RETURN_IF_ERROR(CheckEnsembleHeader(spec, options));
  TreeEnsemble e;
  e.roots_.reserve(spec.trees.size());
  e.depths_.reserve(spec.trees.size());
  Scratch scratch;
  for (std::size_t t = 0; t < spec.trees.size(); ++t) {
    CREDENCE_RETURN_IF_ERROR(AddTree(spec, t, options, &scratch, &e));
  }
  e.num_nodes_ = e.nodes_.size();
  e.cat_words_ = std::move(spec.cat_words);
  e.feature_names_ = std::move(spec.feature_names);
  e.objective_ = std::move(spec.objective);
  e.num_features_ = spec.num_features;
  e.expanded_size_ = 2 * spec.num_features + 1;
  e.base_margin_ = spec.base_margin;
  e.sigmoid_scale_ = spec.sigmoid_scale;
  e.transform_ = spec.transform;
  e.float32_sum_ = spec.float32_sum;
  e.has_covers_ = spec.has_covers;
  return e;
}

Status TreeEnsembleBuilder::AddTree(const EnsembleSpec& spec, std::size_t t,
                                    const TreeLoadOptions& options, Scratch* scratch,
                                    TreeEnsemble* e) {
  const SourceLocation where{.field_path = TreePath(spec.format, t)};
  CREDENCE_RETURN_IF_ERROR(CheckTreeShape(spec, t, options, e->nodes_.size(), where));
  scratch->seen.assign(spec.trees[t].left.size(), 0);
  scratch->queue.clear();
  const auto root = static_cast<std::uint32_t>(e->nodes_.size());
  e->nodes_.push_back({});
  e->info_.push_back({});
  if (spec.has_covers) e->covers_.push_back(0.0);
  scratch->queue.push_back({0, root, 0});
  int tree_depth = 0;
  // Breadth-first: slots are handed out in queue order, so both children of a node are
  // adjacent and every parent precedes its children.
  for (std::size_t head = 0; head < scratch->queue.size(); ++head) {
    const QueuedNode item = scratch->queue[head];
    CREDENCE_RETURN_IF_ERROR(AddNode(spec, t, item, options, where, scratch, e));
    tree_depth = std::max(tree_depth, item.depth);
  }
  e->roots_.push_back(root);
  e->depths_.push_back(static_cast<std::uint8_t>(tree_depth));
  e->max_depth_ = std::max(e->max_depth_, tree_depth);
  e->expected_.push_back(spec.has_covers ? ExpectedValue(*e, root, &scratch->mean) : 0.0);
  return OkStatus();
}

Status TreeEnsembleBuilder::AddNode(const EnsembleSpec& spec, std::size_t t, const QueuedNode& item,
                                    const TreeLoadOptions& options, const SourceLocation& where,
                                    Scratch* scratch, TreeEnsemble* e) {
  const TreeSpec& tree = spec.trees[t];
  const std::int64_t s = item.spec_node;
  const auto su = static_cast<std::size_t>(s);
  if (scratch->seen[su]) {
    return InvalidArgumentError(
        TreeNodeName(t, s) + " is reached twice (a cycle or a shared child)", where);
  }
  scratch->seen[su] = 1;
  if (item.depth > options.max_depth) {
    return OutOfRangeError(TreeNodeName(t, s) + " is at depth " + std::to_string(item.depth) +
                               ", deeper than max_depth " + std::to_string(options.max_depth),
                           where);
  }
  if (spec.has_covers) {
    const double c = tree.cover[su];
    if (!std::isfinite(c) || c < 0) {
      return InvalidArgumentError(TreeNodeName(t, s) + ": cover is negative or not finite", where);
    }
    e->covers_[item.slot] = c;
  }
  if (tree.left[su] >= 0) return AddSplit(spec, t, item, options, where, scratch, e);
  if (tree.right[su] >= 0) {
    return InvalidArgumentError(TreeNodeName(t, s) + " has a right child but no left child", where);
  }
  const double v = tree.leaf_value[su];
  if (!std::isfinite(v)) {
    return InvalidArgumentError(TreeNodeName(t, s) + ": leaf value is not finite", where);
  }
  const std::uint32_t const_column = 2 * static_cast<std::uint32_t>(spec.num_features);  // -inf
  e->nodes_[item.slot] = {v, const_column, item.slot};
  e->info_[item.slot] = {0, TreeEnsemble::kLeaf, false, false};
  return OkStatus();
}

Status TreeEnsembleBuilder::AddSplit(const EnsembleSpec& spec, std::size_t t,
                                     const QueuedNode& item, const TreeLoadOptions& options,
                                     const SourceLocation& where, Scratch* scratch,
                                     TreeEnsemble* e) {
  const TreeSpec& tree = spec.trees[t];
  const std::int64_t s = item.spec_node;
  const auto su = static_cast<std::size_t>(s);
  CREDENCE_RETURN_IF_ERROR(CheckSplitIndices(spec, t, s, where));
  if (e->nodes_.size() + 2 > options.max_total_nodes) return TotalNodesError(options, where);
  const auto nf = static_cast<std::uint32_t>(spec.num_features);
  const auto fu = static_cast<std::uint32_t>(tree.feature[su]);
  const bool default_left = tree.default_left[su] != 0;
  const double threshold = tree.threshold[su];
  const auto first = static_cast<std::uint32_t>(e->nodes_.size());
  bool swapped = false;
  TreeEnsemble::Node node{threshold, fu, first};
  TreeEnsemble::Kind kind = TreeEnsemble::kSimple;
  switch (tree.kind[su]) {
    case SplitKind::kNumeric:
      if (!std::isfinite(threshold)) {
        return InvalidArgumentError(TreeNodeName(t, s) + ": threshold is not finite", where);
      }
      if (!default_left) {
        swapped = true;
        node.column = nf + fu;
        node.threshold = -std::nextafter(threshold, -std::numeric_limits<double>::infinity());
      }
      break;
    case SplitKind::kNumericZeroMissing:
      if (!std::isfinite(threshold)) {
        return InvalidArgumentError(TreeNodeName(t, s) + ": threshold is not finite", where);
      }
      kind = TreeEnsemble::kZeroMissing;
      e->has_complex_ = true;
      break;
    case SplitKind::kCategorical: {
      const std::uint32_t b = tree.cat_begin[su];
      const std::uint32_t end = tree.cat_end[su];
      if (b > end || end > spec.cat_words.size()) {
        return InvalidArgumentError(TreeNodeName(t, s) + ": categorical bitset range [" +
                                        std::to_string(b) + ", " + std::to_string(end) +
                                        ") is out of range",
                                    where);
      }
      kind = TreeEnsemble::kCategorical;
      e->has_complex_ = true;
      e->cat_ranges_.push_back({item.slot, {b, end}});
      node.threshold = 0.0;
      break;
    }
  }
  e->nodes_[item.slot] = node;
  e->info_[item.slot] = {fu, kind, default_left, swapped};
  e->nodes_.resize(e->nodes_.size() + 2);
  e->info_.resize(e->info_.size() + 2);
  if (spec.has_covers) e->covers_.resize(e->covers_.size() + 2, 0.0);
  const std::int64_t l = tree.left[su];
  const std::int64_t r = tree.right[su];
  scratch->queue.push_back({swapped ? r : l, first, item.depth + 1});
  scratch->queue.push_back({swapped ? l : r, first + 1, item.depth + 1});
  return OkStatus();
}

double TreeEnsembleBuilder::ExpectedValue(const TreeEnsemble& e, std::uint32_t root,
                                          std::vector<double>* mean) {
  // Expected value under the covers, bottom-up (children follow their parent).
  const std::size_t last = e.nodes_.size();
  mean->assign(last - root, 0.0);
  std::vector<double>& m = *mean;
  for (std::size_t i = last; i-- > root;) {
    const TreeEnsemble::Node& nd = e.nodes_[i];
    if (e.info_[i].kind == TreeEnsemble::kLeaf) {
      m[i - root] = nd.threshold;
      continue;
    }
    const std::size_t a = nd.first;
    const double ca = e.covers_[a], cb = e.covers_[a + 1], c = e.covers_[i];
    m[i - root] = c > 0 ? (m[a - root] * ca + m[a + 1 - root] * cb) / c
                        : 0.5 * (m[a - root] + m[a + 1 - root]);
  }
  return m[0];
}

}  // namespace internal

namespace {
// LightGBM's kZeroThreshold is declared as the float literal 1e-35f.
constexpr double kLightgbmZero = static_cast<double>(1e-35f);
constexpr std::size_t kBlockRows = 32;
constexpr std::size_t kGroup = 8;  // trees walked in lock step
}  // namespace

std::uint32_t TreeEnsemble::Next(std::uint32_t i, double x) const {
  const Node& n = nodes_[i];
  const NodeInfo& info = info_[i];
  switch (info.kind) {
    case kSimple: {
      const double e = info.swapped ? -x : x;
      return n.first + static_cast<std::uint32_t>(e >= n.threshold);
    }
    case kCategorical: {
      // NaN, negative and huge values go right; otherwise truncate toward zero.
      if (!(x > -1.0) || !(x < 2147483648.0)) return n.first + 1;
      const auto category = static_cast<std::uint32_t>(static_cast<std::int64_t>(x));
      auto it =
          std::lower_bound(cat_ranges_.begin(), cat_ranges_.end(), i,
                           [](const auto& entry, std::uint32_t key) { return entry.first < key; });
      const auto [begin, end] = it->second;
      const std::uint32_t word = category / 32;
      if (word >= end - begin) return n.first + 1;
      const bool in_set = (cat_words_[begin + word] >> (category % 32)) & 1u;
      return n.first + (in_set ? 0u : 1u);
    }
    case kZeroMissing:
      // LightGBM missing type Zero: NaN and |x| <= kZeroThreshold take the default side.
      if (std::isnan(x) || (x >= -kLightgbmZero && x <= kLightgbmZero)) {
        return n.first + (info.default_left ? 0u : 1u);
      }
      return n.first + (x < n.threshold ? 0u : 1u);
    case kLeaf:
      break;
  }
  return i;
}

void TreeEnsemble::Expand(const double* row, double* e) const {
  const std::size_t nf = num_features_;
  for (std::size_t f = 0; f < nf; ++f) {
    e[f] = row[f];
    e[nf + f] = -row[f];
  }
  e[2 * nf] = -std::numeric_limits<double>::infinity();
}

template <typename Acc>
Acc TreeEnsemble::SumTreesSimple(const double* expanded) const {
  // Eight trees walk in lock step: eight independent load chains instead of one. Leaf
  // values are still added in tree order (XGBoost's float32 summation order).
  const Node* nodes = nodes_.data();
  const std::uint32_t* roots = roots_.data();
  const std::uint8_t* depths = depths_.data();
  Acc acc = static_cast<Acc>(base_margin_);
  const std::size_t n_trees = roots_.size();
  std::size_t t = 0;
  for (; t + kGroup <= n_trees; t += kGroup) {
    std::uint32_t idx[kGroup];
    int depth = 0;
    for (std::size_t k = 0; k < kGroup; ++k) {
      idx[k] = roots[t + k];
      depth = std::max<int>(depth, depths[t + k]);
    }
    for (int d = 0; d < depth; ++d) {
      for (std::size_t k = 0; k < kGroup; ++k) {
        const Node& n = nodes[idx[k]];
        idx[k] = n.first + static_cast<std::uint32_t>(expanded[n.column] >= n.threshold);
      }
    }
    for (std::size_t k = 0; k < kGroup; ++k) acc += static_cast<Acc>(nodes[idx[k]].threshold);
  }
  for (; t < n_trees; ++t) {
    std::uint32_t i = roots[t];
    for (int d = depths[t]; d > 0; --d) {
      const Node& n = nodes[i];
      i = n.first + static_cast<std::uint32_t>(expanded[n.column] >= n.threshold);
    }
    acc += static_cast<Acc>(nodes[i].threshold);
  }
  return acc;
}

template <typename Acc>
Acc TreeEnsemble::SumTreesGeneral(const double* row, const double* expanded) const {
  Acc acc = static_cast<Acc>(base_margin_);
  for (std::uint32_t i : roots_) {
    for (;;) {
      const Node& n = nodes_[i];
      const NodeInfo& info = info_[i];
      if (info.kind == kSimple) {
        i = n.first + static_cast<std::uint32_t>(expanded[n.column] >= n.threshold);
      } else if (info.kind == kLeaf) {
        break;
      } else {
        i = Next(i, row[info.feature]);
      }
    }
    acc += static_cast<Acc>(nodes_[i].threshold);
  }
  return acc;
}

double TreeEnsemble::PredictMargin(std::span<const double> row) const {
  if (row.size() < num_features_) return std::numeric_limits<double>::quiet_NaN();
  constexpr std::size_t kStackDoubles = 1024;
  double stack[kStackDoubles];
  std::vector<double> heap;
  double* e = stack;
  if (expanded_size_ > kStackDoubles) {
    heap.resize(expanded_size_);
    e = heap.data();
  }
  Expand(row.data(), e);
  if (float32_sum_) {
    return has_complex_ ? SumTreesGeneral<float>(row.data(), e) : SumTreesSimple<float>(e);
  }
  return has_complex_ ? SumTreesGeneral<double>(row.data(), e) : SumTreesSimple<double>(e);
}

template <typename Acc>
void TreeEnsemble::BatchBlock(const double* rows, std::size_t n, std::size_t stride,
                              double* expanded, double* out) const {
  Acc acc[kBlockRows];
  std::uint32_t idx[kBlockRows];
  const Node* nodes = nodes_.data();
  const std::size_t es = expanded_size_;
  for (std::size_t r = 0; r < n; ++r) {
    Expand(rows + r * stride, expanded + r * es);
    acc[r] = static_cast<Acc>(base_margin_);
  }
  const std::size_t n_trees = roots_.size();
  for (std::size_t t = 0; t < n_trees; ++t) {
    const std::uint32_t root = roots_[t];
    if (!has_complex_) {
      if (t + kGroup <= n_trees) {
        // A group of kGroup trees, kept in cache over the block of rows; within a row the
        // trees advance in lock step (independent load chains, no data-dependent branch:
        // leaves loop onto themselves). Leaf values are added in tree order.
        int depth = 0;
        for (std::size_t k = 0; k < kGroup; ++k) depth = std::max<int>(depth, depths_[t + k]);
        const double* e = expanded;
        for (std::size_t r = 0; r < n; ++r, e += es) {
          std::uint32_t g[kGroup];
          for (std::size_t k = 0; k < kGroup; ++k) g[k] = roots_[t + k];
          for (int d = 0; d < depth; ++d) {
            for (std::size_t k = 0; k < kGroup; ++k) {
              const Node& nd = nodes[g[k]];
              g[k] = nd.first + static_cast<std::uint32_t>(e[nd.column] >= nd.threshold);
            }
          }
          for (std::size_t k = 0; k < kGroup; ++k)
            acc[r] += static_cast<Acc>(nodes[g[k]].threshold);
        }
        t += kGroup - 1;
        continue;
      }
      for (std::size_t r = 0; r < n; ++r) idx[r] = root;
      for (int d = depths_[t]; d > 0; --d) {
        const double* e = expanded;
        for (std::size_t r = 0; r < n; ++r, e += es) {
          const Node& nd = nodes[idx[r]];
          idx[r] = nd.first + static_cast<std::uint32_t>(e[nd.column] >= nd.threshold);
        }
      }
    } else {
      for (std::size_t r = 0; r < n; ++r) {
        const double* e = expanded + r * es;
        const double* row = rows + r * stride;
        std::uint32_t i = root;
        for (;;) {
          const NodeInfo& info = info_[i];
          if (info.kind == kSimple) {
            i = nodes[i].first +
                static_cast<std::uint32_t>(e[nodes[i].column] >= nodes[i].threshold);
          } else if (info.kind == kLeaf) {
            break;
          } else {
            i = Next(i, row[info.feature]);
          }
        }
        idx[r] = i;
      }
    }
    for (std::size_t r = 0; r < n; ++r) acc[r] += static_cast<Acc>(nodes[idx[r]].threshold);
  }
  for (std::size_t r = 0; r < n; ++r) out[r] = static_cast<double>(acc[r]);
}

void TreeEnsemble::PredictMarginBatch(const double* rows, std::size_t n_rows, std::size_t stride,
                                      double* out) const {
  if (n_rows == 0) return;
  if (stride < num_features_) {  // a caller bug; answer NaN rather than read out of bounds
    std::fill(out, out + n_rows, std::numeric_limits<double>::quiet_NaN());
    return;
  }
  std::vector<double> expanded(std::min(kBlockRows, n_rows) * expanded_size_);
  for (std::size_t start = 0; start < n_rows; start += kBlockRows) {
    const std::size_t n = std::min(kBlockRows, n_rows - start);
    if (float32_sum_) {
      BatchBlock<float>(rows + start * stride, n, stride, expanded.data(), out + start);
    } else {
      BatchBlock<double>(rows + start * stride, n, stride, expanded.data(), out + start);
    }
  }
}

double TreeEnsemble::Transform(double margin) const {
  if (transform_ == TreeOutputTransform::kSigmoid) {
    return 1.0 / (1.0 + std::exp(-sigmoid_scale_ * margin));
  }
  return margin;
}

}  // namespace credence::models
