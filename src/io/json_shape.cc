// The shape rules of protobuf's JSON mapping and the one JSON reader of credence messages.
// The walk itself is in json_walker.cc. See json_shape.h.
#include "io/json_shape.h"

#include <google/protobuf/util/json_util.h>

#include "core/excerpt.h"

namespace credence::io {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

using internal::WellKnown;
using internal::WellKnownOf;

}  // namespace

WellKnown internal::WellKnownOf(const Descriptor& d) {
  const std::string& name = d.full_name();
  if (name.rfind("google.protobuf.", 0) != 0) return WellKnown::kNone;
  if (name == "google.protobuf.Timestamp" || name == "google.protobuf.Duration" ||
      name == "google.protobuf.FieldMask") {
    return WellKnown::kString;
  }
  if (name == "google.protobuf.Struct") return WellKnown::kStruct;
  if (name == "google.protobuf.ListValue") return WellKnown::kListValue;
  if (name == "google.protobuf.Value") return WellKnown::kValue;
  if (name.size() > 5 && name.compare(name.size() - 5, 5, "Value") == 0) {
    return WellKnown::kWrapper;  // DoubleValue, StringValue, ...
  }
  return WellKnown::kNone;
}

namespace {

// The kinds one value of `field` takes (null aside).
bool ScalarKindAllowed(const FieldDescriptor& field, JsonKind kind) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor& d = *field.message_type();
      switch (WellKnownOf(d)) {
        case WellKnown::kNone:
        case WellKnown::kStruct:
          return kind == JsonKind::kObject;
        case WellKnown::kString:
          return kind == JsonKind::kString;
        case WellKnown::kWrapper:
          return d.field_count() == 1 && ScalarKindAllowed(*d.field(0), kind);
        case WellKnown::kListValue:
          return kind == JsonKind::kArray;
        case WellKnown::kValue:
          return true;
      }
      return false;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      return kind == JsonKind::kString;
    case FieldDescriptor::CPPTYPE_BOOL:
      return kind == JsonKind::kBool || kind == JsonKind::kString;
    case FieldDescriptor::CPPTYPE_ENUM:
      return kind == JsonKind::kString || kind == JsonKind::kNumber ||
             (kind == JsonKind::kNull &&
              field.enum_type()->full_name() == "google.protobuf.NullValue");
    default:  // numbers
      return kind == JsonKind::kNumber || kind == JsonKind::kString;
  }
}

}  // namespace

std::string_view JsonKindName(JsonKind kind) {
  switch (kind) {
    case JsonKind::kNull:
      return "null";
    case JsonKind::kBool:
      return "true or false";
    case JsonKind::kNumber:
      return "a number";
    case JsonKind::kString:
      return "a string";
    case JsonKind::kArray:
      return "an array";
    case JsonKind::kObject:
      return "an object";
  }
  return "a value";
}

bool JsonKindAllowed(const FieldDescriptor& field, bool element, JsonKind kind) {
  if (!element) {
    if (kind == JsonKind::kNull) return true;  // the field's default
    if (field.is_map()) return kind == JsonKind::kObject;
    if (field.is_repeated()) return kind == JsonKind::kArray;
  }
  if (kind == JsonKind::kNull) {  // only Value and NullValue take null as an element
    return ScalarKindAllowed(field, kind) ||
           (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
            WellKnownOf(*field.message_type()) == WellKnown::kValue);
  }
  return ScalarKindAllowed(field, kind);
}

Status ParseJsonMessage(std::string_view json, google::protobuf::Message* message,
                        std::string_view what, const JsonCheckOptions& options) {
  if (Status shape = CheckJson(json, *message->GetDescriptor(), options); !shape.ok()) {
    return shape.WithPrefix(what);
  }
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, parse);
  if (!status.ok()) {
    return InvalidArgumentError(
        std::string(what) + ": " + core::Excerpt(std::string(status.message())),
        {.file = options.file});
  }
  return OkStatus();
}

}  // namespace credence::io
