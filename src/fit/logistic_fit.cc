#include "fit/logistic_fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

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

Status CheckOptions(const LogisticOptions& o) {
  if (!(o.l2 >= 0) || !std::isfinite(o.l2)) {
    return InvalidArgumentError("l2 must be finite and >= 0");
  }
  if (o.max_iterations < 1 || o.max_iterations > 1000) {
    return InvalidArgumentError("max_iterations must be in [1, 1000]");
  }
  if (!(o.tolerance > 0 && o.tolerance <= 1e-2)) {
    return InvalidArgumentError("tolerance must be in (0, 1e-2]");
  }
  return OkStatus();
}

// The problem in matrix form: X = [1, columns], y = labels.
struct Design {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  std::size_t bads = 0;
};

Result<Design> BuildDesign(const std::vector<std::span<const double>>& columns,
                           std::span<const int> labels, const std::vector<std::string>& names) {
  const std::size_t n = labels.size(), p = columns.size();
  if (n == 0) return InvalidArgumentError("no rows to fit");
  Design d;
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      return InvalidArgumentError("label of row " + std::to_string(i) + " is " +
                                  std::to_string(labels[i]) + ", not 0 or 1");
    }
    d.bads += static_cast<std::size_t>(labels[i]);
  }
  if (d.bads == 0 || d.bads == n) {
    return InvalidArgumentError("the labels need at least one good (0) and one bad (1)");
  }
  d.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p + 1));
  d.x.col(0).setOnes();
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
      d.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j + 1)) = v;
    }
  }
  d.y.resize(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) d.y[static_cast<Eigen::Index>(i)] = labels[i];
  return d;
}

// Iteratively reweighted least squares (Newton's method) on the penalized log-likelihood,
// with step halving. Thread-compatible; one per fit.
class Irls {
 public:
  Irls(const Design& d, std::span<const int> labels, const std::vector<std::string>& names,
       const LogisticOptions& o)
      : d_(d), labels_(labels), names_(names), o_(o), k_(d.x.cols()) {
    penalty_ = Eigen::VectorXd::Constant(k_, o.l2);
    penalty_[0] = 0;
    beta_ = Eigen::VectorXd::Zero(k_);
    // Start at the intercept-only solution.
    const double n = static_cast<double>(labels.size());
    beta_[0] = std::log(static_cast<double>(d.bads) / (n - static_cast<double>(d.bads)));
    margin_ = d.x * beta_;
    obj_ = Objective(beta_, margin_);
    xw_.resize(d.x.rows(), d.x.cols());
    h_.resize(k_, k_);
  }

  Result<LogisticFit> Run() {
    LogisticFit fit;
    bool converged = false;
    for (int it = 1; it <= o_.max_iterations && !converged; ++it) {
      CREDENCE_ASSIGN_OR_RETURN(Eigen::VectorXd delta, NewtonDirection(it));
      const double change = Step(delta);
      fit.iterations = it;
      converged = change <= o_.tolerance * (1 + beta_.cwiseAbs().maxCoeff());
      if (o_.l2 == 0 && Separated()) {
        return FailedPreconditionError(
            "perfect separation: the columns separate goods from bads exactly, so the "
            "coefficients have no finite maximum-likelihood value; add L2 (--l2) or drop the "
            "separating column");
      }
      if (!beta_.allFinite()) {
        return FailedPreconditionError("the coefficients diverged (non-finite at iteration " +
                                       std::to_string(it) + "); add L2");
      }
    }
    if (!converged) {
      if (margin_.cwiseAbs().maxCoeff() > 30 && o_.l2 == 0) {
        return FailedPreconditionError(
            "quasi-complete separation: no convergence in " + std::to_string(o_.max_iterations) +
            " iterations and some fitted probabilities are 0 or 1; add L2 (--l2)");
      }
      return FailedPreconditionError("no convergence in " + std::to_string(o_.max_iterations) +
                                     " iterations");
    }
    fit.intercept = beta_[0];
    for (Eigen::Index j = 1; j < k_; ++j) fit.coefficients.push_back(beta_[j]);
    fit.log_likelihood = -NegLogLik(margin_, labels_);
    return fit;
  }

 private:
  double Objective(const Eigen::VectorXd& b, const Eigen::VectorXd& m) const {
    return NegLogLik(m, labels_) + 0.5 * (penalty_.array() * b.array().square()).sum();
  }

  // H^-1 g at the current coefficients; FAILED_PRECONDITION when H is singular.
  Result<Eigen::VectorXd> NewtonDirection(int it) {
    Eigen::VectorXd prob(margin_.size()), w(margin_.size());
    for (Eigen::Index i = 0; i < margin_.size(); ++i) {
      prob[i] = SigmoidOf(margin_[i]);
      w[i] = prob[i] * (1 - prob[i]);
    }
    Eigen::VectorXd grad =
        d_.x.transpose() * (d_.y - prob) - (penalty_.array() * beta_.array()).matrix();
    // H = X' W X + penalty, as a symmetric rank-n update with sqrt(W) X (lower triangle).
    xw_ = d_.x.array().colwise() * w.array().sqrt();
    h_.setZero();
    h_.selfadjointView<Eigen::Lower>().rankUpdate(xw_.transpose());
    h_.diagonal() += penalty_;
    Eigen::LDLT<Eigen::MatrixXd, Eigen::Lower> ldlt(h_);
    const double rcond = ldlt.info() == Eigen::Success ? ldlt.rcond() : 0;
    if (!(rcond > 1e-13)) {
      const std::string dependent = DependentColumns(d_.x, names_);
      if (!dependent.empty() && o_.l2 == 0) {
        return FailedPreconditionError(
            "singular Hessian: column(s) " + dependent +
            " are constant or a linear combination of other columns; drop them or add L2");
      }
      return FailedPreconditionError("singular Hessian at iteration " + std::to_string(it) +
                                     " (reciprocal condition " + std::to_string(rcond) +
                                     "): some fitted probabilities are 0 or 1, a sign of "
                                     "quasi-complete separation; add L2 (--l2)");
    }
    return Eigen::VectorXd(ldlt.solve(grad));
  }

  // Moves along `delta`, halving the step until the objective does not increase; returns the
  // largest coefficient change.
  double Step(const Eigen::VectorXd& delta) {
    double step = 1;
    Eigen::VectorXd next = beta_ + delta;
    Eigen::VectorXd next_margin = d_.x * next;
    double next_obj = Objective(next, next_margin);
    for (int half = 0; half < 30 && !(next_obj <= obj_ + 1e-12 * std::abs(obj_)); ++half) {
      step /= 2;
      next = beta_ + step * delta;
      next_margin = d_.x * next;
      next_obj = Objective(next, next_margin);
    }
    beta_ = next;
    margin_ = next_margin;
    obj_ = next_obj;
    return (step * delta).cwiseAbs().maxCoeff();
  }

  // Complete separation: some coefficient vector ranks every bad above every good, so the
  // likelihood keeps increasing along it and has no maximum.
  bool Separated() const {
    double max_good = -std::numeric_limits<double>::infinity();
    double min_bad = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < labels_.size(); ++i) {
      const double m = margin_[static_cast<Eigen::Index>(i)];
      if (labels_[i]) {
        min_bad = std::min(min_bad, m);
      } else {
        max_good = std::max(max_good, m);
      }
    }
    return max_good < min_bad;
  }

  const Design& d_;
  std::span<const int> labels_;
  const std::vector<std::string>& names_;
  const LogisticOptions& o_;
  const Eigen::Index k_;
  Eigen::VectorXd penalty_, beta_, margin_;
  double obj_ = 0;
  Eigen::MatrixXd xw_, h_;
};

}  // namespace

Result<LogisticFit> FitLogistic(const std::vector<std::span<const double>>& columns,
                                std::span<const int> labels, const std::vector<std::string>& names,
                                const LogisticOptions& o) {
  if (names.size() != columns.size()) {
    return InvalidArgumentError("names and columns differ in number");
  }
  CREDENCE_RETURN_IF_ERROR(CheckOptions(o));
  CREDENCE_ASSIGN_OR_RETURN(Design design, BuildDesign(columns, labels, names));
  return Irls(design, labels, names, o).Run();
}

}  // namespace credence::fit
