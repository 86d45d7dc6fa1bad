#include "report_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace credence::cli {

double QuantileType7(std::span<const double> sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted[sorted.size() - 1];
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

Histogram MakeHistogram(std::span<const double> values, int bins) {
  Histogram h;
  bool any = false;
  for (double v : values) {
    if (std::isnan(v)) continue;
    if (!any) h.lo = h.hi = v;
    h.lo = std::min(h.lo, v);
    h.hi = std::max(h.hi, v);
    any = true;
  }
  if (!any) return h;
  const int n = h.hi > h.lo ? std::max(bins, 1) : 1;
  h.counts.assign(static_cast<std::size_t>(n), 0);
  const double width = (h.hi - h.lo) / n;
  for (double v : values) {
    if (std::isnan(v)) continue;
    int i = width > 0 ? static_cast<int>((v - h.lo) / width) : 0;
    i = std::clamp(i, 0, n - 1);
    ++h.counts[static_cast<std::size_t>(i)];
  }
  return h;
}

Discrimination Discriminate(std::span<const double> risk, std::span<const int> bad) {
  Discrimination d;
  std::vector<std::pair<double, int>> v;
  for (std::size_t i = 0; i < risk.size() && i < bad.size(); ++i) {
    if (std::isnan(risk[i])) continue;
    v.emplace_back(risk[i], bad[i] != 0 ? 1 : 0);
    (bad[i] != 0 ? d.bads : d.goods)++;
  }
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  d.roc.push_back({0, 0, std::numeric_limits<double>::infinity()});
  if (d.bads == 0 || d.goods == 0) return d;
  const double nb = static_cast<double>(d.bads), ng = static_cast<double>(d.goods);
  std::size_t tp = 0, fp = 0;
  double area = 0;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i, dtp = 0, dfp = 0;
    for (; j < v.size() && v[j].first == v[i].first; ++j) (v[j].second ? dtp : dfp)++;
    // Trapezoid: a tie group moves diagonally, counting half of its bad-good pairs.
    area += static_cast<double>(dfp) * (static_cast<double>(tp) + static_cast<double>(dtp) / 2);
    tp += dtp;
    fp += dfp;
    const RocPoint p{static_cast<double>(fp) / ng, static_cast<double>(tp) / nb, v[i].first};
    d.roc.push_back(p);
    if (std::abs(p.tpr - p.fpr) > d.ks) {
      d.ks = std::abs(p.tpr - p.fpr);
      d.ks_threshold = p.threshold;
    }
    i = j;
  }
  d.auc = area / (nb * ng);
  d.gini = 2 * d.auc - 1;
  return d;
}

Psi PopulationStability(std::span<const double> expected, std::span<const double> actual) {
  std::vector<double> sorted;
  for (double v : expected) {
    if (!std::isnan(v)) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;  // e_1..e_9
  for (int i = 1; i <= 9; ++i) edges.push_back(QuantileType7(sorted, i / 10.0));
  auto bin_of = [&](double v) -> std::size_t {
    if (std::isnan(v)) return 10;
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (v <= edges[i]) return i;
    }
    return 9;
  };
  std::vector<double> e(11, 0), a(11, 0);
  for (double v : expected) e[bin_of(v)] += 1;
  for (double v : actual) a[bin_of(v)] += 1;
  const double ne = static_cast<double>(expected.size()), na = static_cast<double>(actual.size());
  const std::size_t nbins = (e[10] > 0 || a[10] > 0) ? 11 : 10;
  Psi psi;
  auto fmt = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", x);
    return std::string(buf);
  };
  for (std::size_t i = 0; i < nbins; ++i) {
    PsiBin b;
    if (i == 10) {
      b.label = "missing";
    } else {
      b.label = (i == 0 ? std::string("(-inf") : "(" + fmt(edges[i - 1])) + ", " +
                (i == 9 ? std::string("+inf)") : fmt(edges[i]) + "]");
    }
    b.expected_share = ne > 0 ? e[i] / ne : 0;
    b.actual_share = na > 0 ? a[i] / na : 0;
    const double es = std::max(b.expected_share, 0.0001), as = std::max(b.actual_share, 0.0001);
    b.contribution = (as - es) * std::log(as / es);
    psi.value += b.contribution;
    psi.bins.push_back(std::move(b));
  }
  return psi;
}

}  // namespace credence::cli
