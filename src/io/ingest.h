// Ingest: validates a ScoreRequest at the boundary and decodes it into an EventTable.
#ifndef CREDENCE_IO_INGEST_H_
#define CREDENCE_IO_INGEST_H_

#include <google/protobuf/repeated_field.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.h"
#include "core/time.h"
#include "credence/options.h"
#include "credence/result.h"
#include "credence/v1/common.pb.h"
#include "credence/v1/score.pb.h"
#include "io/event_table.h"

namespace credence::io {

// Conversion rates into one base currency. Immutable after construction.
class FxTable {
 public:
  // Validates `base_currency` and every rate; `field` prefixes error paths ("fx_rates").
  // Errors: INVALID_ARGUMENT for an unknown currency, a bad or duplicate rate.
  static Result<FxTable> Build(const std::string& base_currency,
                               const google::protobuf::RepeatedPtrField<v1::FxRate>& rates,
                               std::string_view field);
  // A table with the same base and `overrides` layered over this one's rates.
  Result<FxTable> WithOverrides(const google::protobuf::RepeatedPtrField<v1::FxRate>& overrides,
                                std::string_view field) const;

  const std::string& base_currency() const { return base_; }
  int base_exponent() const { return base_exponent_; }
  struct Rate {
    core::Decimal rate;  // base major units per major unit of the currency
    int exponent;        // minor-unit digits of the currency
  };
  // The rate of `currency` into the base (1 for the base itself), or nullptr.
  const Rate* Find(std::string_view currency) const;

 private:
  // Rates by currency code packed into an integer (ISO 4217 codes are three bytes), sorted
  // by key: a few comparisons per lookup, no node per currency.
  static std::uint32_t Key(std::string_view code);
  Rate* FindMutable(std::uint32_t key);

  std::string base_;
  int base_exponent_ = 2;
  std::vector<std::pair<std::uint32_t, Rate>> rates_;
};

struct IngestedRequest {
  EventTable events;
  core::TimeNs as_of = 0;
  std::optional<core::TimeNs> registered_at;
  v1::IngestSummary summary;
};

// Validates `request` and builds its EventTable. Errors name the field and event index:
//  - INVALID_ARGUMENT: missing as_of, missing/invalid event time, missing event id or kind,
//    unknown currency, no FX rate for a currency, invalid rate, invalid UTF-8;
//  - OUT_OF_RANGE: more events, longer strings or more attributes than `limits`, a time out
//    of the representable range, a converted amount above 2^53 minor units.
// Not errors: events after as_of (skipped, counted in summary.events_after_as_of), unsorted
// events (sorted), duplicate event ids (the first occurrence is kept; the rest are counted
// and listed in summary.duplicate_event_ids).
Result<IngestedRequest> Ingest(const v1::ScoreRequest& request, const FxTable& bundle_fx,
                               const RequestLimits& limits);

// The part of Ingest that reads everything but the events (internal to module io, for the
// request readers of request_reader.h): checks request_id, as_of, the enterprise and the
// request's rates, and the number of events against the limit, in Ingest's order. Sets
// out.as_of and out.registered_at; `merged` receives the bundle's rates with the request's
// layered over them when the request has any, and *fx points to the table to use.
Status IngestHeader(const v1::ScoreRequest& request, int events, const FxTable& bundle_fx,
                    const RequestLimits& limits, IngestedRequest& out,
                    std::optional<FxTable>& merged, const FxTable** fx);

}  // namespace credence::io

#endif  // CREDENCE_IO_INGEST_H_
