// Exact money arithmetic: decimal FX rates and conversion of minor units between currencies.
#ifndef CREDENCE_CORE_MONEY_H_
#define CREDENCE_CORE_MONEY_H_

#include <cstdint>
#include <string_view>

#include "credence/result.h"

namespace credence::core {

// A positive decimal number held exactly: value = mantissa / 10^scale.
struct Decimal {
  std::int64_t mantissa = 0;
  int scale = 0;  // digits after the point, 0..kMaxDecimalScale
};

inline constexpr int kMaxDecimalScale = 12;
inline constexpr int kMaxDecimalDigits = 18;

// Parses "7.1234", "1", "0.000125". Rejects signs, exponents, blanks, more than 18
// significant digits or 12 fractional digits, and zero (INVALID_ARGUMENT).
Result<Decimal> ParsePositiveDecimal(std::string_view text);

// Largest magnitude of a converted amount, in minor units of the target currency: 2^53, so
// that every amount is also exact as a double. Larger results are OUT_OF_RANGE.
inline constexpr std::int64_t kMaxExactMinorUnits = std::int64_t{1} << 53;

// Converts `minor_units` of a currency with `from_exponent` minor digits into minor units of
// a currency with `to_exponent` digits, at `rate` target major units per source major unit:
//   result = round_half_even(minor_units * rate * 10^(to_exponent - from_exponent)).
// Exact (128-bit integer arithmetic, no floating point). OUT_OF_RANGE when the result
// exceeds kMaxExactMinorUnits in magnitude.
Result<std::int64_t> ConvertMinorUnits(std::int64_t minor_units, int from_exponent,
                                       const Decimal& rate, int to_exponent);

}  // namespace credence::core

#endif  // CREDENCE_CORE_MONEY_H_
