// Weight-of-evidence binning of numeric and categorical features for scorecard development.
//
// Conventions (docs/fit.md):
//  - Labels are 0 (good) and 1 (bad / default). Missing numeric values are NaN; a missing
//    categorical value is the empty string. Missing values always get their own bin.
//  - WoE of a bin = ln(%good / %bad), %good = goods in the bin / all goods (non-missing and
//    missing), likewise %bad. Positive WoE = safer than average. A bin with no goods or no
//    bads gets `smoothing` (default 0.5) added to both its counts before the shares are
//    taken (the totals are not changed); an empty bin has WoE 0.
//  - IV = sum over bins (missing included) of (%good - %bad) * WoE, with the same shares.
//  - Numeric bins are [lower, upper): the first has lower = -inf, the last upper = +inf, and
//    each bin's upper is the next bin's lower, so they cover the real line without overlap.
//    Edges are observed values (the smallest value of the bin above); equal values are never
//    split between bins.
//
// Everything here is a pure function of its inputs; no state is kept.
#ifndef CREDENCE_FIT_BINNING_H_
#define CREDENCE_FIT_BINNING_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"

namespace credence::fit {

struct BinStats {
  std::int64_t goods = 0;
  std::int64_t bads = 0;
  std::int64_t count() const { return goods + bads; }
};

enum class MergeMethod {
  kNone,       // keep the equal-frequency bins (after the minimum-size merge)
  kMonotonic,  // merge until WoE is strictly monotonic in the value
  kChiMerge,   // merge adjacent bins while their chi-square < chi_threshold
};

// Direction of WoE as the value grows, for kMonotonic.
enum class Trend {
  kAuto,        // from the sign of the correlation between the value's rank and the label
  kIncreasing,  // WoE grows with the value (risk falls)
  kDecreasing,  // WoE falls as the value grows (risk rises)
};

struct BinningOptions {
  // Equal-frequency bins to start from. [2, 1000]. Default 20.
  int initial_bins = 20;
  // At most this many non-missing bins at the end (adjacent pairs with the smallest
  // chi-square merge first). [1, 1000]. Default 10.
  int max_bins = 10;
  MergeMethod method = MergeMethod::kMonotonic;
  Trend trend = Trend::kAuto;
  // ChiMerge: adjacent bins whose 2x2 chi-square is below this merge (3.841 = 95%, 1 df).
  double chi_threshold = 3.841;
  // A bin with fewer than this share of the non-missing rows merges into its neighbour with
  // the smaller chi-square. [0, 0.5]. Default 0.05; 0 turns it off.
  double min_bin_share = 0.05;
  // Added to both counts of a bin that has no goods or no bads. > 0. Default 0.5.
  double smoothing = 0.5;
};

struct NumericBin {
  double lower;  // -inf for the first bin
  double upper;  // +inf for the last bin; the bin is [lower, upper)
  BinStats stats;
  double woe = 0;
};

struct NumericBinning {
  std::vector<NumericBin> bins;  // ascending, at least one
  BinStats missing;
  // WoE of the missing bin; 0 (neutral) when training had no missing value.
  double missing_woe = 0;
  double iv = 0;
  Trend trend = Trend::kAuto;  // the direction used by kMonotonic (kAuto otherwise)

  // Index of the bin holding x; -1 for NaN.
  int BinOf(double x) const;
  // The WoE x is replaced by.
  double Woe(double x) const;
};

// Bins `values` against `labels` (0/1, same length). Errors (INVALID_ARGUMENT): lengths
// differ, a label other than 0/1, an infinite value, no goods or no bads, bad options.
// All values missing gives one bin (-inf, +inf) with no rows.
Result<NumericBinning> BinNumeric(std::span<const double> values, std::span<const int> labels,
                                  const BinningOptions& options = {});

struct CategoricalOptions {
  // Categories with fewer than this share of the non-missing rows are pooled into the
  // "other" bin, which also takes categories never seen in training. [0, 1). Default 0.05.
  double rare_share = 0.05;
  // Bins are sorted by bad rate and adjacent ones merged (ChiMerge) while their chi-square
  // is below chi_threshold or there are more than max_bins. Default 10, 3.841.
  int max_bins = 10;
  double chi_threshold = 3.841;
  double smoothing = 0.5;
};

struct CategoryBin {
  std::vector<std::string> categories;  // sorted; empty for a pure "other" bin
  bool other = false;                   // takes rare and unseen categories
  BinStats stats;
  double woe = 0;
};

struct CategoricalBinning {
  std::vector<CategoryBin> bins;  // ascending WoE; exactly one has other = true
  BinStats missing;
  double missing_woe = 0;  // 0 when training had no missing value
  double iv = 0;

  // Index of the bin holding `category`; -1 for "" (missing).
  int BinOf(std::string_view category) const;
  double Woe(std::string_view category) const;
};

// Errors as BinNumeric.
Result<CategoricalBinning> BinCategorical(std::span<const std::string> values,
                                          std::span<const int> labels,
                                          const CategoricalOptions& options = {});

// WoE of a cell with `goods`/`bads` out of totals, with the smoothing rule above.
double WoeOf(const BinStats& cell, std::int64_t total_goods, std::int64_t total_bads,
             double smoothing);
// (%good - %bad) * WoE for one cell, same rule.
double IvTermOf(const BinStats& cell, std::int64_t total_goods, std::int64_t total_bads,
                double smoothing);
// Pearson chi-square of the 2x2 table (a.goods a.bads / b.goods b.bads); cells whose expected
// count is 0 add nothing.
double ChiSquare2x2(const BinStats& a, const BinStats& b);

}  // namespace credence::fit

#endif  // CREDENCE_FIT_BINNING_H_
