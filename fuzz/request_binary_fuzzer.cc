// libFuzzer target: a ScoreRequest in protobuf binary through ParseRequest, then scored with
// the starter bundle. Errors must be clean, valid-UTF-8 Statuses; responses deterministic
// valid JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto request = credence::ParseRequest(bytes, credence::WireFormat::kBinary);
  if (!request.ok()) {
    credence::fuzz::CheckStatus(request.status());
    return 0;
  }
  credence::fuzz::ScoreAndCheck(credence::fuzz::StarterEngine(), *request);
  return 0;
}
