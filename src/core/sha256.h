// SHA-256 (FIPS 180-4), for bundle digests.
#ifndef CREDENCE_CORE_SHA256_H_
#define CREDENCE_CORE_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace credence::core {

// Incremental SHA-256. Thread-compatible.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // Finishes the hash; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> Finish();
  // Lower-case hex of Finish().
  std::string FinishHex();

 private:
  void Block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t buf_len_ = 0;
  std::uint64_t total_len_ = 0;
};

}  // namespace credence::core

#endif  // CREDENCE_CORE_SHA256_H_
