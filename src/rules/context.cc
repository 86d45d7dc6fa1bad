// The request variables: one table that declares, binds and explains. See context.h.
#include "rules/context.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "expr/analysis.h"
#include "expr/time_util.h"
#include "io/credentials.h"
#include "io/json_records.h"
#include "rules/rule_set.h"

namespace credence::rules {
namespace {

using expr::Type;
using expr::Value;
using Get = std::optional<Value>;

Value Time(const google::protobuf::Timestamp& t) {
  return Value::Time(expr::Timestamp{t.seconds(), t.nanos()});
}

Type StringList() { return Type::List(Type::String()); }
Type StringDynMap() { return Type::Map(Type::String(), Type::Dyn()); }

Value Strings(const std::vector<std::string>& items) {
  expr::ListValue out;
  for (const std::string& s : items) out.push_back(Value::String(s));
  return Value::List(std::move(out));
}

const v1::Enterprise& Enterprise(const RequestView& v) { return v.request->enterprise(); }

Type TimeMap() { return Type::Map(Type::String(), Type::Timestamp()); }

// Adds key -> t to `entries`, keeping the later (latest = true) or earlier time of a repeated key.
void KeepTime(std::map<std::string, google::protobuf::Timestamp>& entries, const std::string& key,
              const google::protobuf::Timestamp& t, bool latest) {
  auto [it, inserted] = entries.emplace(key, t);
  if (!inserted && (google::protobuf::operator>(t, it->second)) == latest) it->second = t;
}

Value TimeMapValue(const std::map<std::string, google::protobuf::Timestamp>& entries) {
  expr::MapValue out;
  std::string unused;
  for (const auto& [key, t] : entries) out.Insert(Value::String(key), Time(t), &unused);
  return Value::Map(std::move(out));
}

// Expired certifications -> valid_until, or not yet valid ones -> valid_from.
Value Certifications(const RequestView& v, io::Validity which) {
  std::map<std::string, google::protobuf::Timestamp> entries;
  for (const auto& c : Enterprise(v).certifications()) {
    if (io::CertificationValidity(c, v.request->as_of()) != which) continue;
    const bool expired = which == io::Validity::kExpired;
    KeepTime(entries, c.scheme() + ":" + c.level(), expired ? c.valid_until() : c.valid_from(),
             expired);
  }
  return TimeMapValue(entries);
}

// Expired licences -> expires_at, or not yet valid ones -> granted_at.
Value Licences(const RequestView& v, io::Validity which) {
  std::map<std::string, google::protobuf::Timestamp> entries;
  for (const auto& l : Enterprise(v).licences()) {
    if (io::LicenceValidity(l, v.request->as_of()) != which) continue;
    const bool expired = which == io::Validity::kExpired;
    KeepTime(entries, l.type(), expired ? l.expires_at() : l.granted_at(), expired);
  }
  return TimeMapValue(entries);
}

// The distinct flags of non-errored hits, in first-raised order.
Value Flags(const RequestView& v) {
  std::vector<std::string> seen;
  for (const v1::RuleHit& h : *v.hits) {
    if (h.errored() || h.flag().empty()) continue;
    if (std::find(seen.begin(), seen.end(), h.flag()) != seen.end()) continue;
    seen.push_back(h.flag());
  }
  return Strings(seen);
}

// ---- Screening: the event being decided ----------------------------------------------------

const io::Attribute* RowAttribute(const io::EventTable& t, std::string_view key) {
  const std::int32_t id = t.strings.Find(key);
  for (std::uint32_t k = t.attr_begin[0]; id != io::StringPool::kNoString && k < t.attr_begin[1];
       ++k) {
    if (t.attributes[k].key == id) return &t.attributes[k];
  }
  return nullptr;
}

// event.attributes as a map, keys sorted (protobuf maps iterate in no particular order).
Value EventAttributes(const EventView& e) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : e.event->attributes()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  expr::MapValue map;
  std::string error;
  for (const std::string& key : keys) {
    const v1::AttributeValue& a = e.event->attributes().at(key);
    Value v;
    switch (a.value_case()) {
      case v1::AttributeValue::kStringValue:
        v = Value::String(a.string_value());
        break;
      case v1::AttributeValue::kIntValue:
        v = Value::Int(a.int_value());
        break;
      case v1::AttributeValue::kDoubleValue:
        v = Value::Double(a.double_value());
        break;
      case v1::AttributeValue::kBoolValue:
        v = Value::Bool(a.bool_value());
        break;
      case v1::AttributeValue::kMoneyValue: {
        const io::Attribute* converted = RowAttribute(*e.table, key);
        v = Value::Double(converted != nullptr ? converted->double_value : 0);
        break;
      }
      case v1::AttributeValue::kTimestampValue:
        v = Time(a.timestamp_value());
        break;
      default:
        continue;
    }
    map.Insert(Value::String(key), std::move(v), &error);
  }
  return Value::Map(std::move(map));
}

std::string KindName(const v1::Event& e) {
  const std::string& full = v1::EventKind_Name(e.kind());
  constexpr std::string_view kPrefix = "EVENT_KIND_";
  return full.rfind(kPrefix, 0) == 0 ? full.substr(kPrefix.size()) : full;
}

// An event.* string getter.
template <const std::string& (v1::Event::*field)() const>
Get EventString(const RequestView& v) {
  if (v.event == nullptr) return std::nullopt;
  return Value::String((v.event->event->*field)());
}

constexpr VariableStage kRequest = VariableStage::kRequest;
constexpr VariableStage kEvent = VariableStage::kEvent;
constexpr VariableStage kCredit = VariableStage::kCredit;
constexpr VariableStage kCompliance = VariableStage::kCompliance;

const RequestVariable kVariables[] = {
    {"as_of", &Type::Timestamp, kRequest,
     [](const RequestView& v) -> Get { return Time(v.request->as_of()); }, "unset",
     "the request's as_of: features see only events at or before it"},
    {"request_id", &Type::String, kRequest,
     [](const RequestView& v) -> Get { return Value::String(v.request->request_id()); }, "unset",
     "the request's id"},
    {"enterprise.id", &Type::String, kRequest,
     [](const RequestView& v) -> Get { return Value::String(Enterprise(v).id()); }, "unset",
     "the enterprise's id"},
    {"enterprise.name", &Type::String, kRequest,
     [](const RequestView& v) -> Get { return Value::String(Enterprise(v).name()); }, "unset",
     "the enterprise's name"},
    {"enterprise.zone", &Type::String, kRequest,
     [](const RequestView& v) -> Get { return Value::String(Enterprise(v).zone()); }, "unset",
     "the zone the enterprise is registered in"},
    {"enterprise.sector", &Type::String, kRequest,
     [](const RequestView& v) -> Get { return Value::String(Enterprise(v).sector()); }, "unset",
     "the enterprise's sector"},
    {"enterprise.country", &Type::String, kRequest,
     [](const RequestView& v) -> Get { return Value::String(Enterprise(v).country()); }, "unset",
     "the enterprise's country"},
    {"enterprise.registered_at", &Type::Timestamp, kRequest,
     [](const RequestView& v) -> Get {
       if (!Enterprise(v).has_registered_at()) return std::nullopt;
       return Time(Enterprise(v).registered_at());
     },
     "unset", "when the enterprise was registered; unbound when the request has none"},
    {"enterprise.certifications", &StringList, kRequest,
     [](const RequestView& v) -> Get {
       std::vector<std::string> items;
       for (const auto& c : Enterprise(v).certifications()) {
         if (io::CertificationValidity(c, v.request->as_of()) != io::Validity::kValid) continue;
         items.push_back(c.scheme() + ":" + c.level());
       }
       return Strings(items);
     },
     "unset",
     "the enterprise's certifications valid at as_of, as \"scheme:level\", e.g. "
     "\"AEO:advanced\""},
    {"enterprise.licences", &StringList, kRequest,
     [](const RequestView& v) -> Get {
       std::vector<std::string> items;
       for (const auto& l : Enterprise(v).licences()) {
         if (io::LicenceValidity(l, v.request->as_of()) == io::Validity::kValid) {
           items.push_back(l.type());
         }
       }
       return Strings(items);
     },
     "unset", "the types of the enterprise's licences valid at as_of"},
    {"enterprise.expired_certifications", &TimeMap, kRequest,
     [](const RequestView& v) -> Get { return Certifications(v, io::Validity::kExpired); }, "unset",
     "certifications expired at as_of: \"scheme:level\" -> valid_until (the latest)"},
    {"enterprise.pending_certifications", &TimeMap, kRequest,
     [](const RequestView& v) -> Get { return Certifications(v, io::Validity::kNotYetValid); },
     "unset",
     "certifications not yet valid at as_of: \"scheme:level\" -> valid_from (the earliest)"},
    {"enterprise.expired_licences", &TimeMap, kRequest,
     [](const RequestView& v) -> Get { return Licences(v, io::Validity::kExpired); }, "unset",
     "licences expired at as_of: type -> expires_at (the latest; 1970-01-01T00:00:00Z when an "
     "EXPIRED licence has no date)"},
    {"enterprise.pending_licences", &TimeMap, kRequest,
     [](const RequestView& v) -> Get { return Licences(v, io::Validity::kNotYetValid); }, "unset",
     "licences not yet valid at as_of: type -> granted_at (the earliest)"},
    {"enterprise.customs_grade", &Type::String, kRequest,
     [](const RequestView& v) -> Get {
       if (Enterprise(v).customs_grade().grade().empty()) return std::nullopt;
       return Value::String(Enterprise(v).customs_grade().grade());
     },
     "unset", "the official customs credit grade; unbound when the request has none"},
    {"enterprise.customs_grade_effective_at", &Type::Timestamp, kRequest,
     [](const RequestView& v) -> Get {
       if (Enterprise(v).customs_grade().grade().empty()) return std::nullopt;
       return Time(Enterprise(v).customs_grade().effective_at());
     },
     "unset", "when the official customs grade took effect; unbound when there is none"},
    {"credit.available", &Type::Bool, kCredit,
     [](const RequestView& v) -> Get { return Value::Bool(v.credit->available()); }, "unavailable",
     "whether the credit model produced a result"},
    {"credit.pd", &Type::Double, kCredit,
     [](const RequestView& v) -> Get {
       // Reading credit.pd when credit is unavailable is an error, not a silent 0.
       if (!v.credit->available()) return std::nullopt;
       return Value::Double(v.credit->pd());
     },
     "unavailable", "the probability of default; unbound when credit is unavailable"},
    {"credit.score", &Type::Double, kCredit,
     [](const RequestView& v) -> Get {
       if (!v.credit->available()) return std::nullopt;
       return Value::Double(v.credit->score());
     },
     "unavailable", "the scaled credit score; unbound when credit is unavailable"},
    {"credit.grade", &Type::String, kCredit,
     [](const RequestView& v) -> Get {
       if (!v.credit->available()) return std::nullopt;
       return Value::String(v.credit->grade());
     },
     "unavailable", "the credit grade; unbound when credit is unavailable"},
    {"compliance.available", &Type::Bool, kCompliance,
     [](const RequestView& v) -> Get { return Value::Bool(v.compliance->available()); },
     "unavailable", "whether a compliance score was computed (decision tables only)"},
    {"compliance.score", &Type::Double, kCompliance,
     [](const RequestView& v) -> Get {
       if (!v.compliance->available()) return std::nullopt;
       return Value::Double(v.compliance->score());
     },
     "unavailable", "the composite compliance score (decision tables only)"},
    {"compliance.grade", &Type::String, kCompliance,
     [](const RequestView& v) -> Get {
       if (!v.compliance->available()) return std::nullopt;
       return Value::String(v.compliance->grade());
     },
     "unavailable", "the compliance grade (decision tables only)"},
    {"compliance.watch", &Type::Bool, kCompliance,
     [](const RequestView& v) -> Get {
       if (!v.compliance->available()) return std::nullopt;
       return Value::Bool(v.compliance->watch());
     },
     "unavailable",
     "the composite alone would reach a statutory grade: on watch (decision tables only)"},
    {"compliance.official_agrees", &Type::Bool, kCompliance,
     [](const RequestView& v) -> Get {
       if (!v.compliance->has_official()) return std::nullopt;
       return Value::Bool(v.compliance->official().agrees());
     },
     "unset",
     "the compliance grade equals the official customs grade in force; unbound without one "
     "(decision tables only)"},
    {"flags", &StringList, VariableStage::kFlags,
     [](const RequestView& v) -> Get { return Flags(v); }, "unset",
     "the flags raised by rule hits, in first-raised order (decision tables only)"},
    {"event.id", &Type::String, kEvent, &EventString<&v1::Event::id>, "unset",
     "the id of the event being screened (screening rules only)"},
    {"event.kind", &Type::String, kEvent,
     [](const RequestView& v) -> Get {
       if (v.event == nullptr) return std::nullopt;
       return Value::String(KindName(*v.event->event));
     },
     "unset", "the event's kind without EVENT_KIND_: \"ORDER\", \"REFUND\", \"CUSTOM\", ..."},
    {"event.custom_kind", &Type::String, kEvent, &EventString<&v1::Event::custom_kind>, "unset",
     "the name of a custom event (kind \"CUSTOM\"), else \"\""},
    {"event.time", &Type::Timestamp, kEvent,
     [](const RequestView& v) -> Get {
       if (v.event == nullptr) return std::nullopt;
       return Time(v.event->event->time());
     },
     "unset", "when the event happened"},
    {"event.amount", &Type::Double, kEvent,
     [](const RequestView& v) -> Get {
       if (v.event == nullptr || std::isnan(v.event->table->amount[0])) return std::nullopt;
       return Value::Double(v.event->table->amount[0]);
     },
     "unset", "the amount in base-currency major units; unbound when the event has none"},
    {"event.has_amount", &Type::Bool, kEvent,
     [](const RequestView& v) -> Get {
       if (v.event == nullptr) return std::nullopt;
       return Value::Bool(!std::isnan(v.event->table->amount[0]));
     },
     "unset", "whether the event has an amount (event.amount is unbound without one)"},
    {"event.currency", &Type::String, kEvent,
     [](const RequestView& v) -> Get {
       if (v.event == nullptr) return std::nullopt;
       return Value::String(v.event->event->amount().currency_code());
     },
     "unset", "the currency the amount was sent in (\"\" without an amount)"},
    {"event.counterparty", &Type::String, kEvent, &EventString<&v1::Event::counterparty>, "unset",
     "the other party of the event"},
    {"event.destination_country", &Type::String, kEvent,
     &EventString<&v1::Event::destination_country>, "unset", "ISO 3166-1 alpha-2, or \"\""},
    {"event.origin_country", &Type::String, kEvent, &EventString<&v1::Event::origin_country>,
     "unset", "ISO 3166-1 alpha-2, or \"\""},
    {"event.channel", &Type::String, kEvent, &EventString<&v1::Event::channel>, "unset",
     "the event's channel"},
    {"event.status", &Type::String, kEvent, &EventString<&v1::Event::status>, "unset",
     "the event's status"},
    {"event.reference_id", &Type::String, kEvent, &EventString<&v1::Event::reference_id>, "unset",
     "the id of the event this one refers to, or \"\""},
    {"event.attributes", &StringDynMap, kEvent,
     [](const RequestView& v) -> Get {
       if (v.event == nullptr) return std::nullopt;
       return EventAttributes(*v.event);
     },
     "unset", "the event's attributes by name (money in base-currency major units)"},
};

const RequestVariable* FindVariable(std::string_view name) {
  for (const RequestVariable& v : kVariables) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::string DescribeValue(const Value& v) {
  if (v.is_string()) return io::JsonQuote(v.string_value());
  if (v.is_bool()) return v.bool_value() ? "true" : "false";
  if (v.is_double()) return FormatFeatureValue(v.double_value());
  if (v.is_timestamp()) return expr::FormatTimestamp(v.timestamp_value());
  if (v.is_list()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.list().size(); ++i) {
      out += (i ? ", " : "") + DescribeValue(v.list()[i]);
    }
    return out + "]";
  }
  if (v.is_map()) {
    std::string out = "{";
    for (const auto& [key, value] : v.map().entries()) {
      out += (out.size() > 1 ? ", " : "") + DescribeValue(key) + ": " + DescribeValue(value);
    }
    return out + "}";
  }
  return v.DebugString();
}

}  // namespace

std::span<const RequestVariable> RequestVariables() { return kVariables; }

bool IsReservedName(std::string_view name) {
  if (name == "lists") return true;
  return std::any_of(std::begin(kVariables), std::end(kVariables), [&](const RequestVariable& v) {
    return v.name.substr(0, v.name.find('.')) == name;
  });
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
  for (const RequestVariable& v : kVariables) {
    if (v.stage == VariableStage::kEvent) continue;  // screening rules only
    CREDENCE_RETURN_IF_ERROR(env.Declare(std::string(v.name), v.type()));
  }
  return env;
}

Result<expr::Environment> MakeScreeningEnvironment(const std::vector<std::string>& feature_names,
                                                   const std::vector<std::string>& list_names) {
  CREDENCE_ASSIGN_OR_RETURN(expr::Environment env, MakeEnvironment(feature_names));
  for (const RequestVariable& v : kVariables) {
    if (v.stage == VariableStage::kEvent) {
      CREDENCE_RETURN_IF_ERROR(env.Declare(std::string(v.name), v.type()));
    }
  }
  for (const std::string& name : list_names) {
    CREDENCE_RETURN_IF_ERROR(env.Declare(ListVariable(name), StringList()));
  }
  return env;
}

std::string ListVariable(std::string_view name) { return "lists." + std::string(name); }

void Bind(VariableStage stage, const RequestView& view, expr::Activation& activation) {
  for (const RequestVariable& v : kVariables) {
    if (v.stage != stage) continue;
    if (std::optional<Value> value = v.get(view)) {
      activation.Bind(std::string(v.name), *std::move(value));
    }
  }
}

void BindRequest(const v1::ScoreRequest& request, expr::Activation& activation) {
  Bind(VariableStage::kRequest, {.request = &request}, activation);
}

void BindCredit(const v1::CreditResult& credit, expr::Activation& activation) {
  Bind(VariableStage::kCredit, {.credit = &credit}, activation);
}

void BindCompliance(const v1::ComplianceResult& compliance, expr::Activation& activation) {
  Bind(VariableStage::kCompliance, {.compliance = &compliance}, activation);
}

void BindFlags(const google::protobuf::RepeatedPtrField<v1::RuleHit>& hits,
               expr::Activation& activation) {
  Bind(VariableStage::kFlags, {.hits = &hits}, activation);
}

void BindEvent(const EventView& event, expr::Activation& activation) {
  Bind(VariableStage::kEvent, {.event = &event}, activation);
}

std::string DescribeReads(std::string_view expression, const v1::ScoreRequest& request,
                          const v1::ScoreResponse& response) {
  auto names = expr::ReferencedNames(expression);
  if (!names.ok()) return "(cannot parse: " + std::string(names.status().message()) + ")";
  std::map<std::string, double, std::less<>> features;
  for (const auto& f : response.features()) features[f.name()] = f.value();
  const RequestView view{&request, &response.credit(), &response.compliance(),
                         &response.rule_hits()};
  std::string out;
  for (const std::string& name : *names) {
    std::string value = "?";
    if (auto f = features.find(name); f != features.end()) {
      value = FormatFeatureValue(f->second);
    } else if (const RequestVariable* v = FindVariable(name)) {
      std::optional<Value> bound = v->get(view);
      value = bound ? DescribeValue(*bound) : std::string(v->unbound_text);
    }
    if (!out.empty()) out += ", ";
    out += name + " = " + value;
  }
  return out;
}

}  // namespace credence::rules
