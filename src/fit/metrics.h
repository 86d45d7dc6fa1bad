// Validation and population metrics for scores and scorecards: the one implementation behind
// `credence fit`, `metrics`, `report` and `diff`. Scores are oriented so that a higher score
// means riskier (a PD or a margin); negate points-type scores (higher = safer) first.
// Labels are 0 (good) / 1 (bad). See docs/fit.md for the exact definitions.
#ifndef CREDENCE_FIT_METRICS_H_
#define CREDENCE_FIT_METRICS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "credence/result.h"

namespace credence::fit {

// Area under the ROC curve, P(score of a bad > score of a good) + P(tie) / 2 (Mann-Whitney),
// computed with mid-ranks in O(n log n). INVALID_ARGUMENT: lengths differ, a label not 0/1,
// no good or no bad, a non-finite score (names the row).
Result<double> Auc(std::span<const double> scores, std::span<const int> labels);

// Kolmogorov-Smirnov statistic: max over every threshold t (every distinct score) of
// |F_bad(t) - F_good(t)|, F(t) = share of the class with score <= t. Errors as Auc.
Result<double> Ks(std::span<const double> scores, std::span<const int> labels);

// One point of a ROC curve: the shares of goods (fpr) and of bads (tpr) whose score is at or
// above `threshold`.
struct RocPoint {
  double threshold, fpr, tpr;
};

// The ROC curve: (0, 0) at threshold +inf, then one point per distinct score, descending, to
// (1, 1). Its area is Auc(). Errors as Auc.
Result<std::vector<RocPoint>> RocCurve(std::span<const double> scores, std::span<const int> labels);

// The threshold of the first point of `roc` where |tpr - fpr| is largest: the cut (risk >=
// threshold) at which Ks() is attained. +inf when every point has tpr == fpr.
double KsThreshold(std::span<const RocPoint> roc);

// R type 7 quantile of sorted data: h = (n - 1) q, x[floor h] + (h - floor h) (x[floor h + 1]
// - x[floor h]). NaN when `sorted` is empty. REQUIRES: sorted ascending, q in [0, 1].
double QuantileType7(std::span<const double> sorted, double q);

struct Histogram {
  double lo = 0, hi = 0;             // the range of the bins: min and max of the values
  std::vector<std::int64_t> counts;  // equal-width bins; the last one includes hi
};

// `bins` equal-width bins from the min to the max of `values` (NaN skipped); one bin when all
// values are equal, none when there is no value. REQUIRES: bins >= 1.
Histogram EqualWidthHistogram(std::span<const double> values, int bins);

struct PsiOptions {
  int bins = 10;             // equal-frequency bins of the expected sample; [2, 1000]
  double zero_share = 1e-4;  // replaces a share of 0; > 0
};

struct PsiResult {
  double psi = 0;
  // Edges e_1..e_{bins-1}: the i/bins quantiles (type 7) of the expected sample. Bin 0 is
  // (-inf, e_1], bin i is (e_i, e_{i+1}], the last (e_{bins-1}, +inf). Equal edges (ties)
  // give empty bins, whose term is 0 since both shares become zero_share.
  std::vector<double> edges;
  std::vector<double> expected_share, actual_share;  // after zero replacement; + missing
  // The last entry of the shares is the missing (NaN) bin when missing values are allowed.
  std::vector<double> contributions;  // (a - e) ln(a / e) per bin; they sum to psi
  bool has_missing = false;           // either sample had a missing (NaN) value
};

// Population stability index of `actual` against `expected`: sum over bins of
// (a - e) ln(a / e). NaN values are an error (INVALID_ARGUMENT naming the row) for Psi.
Result<PsiResult> Psi(std::span<const double> expected, std::span<const double> actual,
                      const PsiOptions& options = {});

// Characteristic stability index of one feature: the same as Psi over the feature's
// values, except that NaN (missing) values count in an extra bin.
Result<PsiResult> Csi(std::span<const double> expected, std::span<const double> actual,
                      const PsiOptions& options = {});

// The inner edges e_1..e_{bins-1} of `bins` equal-frequency bins of `sample`: its i/bins
// quantiles (type 7), as Psi cuts them. NaN values are skipped. REQUIRES: bins >= 1.
std::vector<double> QuantileEdges(std::span<const double> sample, int bins);

// Rows of `values` per bin for ascending `edges` as Psi uses them: (-inf, e_1], (e_1, e_2],
// ..., (e_k, +inf) (edges.size() + 1 counts). NaN values are not counted.
std::vector<std::int64_t> CountByEdges(std::span<const double> edges,
                                       std::span<const double> values);

// PSI from bin counts (same length, any binning, e.g. scorecard attributes).
Result<double> PsiFromCounts(std::span<const std::int64_t> expected,
                             std::span<const std::int64_t> actual, double zero_share = 1e-4);

// Information value of a grouping: `groups[i]` is the bin of row i (>= 0); same WoE rule as
// binning.h (smoothing for empty cells).
Result<double> InformationValue(std::span<const int> groups, std::span<const int> labels,
                                double smoothing = 0.5);

struct CalibrationBand {
  double lower, upper;  // (lower, upper] in score; the first lower is -inf, the last upper +inf
  std::int64_t count = 0, bads = 0;
  double observed_rate = 0;  // bads / count; 0 for an empty band
  double mean_pd = 0;        // mean predicted PD; 0 for an empty band
};

// Bands of `score` with the same edges as Psi (type 7 quantiles of `score` itself, `bands`
// equal-frequency bands, (e_{i-1}, e_i]); count, bads, observed bad rate and mean PD per
// band. `pd` is the predicted PD per row (may be the score itself). Errors as Auc, and
// `pd` outside [0, 1].
Result<std::vector<CalibrationBand>> CalibrationTable(std::span<const double> score,
                                                      std::span<const double> pd,
                                                      std::span<const int> labels, int bands = 10);

}  // namespace credence::fit

#endif  // CREDENCE_FIT_METRICS_H_
