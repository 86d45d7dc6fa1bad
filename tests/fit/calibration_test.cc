// The Jeffreys test against an independent numerical reference: the beta CDF integrated here
// with Simpson's rule (after the substitution x = t^2, which removes the density's
// singularity at 0 for shapes >= 1/2), and quantiles by bisection on it.
#include "fit/calibration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "tests/testing/status_matchers.h"

namespace credence::fit {
namespace {

using ::credence::testing::StatusIs;

// P(X <= p) for X ~ Beta(a, b), a >= 1/2, b >= 1: integral of t^(2a-1) (1 - t^2)^(b-1) 2 / B
// over t in [0, sqrt(p)].
double BetaCdf(double a, double b, double p) {
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  auto f = [&](double t) {
    if (t <= 0) return a == 0.5 ? 2 * std::exp(-log_beta) : 0.0;
    return 2 * std::exp((2 * a - 1) * std::log(t) + (b - 1) * std::log1p(-t * t) - log_beta);
  };
  const int n = 20000;  // even
  const double hi = std::sqrt(p), h = hi / n;
  double sum = f(0) + f(hi);
  for (int i = 1; i < n; ++i) sum += (i % 2 ? 4 : 2) * f(i * h);
  return sum * h / 3;
}

double BetaQuantile(double a, double b, double q) {
  double lo = 0, hi = 1;
  for (int i = 0; i < 50; ++i) {
    const double mid = (lo + hi) / 2;
    (BetaCdf(a, b, mid) < q ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

struct Case {
  std::int64_t n, d;
  double pd, alpha;
};

TEST(JeffreysTest, MatchesANumericalBetaPosterior) {
  for (const Case& c : {Case{100, 5, 0.03, 0.05}, Case{1000, 0, 0.001, 0.05},
                        Case{2000, 244, 0.123, 0.00714}, Case{40, 12, 0.5, 0.1}}) {
    SCOPED_TRACE(::testing::Message() << c.n << " " << c.d << " " << c.pd);
    const double a = static_cast<double>(c.d) + 0.5, b = static_cast<double>(c.n - c.d) + 0.5;
    ASSERT_OK_AND_ASSIGN(JeffreysResult r, JeffreysTest(c.n, c.d, c.pd, c.alpha));
    EXPECT_NEAR(r.p_value, BetaCdf(a, b, c.pd), 1e-7);
    EXPECT_NEAR(r.lower, BetaQuantile(a, b, c.alpha / 2), 1e-7);
    EXPECT_NEAR(r.upper, BetaQuantile(a, b, 1 - c.alpha / 2), 1e-7);
    EXPECT_EQ(r.under_predicts, c.pd < r.lower);
    EXPECT_EQ(r.over_predicts, c.pd > r.upper);
  }
}

TEST(JeffreysTest, FlagsAPdFarFromTheObservedRate) {
  // 60 bads in 200 (30%) against a PD of 10%: under-predicted; against 60%: over-predicted.
  ASSERT_OK_AND_ASSIGN(JeffreysResult low, JeffreysTest(200, 60, 0.10, 0.05));
  EXPECT_TRUE(low.under_predicts);
  EXPECT_LT(low.p_value, 0.025);
  ASSERT_OK_AND_ASSIGN(JeffreysResult high, JeffreysTest(200, 60, 0.60, 0.05));
  EXPECT_TRUE(high.over_predicts);
  ASSERT_OK_AND_ASSIGN(JeffreysResult fine, JeffreysTest(200, 60, 0.30, 0.05));
  EXPECT_FALSE(fine.under_predicts || fine.over_predicts);
}

TEST(JeffreysTest, RejectsBadArguments) {
  EXPECT_THAT(JeffreysTest(0, 0, 0.1, 0.05), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(JeffreysTest(10, 11, 0.1, 0.05),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(JeffreysTest(10, 1, 1.5, 0.05), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(JeffreysTest(10, 1, 0.1, 0), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

}  // namespace
}  // namespace credence::fit
