// The variables rules and decision tables see, and how one request binds them.
//
//   every feature          double (NaN = missing: reading it is an error)
//   as_of                  timestamp
//   request_id             string
//   enterprise.id, .name, .zone, .sector, .country                      string
//   enterprise.registered_at                                             timestamp (unbound when
//   absent) enterprise.certifications   list(string), "scheme:level" ("AEO:advanced")
//   enterprise.licences         list(string), the types of ACTIVE licences
//   credit.available bool, credit.pd double, credit.score double, credit.grade string
//   compliance.available bool, compliance.score double, compliance.grade string
//   flags                  list(string), the flags raised by rule hits so far
#ifndef CREDENCE_RULES_CONTEXT_H_
#define CREDENCE_RULES_CONTEXT_H_

#include <string>
#include <vector>

#include "credence/result.h"
#include "credence/v1/score.pb.h"
#include "expr/checker.h"
#include "expr/program.h"

namespace credence::rules {

// Names a feature may not take because rules use them for request variables.
bool IsReservedName(std::string_view name);

// Declares every feature (by slot, in `feature_names` order) and the request variables.
// Errors: INVALID_ARGUMENT when a feature name is reserved (IsReservedName).
Result<expr::Environment> MakeEnvironment(const std::vector<std::string>& feature_names);

// Binds the request variables of `request` (not credit, compliance or flags).
void BindRequest(const v1::ScoreRequest& request, expr::Activation& activation);
// Binds credit.*.
void BindCredit(const v1::CreditResult& credit, expr::Activation& activation);
// Binds compliance.*.
void BindCompliance(const v1::ComplianceResult& compliance, expr::Activation& activation);
// Binds `flags` to the distinct flags of `hits` (non-errored), in first-raised order.
void BindFlags(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
               expr::Activation& activation);

}  // namespace credence::rules

#endif  // CREDENCE_RULES_CONTEXT_H_
