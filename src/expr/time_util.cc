// Timestamps, durations and time zones. See time_util.h.
#include "expr/time_util.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>

namespace credence::expr {
namespace {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 Uint128;

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`.
bool ReadDigits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

// Parses "+hh:mm", "-hh:mm" or "hh:mm" into seconds east of UTC.
bool ParseOffset(std::string_view s, std::int64_t& out) {
  int sign = 1;
  std::size_t pos = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    pos = 1;
  }
  int h = 0, m = 0;
  if (!ReadDigits(s, pos, 2, h)) return false;
  if (pos >= s.size() || s[pos] != ':') return false;
  ++pos;
  if (!ReadDigits(s, pos, 2, m) || pos != s.size()) return false;
  if (h > 23 || m > 59) return false;
  out = sign * (h * 3600 + m * 60);
  return true;
}

}  // namespace

bool TimestampInRange(Timestamp t) {
  return t.seconds >= kMinTimestampSeconds && t.seconds <= kMaxTimestampSeconds;
}

std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  // Howard Hinnant's days_from_civil algorithm (public domain description).
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime ToCivil(std::int64_t local_seconds) {
  std::int64_t days = local_seconds / 86400;
  std::int64_t rem = local_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  CivilTime c{};
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  // civil_from_days.
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = y + (c.month <= 2);
  std::int64_t wd = (days + 4) % 7;  // 1970-01-01 was a Thursday
  if (wd < 0) wd += 7;
  c.day_of_week = static_cast<int>(wd);
  c.day_of_year = static_cast<int>(days - DaysFromCivil(c.year, 1, 1));
  return c;
}

Result<Timestamp> ParseTimestamp(std::string_view s) {
  auto bad = [&] { return InvalidArgumentError("invalid timestamp '" + std::string(s) + "'"); };
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, pos, 4, year)) {
    // Five or more year digits are syntactically a year beyond 9999.
    std::size_t p = 0;
    while (p < s.size() && IsDigit(s[p])) ++p;
    if (p > 4 && p < s.size() && s[p] == '-') {
      return OutOfRangeError("timestamp out of range '" + std::string(s) + "'");
    }
    return bad();
  }
  if (pos < s.size() && IsDigit(s[pos])) {
    return OutOfRangeError("timestamp out of range '" + std::string(s) + "'");
  }
  if (pos >= s.size() || s[pos++] != '-' || !ReadDigits(s, pos, 2, month) || pos >= s.size() ||
      s[pos++] != '-' || !ReadDigits(s, pos, 2, day) || pos >= s.size() ||
      (s[pos] != 'T' && s[pos] != 't')) {
    return bad();
  }
  ++pos;
  if (!ReadDigits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' ||
      !ReadDigits(s, pos, 2, minute) || pos >= s.size() || s[pos++] != ':' ||
      !ReadDigits(s, pos, 2, second)) {
    return bad();
  }
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    std::size_t end = pos + 6;
    if (end > s.size() || !ParseOffset(s.substr(pos, 6), offset)) return bad();
    pos = end;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1] || hour > 23 || minute > 59 ||
      second > 59) {  // no leap seconds (protobuf Timestamp, cel-go)
    return bad();
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return bad();
  std::int64_t secs =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  Timestamp t{secs, static_cast<std::int32_t>(nanos)};
  if (!TimestampInRange(t)) {
    return OutOfRangeError("timestamp out of range '" + std::string(s) + "'");
  }
  return t;
}

std::string FormatTimestamp(Timestamp t) {
  CivilTime c = ToCivil(t.seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute, c.second);
  std::string out = buf;
  if (t.nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09d", static_cast<int>(t.nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += 'Z';
  return out;
}

Result<Duration> ParseDuration(std::string_view s) {
  auto bad = [&] { return InvalidArgumentError("invalid duration '" + std::string(s) + "'"); };
  auto range = [&] { return OutOfRangeError("duration out of range '" + std::string(s) + "'"); };
  std::size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
    neg = s[pos] == '-';
    ++pos;
  }
  if (s.substr(pos) == "0") return Duration{0};
  if (pos >= s.size()) return bad();
  // Accumulate in unsigned 128-bit nanoseconds to detect overflow exactly.
  Uint128 total = 0;
  const Uint128 kLimit = static_cast<Uint128>(1) << 63;
  while (pos < s.size()) {
    Uint128 whole = 0;
    bool any = false;
    while (pos < s.size() && IsDigit(s[pos])) {
      whole = whole * 10 + (s[pos] - '0');
      if (whole > (static_cast<Uint128>(1) << 64)) return range();  // keeps whole * unit exact
      ++pos;
      any = true;
    }
    Uint128 frac = 0, frac_scale = 1;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && IsDigit(s[pos])) {
        if (frac_scale < 1'000'000'000'000'000'000ULL) {
          frac = frac * 10 + (s[pos] - '0');
          frac_scale *= 10;
        }
        ++pos;
        any = true;
      }
    }
    if (!any) return bad();
    std::uint64_t unit = 0;
    std::string_view rest = s.substr(pos);
    auto starts = [&](std::string_view u) { return rest.substr(0, u.size()) == u; };
    if (starts("ns")) {
      unit = 1, pos += 2;
    } else if (starts("us")) {
      unit = 1000, pos += 2;
    } else if (starts("\xC2\xB5s")) {  // µs
      unit = 1000, pos += 3;
    } else if (starts("ms")) {
      unit = 1'000'000, pos += 2;
    } else if (starts("s")) {
      unit = kNanosPerSecond, pos += 1;
    } else if (starts("m")) {
      unit = 60 * kNanosPerSecond, pos += 1;
    } else if (starts("h")) {
      unit = 3600 * kNanosPerSecond, pos += 1;
    } else {
      return bad();
    }
    total += whole * unit + frac * unit / frac_scale;
    if (total > kLimit) return range();
  }
  if (!neg && total == kLimit) return range();
  std::int64_t n = neg ? static_cast<std::int64_t>(-static_cast<Int128>(total))
                       : static_cast<std::int64_t>(total);
  return Duration{n};
}

std::string FormatDuration(Duration d) {
  std::string out;
  Uint128 mag = d.nanos < 0 ? static_cast<Uint128>(-static_cast<Int128>(d.nanos))
                            : static_cast<Uint128>(d.nanos);
  if (d.nanos < 0) out += '-';
  std::uint64_t secs = static_cast<std::uint64_t>(mag / kNanosPerSecond);
  std::uint64_t nanos = static_cast<std::uint64_t>(mag % kNanosPerSecond);
  out += std::to_string(secs);
  if (nanos != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09llu", static_cast<unsigned long long>(nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += 's';
  return out;
}

Result<Timestamp> AddDuration(Timestamp t, Duration d) {
  Int128 total = static_cast<Int128>(t.seconds) * kNanosPerSecond + t.nanos + d.nanos;
  Int128 secs = total / kNanosPerSecond;
  Int128 nanos = total % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    --secs;
  }
  if (secs < kMinTimestampSeconds || secs > kMaxTimestampSeconds) {
    return OutOfRangeError("timestamp out of range");
  }
  return Timestamp{static_cast<std::int64_t>(secs), static_cast<std::int32_t>(nanos)};
}

Result<Duration> SubtractTimestamps(Timestamp a, Timestamp b) {
  Int128 diff =
      (static_cast<Int128>(a.seconds) - b.seconds) * kNanosPerSecond + (a.nanos - b.nanos);
  if (diff > std::numeric_limits<std::int64_t>::max() ||
      diff < std::numeric_limits<std::int64_t>::min()) {
    return OutOfRangeError("duration out of range");
  }
  return Duration{static_cast<std::int64_t>(diff)};
}

TimeZone TimeZone::Fixed(std::int64_t offset_seconds) {
  return TimeZone(absl::FixedTimeZone(static_cast<int>(offset_seconds)));
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name.empty() || name == "UTC" || name == "Z" || name == "GMT" || name == "Etc/UTC") {
    return Fixed(0);
  }
  std::int64_t offset = 0;
  if (name[0] == '+' || name[0] == '-' || IsDigit(name[0])) {
    if (!ParseOffset(name, offset)) {
      return InvalidArgumentError("invalid time zone offset '" + std::string(name) + "'");
    }
    return Fixed(offset);
  }
  // IANA name: letters, digits, '_', '-', '+', '/' only; no "..", no leading '/'.
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' ||
              c == '-' || c == '+' || c == '/';
    if (!ok) return InvalidArgumentError("invalid time zone '" + std::string(name) + "'");
  }
  if (name.find("..") != std::string_view::npos || name.front() == '/' || name.size() > 64) {
    return InvalidArgumentError("invalid time zone '" + std::string(name) + "'");
  }
  absl::TimeZone zone;
  // "localtime" would be the host's zone: never, so results do not depend on the host.
  if (name == "localtime" || !absl::LoadTimeZone(std::string(name), &zone)) {
    return NotFoundError("unknown time zone '" + std::string(name) + "'");
  }
  return TimeZone(zone);
}

std::int64_t TimeZone::OffsetAt(std::int64_t unix_seconds) const {
  return zone_.At(absl::FromUnixSeconds(unix_seconds)).offset;
}

}  // namespace credence::expr
