// Implements ParseRequest and SerializeResponse (credence/engine.h) and ParseScreenRequest
// and SerializeScreenResponse (credence/screener.h): one parser and one printer per format.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <string>

#include "credence/engine.h"
#include "credence/screener.h"
#include "io/json_shape.h"
#include "io/utf8_fields.h"

namespace credence {

namespace {

// Parses one message into `message`; `name` names its type in errors ("ScoreRequest").
Status ParseInto(std::string_view bytes, WireFormat format, const RequestLimits& limits,
                 const std::string& name, google::protobuf::Message* message) {
  if (bytes.size() > limits.max_request_bytes) {
    return OutOfRangeError("request of " + std::to_string(bytes.size()) +
                           " bytes exceeds the limit of " +
                           std::to_string(limits.max_request_bytes));
  }
  switch (format) {
    case WireFormat::kBinary:
      if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        if (auto bad = io::FindInvalidUtf8InWire(bytes, *message->GetDescriptor())) {
          return DataLossError("malformed binary " + name + ": invalid UTF-8 in a string field",
                               {.field_path = *bad});
        }
        return DataLossError("malformed binary " + name + " (truncated, corrupt or invalid UTF-8)");
      }
      return OkStatus();
    case WireFormat::kJson:
      // Shape, syntax, UTF-8 and number ranges first, located (io/json_shape.h).
      return io::ParseJsonMessage(bytes, message, "malformed JSON " + name);
    case WireFormat::kText:
      if (!google::protobuf::TextFormat::ParseFromString(std::string(bytes), message)) {
        return InvalidArgumentError("malformed text-format " + name);
      }
      return OkStatus();
  }
  return InvalidArgumentError("unknown wire format");
}

template <typename M>
Result<M> ParseMessage(std::string_view bytes, WireFormat format, const RequestLimits& limits,
                       const std::string& name) {
  M message;
  CREDENCE_RETURN_IF_ERROR(ParseInto(bytes, format, limits, name, &message));
  return message;
}

Result<std::string> SerializeMessage(const google::protobuf::Message& response, WireFormat format,
                                     const std::string& name) {
  std::string out;
  switch (format) {
    case WireFormat::kBinary: {
      google::protobuf::io::StringOutputStream stream(&out);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      if (!response.SerializeToCodedStream(&coded)) {
        return InternalError("cannot serialize " + name);
      }
      break;
    }
    case WireFormat::kJson: {
      google::protobuf::util::JsonPrintOptions options;
      options.add_whitespace = false;
      auto status = google::protobuf::util::MessageToJsonString(response, &out, options);
      if (!status.ok()) {
        return InternalError("cannot print " + name + " as JSON: " + std::string(status.message()));
      }
      break;
    }
    case WireFormat::kText:
      if (!google::protobuf::TextFormat::PrintToString(response, &out)) {
        return InternalError("cannot print " + name + " as text");
      }
      break;
  }
  return out;
}

}  // namespace

Result<v1::ScoreRequest> ParseRequest(std::string_view bytes, WireFormat format,
                                      const RequestLimits& limits) {
  return ParseMessage<v1::ScoreRequest>(bytes, format, limits, "ScoreRequest");
}

Result<std::string> SerializeResponse(const v1::ScoreResponse& response, WireFormat format) {
  return SerializeMessage(response, format, "ScoreResponse");
}

Result<v1::ScreenRequest> ParseScreenRequest(std::string_view bytes, WireFormat format,
                                             const RequestLimits& limits) {
  return ParseMessage<v1::ScreenRequest>(bytes, format, limits, "ScreenRequest");
}

Status ParseScreenRequest(std::string_view bytes, WireFormat format, const RequestLimits& limits,
                          v1::ScreenRequest* out) {
  return ParseInto(bytes, format, limits, "ScreenRequest", out);
}

Result<std::string> SerializeScreenResponse(const v1::ScreenResponse& response, WireFormat format) {
  return SerializeMessage(response, format, "ScreenResponse");
}

}  // namespace credence
