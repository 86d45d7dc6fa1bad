// The simulator's generator and distributions: coded from their definitions, checked here
// against the definitions (published xoshiro256** / splitmix64 outputs are not used because
// the seeding differs; instead the recurrences are re-coded independently below).
#include "sim/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace credence::sim {
namespace {

// splitmix64 reference values (Vigna's splitmix64.c, state 0): the first three outputs.
TEST(SplitMix64, MatchesReferenceSequence) {
  std::uint64_t state = 0;
  EXPECT_EQ(SplitMix64(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(SplitMix64(state), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(SplitMix64(state), 0x06C45D188009454FULL);
}

TEST(Rng, SameSeedAndStreamGiveSameSequence) {
  Rng a(42, 7), b(42, 7), c(42, 8), d(43, 7);
  int same_c = 0, same_d = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    same_c += x == c.Next();
    same_d += x == d.Next();
  }
  EXPECT_EQ(same_c, 0);
  EXPECT_EQ(same_d, 0);
}

TEST(Rng, UniformIsInRangeWithMeanAndVarianceOfU01) {
  Rng rng(1, 0);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  // Standard errors: 1/sqrt(12 n) = 0.00065 for the mean; variance 1/12 = 0.0833.
  EXPECT_NEAR(mean, 0.5, 0.003);
  EXPECT_NEAR(var, 1.0 / 12.0, 0.002);
}

TEST(Rng, BelowCoversEveryValueUniformly) {
  Rng rng(5, 0);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t k = rng.Below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  // Chi-square with 6 degrees of freedom; 22.46 is the 0.999 quantile.
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  EXPECT_LT(chi2, 22.46);
}

TEST(Rng, NormalHasUnitMomentsAndSymmetricTails) {
  Rng rng(2, 0);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  int above_196 = 0, below_196 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.Normal();
    sum += z;
    sum2 += z * z;
    above_196 += z > 1.96;
    below_196 += z < -1.96;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.015);
  // P(Z > 1.96) = 0.025: 5000 expected, sd about 70.
  EXPECT_NEAR(above_196, 5000, 350);
  EXPECT_NEAR(below_196, 5000, 350);
}

// Poisson: mean and variance equal the parameter, on both sides of the 30 switch-over, and
// P(0) = exp(-mean) for a small mean.
TEST(Rng, PoissonMeanAndVarianceMatchParameter) {
  for (double mean : {0.3, 4.0, 29.0, 31.0, 200.0}) {
    Rng rng(3, static_cast<std::uint64_t>(mean * 10));
    const int n = 100000;
    double sum = 0, sum2 = 0;
    int zeros = 0;
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<double>(rng.Poisson(mean));
      ASSERT_GE(k, 0.0);
      sum += k;
      sum2 += k * k;
      zeros += k == 0;
    }
    const double m = sum / n, v = sum2 / n - m * m;
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / n)) << mean;
    EXPECT_NEAR(v / mean, 1.0, 0.03) << mean;
    if (mean < 1) {
      EXPECT_NEAR(zeros / static_cast<double>(n), std::exp(-mean), 0.005);
    }
  }
  Rng rng(3, 0);
  EXPECT_EQ(rng.Poisson(0.0), 0);
  EXPECT_EQ(rng.Poisson(-1.0), 0);
}

TEST(Rng, ChoiceFollowsWeights) {
  Rng rng(4, 0);
  const std::vector<double> w = {0.5, 0.0, 0.3, 0.2};
  std::vector<int> counts(4, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[rng.Choice(w)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0] / static_cast<double>(n), 0.5, 0.006);
  EXPECT_NEAR(counts[2] / static_cast<double>(n), 0.3, 0.006);
  EXPECT_NEAR(counts[3] / static_cast<double>(n), 0.2, 0.006);
}

}  // namespace
}  // namespace credence::sim
