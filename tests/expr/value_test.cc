// Values, static types and time helpers.
#include "expr/value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "expr/time_util.h"
#include "expr/types.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

using ::credence::testing::IsOkAndHolds;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ValueTest, HeterogeneousNumericEquality) {
  EXPECT_TRUE(ValuesEqual(Value::Int(1), Value::Double(1.0)));
  EXPECT_TRUE(ValuesEqual(Value::Uint(1), Value::Int(1)));
  EXPECT_FALSE(ValuesEqual(Value::Int(-1), Value::Uint(std::numeric_limits<std::uint64_t>::max())));
  EXPECT_FALSE(ValuesEqual(Value::Double(std::nan("")), Value::Double(std::nan(""))));
  EXPECT_FALSE(ValuesEqual(Value::String("1"), Value::Int(1)));
}

TEST(ValueTest, OrderingAcrossNumericKinds) {
  EXPECT_EQ(CompareValues(Value::Int(-1), Value::Uint(0)), Ordering::kLess);
  EXPECT_EQ(CompareValues(Value::Uint(5), Value::Int(-5)), Ordering::kGreater);
  EXPECT_EQ(CompareValues(Value::Int(2), Value::Double(1.5)), Ordering::kGreater);
  EXPECT_EQ(CompareValues(Value::Double(std::nan("")), Value::Int(1)), Ordering::kUnordered);
  EXPECT_EQ(CompareValues(Value::List({}), Value::List({})), std::nullopt);
  EXPECT_EQ(CompareValues(Value::String("a"), Value::Int(1)), std::nullopt);
}

TEST(ValueTest, MapLookupAcrossNumericKeys) {
  MapValue m;
  std::string error;
  ASSERT_TRUE(m.Insert(Value::Int(1), Value::String("one"), &error));
  ASSERT_TRUE(m.Insert(Value::Uint(2), Value::String("two"), &error));
  ASSERT_NE(m.Find(Value::Uint(1)), nullptr);
  ASSERT_NE(m.Find(Value::Double(2.0)), nullptr);
  EXPECT_EQ(m.Find(Value::Double(2.5)), nullptr);
  EXPECT_FALSE(m.Insert(Value::Uint(1), Value::Null(), &error));
  EXPECT_THAT(error, HasSubstr("repeated"));
  EXPECT_FALSE(m.Insert(Value::Double(3.0), Value::Null(), &error));
  EXPECT_THAT(error, HasSubstr("unsupported key type"));
}

TEST(ValueTest, DebugStrings) {
  EXPECT_EQ(Value::Int(-3).DebugString(), "-3");
  EXPECT_EQ(Value::Uint(3).DebugString(), "3u");
  EXPECT_EQ(Value::Double(2).DebugString(), "2.0");
  EXPECT_EQ(Value::String("a\"b").DebugString(), "\"a\\\"b\"");
  EXPECT_EQ(Value::Bytes(std::string("\x00\xff", 2)).DebugString(), "b\"\\x00\\xff\"");
  EXPECT_EQ(Value::List({Value::Int(1), Value::Null()}).DebugString(), "[1, null]");
  EXPECT_EQ(Value::Dur(Duration{1'500'000'000}).DebugString(), "duration(\"1.5s\")");
}

TEST(ValueTest, OptionalsCompareByPresenceAndValue) {
  EXPECT_TRUE(ValuesEqual(Value::OptionalNone(), Value::OptionalNone()));
  EXPECT_TRUE(ValuesEqual(Value::Optional(Value::Int(1)), Value::Optional(Value::Double(1.0))));
  EXPECT_FALSE(ValuesEqual(Value::Optional(Value::Int(1)), Value::OptionalNone()));
  EXPECT_EQ(Value::Optional(Value::Int(1)).DebugString(), "optional.of(1)");
  EXPECT_EQ(Value::OptionalNone().type().name, "optional_type");
}

TEST(ValueTest, NumbersDoNotAllocateAndCopyCheaply) {
  Value a = Value::Double(1.5);
  Value b = a;
  EXPECT_EQ(b.double_value(), 1.5);
  Value s = Value::String("shared");
  Value t = s;
  EXPECT_EQ(&s.string_value(), &t.string_value());  // payload is shared, not copied
}

TEST(TypeTest, ParseAndPrint) {
  EXPECT_THAT(Type::Parse("map(string, list(double))"),
              IsOkAndHolds(Type::Map(Type::String(), Type::List(Type::Double()))));
  EXPECT_THAT(Type::Parse("google.protobuf.Duration"), IsOkAndHolds(Type::Duration()));
  EXPECT_EQ(Type::List(Type::Int()).ToString(), "list(int)");
  EXPECT_THAT(Type::Parse("optional_type(list(int))"),
              IsOkAndHolds(Type::Optional(Type::List(Type::Int()))));
  EXPECT_THAT(Type::Parse("list(foo)"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("foo")));
}

TEST(TypeTest, AssignabilityWithDyn) {
  EXPECT_TRUE(IsAssignable(Type::List(Type::Dyn()), Type::List(Type::Int())));
  EXPECT_FALSE(IsAssignable(Type::List(Type::String()), Type::List(Type::Int())));
  EXPECT_TRUE(IsAssignable(Type::Int(), Type::Dyn()));
  EXPECT_EQ(JoinTypes(Type::Int(), Type::Double()), Type::Dyn());
  EXPECT_EQ(JoinTypes(Type::Int(), Type::Int()), Type::Int());
}

TEST(TimeTest, ParseAndFormatTimestamps) {
  // 2009-02-13T23:31:30Z is Unix time 1234567890 (a well-known instant).
  EXPECT_THAT(ParseTimestamp("2009-02-13T23:31:30Z"), IsOkAndHolds(Timestamp{1234567890, 0}));
  EXPECT_THAT(ParseTimestamp("2009-02-14T00:31:30.5+01:00"),
              IsOkAndHolds(Timestamp{1234567890, 500'000'000}));
  EXPECT_THAT(ParseTimestamp("0001-01-01T00:00:00Z"),
              IsOkAndHolds(Timestamp{kMinTimestampSeconds, 0}));
  EXPECT_EQ(FormatTimestamp(Timestamp{1234567890, 120'000'000}), "2009-02-13T23:31:30.12Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-1, 0}), "1969-12-31T23:59:59Z");
  EXPECT_THAT(ParseTimestamp("2009-02-13 23:31:30"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid timestamp")));
  EXPECT_THAT(ParseTimestamp("2009-02-13 23:31:30Z"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid timestamp")));
  EXPECT_THAT(ParseTimestamp("2016-12-31T23:59:60Z"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid timestamp")));
  EXPECT_THAT(ParseTimestamp("10000-01-01T00:00:00Z"),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("range")));
}

TEST(TimeTest, ParseAndFormatDurations) {
  EXPECT_THAT(ParseDuration("1h30m"), IsOkAndHolds(Duration{5'400'000'000'000}));
  EXPECT_THAT(ParseDuration("-1.5s"), IsOkAndHolds(Duration{-1'500'000'000}));
  EXPECT_THAT(ParseDuration("1\xC2\xB5s"), IsOkAndHolds(Duration{1000}));
  EXPECT_THAT(ParseDuration("0"), IsOkAndHolds(Duration{0}));
  EXPECT_THAT(ParseDuration("1d"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("1d")));
  EXPECT_THAT(ParseDuration("9223372036854775808ns"),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("range")));
  // Large magnitudes must not wrap around in the 128-bit accumulator (2^100 hours).
  EXPECT_THAT(ParseDuration("1267650600228229401496703205376h"),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("range")));
  EXPECT_THAT(ParseDuration("99999999999999999999999999999999999999999h"),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("range")));
  EXPECT_THAT(ParseDuration("-9223372036854775808ns"),
              IsOkAndHolds(Duration{std::numeric_limits<std::int64_t>::min()}));
  EXPECT_EQ(FormatDuration(Duration{-1'000}), "-0.000001s");
  EXPECT_EQ(FormatDuration(Duration{3'600'000'000'000}), "3600s");
}

TEST(TimeTest, CivilConversions) {
  CivilTime c = ToCivil(951782400);  // 2000-02-29T00:00:00Z, a leap day
  EXPECT_EQ(c.year, 2000);
  EXPECT_EQ(c.month, 2);
  EXPECT_EQ(c.day, 29);
  EXPECT_EQ(c.day_of_week, 2);  // Tuesday
  EXPECT_EQ(c.day_of_year, 59);
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
}

TEST(TimeTest, ZonesFromTzDatabaseAndOffsets) {
  ASSERT_OK_AND_ASSIGN(TimeZone kolkata, TimeZone::Load("Asia/Kolkata"));
  EXPECT_EQ(kolkata.OffsetAt(1234567890), 19800);
  ASSERT_OK_AND_ASSIGN(TimeZone fixed, TimeZone::Load("-02:30"));
  EXPECT_EQ(fixed.OffsetAt(0), -9000);
  EXPECT_THAT(TimeZone::Load("../etc/passwd"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid time zone")));
  EXPECT_THAT(TimeZone::Load("Nowhere/Land"),
              StatusIs(StatusCode::kNotFound, HasSubstr("unknown")));
  EXPECT_THAT(TimeZone::Load("+24:00"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("offset")));
  // The host's own zone would make results depend on the machine.
  EXPECT_THAT(TimeZone::Load("localtime"), StatusIs(StatusCode::kNotFound, HasSubstr("unknown")));
}

// After the last transition a zone file lists (Debian's files stop in 2037), only the POSIX
// rule of the file's footer gives the offset. US daylight time (Energy Policy Act of 2005):
// from 2 a.m. on the second Sunday of March to 2 a.m. on the first Sunday of November,
// UTC-4; otherwise UTC-5. In 2040 those Sundays are March 11 and November 4.
TEST(TimeTest, OffsetsBeyondTheLastTransitionFollowThePosixRule) {
  ASSERT_OK_AND_ASSIGN(TimeZone ny, TimeZone::Load("America/New_York"));
  auto at = [](const char* rfc3339) { return ParseTimestamp(rfc3339).value().seconds; };
  EXPECT_EQ(ny.OffsetAt(at("2040-07-01T12:00:00Z")), -4 * 3600);  // summer: EDT
  EXPECT_EQ(ny.OffsetAt(at("2040-01-15T12:00:00Z")), -5 * 3600);  // winter: EST
  EXPECT_EQ(ny.OffsetAt(at("2040-03-11T06:59:59Z")), -5 * 3600);  // 01:59:59 EST
  EXPECT_EQ(ny.OffsetAt(at("2040-03-11T07:00:00Z")), -4 * 3600);  // 03:00:00 EDT
  EXPECT_EQ(ny.OffsetAt(at("2040-11-04T05:59:59Z")), -4 * 3600);  // 01:59:59 EDT
  EXPECT_EQ(ny.OffsetAt(at("2040-11-04T06:00:00Z")), -5 * 3600);  // 01:00:00 EST again
  // Southern hemisphere: Sydney is on daylight time (UTC+11) in January 2045.
  ASSERT_OK_AND_ASSIGN(TimeZone sydney, TimeZone::Load("Australia/Sydney"));
  EXPECT_EQ(sydney.OffsetAt(at("2045-01-10T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(at("2045-07-10T00:00:00Z")), 10 * 3600);
}

}  // namespace
}  // namespace credence::expr
