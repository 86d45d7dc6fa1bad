#include "core/excerpt.h"

#include <algorithm>

namespace credence::core {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The largest character boundary of `s` at or before `i`.
std::size_t BoundaryBefore(std::string_view s, std::size_t i) {
  i = std::min(i, s.size());
  while (i > 0 && i < s.size() && IsContinuation(s[i])) --i;
  return i;
}

// The byte offset of the `column`-th character (1-based), or s.size() past the end.
std::size_t OffsetOfColumn(std::string_view s, int column) {
  int c = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (IsContinuation(s[i])) continue;
    if (c == column) return i;
    ++c;
  }
  return s.size();
}

// The smallest character boundary of `s` at or after `i`.
std::size_t BoundaryAfter(std::string_view s, std::size_t i) {
  i = std::min(i, s.size());
  while (i < s.size() && IsContinuation(s[i])) ++i;
  return i;
}

int CountCharacters(std::string_view s) {
  int n = 0;
  for (char ch : s) n += IsContinuation(ch) ? 0 : 1;
  return n;
}

}  // namespace

std::string Excerpt(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  return std::string(s.substr(0, BoundaryBefore(s, max_bytes))) + "... (" +
         std::to_string(s.size()) + " bytes)";
}

LineExcerpt ExcerptAround(std::string_view line, int column, std::size_t max_bytes) {
  LineExcerpt out;
  if (line.size() <= max_bytes) {
    out.text = std::string(line);
    out.caret_column = std::max(column, 1);
    return out;
  }
  const std::size_t at = OffsetOfColumn(line, std::max(column, 1));
  const std::size_t half = max_bytes / 2;
  const std::size_t begin = BoundaryBefore(line, at > half ? at - half : 0);
  const std::size_t end = BoundaryAfter(line, std::max(begin + max_bytes, at + 1));
  const std::string_view head = begin > 0 ? "..." : "";
  out.text = std::string(head) + std::string(line.substr(begin, end - begin)) +
             (end < line.size() ? "..." : "");
  out.caret_column =
      static_cast<int>(head.size()) + CountCharacters(line.substr(begin, at - begin)) + 1;
  return out;
}

}  // namespace credence::core
