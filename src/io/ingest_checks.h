// The checks and conversions of request ingest that every reader shares (internal to module
// io): field paths formatted only when an error needs one, string limits and UTF-8, times
// and money. One implementation, so a request read from a message, from JSON or from the
// wire fails with the same error.
#ifndef CREDENCE_IO_INGEST_CHECKS_H_
#define CREDENCE_IO_INGEST_CHECKS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"
#include "credence/options.h"
#include "credence/result.h"
#include "credence/status.h"

namespace credence::io {

class FxTable;  // ingest.h

namespace internal {

// "<prefix>[<index>].<field>"; an empty field leaves out ".field".
std::string Path(std::string_view prefix, int index, std::string_view field = {});

// A field path that is only formatted when an error needs it: "<prefix>[<index>].<field>"
// (index < 0 leaves out "[i]"; an empty field leaves out ".field"), then `key` as ["key"].
struct FieldRef {
  std::string_view prefix;
  int index = -1;
  std::string_view field;
  std::string_view key;
  bool has_key = false;

  FieldRef Field(std::string_view f) const {
    FieldRef r = *this;
    r.field = f;
    return r;
  }
  FieldRef Key(std::string_view k) const {
    FieldRef r = *this;
    r.key = k;
    r.has_key = true;
    return r;
  }
  std::string str() const;
};

// True when every byte of `s` is ASCII (so `s` is valid UTF-8).
inline bool IsAscii(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t bits = 0;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    __builtin_memcpy(&w, p, 8);
    bits |= w;
  }
  for (; n > 0; ++p, --n) bits |= static_cast<unsigned char>(*p);
  return (bits & 0x8080808080808080ull) == 0;
}

// The size limit and UTF-8 of one string field (the slow half, out of line).
Status CheckStringSlow(std::string_view s, const FieldRef& path, std::int64_t event_index,
                       const RequestLimits& limits);

// Checks the size limit and UTF-8 of one string field. Errors: OUT_OF_RANGE above
// limits.max_string_bytes, INVALID_ARGUMENT for invalid UTF-8 (naming the byte).
inline Status CheckString(std::string_view s, const FieldRef& path, std::int64_t event_index,
                          const RequestLimits& limits) {
  if (s.size() <= limits.max_string_bytes && IsAscii(s)) [[likely]] {
    return OkStatus();
  }
  return CheckStringSlow(s, path, event_index, limits);
}

// seconds + nanos as a time. Errors: OUT_OF_RANGE outside 1677..2262 or nanos not in
// [0, 1e9).
Status TimeOutOfRange(const FieldRef& path, std::int64_t event_index);
inline Result<core::TimeNs> ToTime(std::int64_t seconds, std::int32_t nanos, const FieldRef& path,
                                   std::int64_t event_index) {
  if (auto ns = core::ToTimeNs(seconds, nanos)) [[likely]] {
    return *ns;
  }
  return TimeOutOfRange(path, event_index);
}

// Converts `minor_units` of `currency` into base-currency minor units. `path` names the
// Money field. Errors: INVALID_ARGUMENT for an unknown currency or one without a rate
// (at <path>.currency_code), OUT_OF_RANGE for a result above 2^53 minor units.
Result<std::int64_t> ToBase(std::string_view currency, std::int64_t minor_units, const FxTable& fx,
                            const FieldRef& path, std::int64_t event_index);

// Minor units as major units of a currency with `exponent` minor digits (exact for
// |minor| <= 2^53).
inline double MinorToMajor(std::int64_t minor, int exponent) {
  static constexpr double kPow10[] = {1, 10, 100, 1000, 10000, 100000};
  return static_cast<double>(minor) / kPow10[exponent];
}

}  // namespace internal
}  // namespace credence::io

#endif  // CREDENCE_IO_INGEST_CHECKS_H_
