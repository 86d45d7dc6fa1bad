// UTF-8 validation, decoding and repair.
#ifndef CREDENCE_CORE_UTF8_H_
#define CREDENCE_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace credence::core {

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF). On false, *bad_offset (if non-null) gets the offset of the first bad byte.
bool IsValidUtf8(std::string_view s, std::size_t* bad_offset = nullptr) noexcept;

// One step of decoding: the code point at a position and how many bytes it takes.
struct Utf8Step {
  char32_t code_point = 0;  // U+FFFD when !valid
  std::size_t length = 0;   // bytes consumed, 1 to 4
  bool valid = false;
};

// Decodes the character that starts at s[i]. When the bytes there are not well-formed,
// `length` is that of the maximal ill-formed subpart (Unicode 15, section 3.9, "U+FFFD
// substitution of maximal subparts"): the bytes one U+FFFD stands for. REQUIRES: i < s.size().
Utf8Step NextUtf8(std::string_view s, std::size_t i) noexcept;

// `s` with every maximal ill-formed subpart replaced by U+FFFD (EF BF BD), as Python's
// bytes.decode("utf-8", "replace") and the WHATWG decoder do. Well-formed input is returned
// unchanged.
std::string ReplaceInvalidUtf8(std::string_view s);

// Appends the UTF-8 encoding of code point `cp` to `out`. REQUIRES: cp <= 0x10FFFF.
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace credence::core

#endif  // CREDENCE_CORE_UTF8_H_
