#include "io/ingest.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/currency.h"
#include "credence/v1/event.pb.h"
#include "io/credentials.h"
#include "io/ingest_checks.h"
#include "io/table_builder.h"

namespace credence::io {
namespace {

using internal::AttributeFields;
using internal::CheckString;
using internal::EventFields;
using internal::FieldRef;
using internal::Path;

// An enterprise's attributes are checked as an event's are, with their own path.
Status CheckEnterpriseAttributes(
    const google::protobuf::Map<std::string, v1::AttributeValue>& attributes,
    const RequestLimits& limits) {
  const FieldRef path{"enterprise.attributes"};
  if (attributes.size() > limits.max_attributes) {
    return OutOfRangeError(std::to_string(attributes.size()) + " attributes exceed the limit of " +
                               std::to_string(limits.max_attributes),
                           {.field_path = path.str()});
  }
  for (const auto& [key, value] : attributes) {
    const FieldRef key_path = path.Key(key);
    CREDENCE_RETURN_IF_ERROR(CheckString(key, key_path, -1, limits));
    if (key.empty()) {
      return InvalidArgumentError("empty attribute name", {.field_path = key_path.str()});
    }
    switch (value.value_case()) {
      case v1::AttributeValue::VALUE_NOT_SET:
        return InvalidArgumentError("attribute has no value", {.field_path = key_path.str()});
      case v1::AttributeValue::kStringValue:
        CREDENCE_RETURN_IF_ERROR(CheckString(value.string_value(), key_path, -1, limits));
        break;
      case v1::AttributeValue::kDoubleValue:
        if (!std::isfinite(value.double_value())) {
          return InvalidArgumentError("attribute value is not finite",
                                      {.field_path = key_path.str()});
        }
        break;
      default:
        break;
    }
  }
  return OkStatus();
}

Status ValidateEnterprise(const v1::ScoreRequest& request, const RequestLimits& limits) {
  if (!request.has_enterprise()) return OkStatus();
  const v1::Enterprise& e = request.enterprise();
  for (auto [value, name] : {std::pair{&e.id(), "id"},
                             {&e.name(), "name"},
                             {&e.zone(), "zone"},
                             {&e.sector(), "sector"},
                             {&e.country(), "country"}}) {
    CREDENCE_RETURN_IF_ERROR(CheckString(*value, FieldRef{"enterprise", -1, name}, -1, limits));
  }
  for (int i = 0; i < e.certifications_size(); ++i) {
    const auto& c = e.certifications(i);
    const FieldRef p{"enterprise.certifications", i};
    CREDENCE_RETURN_IF_ERROR(CheckString(c.scheme(), p.Field("scheme"), -1, limits));
    CREDENCE_RETURN_IF_ERROR(CheckString(c.level(), p.Field("level"), -1, limits));
  }
  for (int i = 0; i < e.licences_size(); ++i) {
    const auto& l = e.licences(i);
    const FieldRef p{"enterprise.licences", i};
    CREDENCE_RETURN_IF_ERROR(CheckString(l.type(), p.Field("type"), -1, limits));
    CREDENCE_RETURN_IF_ERROR(CheckString(l.number(), p.Field("number"), -1, limits));
  }
  // Credential dates and the official customs grade (io/credentials.h).
  const FieldRef grade{"enterprise.customs_grade"};
  CREDENCE_RETURN_IF_ERROR(
      CheckString(e.customs_grade().grade(), grade.Field("grade"), -1, limits));
  CREDENCE_RETURN_IF_ERROR(
      CheckString(e.customs_grade().reference(), grade.Field("reference"), -1, limits));
  CREDENCE_RETURN_IF_ERROR(ValidateCredentialDates(e));
  return CheckEnterpriseAttributes(e.attributes(), limits);
}

Result<core::TimeNs> ToTime(const google::protobuf::Timestamp& t, const char* path) {
  return internal::ToTime(t.seconds(), t.nanos(), FieldRef{path}, -1);
}

// One event of a message as the builder reads it; its attributes go to `attributes`.
EventFields FieldsOf(const v1::Event& e, std::vector<AttributeFields>& attributes) {
  EventFields f;
  f.id = e.id();
  f.custom_kind = e.custom_kind();
  f.counterparty = e.counterparty();
  f.destination_country = e.destination_country();
  f.origin_country = e.origin_country();
  f.channel = e.channel();
  f.status = e.status();
  f.reference_id = e.reference_id();
  f.has_time = e.has_time();
  f.seconds = e.time().seconds();
  f.nanos = e.time().nanos();
  f.kind = static_cast<std::int32_t>(e.kind());
  f.has_amount = e.has_amount();
  f.currency = e.amount().currency_code();
  f.minor_units = e.amount().minor_units();
  attributes.clear();
  for (const auto& [key, value] : e.attributes()) {
    AttributeFields& a = attributes.emplace_back();
    a.key = key;
    switch (value.value_case()) {
      case v1::AttributeValue::kStringValue:
        a.kind = AttributeFields::Kind::kString;
        a.text = value.string_value();
        break;
      case v1::AttributeValue::kIntValue:
        a.kind = AttributeFields::Kind::kInt;
        a.number = value.int_value();
        break;
      case v1::AttributeValue::kDoubleValue:
        a.kind = AttributeFields::Kind::kDouble;
        a.real = value.double_value();
        break;
      case v1::AttributeValue::kBoolValue:
        a.kind = AttributeFields::Kind::kBool;
        a.number = value.bool_value() ? 1 : 0;
        break;
      case v1::AttributeValue::kMoneyValue:
        a.kind = AttributeFields::Kind::kMoney;
        a.text = value.money_value().currency_code();
        a.number = value.money_value().minor_units();
        break;
      case v1::AttributeValue::kTimestampValue:
        a.kind = AttributeFields::Kind::kTimestamp;
        a.number = value.timestamp_value().seconds();
        a.nanos = value.timestamp_value().nanos();
        break;
      case v1::AttributeValue::VALUE_NOT_SET:
        break;
    }
  }
  return f;
}

}  // namespace

std::uint32_t FxTable::Key(std::string_view code) {
  if (code.size() != 3) return 0;  // no ISO 4217 code: found nowhere
  return static_cast<std::uint32_t>(static_cast<unsigned char>(code[0])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(code[1])) << 8 |
         static_cast<unsigned char>(code[2]);
}

FxTable::Rate* FxTable::FindMutable(std::uint32_t key) {
  auto it = std::lower_bound(rates_.begin(), rates_.end(), key,
                             [](const auto& entry, std::uint32_t k) { return entry.first < k; });
  return it != rates_.end() && it->first == key ? &it->second : nullptr;
}

const FxTable::Rate* FxTable::Find(std::string_view currency) const {
  const std::uint32_t key = Key(currency);
  if (key == 0) return nullptr;
  for (const auto& [k, rate] : rates_) {  // a handful of currencies: a linear scan is fastest
    if (k >= key) return k == key ? &rate : nullptr;
  }
  return nullptr;
}

Result<FxTable> FxTable::Build(const std::string& base_currency,
                               const google::protobuf::RepeatedPtrField<v1::FxRate>& rates,
                               std::string_view field) {
  auto exponent = core::CurrencyExponent(base_currency);
  if (!exponent) {
    return InvalidArgumentError("unknown base currency '" + base_currency +
                                "' (an ISO 4217 code is expected)");
  }
  FxTable table;
  table.base_ = base_currency;
  table.base_exponent_ = *exponent;
  table.rates_.push_back({Key(base_currency), Rate{core::Decimal{1, 0}, *exponent}});
  return table.WithOverrides(rates, field);
}

Result<FxTable> FxTable::WithOverrides(
    const google::protobuf::RepeatedPtrField<v1::FxRate>& overrides, std::string_view field) const {
  FxTable out = *this;
  std::vector<std::uint32_t> seen;
  for (int i = 0; i < overrides.size(); ++i) {
    const v1::FxRate& r = overrides.Get(i);
    const auto exponent = core::CurrencyExponent(r.currency_code());
    if (!exponent) {
      return InvalidArgumentError("unknown currency '" + r.currency_code() + "'",
                                  {.field_path = Path(field, i, "currency_code")});
    }
    const std::uint32_t key = Key(r.currency_code());
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return InvalidArgumentError("duplicate rate for " + r.currency_code(),
                                  {.field_path = Path(field, i, "currency_code")});
    }
    seen.push_back(key);
    auto rate = core::ParsePositiveDecimal(r.rate());
    if (!rate.ok()) return rate.status().WithLocation({.field_path = Path(field, i, "rate")});
    if (r.currency_code() == base_) {
      if (rate->mantissa != 1 || rate->scale != 0) {
        // Accept "1", "1.0", "1.000": anything equal to one.
        std::int64_t p = 1;
        for (int k = 0; k < rate->scale; ++k) p *= 10;
        if (rate->mantissa != p) {
          return InvalidArgumentError("the rate of the base currency must be 1",
                                      {.field_path = Path(field, i, "rate")});
        }
      }
      continue;
    }
    if (Rate* existing = out.FindMutable(key)) {
      *existing = Rate{*rate, *exponent};
    } else {
      out.rates_.push_back({key, Rate{*rate, *exponent}});
      std::sort(out.rates_.begin(), out.rates_.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    }
  }
  return out;
}

Status IngestHeader(const v1::ScoreRequest& request, int events, const FxTable& bundle_fx,
                    const RequestLimits& limits, IngestedRequest& out,
                    std::optional<FxTable>& merged, const FxTable** fx) {
  if (request.request_id().size() > 256) {
    return OutOfRangeError("request_id longer than 256 bytes", {.field_path = "request_id"});
  }
  CREDENCE_RETURN_IF_ERROR(CheckString(request.request_id(), FieldRef{"request_id"}, -1, limits));
  if (!request.has_as_of()) {
    return InvalidArgumentError("as_of is required: the point in time the score is for",
                                {.field_path = "as_of"});
  }
  CREDENCE_ASSIGN_OR_RETURN(out.as_of, ToTime(request.as_of(), "as_of"));
  CREDENCE_RETURN_IF_ERROR(ValidateEnterprise(request, limits));
  if (request.enterprise().has_registered_at()) {
    CREDENCE_ASSIGN_OR_RETURN(out.registered_at, ToTime(request.enterprise().registered_at(),
                                                        "enterprise.registered_at"));
  }
  *fx = &bundle_fx;
  if (request.fx_rates_size() > 0) {
    CREDENCE_ASSIGN_OR_RETURN(merged, bundle_fx.WithOverrides(request.fx_rates(), "fx_rates"));
    *fx = &*merged;
  }
  if (static_cast<std::size_t>(events) > limits.max_events) {
    return OutOfRangeError("the request has " + std::to_string(events) +
                               " events, more than the limit of " +
                               std::to_string(limits.max_events),
                           {.field_path = "events"});
  }
  return OkStatus();
}

Result<IngestedRequest> Ingest(const v1::ScoreRequest& request, const FxTable& bundle_fx,
                               const RequestLimits& limits) {
  IngestedRequest out;
  const int n = request.events_size();
  std::optional<FxTable> merged;
  const FxTable* fx = nullptr;
  CREDENCE_RETURN_IF_ERROR(IngestHeader(request, n, bundle_fx, limits, out, merged, &fx));
  // One pass in request order (sequential memory access): the builder checks each event
  // and appends it; then it sorts by time when the request was not in order.
  internal::TableBuilder builder(out.as_of, *fx, limits, n, /*copy_ids=*/false);
  std::vector<AttributeFields> attributes;
  for (int i = 0; i < n; ++i) {
    const EventFields fields = FieldsOf(request.events(i), attributes);
    CREDENCE_RETURN_IF_ERROR(builder.Add(fields, attributes, i));
  }
  builder.Finish(n, out);
  return out;
}

}  // namespace credence::io
