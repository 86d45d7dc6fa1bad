// LightGBM text model loader (`Booster.save_model("x.txt")`).
//
// The file is "key=value" lines: a header (objective, max_feature_idx, feature_names, ...),
// then one block per tree starting "Tree=<i>", then "end of trees" and trailing sections we
// ignore. In a tree with L leaves, internal nodes are 0..L-2 (root 0) and a negative child c
// is leaf ~c. decision_type bits: 0 categorical, 1 default left, 2-3 missing type
// (0 None, 1 Zero, 2 NaN). Numerical splits go left iff x <= threshold (double).
// Categorical splits: threshold is an index into cat_boundaries, which delimits the words
// of cat_threshold, a bitset of the categories that go left. Leaf values already include
// shrinkage. TreeSHAP covers are internal_count / leaf_count (what LightGBM's own
// pred_contrib uses).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "models/tree_ensemble.h"
#include "models/tree_spec.h"

namespace credence::models {
namespace {

using internal::EnsembleSpec;
using internal::SplitKind;
using internal::TreeSpec;

struct KeyValue {
  std::string_view key;
  std::string_view value;
  int line;
};

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

Status Invalid(int line, const std::string& message) {
  return InvalidArgumentError("LightGBM text: " + message, {.line = line});
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Space-separated numbers; exactly `expected` of them (fewer is kDataLoss when `cut`).
template <typename T>
Status ParseArray(const KeyValue& kv, std::size_t expected, const std::string& where,
                  std::vector<T>* out) {
  out->clear();
  out->reserve(expected);
  std::string_view s = kv.value;
  while (!s.empty()) {
    const std::size_t sp = s.find(' ');
    std::string_view token = s.substr(0, sp);
    s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
    if (token.empty()) continue;
    if (out->size() == expected) {
      return Invalid(kv.line, where + ": '" + std::string(kv.key) + "' has more than " +
                                  std::to_string(expected) + " values");
    }
    T v{};
    if (!ParseNumber(token, &v)) {
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      if (ec == std::errc::result_out_of_range && ptr == token.data() + token.size()) {
        return OutOfRangeError("LightGBM text: " + where + ": '" + std::string(kv.key) +
                                   "' value '" + std::string(token.substr(0, 40)) +
                                   "' is out of range",
                               {.line = kv.line});
      }
      return Invalid(kv.line, where + ": '" + std::string(kv.key) + "' value '" +
                                  std::string(token.substr(0, 40)) + "' is not a number");
    }
    out->push_back(v);
  }
  if (out->size() != expected) {
    return Invalid(kv.line, where + ": '" + std::string(kv.key) + "' has " +
                                std::to_string(out->size()) + " values, expected " +
                                std::to_string(expected));
  }
  return OkStatus();
}

const KeyValue* Find(const std::vector<KeyValue>& block, std::string_view key) {
  for (const KeyValue& kv : block) {
    if (kv.key == key) return &kv;
  }
  return nullptr;
}

// One "Tree=<i>" block and what messages call it.
struct TreeBlock {
  const std::vector<KeyValue>* keys;
  int header_line;   // the "Tree=<i>" line
  std::string name;  // "Tree=<i>"
};

Result<const KeyValue*> Require(const TreeBlock& b, std::string_view key) {
  const KeyValue* kv = Find(*b.keys, key);
  if (kv == nullptr) {
    return Invalid(b.header_line, b.name + ": missing '" + std::string(key) + "'");
  }
  return kv;
}

// Key `key` of the block, required, as exactly `expected` numbers.
template <typename T>
Status RequireArray(const TreeBlock& b, std::string_view key, std::size_t expected,
                    std::vector<T>* out) {
  CREDENCE_ASSIGN_OR_RETURN(const KeyValue* kv, Require(b, key));
  return ParseArray(*kv, expected, b.name, out);
}

// A tree's size: L leaves, L - 1 internal nodes (0..L-2), then the leaves.
struct TreeSize {
  std::int64_t num_leaves = 0;
  std::int64_t num_cat = 0;
  std::size_t leaves = 0;
  std::size_t n_int = 0;  // internal nodes
  std::size_t n = 0;      // all nodes
};

Result<TreeSize> ReadTreeSize(const TreeBlock& b, const TreeLoadOptions& options) {
  TreeSize size;
  CREDENCE_ASSIGN_OR_RETURN(const KeyValue* kv_leaves, Require(b, "num_leaves"));
  if (!ParseNumber(kv_leaves->value, &size.num_leaves) || size.num_leaves < 1) {
    return Invalid(kv_leaves->line, b.name + ": num_leaves must be a positive integer");
  }
  if (static_cast<std::uint64_t>(size.num_leaves) * 2 - 1 > options.max_nodes_per_tree) {
    return OutOfRangeError("LightGBM text: " + b.name + " has " + std::to_string(size.num_leaves) +
                               " leaves, more nodes than max_nodes_per_tree " +
                               std::to_string(options.max_nodes_per_tree),
                           {.line = kv_leaves->line});
  }
  if (const KeyValue* lin = Find(*b.keys, "is_linear"); lin != nullptr && lin->value != "0") {
    return UnimplementedError("LightGBM text: " + b.name + ": linear trees are not supported",
                              {.line = lin->line});
  }
  if (const KeyValue* kv = Find(*b.keys, "num_cat"); kv != nullptr) {
    if (!ParseNumber(kv->value, &size.num_cat) || size.num_cat < 0 ||
        size.num_cat > size.num_leaves) {
      return Invalid(kv->line, b.name + ": bad num_cat");
    }
  }
  size.leaves = static_cast<std::size_t>(size.num_leaves);
  size.n_int = size.leaves - 1;
  size.n = size.n_int + size.leaves;
  return size;
}

// Sizes the node arrays, fills in the leaf values and, when the block has them, the
// internal_count / leaf_count covers (else clears *has_counts).
Status ReadLeaves(const TreeBlock& b, const TreeSize& size, TreeSpec* tree, bool* has_counts) {
  const std::size_t leaves = size.leaves, n_int = size.n_int, n = size.n;
  std::vector<double> leaf_value;
  CREDENCE_RETURN_IF_ERROR(RequireArray(b, "leaf_value", leaves, &leaf_value));
  tree->left.assign(n, -1);
  tree->right.assign(n, -1);
  tree->feature.assign(n, 0);
  tree->threshold.assign(n, 0.0);
  tree->default_left.assign(n, 0);
  tree->kind.assign(n, SplitKind::kNumeric);
  tree->leaf_value.assign(n, 0.0);
  tree->cat_begin.assign(n, 0);
  tree->cat_end.assign(n, 0);
  for (std::size_t j = 0; j < leaves; ++j) tree->leaf_value[n_int + j] = leaf_value[j];

  const KeyValue* kv_ic = Find(*b.keys, "internal_count");
  const KeyValue* kv_lc = Find(*b.keys, "leaf_count");
  if (kv_lc != nullptr && (n_int == 0 || kv_ic != nullptr)) {
    std::vector<double> lc, ic;
    CREDENCE_RETURN_IF_ERROR(ParseArray(*kv_lc, leaves, b.name, &lc));
    if (n_int > 0) CREDENCE_RETURN_IF_ERROR(ParseArray(*kv_ic, n_int, b.name, &ic));
    tree->cover.assign(n, 0.0);
    for (std::size_t i = 0; i < n_int; ++i) tree->cover[i] = ic[i];
    for (std::size_t j = 0; j < leaves; ++j) tree->cover[n_int + j] = lc[j];
  } else if (n_int == 0) {
    tree->cover.assign(n, 0.0);  // a single leaf needs no cover for TreeSHAP
  } else {
    *has_counts = false;
  }
  return OkStatus();
}

// The per-internal-node arrays of a tree block, and its categorical bitsets.
struct SplitArrays {
  std::vector<std::int64_t> split_feature, decision_type, left, right;
  std::vector<double> threshold;
  std::vector<std::int64_t> cat_boundaries;  // num_cat + 1 word offsets into cat_threshold
  std::vector<std::uint32_t> cat_threshold;
};

Status ReadSplitArrays(const TreeBlock& b, const TreeSize& size, SplitArrays* a) {
  const std::size_t n_int = size.n_int;
  CREDENCE_RETURN_IF_ERROR(RequireArray(b, "split_feature", n_int, &a->split_feature));
  CREDENCE_RETURN_IF_ERROR(RequireArray(b, "threshold", n_int, &a->threshold));
  CREDENCE_RETURN_IF_ERROR(RequireArray(b, "decision_type", n_int, &a->decision_type));
  CREDENCE_RETURN_IF_ERROR(RequireArray(b, "left_child", n_int, &a->left));
  CREDENCE_RETURN_IF_ERROR(RequireArray(b, "right_child", n_int, &a->right));
  if (size.num_cat == 0) return OkStatus();
  CREDENCE_ASSIGN_OR_RETURN(const KeyValue* kv, Require(b, "cat_boundaries"));
  std::vector<std::int64_t>& bounds = a->cat_boundaries;
  CREDENCE_RETURN_IF_ERROR(
      ParseArray(*kv, static_cast<std::size_t>(size.num_cat) + 1, b.name, &bounds));
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
    if (bounds[0] != 0 || bounds[k + 1] < bounds[k] || bounds[k + 1] > (std::int64_t{1} << 26)) {
      return Invalid(kv->line, b.name + ": cat_boundaries must start at 0 and not decrease");
    }
  }
  return RequireArray(b, "cat_threshold", static_cast<std::size_t>(bounds.back()),
                      &a->cat_threshold);
}

// Child `c` of internal node `i` (a leaf when negative: leaf ~c) as a TreeSpec node index.
Result<std::int64_t> ChildIndex(const TreeBlock& b, const TreeSize& size, std::int64_t c,
                                std::size_t i, const char* side) {
  if (c >= 0) {
    if (static_cast<std::size_t>(c) >= size.n_int) {
      return Invalid(b.header_line, b.name + " node " + std::to_string(i) + ": " + side +
                                        " child " + std::to_string(c) + " out of range [0, " +
                                        std::to_string(size.n_int) + ")");
    }
    return c;
  }
  const std::int64_t leaf = ~c;
  if (leaf >= size.num_leaves) {
    return Invalid(b.header_line, b.name + " node " + std::to_string(i) + ": " + side + " leaf " +
                                      std::to_string(leaf) + " out of range [0, " +
                                      std::to_string(size.num_leaves) + ")");
  }
  return static_cast<std::int64_t>(size.n_int) + leaf;
}

// Internal node `i`: children, feature and the decision_type / threshold as a TreeSpec
// split; categorical bitsets are at `cat_offset` in the ensemble's cat_words.
Status ConvertSplit(const TreeBlock& b, const TreeSize& size, const SplitArrays& a, std::size_t i,
                    std::uint32_t cat_offset, TreeSpec* tree) {
  const std::string node = b.name + " node " + std::to_string(i);
  CREDENCE_ASSIGN_OR_RETURN(tree->left[i], ChildIndex(b, size, a.left[i], i, "left"));
  CREDENCE_ASSIGN_OR_RETURN(tree->right[i], ChildIndex(b, size, a.right[i], i, "right"));
  tree->feature[i] = a.split_feature[i];
  const std::int64_t d = a.decision_type[i];
  const std::int64_t missing = (d >> 2) & 3;
  if (d < 0 || d > 15 || missing == 3) {
    return Invalid(b.header_line, node + ": bad decision_type " + std::to_string(d));
  }
  const double thr = a.threshold[i];
  if (!std::isfinite(thr)) return Invalid(b.header_line, node + ": threshold is not finite");
  tree->default_left[i] = (d & 2) != 0;
  if (d & 1) {
    if (thr < 0 || thr >= static_cast<double>(size.num_cat) || thr != std::floor(thr)) {
      return Invalid(b.header_line, node + ": categorical split index " + std::to_string(thr) +
                                        " is not in [0, num_cat)");
    }
    const auto k = static_cast<std::size_t>(thr);
    tree->kind[i] = SplitKind::kCategorical;
    tree->cat_begin[i] = cat_offset + static_cast<std::uint32_t>(a.cat_boundaries[k]);
    tree->cat_end[i] = cat_offset + static_cast<std::uint32_t>(a.cat_boundaries[k + 1]);
    return OkStatus();
  }
  // x <= thr  <=>  x < nextafter(thr, +inf) for every non-NaN double x.
  tree->threshold[i] = std::nextafter(thr, std::numeric_limits<double>::infinity());
  if (missing == 0) {
    // Missing type None: LightGBM reads NaN as 0.0, which then compares normally.
    tree->default_left[i] = 0.0 <= thr;
  } else if (missing == 1) {
    tree->kind[i] = SplitKind::kNumericZeroMissing;
  }
  return OkStatus();
}

Status ReadTree(const std::vector<KeyValue>& block, int header_line, std::size_t t,
                const TreeLoadOptions& options, EnsembleSpec* spec, TreeSpec* tree,
                bool* has_counts) {
  const TreeBlock b{&block, header_line, "Tree=" + std::to_string(t)};
  CREDENCE_ASSIGN_OR_RETURN(const TreeSize size, ReadTreeSize(b, options));
  CREDENCE_RETURN_IF_ERROR(ReadLeaves(b, size, tree, has_counts));
  if (size.n_int == 0) return OkStatus();
  SplitArrays a;
  CREDENCE_RETURN_IF_ERROR(ReadSplitArrays(b, size, &a));
  const auto cat_offset = static_cast<std::uint32_t>(spec->cat_words.size());
  if (spec->cat_words.size() + a.cat_threshold.size() > (std::size_t{1} << 30)) {
    return OutOfRangeError("LightGBM text: categorical bitsets are too large");
  }
  spec->cat_words.insert(spec->cat_words.end(), a.cat_threshold.begin(), a.cat_threshold.end());
  for (std::size_t i = 0; i < size.n_int; ++i) {
    CREDENCE_RETURN_IF_ERROR(ConvertSplit(b, size, a, i, cat_offset, tree));
  }
  return OkStatus();
}

// The header's tree_sizes lists one byte size per tree; a file that declares more trees than
// it holds (or fewer) is cut or forged.
Status CheckDeclaredTrees(const std::vector<KeyValue>& header, std::size_t present) {
  const KeyValue* sizes = Find(header, "tree_sizes");
  if (sizes == nullptr) return OkStatus();
  std::size_t declared = 0;
  for (std::string_view s = sizes->value; !s.empty();) {
    const std::size_t sp = s.find(' ');
    if (sp != 0) ++declared;
    s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  }
  if (declared == present) return OkStatus();
  return Invalid(sizes->line, "tree_sizes declares " + std::to_string(declared) +
                                  " trees, the file has " + std::to_string(present));
}

// The lines of a LightGBM text model, after the checks that need no parsing: size, the
// leading "tree" line and an "end of trees" line somewhere.
Result<std::vector<std::string_view>> ModelLines(std::string_view text,
                                                 const TreeLoadOptions& options) {
  if (text.size() > options.max_input_bytes) {
    return OutOfRangeError("LightGBM text: " + std::to_string(text.size()) +
                           " bytes exceed max_input_bytes " +
                           std::to_string(options.max_input_bytes));
  }
  std::vector<std::string_view> lines = SplitLines(text);
  if (lines.empty() || lines[0] != "tree") {
    return InvalidArgumentError("LightGBM text: not a LightGBM model (first line is not 'tree')",
                                {.line = 1});
  }
  bool ended = false;
  for (std::string_view line : lines) ended = ended || line == "end of trees";
  if (!ended) {
    return DataLossError("LightGBM text: no 'end of trees' line (truncated file?)");
  }
  return lines;
}

// The header's key=value lines and one block per "Tree=<i>" (up to "end of trees").
struct Sections {
  std::vector<KeyValue> header;
  std::vector<std::vector<KeyValue>> blocks;
  std::vector<int> block_lines;  // the "Tree=<i>" line of each block
};

Result<Sections> SplitSections(const std::vector<std::string_view>& lines,
                               const TreeLoadOptions& options) {
  Sections out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const int line_no = static_cast<int>(std::min<std::size_t>(i + 1, 1u << 30));
    if (line == "end of trees") break;
    if (line.empty()) continue;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Invalid(line_no, "expected key=value, got '" + std::string(line.substr(0, 40)) + "'");
    }
    KeyValue kv{line.substr(0, eq), line.substr(eq + 1), line_no};
    if (kv.key == "Tree") {
      std::size_t index = 0;
      if (!ParseNumber(kv.value, &index) || index != out.blocks.size()) {
        return Invalid(line_no, "expected Tree=" + std::to_string(out.blocks.size()));
      }
      if (out.blocks.size() == options.max_trees) {
        return OutOfRangeError(
            "LightGBM text: more than max_trees " + std::to_string(options.max_trees) + " trees",
            {.line = line_no});
      }
      out.blocks.emplace_back();
      out.block_lines.push_back(line_no);
      continue;
    }
    (out.blocks.empty() ? out.header : out.blocks.back()).push_back(kv);
  }
  return out;
}

// max_feature_idx, then the single-output checks (num_class, num_tree_per_iteration,
// average_output).
Status ReadFeatureCount(const std::vector<KeyValue>& header, const TreeLoadOptions& options,
                        EnsembleSpec* spec) {
  const KeyValue* kv = Find(header, "max_feature_idx");
  std::int64_t max_feature_idx = -1;
  if (kv == nullptr || !ParseNumber(kv->value, &max_feature_idx) || max_feature_idx < 0) {
    return Invalid(kv ? kv->line : 1, "missing or bad max_feature_idx");
  }
  if (static_cast<std::uint64_t>(max_feature_idx) >= options.max_features) {
    return OutOfRangeError("LightGBM text: max_feature_idx " + std::to_string(max_feature_idx) +
                               " reaches max_features " + std::to_string(options.max_features),
                           {.line = kv->line});
  }
  spec->num_features = static_cast<std::size_t>(max_feature_idx) + 1;
  for (const char* key : {"num_class", "num_tree_per_iteration"}) {
    if (const KeyValue* c = Find(header, key); c != nullptr && c->value != "1") {
      return UnimplementedError("LightGBM text: multi-class models are not supported",
                                {.line = c->line});
    }
  }
  if (const KeyValue* avg = Find(header, "average_output"); avg != nullptr) {
    return UnimplementedError("LightGBM text: average_output (random forest) is not supported",
                              {.line = avg->line});
  }
  return OkStatus();
}

// The "sigmoid:<scale>" option among the space-separated options after "binary".
Status ReadSigmoidScale(std::string_view binary_options, int line, EnsembleSpec* spec) {
  std::string_view rest = binary_options;
  while (!rest.empty()) {
    const std::size_t next = rest.find(' ');
    const std::string_view opt = rest.substr(0, next);
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    if (opt.substr(0, 8) == "sigmoid:") {
      double scale = 0;
      if (!ParseNumber(opt.substr(8), &scale) || !std::isfinite(scale) || scale <= 0) {
        return Invalid(line, "bad sigmoid parameter in objective");
      }
      spec->sigmoid_scale = scale;
    }
  }
  return OkStatus();
}

// The objective line: its name picks the output transform (binary → sigmoid).
Status ReadObjective(const std::vector<KeyValue>& header, EnsembleSpec* spec) {
  const KeyValue* kv = Find(header, "objective");
  if (kv == nullptr) return Invalid(1, "missing 'objective'");
  spec->objective = std::string(kv->value);
  std::string_view obj = kv->value;
  const std::size_t sp = obj.find(' ');
  const std::string_view base = obj.substr(0, sp);
  if (base == "binary") {
    spec->transform = TreeOutputTransform::kSigmoid;
    return ReadSigmoidScale(sp == std::string_view::npos ? "" : obj.substr(sp + 1), kv->line, spec);
  }
  if (base == "regression" || base == "regression_l1" || base == "huber" || base == "fair" ||
      base == "quantile" || base == "mape") {
    spec->transform = TreeOutputTransform::kIdentity;
    return OkStatus();
  }
  return UnimplementedError("LightGBM text: objective '" + std::string(base) + "' is not supported",
                            {.line = kv->line});
}

void ReadFeatureNames(const std::vector<KeyValue>& header, EnsembleSpec* spec) {
  const KeyValue* names = Find(header, "feature_names");
  if (names == nullptr) return;
  std::string_view s = names->value;
  while (!s.empty()) {
    const std::size_t sp = s.find(' ');
    if (sp != 0) spec->feature_names.emplace_back(s.substr(0, sp));
    s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  }
}

}  // namespace

Result<TreeEnsemble> LoadLightgbmText(std::string_view text, const TreeLoadOptions& options) {
  CREDENCE_RETURN_IF_ERROR(internal::ValidateOptions(options));
  CREDENCE_ASSIGN_OR_RETURN(const std::vector<std::string_view> lines, ModelLines(text, options));
  EnsembleSpec spec;
  spec.format = "LightGBM text";
  CREDENCE_ASSIGN_OR_RETURN(const Sections sections, SplitSections(lines, options));
  const std::vector<KeyValue>& header = sections.header;
  CREDENCE_RETURN_IF_ERROR(ReadFeatureCount(header, options, &spec));
  CREDENCE_RETURN_IF_ERROR(ReadObjective(header, &spec));
  ReadFeatureNames(header, &spec);

  CREDENCE_RETURN_IF_ERROR(CheckDeclaredTrees(header, sections.blocks.size()));
  spec.trees.resize(sections.blocks.size());
  bool has_counts = true;
  for (std::size_t t = 0; t < sections.blocks.size(); ++t) {
    CREDENCE_RETURN_IF_ERROR(ReadTree(sections.blocks[t], sections.block_lines[t], t, options,
                                      &spec, &spec.trees[t], &has_counts));
  }
  spec.has_covers = has_counts;
  if (!has_counts) {
    for (TreeSpec& tree : spec.trees) tree.cover.clear();
  }
  return internal::TreeEnsembleBuilder::Build(std::move(spec), options);
}

}  // namespace credence::models
