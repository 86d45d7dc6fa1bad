// XGBoost JSON model loader (XGBoost 1.x and 2.x `save_model("x.json")`).
//
// Schema used (learner → gradient_booster → model → trees[i]):
//   learner.learner_model_param.{base_score, num_feature, num_class, num_target}: strings;
//     base_score is "5E-1" (1.x) or "[5E-1]" (2.x), in probability space.
//   learner.objective.name; learner.feature_names (optional, strings).
//   learner.gradient_booster.name == "gbtree"; .model.tree_info (ints, group per tree).
//   trees[i].{left_children, right_children, split_indices} ints (-1 child = leaf),
//     split_conditions floats (threshold, or the leaf value at a leaf), default_left
//     (ints 0/1 or booleans), sum_hessian floats (cover), split_type (0 numeric),
//     tree_param.num_nodes (string).
// Every float in the file is a float32 printed in shortest form, so the document is parsed
// with float as its number type: each value is read straight into float (no double
// rounding on the way).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/excerpt.h"
#include "models/tree_ensemble.h"
#include "models/tree_spec.h"

namespace credence::models {
namespace {

using Json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t,
                                  std::uint64_t, float>;
using internal::EnsembleSpec;
using internal::SplitKind;
using internal::TreeSpec;

constexpr std::string_view kFormat = "XGBoost JSON";

// Records where a failed parse stopped, so a cut-off file can be told apart from garbage.
class ErrorPositionSax : public nlohmann::json_sax<Json> {
 public:
  std::size_t position = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string&,
                   const nlohmann::detail::exception& e) override {
    position = pos;
    id = e.id;
    what = e.what();
    return false;
  }
  int id = 0;
  std::string what;
};

// Why a document did not parse, located by line and column: OUT_OF_RANGE for a number beyond
// float32 (1e39, 1e400), DATA_LOSS for a document that ends early, INVALID_ARGUMENT else.
Status ParseError(std::string_view text) {
  ErrorPositionSax sax;
  Json::sax_parse(text, &sax, nlohmann::detail::input_format_t::json, /*strict=*/true);
  if (sax.position >= text.size() && sax.id != 406) {
    return DataLossError("XGBoost JSON: the document ends early (truncated file?)");
  }
  // nlohmann counts the offending character; report where it starts.
  const std::size_t at = sax.position > 0 ? std::min(sax.position - 1, text.size()) : 0;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  const std::string where = "line " + std::to_string(line) + ", column " + std::to_string(column);
  if (sax.id == 406) {  // nlohmann: "number overflow parsing '...'"
    return OutOfRangeError(
        "XGBoost JSON: a number at " + where + " is out of range (beyond float32)",
        {.line = line, .column = column});
  }
  std::string reason = sax.what;
  if (const auto colon = reason.find(": "); colon != std::string::npos) {
    reason = reason.substr(colon + 2);
  }
  return InvalidArgumentError("XGBoost JSON: not valid JSON at " + where + " (byte " +
                                  std::to_string(at) + "): " + core::Excerpt(reason),
                              {.line = line, .column = column});
}

Status Invalid(const std::string& path, const std::string& message) {
  return InvalidArgumentError(message, {.field_path = path});
}

const Json* Field(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

Result<const Json*> Require(const Json& obj, const std::string& path, const char* key,
                            Json::value_t type) {
  const Json* v = Field(obj, key);
  if (v == nullptr) return Invalid(path, "missing field '" + std::string(key) + "'");
  const bool ok =
      v->type() == type || (type == Json::value_t::number_integer && v->is_number_unsigned());
  if (!ok) {
    return Invalid(path + "." + key, "field '" + std::string(key) + "' is a " + v->type_name() +
                                         ", expected " + Json(type).type_name());
  }
  return v;
}

// Integer from a JSON string like "8" (XGBoost stores parameters as strings).
Result<std::int64_t> IntParam(const Json& obj, const std::string& path, const char* key,
                              std::int64_t fallback, bool required) {
  const Json* v = Field(obj, key);
  if (v == nullptr) {
    if (required) return Invalid(path, "missing field '" + std::string(key) + "'");
    return fallback;
  }
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (!v->is_string()) {
    return Invalid(path + "." + key, "'" + std::string(key) + "' is " +
                                         std::string(v->type_name()) +
                                         ", expected a string holding an integer");
  }
  const std::string& s = v->get_ref<const std::string&>();
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return Invalid(path + "." + key,
                   "'" + std::string(key) + "': '" + core::Excerpt(s) + "' is not an integer");
  }
  return out;
}

// base_score: "5E-1" (1.x) or "[5E-1]" (2.x). Parsed straight into float like XGBoost.
Result<float> ParseBaseScore(const Json& param, const std::string& path) {
  const Json* v = Field(param, "base_score");
  if (v == nullptr) return 0.5f;  // XGBoost's default
  if (v->is_number()) return v->get<float>();
  if (!v->is_string()) return Invalid(path + ".base_score", "expected a string");
  std::string_view s = v->get_ref<const std::string&>();
  if (!s.empty() && s.front() == '[') {
    if (s.back() != ']') return Invalid(path + ".base_score", "unbalanced '['");
    s = s.substr(1, s.size() - 2);
    if (s.find(',') != std::string_view::npos) {
      return UnimplementedError("multi-target base_score is not supported",
                                {.field_path = path + ".base_score"});
    }
  }
  float out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(out)) {
    return Invalid(path + ".base_score", "'" + core::Excerpt(s) + "' is not a finite number");
  }
  return out;
}

// Reads array `key` of tree `t`: exactly `n` numbers. Fewer elements is kDataLoss (a cut
// file); more, or a wrong element type, is kInvalidArgument. Messages name the tree and field.
template <typename T>
Status ReadArray(const Json& tree, std::size_t t, const std::string& path, const char* key,
                 std::size_t n, bool integer, std::vector<T>* out) {
  const std::string who = "tree " + std::to_string(t) + ": '" + key + "'";
  const Json* a = Field(tree, key);
  if (a == nullptr) {
    return Invalid(path, "tree " + std::to_string(t) + ": missing field '" + key + "'");
  }
  if (!a->is_array()) {
    return Invalid(path + "." + key,
                   who + " is " + std::string(a->type_name()) + ", expected an array");
  }
  if (a->size() != n) {
    const std::string msg = who + " has " + std::to_string(a->size()) +
                            " elements, num_nodes says " + std::to_string(n);
    return a->size() < n ? DataLossError(msg, {.field_path = path + "." + key})
                         : Invalid(path + "." + key, msg);
  }
  out->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Json& e = (*a)[i];
    const std::string at = path + "." + key + "[" + std::to_string(i) + "]";
    if (integer) {
      if (e.is_boolean()) {
        (*out)[i] = static_cast<T>(e.get<bool>() ? 1 : 0);
      } else if (e.is_number_integer()) {
        (*out)[i] = static_cast<T>(e.get<std::int64_t>());
      } else {
        return Invalid(at, "tree " + std::to_string(t) + " node " + std::to_string(i) + ": '" +
                               key + "' is " + std::string(e.type_name()) +
                               ", expected an integer");
      }
    } else {
      if (!e.is_number()) {
        return Invalid(at, "tree " + std::to_string(t) + " node " + std::to_string(i) + ": '" +
                               key + "' is " + std::string(e.type_name()) + ", expected a number");
      }
      (*out)[i] = static_cast<T>(e.get<float>());
    }
  }
  return OkStatus();
}

// A declared count of trees (gbtree_model_param.num_trees) must be the count present: a file
// that declares 10^6 trees and holds one is cut or forged.
Status CheckDeclaredTrees(const Json& model, const std::string& mpath, std::size_t present) {
  const Json* gp = Field(model, "gbtree_model_param");
  if (gp == nullptr) return OkStatus();
  CREDENCE_ASSIGN_OR_RETURN(std::int64_t declared, IntParam(*gp, mpath + ".gbtree_model_param",
                                                            "num_trees", -1, /*required=*/false));
  if (declared == -1 || declared == static_cast<std::int64_t>(present)) return OkStatus();
  return Invalid(mpath + ".gbtree_model_param.num_trees",
                 "num_trees declares " + std::to_string(declared) + " trees, the file has " +
                     std::to_string(present));
}

Status ReadTree(const Json& tree, std::size_t t, const TreeLoadOptions& options, TreeSpec* spec) {
  const std::string path = "learner.gradient_booster.model.trees[" + std::to_string(t) + "]";
  if (!tree.is_object()) return Invalid(path, "tree " + std::to_string(t) + " is not an object");
  auto param_or = Require(tree, path, "tree_param", Json::value_t::object);
  if (!param_or.ok()) {
    return Status(param_or.status().code(),
                  "tree " + std::to_string(t) + ": " + std::string(param_or.status().message()),
                  *param_or.status().location());
  }
  const Json* param = *param_or;
  CREDENCE_ASSIGN_OR_RETURN(std::int64_t num_nodes,
                            IntParam(*param, path + ".tree_param", "num_nodes", 0, true));
  if (num_nodes <= 0) {
    return Invalid(path + ".tree_param.num_nodes",
                   "tree " + std::to_string(t) + ": num_nodes must be positive");
  }
  if (static_cast<std::uint64_t>(num_nodes) > options.max_nodes_per_tree) {
    return OutOfRangeError("tree " + std::to_string(t) + " has " + std::to_string(num_nodes) +
                               " nodes, more than max_nodes_per_tree " +
                               std::to_string(options.max_nodes_per_tree),
                           {.field_path = path});
  }
  CREDENCE_ASSIGN_OR_RETURN(std::int64_t leaf_vector,
                            IntParam(*param, path + ".tree_param", "size_leaf_vector", 0, false));
  if (leaf_vector > 1) {
    return UnimplementedError(
        "tree " + std::to_string(t) + ": vector leaves (multi_output_tree) are not supported",
        {.field_path = path + ".tree_param.size_leaf_vector"});
  }
  const auto n = static_cast<std::size_t>(num_nodes);
  std::vector<float> split_conditions;
  std::vector<std::int64_t> default_left;
  CREDENCE_RETURN_IF_ERROR(ReadArray(tree, t, path, "left_children", n, true, &spec->left));
  CREDENCE_RETURN_IF_ERROR(ReadArray(tree, t, path, "right_children", n, true, &spec->right));
  CREDENCE_RETURN_IF_ERROR(ReadArray(tree, t, path, "split_indices", n, true, &spec->feature));
  CREDENCE_RETURN_IF_ERROR(
      ReadArray(tree, t, path, "split_conditions", n, false, &split_conditions));
  CREDENCE_RETURN_IF_ERROR(ReadArray(tree, t, path, "default_left", n, true, &default_left));
  if (Field(tree, "split_type") != nullptr) {
    std::vector<std::int64_t> split_type;
    CREDENCE_RETURN_IF_ERROR(ReadArray(tree, t, path, "split_type", n, true, &split_type));
    for (std::size_t i = 0; i < n; ++i) {
      if (split_type[i] != 0 && spec->left[i] >= 0) {
        return UnimplementedError("tree " + std::to_string(t) + " node " + std::to_string(i) +
                                      ": categorical splits are not supported",
                                  {.field_path = path + ".split_type"});
      }
    }
  }
  std::vector<float> cover;
  const bool has_cover = Field(tree, "sum_hessian") != nullptr;
  if (has_cover)
    CREDENCE_RETURN_IF_ERROR(ReadArray(tree, t, path, "sum_hessian", n, false, &cover));

  spec->threshold.resize(n);
  spec->leaf_value.resize(n);
  spec->default_left.resize(n);
  spec->kind.assign(n, SplitKind::kNumeric);
  spec->cover.assign(cover.begin(), cover.end());
  for (std::size_t i = 0; i < n; ++i) {
    const float c = split_conditions[i];
    spec->default_left[i] = default_left[i] != 0;
    if (spec->left[i] == -1) {
      spec->leaf_value[i] = c;
      spec->threshold[i] = 0.0;
      if (spec->right[i] != -1) {
        return Invalid(path + ".right_children[" + std::to_string(i) + "]",
                       "tree " + std::to_string(t) + " node " + std::to_string(i) +
                           ": a leaf (left child -1) has right child " +
                           std::to_string(spec->right[i]));
      }
    } else {
      if (spec->left[i] < 0) {
        return Invalid(path + ".left_children[" + std::to_string(i) + "]",
                       "tree " + std::to_string(t) + " node " + std::to_string(i) +
                           ": child index " + std::to_string(spec->left[i]) + " out of range");
      }
      if (!std::isfinite(c)) {
        return Invalid(path + ".split_conditions[" + std::to_string(i) + "]",
                       "tree " + std::to_string(t) + " node " + std::to_string(i) +
                           ": threshold is not finite");
      }
      spec->threshold[i] = internal::FloatLessThanBound(c);
      spec->leaf_value[i] = 0.0;
    }
  }
  return OkStatus();
}

// The document, after the size limit; any parse failure is located (see ParseError).
Result<Json> ParseDocument(std::string_view text, const TreeLoadOptions& options) {
  if (text.size() > options.max_input_bytes) {
    return OutOfRangeError("XGBoost JSON: " + std::to_string(text.size()) +
                           " bytes exceed max_input_bytes " +
                           std::to_string(options.max_input_bytes));
  }
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/false);
  if (doc.is_discarded()) return ParseError(text);
  if (!doc.is_object()) return InvalidArgumentError("XGBoost JSON: the document is not an object");
  return doc;
}

constexpr std::string_view kModelParamPath = "learner.learner_model_param";

// learner_model_param: a single-output model with num_feature within the limit. Returns
// base_score (probability space for the logistic objectives).
Result<float> ReadModelParam(const Json& learner, const TreeLoadOptions& options,
                             EnsembleSpec* spec) {
  CREDENCE_ASSIGN_OR_RETURN(const Json* lparam, Require(learner, "learner", "learner_model_param",
                                                        Json::value_t::object));
  const std::string lpath(kModelParamPath);
  CREDENCE_ASSIGN_OR_RETURN(std::int64_t num_feature,
                            IntParam(*lparam, lpath, "num_feature", 0, true));
  CREDENCE_ASSIGN_OR_RETURN(std::int64_t num_class,
                            IntParam(*lparam, lpath, "num_class", 0, false));
  CREDENCE_ASSIGN_OR_RETURN(std::int64_t num_target,
                            IntParam(*lparam, lpath, "num_target", 1, false));
  // num_class "1" is a legitimate single-output model (XGBoost accepts it).
  if (num_class > 1 || num_target > 1) {
    return UnimplementedError("multi-class and multi-target models are not supported",
                              {.field_path = lpath});
  }
  if (num_feature <= 0) return Invalid(lpath + ".num_feature", "num_feature must be positive");
  if (static_cast<std::uint64_t>(num_feature) > options.max_features) {
    return OutOfRangeError("num_feature " + std::to_string(num_feature) + " exceeds max_features " +
                               std::to_string(options.max_features),
                           {.field_path = lpath + ".num_feature"});
  }
  spec->num_features = static_cast<std::size_t>(num_feature);
  return ParseBaseScore(*lparam, lpath);
}

// learner.objective.name picks the output transform; base_score becomes the base margin.
Status ReadObjective(const Json& learner, float base_score, EnsembleSpec* spec) {
  CREDENCE_ASSIGN_OR_RETURN(const Json* objective,
                            Require(learner, "learner", "objective", Json::value_t::object));
  CREDENCE_ASSIGN_OR_RETURN(const Json* obj_name, Require(*objective, "learner.objective", "name",
                                                          Json::value_t::string));
  spec->objective = obj_name->get<std::string>();
  // binary:logitraw keeps base_score as a margin (its ProbToMargin is the identity in
  // XGBoost 1.6+); the two logistic objectives convert it with the logit.
  const bool logistic_link =
      spec->objective == "binary:logistic" || spec->objective == "reg:logistic";
  if (!logistic_link && spec->objective != "reg:squarederror" &&
      spec->objective != "binary:logitraw") {
    return UnimplementedError("objective '" + spec->objective + "' is not supported",
                              {.field_path = "learner.objective.name"});
  }
  spec->transform = spec->objective == "binary:logitraw" || spec->objective == "reg:squarederror"
                        ? TreeOutputTransform::kIdentity
                        : TreeOutputTransform::kSigmoid;
  if (logistic_link) {
    // XGBoost turns base_score into a margin in float32: -log(1/p - 1).
    if (!(base_score > 0.0f && base_score < 1.0f)) {
      return Invalid(std::string(kModelParamPath) + ".base_score",
                     "base_score must be in (0, 1) for objective " + spec->objective);
    }
    spec->base_margin = -std::log(1.0f / base_score - 1.0f);
  } else {
    spec->base_margin = base_score;
  }
  return OkStatus();
}

Status ReadFeatureNames(const Json& learner, EnsembleSpec* spec) {
  const Json* names = Field(learner, "feature_names");
  if (names == nullptr) return OkStatus();
  if (!names->is_array()) return Invalid("learner.feature_names", "expected an array");
  for (const Json& name : *names) {
    if (!name.is_string()) return Invalid("learner.feature_names", "expected strings");
    spec->feature_names.push_back(name.get<std::string>());
  }
  return OkStatus();
}

// learner.gradient_booster, which must be a plain gbtree (no dart weights).
Result<const Json*> RequireGbtree(const Json& learner) {
  CREDENCE_ASSIGN_OR_RETURN(const Json* booster,
                            Require(learner, "learner", "gradient_booster", Json::value_t::object));
  CREDENCE_ASSIGN_OR_RETURN(const Json* booster_name, Require(*booster, "learner.gradient_booster",
                                                              "name", Json::value_t::string));
  if (booster_name->get_ref<const std::string&>() != "gbtree") {
    return UnimplementedError(
        "booster '" + booster_name->get<std::string>() + "' is not supported (only gbtree)",
        {.field_path = "learner.gradient_booster.name"});
  }
  // XGBoost 3.4+ saves a dart booster as gbtree plus per-tree "weight_drop" factors.
  if (const Json* drop = Field(*booster, "weight_drop"); drop != nullptr) {
    if (!drop->is_array())
      return Invalid("learner.gradient_booster.weight_drop", "expected an array");
    for (const Json& w : *drop) {
      if (!w.is_number() || w.get<float>() != 1.0f) {
        return UnimplementedError("dart tree weights (weight_drop) are not supported",
                                  {.field_path = "learner.gradient_booster.weight_drop"});
      }
    }
  }
  return booster;
}

// tree_info, when present: one output group per tree, all group 0.
Status CheckTreeInfo(const Json& model, const std::string& mpath, std::size_t num_trees) {
  const Json* tree_info = Field(model, "tree_info");
  if (tree_info == nullptr) return OkStatus();
  if (!tree_info->is_array()) return Invalid(mpath + ".tree_info", "expected an array");
  if (tree_info->size() != num_trees) {
    return Invalid(mpath + ".tree_info", "tree_info has " + std::to_string(tree_info->size()) +
                                             " entries for " + std::to_string(num_trees) +
                                             " trees");
  }
  for (std::size_t t = 0; t < tree_info->size(); ++t) {
    const Json& g = (*tree_info)[t];
    if (!g.is_number_integer() || g.get<std::int64_t>() != 0) {
      return Invalid(mpath + ".tree_info[" + std::to_string(t) + "]",
                     "tree " + std::to_string(t) + " belongs to output group other than 0");
    }
  }
  return OkStatus();
}

// gradient_booster.model.trees, within max_trees and matching the declared counts; covers
// are kept only when every tree has them.
Status ReadTrees(const Json& booster, const TreeLoadOptions& options, EnsembleSpec* spec) {
  const std::string mpath = "learner.gradient_booster.model";
  CREDENCE_ASSIGN_OR_RETURN(const Json* model, Require(booster, "learner.gradient_booster", "model",
                                                       Json::value_t::object));
  CREDENCE_ASSIGN_OR_RETURN(const Json* trees,
                            Require(*model, mpath, "trees", Json::value_t::array));
  if (trees->size() > options.max_trees) {
    return OutOfRangeError(std::to_string(trees->size()) + " trees exceed max_trees " +
                               std::to_string(options.max_trees),
                           {.field_path = mpath + ".trees"});
  }
  CREDENCE_RETURN_IF_ERROR(CheckDeclaredTrees(*model, mpath, trees->size()));
  CREDENCE_RETURN_IF_ERROR(CheckTreeInfo(*model, mpath, trees->size()));
  spec->trees.resize(trees->size());
  bool all_covers = true;
  for (std::size_t t = 0; t < trees->size(); ++t) {
    CREDENCE_RETURN_IF_ERROR(ReadTree((*trees)[t], t, options, &spec->trees[t]));
    all_covers = all_covers && !spec->trees[t].cover.empty();
  }
  spec->has_covers = all_covers;
  if (!all_covers) {
    for (TreeSpec& tree : spec->trees) tree.cover.clear();
  }
  return OkStatus();
}

}  // namespace

Result<TreeEnsemble> LoadXgboostJson(std::string_view text, const TreeLoadOptions& options) {
  CREDENCE_RETURN_IF_ERROR(internal::ValidateOptions(options));
  CREDENCE_ASSIGN_OR_RETURN(const Json doc, ParseDocument(text, options));
  EnsembleSpec spec;
  spec.format = std::string(kFormat);
  spec.float32_sum = true;
  CREDENCE_ASSIGN_OR_RETURN(const Json* learner,
                            Require(doc, "$", "learner", Json::value_t::object));
  CREDENCE_ASSIGN_OR_RETURN(const float base_score, ReadModelParam(*learner, options, &spec));
  CREDENCE_RETURN_IF_ERROR(ReadObjective(*learner, base_score, &spec));
  CREDENCE_RETURN_IF_ERROR(ReadFeatureNames(*learner, &spec));
  CREDENCE_ASSIGN_OR_RETURN(const Json* booster, RequireGbtree(*learner));
  CREDENCE_RETURN_IF_ERROR(ReadTrees(*booster, options, &spec));
  return internal::TreeEnsembleBuilder::Build(std::move(spec), options);
}

}  // namespace credence::models
