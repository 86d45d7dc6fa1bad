// File: rules/context.h
//
// The variables rules and decision tables see, in one table (RequestVariables): each
// variable's name, type, when in scoring it becomes known, how its value is read from a
// request, and what it means. The same table declares the variables to the expression
// checker (MakeEnvironment), binds them for one request (BindRequest, BindCredit,
// BindCompliance, BindFlags) and explains them (DescribeReads, for `credence explain`).
//
//   every feature          double (NaN = missing: reading it is an error)
//   as_of                  timestamp
//   request_id             string
//   enterprise.id, .name, .zone, .sector, .country                      string
//   enterprise.registered_at      timestamp (unbound when absent)
//   enterprise.certifications     list(string), "scheme:level" ("AEO:advanced"), valid at as_of
//   enterprise.licences           list(string), the types of licences valid at as_of
//   enterprise.expired_certifications, .pending_certifications   map(string, timestamp)
//   enterprise.expired_licences, .pending_licences               map(string, timestamp)
//   enterprise.customs_grade string, .customs_grade_effective_at timestamp (unbound if none)
//   credit.available bool, credit.pd double, credit.score double, credit.grade string
//   compliance.available bool, compliance.score double, compliance.grade string,
//   compliance.watch bool, compliance.official_agrees bool
//   flags                  list(string), the flags raised by rule hits so far
//
// Screening rules (Bundle.screening, docs/screening.md) see two more kinds of variable:
//
//   event.id, .kind ("ORDER", "REFUND", ... the EventKind name without EVENT_KIND_),
//   .custom_kind, .currency, .counterparty, .destination_country, .origin_country, .channel,
//   .status, .reference_id                                              string
//   event.time             timestamp
//   event.amount           double, base-currency major units (unbound without an amount)
//   event.has_amount       bool
//   event.attributes       map(string, dyn): string, int, double, bool, timestamp; money in
//                          base-currency major units
//   lists.<name>           list(string), each named list of the bundle
//
// **Example**:
//
//   Result<expr::Environment> env = MakeEnvironment({"refund_rate_90d"});
//   expr::Activation activation;
//   BindRequest(request, activation);         // as_of, request_id, enterprise.*
//   BindCredit(response.credit(), activation);
//
// Everything here is stateless and thread-safe; the table is immutable.
#ifndef CREDENCE_RULES_CONTEXT_H_
#define CREDENCE_RULES_CONTEXT_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/v1/score.pb.h"
#include "expr/checker.h"
#include "expr/program.h"
#include "io/event_table.h"

namespace credence::rules {

// The event a screening rule decides: the message as sent and its ingested row (row 0 of
// `table`: amount and money attributes in the base currency).
struct EventView {
  const v1::Event* event = nullptr;
  const io::EventTable* table = nullptr;
};

// What rules can see of one request as it is scored: the request and, once computed, the
// credit and compliance results and the rule hits so far. A null pointer is not known yet.
struct RequestView {
  const v1::ScoreRequest* request = nullptr;
  const v1::CreditResult* credit = nullptr;
  const v1::ComplianceResult* compliance = nullptr;
  const google::protobuf::RepeatedPtrField<v1::RuleHit>* hits = nullptr;
  const EventView* event = nullptr;  // screening only
};

// The step of scoring after which a variable is known (and bound).
enum class VariableStage {
  kRequest,     // as_of, request_id, enterprise.*: before rules run
  kCredit,      // credit.*: after the credit model, before rules run
  kCompliance,  // compliance.*: after the rules, for decision tables
  kFlags,       // flags: after the rules, for decision tables
  kEvent,       // event.*: screening rules only, bound from the event being decided
};

// One request variable.
struct RequestVariable {
  std::string_view name;  // fully qualified, e.g. "enterprise.zone"
  expr::Type (*type)();
  VariableStage stage;
  // Its value for a request, or nullopt when the request leaves it unbound (reading it is
  // then an error). REQUIRES: the view holds what `stage` needs.
  std::optional<expr::Value> (*get)(const RequestView& view);
  std::string_view unbound_text;  // how an explanation shows an unbound value
  std::string_view description;
};

// Every request variable, in declaration order.
std::span<const RequestVariable> RequestVariables();

// Names a feature may not take because rules use them for request variables (the first
// component of each request variable: "as_of", "enterprise", ...).
bool IsReservedName(std::string_view name);

// Declares every feature (by slot, in `feature_names` order) and the request variables
// (not event.*). Errors: INVALID_ARGUMENT when a feature name is reserved (IsReservedName).
Result<expr::Environment> MakeEnvironment(const std::vector<std::string>& feature_names);
// The environment of screening rules: MakeEnvironment's, event.* and `lists.<name>` (a
// list(string)) for every name of `list_names`.
Result<expr::Environment> MakeScreeningEnvironment(const std::vector<std::string>& feature_names,
                                                   const std::vector<std::string>& list_names);

// Binds the variables of `stage` from `view` (unbound ones are left out).
void Bind(VariableStage stage, const RequestView& view, expr::Activation& activation);
// Binds the request variables of `request` (not credit, compliance or flags).
void BindRequest(const v1::ScoreRequest& request, expr::Activation& activation);
// Binds credit.*.
void BindCredit(const v1::CreditResult& credit, expr::Activation& activation);
// Binds compliance.*.
void BindCompliance(const v1::ComplianceResult& compliance, expr::Activation& activation);
// Binds `flags` to the distinct flags of `hits` (non-errored), in first-raised order.
void BindFlags(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
               expr::Activation& activation);
// Binds event.* (screening).
void BindEvent(const EventView& event, expr::Activation& activation);
// The name of the variable that holds list `name`: "lists.<name>".
std::string ListVariable(std::string_view name);

// For explanations: "name = value" for every variable and feature `expression` reads, in
// first-use order, comma-separated ("refund_rate_90d = 0.35, enterprise.zone = \"FTZ\"");
// "" when it reads none. Values as the response scored them: features with 6 significant
// digits ("missing" for NaN), strings JSON-quoted, timestamps in RFC 3339, lists in [...],
// unbound variables as "unset" or "unavailable", unknown names as "?". An expression that
// does not parse gives "(cannot parse: <message>)".
std::string DescribeReads(std::string_view expression, const v1::ScoreRequest& request,
                          const v1::ScoreResponse& response);

}  // namespace credence::rules

#endif  // CREDENCE_RULES_CONTEXT_H_
