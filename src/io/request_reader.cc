// ReadRequest: the request readers behind one entry point. See request_reader.h.
#include "io/request_reader.h"

namespace credence::io {

Result<std::optional<ReadResult>> ReadRequest(std::string_view bytes, RequestFormat format,
                                              const FxTable& bundle_fx, const RequestLimits& limits,
                                              const RequestLimits& parse_limits) {
  if (bytes.size() > parse_limits.max_request_bytes) return std::nullopt;  // ParseRequest's error
  switch (format) {
    case RequestFormat::kBinary:
      return internal::ReadBinaryRequest(bytes, bundle_fx, limits);
    case RequestFormat::kJson:
      return internal::ReadJsonRequest(bytes, bundle_fx, limits);
  }
  return std::nullopt;
}

}  // namespace credence::io
