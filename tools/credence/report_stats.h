// Population statistics for `credence diff` and `credence report`: quantiles, histograms,
// ROC / KS / AUC / Gini, and the population stability index.
#ifndef CREDENCE_TOOLS_CREDENCE_REPORT_STATS_H_
#define CREDENCE_TOOLS_CREDENCE_REPORT_STATS_H_

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace credence::cli {

// The p-quantile of `sorted` (ascending, no NaN) by R's type 7: h = (n-1)p,
// x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). NaN when empty.
double QuantileType7(std::span<const double> sorted, double p);

struct Histogram {
  double lo = 0, hi = 0;            // range of the bins
  std::vector<std::size_t> counts;  // equal-width bins; the last one includes hi
};
// `bins` equal-width bins from min to max of `values` (NaN skipped); one bin when all equal.
Histogram MakeHistogram(std::span<const double> values, int bins);

// Discrimination of a risk score (higher = riskier) against 0/1 labels (1 = bad).
struct RocPoint {
  double fpr, tpr;  // share of goods / bads with risk >= the threshold
  double threshold;
};
struct Discrimination {
  std::size_t bads = 0, goods = 0;
  double auc = 0;   // P(risk of a bad > risk of a good) + P(tie) / 2
  double gini = 0;  // 2 AUC - 1
  double ks = 0;    // max over thresholds of |TPR - FPR|
  double ks_threshold = 0;
  std::vector<RocPoint> roc;  // from (0,0) to (1,1), one point per distinct risk value
};
// REQUIRES: risk.size() == bad.size(); NaN risks are skipped.
Discrimination Discriminate(std::span<const double> risk, std::span<const int> bad);

// Population stability index of `actual` against `expected` over 10 bins cut at the
// expected population's deciles (type 7): bin i is (e_i, e_{i+1}] with e_0 = -inf,
// e_10 = +inf. NaN values go to an 11th "missing" bin (present only when either side has
// one). A share of 0 counts as 0.0001. PSI = sum (a - e) ln(a / e).
struct PsiBin {
  std::string label;
  double expected_share = 0, actual_share = 0, contribution = 0;
};
struct Psi {
  double value = 0;
  std::vector<PsiBin> bins;
};
Psi PopulationStability(std::span<const double> expected, std::span<const double> actual);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_REPORT_STATS_H_
