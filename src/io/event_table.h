// EventTable: one request's events in columns, sorted by time, money in the base currency.
#ifndef CREDENCE_IO_EVENT_TABLE_H_
#define CREDENCE_IO_EVENT_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"
#include "core/time.h"

namespace credence::io {

// Interns the strings of one request. Ids are dense from 0; kNoString stands for "".
// Each distinct string is copied once into the pool's own arena, so the pool does not
// depend on where the strings came from. Lookups go through an open-addressing table
// (no node per string). Thread-compatible; copying copies the strings.
class StringPool {
 public:
  static constexpr std::int32_t kNoString = -1;

  StringPool() = default;
  StringPool(StringPool&&) noexcept = default;
  StringPool& operator=(StringPool&&) noexcept = default;
  StringPool(const StringPool& other);
  StringPool& operator=(const StringPool& other);

  std::int32_t Intern(std::string_view s);
  // Room for `n` distinct strings without rehashing.
  void Reserve(std::size_t n);
  // The id of `s`, or kNoString when it does not occur (or is empty).
  std::int32_t Find(std::string_view s) const;
  std::string_view Get(std::int32_t id) const { return strings_[static_cast<std::size_t>(id)]; }
  std::size_t size() const { return strings_.size(); }

 private:
  struct Slot {
    std::uint64_t head = 0;  // core::BytesKey of the string
    std::uint64_t tail = 0;
    std::uint32_t size = 0;
    std::int32_t id = kNoString;  // kNoString: empty slot
  };
  // The slot holding `s`, or the empty slot where it would go.
  std::size_t Probe(std::string_view s) const;
  void Rehash(std::size_t slots);

  std::vector<std::string_view> strings_;  // into arena_
  std::vector<Slot> slots_;                // size 0 or a power of two
  core::ByteArena arena_{1024};
};

// A typed attribute value after ingest. Money is in base-currency major units.
struct Attribute {
  enum class Type : std::uint8_t { kString, kInt, kDouble, kBool, kMoney, kTimestamp };
  std::int32_t key = StringPool::kNoString;  // attribute name
  Type type = Type::kString;
  std::int32_t string_id = StringPool::kNoString;  // kString
  std::int64_t int_value = 0;                      // kInt, kBool (0/1), kTimestamp (TimeNs)
  double double_value = 0;                         // kDouble, kMoney
};

// The events a request's features may see: at or before as_of, duplicates dropped, sorted by
// (time, position in the request). Columns all have size(); string columns hold StringPool
// ids.
struct EventTable {
  std::vector<core::TimeNs> time;
  std::vector<std::int32_t> kind;         // credence.v1.EventKind number
  std::vector<std::int32_t> custom_kind;  // string id; kNoString unless EVENT_KIND_CUSTOM
  // Event ids and reference ids are not interned (ids are unique per event, so interning
  // would only cost): they are views into the ScoreRequest the table was built from, which
  // must then outlive the table, or, for tables read straight from request bytes
  // (request_reader.h), into `bytes`.
  std::vector<std::string_view> id;
  std::vector<std::string_view> reference_id;  // "" when none
  // The row whose id is reference_id (ids are unique in a table), or -1 when the event
  // references nothing, an event not in the table, or itself. Filled by ingest; a table
  // built otherwise may leave it empty (io::ReferenceRows computes it).
  std::vector<std::int32_t> reference_row;
  // Amount in the base currency: exact minor units, and major units as a double (exact too,
  // since |minor units| <= 2^53). NaN / 0 when the event has no amount.
  std::vector<std::int64_t> amount_minor;
  std::vector<double> amount;
  std::vector<std::int32_t> counterparty;
  std::vector<std::int32_t> destination_country;
  std::vector<std::int32_t> origin_country;
  std::vector<std::int32_t> channel;
  std::vector<std::int32_t> status;
  std::vector<std::int32_t> input_index;  // position in ScoreRequest.events
  // Attributes of event i are attributes[attr_begin[i] .. attr_begin[i+1]), sorted by key.
  std::vector<std::uint32_t> attr_begin;
  std::vector<Attribute> attributes;
  StringPool strings;
  // Holds the bytes of `id` and `reference_id` when the table owns them.
  core::ByteArena bytes{8192};

  std::size_t size() const { return time.size(); }
};

}  // namespace credence::io

#endif  // CREDENCE_IO_EVENT_TABLE_H_
