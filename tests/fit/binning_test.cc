// Binning invariants on random data (fixed seeds) and hand-computed WoE / IV.
#include "fit/binning.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "tests/testing/status_matchers.h"

namespace credence::fit {
namespace {

using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

struct Data {
  std::vector<double> x;
  std::vector<int> y;
};

// Risk rises with x (or falls, with sign = -1); some missing values; values rounded to a
// grid so that ties are common when `grid` is coarse.
Data RandomData(unsigned seed, int n, double sign, double grid, double missing_rate) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Data d;
  for (int i = 0; i < n; ++i) {
    const double v = std::round(z(rng) / grid) * grid;
    const double p = 1 / (1 + std::exp(-(-1.5 + sign * 0.9 * v)));
    const int label = u(rng) < p ? 1 : 0;
    d.x.push_back(u(rng) < missing_rate ? NAN : v);
    d.y.push_back(label);
  }
  return d;
}

// Naive WoE from the definition, for a bin's counts and the totals.
double NaiveWoe(double g, double b, double total_g, double total_b) {
  if (g + b == 0) return 0;
  if (g == 0 || b == 0) g += 0.5, b += 0.5;
  return std::log((g / total_g) / (b / total_b));
}

void CheckInvariants(const NumericBinning& bin, const Data& d, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_FALSE(bin.bins.empty());
  // The intervals cover the real line, in order, without overlap or gap.
  EXPECT_EQ(bin.bins.front().lower, -INFINITY);
  EXPECT_EQ(bin.bins.back().upper, INFINITY);
  for (std::size_t i = 0; i + 1 < bin.bins.size(); ++i) {
    EXPECT_EQ(bin.bins[i].upper, bin.bins[i + 1].lower);
    EXPECT_LT(bin.bins[i].lower, bin.bins[i].upper);
  }
  // Every value falls in exactly one interval [lower, upper), found by scanning them all,
  // and BinOf agrees; counts per bin agree with a recount.
  double total_g = 0, total_b = 0;
  for (int l : d.y) (l ? total_b : total_g) += 1;
  std::vector<BinStats> recount(bin.bins.size());
  BinStats missing;
  for (std::size_t r = 0; r < d.x.size(); ++r) {
    if (std::isnan(d.x[r])) {
      EXPECT_EQ(bin.BinOf(d.x[r]), -1);
      (d.y[r] ? missing.bads : missing.goods) += 1;
      continue;
    }
    int hits = 0, where = -1;
    for (std::size_t i = 0; i < bin.bins.size(); ++i) {
      if (d.x[r] >= bin.bins[i].lower && d.x[r] < bin.bins[i].upper) ++hits, where = int(i);
    }
    ASSERT_EQ(hits, 1) << "value " << d.x[r];
    EXPECT_EQ(bin.BinOf(d.x[r]), where);
    (d.y[r] ? recount[where].bads : recount[where].goods) += 1;
  }
  double iv = 0;
  for (std::size_t i = 0; i < bin.bins.size(); ++i) {
    EXPECT_EQ(bin.bins[i].stats.goods, recount[i].goods);
    EXPECT_EQ(bin.bins[i].stats.bads, recount[i].bads);
    const double w = NaiveWoe(recount[i].goods, recount[i].bads, total_g, total_b);
    EXPECT_NEAR(bin.bins[i].woe, w, 1e-12);
    double g = recount[i].goods, b = recount[i].bads;
    if (g == 0 || b == 0) g += 0.5, b += 0.5;
    if (recount[i].count() > 0) iv += (g / total_g - b / total_b) * w;
  }
  EXPECT_EQ(bin.missing.goods, missing.goods);
  EXPECT_EQ(bin.missing.bads, missing.bads);
  const double mw = NaiveWoe(missing.goods, missing.bads, total_g, total_b);
  EXPECT_NEAR(bin.missing_woe, mw, 1e-12);
  if (missing.count() > 0) {
    double g = missing.goods, b = missing.bads;
    if (g == 0 || b == 0) g += 0.5, b += 0.5;
    iv += (g / total_g - b / total_b) * mw;
  }
  EXPECT_NEAR(bin.iv, iv, 1e-12);
}

TEST(BinningTest, InvariantsHoldForEveryMethodOnRandomData) {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    const double sign = seed % 2 ? 1 : -1;
    const double grid = seed % 3 == 0 ? 0.5 : 0.001;
    Data d = RandomData(seed, 3000, sign, grid, seed % 4 == 0 ? 0.0 : 0.05);
    for (MergeMethod m : {MergeMethod::kNone, MergeMethod::kMonotonic, MergeMethod::kChiMerge}) {
      BinningOptions o;
      o.method = m;
      o.initial_bins = 30;
      o.max_bins = m == MergeMethod::kNone ? 30 : 8;
      ASSERT_OK_AND_ASSIGN(NumericBinning bin, BinNumeric(d.x, d.y, o));
      CheckInvariants(
          bin, d,
          "seed " + std::to_string(seed) + " method " + std::to_string(static_cast<int>(m)));
      EXPECT_LE(bin.bins.size(), static_cast<std::size_t>(o.max_bins));
      if (m == MergeMethod::kMonotonic) {
        // Risk rises with x when sign > 0, so WoE must fall strictly.
        EXPECT_EQ(bin.trend, sign > 0 ? Trend::kDecreasing : Trend::kIncreasing);
        for (std::size_t i = 0; i + 1 < bin.bins.size(); ++i) {
          if (sign > 0) {
            EXPECT_GT(bin.bins[i].woe, bin.bins[i + 1].woe);
          } else {
            EXPECT_LT(bin.bins[i].woe, bin.bins[i + 1].woe);
          }
        }
        EXPECT_GE(bin.bins.size(), 3u) << "a strong trend keeps several bins";
      }
      if (m == MergeMethod::kChiMerge) {
        for (std::size_t i = 0; i + 1 < bin.bins.size(); ++i) {
          EXPECT_GE(ChiSquare2x2(bin.bins[i].stats, bin.bins[i + 1].stats), o.chi_threshold);
        }
      }
      // Minimum bin share (5% of the non-missing rows).
      std::int64_t present = 0;
      for (double v : d.x) present += std::isnan(v) ? 0 : 1;
      for (const NumericBin& b : bin.bins) EXPECT_GE(b.stats.count(), 0.05 * present);
    }
  }
}

TEST(BinningTest, RequestedTrendIsEnforcedEvenAgainstTheData) {
  Data d = RandomData(42, 2000, 1, 0.01, 0);
  BinningOptions o;
  o.trend = Trend::kIncreasing;  // the data say decreasing: merging leaves few bins
  ASSERT_OK_AND_ASSIGN(NumericBinning bin, BinNumeric(d.x, d.y, o));
  CheckInvariants(bin, d, "forced increasing");
  for (std::size_t i = 0; i + 1 < bin.bins.size(); ++i) {
    EXPECT_LT(bin.bins[i].woe, bin.bins[i + 1].woe);
  }
}

TEST(BinningTest, EqualValuesAreNeverSplit) {
  // 70% of the rows hold the value 0; equal-frequency cuts would fall inside that run.
  std::vector<double> x;
  std::vector<int> y;
  for (int i = 0; i < 700; ++i) x.push_back(0), y.push_back(i % 7 == 0);
  for (int i = 0; i < 300; ++i) x.push_back(1 + i), y.push_back(i % 2);
  BinningOptions o;
  o.method = MergeMethod::kNone;
  o.min_bin_share = 0;
  o.initial_bins = 10;
  ASSERT_OK_AND_ASSIGN(NumericBinning bin, BinNumeric(x, y, o));
  // The zeros form one bin, (-inf, 1); the 300 others split into 3 bins of 100.
  ASSERT_EQ(bin.bins.size(), 4u);
  EXPECT_EQ(bin.bins[0].upper, 1);
  EXPECT_EQ(bin.bins[0].stats.count(), 700);
  EXPECT_EQ(bin.bins[1].stats.count(), 100);
  EXPECT_EQ(bin.bins[1].upper, 101);  // edges are observed values
  EXPECT_EQ(bin.bins[3].stats.count(), 100);
}

TEST(BinningTest, DistinctValuesSplitIntoEqualCounts) {
  std::vector<double> x;
  std::vector<int> y;
  std::mt19937 rng(8);
  for (int i = 0; i < 1000; ++i) x.push_back(i), y.push_back(i % 3 == 0);
  std::shuffle(x.begin(), x.end(), rng);  // the input order does not matter
  BinningOptions o;
  o.method = MergeMethod::kNone;
  o.min_bin_share = 0;
  o.initial_bins = 20;
  o.max_bins = 1000;
  ASSERT_OK_AND_ASSIGN(NumericBinning bin, BinNumeric(x, y, o));
  ASSERT_EQ(bin.bins.size(), 20u);
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(bin.bins[i].stats.count(), 50);
    if (i > 0) {
      EXPECT_EQ(bin.bins[i].lower, 50.0 * static_cast<double>(i));
    }
  }
}

TEST(BinningTest, HandComputedWoeAndIv) {
  // Two bins: x < 10: 40 goods 10 bads; x >= 10: 10 goods 40 bads; missing: 0 goods, 5 bads.
  std::vector<double> x;
  std::vector<int> y;
  for (int i = 0; i < 50; ++i) x.push_back(i < 40 ? 1 : 2), y.push_back(i >= 40);
  for (int i = 0; i < 50; ++i) x.push_back(i < 10 ? 10 : 11), y.push_back(i >= 10);
  for (int i = 0; i < 5; ++i) x.push_back(NAN), y.push_back(1);
  BinningOptions o;
  o.initial_bins = 2;
  o.method = MergeMethod::kNone;
  ASSERT_OK_AND_ASSIGN(NumericBinning bin, BinNumeric(x, y, o));
  ASSERT_EQ(bin.bins.size(), 2u);
  EXPECT_EQ(bin.bins[1].lower, 10);
  const double g = 50, b = 55;
  EXPECT_NEAR(bin.bins[0].woe, std::log((40 / g) / (10 / b)), 1e-12);
  EXPECT_NEAR(bin.bins[1].woe, std::log((10 / g) / (40 / b)), 1e-12);
  EXPECT_NEAR(bin.missing_woe, std::log((0.5 / g) / (5.5 / b)), 1e-12);
  const double iv = (40 / g - 10 / b) * std::log((40 / g) / (10 / b)) +
                    (10 / g - 40 / b) * std::log((10 / g) / (40 / b)) +
                    (0.5 / g - 5.5 / b) * std::log((0.5 / g) / (5.5 / b));
  EXPECT_NEAR(bin.iv, iv, 1e-12);
  EXPECT_EQ(bin.Woe(-1e300), bin.bins[0].woe);
  EXPECT_EQ(bin.Woe(9.999), bin.bins[0].woe);
  EXPECT_EQ(bin.Woe(10), bin.bins[1].woe);
  EXPECT_EQ(bin.Woe(NAN), bin.missing_woe);
}

TEST(BinningTest, ChiSquareOfA2x2TableMatchesTheTextbookFormula) {
  // chi2 = n (ad - bc)^2 / ((a+b)(c+d)(a+c)(b+d))
  const double a = 30, b = 10, c = 20, d = 25, n = a + b + c + d;
  const double want =
      n * (a * d - b * c) * (a * d - b * c) / ((a + b) * (c + d) * (a + c) * (b + d));
  EXPECT_NEAR(ChiSquare2x2({30, 10}, {20, 25}), want, 1e-12);
}

TEST(BinningTest, NoMissingValuesGiveANeutralMissingWoe) {
  Data d = RandomData(3, 500, 1, 0.01, 0);
  ASSERT_OK_AND_ASSIGN(NumericBinning bin, BinNumeric(d.x, d.y));
  EXPECT_EQ(bin.missing.count(), 0);
  EXPECT_EQ(bin.missing_woe, 0);
}

TEST(BinningTest, BadInput) {
  EXPECT_THAT(BinNumeric(std::vector<double>{1, 2}, std::vector<int>{0, 0}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("one good and one bad")));
  EXPECT_THAT(BinNumeric(std::vector<double>{1, INFINITY}, std::vector<int>{0, 1}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("row 1 is infinite")));
  EXPECT_THAT(BinNumeric(std::vector<double>{1, 2}, std::vector<int>{0, 1}, {.initial_bins = 1}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("initial_bins")));
  EXPECT_THAT(BinNumeric(std::vector<double>{1}, std::vector<int>{0, 1}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("differ in length")));
}

TEST(BinningTest, AllMissingGivesOneUnboundedBin) {
  ASSERT_OK_AND_ASSIGN(NumericBinning bin,
                       BinNumeric(std::vector<double>{NAN, NAN, NAN}, std::vector<int>{0, 1, 0}));
  ASSERT_EQ(bin.bins.size(), 1u);
  EXPECT_EQ(bin.bins[0].lower, -INFINITY);
  EXPECT_EQ(bin.bins[0].upper, INFINITY);
  EXPECT_EQ(bin.missing.count(), 3);
}

TEST(BinningTest, CategoricalPoolsRareCategoriesAndCatchesUnseenOnes) {
  std::vector<std::string> x;
  std::vector<int> y;
  auto add = [&](const std::string& c, int goods, int bads) {
    for (int i = 0; i < goods; ++i) x.push_back(c), y.push_back(0);
    for (int i = 0; i < bads; ++i) x.push_back(c), y.push_back(1);
  };
  add("CN", 400, 40);
  add("US", 300, 100);
  add("DE", 100, 100);
  add("XX", 5, 5);  // rare (< 5%)
  add("YY", 3, 0);  // rare
  add("", 20, 20);  // missing
  CategoricalOptions o;
  o.chi_threshold = 0;  // keep every frequent category apart
  ASSERT_OK_AND_ASSIGN(CategoricalBinning bin, BinCategorical(x, y, o));
  int others = 0;
  std::map<std::string, int> where;
  for (std::size_t i = 0; i < bin.bins.size(); ++i) {
    others += bin.bins[i].other;
    for (const std::string& c : bin.bins[i].categories) where[c] = static_cast<int>(i);
    if (i > 0) {
      EXPECT_LE(bin.bins[i - 1].woe, bin.bins[i].woe);
    }
  }
  EXPECT_EQ(others, 1);
  EXPECT_EQ(bin.bins.size(), 4u);  // CN, US, DE, other
  EXPECT_EQ(where["XX"], where["YY"]);
  EXPECT_TRUE(bin.bins[where["XX"]].other);
  EXPECT_EQ(bin.BinOf("never-seen"), where["XX"]);
  EXPECT_EQ(bin.BinOf(""), -1);
  const double g = 828, b = 265;
  EXPECT_NEAR(bin.Woe("CN"), std::log((400 / g) / (40 / b)), 1e-12);
  EXPECT_NEAR(bin.Woe("YY"), std::log((8 / g) / (5 / b)), 1e-12);
  EXPECT_NEAR(bin.missing_woe, std::log((20 / g) / (20 / b)), 1e-12);

  // With the default threshold, categories with similar bad rates merge.
  add("FR", 410, 42);
  ASSERT_OK_AND_ASSIGN(CategoricalBinning merged, BinCategorical(x, y));
  EXPECT_EQ(merged.BinOf("FR"), merged.BinOf("CN"));
}

}  // namespace
}  // namespace credence::fit
