// Exact sums of doubles for the online feature state (online_state.h). Every double is an
// integer multiple of 2^-1074, so a sum of doubles is an integer on that grid: ExactSum keeps
// it as a two's-complement fixed-point integer of 64-bit limbs, growing only as far as the
// values need (typically two or three limbs). Adding and removing values is exact, so the sum
// does not depend on the order of the additions and removals that led to it: an online state
// that has added and expired a million values holds exactly the sum of the values in its
// window, and a state rebuilt from its events holds the same bits. Value() rounds once at the
// end (within a few units in the last place).
//
//   ExactSum s;
//   s.Add(0.1); s.Add(1e300); s.Sub(1e300);
//   s.Value();  // 0.1 exactly: no cancellation
//
// ExactVarianceTimesN2 gives n·Σx² − (Σx)² exactly (from which the population and sample
// variance follow with one rounding), for standard deviations without cancellation.
// Thread-compatible value types.
#ifndef CREDENCE_FEATURES_EXACT_SUM_H_
#define CREDENCE_FEATURES_EXACT_SUM_H_

#include <cstdint>
#include <vector>

namespace credence::features {

class ExactSum {
 public:
  // REQUIRES: x finite. Adds / removes x exactly.
  void Add(double x) { Accumulate(x, false); }
  void Sub(double x) { Accumulate(x, true); }
  // Adds / removes the exact product a·b (as the two doubles of an error-free product).
  // REQUIRES: a·b finite.
  void AddProduct(double a, double b);
  void SubProduct(double a, double b);
  void Clear() {
    limbs_.clear();
    low_ = 0;
  }

  // The sum rounded to a double (a few units in the last place).
  double Value() const;
  bool IsZero() const;
  bool IsNegative() const { return !limbs_.empty() && limbs_.back() != 0; }

  // The canonical form (no redundant limbs): equal sums give equal limbs and low limb.
  void Normalize();
  // Limb index of limbs()[0] on the grid (limb k holds bits [64k, 64k + 64) of the integer
  // sum·2^1088); two's complement, little endian, last limb 0 or ~0 (the sign).
  int low_limb() const { return low_; }
  const std::vector<std::uint64_t>& limbs() const { return limbs_; }
  // Restores a sum from low_limb() and limbs(). False when the limbs are not a valid form
  // (the last limb must be 0 or ~0).
  bool Restore(int low_limb, std::vector<std::uint64_t> limbs);

  friend bool operator==(const ExactSum& a, const ExactSum& b);

 private:
  void Accumulate(double x, bool subtract);
  void Cover(int first, int last);  // makes limbs [first, last] and a sign limb above exist

  std::vector<std::uint64_t> limbs_;
  int low_ = 0;
};

// n·Σx² − (Σx)², exactly, rounded to a double; `sum` holds Σx and `sum_sq` Σx² (added with
// AddProduct(x, x)). Never negative. The population variance is the result / n², the
// sample variance the result / (n (n − 1)).
double ExactVarianceTimesN2(std::int64_t n, const ExactSum& sum, const ExactSum& sum_sq);

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_EXACT_SUM_H_
