#include "rules/context.h"

#include <algorithm>

namespace credence::rules {
namespace {

constexpr const char* kReserved[] = {"as_of",  "request_id", "enterprise",
                                     "credit", "compliance", "flags"};

expr::Value Time(const google::protobuf::Timestamp& t) {
  return expr::Value::Time(expr::Timestamp{t.seconds(), t.nanos()});
}

}  // namespace

bool IsReservedName(std::string_view name) {
  return std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved);
}

Result<expr::Environment> MakeEnvironment(const std::vector<std::string>& feature_names) {
  expr::Environment env;
  for (std::size_t i = 0; i < feature_names.size(); ++i) {
    if (IsReservedName(feature_names[i])) {
      return InvalidArgumentError(
          "feature name '" + feature_names[i] + "' is reserved for a request variable of rules",
          {.field_path = "features[" + std::to_string(i) + "].name"});
    }
    CREDENCE_RETURN_IF_ERROR(env.DeclareFeature(feature_names[i], static_cast<int>(i)));
  }
  using expr::Type;
  const std::pair<const char*, Type> vars[] = {
      {"as_of", Type::Timestamp()},
      {"request_id", Type::String()},
      {"enterprise.id", Type::String()},
      {"enterprise.name", Type::String()},
      {"enterprise.zone", Type::String()},
      {"enterprise.sector", Type::String()},
      {"enterprise.country", Type::String()},
      {"enterprise.registered_at", Type::Timestamp()},
      {"enterprise.certifications", Type::List(Type::String())},
      {"enterprise.licences", Type::List(Type::String())},
      {"credit.available", Type::Bool()},
      {"credit.pd", Type::Double()},
      {"credit.score", Type::Double()},
      {"credit.grade", Type::String()},
      {"compliance.available", Type::Bool()},
      {"compliance.score", Type::Double()},
      {"compliance.grade", Type::String()},
      {"flags", Type::List(Type::String())},
  };
  for (const auto& [name, type] : vars) CREDENCE_RETURN_IF_ERROR(env.Declare(name, type));
  return env;
}

void BindRequest(const v1::ScoreRequest& request, expr::Activation& a) {
  const v1::Enterprise& e = request.enterprise();
  a.Bind("as_of", Time(request.as_of()));
  a.Bind("request_id", expr::Value::String(request.request_id()));
  a.Bind("enterprise.id", expr::Value::String(e.id()));
  a.Bind("enterprise.name", expr::Value::String(e.name()));
  a.Bind("enterprise.zone", expr::Value::String(e.zone()));
  a.Bind("enterprise.sector", expr::Value::String(e.sector()));
  a.Bind("enterprise.country", expr::Value::String(e.country()));
  if (e.has_registered_at()) a.Bind("enterprise.registered_at", Time(e.registered_at()));
  expr::ListValue certifications;
  for (const auto& c : e.certifications()) {
    certifications.push_back(expr::Value::String(c.scheme() + ":" + c.level()));
  }
  a.Bind("enterprise.certifications", expr::Value::List(std::move(certifications)));
  expr::ListValue licences;
  for (const auto& l : e.licences()) {
    if (l.status() == v1::LICENCE_STATUS_ACTIVE) licences.push_back(expr::Value::String(l.type()));
  }
  a.Bind("enterprise.licences", expr::Value::List(std::move(licences)));
}

void BindCredit(const v1::CreditResult& c, expr::Activation& a) {
  a.Bind("credit.available", expr::Value::Bool(c.available()));
  if (!c.available()) return;  // reading credit.pd then is an error, not a silent 0
  a.Bind("credit.pd", expr::Value::Double(c.pd()));
  a.Bind("credit.score", expr::Value::Double(c.score()));
  a.Bind("credit.grade", expr::Value::String(c.grade()));
}

void BindCompliance(const v1::ComplianceResult& c, expr::Activation& a) {
  a.Bind("compliance.available", expr::Value::Bool(c.available()));
  if (!c.available()) return;
  a.Bind("compliance.score", expr::Value::Double(c.score()));
  a.Bind("compliance.grade", expr::Value::String(c.grade()));
}

void BindFlags(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits, expr::Activation& a) {
  expr::ListValue flags;
  std::vector<std::string> seen;
  for (const v1::RuleHit& h : hits) {
    if (h.errored() || h.flag().empty()) continue;
    if (std::find(seen.begin(), seen.end(), h.flag()) != seen.end()) continue;
    seen.push_back(h.flag());
    flags.push_back(expr::Value::String(h.flag()));
  }
  a.Bind("flags", expr::Value::List(std::move(flags)));
}

}  // namespace credence::rules
