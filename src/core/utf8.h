// UTF-8 validation.
#ifndef CREDENCE_CORE_UTF8_H_
#define CREDENCE_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace credence::core {

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF). On false, *bad_offset (if non-null) gets the offset of the first bad byte.
bool IsValidUtf8(std::string_view s, std::size_t* bad_offset = nullptr) noexcept;

// Appends the UTF-8 encoding of code point `cp` to `out`. REQUIRES: cp <= 0x10FFFF.
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace credence::core

#endif  // CREDENCE_CORE_UTF8_H_
