// Exact sums of doubles. See exact_sum.h.
#include "features/exact_sum.h"

#include <algorithm>
#include <cmath>

namespace credence::features {
namespace {

__extension__ typedef unsigned __int128 U128;

// The grid: the integer sum is value·2^kBias (kBias a multiple of 64, and every double is an
// integer multiple of 2^-1074).
constexpr int kBias = 1088;
constexpr int kBiasLimbs = kBias / 64;
constexpr std::uint64_t kOnes = ~std::uint64_t{0};

// x = m·2^(p − kBias) with an integer |m| < 2^53 and p >= 0.
void Decompose(double x, std::int64_t& m, int& p) {
  int k = 0;
  std::frexp(x, &k);
  const int e = std::max(k - 53, -1074);
  m = static_cast<std::int64_t>(std::ldexp(x, -e));
  p = e + kBias;
}

// A non-negative integer Σ w[i]·2^(64 (low + i)) as a plain magnitude.
struct Magnitude {
  std::vector<std::uint64_t> w;
  int low = 0;
};

// The magnitude of a two's-complement sum and its sign.
Magnitude Abs(const ExactSum& s, bool* negative) {
  Magnitude m;
  m.low = s.low_limb();
  m.w = s.limbs();
  *negative = s.IsNegative();
  if (*negative) {
    std::uint64_t carry = 1;
    for (std::uint64_t& x : m.w) {
      x = ~x + carry;
      carry = (carry != 0 && x == 0) ? 1 : 0;
    }
  }
  return m;
}

// The magnitude rounded to a long double, times 2^(64 low − scale).
long double ToLongDouble(const Magnitude& m, int scale_bits) {
  int h = static_cast<int>(m.w.size()) - 1;
  while (h >= 0 && m.w[static_cast<std::size_t>(h)] == 0) --h;
  if (h < 0) return 0;
  long double r = 0;
  const int stop = std::max(0, h - 2);
  for (int j = h; j >= stop; --j)
    r = r * 18446744073709551616.0L + m.w[static_cast<std::size_t>(j)];
  return std::ldexp(r, 64 * (m.low + stop) - scale_bits);
}

Magnitude Multiply(const Magnitude& a, const Magnitude& b) {
  Magnitude r;
  r.low = a.low + b.low;
  r.w.assign(a.w.size() + b.w.size() + 1, 0);
  for (std::size_t i = 0; i < a.w.size(); ++i) {
    U128 carry = 0;
    for (std::size_t j = 0; j < b.w.size(); ++j) {
      const U128 t = static_cast<U128>(a.w[i]) * b.w[j] + r.w[i + j] + carry;
      r.w[i + j] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    for (std::size_t k = i + b.w.size(); carry != 0 && k < r.w.size(); ++k) {
      const U128 t = static_cast<U128>(r.w[k]) + carry;
      r.w[k] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
  }
  return r;
}

Magnitude MultiplySmall(const Magnitude& a, std::uint64_t n) {
  Magnitude r;
  r.low = a.low;
  r.w.assign(a.w.size() + 1, 0);
  U128 carry = 0;
  for (std::size_t i = 0; i < a.w.size(); ++i) {
    const U128 t = static_cast<U128>(a.w[i]) * n + carry;
    r.w[i] = static_cast<std::uint64_t>(t);
    carry = t >> 64;
  }
  r.w[a.w.size()] = static_cast<std::uint64_t>(carry);
  return r;
}

// a − b, both re-based on the lower of their low limbs; 0 when b > a.
Magnitude Subtract(const Magnitude& a, const Magnitude& b) {
  Magnitude r;
  r.low = std::min(a.low, b.low);
  const int top =
      std::max(a.low + static_cast<int>(a.w.size()), b.low + static_cast<int>(b.w.size()));
  r.w.assign(static_cast<std::size_t>(top - r.low), 0);
  auto at = [&](const Magnitude& m, int k) -> std::uint64_t {
    const int i = k - m.low;
    return i >= 0 && i < static_cast<int>(m.w.size()) ? m.w[static_cast<std::size_t>(i)] : 0;
  };
  std::uint64_t borrow = 0;
  for (int k = r.low; k < top; ++k) {
    const std::uint64_t x = at(a, k), y = at(b, k);
    const U128 t = static_cast<U128>(x) - y - borrow;
    r.w[static_cast<std::size_t>(k - r.low)] = static_cast<std::uint64_t>(t);
    borrow = (t >> 64) != 0 ? 1 : 0;
  }
  if (borrow != 0) r.w.assign(r.w.size(), 0);  // b > a: only rounding-free inputs get here
  return r;
}

}  // namespace

void ExactSum::Cover(int first, int last) {
  if (limbs_.empty()) {
    low_ = first;
    limbs_.assign(static_cast<std::size_t>(last - first + 2), 0);
    return;
  }
  if (first < low_) {
    limbs_.insert(limbs_.begin(), static_cast<std::size_t>(low_ - first), 0);
    low_ = first;
  }
  const int sign_index = low_ + static_cast<int>(limbs_.size()) - 1;
  if (sign_index <= last) {
    const std::uint64_t sign = limbs_.back();
    limbs_.resize(static_cast<std::size_t>(last + 2 - low_), sign);
  }
}

void ExactSum::Accumulate(double x, bool subtract) {
  if (x == 0) return;
  std::int64_t m = 0;
  int p = 0;
  Decompose(x, m, p);
  const bool negative = (m < 0) != subtract;
  const U128 v = static_cast<U128>(static_cast<std::uint64_t>(m < 0 ? -m : m)) << (p & 63);
  const int k = p >> 6;
  Cover(k, k + 1);
  const std::size_t i = static_cast<std::size_t>(k - low_);
  const std::uint64_t part[2] = {static_cast<std::uint64_t>(v),
                                 static_cast<std::uint64_t>(v >> 64)};
  std::uint64_t carry = 0;
  for (std::size_t j = i; j < limbs_.size(); ++j) {
    const std::uint64_t term = j < i + 2 ? part[j - i] : 0;
    if (j >= i + 2 && carry == 0) break;
    if (!negative) {
      const U128 t = static_cast<U128>(limbs_[j]) + term + carry;
      limbs_[j] = static_cast<std::uint64_t>(t);
      carry = static_cast<std::uint64_t>(t >> 64);
    } else {
      const U128 t = static_cast<U128>(limbs_[j]) - term - carry;
      limbs_[j] = static_cast<std::uint64_t>(t);
      carry = (t >> 64) != 0 ? 1 : 0;
    }
  }
  const std::uint64_t top = limbs_.back();
  if (top != 0 && top != kOnes) limbs_.push_back((top >> 63) != 0 ? kOnes : 0);
}

void ExactSum::AddProduct(double a, double b) {
  const double hi = a * b;
  Add(hi);
  Add(std::fma(a, b, -hi));
}

void ExactSum::SubProduct(double a, double b) {
  const double hi = a * b;
  Sub(hi);
  Sub(std::fma(a, b, -hi));
}

bool ExactSum::IsZero() const {
  return std::all_of(limbs_.begin(), limbs_.end(), [](std::uint64_t w) { return w == 0; });
}

double ExactSum::Value() const {
  bool negative = false;
  const Magnitude m = Abs(*this, &negative);
  const auto v = static_cast<double>(ToLongDouble(m, kBias));
  return negative ? -v : v;
}

void ExactSum::Normalize() {
  // The top limb stays a sign limb (0 or ~0); a sign limb under another equal one is redundant.
  while (limbs_.size() >= 2 && limbs_.back() == limbs_[limbs_.size() - 2] &&
         (limbs_.back() == 0 || limbs_.back() == kOnes)) {
    limbs_.pop_back();
  }
  std::size_t zeros = 0;
  while (zeros + 1 < limbs_.size() && limbs_[zeros] == 0) ++zeros;
  limbs_.erase(limbs_.begin(), limbs_.begin() + static_cast<std::ptrdiff_t>(zeros));
  low_ += static_cast<int>(zeros);
  if (IsZero()) Clear();
}

bool ExactSum::Restore(int low_limb, std::vector<std::uint64_t> limbs) {
  if (!limbs.empty() && limbs.back() != 0 && limbs.back() != kOnes) return false;
  if (low_limb < -64 || low_limb > 64) return false;
  low_ = low_limb;
  limbs_ = std::move(limbs);
  return true;
}

bool operator==(const ExactSum& a, const ExactSum& b) {
  ExactSum x = a, y = b;
  x.Normalize();
  y.Normalize();
  return x.low_ == y.low_ && x.limbs_ == y.limbs_;
}

double ExactVarianceTimesN2(std::int64_t n, const ExactSum& sum, const ExactSum& sum_sq) {
  if (n <= 0) return 0;
  bool negative = false;
  const Magnitude s = Abs(sum, &negative);
  Magnitude q = Abs(sum_sq, &negative);  // never negative: a sum of squares
  if (negative) return 0;
  Magnitude nq = MultiplySmall(q, static_cast<std::uint64_t>(n));
  nq.low += kBiasLimbs;  // n·Σx² on the grid of (Σx)²: 2^(2 kBias)
  const Magnitude d = Subtract(nq, Multiply(s, s));
  return static_cast<double>(ToLongDouble(d, 2 * kBias));
}

}  // namespace credence::features
