// Reading one row of an EventTable the way features do: an attribute by key, a numeric
// attribute value, the string key of an event field. Inline: every evaluator calls these
// once per row.
#ifndef CREDENCE_FEATURES_EVENT_ROW_H_
#define CREDENCE_FEATURES_EVENT_ROW_H_

#include <cstddef>
#include <cstdint>

#include "credence/v1/bundle.pb.h"
#include "credence/v1/event.pb.h"
#include "io/event_table.h"

namespace credence::features {

// The attribute `key` of `row`, or null.
inline const io::Attribute* FindAttribute(const io::EventTable& t, std::size_t row,
                                          std::int32_t key) {
  for (std::uint32_t k = t.attr_begin[row]; k < t.attr_begin[row + 1]; ++k) {
    if (t.attributes[k].key == key) return &t.attributes[k];
  }
  return nullptr;
}

// Int, double and money attributes are numbers (money in base-currency major units).
inline bool IsNumeric(const io::Attribute& a) {
  return a.type == io::Attribute::Type::kInt || a.type == io::Attribute::Type::kDouble ||
         a.type == io::Attribute::Type::kMoney;
}

// The string id of `key` on `row` (kNoString when the field is empty or not a key field).
inline std::int32_t KeyOf(const io::EventTable& t, std::size_t row, v1::EventField key) {
  switch (key) {
    case v1::EVENT_FIELD_COUNTERPARTY:
      return t.counterparty[row];
    case v1::EVENT_FIELD_DESTINATION_COUNTRY:
      return t.destination_country[row];
    case v1::EVENT_FIELD_ORIGIN_COUNTRY:
      return t.origin_country[row];
    case v1::EVENT_FIELD_CHANNEL:
      return t.channel[row];
    case v1::EVENT_FIELD_STATUS:
      return t.status[row];
    default:
      return io::StringPool::kNoString;
  }
}

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_EVENT_ROW_H_
