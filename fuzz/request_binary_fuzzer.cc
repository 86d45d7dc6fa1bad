// libFuzzer target: a ScoreRequest in protobuf binary through ParseRequest, then scored with
// the starter bundle. Errors must be clean, valid-UTF-8 Statuses; responses deterministic
// valid JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credence::fuzz::FuzzRequest(std::string_view(reinterpret_cast<const char*>(data), size),
                              credence::WireFormat::kBinary);
  return 0;
}
