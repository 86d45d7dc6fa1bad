// Exact path-dependent TreeSHAP for TreeEnsemble.
//
// Follows Algorithm 2 of Lundberg, Erion & Lee, "Consistent Individualized Feature
// Attribution for Tree Ensembles" (arXiv:1802.03888). For one tree, the recursion walks
// every root-to-leaf path keeping the "unique path" of features met so far; each element
// records the fraction of the "feature absent" mass that flows down the path (covers ratio,
// `zero`) and whether the explained row flows down it (`one`), plus the permutation weights
// `w` of subsets by size. Reaching a leaf adds, for every feature on the path,
// (sum of weights with that feature unwound) * (one - zero) * leaf value. A feature met
// twice is unwound first so it appears once. Everything is computed in double.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/tree_ensemble.h"

namespace credence::models {
namespace {

struct PathElement {
  std::int64_t feature;
  double zero;  // fraction of the cover-weighted "absent" mass flowing this way
  double one;   // 1 if the row flows this way, else 0
  double w;     // permutation weight
};

// Appends (zero, one, feature) to the path of `len` elements and updates the weights.
void ExtendPath(PathElement* path, int len, double zero, double one, std::int64_t feature) {
  path[len] = {feature, zero, one, len == 0 ? 1.0 : 0.0};
  for (int i = len - 1; i >= 0; --i) {
    path[i + 1].w += one * path[i].w * (i + 1) / static_cast<double>(len + 1);
    path[i].w = zero * path[i].w * (len - i) / static_cast<double>(len + 1);
  }
}

// Removes element `index` from a path of `len` elements (inverse of ExtendPath).
void UnwindPath(PathElement* path, int len, int index) {
  const int last = len - 1;
  const double one = path[index].one;
  const double zero = path[index].zero;
  double carry = path[last].w;
  for (int j = last - 1; j >= 0; --j) {
    if (one != 0) {
      const double saved = path[j].w;
      path[j].w = carry * len / ((j + 1) * one);
      carry = saved - path[j].w * zero * (last - j) / static_cast<double>(len);
    } else {
      path[j].w = path[j].w * len / (zero * (last - j));
    }
  }
  for (int j = index; j < last; ++j) {
    path[j].feature = path[j + 1].feature;
    path[j].zero = path[j + 1].zero;
    path[j].one = path[j + 1].one;
  }
}

// Sum of the weights the path would have with element `index` unwound (path unchanged).
double UnwoundPathSum(const PathElement* path, int len, int index) {
  const int last = len - 1;
  const double one = path[index].one;
  const double zero = path[index].zero;
  double carry = path[last].w;
  double total = 0.0;
  for (int j = last - 1; j >= 0; --j) {
    if (one != 0) {
      const double tmp = carry * len / ((j + 1) * one);
      total += tmp;
      carry = path[j].w - tmp * zero * (last - j) / static_cast<double>(len);
    } else {
      total += path[j].w * len / (zero * (last - j));
    }
  }
  return total;
}

}  // namespace

void TreeEnsemble::TreeShap(const double* row, std::uint32_t root, double* phi,
                            void* scratch) const {
  // A local class has the member function's access to TreeEnsemble's privates.
  struct Walker {
    const TreeEnsemble& e;
    const double* row;
    double* phi;

    double Fraction(std::uint32_t child, std::uint32_t parent) const {
      const double c = e.covers_[parent];
      return c > 0 ? e.covers_[child] / c : 0.5;
    }

    // `parent` holds `len` elements; this call's path starts right after them.
    void Recurse(std::uint32_t i, PathElement* parent, int len, double zero, double one,
                 std::int64_t feature) const {
      PathElement* path = parent + len;
      std::copy(parent, parent + len, path);
      ExtendPath(path, len, zero, one, feature);
      ++len;
      const Node& n = e.nodes_[i];
      const NodeInfo& info = e.info_[i];
      if (info.kind == kLeaf) {
        const double v = n.threshold;
        for (int k = 1; k < len; ++k) {
          const double w = UnwoundPathSum(path, len, k);
          phi[path[k].feature] += w * (path[k].one - path[k].zero) * v;
        }
        return;
      }
      const std::int64_t f = info.feature;
      const std::uint32_t hot = e.Next(i, row[f]);
      const std::uint32_t cold = hot == n.first ? n.first + 1 : n.first;
      double incoming_zero = 1.0;
      double incoming_one = 1.0;
      int k = 1;
      while (k < len && path[k].feature != f) ++k;
      if (k < len) {
        incoming_zero = path[k].zero;
        incoming_one = path[k].one;
        UnwindPath(path, len, k);
        --len;
      }
      // A child that neither the row nor any cover mass reaches adds nothing; skipping it
      // also keeps zero covers from dividing by zero when a feature is unwound below it.
      const double hot_zero = incoming_zero * Fraction(hot, i);
      const double cold_zero = incoming_zero * Fraction(cold, i);
      if (hot_zero != 0 || incoming_one != 0) Recurse(hot, path, len, hot_zero, incoming_one, f);
      if (cold_zero != 0) Recurse(cold, path, len, cold_zero, 0.0, f);
    }
  };
  Walker{*this, row, phi}.Recurse(root, static_cast<PathElement*>(scratch), 0, 1.0, 1.0, -1);
}

Status TreeEnsemble::Contributions(std::span<const double> row, std::span<double> out) const {
  if (row.size() < num_features_) {
    return InvalidArgumentError("Contributions: row has " + std::to_string(row.size()) +
                                " values, the model needs " + std::to_string(num_features_));
  }
  if (out.size() != num_features_ + 1) {
    return InvalidArgumentError(
        "Contributions: output has " + std::to_string(out.size()) +
        " slots, expected num_features + 1 = " + std::to_string(num_features_ + 1));
  }
  if (!has_covers_) {
    return FailedPreconditionError(
        "Contributions: the model file has no node covers, TreeSHAP needs them");
  }
  std::fill(out.begin(), out.end(), 0.0);
  // Path storage for every level of the recursion: level d keeps d + 1 elements.
  const std::size_t levels = static_cast<std::size_t>(max_depth_) + 2;
  std::vector<PathElement> scratch(levels * (levels + 1) / 2);
  double bias = base_margin_;
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    bias += expected_[t];
    if (info_[roots_[t]].kind == kLeaf) continue;
    TreeShap(row.data(), roots_[t], out.data(), scratch.data());
  }
  out[num_features_] += bias;
  return OkStatus();
}

}  // namespace credence::models
