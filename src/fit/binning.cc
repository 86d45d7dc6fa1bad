#include "fit/binning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace credence::fit {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A run of adjacent initial bins [first, last] being merged.
struct Group {
  BinStats stats;
  std::size_t first = 0, last = 0;
};

struct MergeRules {
  std::int64_t min_count = 0;  // merge groups smaller than this
  int direction = 0;           // +1 WoE strictly increasing, -1 strictly decreasing, 0 free
  std::size_t max_groups = 1000;
  double chi_threshold = -kInf;  // merge while the smallest chi-square is below this
  std::int64_t total_goods = 0, total_bads = 0;
  double smoothing = 0.5;
};

void MergeAt(std::vector<Group>& g, std::size_t i) {
  g[i].stats.goods += g[i + 1].stats.goods;
  g[i].stats.bads += g[i + 1].stats.bads;
  g[i].last = g[i + 1].last;
  g.erase(g.begin() + static_cast<std::ptrdiff_t>(i) + 1);
}

// Merges adjacent groups until every rule holds (or one group is left). Each step merges one
// pair, chosen by the first rule that is violated:
//  1. the smallest group below min_count merges with the neighbour of smaller chi-square;
//  2. among pairs that break the WoE direction, the pair with the smallest chi-square;
//  3. while there are more than max_groups, or the smallest chi-square is below the
//     threshold, the pair with the smallest chi-square.
void MergeGroups(std::vector<Group>& g, const MergeRules& r) {
  auto chi = [&](std::size_t i) { return ChiSquare2x2(g[i].stats, g[i + 1].stats); };
  auto woe = [&](std::size_t i) {
    return WoeOf(g[i].stats, r.total_goods, r.total_bads, r.smoothing);
  };
  while (g.size() > 1) {
    // 1. Minimum size.
    std::size_t small = g.size();
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (g[i].stats.count() < r.min_count &&
          (small == g.size() || g[i].stats.count() < g[small].stats.count())) {
        small = i;
      }
    }
    if (small < g.size()) {
      if (small == 0) {
        MergeAt(g, 0);
      } else if (small == g.size() - 1) {
        MergeAt(g, small - 1);
      } else {
        MergeAt(g, chi(small - 1) <= chi(small) ? small - 1 : small);
      }
      continue;
    }
    // 2. Monotonic WoE.
    if (r.direction != 0) {
      std::size_t best = g.size();
      double best_chi = kInf;
      for (std::size_t i = 0; i + 1 < g.size(); ++i) {
        const double a = woe(i), b = woe(i + 1);
        const bool ok = r.direction > 0 ? b > a : b < a;
        if (!ok && chi(i) < best_chi) {
          best_chi = chi(i);
          best = i;
        }
        if (!ok && best == g.size()) best = i;
      }
      if (best < g.size()) {
        MergeAt(g, best);
        continue;
      }
    }
    // 3. Count and chi-square.
    std::size_t best = 0;
    double best_chi = chi(0);
    for (std::size_t i = 1; i + 1 < g.size(); ++i) {
      if (chi(i) < best_chi) {
        best_chi = chi(i);
        best = i;
      }
    }
    if (g.size() > r.max_groups || best_chi < r.chi_threshold) {
      MergeAt(g, best);
      continue;
    }
    break;
  }
}

Status CheckLabels(std::size_t n_values, std::span<const int> labels) {
  if (n_values != labels.size()) {
    return InvalidArgumentError("values and labels differ in length (" + std::to_string(n_values) +
                                " vs " + std::to_string(labels.size()) + ")");
  }
  bool good = false, bad = false;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      return InvalidArgumentError("label of row " + std::to_string(i) + " is " +
                                  std::to_string(labels[i]) + ", not 0 or 1");
    }
    (labels[i] ? bad : good) = true;
  }
  if (!good || !bad) return InvalidArgumentError("the labels need at least one good and one bad");
  return OkStatus();
}

Status CheckSmoothing(double s) {
  if (!(s > 0) || !std::isfinite(s)) {
    return InvalidArgumentError("smoothing must be finite and > 0");
  }
  return OkStatus();
}

}  // namespace

double WoeOf(const BinStats& c, std::int64_t total_goods, std::int64_t total_bads,
             double smoothing) {
  if (c.count() == 0) return 0;
  double g = static_cast<double>(c.goods), b = static_cast<double>(c.bads);
  if (c.goods == 0 || c.bads == 0) {
    g += smoothing;
    b += smoothing;
  }
  return std::log((g / static_cast<double>(total_goods)) / (b / static_cast<double>(total_bads)));
}

double IvTermOf(const BinStats& c, std::int64_t total_goods, std::int64_t total_bads,
                double smoothing) {
  if (c.count() == 0) return 0;
  double g = static_cast<double>(c.goods), b = static_cast<double>(c.bads);
  if (c.goods == 0 || c.bads == 0) {
    g += smoothing;
    b += smoothing;
  }
  const double pg = g / static_cast<double>(total_goods);
  const double pb = b / static_cast<double>(total_bads);
  return (pg - pb) * std::log(pg / pb);
}

double ChiSquare2x2(const BinStats& a, const BinStats& b) {
  const double n = static_cast<double>(a.count() + b.count());
  if (n == 0) return 0;
  const double goods = static_cast<double>(a.goods + b.goods);
  const double bads = static_cast<double>(a.bads + b.bads);
  double chi = 0;
  for (const BinStats* row : {&a, &b}) {
    const double rn = static_cast<double>(row->count());
    const double eg = rn * goods / n, eb = rn * bads / n;
    if (eg > 0) chi += (static_cast<double>(row->goods) - eg) * (row->goods - eg) / eg;
    if (eb > 0) chi += (static_cast<double>(row->bads) - eb) * (row->bads - eb) / eb;
  }
  return chi;
}

int NumericBinning::BinOf(double x) const {
  if (std::isnan(x)) return -1;
  // The last bin whose lower edge is <= x (the first bin's lower is -inf).
  auto it = std::upper_bound(bins.begin(), bins.end(), x,
                             [](double v, const NumericBin& b) { return v < b.lower; });
  return static_cast<int>(it - bins.begin()) - 1;
}

double NumericBinning::Woe(double x) const {
  const int b = BinOf(x);
  return b < 0 ? missing_woe : bins[static_cast<std::size_t>(b)].woe;
}

Result<NumericBinning> BinNumeric(std::span<const double> values, std::span<const int> labels,
                                  const BinningOptions& o) {
  CREDENCE_RETURN_IF_ERROR(CheckLabels(values.size(), labels));
  CREDENCE_RETURN_IF_ERROR(CheckSmoothing(o.smoothing));
  if (o.initial_bins < 2 || o.initial_bins > 1000) {
    return InvalidArgumentError("initial_bins must be in [2, 1000]");
  }
  if (o.max_bins < 1 || o.max_bins > 1000) {
    return InvalidArgumentError("max_bins must be in [1, 1000]");
  }
  if (!(o.min_bin_share >= 0 && o.min_bin_share <= 0.5)) {
    return InvalidArgumentError("min_bin_share must be in [0, 0.5]");
  }
  if (std::isnan(o.chi_threshold)) return InvalidArgumentError("chi_threshold is NaN");

  NumericBinning out;
  std::vector<std::pair<double, int>> xs;
  xs.reserve(values.size());
  std::int64_t total_goods = 0, total_bads = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    (labels[i] ? total_bads : total_goods) += 1;
    if (std::isnan(values[i])) {
      (labels[i] ? out.missing.bads : out.missing.goods) += 1;
    } else if (std::isinf(values[i])) {
      return InvalidArgumentError("value of row " + std::to_string(i) + " is infinite");
    } else {
      xs.emplace_back(values[i], labels[i]);
    }
  }
  std::sort(xs.begin(), xs.end());

  // Equal-frequency initial bins over distinct values: a boundary follows the distinct value
  // at which the cumulative count first reaches the next multiple of N / initial_bins.
  std::vector<double> lowers;  // lower edge of each initial bin (first: -inf)
  std::vector<Group> groups;
  const auto n = static_cast<std::int64_t>(xs.size());
  const std::int64_t b = o.initial_bins;
  std::int64_t cum = 0, last_cut = 0;
  for (std::size_t i = 0; i < xs.size();) {
    if (groups.empty() || (cum * b) / n > last_cut) {
      last_cut = (cum * b) / n;
      lowers.push_back(groups.empty() ? -kInf : xs[i].first);
      groups.push_back({{}, groups.size(), groups.size()});
    }
    std::size_t j = i;
    for (; j < xs.size() && xs[j].first == xs[i].first; ++j) {
      (xs[j].second ? groups.back().stats.bads : groups.back().stats.goods) += 1;
    }
    cum += static_cast<std::int64_t>(j - i);
    i = j;
  }
  if (groups.empty()) {
    lowers.push_back(-kInf);
    groups.push_back({});
  }

  MergeRules rules;
  rules.total_goods = total_goods;
  rules.total_bads = total_bads;
  rules.smoothing = o.smoothing;
  rules.min_count = static_cast<std::int64_t>(std::ceil(o.min_bin_share * static_cast<double>(n)));
  rules.max_groups = static_cast<std::size_t>(o.max_bins);
  if (o.method == MergeMethod::kChiMerge) rules.chi_threshold = o.chi_threshold;
  if (o.method == MergeMethod::kMonotonic) {
    Trend t = o.trend;
    if (t == Trend::kAuto) {
      // Sign of cov(rank, label), the rank being the initial bin index.
      double mean_rank = 0;
      for (const Group& g : groups) mean_rank += static_cast<double>(g.first) * g.stats.count();
      mean_rank /= std::max<double>(1, static_cast<double>(n));
      const double bad_rate =
          static_cast<double>(total_bads - out.missing.bads) / std::max<double>(1, n);
      double cov = 0;
      for (const Group& g : groups) {
        cov += (static_cast<double>(g.first) - mean_rank) *
               (static_cast<double>(g.stats.bads) - bad_rate * g.stats.count());
      }
      t = cov > 0 ? Trend::kDecreasing : Trend::kIncreasing;
    }
    out.trend = t;
    rules.direction = t == Trend::kIncreasing ? 1 : -1;
  }
  MergeGroups(groups, rules);

  for (std::size_t i = 0; i < groups.size(); ++i) {
    NumericBin bin;
    bin.lower = lowers[groups[i].first];
    bin.upper = i + 1 < groups.size() ? lowers[groups[i + 1].first] : kInf;
    bin.stats = groups[i].stats;
    bin.woe = WoeOf(bin.stats, total_goods, total_bads, o.smoothing);
    out.iv += IvTermOf(bin.stats, total_goods, total_bads, o.smoothing);
    out.bins.push_back(bin);
  }
  out.missing_woe = WoeOf(out.missing, total_goods, total_bads, o.smoothing);
  out.iv += IvTermOf(out.missing, total_goods, total_bads, o.smoothing);
  return out;
}

int CategoricalBinning::BinOf(std::string_view category) const {
  if (category.empty()) return -1;
  int other = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (bins[i].other) other = static_cast<int>(i);
    if (std::binary_search(bins[i].categories.begin(), bins[i].categories.end(), category)) {
      return static_cast<int>(i);
    }
  }
  return other;
}

double CategoricalBinning::Woe(std::string_view category) const {
  const int b = BinOf(category);
  return b < 0 ? missing_woe : bins[static_cast<std::size_t>(b)].woe;
}

Result<CategoricalBinning> BinCategorical(std::span<const std::string> values,
                                          std::span<const int> labels,
                                          const CategoricalOptions& o) {
  CREDENCE_RETURN_IF_ERROR(CheckLabels(values.size(), labels));
  CREDENCE_RETURN_IF_ERROR(CheckSmoothing(o.smoothing));
  if (!(o.rare_share >= 0 && o.rare_share < 1)) {
    return InvalidArgumentError("rare_share must be in [0, 1)");
  }
  if (o.max_bins < 1 || o.max_bins > 1000) {
    return InvalidArgumentError("max_bins must be in [1, 1000]");
  }
  CategoricalBinning out;
  std::map<std::string, BinStats, std::less<>> counts;
  std::int64_t total_goods = 0, total_bads = 0, n = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    (labels[i] ? total_bads : total_goods) += 1;
    BinStats& s = values[i].empty() ? out.missing : counts[values[i]];
    (labels[i] ? s.bads : s.goods) += 1;
    if (!values[i].empty()) ++n;
  }
  // Groups: one per frequent category, in bad-rate order; rare ones pooled into "other".
  std::vector<std::vector<std::string>> cats;
  std::vector<Group> groups;
  std::vector<std::string> rare;
  BinStats rare_stats;
  const double min_count = o.rare_share * static_cast<double>(n);
  for (const auto& [cat, s] : counts) {
    if (static_cast<double>(s.count()) < min_count) {
      rare.push_back(cat);
      rare_stats.goods += s.goods;
      rare_stats.bads += s.bads;
    } else {
      groups.push_back({s, cats.size(), cats.size()});
      cats.push_back({cat});
    }
  }
  const std::size_t other_index = cats.size();
  if (rare_stats.count() > 0) {
    groups.push_back({rare_stats, other_index, other_index});
  }
  cats.push_back(rare);
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    // Descending bad rate: a.bads / a.count > b.bads / b.count.
    return static_cast<double>(a.stats.bads) * b.stats.count() >
           static_cast<double>(b.stats.bads) * a.stats.count();
  });
  // Remember the sorted order, then merge runs of it.
  std::vector<std::size_t> order;
  for (const Group& g : groups) order.push_back(g.first);
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i].first = groups[i].last = i;
  MergeRules rules;
  rules.total_goods = total_goods;
  rules.total_bads = total_bads;
  rules.smoothing = o.smoothing;
  rules.max_groups = static_cast<std::size_t>(o.max_bins);
  rules.chi_threshold = o.chi_threshold;
  MergeGroups(groups, rules);

  bool have_other = false;
  for (const Group& g : groups) {
    CategoryBin bin;
    bin.stats = g.stats;
    for (std::size_t k = g.first; k <= g.last; ++k) {
      const std::size_t c = order[k];
      if (c == other_index) bin.other = have_other = true;
      bin.categories.insert(bin.categories.end(), cats[c].begin(), cats[c].end());
    }
    std::sort(bin.categories.begin(), bin.categories.end());
    out.bins.push_back(std::move(bin));
  }
  if (!have_other) {
    CategoryBin other;  // no rare category in training: an empty bin, WoE 0
    other.other = true;
    out.bins.push_back(other);
  }
  for (CategoryBin& bin : out.bins) {
    bin.woe = WoeOf(bin.stats, total_goods, total_bads, o.smoothing);
    out.iv += IvTermOf(bin.stats, total_goods, total_bads, o.smoothing);
  }
  std::stable_sort(out.bins.begin(), out.bins.end(),
                   [](const CategoryBin& a, const CategoryBin& b) { return a.woe < b.woe; });
  out.missing_woe = WoeOf(out.missing, total_goods, total_bads, o.smoothing);
  out.iv += IvTermOf(out.missing, total_goods, total_bads, o.smoothing);
  return out;
}

}  // namespace credence::fit
