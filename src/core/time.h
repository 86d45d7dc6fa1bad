// Time as int64 nanoseconds since the Unix epoch (UTC), the engine's internal clock.
#ifndef CREDENCE_CORE_TIME_H_
#define CREDENCE_CORE_TIME_H_

#include <cstdint>
#include <limits>
#include <optional>

namespace credence::core {

using TimeNs = std::int64_t;      // nanoseconds since 1970-01-01T00:00:00Z
using DurationNs = std::int64_t;  // nanoseconds

inline constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr std::int64_t kNanosPerDay = 86'400 * kNanosPerSecond;

// Representable times: 1677-09-21T00:12:44Z .. 2262-04-11T23:47:16Z. Seconds outside
// [kMinSeconds, kMaxSeconds] are rejected at ingest.
inline constexpr std::int64_t kMinSeconds =
    std::numeric_limits<std::int64_t>::min() / kNanosPerSecond + 1;
inline constexpr std::int64_t kMaxSeconds =
    std::numeric_limits<std::int64_t>::max() / kNanosPerSecond - 1;

// seconds + nanos as TimeNs, or nullopt when out of the representable range or nanos is not
// in [0, 1e9).
inline std::optional<TimeNs> ToTimeNs(std::int64_t seconds, std::int32_t nanos) noexcept {
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  if (nanos < 0 || nanos >= kNanosPerSecond) return std::nullopt;
  return seconds * kNanosPerSecond + nanos;
}

}  // namespace credence::core

#endif  // CREDENCE_CORE_TIME_H_
