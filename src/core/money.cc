#include "core/money.h"

#include <string>

namespace credence::core {
namespace {

__extension__ typedef __int128 Int128;

Int128 Pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Rounds num/den (den > 0) to the nearest integer, ties to even.
Int128 DivideRoundHalfEven(Int128 num, Int128 den) {
  Int128 q = num / den;
  Int128 r = num % den;  // same sign as num
  if (r == 0) return q;
  Int128 twice = (r < 0 ? -r : r) * 2;
  const int sign = num < 0 ? -1 : 1;
  if (twice > den || (twice == den && (q % 2 != 0))) q += sign;
  return q;
}

}  // namespace

Result<Decimal> ParsePositiveDecimal(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("invalid decimal '" + std::string(text) + "': " + std::string(why));
  };
  if (text.empty()) return bad("empty");
  Decimal d;
  int digits = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (char c : text) {
    if (c == '.') {
      if (seen_point) return bad("two decimal points");
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return bad("only digits and one '.' are allowed");
    any_digit = true;
    if (d.mantissa == 0 && c == '0' && !seen_point) continue;  // leading zeros
    if (seen_point) {
      if (++d.scale > kMaxDecimalScale) return bad("more than 12 fractional digits");
    }
    if (d.mantissa != 0 || c != '0') ++digits;
    if (digits > kMaxDecimalDigits) return bad("more than 18 significant digits");
    d.mantissa = d.mantissa * 10 + (c - '0');
  }
  if (!any_digit) return bad("no digits");
  if (text.front() == '.' || text.back() == '.')
    return bad("a digit must stand on both sides of '.'");
  if (d.mantissa == 0) return bad("must be positive");
  return d;
}

Result<std::int64_t> ConvertMinorUnits(std::int64_t minor_units, int from_exponent,
                                       const Decimal& rate, int to_exponent) {
  // minor_units * mantissa * 10^to / (10^scale * 10^from). A product that overflows 128 bits
  // is at least 2^127 / 10^(12 + 4) > 2^53 after the division, so it is out of range anyway.
  const auto out_of_range = [] {
    return OutOfRangeError("converted amount exceeds 2^53 minor units of the base currency");
  };
  // Everyday amounts and rates fit in 64 bits: the same arithmetic without 128-bit division.
  static constexpr std::int64_t kPow10[] = {1,
                                            10,
                                            100,
                                            1000,
                                            10000,
                                            100000,
                                            1000000,
                                            10000000,
                                            100000000,
                                            1000000000,
                                            10000000000,
                                            100000000000,
                                            1000000000000,
                                            10000000000000,
                                            100000000000000,
                                            1000000000000000,
                                            10000000000000000,
                                            100000000000000000,
                                            1000000000000000000};
  const int den_exponent = rate.scale + from_exponent;
  std::int64_t num64 = 0;
  if (to_exponent >= 0 && to_exponent <= 18 && from_exponent >= 0 && den_exponent <= 18 &&
      !__builtin_mul_overflow(minor_units, rate.mantissa, &num64) &&
      !__builtin_mul_overflow(num64, kPow10[to_exponent], &num64)) {
    const std::int64_t den = kPow10[den_exponent];
    std::int64_t q = num64 / den;
    const std::int64_t r = num64 % den;  // same sign as num64; |r| < den <= 10^18
    if (r != 0) {
      const std::int64_t twice = (r < 0 ? -r : r) * 2;
      if (twice > den || (twice == den && q % 2 != 0)) q += num64 < 0 ? -1 : 1;
    }
    if (q > kMaxExactMinorUnits || q < -kMaxExactMinorUnits) return out_of_range();
    return q;
  }
  Int128 num = 0;
  if (__builtin_mul_overflow(static_cast<Int128>(minor_units), static_cast<Int128>(rate.mantissa),
                             &num) ||
      __builtin_mul_overflow(num, Pow10(to_exponent), &num)) {
    return out_of_range();
  }
  Int128 den = Pow10(rate.scale + from_exponent);
  Int128 result = DivideRoundHalfEven(num, den);
  if (result > kMaxExactMinorUnits || result < -kMaxExactMinorUnits) return out_of_range();
  return static_cast<std::int64_t>(result);
}

}  // namespace credence::core
