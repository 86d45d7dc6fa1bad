// File: lint/governance_lint.h
//
// Governance checks of a bundle for `credence validate`: a model in production use (the
// credit model, and the challenger of a champion/challenger assignment, which decides for
// part of the traffic) must say who owns it, whether and when it was validated and by whom
// it was approved, what it is for, and what it was developed on (docs/governance.md).
// Stateless and thread-safe.
#ifndef CREDENCE_LINT_GOVERNANCE_LINT_H_
#define CREDENCE_LINT_GOVERNANCE_LINT_H_

#include <vector>

#include "credence/v1/bundle.pb.h"
#include "lint/bundle_lint.h"

namespace credence::lint {

// One finding per model in production use that lacks governance, or per missing field:
// owner, validation_status (or a status other than VALIDATED / VALIDATED_WITH_CONDITIONS),
// validation_date, approver, intended_use, development_sample_digest, and the development
// period (start and end).
std::vector<LintFinding> MissingGovernance(const v1::Bundle& bundle);

}  // namespace credence::lint

#endif  // CREDENCE_LINT_GOVERNANCE_LINT_H_
