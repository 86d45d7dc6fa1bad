// IdIndex: event ids to rows in one open-addressing table (8 bytes a slot, no node per id),
// used by ingest both to drop duplicate ids and to resolve each event's reference_id to
// the row it names (EventTable::reference_row), which the features' links read.
//
//   IdIndex index(table.size());
//   for (row...) index.Insert(table.id, table.id[row], row);  // -1: new; else the first
//   std::int32_t r = index.Find(table.id, "ord-7");  // -1 when absent
//
// Thread-compatible.
#ifndef CREDENCE_IO_ID_INDEX_H_
#define CREDENCE_IO_ID_INDEX_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "io/event_table.h"

namespace credence::io {

class IdIndex {
 public:
  // Room for `rows` ids at a load of at most one half.
  explicit IdIndex(std::size_t rows);

  // Records that `id` is at `row` unless it is already recorded. Returns -1 when it was
  // new, else the row recorded first. `ids` holds the ids of the rows recorded so far (by
  // row); the caller appends `id` to it at `row` when it was new.
  std::int32_t Insert(std::span<const std::string_view> ids, std::string_view id, std::int32_t row);
  // The row recorded for `id`, or -1.
  std::int32_t Find(std::span<const std::string_view> ids, std::string_view id) const;

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::int32_t row = -1;  // -1: empty
  };
  std::vector<Slot> slots_;  // a power of two
};

// For each row of `t`, the row whose id is its reference_id, or -1 when it has none, names
// no event of the table, or names itself. Cost O(rows).
std::vector<std::int32_t> ReferenceRows(const EventTable& t);

// The same through an index of t's ids.
std::vector<std::int32_t> ReferenceRows(const EventTable& t, const IdIndex& index);

}  // namespace credence::io

#endif  // CREDENCE_IO_ID_INDEX_H_
