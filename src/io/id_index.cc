#include "io/id_index.h"

#include "core/hash.h"

namespace credence::io {

IdIndex::IdIndex(std::size_t rows) {
  std::size_t slots = 16;
  while (slots < 2 * rows) slots *= 2;
  slots_.assign(slots, Slot{});
}

std::int32_t IdIndex::Insert(std::span<const std::string_view> ids, std::string_view id,
                             std::int32_t row) {
  const std::uint64_t h = core::HashBytes(id);
  const auto h32 = static_cast<std::uint32_t>(h >> 32);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t s = h & mask;; s = (s + 1) & mask) {
    Slot& slot = slots_[s];
    if (slot.row < 0) {
      slot = {h32, row};
      return -1;
    }
    if (slot.hash == h32 && ids[static_cast<std::size_t>(slot.row)] == id) return slot.row;
  }
}

std::int32_t IdIndex::Find(std::span<const std::string_view> ids, std::string_view id) const {
  const std::uint64_t h = core::HashBytes(id);
  const auto h32 = static_cast<std::uint32_t>(h >> 32);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t s = h & mask;; s = (s + 1) & mask) {
    const Slot& slot = slots_[s];
    if (slot.row < 0) return -1;
    if (slot.hash == h32 && ids[static_cast<std::size_t>(slot.row)] == id) return slot.row;
  }
}

std::vector<std::int32_t> ReferenceRows(const EventTable& t, const IdIndex& index) {
  std::vector<std::int32_t> out(t.size(), -1);
  for (std::size_t row = 0; row < t.size(); ++row) {
    const std::string_view ref = t.reference_id[row];
    if (ref.empty()) continue;
    const std::int32_t r = index.Find(t.id, ref);
    if (r != static_cast<std::int32_t>(row)) out[row] = r;
  }
  return out;
}

std::vector<std::int32_t> ReferenceRows(const EventTable& t) {
  IdIndex index(t.size());
  for (std::size_t row = 0; row < t.size(); ++row) {
    (void)index.Insert(t.id, t.id[row], static_cast<std::int32_t>(row));
  }
  return ReferenceRows(t, index);
}

}  // namespace credence::io
