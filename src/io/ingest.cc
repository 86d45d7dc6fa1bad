#include "io/ingest.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/currency.h"
#include "core/utf8.h"
#include "credence/v1/event.pb.h"
#include "io/credentials.h"

namespace credence::io {
namespace {

std::string Path(std::string_view prefix, int index, std::string_view field = {}) {
  std::string p(prefix);
  p += '[';
  p += std::to_string(index);
  p += ']';
  if (!field.empty()) {
    p += '.';
    p += field;
  }
  return p;
}

std::string Join(std::string_view a, std::string_view b) {
  std::string p(a);
  if (!p.empty()) p += '.';
  p += b;
  return p;
}

// A field path that is only formatted when an error needs it: "<prefix>[<index>].<field>"
// (index < 0 leaves out "[i]"; an empty field leaves out ".field"), then `key` as ["key"].
struct FieldRef {
  std::string_view prefix;
  int index = -1;
  std::string_view field;
  std::string_view key;
  bool has_key = false;

  FieldRef Field(std::string_view f) const {
    FieldRef r = *this;
    r.field = f;
    return r;
  }
  FieldRef Key(std::string_view k) const {
    FieldRef r = *this;
    r.key = k;
    r.has_key = true;
    return r;
  }
  std::string str() const {
    std::string p = index >= 0 ? Path(prefix, index, field)
                               : (field.empty() ? std::string(prefix) : Join(prefix, field));
    if (has_key) {
      p += "[\"";
      p += key;
      p += "\"]";
    }
    return p;
  }
};

// Checks size limit and UTF-8 of one string field.
Status CheckString(const std::string& s, const FieldRef& path, std::int64_t event_index,
                   const RequestLimits& limits) {
  if (s.size() > limits.max_string_bytes) {
    return OutOfRangeError("string of " + std::to_string(s.size()) +
                               " bytes exceeds the limit of " +
                               std::to_string(limits.max_string_bytes),
                           {.field_path = path.str(), .event_index = event_index});
  }
  std::size_t bad = 0;
  if (!core::IsValidUtf8(s, &bad)) {
    return InvalidArgumentError("invalid UTF-8 at byte " + std::to_string(bad),
                                {.field_path = path.str(), .event_index = event_index});
  }
  return OkStatus();
}

Result<core::TimeNs> ToTime(const google::protobuf::Timestamp& t, const FieldRef& path,
                            std::int64_t event_index) {
  auto ns = core::ToTimeNs(t.seconds(), t.nanos());
  if (!ns) {
    return OutOfRangeError(
        "time out of the supported range 1677-09-22..2262-04-11 (or nanos not in [0, 1e9))",
        {.field_path = path.str(), .event_index = event_index});
  }
  return *ns;
}

// Converts money into base-currency minor units.
Result<std::int64_t> ToBase(const v1::Money& m, const FxTable& fx, const FieldRef& path,
                            std::int64_t event_index) {
  const FxTable::Rate* rate = fx.Find(m.currency_code());
  if (rate == nullptr) {
    SourceLocation where{.field_path = path.str() + ".currency_code", .event_index = event_index};
    if (!core::CurrencyExponent(m.currency_code())) {
      return InvalidArgumentError(
          "unknown currency '" + m.currency_code() + "' (an ISO 4217 code is expected)",
          std::move(where));
    }
    return InvalidArgumentError("no FX rate from " + m.currency_code() + " to " +
                                    fx.base_currency() +
                                    " (give one in the request's or the bundle's fx_rates)",
                                std::move(where));
  }
  auto converted =
      core::ConvertMinorUnits(m.minor_units(), rate->exponent, rate->rate, fx.base_exponent());
  if (!converted.ok()) {
    return converted.status().WithLocation({.field_path = path.str(), .event_index = event_index});
  }
  return *converted;
}

double MinorToMajor(std::int64_t minor, int exponent) {
  static constexpr double kPow10[] = {1, 10, 100, 1000, 10000, 100000};
  return static_cast<double>(minor) / kPow10[exponent];
}

Status CheckAttributes(const google::protobuf::Map<std::string, v1::AttributeValue>& attributes,
                       const FieldRef& path, std::int64_t event_index,
                       const RequestLimits& limits) {
  if (attributes.size() > limits.max_attributes) {
    return OutOfRangeError(std::to_string(attributes.size()) + " attributes exceed the limit of " +
                               std::to_string(limits.max_attributes),
                           {.field_path = path.str(), .event_index = event_index});
  }
  for (const auto& [key, value] : attributes) {
    const FieldRef key_path = path.Key(key);
    CREDENCE_RETURN_IF_ERROR(CheckString(key, key_path, event_index, limits));
    if (key.empty()) {
      return InvalidArgumentError("empty attribute name",
                                  {.field_path = key_path.str(), .event_index = event_index});
    }
    switch (value.value_case()) {
      case v1::AttributeValue::VALUE_NOT_SET:
        return InvalidArgumentError("attribute has no value",
                                    {.field_path = key_path.str(), .event_index = event_index});
      case v1::AttributeValue::kStringValue:
        CREDENCE_RETURN_IF_ERROR(CheckString(value.string_value(), key_path, event_index, limits));
        break;
      case v1::AttributeValue::kDoubleValue:
        if (!std::isfinite(value.double_value())) {
          return InvalidArgumentError("attribute value is not finite",
                                      {.field_path = key_path.str(), .event_index = event_index});
        }
        break;
      default:
        break;
    }
  }
  return OkStatus();
}

// Adds the attributes of one event (sorted by key) to the table.
Status AddAttributes(const google::protobuf::Map<std::string, v1::AttributeValue>& attributes,
                     const FxTable& fx, const FieldRef& path, std::int64_t event_index,
                     EventTable& table) {
  const std::size_t begin = table.attributes.size();
  for (const auto& [key, value] : attributes) {
    Attribute a;
    a.key = table.strings.Intern(key);
    switch (value.value_case()) {
      case v1::AttributeValue::kStringValue:
        a.type = Attribute::Type::kString;
        a.string_id = table.strings.Intern(value.string_value());
        break;
      case v1::AttributeValue::kIntValue:
        a.type = Attribute::Type::kInt;
        a.int_value = value.int_value();
        a.double_value = static_cast<double>(value.int_value());
        break;
      case v1::AttributeValue::kDoubleValue:
        a.type = Attribute::Type::kDouble;
        a.double_value = value.double_value();
        break;
      case v1::AttributeValue::kBoolValue:
        a.type = Attribute::Type::kBool;
        a.int_value = value.bool_value() ? 1 : 0;
        a.double_value = static_cast<double>(a.int_value);
        break;
      case v1::AttributeValue::kMoneyValue: {
        CREDENCE_ASSIGN_OR_RETURN(std::int64_t minor,
                                  ToBase(value.money_value(), fx, path.Key(key), event_index));
        a.type = Attribute::Type::kMoney;
        a.int_value = minor;
        a.double_value = MinorToMajor(minor, fx.base_exponent());
        break;
      }
      case v1::AttributeValue::kTimestampValue: {
        CREDENCE_ASSIGN_OR_RETURN(a.int_value,
                                  ToTime(value.timestamp_value(), path.Key(key), event_index));
        a.type = Attribute::Type::kTimestamp;
        break;
      }
      case v1::AttributeValue::VALUE_NOT_SET:
        break;  // rejected by CheckAttributes
    }
    table.attributes.push_back(a);
  }
  // protobuf maps iterate in an unspecified order: sort by name for a deterministic layout.
  std::sort(table.attributes.begin() + static_cast<std::ptrdiff_t>(begin), table.attributes.end(),
            [&table](const Attribute& x, const Attribute& y) {
              return table.strings.Get(x.key) < table.strings.Get(y.key);
            });
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
  return CheckAttributes(e.attributes(), FieldRef{"enterprise.attributes"}, -1, limits);
}

}  // namespace

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
  table.rates_[base_currency] = Rate{core::Decimal{1, 0}, *exponent};
  return table.WithOverrides(rates, field);
}

Result<FxTable> FxTable::WithOverrides(
    const google::protobuf::RepeatedPtrField<v1::FxRate>& overrides, std::string_view field) const {
  FxTable out = *this;
  std::unordered_set<std::string> seen;
  for (int i = 0; i < overrides.size(); ++i) {
    const v1::FxRate& r = overrides.Get(i);
    const auto exponent = core::CurrencyExponent(r.currency_code());
    if (!exponent) {
      return InvalidArgumentError("unknown currency '" + r.currency_code() + "'",
                                  {.field_path = Path(field, i, "currency_code")});
    }
    if (!seen.insert(r.currency_code()).second) {
      return InvalidArgumentError("duplicate rate for " + r.currency_code(),
                                  {.field_path = Path(field, i, "currency_code")});
    }
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
    out.rates_[r.currency_code()] = Rate{*rate, *exponent};
  }
  return out;
}

const FxTable::Rate* FxTable::Find(std::string_view currency) const {
  auto it = rates_.find(currency);
  return it == rates_.end() ? nullptr : &it->second;
}

namespace {

// The request-level fields: request_id, as_of, the enterprise and its registration time.
Status IngestRequestFields(const v1::ScoreRequest& request, const RequestLimits& limits,
                           IngestedRequest* out) {
  if (request.request_id().size() > 256) {
    return OutOfRangeError("request_id longer than 256 bytes", {.field_path = "request_id"});
  }
  CREDENCE_RETURN_IF_ERROR(CheckString(request.request_id(), FieldRef{"request_id"}, -1, limits));
  if (!request.has_as_of()) {
    return InvalidArgumentError("as_of is required: the point in time the score is for",
                                {.field_path = "as_of"});
  }
  CREDENCE_ASSIGN_OR_RETURN(out->as_of, ToTime(request.as_of(), FieldRef{"as_of"}, -1));
  CREDENCE_RETURN_IF_ERROR(ValidateEnterprise(request, limits));
  if (request.enterprise().has_registered_at()) {
    CREDENCE_ASSIGN_OR_RETURN(out->registered_at, ToTime(request.enterprise().registered_at(),
                                                         FieldRef{"enterprise.registered_at"}, -1));
  }
  return OkStatus();
}

// Room for `n` events in every column; opens the attribute offsets.
void ReserveColumns(std::size_t n, EventTable* raw) {
  raw->time.reserve(n);
  raw->id.reserve(n);
  raw->reference_id.reserve(n);
  raw->amount.reserve(n);
  raw->amount_minor.reserve(n);
  for (auto* col : {&raw->kind, &raw->custom_kind, &raw->counterparty, &raw->destination_country,
                    &raw->origin_country, &raw->channel, &raw->status, &raw->input_index}) {
    col->reserve(n);
  }
  raw->attr_begin.reserve(n + 1);
  raw->attr_begin.push_back(0);
  raw->strings.Reserve(64);
}

// Validates event `i` (strings, id, time, kind, amount, attributes) and returns its time;
// `*minor` is its amount in minor units of the base currency (0 without an amount).
Result<core::TimeNs> ValidateEvent(const v1::Event& e, int i, const FxTable& fx,
                                   const RequestLimits& limits, std::int64_t* minor) {
  const FieldRef p{"events", i};
  for (auto [value, name] : {std::pair{&e.id(), "id"},
                             {&e.custom_kind(), "custom_kind"},
                             {&e.counterparty(), "counterparty"},
                             {&e.destination_country(), "destination_country"},
                             {&e.origin_country(), "origin_country"},
                             {&e.channel(), "channel"},
                             {&e.status(), "status"},
                             {&e.reference_id(), "reference_id"}}) {
    CREDENCE_RETURN_IF_ERROR(CheckString(*value, p.Field(name), i, limits));
  }
  if (e.id().empty()) {
    return InvalidArgumentError("event id is required",
                                {.field_path = p.Field("id").str(), .event_index = i});
  }
  if (!e.has_time()) {
    return InvalidArgumentError("event time is required",
                                {.field_path = p.Field("time").str(), .event_index = i});
  }
  CREDENCE_ASSIGN_OR_RETURN(core::TimeNs t, ToTime(e.time(), p.Field("time"), i));
  if (e.kind() == v1::EVENT_KIND_UNSPECIFIED || !v1::EventKind_IsValid(e.kind())) {
    return InvalidArgumentError("event kind is required and must be a known EventKind (got " +
                                    std::to_string(static_cast<int>(e.kind())) + ")",
                                {.field_path = p.Field("kind").str(), .event_index = i});
  }
  if ((e.kind() == v1::EVENT_KIND_CUSTOM) == e.custom_kind().empty()) {
    return InvalidArgumentError("custom_kind must be set exactly when kind is EVENT_KIND_CUSTOM",
                                {.field_path = p.Field("custom_kind").str(), .event_index = i});
  }
  *minor = 0;
  if (e.has_amount()) {
    CREDENCE_ASSIGN_OR_RETURN(*minor, ToBase(e.amount(), fx, p.Field("amount"), i));
  }
  CREDENCE_RETURN_IF_ERROR(CheckAttributes(e.attributes(), p.Field("attributes"), i, limits));
  return t;
}

// Appends validated event `i` (at time `t`, `minor` units of the base currency) to `raw`.
Status AppendEvent(const v1::Event& e, int i, core::TimeNs t, std::int64_t minor, const FxTable& fx,
                   EventTable* raw) {
  raw->time.push_back(t);
  raw->kind.push_back(static_cast<std::int32_t>(e.kind()));
  raw->custom_kind.push_back(raw->strings.Intern(e.custom_kind()));
  raw->id.push_back(e.id());
  raw->amount_minor.push_back(minor);
  raw->amount.push_back(e.has_amount() ? MinorToMajor(minor, fx.base_exponent()) : std::nan(""));
  raw->counterparty.push_back(raw->strings.Intern(e.counterparty()));
  raw->destination_country.push_back(raw->strings.Intern(e.destination_country()));
  raw->origin_country.push_back(raw->strings.Intern(e.origin_country()));
  raw->channel.push_back(raw->strings.Intern(e.channel()));
  raw->status.push_back(raw->strings.Intern(e.status()));
  raw->reference_id.push_back(e.reference_id());
  raw->input_index.push_back(i);
  if (!e.attributes().empty()) {
    const FieldRef p{"events", i};
    CREDENCE_RETURN_IF_ERROR(AddAttributes(e.attributes(), fx, p.Field("attributes"), i, *raw));
  }
  raw->attr_begin.push_back(static_cast<std::uint32_t>(raw->attributes.size()));
  return OkStatus();
}

// The events kept in request order, and what was left out of them.
struct CollectedEvents {
  EventTable raw;
  std::set<std::string> duplicate_ids;
  int after_as_of = 0;
  int dropped = 0;
  bool sorted = true;  // raw is already in time order
};

// One pass in request order (sequential memory access): validate each event and append it
// to an unsorted table, leaving out events after `as_of` and repeated ids.
Status CollectEvents(const v1::ScoreRequest& request, const FxTable& fx,
                     const RequestLimits& limits, core::TimeNs as_of, CollectedEvents* out) {
  const int n = request.events_size();
  EventTable& raw = out->raw;
  ReserveColumns(static_cast<std::size_t>(n), &raw);
  std::unordered_set<std::string_view> ids;
  ids.reserve(static_cast<std::size_t>(n) * 2);
  for (int i = 0; i < n; ++i) {
    const v1::Event& e = request.events(i);
    std::int64_t minor = 0;
    CREDENCE_ASSIGN_OR_RETURN(core::TimeNs t, ValidateEvent(e, i, fx, limits, &minor));
    if (t > as_of) {
      ++out->after_as_of;
      continue;
    }
    if (!ids.insert(e.id()).second) {
      out->duplicate_ids.insert(e.id());
      ++out->dropped;
      continue;
    }
    if (!raw.time.empty() && t < raw.time.back()) out->sorted = false;
    CREDENCE_RETURN_IF_ERROR(AppendEvent(e, i, t, minor, fx, &raw));
  }
  return OkStatus();
}

// Fills the empty `table` with the rows of `raw` sorted by time; ties keep request order
// (the position breaks them, so the order is total and std::sort is deterministic).
void GatherByTime(EventTable* raw, EventTable* table) {
  const std::size_t m = raw->size();
  std::vector<std::pair<core::TimeNs, std::uint32_t>> order(m);
  for (std::size_t k = 0; k < m; ++k) order[k] = {raw->time[k], static_cast<std::uint32_t>(k)};
  std::sort(order.begin(), order.end());
  auto gather = [&](auto& dst, const auto& src) {
    dst.resize(m);
    for (std::size_t k = 0; k < m; ++k) dst[k] = src[order[k].second];
  };
  gather(table->time, raw->time);
  gather(table->kind, raw->kind);
  gather(table->custom_kind, raw->custom_kind);
  gather(table->id, raw->id);
  gather(table->reference_id, raw->reference_id);
  gather(table->amount_minor, raw->amount_minor);
  gather(table->amount, raw->amount);
  gather(table->counterparty, raw->counterparty);
  gather(table->destination_country, raw->destination_country);
  gather(table->origin_country, raw->origin_country);
  gather(table->channel, raw->channel);
  gather(table->status, raw->status);
  gather(table->input_index, raw->input_index);
  table->attr_begin.reserve(m + 1);
  table->attr_begin.push_back(0);
  table->attributes.reserve(raw->attributes.size());
  for (std::size_t k = 0; k < m; ++k) {
    const std::uint32_t src = order[k].second;
    table->attributes.insert(table->attributes.end(),
                             raw->attributes.begin() + raw->attr_begin[src],
                             raw->attributes.begin() + raw->attr_begin[src + 1]);
    table->attr_begin.push_back(static_cast<std::uint32_t>(table->attributes.size()));
  }
  table->strings = std::move(raw->strings);
}

}  // namespace

Result<IngestedRequest> Ingest(const v1::ScoreRequest& request, const FxTable& bundle_fx,
                               const RequestLimits& limits) {
  IngestedRequest out;
  CREDENCE_RETURN_IF_ERROR(IngestRequestFields(request, limits, &out));
  const FxTable* fx = &bundle_fx;
  std::optional<FxTable> merged;
  if (request.fx_rates_size() > 0) {
    CREDENCE_ASSIGN_OR_RETURN(merged, bundle_fx.WithOverrides(request.fx_rates(), "fx_rates"));
    fx = &*merged;
  }

  const int n = request.events_size();
  if (static_cast<std::size_t>(n) > limits.max_events) {
    return OutOfRangeError("the request has " + std::to_string(n) +
                               " events, more than the limit of " +
                               std::to_string(limits.max_events),
                           {.field_path = "events"});
  }
  CollectedEvents events;
  CREDENCE_RETURN_IF_ERROR(CollectEvents(request, *fx, limits, out.as_of, &events));
  const std::size_t m = events.raw.size();
  if (events.sorted) {
    out.events = std::move(events.raw);
  } else {
    GatherByTime(&events.raw, &out.events);
  }

  v1::IngestSummary& s = out.summary;
  s.set_events_received(n);
  s.set_events_used(static_cast<int>(m));
  s.set_events_after_as_of(events.after_as_of);
  s.set_duplicates_dropped(events.dropped);
  for (const std::string& id : events.duplicate_ids) s.add_duplicate_event_ids(id);
  return out;
}

}  // namespace credence::io
