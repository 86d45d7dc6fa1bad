// EventTable: one request's events in columns, sorted by time, money in the base currency.
#ifndef CREDENCE_IO_EVENT_TABLE_H_
#define CREDENCE_IO_EVENT_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time.h"

namespace credence::io {

// Interns the strings of one request. Ids are dense from 0; kNoString stands for "".
class StringPool {
 public:
  static constexpr std::int32_t kNoString = -1;

  std::int32_t Intern(std::string_view s);
  void Reserve(std::size_t n) { ids_.reserve(n); }
  // The id of `s`, or kNoString when it does not occur (or is empty).
  std::int32_t Find(std::string_view s) const;
  const std::string& Get(std::int32_t id) const { return strings_[static_cast<std::size_t>(id)]; }
  std::size_t size() const { return strings_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> ids_;
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
  // Event ids and reference ids are views into the ScoreRequest, which must outlive the
  // table. They are not interned: ids are unique per event, so interning would only cost.
  std::vector<std::string_view> id;
  std::vector<std::string_view> reference_id;  // "" when none
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

  std::size_t size() const { return time.size(); }
};

}  // namespace credence::io

#endif  // CREDENCE_IO_EVENT_TABLE_H_
