// Logistic regression by Newton's method (iteratively reweighted least squares) with an
// optional L2 penalty on the coefficients (never on the intercept).
//
// Objective (minimised): -sum_i [y_i ln p_i + (1 - y_i) ln(1 - p_i)] + (l2 / 2) sum_j beta_j^2,
// p_i = 1 / (1 + exp(-(alpha + sum_j beta_j x_ij))), y_i in {0, 1} (1 = bad).
//
// Each iteration solves (X'WX + l2 P) delta = X'(y - p) - l2 P beta (P = identity without the
// intercept) by an LDL' factorisation and halves the step (at most 30 times) until the
// objective does not increase. Converged when max_j |delta_j| <= tolerance * (1 + max_j
// |beta_j|). See docs/fit.md.
#ifndef CREDENCE_FIT_LOGISTIC_FIT_H_
#define CREDENCE_FIT_LOGISTIC_FIT_H_

#include <span>
#include <string>
#include <vector>

#include "credence/result.h"

namespace credence::fit {

struct LogisticOptions {
  // L2 penalty strength (lambda above). >= 0, finite. Default 0 (plain maximum likelihood).
  double l2 = 0;
  // Newton iterations at most. [1, 1000]. Default 100.
  int max_iterations = 100;
  // Relative step size at which the iteration stops. (0, 1e-2]. Default 1e-10.
  double tolerance = 1e-10;
};

struct LogisticFit {
  double intercept = 0;
  std::vector<double> coefficients;  // one per column, in column order
  int iterations = 0;
  double log_likelihood = 0;  // at the solution, without the penalty
};

// Fits the model on `columns` (each of length labels.size()). `names` (same size as
// columns) name the columns in errors.
//
// Errors:
//  - INVALID_ARGUMENT: no rows, lengths differ, a label not 0/1, only one class, a NaN or
//    infinite value (names the column and row), bad options.
//  - FAILED_PRECONDITION: perfect separation without L2 (an iterate classifies every row
//    correctly, so the likelihood has no maximum: add --l2 or drop the column named);
//    quasi-complete separation (no convergence while some |margin| > 30);
//    a singular Hessian (names a constant column or one that is a linear combination of
//    others); no convergence within max_iterations.
Result<LogisticFit> FitLogistic(const std::vector<std::span<const double>>& columns,
                                std::span<const int> labels, const std::vector<std::string>& names,
                                const LogisticOptions& options = {});

}  // namespace credence::fit

#endif  // CREDENCE_FIT_LOGISTIC_FIT_H_
