#include "fit/selection.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace credence::fit {

double PearsonCorrelation(std::span<const double> a, std::span<const double> b) {
  const std::size_t n = a.size();
  if (n == 0) return 0;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  if (saa == 0 || sbb == 0) return 0;
  return sab / std::sqrt(saa * sbb);
}

Result<std::vector<SelectionDecision>> SelectFeatures(const std::vector<Candidate>& candidates,
                                                      double min_iv, double max_abs_corr) {
  if (!(max_abs_corr > 0 && max_abs_corr <= 1)) {
    return InvalidArgumentError("max_abs_corr must be in (0, 1]");
  }
  if (std::isnan(min_iv)) return InvalidArgumentError("min_iv is NaN");
  for (const Candidate& c : candidates) {
    if (c.woe.size() != candidates.front().woe.size()) {
      return InvalidArgumentError("candidate '" + c.name + "' has a different length");
    }
    if (!std::isfinite(c.iv)) return InvalidArgumentError("candidate '" + c.name + "': IV");
    for (double v : c.woe) {
      if (!std::isfinite(v)) {
        return InvalidArgumentError("candidate '" + c.name + "' has a non-finite WoE value");
      }
    }
  }
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (candidates[a].iv != candidates[b].iv) return candidates[a].iv > candidates[b].iv;
    return candidates[a].name < candidates[b].name;
  });
  std::vector<SelectionDecision> out;
  std::vector<std::size_t> selected;
  for (std::size_t idx : order) {
    const Candidate& c = candidates[idx];
    SelectionDecision d{.name = c.name, .iv = c.iv};
    const bool constant = c.woe.empty() || std::all_of(c.woe.begin(), c.woe.end(), [&](double v) {
                            return v == c.woe.front();
                          });
    if (c.iv < min_iv) {
      d.reason = "iv below min_iv";
    } else if (constant) {
      d.reason = "constant after WoE";
    } else {
      for (std::size_t s : selected) {
        const double r = PearsonCorrelation(c.woe, candidates[s].woe);
        if (std::abs(r) > max_abs_corr) {
          d.reason = "correlated with " + candidates[s].name;
          d.correlated_with = candidates[s].name;
          d.correlation = r;
          break;
        }
      }
    }
    d.selected = d.reason.empty();
    if (d.selected) selected.push_back(idx);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace credence::fit
