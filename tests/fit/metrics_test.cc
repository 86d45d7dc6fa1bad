// Metrics against brute-force formulas on random data with fixed seeds, and hand examples.
#include "fit/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "tests/testing/status_matchers.h"

namespace credence::fit {
namespace {

using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

struct Sample {
  std::vector<double> score;
  std::vector<int> label;
};

// Scores on a coarse grid so that ties (within and across classes) are common.
Sample RandomSample(unsigned seed, int n, int grid) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> level(0, grid);
  std::uniform_real_distribution<double> u(0, 1);
  Sample s;
  for (int i = 0; i < n; ++i) {
    const int l = level(rng);
    s.score.push_back(l * 0.25);
    s.label.push_back(u(rng) < 0.1 + 0.6 * l / grid ? 1 : 0);
  }
  s.label[0] = 0;
  s.label[1] = 1;
  return s;
}

double AucByPairs(const Sample& s) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < s.score.size(); ++i) {
    if (!s.label[i]) continue;
    for (std::size_t j = 0; j < s.score.size(); ++j) {
      if (s.label[j]) continue;
      pairs += 1;
      if (s.score[i] > s.score[j]) wins += 1;
      if (s.score[i] == s.score[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

double KsByScanning(const Sample& s) {
  double goods = 0, bads = 0;
  for (int l : s.label) (l ? bads : goods) += 1;
  double ks = 0;
  for (double t : s.score) {
    double fg = 0, fb = 0;
    for (std::size_t i = 0; i < s.score.size(); ++i) {
      if (s.score[i] <= t) (s.label[i] ? fb : fg) += 1;
    }
    ks = std::max(ks, std::abs(fb / bads - fg / goods));
  }
  return ks;
}

TEST(MetricsTest, AucEqualsPairCountingWithTiesAsHalf) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    Sample s = RandomSample(seed, 50 + 37 * static_cast<int>(seed), seed % 2 ? 8 : 200);
    ASSERT_OK_AND_ASSIGN(double auc, Auc(s.score, s.label));
    EXPECT_NEAR(auc, AucByPairs(s), 1e-12) << "seed " << seed;
  }
}

TEST(MetricsTest, AucHandExamples) {
  // Perfect ranking, reversed ranking, all tied.
  EXPECT_THAT(Auc(std::vector<double>{1, 2, 3, 4}, std::vector<int>{0, 0, 1, 1}),
              ::credence::testing::IsOkAndHolds(1.0));
  EXPECT_THAT(Auc(std::vector<double>{4, 3, 2, 1}, std::vector<int>{0, 0, 1, 1}),
              ::credence::testing::IsOkAndHolds(0.0));
  EXPECT_THAT(Auc(std::vector<double>{5, 5, 5}, std::vector<int>{0, 1, 0}),
              ::credence::testing::IsOkAndHolds(0.5));
}

TEST(MetricsTest, KsEqualsScanningEveryThreshold) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    Sample s = RandomSample(100 + seed, 40 + 29 * static_cast<int>(seed), seed % 2 ? 6 : 500);
    ASSERT_OK_AND_ASSIGN(double ks, Ks(s.score, s.label));
    EXPECT_NEAR(ks, KsByScanning(s), 1e-12) << "seed " << seed;
  }
}

// The ROC curve against counting every threshold by hand; its area is the AUC, and the
// largest |tpr - fpr| on it is the KS statistic, attained at KsThreshold.
TEST(MetricsTest, RocCurveAgreesWithCountingAndWithAucAndKs) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const Sample s = RandomSample(seed, 5 + static_cast<int>(seed * 13 % 200), 9);
    ASSERT_OK_AND_ASSIGN(std::vector<RocPoint> roc, RocCurve(s.score, s.label));
    std::set<double, std::greater<>> thresholds(s.score.begin(), s.score.end());
    ASSERT_EQ(roc.size(), thresholds.size() + 1);
    EXPECT_EQ(roc.front().fpr, 0);
    EXPECT_EQ(roc.front().tpr, 0);
    double goods = 0, bads = 0;
    for (int l : s.label) (l ? bads : goods) += 1;
    std::size_t k = 1;
    double area = 0, ks = 0, ks_at = 0;
    for (double t : thresholds) {
      double g = 0, b = 0;
      for (std::size_t i = 0; i < s.score.size(); ++i) {
        if (s.score[i] >= t) (s.label[i] ? b : g) += 1;
      }
      EXPECT_EQ(roc[k].threshold, t);
      EXPECT_NEAR(roc[k].fpr, g / goods, 1e-15);
      EXPECT_NEAR(roc[k].tpr, b / bads, 1e-15);
      area += (roc[k].fpr - roc[k - 1].fpr) * (roc[k].tpr + roc[k - 1].tpr) / 2;
      if (std::abs(b / bads - g / goods) > ks) {
        ks = std::abs(b / bads - g / goods);
        ks_at = t;
      }
      ++k;
    }
    EXPECT_NEAR(roc.back().fpr, 1, 1e-15);
    EXPECT_NEAR(roc.back().tpr, 1, 1e-15);
    EXPECT_NEAR(area, AucByPairs(s), 1e-12) << seed;
    EXPECT_NEAR(ks, KsByScanning(s), 1e-12) << seed;
    EXPECT_EQ(KsThreshold(roc), ks_at) << seed;
  }
}

TEST(MetricsTest, QuantileType7MatchesR) {
  // R: quantile(c(1, 2, 3, 4, 10), c(0, .1, .5, .9, 1), type = 7) = 1, 1.4, 3, 7.6, 10
  const std::vector<double> x = {1, 2, 3, 4, 10};
  EXPECT_DOUBLE_EQ(QuantileType7(x, 0), 1);
  EXPECT_DOUBLE_EQ(QuantileType7(x, 0.1), 1.4);
  EXPECT_DOUBLE_EQ(QuantileType7(x, 0.5), 3);
  EXPECT_DOUBLE_EQ(QuantileType7(x, 0.9), 7.6);
  EXPECT_DOUBLE_EQ(QuantileType7(x, 1), 10);
  EXPECT_TRUE(std::isnan(QuantileType7({}, 0.5)));
}

TEST(MetricsTest, HistogramCountsEveryValue) {
  const std::vector<double> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NAN};
  const Histogram h = EqualWidthHistogram(x, 5);
  EXPECT_EQ(h.lo, 0);
  EXPECT_EQ(h.hi, 10);
  EXPECT_EQ(h.counts, (std::vector<std::int64_t>{2, 2, 2, 2, 3}));  // the last bin holds 10
  EXPECT_EQ(EqualWidthHistogram(std::vector<double>{3, 3}, 10).counts.size(), 1u);
  EXPECT_TRUE(EqualWidthHistogram(std::vector<double>{NAN}, 10).counts.empty());
}

TEST(MetricsTest, ErrorsNameTheRow) {
  EXPECT_THAT(Auc(std::vector<double>{1, NAN}, std::vector<int>{0, 1}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("row 1")));
  EXPECT_THAT(Ks(std::vector<double>{1, 2}, std::vector<int>{0, 0}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("one bad")));
  EXPECT_THAT(Auc(std::vector<double>{1, 2}, std::vector<int>{0, 3}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not 0 or 1")));
  EXPECT_THAT(Psi(std::vector<double>{1, 2}, std::vector<double>{NAN}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("actual value of row 0")));
}

// Type 7 quantile written out from its definition with 1-based order statistics:
// Q(p) = x_(j) + g (x_(j+1) - x_(j)), j = floor((n - 1) p) + 1, g = (n - 1) p - floor((n - 1) p).
double NaiveQuantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const std::size_t j = static_cast<std::size_t>(std::floor(h)) + 1;
  const double g = h - std::floor(h);
  const double xj = v[j - 1];
  const double xj1 = j < v.size() ? v[j] : v[j - 1];
  return xj + g * (xj1 - xj);
}

double NaivePsi(const std::vector<double>& expected, const std::vector<double>& actual) {
  double edges[11];
  edges[0] = -INFINITY;
  edges[10] = INFINITY;
  for (int i = 1; i < 10; ++i) edges[i] = NaiveQuantile(expected, i / 10.0);
  double psi = 0;
  for (int b = 0; b < 10; ++b) {
    auto share = [&](const std::vector<double>& v) {
      double c = 0;
      for (double x : v) c += (x > edges[b] && x <= edges[b + 1]) ? 1 : 0;
      return c == 0 ? 0.0001 : c / static_cast<double>(v.size());
    };
    const double e = share(expected), a = share(actual);
    psi += (a - e) * std::log(a / e);
  }
  return psi;
}

TEST(MetricsTest, PsiEqualsItsFormulaWithNaiveQuantiles) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> e(0, 1), a(0.1 * seed, 1 + 0.05 * seed);
    std::vector<double> expected, actual;
    const bool coarse = seed % 3 == 0;  // many ties: repeated edges, empty bins
    for (int i = 0; i < 200 + 13 * static_cast<int>(seed); ++i) {
      const double v = e(rng);
      expected.push_back(coarse ? std::round(v) : v);
    }
    for (int i = 0; i < 150 + 7 * static_cast<int>(seed); ++i) {
      const double v = a(rng);
      actual.push_back(coarse ? std::round(v) : v);
    }
    ASSERT_OK_AND_ASSIGN(PsiResult r, Psi(expected, actual));
    EXPECT_NEAR(r.psi, NaivePsi(expected, actual), 1e-12) << "seed " << seed;
    ASSERT_EQ(r.edges.size(), 9u);
    for (int i = 1; i < 10; ++i) EXPECT_EQ(r.edges[i - 1], NaiveQuantile(expected, i / 10.0));
  }
}

TEST(MetricsTest, PsiOfASampleAgainstItselfIsZero) {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(std::sin(i));
  ASSERT_OK_AND_ASSIGN(PsiResult r, Psi(v, v));
  EXPECT_NEAR(r.psi, 0, 1e-15);
  // Equal-frequency: every expected share is 0.1.
  for (double s : r.expected_share) EXPECT_NEAR(s, 0.1, 1e-12);
}

TEST(MetricsTest, PsiHandExample) {
  // Expected 1..10: deciles by type 7 are 1.9, 2.8, ..., 9.1; one value per bin.
  std::vector<double> expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  // Actual: everything in the lowest bin (<= 1.9).
  std::vector<double> actual = {0, 1, 1.5};
  ASSERT_OK_AND_ASSIGN(PsiResult r, Psi(expected, actual));
  EXPECT_NEAR(r.edges[0], 1.9, 1e-12);
  const double first = (1 - 0.1) * std::log(1 / 0.1);
  const double rest = 9 * (0.0001 - 0.1) * std::log(0.0001 / 0.1);
  EXPECT_NEAR(r.psi, first + rest, 1e-12);
}

// A share of exactly zero counts as 0.0001; a small share that is not zero stays what it is
// (1 row in 20,000 is 0.00005). The report's former copy lifted every share below 0.0001.
TEST(MetricsTest, PsiReplacesOnlyZeroShares) {
  std::vector<double> expected(100, 1.0);
  std::fill(expected.begin() + 50, expected.end(), 2.0);  // deciles 1,1,1,1,1.5,2,2,2,2
  std::vector<double> actual(20000, 1.0);
  std::fill(actual.begin() + 10000, actual.end(), 2.0);
  actual.back() = 3.0;  // above every edge: the last bin, empty in the expected sample
  ASSERT_OK_AND_ASSIGN(PsiResult r, Psi(expected, actual));
  EXPECT_DOUBLE_EQ(r.expected_share[9], 0.0001);
  EXPECT_DOUBLE_EQ(r.actual_share[9], 0.00005);
  const double want =
      (0.49995 - 0.5) * std::log(0.49995 / 0.5) + (0.00005 - 0.0001) * std::log(0.00005 / 0.0001);
  EXPECT_NEAR(r.psi, want, 1e-15);
  double sum = 0;
  for (double c : r.contributions) sum += c;
  EXPECT_DOUBLE_EQ(sum, r.psi);
  EXPECT_FALSE(r.has_missing);
}

TEST(MetricsTest, CsiCountsMissingValuesInTheirOwnBin) {
  std::vector<double> expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  std::vector<double> actual = expected;
  actual.push_back(NAN);
  ASSERT_OK_AND_ASSIGN(PsiResult r, Csi(expected, actual));
  EXPECT_TRUE(r.has_missing);
  ASSERT_EQ(r.actual_share.size(), 11u);
  EXPECT_NEAR(r.actual_share.back(), 1.0 / 11, 1e-15);
  EXPECT_NEAR(r.expected_share.back(), 0.0001, 1e-15);
  double want = (1.0 / 11 - 0.0001) * std::log((1.0 / 11) / 0.0001) +
                10 * (1.0 / 11 - 0.1) * std::log((1.0 / 11) / 0.1);
  EXPECT_NEAR(r.psi, want, 1e-12);
  ASSERT_OK_AND_ASSIGN(double from_counts,
                       PsiFromCounts(std::vector<std::int64_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
                                     std::vector<std::int64_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
  EXPECT_NEAR(from_counts, want, 1e-12);
}

TEST(MetricsTest, InformationValueOfAGrouping) {
  // Group 0: 80 goods 20 bads; group 1: 20 goods 80 bads.
  std::vector<int> groups, labels;
  for (int i = 0; i < 100; ++i) groups.push_back(0), labels.push_back(i < 20);
  for (int i = 0; i < 100; ++i) groups.push_back(1), labels.push_back(i < 80);
  const double want = (0.8 - 0.2) * std::log(0.8 / 0.2) + (0.2 - 0.8) * std::log(0.2 / 0.8);
  EXPECT_THAT(InformationValue(groups, labels),
              ::credence::testing::IsOkAndHolds(::testing::DoubleNear(want, 1e-12)));
}

TEST(MetricsTest, CalibrationTableCountsEveryRowOnce) {
  Sample s = RandomSample(5, 1000, 1000);
  std::vector<double> pd;
  for (double v : s.score) pd.push_back(std::min(1.0, v / 250));
  ASSERT_OK_AND_ASSIGN(std::vector<CalibrationBand> bands, CalibrationTable(s.score, pd, s.label));
  ASSERT_EQ(bands.size(), 10u);
  std::int64_t count = 0, bads = 0;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    std::int64_t c = 0, k = 0;
    double sum_pd = 0;
    for (std::size_t i = 0; i < s.score.size(); ++i) {
      if (s.score[i] > bands[b].lower && s.score[i] <= bands[b].upper) {
        ++c;
        k += s.label[i];
        sum_pd += pd[i];
      }
    }
    EXPECT_EQ(bands[b].count, c);
    EXPECT_EQ(bands[b].bads, k);
    if (c > 0) {
      EXPECT_NEAR(bands[b].observed_rate, static_cast<double>(k) / c, 1e-12);
      EXPECT_NEAR(bands[b].mean_pd, sum_pd / c, 1e-12);
    }
    if (b > 0) {
      EXPECT_EQ(bands[b].lower, bands[b - 1].upper);
    }
    count += bands[b].count;
    bads += bands[b].bads;
  }
  EXPECT_EQ(count, 1000);
  std::int64_t all_bads = 0;
  for (int l : s.label) all_bads += l;
  EXPECT_EQ(bads, all_bads);
}

}  // namespace
}  // namespace credence::fit
