// Back-testing a PD model's calibration: the Jeffreys test of one rating grade (or a whole
// portfolio), as the ECB's instructions for reporting the validation results of internal
// models describe it (2019, section 2.5.3.1), with Boost.Math's beta distribution. See
// docs/governance.md ("Monitoring").
//
// With N obligors of which D defaulted, the Jeffreys posterior of the default rate is
// Beta(D + 1/2, N - D + 1/2). For a predicted PD (the grade's mean PD):
//   p_value = F_Beta(PD)               (small: the observed rate is higher than predicted)
//   interval = the central 1 - alpha posterior interval [q(alpha / 2), q(1 - alpha / 2)]
// The PD under-predicts when PD < lower (p_value < alpha / 2) and over-predicts when
// PD > upper (p_value > 1 - alpha / 2).
//
// Pure functions; thread-safe.
#ifndef CREDENCE_FIT_CALIBRATION_H_
#define CREDENCE_FIT_CALIBRATION_H_

#include <cstdint>

#include "credence/result.h"

namespace credence::fit {

struct JeffreysResult {
  double lower = 0, upper = 0;  // the central 1 - alpha interval of the default rate
  double p_value = 0;           // F_Beta(pd): the one-sided p-value of the ECB test
  bool under_predicts = false;  // pd < lower
  bool over_predicts = false;   // pd > upper
};

// INVALID_ARGUMENT: n < 1, defaults outside [0, n], pd outside [0, 1], alpha outside (0, 1).
Result<JeffreysResult> JeffreysTest(std::int64_t n, std::int64_t defaults, double pd, double alpha);

}  // namespace credence::fit

#endif  // CREDENCE_FIT_CALIBRATION_H_
