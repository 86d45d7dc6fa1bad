// TableBuilder: the one implementation of "validate one event and append it to the event
// table" behind every request reader (internal to module io). Ingest (ingest.h) feeds it
// the events of a ScoreRequest message; the request readers (request_reader.h) feed it
// events read straight from JSON text or protobuf wire bytes. Each reader describes an
// event as EventFields (views into its source); the builder checks it in the order, and
// with the errors, that ingest.h documents, converts money and time once, interns strings,
// drops events after as_of and duplicate ids, and finally sorts the table by time.
//
// No per-event allocation: columns are reserved up front, strings are interned into one
// arena, ids are deduplicated in an open-addressing table.
//
// Thread-compatible; one per request.
#ifndef CREDENCE_IO_TABLE_BUILDER_H_
#define CREDENCE_IO_TABLE_BUILDER_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "credence/options.h"
#include "credence/status.h"
#include "io/id_index.h"
#include "io/ingest.h"

namespace credence::io::internal {

// One attribute of an event as a reader found it.
struct AttributeFields {
  enum class Kind : std::uint8_t { kNone, kString, kInt, kDouble, kBool, kMoney, kTimestamp };
  std::string_view key;
  Kind kind = Kind::kNone;
  std::string_view text;    // kString: the value; kMoney: the currency code
  std::int64_t number = 0;  // kInt; kBool: 0 or 1; kMoney: minor units; kTimestamp: seconds
  std::int32_t nanos = 0;   // kTimestamp
  double real = 0;          // kDouble
};

// One event as a reader found it. Views stay valid while the builder runs.
struct EventFields {
  std::string_view id, custom_kind, counterparty, destination_country, origin_country, channel,
      status, reference_id;
  bool has_time = false;
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  std::int32_t kind = 0;
  bool has_amount = false;
  std::string_view currency;
  std::int64_t minor_units = 0;
};

class TableBuilder {
 public:
  // `events` is the number of events the request holds (for reserving). With `copy_ids`,
  // event ids and reference ids are copied into the table (EventTable::bytes); without,
  // the table keeps the views, and their source must outlive it.
  TableBuilder(core::TimeNs as_of, const FxTable& fx, const RequestLimits& limits, int events,
               bool copy_ids);

  // Checks event `index` and, unless it is after as_of or a duplicate, appends it. Errors
  // as documented by Ingest (ingest.h), located at events[index].
  Status Add(const EventFields& e, std::span<const AttributeFields> attributes, int index);

  // Sorts the table by (time, position) and fills `out.events` and `out.summary` (of
  // `received` events).
  void Finish(int received, IngestedRequest& out);

 private:
  Status CheckEvent(const EventFields& e, std::span<const AttributeFields> attributes, int index,
                    core::TimeNs* time, std::int64_t* minor);
  Status CheckAttributes(std::span<const AttributeFields> attributes, int index) const;
  Status AddAttributes(std::span<const AttributeFields> attributes, int index);
  void Append(const EventFields& e, core::TimeNs t, std::int64_t minor, int index);
  void SortByTime(EventTable& out);

  const core::TimeNs as_of_;
  const FxTable& fx_;
  const RequestLimits& limits_;
  const bool copy_ids_;
  EventTable raw_;
  bool sorted_ = true;
  int after_as_of_ = 0;
  int dropped_ = 0;
  std::vector<std::string_view> duplicate_ids_;
  IdIndex ids_;  // the ids of raw_'s rows
};

}  // namespace credence::io::internal

#endif  // CREDENCE_IO_TABLE_BUILDER_H_
