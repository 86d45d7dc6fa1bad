// Hashing of short byte strings for the open-addressing tables of ingest (interned strings,
// event ids): BytesKey reads a string in at most two 8-byte loads when it is 16 bytes or
// shorter (what ids, codes and statuses are), so hashing and comparing it costs a few
// instructions. Not cryptographic and not stable across versions: never persist it.
// Stateless and thread-safe.
#ifndef CREDENCE_CORE_HASH_H_
#define CREDENCE_CORE_HASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace credence::core {

__extension__ typedef unsigned __int128 HashUint128;

// 64x64 -> 128-bit multiply, folded (the mixing step of wyhash and its relatives).
inline std::uint64_t MixBits(std::uint64_t a, std::uint64_t b) noexcept {
  const HashUint128 p = static_cast<HashUint128>(a) * b;
  return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
}

inline std::uint64_t Load64(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

inline std::uint64_t Load32(const char* p) noexcept {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// A string's first and last up to 8 bytes, read without going past its end. For strings of
// at most 16 bytes, (size, head, tail) determines the string.
struct BytesKey {
  std::uint64_t head = 0;
  std::uint64_t tail = 0;

  explicit BytesKey(std::string_view s) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
    if (n >= 8) {
      head = Load64(p);
      tail = Load64(p + n - 8);
    } else if (n >= 4) {
      head = Load32(p);
      tail = Load32(p + n - 4);
    } else if (n > 0) {
      head = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
             static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
    }
  }
  // True when no byte read has its top bit set (for n <= 16: the string is ASCII).
  bool ascii() const noexcept { return ((head | tail) & 0x8080808080808080ull) == 0; }
};

// A 64-bit hash of `s`. `key` must be BytesKey(s).
inline std::uint64_t HashBytes(std::string_view s, const BytesKey& key) noexcept {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
  std::uint64_t h = MixBits(key.head ^ k0 ^ s.size(), key.tail ^ k1);
  for (std::size_t i = 8; i + 8 < s.size(); i += 8) {  // the middle of strings over 16 bytes
    h = MixBits(h ^ Load64(s.data() + i), k1);
  }
  return h;
}

inline std::uint64_t HashBytes(std::string_view s) noexcept { return HashBytes(s, BytesKey(s)); }

// Whether `a` equals `b`, given their keys: word compares for strings of at most 16 bytes.
inline bool SameBytes(std::string_view a, const BytesKey& ka, std::string_view b,
                      const BytesKey& kb) noexcept {
  if (a.size() != b.size() || ka.head != kb.head || ka.tail != kb.tail) return false;
  return a.size() <= 16 || std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace credence::core

#endif  // CREDENCE_CORE_HASH_H_
