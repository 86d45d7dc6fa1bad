// The simulator's calendar: civil dates from day numbers and back, Chinese New Year, and the
// demand multiplier of a calendar day (docs/simulator.md, "Trade flows").
#ifndef CREDENCE_SIM_CALENDAR_H_
#define CREDENCE_SIM_CALENDAR_H_

#include <cstdint>

namespace credence::sim {

// A proleptic Gregorian date.
struct Civil {
  int year, month, day;
};

// Days since 1970-01-01 -> (year, month 1-12, day 1-31), Howard Hinnant's civil_from_days.
Civil CivilFromDays(std::int64_t z) noexcept;
// The inverse: days since 1970-01-01 of (y, m, d).
std::int64_t DaysFromCivil(int y, int m, int d) noexcept;

// Chinese New Year (first day of the first lunar month), 2018-2032; other years: 5 February.
std::int64_t ChineseNewYear(int year) noexcept;

// Demand multiplier of a calendar day: month profile (Q4 peak, "618" in June), Singles' Day
// and Black Friday week, weekends, and the Chinese New Year shutdown (supply side: a week
// before to ten days after, orders and shipments fall to about a third).
double Seasonality(std::int64_t day) noexcept;

}  // namespace credence::sim

#endif  // CREDENCE_SIM_CALENDAR_H_
