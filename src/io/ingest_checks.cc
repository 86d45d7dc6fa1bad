#include "io/ingest_checks.h"

#include "core/currency.h"
#include "core/money.h"
#include "core/utf8.h"
#include "io/ingest.h"

namespace credence::io::internal {
namespace {

std::string Join(std::string_view a, std::string_view b) {
  std::string p(a);
  if (!p.empty()) p += '.';
  p += b;
  return p;
}

}  // namespace

std::string Path(std::string_view prefix, int index, std::string_view field) {
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

std::string FieldRef::str() const {
  std::string p = index >= 0 ? Path(prefix, index, field)
                             : (field.empty() ? std::string(prefix) : Join(prefix, field));
  if (has_key) {
    p += "[\"";
    p += key;
    p += "\"]";
  }
  return p;
}

Status CheckStringSlow(std::string_view s, const FieldRef& path, std::int64_t event_index,
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

Status TimeOutOfRange(const FieldRef& path, std::int64_t event_index) {
  return OutOfRangeError(
      "time out of the supported range 1677-09-22..2262-04-11 (or nanos not in [0, 1e9))",
      {.field_path = path.str(), .event_index = event_index});
}

Result<std::int64_t> ToBase(std::string_view currency, std::int64_t minor_units, const FxTable& fx,
                            const FieldRef& path, std::int64_t event_index) {
  const FxTable::Rate* rate = fx.Find(currency);
  if (rate == nullptr) [[unlikely]] {
    SourceLocation where{.field_path = path.str() + ".currency_code", .event_index = event_index};
    const std::string code(currency);
    if (!core::CurrencyExponent(currency)) {
      return InvalidArgumentError("unknown currency '" + code + "' (an ISO 4217 code is expected)",
                                  std::move(where));
    }
    return InvalidArgumentError("no FX rate from " + code + " to " + fx.base_currency() +
                                    " (give one in the request's or the bundle's fx_rates)",
                                std::move(where));
  }
  auto converted =
      core::ConvertMinorUnits(minor_units, rate->exponent, rate->rate, fx.base_exponent());
  if (!converted.ok()) [[unlikely]] {
    return converted.status().WithLocation({.field_path = path.str(), .event_index = event_index});
  }
  return *converted;
}

}  // namespace credence::io::internal
