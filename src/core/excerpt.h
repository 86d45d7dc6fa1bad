// Bounded excerpts of user text for error messages, so that a huge CSV cell, expression,
// literal or source line is never echoed in full: messages quote at most a few hundred
// bytes, cut at UTF-8 character boundaries and marked where they were cut.
//
// Stateless and thread-safe.
#ifndef CREDENCE_CORE_EXCERPT_H_
#define CREDENCE_CORE_EXCERPT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace credence::core {

// Bytes of user text an error message quotes at most (plus the cut marks).
inline constexpr std::size_t kExcerptBytes = 200;

// `s` itself when it is at most `max_bytes` long; otherwise its first bytes (cut at a
// character boundary) followed by "... (N bytes)".
std::string Excerpt(std::string_view s, std::size_t max_bytes = kExcerptBytes);

// A window of at most about `max_bytes` of `line` around its `column`-th character (1-based,
// counted in UTF-8 code points), for printing a source line with a caret under the column.
// `text` is the window, with "..." where the line was cut on either side; `caret_column` is
// the 1-based column of the same character within `text`.
struct LineExcerpt {
  std::string text;
  int caret_column = 1;
};
LineExcerpt ExcerptAround(std::string_view line, int column, std::size_t max_bytes = kExcerptBytes);

}  // namespace credence::core

#endif  // CREDENCE_CORE_EXCERPT_H_
