// Feature selection by information value and pairwise correlation of WoE-transformed
// columns.
#ifndef CREDENCE_FIT_SELECTION_H_
#define CREDENCE_FIT_SELECTION_H_

#include <span>
#include <string>
#include <vector>

#include "credence/result.h"

namespace credence::fit {

struct Candidate {
  std::string name;
  double iv = 0;
  std::span<const double> woe;  // the WoE-transformed column; all candidates equally long
};

struct SelectionDecision {
  std::string name;
  double iv = 0;
  bool selected = false;
  // Why it was dropped: "iv below min_iv", "constant after WoE", "correlated with X".
  std::string reason;
  std::string correlated_with;  // with "correlated with"
  double correlation = 0;       // Pearson r with `correlated_with`
};

// Candidates are taken in decreasing IV (ties: name order). One is dropped when its IV is
// below `min_iv`, when its WoE column is constant, or when |Pearson r| with an already
// selected column exceeds `max_abs_corr` (so of a correlated pair the lower-IV one goes).
// Returns one decision per candidate in that order. INVALID_ARGUMENT for lengths that differ,
// non-finite values, max_abs_corr outside (0, 1].
Result<std::vector<SelectionDecision>> SelectFeatures(const std::vector<Candidate>& candidates,
                                                      double min_iv, double max_abs_corr);

// Pearson correlation; 0 when either column is constant. REQUIRES: equal lengths.
double PearsonCorrelation(std::span<const double> a, std::span<const double> b);

}  // namespace credence::fit

#endif  // CREDENCE_FIT_SELECTION_H_
