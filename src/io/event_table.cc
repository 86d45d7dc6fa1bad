#include "io/event_table.h"

#include "core/hash.h"

namespace credence::io {

StringPool::StringPool(const StringPool& other) { *this = other; }

StringPool& StringPool::operator=(const StringPool& other) {
  if (this == &other) return *this;
  StringPool copy;
  copy.Reserve(other.size());
  for (std::string_view s : other.strings_) copy.Intern(s);
  *this = std::move(copy);
  return *this;
}

void StringPool::Reserve(std::size_t n) {
  std::size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  if (slots > slots_.size()) Rehash(slots);
}

[[gnu::always_inline]] inline std::size_t StringPool::Probe(std::string_view s) const {
  const core::BytesKey key(s);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = core::HashBytes(s, key) & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.id == kNoString) return i;
    if (slot.size == s.size() && slot.head == key.head && slot.tail == key.tail &&
        (s.size() <= 16 || strings_[static_cast<std::size_t>(slot.id)] == s)) {
      return i;
    }
  }
}

void StringPool::Rehash(std::size_t slots) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slots, Slot{});
  for (const Slot& slot : old) {
    if (slot.id != kNoString) slots_[Probe(strings_[static_cast<std::size_t>(slot.id)])] = slot;
  }
}

std::int32_t StringPool::Intern(std::string_view s) {
  if (s.empty()) return kNoString;
  if (2 * (strings_.size() + 1) > slots_.size()) Rehash(slots_.empty() ? 16 : 2 * slots_.size());
  Slot& slot = slots_[Probe(s)];
  if (slot.id != kNoString) return slot.id;
  const core::BytesKey key(s);
  slot = {key.head, key.tail, static_cast<std::uint32_t>(s.size()),
          static_cast<std::int32_t>(strings_.size())};
  strings_.push_back(arena_.Copy(s));
  return slot.id;
}

std::int32_t StringPool::Find(std::string_view s) const {
  if (s.empty() || slots_.empty()) return kNoString;
  return slots_[Probe(s)].id;
}

}  // namespace credence::io
