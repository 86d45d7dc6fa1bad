// Hostile model files: every defect is a specific Status naming the tree and node, never a
// crash (this file also runs under ASan/UBSan).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "models/tree_ensemble.h"
#include "tests/models/tree_test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::models {
namespace {

using ::credence::testing::IsOk;
using ::credence::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// A valid two-feature model: node 0 splits f0 < 0.5 into leaves 1 (-1) and 2 (+1).
constexpr char kTree[] =
    R"({"default_left":[1,0,0],"id":0,"left_children":[1,-1,-1],)"
    R"("right_children":[2,-1,-1],"split_conditions":[0.5,-1.0,1.0],)"
    R"("split_indices":[0,0,0],"split_type":[0,0,0],"sum_hessian":[10.0,4.0,6.0],)"
    R"("tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"3"}})";

std::string Model(const std::string& tree = kTree, const std::string& base_score = "5E-1",
                  const std::string& objective = "binary:logistic", int n_trees = 1) {
  std::string trees, info;
  for (int i = 0; i < n_trees; ++i) {
    trees += (i ? "," : "") + tree;
    info += i ? ",0" : "0";
  }
  return R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],)"
         R"("gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1",)"
         R"("num_trees":")" +
         std::to_string(n_trees) + R"("},"tree_info":[)" + info + R"(],"trees":[)" + trees +
         R"(]},"name":"gbtree"},"learner_model_param":{"base_score":")" + base_score +
         R"(","num_class":"0","num_feature":"2","num_target":"1"},)"
         R"("objective":{"name":")" +
         objective + R"("}},"version":[2,0,3]})";
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(XgboostHostileTest, ValidBaselineLoads) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble m, LoadXgboostJson(Model(), {}));
  const double lo[] = {0.25, 9.0}, hi[] = {0.5, 9.0};
  EXPECT_EQ(m.PredictMargin(lo), -1.0);
  EXPECT_EQ(m.PredictMargin(hi), 1.0);
  // 2.x writes base_score as "[5E-1]" and default_left may be booleans (1.x).
  EXPECT_THAT(LoadXgboostJson(Model(kTree, "[5E-1]"), {}), IsOk());
  // XGBoost 3.x: size_leaf_vector "1", num_class "1" for a single output, weight_drop all 1,
  // and a model with no trees at all (margin = base margin).
  EXPECT_THAT(LoadXgboostJson(Model(Replace(kTree, "\"num_nodes\":\"3\"",
                                            "\"num_nodes\":\"3\",\"size_leaf_vector\":\"1\"")),
                              {}),
              IsOk());
  EXPECT_THAT(LoadXgboostJson(Replace(Model(), "\"num_class\":\"0\"", "\"num_class\":\"1\""), {}),
              IsOk());
  EXPECT_THAT(
      LoadXgboostJson(
          Replace(Model(), "\"name\":\"gbtree\"", "\"name\":\"gbtree\",\"weight_drop\":[1E0]"), {}),
      IsOk());
  ASSERT_OK_AND_ASSIGN(
      TreeEnsemble empty,
      LoadXgboostJson(Replace(Replace(Replace(Model(), std::string("[") + kTree + "]", "[]"),
                                      "\"tree_info\":[0]", "\"tree_info\":[]"),
                              "\"num_trees\":\"1\"", "\"num_trees\":\"0\""),
                      {}));
  EXPECT_EQ(empty.num_trees(), 0u);
  EXPECT_EQ(empty.PredictMargin(lo), 0.0);
  EXPECT_THAT(LoadXgboostJson(Model(Replace(kTree, "[1,0,0]", "[true,false,false]")), {}), IsOk());
}

struct BadCase {
  const char* name;
  std::string json;
  StatusCode code;
  const char* message;
};

TEST(XgboostHostileTest, DefectsGiveSpecificErrors) {
  const BadCase cases[] = {
      {"child_out_of_range",
       Model(Replace(kTree, "\"left_children\":[1,", "\"left_children\":[7,")),
       StatusCode::kInvalidArgument, "tree 0 node 0: child index 7 out of range [0, 3)"},
      {"cycle_to_root", Model(Replace(kTree, "\"left_children\":[1,", "\"left_children\":[0,")),
       StatusCode::kInvalidArgument, "tree 0 node 0 is reached twice"},
      {"shared_child", Model(Replace(kTree, "\"right_children\":[2,", "\"right_children\":[1,")),
       StatusCode::kInvalidArgument, "tree 0 node 1 is reached twice"},
      {"negative_child", Model(Replace(kTree, "\"left_children\":[1,", "\"left_children\":[-5,")),
       StatusCode::kInvalidArgument, "tree 0 node 0: child index -5 out of range"},
      {"leaf_with_right_child",
       Model(Replace(kTree, "\"right_children\":[2,-1,-1]", "\"right_children\":[2,-1,2]")),
       StatusCode::kInvalidArgument, "tree 0 node 2: a leaf (left child -1) has right child 2"},
      // Numbers beyond float range are out of range (located); NaN/Infinity literals are not
      // valid JSON.
      {"infinite_threshold", Model(Replace(kTree, "[0.5,", "[1e39,")), StatusCode::kOutOfRange,
       "a number at line 1, column "},
      {"huge_number", Model(Replace(kTree, "[0.5,", "[1e400,")), StatusCode::kOutOfRange,
       "is out of range (beyond float32)"},
      {"syntax_error_located", Replace(Model(), "\"trees\":[", "\"trees\":[\n,"),
       StatusCode::kInvalidArgument, "not valid JSON at line 2, column 1"},
      {"nan_leaf", Model(Replace(kTree, "-1.0,1.0]", "-1.0,NaN]")), StatusCode::kInvalidArgument,
       "not valid JSON"},
      {"feature_out_of_range",
       Model(Replace(kTree, "\"split_indices\":[0,", "\"split_indices\":[2,")),
       StatusCode::kInvalidArgument, "tree 0 node 0: feature index 2 is not below the 2"},
      {"missing_field", Model(Replace(kTree, "\"split_conditions\"", "\"split_conditionz\"")),
       StatusCode::kInvalidArgument, "missing field 'split_conditions'"},
      {"wrong_type",
       Model(Replace(kTree, "\"left_children\":[1,-1,-1]", "\"left_children\":\"x\"")),
       StatusCode::kInvalidArgument, "tree 0: 'left_children' is string, expected an array"},
      {"wrong_element_type",
       Model(Replace(kTree, "\"left_children\":[1,", "\"left_children\":[\"1\",")),
       StatusCode::kInvalidArgument,
       "tree 0 node 0: 'left_children' is string, expected an integer"},
      // Declared and present tree counts must agree (issue 13, cause 13).
      {"declared_absent_trees",
       Replace(Model(), "\"num_trees\":\"1\"", "\"num_trees\":\"1000000\""),
       StatusCode::kInvalidArgument, "num_trees declares 1000000 trees, the file has 1"},
      {"declared_fewer_trees",
       Replace(Model(kTree, "5E-1", "binary:logistic", 2), "\"num_trees\":\"2\"",
               "\"num_trees\":\"1\""),
       StatusCode::kInvalidArgument, "num_trees declares 1 trees, the file has 2"},
      {"short_array", Model(Replace(kTree, "\"num_nodes\":\"3\"", "\"num_nodes\":\"5\"")),
       StatusCode::kDataLoss, "'left_children' has 3 elements, num_nodes says 5"},
      {"long_array", Model(Replace(kTree, "\"num_nodes\":\"3\"", "\"num_nodes\":\"2\"")),
       StatusCode::kInvalidArgument, "'left_children' has 3 elements, num_nodes says 2"},
      {"negative_cover", Model(Replace(kTree, "[10.0,4.0,6.0]", "[10.0,-4.0,6.0]")),
       StatusCode::kInvalidArgument, "tree 0 node 1: cover is negative"},
      {"bad_num_nodes", Model(Replace(kTree, "\"num_nodes\":\"3\"", "\"num_nodes\":\"x3\"")),
       StatusCode::kInvalidArgument, "'x3' is not an integer"},
      {"categorical", Model(Replace(kTree, "\"split_type\":[0,", "\"split_type\":[1,")),
       StatusCode::kUnimplemented, "tree 0 node 0: categorical splits"},
      {"objective", Model(kTree, "5E-1", "multi:softprob"), StatusCode::kUnimplemented,
       "objective 'multi:softprob'"},
      {"base_score_range", Model(kTree, "1.5"), StatusCode::kInvalidArgument,
       "base_score must be in (0, 1)"},
      {"base_score_garbage", Model(kTree, "abc"), StatusCode::kInvalidArgument,
       "'abc' is not a finite number"},
      {"not_json", "hello world", StatusCode::kInvalidArgument, "not valid JSON"},
      {"truncated", Model().substr(0, 200), StatusCode::kDataLoss, "ends early"},
      {"empty", "", StatusCode::kDataLoss, "ends early"},
      {"array_document", "[1,2]", StatusCode::kInvalidArgument, "not an object"},
      {"no_learner", "{}", StatusCode::kInvalidArgument, "missing field 'learner'"},
      {"tree_not_object", Model("42"), StatusCode::kInvalidArgument, "tree 0 is not an object"},
      {"dart", Replace(Model(), "\"name\":\"gbtree\"", "\"name\":\"gblinear\""),
       StatusCode::kUnimplemented, "booster 'gblinear'"},
      {"vector_leaf",
       Model(
           Replace(kTree, "\"num_nodes\":\"3\"", "\"num_nodes\":\"3\",\"size_leaf_vector\":\"2\"")),
       StatusCode::kUnimplemented, "tree 0: vector leaves"},
      {"dart_weights",
       Replace(Model(), "\"name\":\"gbtree\"", "\"name\":\"gbtree\",\"weight_drop\":[0.5]"),
       StatusCode::kUnimplemented, "weight_drop"},
      {"multi_class", Replace(Model(), "\"num_class\":\"0\"", "\"num_class\":\"3\""),
       StatusCode::kUnimplemented, "multi-class"},
      {"tree_group", Replace(Model(), "\"tree_info\":[0]", "\"tree_info\":[1]"),
       StatusCode::kInvalidArgument, "tree 0 belongs to output group other than 0"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(LoadXgboostJson(c.json, {}), StatusIs(c.code, HasSubstr(c.message))) << c.name;
  }
}

// A chain: node i splits into leaf (2i+1... ) -- built so the deepest leaf is at `depth`.
std::string ChainTree(int depth) {
  // Internal nodes 0..depth-1; node i has left child = leaf and right child = next node.
  const int n = 2 * depth + 1;
  std::string left, right, cond, idx, dl, hess, type;
  for (int i = 0; i < n; ++i) {
    const bool internal = i < depth;
    const std::string sep = i ? "," : "";
    left += sep + (internal ? std::to_string(depth + i) : "-1");
    right += sep + (internal ? std::to_string(i + 1 < depth ? i + 1 : 2 * depth) : "-1");
    cond += sep + (internal ? "0.5" : "1.0");
    idx += sep + "0";
    dl += sep + "0";
    hess += sep + "1.0";
    type += sep + "0";
  }
  return R"({"default_left":[)" + dl + R"(],"left_children":[)" + left + R"(],"right_children":[)" +
         right + R"(],"split_conditions":[)" + cond + R"(],"split_indices":[)" + idx +
         R"(],"split_type":[)" + type + R"(],"sum_hessian":[)" + hess +
         R"(],"tree_param":{"num_nodes":")" + std::to_string(n) + R"("}})";
}

TEST(XgboostHostileTest, LimitsAreOutOfRange) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble ok, LoadXgboostJson(Model(ChainTree(64)), {}));
  EXPECT_EQ(ok.max_depth(), 64);
  EXPECT_THAT(LoadXgboostJson(Model(ChainTree(65)), {}),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("depth 65, deeper than max_depth 64")));
  TreeLoadOptions shallow;
  shallow.max_depth = 3;
  EXPECT_THAT(LoadXgboostJson(Model(ChainTree(4)), shallow),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("deeper than max_depth 3")));
  TreeLoadOptions few_trees;
  few_trees.max_trees = 2;
  EXPECT_THAT(LoadXgboostJson(Model(kTree, "5E-1", "binary:logistic", 3), few_trees),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("3 trees exceed max_trees 2")));
  TreeLoadOptions small_trees;
  small_trees.max_nodes_per_tree = 2;
  EXPECT_THAT(LoadXgboostJson(Model(), small_trees),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("more than max_nodes_per_tree 2")));
  TreeLoadOptions few_nodes;
  few_nodes.max_total_nodes = 5;
  EXPECT_THAT(LoadXgboostJson(Model(kTree, "5E-1", "binary:logistic", 3), few_nodes),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("max_total_nodes 5")));
  TreeLoadOptions few_features;
  few_features.max_features = 1;
  EXPECT_THAT(LoadXgboostJson(Model(), few_features),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("exceeds max_features 1")));
  TreeLoadOptions small_input;
  small_input.max_input_bytes = 10;
  EXPECT_THAT(LoadXgboostJson(Model(), small_input),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("max_input_bytes")));
  TreeLoadOptions bad;
  bad.max_depth = 65;
  EXPECT_THAT(LoadXgboostJson(Model(), bad),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("max_depth must be in 1..64")));
}

TEST(XgboostHostileTest, ZeroCoversGiveFiniteContributions) {
  // Node 2 has zero cover and splits again on the same feature as the root.
  const std::string tree =
      R"({"default_left":[1,0,0,0,0],"left_children":[1,-1,3,-1,-1],)"
      R"("right_children":[2,-1,4,-1,-1],"split_conditions":[0.5,-1.0,0.8,2.0,3.0],)"
      R"("split_indices":[0,0,0,0,0],"split_type":[0,0,0,0,0],)"
      R"("sum_hessian":[10.0,10.0,0.0,0.0,0.0],"tree_param":{"num_nodes":"5"}})";
  ASSERT_OK_AND_ASSIGN(TreeEnsemble m, LoadXgboostJson(Model(tree), {}));
  for (double x : {0.1, 0.6, 0.9, std::nan("")}) {
    const double row[2] = {x, 1.0};
    double phi[3];
    ASSERT_OK(m.Contributions(row, phi));
    EXPECT_TRUE(std::isfinite(phi[0]) && std::isfinite(phi[2])) << x;
    EXPECT_NEAR(phi[0] + phi[1] + phi[2], m.PredictMargin(row), 1e-6) << x;
  }
}

TEST(XgboostHostileTest, EveryPrefixFailsCleanly) {
  const std::string doc = Model();
  for (std::size_t len = 0; len < doc.size(); ++len) {
    auto r = LoadXgboostJson(doc.substr(0, len), {});
    EXPECT_FALSE(r.ok()) << len;
  }
}

TEST(XgboostHostileTest, RandomMutationsNeverCrash) {
  const std::string doc = Model(ChainTree(5));
  std::mt19937 rng(1234);
  const char alphabet[] = "{}[],:\"-0123456789eE.tfnx ";
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = doc;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = rng() % s.size();
      s[pos] = alphabet[rng() % (sizeof(alphabet) - 1)];
    }
    auto r = LoadXgboostJson(s, {});
    if (r.ok()) {
      const double row[2] = {0.1, std::nan("")};
      (void)r->PredictMargin(row);
      double phi[3];
      (void)r->Contributions(row, phi);
    }
  }
}

// ---- LightGBM ----

constexpr char kLgbTree[] =
    "Tree=0\nnum_leaves=3\nnum_cat=0\nsplit_feature=0 1\nthreshold=0.5 1.5\n"
    "decision_type=2 8\nleft_child=-1 -2\nright_child=1 -3\nleaf_value=1 2 3\n"
    "leaf_count=5 3 2\ninternal_count=10 5\nshrinkage=1\n\n";

std::string LgbModel(const std::string& tree = kLgbTree) {
  return "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nmax_feature_idx=1\n"
         "objective=binary sigmoid:1\nfeature_names=a b\n\n" +
         tree + "end of trees\n\nparameters:\nend of parameters\n";
}

TEST(LightgbmHostileTest, ValidBaselineLoads) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble m, LoadLightgbmText(LgbModel(), {}));
  const double row[2] = {0.5, 3.0};
  EXPECT_EQ(m.PredictMargin(row), 1.0);
  // tree_sizes with one entry per tree present.
  EXPECT_THAT(
      LoadLightgbmText(
          Replace(LgbModel(), "feature_names=a b", "feature_names=a b\ntree_sizes=250"), {}),
      IsOk());
}

TEST(LightgbmHostileTest, DefectsGiveSpecificErrors) {
  const BadCase cases[] = {
      {"child_out_of_range", LgbModel(Replace(kLgbTree, "right_child=1 -3", "right_child=5 -3")),
       StatusCode::kInvalidArgument, "Tree=0 node 0: right child 5 out of range [0, 2)"},
      {"leaf_out_of_range", LgbModel(Replace(kLgbTree, "right_child=1 -3", "right_child=1 -9")),
       StatusCode::kInvalidArgument, "Tree=0 node 1: right leaf 8 out of range [0, 3)"},
      {"cycle", LgbModel(Replace(kLgbTree, "right_child=1 -3", "right_child=1 0")),
       StatusCode::kInvalidArgument, "tree 0 node 0 is reached twice"},
      {"nan_threshold", LgbModel(Replace(kLgbTree, "threshold=0.5 1.5", "threshold=nan 1.5")),
       StatusCode::kInvalidArgument, "Tree=0 node 0: threshold is not finite"},
      {"inf_threshold", LgbModel(Replace(kLgbTree, "threshold=0.5 1.5", "threshold=0.5 inf")),
       StatusCode::kInvalidArgument, "Tree=0 node 1: threshold is not finite"},
      {"bad_decision_type", LgbModel(Replace(kLgbTree, "decision_type=2 8", "decision_type=2 12")),
       StatusCode::kInvalidArgument, "Tree=0 node 1: bad decision_type 12"},
      {"feature_out_of_range",
       LgbModel(Replace(kLgbTree, "split_feature=0 1", "split_feature=0 2")),
       StatusCode::kInvalidArgument, "tree 0 node 1: feature index 2"},
      {"missing_key", LgbModel(Replace(kLgbTree, "left_child=-1 -2\n", "")),
       StatusCode::kInvalidArgument, "Tree=0: missing 'left_child'"},
      {"short_array", LgbModel(Replace(kLgbTree, "leaf_value=1 2 3", "leaf_value=1 2")),
       StatusCode::kInvalidArgument, "'leaf_value' has 2 values, expected 3"},
      {"long_array", LgbModel(Replace(kLgbTree, "leaf_value=1 2 3", "leaf_value=1 2 3 4")),
       StatusCode::kInvalidArgument, "'leaf_value' has more than 3 values"},
      {"not_number", LgbModel(Replace(kLgbTree, "leaf_value=1 2 3", "leaf_value=1 x 3")),
       StatusCode::kInvalidArgument, "'leaf_value' value 'x' is not a number"},
      {"number_out_of_range",
       LgbModel(Replace(kLgbTree, "leaf_value=1 2 3", "leaf_value=1 1e400 3")),
       StatusCode::kOutOfRange, "'leaf_value' value '1e400' is out of range"},
      {"bad_cat_index",
       LgbModel(Replace(Replace(kLgbTree, "decision_type=2 8", "decision_type=1 8"), "num_cat=0",
                        "num_cat=1\ncat_boundaries=0 1\ncat_threshold=6")),
       StatusCode::kInvalidArgument, "categorical split index 0.5"},
      {"bad_cat_boundaries",
       LgbModel(Replace(kLgbTree, "num_cat=0", "num_cat=1\ncat_boundaries=0 -1\ncat_threshold=")),
       StatusCode::kInvalidArgument, "cat_boundaries must start at 0"},
      {"tree_index", LgbModel(Replace(kLgbTree, "Tree=0", "Tree=3")), StatusCode::kInvalidArgument,
       "expected Tree=0"},
      {"linear", LgbModel(Replace(kLgbTree, "shrinkage=1", "is_linear=1")),
       StatusCode::kUnimplemented, "linear trees"},
      {"not_lightgbm", "{\"learner\":{}}", StatusCode::kInvalidArgument, "not a LightGBM model"},
      {"truncated", LgbModel().substr(0, 120), StatusCode::kDataLoss, "no 'end of trees'"},
      {"garbage_line", Replace(LgbModel(), "version=v4", "garbage"), StatusCode::kInvalidArgument,
       "expected key=value"},
      {"no_features", Replace(LgbModel(), "max_feature_idx=1", "max_feature_idx=-1"),
       StatusCode::kInvalidArgument, "max_feature_idx"},
      // Declared and present tree counts must agree (issue 13, cause 13).
      {"declared_absent_trees",
       Replace(
           LgbModel(), "feature_names=a b",
           "feature_names=a b\ntree_sizes=" +
               [] {
                 std::string sizes = "100";
                 for (int i = 1; i < 1'000'000; ++i) sizes += " 100";
                 return sizes;
               }()),
       StatusCode::kInvalidArgument, "tree_sizes declares 1000000 trees, the file has 1"},
      {"declared_no_trees",
       Replace(LgbModel(), "feature_names=a b", "feature_names=a b\ntree_sizes="),
       StatusCode::kInvalidArgument, "tree_sizes declares 0 trees, the file has 1"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(LoadLightgbmText(c.json, {}), StatusIs(c.code, HasSubstr(c.message))) << c.name;
  }
}

TEST(LightgbmHostileTest, EveryPrefixAndMutationFailsCleanly) {
  const std::string doc = LgbModel();
  for (std::size_t len = 0; len < doc.size(); ++len) {
    auto r = LoadLightgbmText(doc.substr(0, len), {});
    if (r.ok()) {
      const double row[2] = {0.1, 2.0};
      (void)r->PredictMargin(row);
    }
  }
  std::mt19937 rng(99);
  const char alphabet[] = "0123456789-=. \nabx";
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = doc;
    const std::size_t pos = rng() % s.size();
    s[pos] = alphabet[rng() % (sizeof(alphabet) - 1)];
    auto r = LoadLightgbmText(s, {});
    if (r.ok()) {
      const double row[2] = {0.1, std::nan("")};
      (void)r->PredictMargin(row);
      double phi[3];
      (void)r->Contributions(row, phi);
    }
  }
}

}  // namespace
}  // namespace credence::models
