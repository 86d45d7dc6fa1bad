// LightGBM text models. LightGBM is not packaged in Debian, so the reference is a small
// hand-written model (tests/models/data/lightgbm_hand.txt) whose predictions are derived by
// hand below from LightGBM's documented decision rules, and a brute-force Shapley
// computation for TreeSHAP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "models/tree_ensemble.h"
#include "tests/models/tree_test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::models {
namespace {

using ::credence::models::testing::ReadFileOrDie;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string HandModel() {
  return ReadFileOrDie(std::string(CREDENCE_SOURCE_DIR) + "/tests/models/data/lightgbm_hand.txt");
}

// Tree 0: n0 f0 <= 1.5 (missing None: NaN reads as 0) -> n1 | n2
//         n1 f1 <= -0.5 (missing Zero, default left) -> 0.1 | -0.2
//         n2 f2 <= 3 (missing NaN, default right) -> 0.3 | -0.4
// Tree 1: n0 f3 in {1, 3, 33} (categorical; NaN/negative right) -> 1.0 | n1
//         n1 f0 <= 0 (missing NaN, default left) -> 2.0 | 4.0
// Tree 2: constant 0.05.
struct HandCase {
  const char* name;
  std::vector<double> row;
  double margin;
};

const std::vector<HandCase>& HandCases() {
  static const auto* cases = new std::vector<HandCase>{
      // t0: f0 0 <= 1.5; f1 == 0 is "zero" -> default left 0.1. t1: category 1 -> 1.0.
      {"zero_goes_default", {0, 0, 0, 1}, 0.1 + 1.0 + 0.05},
      // t0: NaN f0 -> 0 -> left; f1 5 -> -0.2. t1: category 2 not in set; f0 NaN -> left 2.0.
      {"nan_none_reads_zero", {kNaN, 5, kNaN, 2}, -0.2 + 2.0 + 0.05},
      // Values exactly on thresholds go left (<=); 3.9 truncates to category 3.
      {"on_threshold_left", {1.5, -0.5, 7, 3.9}, 0.1 + 1.0 + 0.05},
      // t0: f0 2 -> n2; f2 3 <= 3 -> 0.3. t1: category 33 (second bitset word) -> 1.0.
      {"second_bitset_word", {2, kNaN, 3, 33}, 0.3 + 1.0 + 0.05},
      // t0: f2 NaN -> default right -0.4. t1: negative category -> right; f0 2 > 0 -> 4.0.
      {"nan_default_right_negative_cat", {2, 1, kNaN, -1}, -0.4 + 4.0 + 0.05},
      // Just above thresholds; NaN category -> right.
      {"just_above_threshold",
       {std::nextafter(1.5, 2.0), 1e-36, std::nextafter(3.0, 4.0), kNaN},
       -0.4 + 4.0 + 0.05},
      // t0: |f1| <= 1e-35 counts as zero -> default left 0.1. t1: category 64 is past the
      // bitset -> right; f0 -3 <= 0 -> 2.0.
      {"tiny_is_zero_cat_past_bitset", {-3, -1e-36, 0, 64}, 0.1 + 2.0 + 0.05},
      // t1: -0.5 truncates to category 0 (not in set) -> right; f0 0.5 > 0 -> 4.0.
      {"fraction_truncates_to_zero", {0.5, -0.6, 0, -0.5}, 0.1 + 4.0 + 0.05},
  };
  return *cases;
}

TEST(LightgbmTextTest, LoadsHeaderAndTrees) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model, LoadLightgbmText(HandModel(), {}));
  EXPECT_EQ(model.num_features(), 4u);
  EXPECT_EQ(model.num_trees(), 3u);
  EXPECT_EQ(model.max_depth(), 2);
  EXPECT_THAT(model.feature_names(),
              ::testing::ElementsAre("amount_sum", "days_late", "ratio", "country_code"));
  EXPECT_EQ(model.objective(), "binary sigmoid:1");
  EXPECT_EQ(model.output_transform(), TreeOutputTransform::kSigmoid);
  EXPECT_DOUBLE_EQ(model.Transform(0.3), 1.0 / (1.0 + std::exp(-0.3)));
  EXPECT_TRUE(model.has_covers());
}

TEST(LightgbmTextTest, MarginsMatchHandDerivedValues) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model, LoadLightgbmText(HandModel(), {}));
  std::vector<double> flat;
  for (const HandCase& c : HandCases()) {
    // LightGBM sums leaf values in double in tree order; so does the expectation.
    EXPECT_DOUBLE_EQ(model.PredictMargin(c.row), c.margin) << c.name;
    flat.insert(flat.end(), c.row.begin(), c.row.end());
  }
  std::vector<double> batch(HandCases().size());
  model.PredictMarginBatch(flat.data(), HandCases().size(), 4, batch.data());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_DOUBLE_EQ(batch[i], HandCases()[i].margin) << HandCases()[i].name;
  }
}

// Brute-force Shapley values with the path-dependent value function: v(S) is the tree's
// output when features in S follow the row and the others are averaged over the children
// in proportion to their counts. Independent of the TreeSHAP implementation.
struct RefNode {
  int feature;  // -1 for a leaf
  std::function<bool(double)> go_left;
  int left, right;
  double value, count;
};

double ValueOf(const std::vector<RefNode>& tree, int i, const std::vector<double>& row,
               unsigned subset) {
  const RefNode& n = tree[i];
  if (n.feature < 0) return n.value;
  if (subset & (1u << n.feature)) {
    return ValueOf(tree, n.go_left(row[n.feature]) ? n.left : n.right, row, subset);
  }
  const double cl = tree[n.left].count, cr = tree[n.right].count;
  return (cl * ValueOf(tree, n.left, row, subset) + cr * ValueOf(tree, n.right, row, subset)) /
         n.count;
}

std::vector<double> BruteForceShap(const std::vector<std::vector<RefNode>>& trees,
                                   const std::vector<double>& row, int nf) {
  std::vector<double> phi(nf + 1, 0.0);
  auto fact = [](int k) {
    double r = 1;
    for (int i = 2; i <= k; ++i) r *= i;
    return r;
  };
  for (const auto& tree : trees) {
    phi[nf] += ValueOf(tree, 0, row, 0);
    for (int f = 0; f < nf; ++f) {
      for (unsigned s = 0; s < (1u << nf); ++s) {
        if (s & (1u << f)) continue;
        const int size = __builtin_popcount(s);
        const double w = fact(size) * fact(nf - size - 1) / fact(nf);
        phi[f] += w * (ValueOf(tree, 0, row, s | (1u << f)) - ValueOf(tree, 0, row, s));
      }
    }
  }
  return phi;
}

TEST(LightgbmTextTest, ContributionsMatchBruteForceShapley) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model, LoadLightgbmText(HandModel(), {}));
  auto le = [](double t, bool nan_left, bool zero_missing) {
    return [=](double x) {
      if (std::isnan(x) || (zero_missing && std::abs(x) <= 1e-35)) return nan_left;
      return x <= t;
    };
  };
  auto none = [](double t) { return [=](double x) { return (std::isnan(x) ? 0.0 : x) <= t; }; };
  auto cat = [](double x) {
    if (std::isnan(x) || x <= -1) return false;
    const int c = static_cast<int>(x);
    return c == 1 || c == 3 || c == 33;
  };
  const std::vector<std::vector<RefNode>> trees = {
      {{0, none(1.5), 1, 2, 0, 100},
       {1, le(-0.5, true, true), 3, 4, 0, 30},
       {2, le(3, false, false), 5, 6, 0, 70},
       {-1, {}, 0, 0, 0.1, 10},
       {-1, {}, 0, 0, -0.2, 20},
       {-1, {}, 0, 0, 0.3, 30},
       {-1, {}, 0, 0, -0.4, 40}},
      {{3, cat, 1, 2, 0, 100},
       {-1, {}, 0, 0, 1.0, 50},
       {0, le(0, true, false), 3, 4, 0, 50},
       {-1, {}, 0, 0, 2.0, 25},
       {-1, {}, 0, 0, 4.0, 25}},
      {{-1, {}, 0, 0, 0.05, 1}},
  };
  for (const HandCase& c : HandCases()) {
    std::vector<double> phi(5);
    ASSERT_OK(model.Contributions(c.row, phi));
    const std::vector<double> want = BruteForceShap(trees, c.row, 4);
    double sum = 0;
    for (int f = 0; f <= 4; ++f) {
      EXPECT_NEAR(phi[f], want[f], 1e-12) << c.name << " feature " << f;
      sum += phi[f];
    }
    EXPECT_NEAR(sum, c.margin, 1e-12) << c.name;
  }
}

TEST(LightgbmTextTest, RegressionObjectiveIsIdentityAndCrlfIsAccepted) {
  std::string text = HandModel();
  text.replace(text.find("objective=binary sigmoid:1"), 26, "objective=regression");
  std::string crlf;
  for (char ch : text) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model, LoadLightgbmText(crlf, {}));
  EXPECT_EQ(model.output_transform(), TreeOutputTransform::kIdentity);
  EXPECT_DOUBLE_EQ(model.Transform(0.3), 0.3);
}

TEST(LightgbmTextTest, SigmoidScaleIsApplied) {
  std::string text = HandModel();
  text.replace(text.find("sigmoid:1"), 9, "sigmoid:2");
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model, LoadLightgbmText(text, {}));
  EXPECT_DOUBLE_EQ(model.Transform(0.3), 1.0 / (1.0 + std::exp(-0.6)));
}

TEST(LightgbmTextTest, UnsupportedObjectivesAreUnimplemented) {
  std::string text = HandModel();
  text.replace(text.find("objective=binary sigmoid:1"), 26, "objective=multiclass num_class:3");
  EXPECT_THAT(LoadLightgbmText(text, {}),
              StatusIs(StatusCode::kUnimplemented, HasSubstr("multiclass")));
}

}  // namespace
}  // namespace credence::models
