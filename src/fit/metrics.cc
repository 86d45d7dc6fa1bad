#include "fit/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "fit/binning.h"

namespace credence::fit {
namespace {

Status CheckScored(std::span<const double> scores, std::span<const int> labels, std::int64_t& goods,
                   std::int64_t& bads) {
  if (scores.size() != labels.size()) {
    return InvalidArgumentError("scores and labels differ in length (" +
                                std::to_string(scores.size()) + " vs " +
                                std::to_string(labels.size()) + ")");
  }
  goods = bads = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      return InvalidArgumentError("label of row " + std::to_string(i) + " is " +
                                  std::to_string(labels[i]) + ", not 0 or 1");
    }
    if (!std::isfinite(scores[i])) {
      return InvalidArgumentError("score of row " + std::to_string(i) + " is not finite");
    }
    (labels[i] ? bads : goods) += 1;
  }
  if (goods == 0 || bads == 0) {
    return InvalidArgumentError("need at least one good (0) and one bad (1) label");
  }
  return OkStatus();
}

std::vector<std::size_t> SortedOrder(std::span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  return order;
}

std::vector<double> Edges(const std::vector<double>& sample, int bins) {
  return QuantileEdges(sample, bins);
}

// Bin of v for edges e_1..e_{k-1}: 0 for v <= e_1, i for e_i < v <= e_{i+1}.
std::size_t BinIndex(std::span<const double> edges, double v) {
  return static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), v) - edges.begin());
}

Status CheckPsiOptions(const PsiOptions& o) {
  if (o.bins < 2 || o.bins > 1000) return InvalidArgumentError("bins must be in [2, 1000]");
  if (!(o.zero_share > 0 && o.zero_share < 1)) {
    return InvalidArgumentError("zero_share must be in (0, 1)");
  }
  return OkStatus();
}

Result<PsiResult> PsiImpl(std::span<const double> expected, std::span<const double> actual,
                          const PsiOptions& o, bool allow_missing) {
  CREDENCE_RETURN_IF_ERROR(CheckPsiOptions(o));
  if (expected.empty() || actual.empty()) {
    return InvalidArgumentError("PSI needs non-empty expected and actual samples");
  }
  std::vector<double> present;
  for (std::span<const double> s : {expected, actual}) {
    const char* which = s.data() == expected.data() ? "expected" : "actual";
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (std::isinf(s[i]) || (std::isnan(s[i]) && !allow_missing)) {
        return InvalidArgumentError(std::string(which) + " value of row " + std::to_string(i) +
                                    " is not finite");
      }
    }
  }
  for (double v : expected) {
    if (!std::isnan(v)) present.push_back(v);
  }
  if (present.empty()) return InvalidArgumentError("every expected value is missing");
  PsiResult r;
  r.edges = Edges(std::move(present), o.bins);
  const std::size_t k = static_cast<std::size_t>(o.bins) + (allow_missing ? 1 : 0);
  auto shares = [&](std::span<const double> s) {
    std::vector<double> counts(k, 0);
    for (double v : s) {
      r.has_missing = r.has_missing || std::isnan(v);
      counts[std::isnan(v) ? k - 1 : BinIndex(r.edges, v)] += 1;
    }
    for (double& c : counts) {
      c /= static_cast<double>(s.size());
      if (c == 0) c = o.zero_share;
    }
    return counts;
  };
  r.expected_share = shares(expected);
  r.actual_share = shares(actual);
  for (std::size_t i = 0; i < k; ++i) {
    const double a = r.actual_share[i], e = r.expected_share[i];
    r.contributions.push_back((a - e) * std::log(a / e));
    r.psi += r.contributions.back();
  }
  return r;
}

}  // namespace

Result<double> Auc(std::span<const double> scores, std::span<const int> labels) {
  std::int64_t goods, bads;
  CREDENCE_RETURN_IF_ERROR(CheckScored(scores, labels, goods, bads));
  const std::vector<std::size_t> order = SortedOrder(scores);
  // Sum of the (mid-)ranks of the bads, 1-based.
  long double rank_sum = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    std::int64_t tie_bads = 0;
    for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j) {
      tie_bads += labels[order[j]];
    }
    const long double mid = (static_cast<long double>(i + 1) + static_cast<long double>(j)) / 2;
    rank_sum += mid * tie_bads;
    i = j;
  }
  const long double u = rank_sum - static_cast<long double>(bads) * (bads + 1) / 2;
  return static_cast<double>(u / (static_cast<long double>(bads) * goods));
}

Result<double> Ks(std::span<const double> scores, std::span<const int> labels) {
  std::int64_t goods, bads;
  CREDENCE_RETURN_IF_ERROR(CheckScored(scores, labels, goods, bads));
  const std::vector<std::size_t> order = SortedOrder(scores);
  std::int64_t cum_g = 0, cum_b = 0;
  double ks = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j) {
      (labels[order[j]] ? cum_b : cum_g) += 1;
    }
    ks = std::max(ks, std::abs(static_cast<double>(cum_b) / static_cast<double>(bads) -
                               static_cast<double>(cum_g) / static_cast<double>(goods)));
    i = j;
  }
  return ks;
}

Result<std::vector<RocPoint>> RocCurve(std::span<const double> scores,
                                       std::span<const int> labels) {
  std::int64_t goods, bads;
  CREDENCE_RETURN_IF_ERROR(CheckScored(scores, labels, goods, bads));
  std::vector<std::size_t> order = SortedOrder(scores);
  std::reverse(order.begin(), order.end());
  std::vector<RocPoint> roc = {{std::numeric_limits<double>::infinity(), 0, 0}};
  std::int64_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size();) {
    const double threshold = scores[order[i]];
    for (; i < order.size() && scores[order[i]] == threshold; ++i) {
      (labels[order[i]] ? tp : fp) += 1;
    }
    roc.push_back({threshold, static_cast<double>(fp) / static_cast<double>(goods),
                   static_cast<double>(tp) / static_cast<double>(bads)});
  }
  return roc;
}

double KsThreshold(std::span<const RocPoint> roc) {
  double best = 0, threshold = std::numeric_limits<double>::infinity();
  for (const RocPoint& p : roc) {
    if (std::abs(p.tpr - p.fpr) > best) {
      best = std::abs(p.tpr - p.fpr);
      threshold = p.threshold;
    }
  }
  return threshold;
}

Histogram EqualWidthHistogram(std::span<const double> values, int bins) {
  Histogram h;
  bool any = false;
  for (double v : values) {
    if (std::isnan(v)) continue;
    h.lo = any ? std::min(h.lo, v) : v;
    h.hi = any ? std::max(h.hi, v) : v;
    any = true;
  }
  if (!any) return h;
  const int n = h.hi > h.lo ? std::max(bins, 1) : 1;
  h.counts.assign(static_cast<std::size_t>(n), 0);
  const double width = (h.hi - h.lo) / n;
  for (double v : values) {
    if (std::isnan(v)) continue;
    const int i = width > 0 ? static_cast<int>((v - h.lo) / width) : 0;
    ++h.counts[static_cast<std::size_t>(std::clamp(i, 0, n - 1))];
  }
  return h;
}

double QuantileType7(std::span<const double> sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted[sorted.size() - 1];
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

std::vector<double> QuantileEdges(std::span<const double> sample, int bins) {
  std::vector<double> sorted;
  for (double v : sample) {
    if (!std::isnan(v)) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  for (int i = 1; i < bins; ++i) {
    edges.push_back(QuantileType7(sorted, static_cast<double>(i) / bins));
  }
  return edges;
}

std::vector<std::int64_t> CountByEdges(std::span<const double> edges,
                                       std::span<const double> values) {
  std::vector<std::int64_t> counts(edges.size() + 1, 0);
  for (double v : values) {
    if (!std::isnan(v)) ++counts[BinIndex(edges, v)];
  }
  return counts;
}

Result<PsiResult> Psi(std::span<const double> expected, std::span<const double> actual,
                      const PsiOptions& options) {
  return PsiImpl(expected, actual, options, /*allow_missing=*/false);
}

Result<PsiResult> Csi(std::span<const double> expected, std::span<const double> actual,
                      const PsiOptions& options) {
  return PsiImpl(expected, actual, options, /*allow_missing=*/true);
}

Result<double> PsiFromCounts(std::span<const std::int64_t> expected,
                             std::span<const std::int64_t> actual, double zero_share) {
  if (expected.size() != actual.size() || expected.empty()) {
    return InvalidArgumentError("PSI needs two equally long, non-empty count vectors");
  }
  if (!(zero_share > 0 && zero_share < 1)) {
    return InvalidArgumentError("zero_share must be in (0, 1)");
  }
  double ne = 0, na = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] < 0 || actual[i] < 0) return InvalidArgumentError("negative count");
    ne += static_cast<double>(expected[i]);
    na += static_cast<double>(actual[i]);
  }
  if (ne == 0 || na == 0) return InvalidArgumentError("a sample with no rows");
  double psi = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    double e = static_cast<double>(expected[i]) / ne, a = static_cast<double>(actual[i]) / na;
    if (e == 0) e = zero_share;
    if (a == 0) a = zero_share;
    psi += (a - e) * std::log(a / e);
  }
  return psi;
}

Result<double> InformationValue(std::span<const int> groups, std::span<const int> labels,
                                double smoothing) {
  if (groups.size() != labels.size()) {
    return InvalidArgumentError("groups and labels differ in length");
  }
  std::vector<BinStats> cells;
  std::int64_t goods = 0, bads = 0;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i] < 0) return InvalidArgumentError("negative group at row " + std::to_string(i));
    if (labels[i] != 0 && labels[i] != 1) {
      return InvalidArgumentError("label of row " + std::to_string(i) + " is not 0 or 1");
    }
    if (static_cast<std::size_t>(groups[i]) >= cells.size()) cells.resize(groups[i] + 1);
    (labels[i] ? cells[groups[i]].bads : cells[groups[i]].goods) += 1;
    (labels[i] ? bads : goods) += 1;
  }
  if (goods == 0 || bads == 0) return InvalidArgumentError("need goods and bads");
  double iv = 0;
  for (const BinStats& c : cells) iv += IvTermOf(c, goods, bads, smoothing);
  return iv;
}

Result<std::vector<CalibrationBand>> CalibrationTable(std::span<const double> score,
                                                      std::span<const double> pd,
                                                      std::span<const int> labels, int bands) {
  std::int64_t goods, bads;
  CREDENCE_RETURN_IF_ERROR(CheckScored(score, labels, goods, bads));
  if (pd.size() != score.size()) return InvalidArgumentError("pd and score differ in length");
  for (std::size_t i = 0; i < pd.size(); ++i) {
    if (!(pd[i] >= 0 && pd[i] <= 1)) {
      return InvalidArgumentError("pd of row " + std::to_string(i) + " is not in [0, 1]");
    }
  }
  if (bands < 1 || bands > 1000) return InvalidArgumentError("bands must be in [1, 1000]");
  const std::vector<double> edges = Edges({score.begin(), score.end()}, bands);
  std::vector<CalibrationBand> out(static_cast<std::size_t>(bands));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].lower = i == 0 ? -std::numeric_limits<double>::infinity() : edges[i - 1];
    out[i].upper = i + 1 == out.size() ? std::numeric_limits<double>::infinity() : edges[i];
  }
  for (std::size_t i = 0; i < score.size(); ++i) {
    CalibrationBand& b = out[BinIndex(edges, score[i])];
    ++b.count;
    b.bads += labels[i];
    b.mean_pd += pd[i];
  }
  for (CalibrationBand& b : out) {
    if (b.count > 0) {
      b.observed_rate = static_cast<double>(b.bads) / static_cast<double>(b.count);
      b.mean_pd /= static_cast<double>(b.count);
    }
  }
  return out;
}

}  // namespace credence::fit
