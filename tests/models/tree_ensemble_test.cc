// The compiled predictor itself: XGBoost's float32 comparison, batch == single row,
// concurrent use, API preconditions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "models/tree_ensemble.h"
#include "models/tree_spec.h"
#include "tests/models/tree_test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::models {
namespace {

using ::credence::models::testing::FixtureDir;
using ::credence::models::testing::ReadFileOrDie;
using ::credence::testing::StatusIs;
using internal::FloatLessThanBound;
using ::testing::HasSubstr;

void CheckBound(float t, double x) {
  const double d = FloatLessThanBound(t);
  ASSERT_EQ(static_cast<float>(x) < t, x < d) << "t=" << t << " x=" << x << " d=" << d;
}

TEST(FloatLessThanBoundTest, MatchesFloat32ComparisonAtTheEdges) {
  const float specials[] = {0.0f,
                            -0.0f,
                            0.5f,
                            -0.25f,
                            1.0f,
                            3.0f,
                            1e-40f,  // denormal
                            -1e-40f,
                            std::numeric_limits<float>::min(),
                            std::numeric_limits<float>::denorm_min(),
                            -std::numeric_limits<float>::denorm_min(),
                            std::numeric_limits<float>::max(),
                            -std::numeric_limits<float>::max(),
                            16777216.0f,
                            16777218.0f,
                            0.1f};
  std::mt19937_64 rng(7);
  std::vector<float> ts(std::begin(specials), std::end(specials));
  for (int i = 0; i < 20000; ++i) {
    std::uint32_t bits = static_cast<std::uint32_t>(rng());
    float t;
    std::memcpy(&t, &bits, sizeof t);
    if (std::isfinite(t)) ts.push_back(t);
  }
  const double inf = std::numeric_limits<double>::infinity();
  for (float t : ts) {
    const double d = FloatLessThanBound(t);
    const float p = std::nextafter(t, -std::numeric_limits<float>::infinity());
    for (double x :
         {d, std::nextafter(d, inf), std::nextafter(d, -inf), static_cast<double>(t),
          static_cast<double>(p), std::nextafter(static_cast<double>(t), -inf),
          std::nextafter(static_cast<double>(p), inf), inf, -inf, 1e300, -1e300, 0.0, -0.0}) {
      CheckBound(t, x);
    }
    std::uniform_real_distribution<double> near(-std::abs(static_cast<double>(t)) * 1e-6,
                                                std::abs(static_cast<double>(t)) * 1e-6);
    for (int k = 0; k < 4; ++k) CheckBound(t, static_cast<double>(t) + near(rng));
  }
}

TEST(TreeEnsembleTest, BatchEqualsSingleRowForEveryBlockShape) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model,
                       LoadXgboostJson(ReadFileOrDie(FixtureDir() + "/d6_logitraw.json"), {}));
  const std::size_t nf = model.num_features(), stride = nf + 3;
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 200u}) {
    std::vector<double> rows(n * stride + 1);
    for (double& v : rows) v = (rng() % 7 == 0) ? std::nan("") : normal(rng);
    std::vector<double> out(n + 1, -42.0);
    model.PredictMarginBatch(rows.data(), n, stride, out.data());
    for (std::size_t r = 0; r < n; ++r) {
      EXPECT_EQ(out[r], model.PredictMargin({rows.data() + r * stride, nf})) << n << " " << r;
    }
    EXPECT_EQ(out[n], -42.0) << "wrote past the end";
  }
}

TEST(TreeEnsembleTest, ConcurrentPredictionsEqualSequential) {
  ASSERT_OK_AND_ASSIGN(
      const TreeEnsemble model,
      LoadXgboostJson(ReadFileOrDie(FixtureDir() + "/d4_logistic_missing.json"), {}));
  const std::size_t nf = model.num_features(), n = 500;
  std::vector<double> rows(n * nf);
  std::mt19937 rng(9);
  std::normal_distribution<double> normal;
  for (double& v : rows) v = normal(rng);
  std::vector<double> want(n);
  model.PredictMarginBatch(rows.data(), n, nf, want.data());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> phi(nf + 1);
      for (int rep = 0; rep < 20; ++rep) {
        for (std::size_t r = 0; r < n; ++r) {
          const std::span<const double> row(rows.data() + r * nf, nf);
          mismatches[t] += model.PredictMargin(row) != want[r];
          if (rep == 0 && !model.Contributions(row, phi).ok()) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(TreeEnsembleTest, ShortRowsAndBadOutputSizesAreRejected) {
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model,
                       LoadXgboostJson(ReadFileOrDie(FixtureDir() + "/d2_logistic.json"), {}));
  const std::vector<double> short_row(model.num_features() - 1, 0.0);
  EXPECT_TRUE(std::isnan(model.PredictMargin(short_row)));
  std::vector<double> phi(model.num_features() + 1);
  EXPECT_THAT(model.Contributions(short_row, phi),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("row has 7 values")));
  const std::vector<double> row(2 * model.num_features(), 0.0);
  std::vector<double> margins(2, 0.0);
  model.PredictMarginBatch(row.data(), 2, model.num_features() - 1, margins.data());
  EXPECT_TRUE(std::isnan(margins[0]) && std::isnan(margins[1]));
  std::vector<double> small(model.num_features());
  EXPECT_THAT(model.Contributions(row, small),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected num_features + 1")));
}

TEST(TreeEnsembleTest, ModelWithoutCoversPredictsButCannotExplain) {
  std::string json = ReadFileOrDie(FixtureDir() + "/d2_logistic.json");
  for (std::size_t at; (at = json.find("\"sum_hessian\"")) != std::string::npos;) {
    json.replace(at, 13, "\"sum_hessiax\"");
  }
  ASSERT_OK_AND_ASSIGN(TreeEnsemble model, LoadXgboostJson(json, {}));
  EXPECT_FALSE(model.has_covers());
  const std::vector<double> row(model.num_features(), 0.0);
  std::vector<double> phi(model.num_features() + 1);
  EXPECT_THAT(model.Contributions(row, phi),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no node covers")));
}

}  // namespace
}  // namespace credence::models
