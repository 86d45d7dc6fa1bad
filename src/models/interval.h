// Numeric intervals (credence.v1.Interval) compiled for matching, and the checks that a list
// of them neither overlaps nor leaves gaps. Shared by scorecards and WoE binnings.
#ifndef CREDENCE_MODELS_INTERVAL_H_
#define CREDENCE_MODELS_INTERVAL_H_

#include <limits>
#include <string>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"

namespace credence::models {

// An absent bound is infinite and includes the infinity (so +inf falls in (x, +inf)). NaN is
// in no interval.
struct NumericInterval {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool lower_closed = true;
  bool upper_closed = true;

  bool Contains(double x) const {
    return (lower_closed ? x >= lower : x > lower) && (upper_closed ? x <= upper : x < upper);
  }
  // No number is inside (lower > upper, or lower == upper without both ends closed).
  bool Empty() const {
    return lower > upper || (lower == upper && !(lower_closed && upper_closed));
  }
  // "[1, 2)", "(-inf, 5]".
  std::string ToString() const;
};

// Errors: INVALID_ARGUMENT at `path` for a NaN or infinite bound (leave the bound out for
// infinity) or an empty interval.
Result<NumericInterval> CompileInterval(const v1::Interval& interval, const std::string& path);

// One interval of a list, with the field path it came from.
struct PlacedInterval {
  NumericInterval interval;
  std::string path;
};

// Checks that no two intervals share a number. With `require_cover`, also that together they
// cover every number from -inf to +inf. Errors name the offending intervals' paths; the first
// path is the error's location.
Status CheckIntervals(std::vector<PlacedInterval> intervals, bool require_cover,
                      const std::string& cover_path);

}  // namespace credence::models

#endif  // CREDENCE_MODELS_INTERVAL_H_
