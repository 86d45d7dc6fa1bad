#include "models/interval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace credence::models {
namespace {

std::string Num(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "+inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Whether `a` (starting no later than `b`) and `b` share a number.
bool Overlap(const NumericInterval& a, const NumericInterval& b) {
  if (a.upper > b.lower) return true;
  return a.upper == b.lower && a.upper_closed && b.lower_closed;
}

}  // namespace

std::string NumericInterval::ToString() const {
  return std::string(lower_closed && std::isfinite(lower) ? "[" : "(") + Num(lower) + ", " +
         Num(upper) + (upper_closed && std::isfinite(upper) ? "]" : ")");
}

Result<NumericInterval> CompileInterval(const v1::Interval& in, const std::string& path) {
  NumericInterval out;
  if (in.has_lower()) {
    if (!std::isfinite(in.lower())) {
      return InvalidArgumentError(
          "interval bounds must be finite numbers (leave a bound out for infinity)",
          {.field_path = path + ".lower"});
    }
    out.lower = in.lower();
    out.lower_closed = in.lower_closed();
  }
  if (in.has_upper()) {
    if (!std::isfinite(in.upper())) {
      return InvalidArgumentError(
          "interval bounds must be finite numbers (leave a bound out for infinity)",
          {.field_path = path + ".upper"});
    }
    out.upper = in.upper();
    out.upper_closed = in.upper_closed();
  }
  if (out.Empty()) {
    return InvalidArgumentError("interval " + out.ToString() + " contains no number",
                                {.field_path = path});
  }
  return out;
}

Status CheckIntervals(std::vector<PlacedInterval> intervals, bool require_cover,
                      const std::string& cover_path) {
  // Sort by where they start: lower bound, closed before open.
  std::stable_sort(intervals.begin(), intervals.end(),
                   [](const PlacedInterval& a, const PlacedInterval& b) {
                     if (a.interval.lower != b.interval.lower) {
                       return a.interval.lower < b.interval.lower;
                     }
                     return a.interval.lower_closed && !b.interval.lower_closed;
                   });
  // With non-empty intervals sorted by start, any overlap shows between neighbours.
  for (std::size_t i = 1; i < intervals.size(); ++i) {
    const PlacedInterval& a = intervals[i - 1];
    const PlacedInterval& b = intervals[i];
    if (Overlap(a.interval, b.interval)) {
      return InvalidArgumentError("interval " + b.interval.ToString() + " overlaps interval " +
                                      a.interval.ToString() + " at " + a.path,
                                  {.field_path = b.path});
    }
  }
  if (!require_cover) return OkStatus();
  if (intervals.empty()) {
    return InvalidArgumentError("no interval: every number must fall in one",
                                {.field_path = cover_path});
  }
  const NumericInterval& first = intervals.front().interval;
  if (!(std::isinf(first.lower) && first.lower_closed)) {
    return InvalidArgumentError("numbers below " + first.ToString() +
                                    " fall in no interval (the lowest must have no lower bound)",
                                {.field_path = intervals.front().path});
  }
  for (std::size_t i = 1; i < intervals.size(); ++i) {
    const NumericInterval& a = intervals[i - 1].interval;
    const NumericInterval& b = intervals[i].interval;
    // No overlap, so a.upper <= b.lower; a gap unless they meet with one end closed.
    if (a.upper < b.lower || (!a.upper_closed && !b.lower_closed)) {
      NumericInterval gap{a.upper, b.lower, !a.upper_closed, !b.lower_closed};
      return InvalidArgumentError("numbers in " + gap.ToString() + " between " + a.ToString() +
                                      " and " + b.ToString() + " fall in no interval",
                                  {.field_path = intervals[i].path});
    }
  }
  const NumericInterval& last = intervals.back().interval;
  if (!(std::isinf(last.upper) && last.upper_closed)) {
    return InvalidArgumentError("numbers above " + last.ToString() +
                                    " fall in no interval (the highest must have no upper bound)",
                                {.field_path = intervals.back().path});
  }
  return OkStatus();
}

}  // namespace credence::models
