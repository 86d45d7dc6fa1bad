// Text from requests, bundles, input files and the command line, made safe to print on a
// terminal: nothing a request carries can move the cursor, clear the screen, ring the bell,
// rewrite a line or reorder what the analyst reads.
//
// Escaped, as C-like escapes that show what was there:
//   - control characters (Unicode Cc): U+0000-U+001F as \n, \r, \t or \xHH (\x1b for ESC,
//     \x07 for BEL, \x08 for backspace), U+007F as \x7f, the C1 controls U+0080-U+009F as
//     \u0085 etc.;
//   - the bidirectional formatting characters (Unicode Bidi_Control: U+061C, U+200E, U+200F,
//     U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators U+2028, U+2029, as
//     \u202e etc.;
//   - bytes that are not well-formed UTF-8, one \xHH per byte.
// Everything else (printable ASCII, well-formed UTF-8 text, backslashes) is copied, so
// ordinary text reads unchanged. Functions only; thread-safe.
#ifndef CREDENCE_TOOLS_CREDENCE_PRINTABLE_H_
#define CREDENCE_TOOLS_CREDENCE_PRINTABLE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace credence::cli {

// `s` with every character above escaped, line breaks included: one line of text.
std::string Printable(std::string_view s);

// The longest line of a message printed whole; of a longer one, the first and the last
// kMaxMessageLineBytes / 2 bytes are printed.
inline constexpr std::size_t kMaxMessageLineBytes = 1000;

// The same for a message of several lines (a status whose message quotes a source line and
// a caret): line breaks are kept, and every line after the first is indented by two spaces,
// so no text inside a message can begin a line of its own. A line longer than
// kMaxMessageLineBytes (a message quoting a 1 MB value) keeps its head and its tail, where
// the reason is, around " ... (N bytes) ... ": a terminal gets a few lines per message,
// whatever the input.
std::string PrintableMessage(std::string_view s);

// `s` when it is at most `max_bytes` long; otherwise its first `max_bytes` bytes (cut at a
// character boundary) followed by "... (N bytes)". For echoing values (a CSV cell, an id) in
// messages without copying megabytes to the terminal. Not escaped: pass the result through
// Printable() or PrintableMessage().
std::string Shortened(std::string_view s, std::size_t max_bytes = 120);

// The number of characters (code points; an ill-formed byte counts one) in Printable(s): the
// width on a terminal of fixed-width characters.
std::size_t PrintableWidth(std::string_view s);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_PRINTABLE_H_
