// Parity with XGBoost 1.7 itself: margins (output_margin=True) and TreeSHAP
// (pred_contribs=True) on models and rows written by gen_xgboost_fixtures.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "models/tree_ensemble.h"
#include "tests/models/tree_test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::models {
namespace {

using ::credence::models::testing::FixtureDir;
using ::credence::models::testing::ReadCsv;
using ::credence::models::testing::ReadFileOrDie;

// Margins: XGBoost returns float32, so equality within 1e-6 relative is the contract; in
// practice they are bit-identical (checked below as the exact count).
constexpr double kMarginRelTol = 1e-6;
// TreeSHAP: XGBoost computes in float32, credence in double, so values differ by float32
// rounding accumulated over the path algorithm: |a - b| <= 1e-5 * max(1, |b|).
constexpr double kShapTol = 1e-5;

void CheckParity(const std::string& name) {
  const std::string base = FixtureDir() + "/" + name;
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model,
                       LoadXgboostJson(ReadFileOrDie(base + ".json"), TreeLoadOptions{}));
  const auto rows = ReadCsv(ReadFileOrDie(base + ".csv"));
  ASSERT_FALSE(rows.empty());
  const std::size_t nf = model.num_features();
  ASSERT_EQ(rows[0].size(), nf + 1 + nf + 1);

  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.begin() + nf);
  std::vector<double> batch(rows.size());
  model.PredictMarginBatch(flat.data(), rows.size(), nf, batch.data());

  double max_abs = 0, max_rel = 0, shap_max_abs = 0;
  int exact = 0;
  std::vector<double> phi(nf + 1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const std::span<const double> x(r.data(), nf);
    const double expected = r[nf];
    const double got = model.PredictMargin(x);
    const double err = std::abs(got - expected);
    max_abs = std::max(max_abs, err);
    max_rel = std::max(max_rel, err / std::max(1e-30, std::abs(expected)));
    exact += got == expected;
    EXPECT_LE(err, kMarginRelTol * std::max(1.0, std::abs(expected))) << "row " << i;
    EXPECT_EQ(batch[i], got) << "row " << i;

    ASSERT_OK(model.Contributions(x, phi));
    double sum = 0;
    for (std::size_t f = 0; f <= nf; ++f) {
      const double want = r[nf + 1 + f];
      const double e = std::abs(phi[f] - want);
      shap_max_abs = std::max(shap_max_abs, e);
      EXPECT_LE(e, kShapTol * std::max(1.0, std::abs(want))) << "row " << i << " feature " << f;
      sum += phi[f];
    }
    EXPECT_NEAR(sum, got, 1e-5 * std::max(1.0, std::abs(got))) << "row " << i;
  }
  EXPECT_EQ(exact, static_cast<int>(rows.size())) << "margins not bit-identical to XGBoost";
  std::printf(
      "[parity] %-24s rows=%zu trees=%zu margin max_abs=%.3g max_rel=%.3g exact=%d/%zu "
      "shap max_abs=%.3g\n",
      name.c_str(), rows.size(), model.num_trees(), max_abs, max_rel, exact, rows.size(),
      shap_max_abs);
}

class XgboostParityTest : public ::testing::TestWithParam<const char*> {};

TEST_P(XgboostParityTest, MarginsAndContributionsMatchXgboost) { CheckParity(GetParam()); }

// The 300-tree, 61-feature benchmark model is too large to commit; the fresh-fixture CTest
// generates it (gen_xgboost_fixtures.py --bench) next to the others.
TEST(XgboostParityLargeTest, BenchmarkModelMatchesXgboost) {
  if (!std::ifstream(FixtureDir() + "/tree_bench_model.json")) {
    GTEST_SKIP() << "tree_bench_model.json not in " << FixtureDir();
  }
  CheckParity("tree_bench_model");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, XgboostParityTest,
                         ::testing::Values("d2_logistic", "d4_logistic_missing", "d6_logitraw",
                                           "d8_squarederror", "d3_reglogistic_forest",
                                           "d5_logistic_hist"),
                         [](const auto& param_info) { return std::string(param_info.param); });

TEST(XgboostImportTest, ReadsFeatureNamesObjectiveAndBaseScore) {
  ASSERT_OK_AND_ASSIGN(
      TreeEnsemble model,
      LoadXgboostJson(ReadFileOrDie(FixtureDir() + "/d4_logistic_missing.json"), {}));
  ASSERT_EQ(model.feature_names().size(), 8u);
  EXPECT_EQ(model.feature_names()[3], "feat_3");
  EXPECT_EQ(model.objective(), "binary:logistic");
  EXPECT_EQ(model.output_transform(), TreeOutputTransform::kSigmoid);
  // base_score 0.3 in probability space becomes logit(0.3) computed in float32.
  EXPECT_EQ(model.base_margin(), static_cast<double>(-std::log(1.0f / 0.3f - 1.0f)));
  EXPECT_TRUE(model.has_covers());
  EXPECT_NEAR(model.Transform(0.0), 0.5, 1e-15);
}

}  // namespace
}  // namespace credence::models
