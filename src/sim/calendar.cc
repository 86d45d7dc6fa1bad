// The simulator's calendar. See calendar.h.
#include "sim/calendar.h"

#include <array>
#include <cstddef>

namespace credence::sim {

Civil CivilFromDays(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

std::int64_t DaysFromCivil(int y, int m, int d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t ChineseNewYear(int year) noexcept {
  static constexpr std::array<std::array<int, 2>, 15> kDates = {{
      {2, 16},
      {2, 5},
      {1, 25},
      {2, 12},
      {2, 1},
      {1, 22},
      {2, 10},
      {1, 29},
      {2, 17},
      {2, 6},
      {1, 26},
      {2, 13},
      {2, 3},
      {1, 23},
      {2, 11},
  }};
  if (year >= 2018 && year <= 2032) {
    const auto& md = kDates[static_cast<std::size_t>(year - 2018)];
    return DaysFromCivil(year, md[0], md[1]);
  }
  return DaysFromCivil(year, 2, 5);
}

double Seasonality(std::int64_t day) noexcept {
  static constexpr std::array<double, 12> kMonth = {0.95, 0.85, 0.95, 0.95, 1.0,  1.08,
                                                    0.95, 0.95, 1.0,  1.05, 1.45, 1.35};
  const Civil c = CivilFromDays(day);
  double s = kMonth[static_cast<std::size_t>(c.month - 1)];
  if (c.month == 11 && (c.day == 11 || (c.day >= 24 && c.day <= 30))) s *= 1.6;
  const std::int64_t weekday = (day + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  if (weekday == 0 || weekday == 6) s *= 0.85;
  const std::int64_t cny = ChineseNewYear(c.year);
  if (day >= cny - 7 && day <= cny + 10) s *= 0.35;
  return s;
}

}  // namespace credence::sim
