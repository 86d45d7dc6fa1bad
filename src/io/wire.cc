// Implements ParseRequest and SerializeResponse from credence/engine.h.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <string>

#include "credence/engine.h"
#include "io/json_shape.h"
#include "io/utf8_fields.h"

namespace credence {

Result<v1::ScoreRequest> ParseRequest(std::string_view bytes, WireFormat format,
                                      const RequestLimits& limits) {
  if (bytes.size() > limits.max_request_bytes) {
    return OutOfRangeError("request of " + std::to_string(bytes.size()) +
                           " bytes exceeds the limit of " +
                           std::to_string(limits.max_request_bytes));
  }
  v1::ScoreRequest request;
  switch (format) {
    case WireFormat::kBinary:
      if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        if (auto bad = io::FindInvalidUtf8InWire(bytes, *v1::ScoreRequest::descriptor())) {
          return DataLossError("malformed binary ScoreRequest: invalid UTF-8 in a string field",
                               {.field_path = *bad});
        }
        return DataLossError("malformed binary ScoreRequest (truncated, corrupt or invalid UTF-8)");
      }
      return request;
    case WireFormat::kJson:
      // Shape, syntax, UTF-8 and number ranges first, located (io/json_shape.h).
      CREDENCE_RETURN_IF_ERROR(
          io::ParseJsonMessage(bytes, &request, "malformed JSON ScoreRequest"));
      return request;
    case WireFormat::kText: {
      if (!google::protobuf::TextFormat::ParseFromString(std::string(bytes), &request)) {
        return InvalidArgumentError("malformed text-format ScoreRequest");
      }
      return request;
    }
  }
  return InvalidArgumentError("unknown wire format");
}

Result<std::string> SerializeResponse(const v1::ScoreResponse& response, WireFormat format) {
  std::string out;
  switch (format) {
    case WireFormat::kBinary: {
      google::protobuf::io::StringOutputStream stream(&out);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      if (!response.SerializeToCodedStream(&coded)) {
        return InternalError("cannot serialize ScoreResponse");
      }
      break;
    }
    case WireFormat::kJson: {
      google::protobuf::util::JsonPrintOptions options;
      options.add_whitespace = false;
      auto status = google::protobuf::util::MessageToJsonString(response, &out, options);
      if (!status.ok()) {
        return InternalError("cannot print ScoreResponse as JSON: " +
                             std::string(status.message()));
      }
      break;
    }
    case WireFormat::kText:
      if (!google::protobuf::TextFormat::PrintToString(response, &out)) {
        return InternalError("cannot print ScoreResponse as text");
      }
      break;
  }
  return out;
}

}  // namespace credence
