// ByteArena: a bump allocator for the bytes of many small strings that live and die
// together (one request's interned strings and event ids). Blocks are never moved, so the
// views it hands out stay valid until the arena is destroyed, also when it is moved.
//
//   core::ByteArena arena;
//   std::string_view id = arena.Copy(json_string);  // valid as long as `arena`
//
// Thread-compatible.
#ifndef CREDENCE_CORE_ARENA_H_
#define CREDENCE_CORE_ARENA_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace credence::core {

class ByteArena {
 public:
  // The first block holds `first_block` bytes (at least 256); later ones double, up to
  // 1 MiB. Nothing is allocated before the first Allocate or Copy.
  explicit ByteArena(std::size_t first_block = 4096)
      : next_block_(first_block < 256 ? 256 : first_block) {}
  ByteArena(ByteArena&&) noexcept = default;
  ByteArena& operator=(ByteArena&&) noexcept = default;
  ByteArena(const ByteArena&) = delete;
  ByteArena& operator=(const ByteArena&) = delete;

  // `n` uninitialised bytes (n may be 0).
  char* Allocate(std::size_t n) {
    if (n > left_) Grow(n);
    char* p = cur_;
    cur_ += n;
    left_ -= n;
    return p;
  }
  // A copy of `s` in the arena.
  std::string_view Copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = Allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  // Bytes handed out plus the unused rest of the current block.
  std::size_t capacity() const { return capacity_; }

 private:
  void Grow(std::size_t n) {
    std::size_t size = next_block_ > n ? next_block_ : n;
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    cur_ = blocks_.back().get();
    left_ = size;
    capacity_ += size;
    if (next_block_ < (std::size_t{1} << 20)) next_block_ *= 2;
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cur_ = nullptr;
  std::size_t left_ = 0;
  std::size_t next_block_;
  std::size_t capacity_ = 0;
};

}  // namespace credence::core

#endif  // CREDENCE_CORE_ARENA_H_
