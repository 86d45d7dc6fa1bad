#include "io/event_table.h"

namespace credence::io {

std::int32_t StringPool::Intern(std::string_view s) {
  if (s.empty()) return kNoString;
  auto [it, inserted] =
      ids_.try_emplace(std::string(s), static_cast<std::int32_t>(strings_.size()));
  if (inserted) strings_.push_back(it->first);
  return it->second;
}

std::int32_t StringPool::Find(std::string_view s) const {
  if (s.empty()) return kNoString;
  auto it = ids_.find(s);
  return it == ids_.end() ? kNoString : it->second;
}

}  // namespace credence::io
