// libFuzzer target: a ScoreRequest in JSON (protobuf's JSON mapping) through ParseRequest
// (the shape check of io/json_shape.h, then protobuf's parser), then scored with the starter
// bundle. Errors must be clean, valid-UTF-8 Statuses; responses deterministic valid JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credence::fuzz::FuzzRequest(std::string_view(reinterpret_cast<const char*>(data), size),
                              credence::WireFormat::kJson);
  return 0;
}
