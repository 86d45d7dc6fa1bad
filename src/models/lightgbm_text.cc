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

Status ReadTree(const std::vector<KeyValue>& block, int header_line, std::size_t t,
                const TreeLoadOptions& options, EnsembleSpec* spec, TreeSpec* tree,
                bool* has_counts) {
  const std::string name = "Tree=" + std::to_string(t);
  auto require = [&](std::string_view key) -> Result<const KeyValue*> {
    const KeyValue* kv = Find(block, key);
    if (kv == nullptr) {
      return Invalid(header_line, name + ": missing '" + std::string(key) + "'");
    }
    return kv;
  };
  CREDENCE_ASSIGN_OR_RETURN(const KeyValue* kv_leaves, require("num_leaves"));
  std::int64_t num_leaves = 0;
  if (!ParseNumber(kv_leaves->value, &num_leaves) || num_leaves < 1) {
    return Invalid(kv_leaves->line, name + ": num_leaves must be a positive integer");
  }
  if (static_cast<std::uint64_t>(num_leaves) * 2 - 1 > options.max_nodes_per_tree) {
    return OutOfRangeError("LightGBM text: " + name + " has " + std::to_string(num_leaves) +
                               " leaves, more nodes than max_nodes_per_tree " +
                               std::to_string(options.max_nodes_per_tree),
                           {.line = kv_leaves->line});
  }
  if (const KeyValue* lin = Find(block, "is_linear"); lin != nullptr && lin->value != "0") {
    return UnimplementedError("LightGBM text: " + name + ": linear trees are not supported",
                              {.line = lin->line});
  }
  std::int64_t num_cat = 0;
  if (const KeyValue* kv = Find(block, "num_cat"); kv != nullptr) {
    if (!ParseNumber(kv->value, &num_cat) || num_cat < 0 || num_cat > num_leaves) {
      return Invalid(kv->line, name + ": bad num_cat");
    }
  }
  const auto leaves = static_cast<std::size_t>(num_leaves);
  const std::size_t n_int = leaves - 1;
  const std::size_t n = n_int + leaves;
  std::vector<double> leaf_value;
  CREDENCE_ASSIGN_OR_RETURN(const KeyValue* kv_lv, require("leaf_value"));
  CREDENCE_RETURN_IF_ERROR(ParseArray(*kv_lv, leaves, name, &leaf_value));

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

  const KeyValue* kv_ic = Find(block, "internal_count");
  const KeyValue* kv_lc = Find(block, "leaf_count");
  if (kv_lc != nullptr && (n_int == 0 || kv_ic != nullptr)) {
    std::vector<double> lc, ic;
    CREDENCE_RETURN_IF_ERROR(ParseArray(*kv_lc, leaves, name, &lc));
    if (n_int > 0) CREDENCE_RETURN_IF_ERROR(ParseArray(*kv_ic, n_int, name, &ic));
    tree->cover.assign(n, 0.0);
    for (std::size_t i = 0; i < n_int; ++i) tree->cover[i] = ic[i];
    for (std::size_t j = 0; j < leaves; ++j) tree->cover[n_int + j] = lc[j];
  } else if (n_int == 0) {
    tree->cover.assign(n, 0.0);  // a single leaf needs no cover for TreeSHAP
  } else {
    *has_counts = false;
  }
  if (n_int == 0) return OkStatus();

  std::vector<std::int64_t> split_feature, decision_type, left, right;
  std::vector<double> threshold;
  const KeyValue* kv = nullptr;
  CREDENCE_ASSIGN_OR_RETURN(kv, require("split_feature"));
  CREDENCE_RETURN_IF_ERROR(ParseArray(*kv, n_int, name, &split_feature));
  CREDENCE_ASSIGN_OR_RETURN(kv, require("threshold"));
  CREDENCE_RETURN_IF_ERROR(ParseArray(*kv, n_int, name, &threshold));
  CREDENCE_ASSIGN_OR_RETURN(kv, require("decision_type"));
  CREDENCE_RETURN_IF_ERROR(ParseArray(*kv, n_int, name, &decision_type));
  CREDENCE_ASSIGN_OR_RETURN(kv, require("left_child"));
  CREDENCE_RETURN_IF_ERROR(ParseArray(*kv, n_int, name, &left));
  CREDENCE_ASSIGN_OR_RETURN(kv, require("right_child"));
  CREDENCE_RETURN_IF_ERROR(ParseArray(*kv, n_int, name, &right));

  std::vector<std::int64_t> cat_boundaries;
  std::vector<std::uint32_t> cat_threshold;
  if (num_cat > 0) {
    CREDENCE_ASSIGN_OR_RETURN(kv, require("cat_boundaries"));
    CREDENCE_RETURN_IF_ERROR(
        ParseArray(*kv, static_cast<std::size_t>(num_cat) + 1, name, &cat_boundaries));
    for (std::size_t k = 0; k + 1 < cat_boundaries.size(); ++k) {
      if (cat_boundaries[0] != 0 || cat_boundaries[k + 1] < cat_boundaries[k] ||
          cat_boundaries[k + 1] > (std::int64_t{1} << 26)) {
        return Invalid(kv->line, name + ": cat_boundaries must start at 0 and not decrease");
      }
    }
    CREDENCE_ASSIGN_OR_RETURN(kv, require("cat_threshold"));
    CREDENCE_RETURN_IF_ERROR(
        ParseArray(*kv, static_cast<std::size_t>(cat_boundaries.back()), name, &cat_threshold));
  }
  const auto cat_offset = static_cast<std::uint32_t>(spec->cat_words.size());
  if (spec->cat_words.size() + cat_threshold.size() > (std::size_t{1} << 30)) {
    return OutOfRangeError("LightGBM text: categorical bitsets are too large");
  }
  spec->cat_words.insert(spec->cat_words.end(), cat_threshold.begin(), cat_threshold.end());

  auto child = [&](std::int64_t c, std::size_t i, const char* side) -> Result<std::int64_t> {
    if (c >= 0) {
      if (static_cast<std::size_t>(c) >= n_int) {
        return Invalid(header_line, name + " node " + std::to_string(i) + ": " + side + " child " +
                                        std::to_string(c) + " out of range [0, " +
                                        std::to_string(n_int) + ")");
      }
      return c;
    }
    const std::int64_t leaf = ~c;
    if (leaf >= num_leaves) {
      return Invalid(header_line, name + " node " + std::to_string(i) + ": " + side + " leaf " +
                                      std::to_string(leaf) + " out of range [0, " +
                                      std::to_string(num_leaves) + ")");
    }
    return static_cast<std::int64_t>(n_int) + leaf;
  };
  for (std::size_t i = 0; i < n_int; ++i) {
    const std::string node = name + " node " + std::to_string(i);
    CREDENCE_ASSIGN_OR_RETURN(tree->left[i], child(left[i], i, "left"));
    CREDENCE_ASSIGN_OR_RETURN(tree->right[i], child(right[i], i, "right"));
    tree->feature[i] = split_feature[i];
    const std::int64_t d = decision_type[i];
    const std::int64_t missing = (d >> 2) & 3;
    if (d < 0 || d > 15 || missing == 3) {
      return Invalid(header_line, node + ": bad decision_type " + std::to_string(d));
    }
    const double thr = threshold[i];
    if (!std::isfinite(thr)) return Invalid(header_line, node + ": threshold is not finite");
    tree->default_left[i] = (d & 2) != 0;
    if (d & 1) {
      if (thr < 0 || thr >= static_cast<double>(num_cat) || thr != std::floor(thr)) {
        return Invalid(header_line, node + ": categorical split index " + std::to_string(thr) +
                                        " is not in [0, num_cat)");
      }
      const auto k = static_cast<std::size_t>(thr);
      tree->kind[i] = SplitKind::kCategorical;
      tree->cat_begin[i] = cat_offset + static_cast<std::uint32_t>(cat_boundaries[k]);
      tree->cat_end[i] = cat_offset + static_cast<std::uint32_t>(cat_boundaries[k + 1]);
      continue;
    }
    // x <= thr  <=>  x < nextafter(thr, +inf) for every non-NaN double x.
    tree->threshold[i] = std::nextafter(thr, std::numeric_limits<double>::infinity());
    if (missing == 0) {
      // Missing type None: LightGBM reads NaN as 0.0, which then compares normally.
      tree->default_left[i] = 0.0 <= thr;
    } else if (missing == 1) {
      tree->kind[i] = SplitKind::kNumericZeroMissing;
    }
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

}  // namespace

Result<TreeEnsemble> LoadLightgbmText(std::string_view text, const TreeLoadOptions& options) {
  CREDENCE_RETURN_IF_ERROR(internal::ValidateOptions(options));
  if (text.size() > options.max_input_bytes) {
    return OutOfRangeError("LightGBM text: " + std::to_string(text.size()) +
                           " bytes exceed max_input_bytes " +
                           std::to_string(options.max_input_bytes));
  }
  const std::vector<std::string_view> lines = SplitLines(text);
  if (lines.empty() || lines[0] != "tree") {
    return InvalidArgumentError("LightGBM text: not a LightGBM model (first line is not 'tree')",
                                {.line = 1});
  }
  bool ended = false;
  for (std::string_view line : lines) ended = ended || line == "end of trees";
  if (!ended) {
    return DataLossError("LightGBM text: no 'end of trees' line (truncated file?)");
  }

  EnsembleSpec spec;
  spec.format = "LightGBM text";
  std::vector<KeyValue> header;
  std::vector<std::vector<KeyValue>> blocks;
  std::vector<int> block_lines;
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
      if (!ParseNumber(kv.value, &index) || index != blocks.size()) {
        return Invalid(line_no, "expected Tree=" + std::to_string(blocks.size()));
      }
      if (blocks.size() == options.max_trees) {
        return OutOfRangeError(
            "LightGBM text: more than max_trees " + std::to_string(options.max_trees) + " trees",
            {.line = line_no});
      }
      blocks.emplace_back();
      block_lines.push_back(line_no);
      continue;
    }
    (blocks.empty() ? header : blocks.back()).push_back(kv);
  }

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
  spec.num_features = static_cast<std::size_t>(max_feature_idx) + 1;
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
  kv = Find(header, "objective");
  if (kv == nullptr) return Invalid(1, "missing 'objective'");
  spec.objective = std::string(kv->value);
  {
    std::string_view obj = kv->value;
    const std::size_t sp = obj.find(' ');
    const std::string_view base = obj.substr(0, sp);
    if (base == "binary") {
      spec.transform = TreeOutputTransform::kSigmoid;
      std::string_view rest = sp == std::string_view::npos ? "" : obj.substr(sp + 1);
      while (!rest.empty()) {
        const std::size_t next = rest.find(' ');
        const std::string_view opt = rest.substr(0, next);
        rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
        if (opt.substr(0, 8) == "sigmoid:") {
          double scale = 0;
          if (!ParseNumber(opt.substr(8), &scale) || !std::isfinite(scale) || scale <= 0) {
            return Invalid(kv->line, "bad sigmoid parameter in objective");
          }
          spec.sigmoid_scale = scale;
        }
      }
    } else if (base == "regression" || base == "regression_l1" || base == "huber" ||
               base == "fair" || base == "quantile" || base == "mape") {
      spec.transform = TreeOutputTransform::kIdentity;
    } else {
      return UnimplementedError(
          "LightGBM text: objective '" + std::string(base) + "' is not supported",
          {.line = kv->line});
    }
  }
  if (const KeyValue* names = Find(header, "feature_names"); names != nullptr) {
    std::string_view s = names->value;
    while (!s.empty()) {
      const std::size_t sp = s.find(' ');
      if (sp != 0) spec.feature_names.emplace_back(s.substr(0, sp));
      s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
    }
  }

  CREDENCE_RETURN_IF_ERROR(CheckDeclaredTrees(header, blocks.size()));
  spec.trees.resize(blocks.size());
  bool has_counts = true;
  for (std::size_t t = 0; t < blocks.size(); ++t) {
    CREDENCE_RETURN_IF_ERROR(
        ReadTree(blocks[t], block_lines[t], t, options, &spec, &spec.trees[t], &has_counts));
  }
  spec.has_covers = has_counts;
  if (!has_counts) {
    for (TreeSpec& tree : spec.trees) tree.cover.clear();
  }
  return internal::TreeEnsembleBuilder::Build(std::move(spec), options);
}

}  // namespace credence::models
