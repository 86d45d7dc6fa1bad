// libFuzzer target: a bundle in protobuf binary format through ParseBundle, then
// Engine::Compile (model files resolve in tests/models/data), the lint of
// `credence validate`, and when it compiles, scoring the first example request. Errors must
// be clean, valid-UTF-8 Statuses; nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/bundle_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credence::fuzz::FuzzBundle(std::string_view(reinterpret_cast<const char*>(data), size),
                             credence::BundleFormat::kBinary);
  return 0;
}
