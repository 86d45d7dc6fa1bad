// File: expr/time_util.h
//
// Timestamps, durations and time zones for the expression language.
//
// Time zones: "UTC", fixed offsets "+05:30" / "-02:30" / "02:00", and IANA names
// ("Australia/Sydney") from the system tz database (/usr/share/zoneinfo, or $TZDIR), through
// abseil's time library: transitions from the TZif file and, after the last one, the
// POSIX TZ rule of its footer (so a 2040 summer date in America/New_York is EDT). GCC 12's
// libstdc++ has no <chrono> time-zone database, hence abseil.
//
// Loading: abseil reads a zone file once per process and keeps the compiled zone (and, for
// a name that does not load, a note of that) in its own cache; TimeZone::Load afterwards
// costs a lookup. Constant zones in an expression are loaded once when it is compiled.
//
// All functions are thread-safe; TimeZone is an immutable value.
#ifndef CREDENCE_EXPR_TIME_UTIL_H_
#define CREDENCE_EXPR_TIME_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <absl/time/time.h>

#include "credence/result.h"
#include "expr/value.h"

namespace credence::expr {

// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z since the Unix epoch.
inline constexpr std::int64_t kMinTimestampSeconds = -62135596800;
inline constexpr std::int64_t kMaxTimestampSeconds = 253402300799;

bool TimestampInRange(Timestamp t);

// Parses RFC 3339 ("2009-02-13T23:31:30Z", "2009-02-13T23:31:30.123+01:00"). Errors:
// kInvalidArgument for bad syntax, kOutOfRange outside the CEL range.
Result<Timestamp> ParseTimestamp(std::string_view text);
// RFC 3339 in UTC with the fraction trimmed of trailing zeros ("2009-02-13T23:31:30.5Z").
std::string FormatTimestamp(Timestamp t);

// Parses Go-style durations: an optional sign then one or more decimal numbers with a unit
// among h, m, s, ms, us (or µs), ns ("1h30m", "-1.5s", "100ms"). Errors: kInvalidArgument for
// bad syntax, kOutOfRange when the value does not fit int64 nanoseconds.
Result<Duration> ParseDuration(std::string_view text);
// Seconds with the shortest exact fraction and an "s" suffix ("1000000s", "1.5s", "-0.000001s").
std::string FormatDuration(Duration d);

// Adds with range checks; kOutOfRange on overflow or when the result leaves the CEL range.
Result<Timestamp> AddDuration(Timestamp t, Duration d);
Result<Duration> SubtractTimestamps(Timestamp a, Timestamp b);

// A resolved time zone: a UTC offset as a function of the instant. Immutable and cheap to
// copy (a handle to abseil's compiled zone).
class TimeZone {
 public:
  // "UTC"/"Z"/"GMT"/"Etc/UTC"/"", "+hh:mm", "-hh:mm", "hh:mm", or an IANA name (letters,
  // digits, '_', '-', '+', '/'; no "..", no leading '/', at most 64 bytes). Errors:
  // kInvalidArgument for a malformed name or offset, kNotFound for an unknown zone.
  static Result<TimeZone> Load(std::string_view name);
  static TimeZone Fixed(std::int64_t offset_seconds);
  // Offset east of UTC, in seconds, at the instant `unix_seconds`.
  std::int64_t OffsetAt(std::int64_t unix_seconds) const;

 private:
  explicit TimeZone(absl::TimeZone zone) : zone_(zone) {}
  absl::TimeZone zone_;
};

// Broken-down civil time.
struct CivilTime {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour, minute, second;
  int day_of_week;  // 0 = Sunday
  int day_of_year;  // 0-based
};
CivilTime ToCivil(std::int64_t local_seconds);
// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t DaysFromCivil(std::int64_t y, int m, int d);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_TIME_UTIL_H_
