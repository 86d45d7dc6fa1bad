// The binary request reader: protobuf wire bytes of a ScoreRequest straight into the event
// table. See request_reader.h. Every field but `events` is copied, as wire records, into
// a buffer that protobuf parses as the header message (so the header gets protobuf's exact
// semantics); each event is decoded here, in canonical encoding only, and handed to the
// table builder.
#include <cstring>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "io/ingest_checks.h"
#include "io/request_reader.h"
#include "io/table_builder.h"

namespace credence::io::internal {
namespace {

enum WireType : int { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

// A cursor over wire bytes. Every read returns false on bytes a canonical encoder would not
// write or that run past the end (the reader then gives up: the reference path decides).
class Wire {
 public:
  Wire(const char* p, const char* end) : p_(p), end_(end) {}

  bool done() const { return p_ == end_; }
  const char* position() const { return p_; }

  bool Varint(std::uint64_t* out) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ == end_) return false;
      const auto b = static_cast<unsigned char>(*p_++);
      if (shift == 63 && b > 1) return false;  // more than 64 bits
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) {
        *out = v;
        return true;
      }
    }
    return false;
  }
  bool Tag(int* field, int* type) {
    std::uint64_t tag = 0;
    if (!Varint(&tag) || tag > 0xffffffffu) return false;
    *field = static_cast<int>(tag >> 3);
    *type = static_cast<int>(tag & 7);
    return *field > 0;
  }
  bool Bytes(std::string_view* out) {
    std::uint64_t n = 0;
    if (!Varint(&n) || n > static_cast<std::uint64_t>(end_ - p_)) return false;
    *out = std::string_view(p_, static_cast<std::size_t>(n));
    p_ += n;
    return true;
  }
  bool Fixed64(std::uint64_t* out) {
    if (end_ - p_ < 8) return false;
    std::memcpy(out, p_, 8);
    p_ += 8;
    return true;
  }
  // Skips one value of `type` (groups are not canonical proto3: refused).
  bool Skip(int type) {
    std::uint64_t v = 0;
    std::string_view s;
    switch (type) {
      case kVarint:
        return Varint(&v);
      case kFixed64:
        return Fixed64(&v);
      case kLength:
        return Bytes(&s);
      case kFixed32:
        if (end_ - p_ < 4) return false;
        p_ += 4;
        return true;
      default:
        return false;
    }
  }

 private:
  const char* p_;
  const char* end_;
};

Wire Over(std::string_view s) { return Wire(s.data(), s.data() + s.size()); }

// Marks field `field` (< 32) as seen; false when it was already (a duplicate: protobuf
// would merge or replace, which the reader leaves to it).
bool FirstTime(std::uint32_t& seen, int field) {
  const std::uint32_t bit = std::uint32_t{1} << field;
  if (seen & bit) return false;
  seen |= bit;
  return true;
}

// google.protobuf.Timestamp: seconds = 1, nanos = 2.
bool ReadTimestamp(std::string_view bytes, std::int64_t* seconds, std::int32_t* nanos) {
  Wire w = Over(bytes);
  std::uint32_t seen = 0;
  int field = 0, type = 0;
  *seconds = 0;
  *nanos = 0;
  while (!w.done()) {
    std::uint64_t v = 0;
    if (!w.Tag(&field, &type) || type != kVarint || field > 2 || !FirstTime(seen, field) ||
        !w.Varint(&v)) {
      return false;
    }
    if (field == 1) {
      *seconds = static_cast<std::int64_t>(v);
    } else {
      *nanos = static_cast<std::int32_t>(v);
    }
  }
  return true;
}

// credence.v1.Money: currency_code = 1, minor_units = 2.
bool ReadMoney(std::string_view bytes, std::string_view* currency, std::int64_t* minor) {
  Wire w = Over(bytes);
  std::uint32_t seen = 0;
  int field = 0, type = 0;
  *currency = {};
  *minor = 0;
  while (!w.done()) {
    if (!w.Tag(&field, &type) || field > 2 || !FirstTime(seen, field)) return false;
    std::uint64_t v = 0;
    if (field == 1 ? (type != kLength || !w.Bytes(currency)) : (type != kVarint || !w.Varint(&v))) {
      return false;
    }
    if (field == 2) *minor = static_cast<std::int64_t>(v);
  }
  return true;
}

// credence.v1.AttributeValue, a oneof of six fields: at most one may be present.
bool ReadAttributeValue(std::string_view bytes, AttributeFields* a) {
  using Kind = AttributeFields::Kind;
  Wire w = Over(bytes);
  int field = 0, type = 0;
  a->kind = Kind::kNone;
  while (!w.done()) {
    if (!w.Tag(&field, &type) || a->kind != Kind::kNone) return false;
    std::uint64_t v = 0;
    std::string_view s;
    switch (field) {
      case 1:  // string_value
        if (type != kLength || !w.Bytes(&a->text)) return false;
        a->kind = Kind::kString;
        break;
      case 2:  // int_value
        if (type != kVarint || !w.Varint(&v)) return false;
        a->kind = Kind::kInt;
        a->number = static_cast<std::int64_t>(v);
        break;
      case 3:  // double_value
        if (type != kFixed64 || !w.Fixed64(&v)) return false;
        a->kind = Kind::kDouble;
        std::memcpy(&a->real, &v, 8);
        break;
      case 4:  // bool_value
        if (type != kVarint || !w.Varint(&v)) return false;
        a->kind = Kind::kBool;
        a->number = v != 0 ? 1 : 0;
        break;
      case 5:  // money_value: protobuf checks the currency's UTF-8 even where ingest never
               // converts it (an event after as_of or a duplicate)
        if (type != kLength || !w.Bytes(&s) || !ReadMoney(s, &a->text, &a->number) ||
            !(IsAscii(a->text) || core::IsValidUtf8(a->text))) {
          return false;
        }
        a->kind = Kind::kMoney;
        break;
      case 6:  // timestamp_value
        if (type != kLength || !w.Bytes(&s) || !ReadTimestamp(s, &a->number, &a->nanos)) {
          return false;
        }
        a->kind = Kind::kTimestamp;
        break;
      default:
        return false;
    }
  }
  return true;
}

// One map<string, AttributeValue> entry: key = 1, value = 2. A key seen before in the same
// event is left to protobuf (the last one wins there).
bool ReadAttribute(std::string_view bytes, std::vector<AttributeFields>& attributes,
                   std::size_t first) {
  Wire w = Over(bytes);
  std::uint32_t seen = 0;
  int field = 0, type = 0;
  AttributeFields a;
  while (!w.done()) {
    std::string_view s;
    if (!w.Tag(&field, &type) || type != kLength || field > 2 || !FirstTime(seen, field) ||
        !w.Bytes(&s)) {
      return false;
    }
    if (field == 1) {
      a.key = s;
    } else if (!ReadAttributeValue(s, &a)) {
      return false;
    }
  }
  for (std::size_t k = first; k < attributes.size(); ++k) {
    if (attributes[k].key == a.key) return false;
  }
  attributes.push_back(a);
  return true;
}

// One credence.v1.Event. Field numbers: event.proto.
bool ReadEvent(std::string_view bytes, EventFields* e, std::vector<AttributeFields>& attributes) {
  Wire w = Over(bytes);
  std::uint32_t seen = 0;
  int field = 0, type = 0;
  *e = EventFields{};
  attributes.clear();
  while (!w.done()) {
    if (!w.Tag(&field, &type) || field > 12 || (field != 12 && !FirstTime(seen, field))) {
      return false;
    }
    if (field == 3) {  // kind
      std::uint64_t v = 0;
      if (type != kVarint || !w.Varint(&v)) return false;
      e->kind = static_cast<std::int32_t>(v);
      continue;
    }
    std::string_view s;
    if (type != kLength || !w.Bytes(&s)) return false;
    switch (field) {
      case 1:
        e->id = s;
        break;
      case 2:
        if (!ReadTimestamp(s, &e->seconds, &e->nanos)) return false;
        e->has_time = true;
        break;
      case 4:
        e->custom_kind = s;
        break;
      case 5:
        if (!ReadMoney(s, &e->currency, &e->minor_units)) return false;
        e->has_amount = true;
        break;
      case 6:
        e->counterparty = s;
        break;
      case 7:
        e->destination_country = s;
        break;
      case 8:
        e->origin_country = s;
        break;
      case 9:
        e->channel = s;
        break;
      case 10:
        e->status = s;
        break;
      case 11:
        e->reference_id = s;
        break;
      case 12:
        if (!ReadAttribute(s, attributes, 0)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

constexpr int kEventsField = 3;  // ScoreRequest.events

}  // namespace

std::optional<ReadResult> ReadBinaryRequest(std::string_view bytes, const FxTable& bundle_fx,
                                            const RequestLimits& limits) {
  // Pass 1: every record but the events goes to the header's bytes; the events are counted.
  std::string header_bytes;
  int events = 0;
  Wire w = Over(bytes);
  while (!w.done()) {
    const char* start = w.position();
    int field = 0, type = 0;
    if (!w.Tag(&field, &type)) return std::nullopt;
    if (field == kEventsField) {
      std::string_view s;
      if (type != kLength || !w.Bytes(&s)) return std::nullopt;
      ++events;
      continue;
    }
    if (!w.Skip(type)) return std::nullopt;
    header_bytes.append(start, static_cast<std::size_t>(w.position() - start));
  }
  std::optional<ReadResult> out(std::in_place);
  if (!out->header.ParseFromString(header_bytes)) return std::nullopt;
  std::optional<FxTable> merged;
  const FxTable* fx = nullptr;
  if (!IngestHeader(out->header, events, bundle_fx, limits, out->ingested, merged, &fx).ok()) {
    return std::nullopt;
  }
  // Pass 2: the events, in order, through the builder.
  TableBuilder builder(out->ingested.as_of, *fx, limits, events, /*copy_ids=*/true);
  EventFields e;
  std::vector<AttributeFields> attributes;
  int index = 0;
  for (w = Over(bytes); !w.done();) {
    int field = 0, type = 0;
    std::string_view s;
    (void)w.Tag(&field, &type);  // checked by pass 1
    if (field != kEventsField) {
      (void)w.Skip(type);
      continue;
    }
    (void)w.Bytes(&s);
    if (!ReadEvent(s, &e, attributes) || !builder.Add(e, attributes, index).ok()) {
      return std::nullopt;
    }
    ++index;
  }
  builder.Finish(events, out->ingested);
  return out;
}

}  // namespace credence::io::internal
