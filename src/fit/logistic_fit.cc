#include "fit/logistic_fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace credence::fit {
namespace {

// ln(1 + e^x) without overflow.
double Log1pExp(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

double SigmoidOf(double m) {
  if (m >= 0) return 1 / (1 + std::exp(-m));
  const double e = std::exp(m);
  return e / (1 + e);
}

// Negative log-likelihood: sum ln(1 + e^m) - y m.
double NegLogLik(const Eigen::VectorXd& margin, std::span<const int> y) {
  double s = 0;
  for (Eigen::Index i = 0; i < margin.size(); ++i) {
    s += Log1pExp(margin[i]) - (y[static_cast<std::size_t>(i)] ? margin[i] : 0.0);
  }
  return s;
}

// Names the columns that make X rank-deficient: constant columns (collinear with the
// intercept), else those a column-pivoting QR leaves out.
std::string DependentColumns(const Eigen::MatrixXd& x, const std::vector<std::string>& names) {
  std::string constant;
  for (Eigen::Index c = 1; c < x.cols(); ++c) {
    if ((x.col(c).array() == x(0, c)).all()) {
      constant += (constant.empty() ? "'" : ", '") + names[static_cast<std::size_t>(c - 1)] + "'";
    }
  }
  if (!constant.empty()) return constant;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  qr.setThreshold(1e-10);
  const Eigen::Index rank = qr.rank();
  std::string out;
  for (Eigen::Index k = rank; k < x.cols(); ++k) {
    const Eigen::Index c = qr.colsPermutation().indices()[k];
    if (!out.empty()) out += ", ";
    out += c == 0 ? std::string("(intercept)") : "'" + names[static_cast<std::size_t>(c - 1)] + "'";
  }
  return out;
}

}  // namespace

Result<LogisticFit> FitLogistic(const std::vector<std::span<const double>>& columns,
                                std::span<const int> labels, const std::vector<std::string>& names,
                                const LogisticOptions& o) {
  const std::size_t n = labels.size();
  const std::size_t p = columns.size();
  if (names.size() != p) return InvalidArgumentError("names and columns differ in number");
  if (!(o.l2 >= 0) || !std::isfinite(o.l2)) {
    return InvalidArgumentError("l2 must be finite and >= 0");
  }
  if (o.max_iterations < 1 || o.max_iterations > 1000) {
    return InvalidArgumentError("max_iterations must be in [1, 1000]");
  }
  if (!(o.tolerance > 0 && o.tolerance <= 1e-2)) {
    return InvalidArgumentError("tolerance must be in (0, 1e-2]");
  }
  if (n == 0) return InvalidArgumentError("no rows to fit");
  std::size_t bads = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      return InvalidArgumentError("label of row " + std::to_string(i) + " is " +
                                  std::to_string(labels[i]) + ", not 0 or 1");
    }
    bads += static_cast<std::size_t>(labels[i]);
  }
  if (bads == 0 || bads == n) {
    return InvalidArgumentError("the labels need at least one good (0) and one bad (1)");
  }
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p + 1));
  x.col(0).setOnes();
  for (std::size_t j = 0; j < p; ++j) {
    if (columns[j].size() != n) {
      return InvalidArgumentError("column '" + names[j] + "' has " +
                                  std::to_string(columns[j].size()) + " rows, the labels " +
                                  std::to_string(n));
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double v = columns[j][i];
      if (!std::isfinite(v)) {
        return InvalidArgumentError("column '" + names[j] + "' row " + std::to_string(i) + " is " +
                                    (std::isnan(v) ? "missing (NaN)" : "infinite") +
                                    "; impute or drop it before fitting");
      }
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j + 1)) = v;
    }
  }
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) y[static_cast<Eigen::Index>(i)] = labels[i];

  const Eigen::Index k = static_cast<Eigen::Index>(p + 1);
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(k, o.l2);
  penalty[0] = 0;
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(k);
  // Start at the intercept-only solution.
  beta[0] = std::log(static_cast<double>(bads) / static_cast<double>(n - bads));
  Eigen::VectorXd margin = x * beta;
  auto objective = [&](const Eigen::VectorXd& b, const Eigen::VectorXd& m) {
    return NegLogLik(m, labels) + 0.5 * (penalty.array() * b.array().square()).sum();
  };
  double obj = objective(beta, margin);

  LogisticFit fit;
  bool converged = false;
  Eigen::MatrixXd xw(x.rows(), x.cols()), h(k, k);
  for (int it = 1; it <= o.max_iterations && !converged; ++it) {
    Eigen::VectorXd prob(margin.size()), w(margin.size());
    for (Eigen::Index i = 0; i < margin.size(); ++i) {
      prob[i] = SigmoidOf(margin[i]);
      w[i] = prob[i] * (1 - prob[i]);
    }
    Eigen::VectorXd grad = x.transpose() * (y - prob) - (penalty.array() * beta.array()).matrix();
    // H = X' W X + penalty, as a symmetric rank-n update with sqrt(W) X (lower triangle).
    xw = x.array().colwise() * w.array().sqrt();
    h.setZero();
    h.selfadjointView<Eigen::Lower>().rankUpdate(xw.transpose());
    h.diagonal() += penalty;
    Eigen::LDLT<Eigen::MatrixXd, Eigen::Lower> ldlt(h);
    const double rcond = ldlt.info() == Eigen::Success ? ldlt.rcond() : 0;
    if (!(rcond > 1e-13)) {
      const std::string dependent = DependentColumns(x, names);
      if (!dependent.empty() && o.l2 == 0) {
        return FailedPreconditionError(
            "singular Hessian: column(s) " + dependent +
            " are constant or a linear combination of other columns; drop them or add L2");
      }
      return FailedPreconditionError("singular Hessian at iteration " + std::to_string(it) +
                                     " (reciprocal condition " + std::to_string(rcond) +
                                     "): some fitted probabilities are 0 or 1, a sign of "
                                     "quasi-complete separation; add L2 (--l2)");
    }
    Eigen::VectorXd delta = ldlt.solve(grad);
    double step = 1;
    Eigen::VectorXd next = beta + delta;
    Eigen::VectorXd next_margin = x * next;
    double next_obj = objective(next, next_margin);
    for (int half = 0; half < 30 && !(next_obj <= obj + 1e-12 * std::abs(obj)); ++half) {
      step /= 2;
      next = beta + step * delta;
      next_margin = x * next;
      next_obj = objective(next, next_margin);
    }
    const double change = (step * delta).cwiseAbs().maxCoeff();
    beta = next;
    margin = next_margin;
    obj = next_obj;
    fit.iterations = it;
    converged = change <= o.tolerance * (1 + beta.cwiseAbs().maxCoeff());
    if (o.l2 == 0) {
      // Complete separation: some coefficient vector ranks every bad above every good, so
      // the likelihood keeps increasing along it and has no maximum.
      double max_good = -std::numeric_limits<double>::infinity();
      double min_bad = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < n; ++i) {
        const double m = margin[static_cast<Eigen::Index>(i)];
        if (labels[i]) {
          min_bad = std::min(min_bad, m);
        } else {
          max_good = std::max(max_good, m);
        }
      }
      if (max_good < min_bad) {
        return FailedPreconditionError(
            "perfect separation: the columns separate goods from bads exactly, so the "
            "coefficients have no finite maximum-likelihood value; add L2 (--l2) or drop the "
            "separating column");
      }
    }
    if (!beta.allFinite()) {
      return FailedPreconditionError("the coefficients diverged (non-finite at iteration " +
                                     std::to_string(it) + "); add L2");
    }
  }
  if (!converged) {
    if (margin.cwiseAbs().maxCoeff() > 30 && o.l2 == 0) {
      return FailedPreconditionError(
          "quasi-complete separation: no convergence in " + std::to_string(o.max_iterations) +
          " iterations and some fitted probabilities are 0 or 1; add L2 (--l2)");
    }
    return FailedPreconditionError("no convergence in " + std::to_string(o.max_iterations) +
                                   " iterations");
  }
  fit.intercept = beta[0];
  for (Eigen::Index j = 1; j < k; ++j) fit.coefficients.push_back(beta[j]);
  fit.log_likelihood = -NegLogLik(margin, labels);
  return fit;
}

}  // namespace credence::fit
