#include "printable.h"

#include <cstdio>

#include "core/utf8.h"

namespace credence::cli {
namespace {

// True for the code points that are escaped although well-formed (see printable.h).
bool IsEscapedCodePoint(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void AppendEscape(std::string& out, char32_t cp) {
  char buf[12];
  switch (cp) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  if (cp <= 0x7F) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
  } else {
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
  }
  out += buf;
}

// Appends the printable form of `s`.
void AppendPrintable(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const core::Utf8Step step = core::NextUtf8(s, i);
    if (!step.valid) {
      char buf[8];
      for (std::size_t k = 0; k < step.length; ++k) {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i + k]));
        out += buf;
      }
    } else if (IsEscapedCodePoint(step.code_point)) {
      AppendEscape(out, step.code_point);
    } else {
      out.append(s.substr(i, step.length));
    }
    i += step.length;
  }
}

// The offset of the character boundary at or before `i` in `s`.
std::size_t BoundaryAtOrBefore(std::string_view s, std::size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

// `line` when it is at most `max_bytes` long; otherwise its head and its tail (where a
// message says why) around " ... (N bytes) ... ", cut at character boundaries.
std::string CutMiddle(std::string_view line, std::size_t max_bytes) {
  if (line.size() <= max_bytes) return std::string(line);
  const std::size_t head = BoundaryAtOrBefore(line, max_bytes / 2);
  const std::size_t tail = BoundaryAtOrBefore(line, line.size() - max_bytes / 2);
  return std::string(line.substr(0, head)) + " ... (" + std::to_string(line.size()) +
         " bytes) ... " + std::string(line.substr(tail));
}

}  // namespace

std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendPrintable(out, s);
  return out;
}

std::string PrintableMessage(std::string_view s) {
  while (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  std::string out;
  for (std::size_t begin = 0; begin <= s.size();) {
    std::size_t end = s.find('\n', begin);
    if (end == std::string_view::npos) end = s.size();
    if (begin > 0) out += "\n  ";
    AppendPrintable(out, CutMiddle(s.substr(begin, end - begin), kMaxMessageLineBytes));
    begin = end + 1;
  }
  return out;
}

std::string Shortened(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = 0;
  while (cut < s.size()) {
    const std::size_t next = cut + core::NextUtf8(s, cut).length;
    if (next > max_bytes) break;
    cut = next;
  }
  return std::string(s.substr(0, cut)) + "... (" + std::to_string(s.size()) + " bytes)";
}

std::size_t PrintableWidth(std::string_view s) {
  const std::string p = Printable(s);
  std::size_t width = 0;
  for (std::size_t i = 0; i < p.size(); i += core::NextUtf8(p, i).length) ++width;
  return width;
}

}  // namespace credence::cli
