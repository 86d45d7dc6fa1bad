// Logistic regression by IRLS against independent references: a published textbook fit, the
// closed-form solution for one binary predictor, the first-order optimality conditions, and
// a separately coded gradient-descent solver.
#include "fit/logistic_fit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tests/testing/status_matchers.h"

namespace credence::fit {
namespace {

using ::credence::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

std::vector<std::span<const double>> Spans(const std::vector<std::vector<double>>& cols) {
  return {cols.begin(), cols.end()};
}

// The 23 pre-Challenger shuttle launches (Dalal, Fowlkes & Hoadley 1989): launch temperature
// (deg F) and whether any O-ring showed thermal distress. The maximum-likelihood fit quoted
// throughout the literature is logit(p) = 15.0429 - 0.2322 * temperature.
TEST(LogisticFitTest, ChallengerORingsMatchThePublishedFit) {
  const std::vector<double> temp = {66, 70, 69, 68, 67, 72, 73, 70, 57, 63, 70, 78,
                                    67, 53, 67, 75, 70, 81, 76, 79, 75, 76, 58};
  const std::vector<int> failed = {0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0,
                                   0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1};
  ASSERT_OK_AND_ASSIGN(LogisticFit fit, FitLogistic({temp}, failed, {"temperature"}));
  EXPECT_NEAR(fit.intercept, 15.0429, 5e-4);
  EXPECT_NEAR(fit.coefficients[0], -0.2322, 5e-5);
  EXPECT_LT(fit.iterations, 20);
  // Residual deviance published for this fit: 20.315 on 21 degrees of freedom.
  EXPECT_NEAR(-2 * fit.log_likelihood, 20.315, 1e-3);
}

// One binary predictor: the MLE reproduces the two observed log-odds exactly.
TEST(LogisticFitTest, BinaryPredictorHasTheClosedFormSolution) {
  std::vector<double> x;
  std::vector<int> y;
  auto add = [&](double xv, int goods, int bads) {
    for (int i = 0; i < goods; ++i) x.push_back(xv), y.push_back(0);
    for (int i = 0; i < bads; ++i) x.push_back(xv), y.push_back(1);
  };
  add(0, 90, 10);  // odds 1:9
  add(1, 30, 20);  // odds 2:3
  ASSERT_OK_AND_ASSIGN(LogisticFit fit, FitLogistic({x}, y, {"x"}));
  EXPECT_NEAR(fit.intercept, std::log(10.0 / 90.0), 1e-10);
  EXPECT_NEAR(fit.coefficients[0], std::log(20.0 / 30.0) - std::log(10.0 / 90.0), 1e-10);
}

struct Data {
  std::vector<std::vector<double>> cols;
  std::vector<int> y;
};

Data RandomData(unsigned seed, int n, int p) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Data d;
  d.cols.assign(static_cast<std::size_t>(p), std::vector<double>(static_cast<std::size_t>(n)));
  for (int i = 0; i < n; ++i) {
    double m = -0.5;
    for (int j = 0; j < p; ++j) {
      d.cols[j][i] = z(rng) + (j == 1 ? 0.5 * d.cols[0][i] : 0);
      m += (j % 2 ? -0.8 : 0.6) * d.cols[j][i];
    }
    d.y.push_back(u(rng) < 1 / (1 + std::exp(-m)) ? 1 : 0);
  }
  return d;
}

// Gradient of the penalised log-likelihood, coded directly from the definition.
std::vector<double> Gradient(const Data& d, double a, const std::vector<double>& b, double l2) {
  std::vector<double> g(b.size() + 1, 0);
  for (std::size_t i = 0; i < d.y.size(); ++i) {
    double m = a;
    for (std::size_t j = 0; j < b.size(); ++j) m += b[j] * d.cols[j][i];
    const double r = d.y[i] - 1 / (1 + std::exp(-m));
    g[0] += r;
    for (std::size_t j = 0; j < b.size(); ++j) g[j + 1] += r * d.cols[j][i];
  }
  for (std::size_t j = 0; j < b.size(); ++j) g[j + 1] -= l2 * b[j];
  return g;
}

// Plain gradient ascent with a fixed small step, run to convergence: slow but independent.
std::vector<double> GradientAscent(const Data& d, double l2) {
  std::vector<double> w(d.cols.size() + 1, 0);
  const double step = 1.0 / static_cast<double>(d.y.size());
  for (int it = 0; it < 200000; ++it) {
    std::vector<double> b(w.begin() + 1, w.end());
    const std::vector<double> g = Gradient(d, w[0], b, l2);
    double mx = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
      w[k] += step * g[k];
      mx = std::max(mx, std::abs(g[k]));
    }
    if (mx < 1e-9) break;
  }
  return w;
}

class LogisticVsGradientAscent : public ::testing::TestWithParam<double> {};

TEST_P(LogisticVsGradientAscent, SameSolution) {
  const double l2 = GetParam();
  for (unsigned seed : {1u, 2u, 3u}) {
    Data d = RandomData(seed, 80, 3);
    ASSERT_OK_AND_ASSIGN(LogisticFit fit,
                         FitLogistic(Spans(d.cols), d.y, {"a", "b", "c"}, {.l2 = l2}));
    const std::vector<double> ref = GradientAscent(d, l2);
    EXPECT_NEAR(fit.intercept, ref[0], 1e-6) << "seed " << seed;
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_NEAR(fit.coefficients[j], ref[j + 1], 1e-6) << "seed " << seed << " j " << j;
    }
    // First-order optimality at the IRLS solution.
    for (double g : Gradient(d, fit.intercept, fit.coefficients, l2)) EXPECT_NEAR(g, 0, 1e-7);
  }
}

INSTANTIATE_TEST_SUITE_P(Penalties, LogisticVsGradientAscent, ::testing::Values(0.0, 0.5, 5.0));

TEST(LogisticFitTest, L2ShrinksCoefficientsButNotTheIntercept) {
  Data d = RandomData(7, 300, 4);
  double previous_norm = std::numeric_limits<double>::infinity();
  for (double l2 : {0.0, 1.0, 10.0, 100.0, 1e4, 1e8}) {
    ASSERT_OK_AND_ASSIGN(LogisticFit fit,
                         FitLogistic(Spans(d.cols), d.y, {"a", "b", "c", "d"}, {.l2 = l2}));
    double norm = 0;
    for (double b : fit.coefficients) norm += b * b;
    EXPECT_LT(norm, previous_norm) << "l2 " << l2;
    previous_norm = norm;
    if (l2 == 1e8) {
      // Coefficients ~0: the intercept is the unpenalised log-odds of the sample.
      double bads = 0;
      for (int v : d.y) bads += v;
      EXPECT_NEAR(fit.intercept, std::log(bads / (d.y.size() - bads)), 1e-4);
    }
  }
}

TEST(LogisticFitTest, PerfectSeparationIsAnErrorWithoutL2AndFitsWithIt) {
  const std::vector<double> x = {-3, -2, -1, -0.5, 0.5, 1, 2, 3};
  const std::vector<int> y = {0, 0, 0, 0, 1, 1, 1, 1};
  EXPECT_THAT(FitLogistic({x}, y, {"x"}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("perfect separation")));
  ASSERT_OK_AND_ASSIGN(LogisticFit fit, FitLogistic({x}, y, {"x"}, {.l2 = 1}));
  EXPECT_GT(fit.coefficients[0], 0);
  EXPECT_TRUE(std::isfinite(fit.coefficients[0]));
}

TEST(LogisticFitTest, QuasiCompleteSeparationIsAnError) {
  // x = 1 rows are all bad; x = 0 rows are mixed: the MLE of the coefficient is +infinity.
  const std::vector<double> x = {0, 0, 0, 0, 0, 0, 1, 1, 1};
  const std::vector<int> y = {0, 1, 0, 1, 0, 0, 1, 1, 1};
  EXPECT_THAT(FitLogistic({x}, y, {"x"}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("separation")));
}

TEST(LogisticFitTest, SingularHessianNamesTheColumn) {
  Data d = RandomData(3, 50, 2);
  std::vector<std::vector<double>> cols = d.cols;
  cols.push_back(std::vector<double>(50, 4.0));  // constant: collinear with the intercept
  EXPECT_THAT(
      FitLogistic(Spans(cols), d.y, {"a", "b", "flat"}),
      StatusIs(StatusCode::kFailedPrecondition, AllOf(HasSubstr("singular"), HasSubstr("'flat'"))));
  cols.back() = d.cols[0];
  for (std::size_t i = 0; i < 50; ++i) cols.back()[i] = 2 * d.cols[0][i] - d.cols[1][i];
  EXPECT_THAT(FitLogistic(Spans(cols), d.y, {"a", "b", "combo"}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("singular")));
  // L2 makes the problem well-posed again.
  EXPECT_OK(FitLogistic(Spans(cols), d.y, {"a", "b", "combo"}, {.l2 = 1}));
}

TEST(LogisticFitTest, BadInputIsAClearError) {
  std::vector<double> x = {1, 2, 3, 4};
  EXPECT_THAT(FitLogistic({x}, std::vector<int>{0, 1, 0, 2}, {"x"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("row 3 is 2")));
  EXPECT_THAT(FitLogistic({x}, std::vector<int>{1, 1, 1, 1}, {"x"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("one good")));
  x[2] = std::nan("");
  EXPECT_THAT(FitLogistic({x}, std::vector<int>{0, 1, 0, 1}, {"x"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("column 'x' row 2 is missing")));
  x[2] = INFINITY;
  EXPECT_THAT(FitLogistic({x}, std::vector<int>{0, 1, 0, 1}, {"x"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("infinite")));
  EXPECT_THAT(FitLogistic({x}, std::vector<int>{0, 1, 0}, {"x"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("has 4 rows, the labels 3")));
  x[2] = 3;
  EXPECT_THAT(FitLogistic({x}, std::vector<int>{0, 1, 0, 1}, {"x"}, {.l2 = -1}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("l2")));
  EXPECT_THAT(FitLogistic({x}, std::vector<int>{0, 1, 0, 1}, {"x"}, {.max_iterations = 1}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no convergence")));
}

}  // namespace
}  // namespace credence::fit
