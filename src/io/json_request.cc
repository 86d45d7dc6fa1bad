// The JSON request reader: protobuf's JSON mapping of a ScoreRequest, read with simdjson's
// On-Demand API straight into the event table. See request_reader.h.
//
// Pass 1 fills the header (every field but `events`) through the descriptor-driven reader
// (json_values.h); the document is then rewound and pass 2 reads each event with the code
// below (no message is built) and hands it to the table builder, which needs the header's
// as_of and rates.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "io/json_values.h"
#include "io/request_reader.h"
#include "io/table_builder.h"

namespace credence::io::internal {
namespace {

using Kind = AttributeFields::Kind;

// A thread's parser and padded copy of the input, kept between calls (simdjson reads up to
// SIMDJSON_PADDING bytes past the end of a document).
struct Scratch {
  sj::parser parser;
  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;
  // The events as read, until the header (after them in protobuf's field order) is known.
  std::vector<EventFields> events;
  std::vector<AttributeFields> attributes;
  std::vector<std::uint32_t> attribute_end;  // per event: its attributes end here

  // Drops what a request far above the usual size left behind.
  void Trim() {
    constexpr std::size_t kKeep = std::size_t{16} << 20;
    if (capacity > kKeep) {
      buffer.reset();
      capacity = 0;
    }
    if (parser.capacity() > kKeep) parser = sj::parser();
    if (events.capacity() > kKeep / sizeof(EventFields)) {
      events = {};
      attribute_end = {};
    }
    if (attributes.capacity() > kKeep / sizeof(AttributeFields)) attributes = {};
  }
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Event field numbers (event.proto) by JSON or proto name; 0 for any other key.
int EventFieldNumber(std::string_view k) {
  switch (k.size()) {
    case 2:
      return Is(k, "id") ? 1 : 0;
    case 4:
      return Is(k, "time") ? 2 : Is(k, "kind") ? 3 : 0;
    case 6:
      return Is(k, "amount") ? 5 : Is(k, "status") ? 10 : 0;
    case 7:
      return Is(k, "channel") ? 9 : 0;
    case 10:
      return Is(k, "customKind") ? 4 : Is(k, "attributes") ? 12 : 0;
    case 11:
      return Is(k, "custom_kind") ? 4 : Is(k, "referenceId") ? 11 : 0;
    case 12:
      return Is(k, "counterparty") ? 6 : Is(k, "reference_id") ? 11 : 0;
    case 13:
      return Is(k, "originCountry") ? 8 : 0;
    case 14:
      return Is(k, "origin_country") ? 8 : 0;
    case 18:
      return Is(k, "destinationCountry") ? 7 : 0;
    case 19:
      return Is(k, "destination_country") ? 7 : 0;
    default:
      return 0;
  }
}

// Money: currency_code = 1, minor_units = 2; AttributeValue: string_value = 1 ..
// timestamp_value = 6.
int MoneyFieldNumber(std::string_view k) {
  return Is(k, "currencyCode") || Is(k, "currency_code") ? 1
         : Is(k, "minorUnits") || Is(k, "minor_units")   ? 2
                                                         : 0;
}

int AttributeFieldNumber(std::string_view k) {
  return Is(k, "stringValue") || Is(k, "string_value")         ? 1
         : Is(k, "intValue") || Is(k, "int_value")             ? 2
         : Is(k, "doubleValue") || Is(k, "double_value")       ? 3
         : Is(k, "boolValue") || Is(k, "bool_value")           ? 4
         : Is(k, "moneyValue") || Is(k, "money_value")         ? 5
         : Is(k, "timestampValue") || Is(k, "timestamp_value") ? 6
                                                               : 0;
}

// EventKind value names to numbers, sorted by name: built once from the descriptor (so
// kinds added to event.proto are known), immutable after.
class EventKindNames {
 public:
  EventKindNames() {
    const auto* type = v1::EventKind_descriptor();
    for (int i = 0; i < type->value_count(); ++i) {
      names_.emplace_back(type->value(i)->name(), type->value(i)->number());
    }
    std::sort(names_.begin(), names_.end());
  }
  static const EventKindNames& Get() {
    static const EventKindNames names;
    return names;
  }
  std::optional<std::int32_t> Find(std::string_view name) const {
    auto it =
        std::lower_bound(names_.begin(), names_.end(), name,
                         [](const auto& entry, std::string_view n) { return entry.first < n; });
    if (it == names_.end() || it->first != name) return std::nullopt;
    return it->second;
  }

 private:
  std::vector<std::pair<std::string_view, std::int32_t>> names_;  // into the descriptor pool
};

// An event kind by name or number.
Step ReadKind(sj::value& v, std::int32_t* out) {
  if (TypeOf(v) == sj::json_type::string) {
    std::string_view name;
    if (v.get_string().get(name)) return Step::kFallback;
    const auto kind = EventKindNames::Get().Find(name);
    if (!kind) return Step::kFallback;
    *out = *kind;
    return Step::kOk;
  }
  return ReadEnum(v, v1::EventKind_descriptor(), out);
}

bool FirstTime(std::uint32_t& seen, int field) {
  const std::uint32_t bit = std::uint32_t{1} << field;
  if (seen & bit) return false;
  seen |= bit;
  return true;
}

// The object of a message-typed field (null, arrays and scalars: not the subset).
Step ObjectOf(sj::value& v, sj::object* out) {
  if (TypeOf(v) != sj::json_type::object || v.get_object().get(*out)) return Step::kFallback;
  return Step::kOk;
}

Step ReadMoney(sj::value& v, std::string_view* currency, std::int64_t* minor) {
  sj::object obj;
  if (ObjectOf(v, &obj) != Step::kOk) return Step::kFallback;
  std::uint32_t seen = 0;
  for (auto result : obj) {
    sj::field field;
    if (std::move(result).get(field)) return Step::kFallback;
    const auto key = RawKey(field);
    const int number = key ? MoneyFieldNumber(*key) : 0;
    if (number == 0 || !FirstTime(seen, number)) return Step::kFallback;
    sj::value value = field.value();
    const Step step =
        number == 1 ? ReadString(value, currency) : ReadInt(value, INT64_MIN, INT64_MAX, minor);
    if (step != Step::kOk) return step;
  }
  return Step::kOk;
}

// One AttributeValue: an object with at most one member of the oneof.
Step ReadAttributeValue(sj::value& v, AttributeFields* a) {
  sj::object obj;
  if (ObjectOf(v, &obj) != Step::kOk) return Step::kFallback;
  for (auto result : obj) {
    sj::field field;
    if (std::move(result).get(field)) return Step::kFallback;
    const auto key = RawKey(field);
    const int number = key ? AttributeFieldNumber(*key) : 0;
    if (number == 0 || a->kind != Kind::kNone) return Step::kFallback;
    sj::value value = field.value();
    Step step = Step::kFallback;
    bool b = false;
    switch (number) {
      case 1:
        step = ReadString(value, &a->text);
        a->kind = Kind::kString;
        break;
      case 2:
        step = ReadInt(value, INT64_MIN, INT64_MAX, &a->number);
        a->kind = Kind::kInt;
        break;
      case 3:
        step = ReadDouble(value, &a->real);
        a->kind = Kind::kDouble;
        break;
      case 4:
        step = ReadBool(value, &b);
        a->number = b ? 1 : 0;
        a->kind = Kind::kBool;
        break;
      case 5:
        step = ReadMoney(value, &a->text, &a->number);
        a->kind = Kind::kMoney;
        break;
      default:
        step = ReadTimestamp(value, &a->number, &a->nanos);
        a->kind = Kind::kTimestamp;
        break;
    }
    if (step != Step::kOk) return step;
  }
  return Step::kOk;
}

// map<string, AttributeValue>: distinct keys without escapes.
Step ReadAttributes(sj::value& v, std::vector<AttributeFields>& attributes) {
  sj::object obj;
  if (ObjectOf(v, &obj) != Step::kOk) return Step::kFallback;
  for (auto result : obj) {
    sj::field field;
    if (std::move(result).get(field)) return Step::kFallback;
    const auto key = RawKey(field);
    if (!key) return Step::kFallback;
    for (const AttributeFields& a : attributes) {
      if (a.key == *key) return Step::kFallback;
    }
    AttributeFields& a = attributes.emplace_back();
    a.key = *key;
    sj::value value = field.value();
    const Step step = ReadAttributeValue(value, &a);
    if (step != Step::kOk) return step;
  }
  return Step::kOk;
}

Step ReadEventField(int number, sj::value& v, EventFields* e,
                    std::vector<AttributeFields>& attributes) {
  std::int32_t kind = 0;
  Step step = Step::kFallback;
  switch (number) {
    case 1:
      return ReadString(v, &e->id);
    case 2:
      e->has_time = true;
      return ReadTimestamp(v, &e->seconds, &e->nanos);
    case 3:
      step = ReadKind(v, &kind);
      e->kind = kind;
      return step;
    case 4:
      return ReadString(v, &e->custom_kind);
    case 5:
      e->has_amount = true;
      return ReadMoney(v, &e->currency, &e->minor_units);
    case 6:
      return ReadString(v, &e->counterparty);
    case 7:
      return ReadString(v, &e->destination_country);
    case 8:
      return ReadString(v, &e->origin_country);
    case 9:
      return ReadString(v, &e->channel);
    case 10:
      return ReadString(v, &e->status);
    case 11:
      return ReadString(v, &e->reference_id);
    default:
      return ReadAttributes(v, attributes);
  }
}

Step ReadEvent(sj::value& v, EventFields* e, std::vector<AttributeFields>& attributes) {
  sj::object obj;
  if (ObjectOf(v, &obj) != Step::kOk) return Step::kFallback;
  *e = EventFields{};
  attributes.clear();
  std::uint32_t seen = 0;
  for (auto result : obj) {
    sj::field field;
    if (std::move(result).get(field)) return Step::kFallback;
    const auto key = RawKey(field);
    const int number = key ? EventFieldNumber(*key) : 0;
    if (number == 0 || !FirstTime(seen, number)) return Step::kFallback;
    sj::value value = field.value();
    const Step step = ReadEventField(number, value, e, attributes);
    if (step != Step::kOk) return step;
  }
  return Step::kOk;
}

// The events array, element by element into the scratch buffers.
class EventsHook : public FieldHook {
 public:
  EventsHook(Scratch& scratch, const RequestLimits& limits) : s_(scratch), limits_(limits) {}

  Step Read(sj::value& v, const PathNode& path, Status* error) override {
    const auto type = TypeOf(v);
    if (type == sj::json_type::object) return ShapeError(path, error);
    sj::array array;
    if (type != sj::json_type::array || v.get_array().get(array)) return Step::kFallback;
    std::vector<AttributeFields> attributes;
    for (auto result : array) {
      sj::value element;
      if (std::move(result).get(element)) return Step::kFallback;
      const PathNode child{&path, {}, static_cast<int>(s_.events.size())};
      if (TypeOf(element) == sj::json_type::array) return ShapeError(child, error);
      if (s_.events.size() >= limits_.max_events) return Step::kFallback;
      const Step step = ReadEvent(element, &s_.events.emplace_back(), attributes);
      if (step != Step::kOk) return step;
      s_.attributes.insert(s_.attributes.end(), attributes.begin(), attributes.end());
      s_.attribute_end.push_back(static_cast<std::uint32_t>(s_.attributes.size()));
    }
    return Step::kOk;
  }

 private:
  Scratch& s_;
  const RequestLimits& limits_;
};

// The padded document of `bytes` on this thread's parser.
bool Iterate(std::string_view bytes, Scratch& scratch, sj::document* doc) {
  const std::size_t need = bytes.size() + simdjson::SIMDJSON_PADDING;
  if (scratch.capacity < need) {
    scratch.buffer = std::make_unique_for_overwrite<char[]>(need);
    scratch.capacity = need;
  }
  std::memcpy(scratch.buffer.get(), bytes.data(), bytes.size());
  std::memset(scratch.buffer.get() + bytes.size(), 0, simdjson::SIMDJSON_PADDING);
  return !scratch.parser.iterate(scratch.buffer.get(), bytes.size(), scratch.capacity).get(*doc);
}

Result<std::optional<ReadResult>> Read(std::string_view bytes, const FxTable& bundle_fx,
                                       const RequestLimits& limits, Scratch& scratch) {
  sj::document doc;
  sj::object root;
  if (!Iterate(bytes, scratch, &doc) || doc.get_object().get(root)) return std::nullopt;
  scratch.events.clear();
  scratch.attributes.clear();
  scratch.attribute_end.clear();
  std::optional<ReadResult> out(std::in_place);
  Status error;
  EventsHook hook(scratch, limits);
  const Step step = FillMessage(root, &out->header, PathNode{}, &error,
                                v1::ScoreRequest::descriptor()->FindFieldByNumber(3), &hook);
  // Of the wrong shape (step == Step::kShape) too: the reference path refuses it with the
  // field path and line:column (io/json_shape.h).
  const char* rest = nullptr;
  if (step != Step::kOk || !doc.current_location().get(rest)) return std::nullopt;  // trailing
  std::optional<FxTable> merged;
  const FxTable* fx = nullptr;
  const int n = static_cast<int>(scratch.events.size());
  if (!IngestHeader(out->header, n, bundle_fx, limits, out->ingested, merged, &fx).ok()) {
    return std::nullopt;
  }
  TableBuilder builder(out->ingested.as_of, *fx, limits, n, /*copy_ids=*/true);
  std::size_t begin = 0;
  for (int i = 0; i < n; ++i) {
    const std::size_t end = scratch.attribute_end[static_cast<std::size_t>(i)];
    const std::span<const AttributeFields> attributes(scratch.attributes.data() + begin,
                                                      end - begin);
    if (!builder.Add(scratch.events[static_cast<std::size_t>(i)], attributes, i).ok()) {
      return std::nullopt;
    }
    begin = end;
  }
  builder.Finish(n, out->ingested);
  return out;
}

}  // namespace

Result<std::optional<ReadResult>> ReadJsonRequest(std::string_view bytes, const FxTable& bundle_fx,
                                                  const RequestLimits& limits) {
  Scratch& scratch = ThreadScratch();
  auto result = Read(bytes, bundle_fx, limits, scratch);
  scratch.Trim();
  return result;
}

}  // namespace credence::io::internal
