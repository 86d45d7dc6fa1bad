#include "core/money.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "core/currency.h"
#include "tests/testing/status_matchers.h"

namespace credence::core {
namespace {

using ::credence::testing::IsOkAndHolds;
using ::credence::testing::StatusIs;
using ::testing::Eq;
using ::testing::HasSubstr;
__extension__ typedef __int128 Int128;

TEST(CurrencyTest, KnowsIso4217Exponents) {
  EXPECT_EQ(CurrencyExponent("USD"), 2);
  EXPECT_EQ(CurrencyExponent("CNY"), 2);
  EXPECT_EQ(CurrencyExponent("JPY"), 0);
  EXPECT_EQ(CurrencyExponent("KRW"), 0);
  EXPECT_EQ(CurrencyExponent("KWD"), 3);
  EXPECT_EQ(CurrencyExponent("BHD"), 3);
  EXPECT_EQ(CurrencyExponent("CLF"), 4);
  EXPECT_EQ(CurrencyExponent("usd"), std::nullopt);
  EXPECT_EQ(CurrencyExponent("XYZ"), std::nullopt);
  EXPECT_EQ(CurrencyExponent(""), std::nullopt);
  EXPECT_EQ(CurrencyExponent("XAU"), std::nullopt);
}

TEST(DecimalTest, ParsesPlainDecimals) {
  auto d = ParsePositiveDecimal("7.1234");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->mantissa, 71234);
  EXPECT_EQ(d->scale, 4);
  d = ParsePositiveDecimal("0.000125");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->mantissa, 125);
  EXPECT_EQ(d->scale, 6);
  d = ParsePositiveDecimal("1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->mantissa, 1);
  EXPECT_EQ(d->scale, 0);
  d = ParsePositiveDecimal("007.50");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->mantissa, 750);
  EXPECT_EQ(d->scale, 2);
}

TEST(DecimalTest, RejectsBadDecimals) {
  for (const char* bad : {"", "-1", "+1", "1e3", "1.2.3", " 1", "1 ", "abc", "0", "0.000", ".5",
                          "5.", "0.0000000000001", "1234567890123456789"}) {
    EXPECT_THAT(ParsePositiveDecimal(bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("")))
        << bad;
  }
}

TEST(ConvertTest, HandComputedExamples) {
  const Decimal one{1, 0};
  // 12.34 USD at 1 → 1234 cents.
  EXPECT_THAT(ConvertMinorUnits(1234, 2, one, 2), IsOkAndHolds(Eq(1234)));
  // 500 JPY at 0.0067 USD/JPY = 3.35 USD = 335 cents.
  EXPECT_THAT(ConvertMinorUnits(500, 0, Decimal{67, 4}, 2), IsOkAndHolds(Eq(335)));
  // 1.000 KWD (1000 fils) at 3.25 → 3.25 USD = 325 cents.
  EXPECT_THAT(ConvertMinorUnits(1000, 3, Decimal{325, 2}, 2), IsOkAndHolds(Eq(325)));
  // 100.00 CNY at 0.1385 = 13.85 USD.
  EXPECT_THAT(ConvertMinorUnits(10000, 2, Decimal{1385, 4}, 2), IsOkAndHolds(Eq(1385)));
  // 0.01 EUR at 1.08 = 0.0108 USD → 1 cent; 0.05 EUR → 0.054 → 5 cents.
  EXPECT_THAT(ConvertMinorUnits(1, 2, Decimal{108, 2}, 2), IsOkAndHolds(Eq(1)));
  EXPECT_THAT(ConvertMinorUnits(5, 2, Decimal{108, 2}, 2), IsOkAndHolds(Eq(5)));
  // Ties go to even: 0.25 at 0.5 (x10 to JPY-like 0 digits? no: to 1 digit less) .
  // 25 cents at 0.1 → 2.5 cents → 2; 35 cents at 0.1 → 3.5 → 4; negatives mirror.
  EXPECT_THAT(ConvertMinorUnits(25, 2, Decimal{1, 1}, 2), IsOkAndHolds(Eq(2)));
  EXPECT_THAT(ConvertMinorUnits(35, 2, Decimal{1, 1}, 2), IsOkAndHolds(Eq(4)));
  EXPECT_THAT(ConvertMinorUnits(-25, 2, Decimal{1, 1}, 2), IsOkAndHolds(Eq(-2)));
  EXPECT_THAT(ConvertMinorUnits(-35, 2, Decimal{1, 1}, 2), IsOkAndHolds(Eq(-4)));
  // USD cents into JPY (no minor unit) at 150: 1.99 USD = 298.5 JPY → 298 (even).
  EXPECT_THAT(ConvertMinorUnits(199, 2, Decimal{150, 0}, 0), IsOkAndHolds(Eq(298)));
}

TEST(ConvertTest, OutOfRangeBeyondTwoToThe53) {
  EXPECT_THAT(ConvertMinorUnits(kMaxExactMinorUnits, 2, Decimal{1, 0}, 2),
              IsOkAndHolds(Eq(kMaxExactMinorUnits)));
  EXPECT_THAT(ConvertMinorUnits(kMaxExactMinorUnits + 1, 2, Decimal{1, 0}, 2),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("2^53")));
  EXPECT_THAT(ConvertMinorUnits(INT64_MAX, 0, Decimal{999999999999999999, 0}, 4),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("2^53")));
  EXPECT_THAT(ConvertMinorUnits(INT64_MIN, 0, Decimal{999999999999999999, 0}, 4),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("2^53")));
}

// Property: r is the correctly rounded quotient num/den iff |num - r*den| * 2 <= den, with
// equality only when r is even. This checks the result without re-deriving it.
TEST(ConvertTest, RandomConversionsAreCorrectlyRounded) {
  std::mt19937_64 rng(42);
  int in_range = 0, out_of_range = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t minor =
        static_cast<std::int64_t>(rng() % 2'000'000'000'000ULL) - 1'000'000'000'000LL;
    const int from = static_cast<int>(rng() % 5);
    const int to = static_cast<int>(rng() % 5);
    const Decimal rate{static_cast<std::int64_t>(rng() % 100'000'000) + 1,
                       static_cast<int>(rng() % 13)};
    auto r = ConvertMinorUnits(minor, from, rate, to);
    Int128 p_to = 1, p_den = 1;
    for (int k = 0; k < to; ++k) p_to *= 10;
    for (int k = 0; k < rate.scale + from; ++k) p_den *= 10;
    const Int128 num = static_cast<Int128>(minor) * rate.mantissa * p_to;
    const Int128 abs_num = num < 0 ? -num : num;
    if (!r.ok()) {
      // Only when the exact value is beyond 2^53 + 1/2 in magnitude.
      ASSERT_EQ(r.status().code(), StatusCode::kOutOfRange);
      ASSERT_GT(abs_num * 2, (static_cast<Int128>(kMaxExactMinorUnits) * 2 + 1) * p_den);
      ++out_of_range;
      continue;
    }
    ++in_range;
    Int128 diff = num - static_cast<Int128>(*r) * p_den;
    if (diff < 0) diff = -diff;
    ASSERT_LE(diff * 2, p_den) << "minor=" << minor << " rate=" << rate.mantissa << "e-"
                               << rate.scale;
    if (diff * 2 == p_den) {
      ASSERT_EQ(*r % 2, 0) << "ties must round to even";
    }
  }
  // Both branches were exercised.
  EXPECT_GT(in_range, 1000);
  EXPECT_GT(out_of_range, 100);
}

}  // namespace
}  // namespace credence::core
