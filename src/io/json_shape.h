// File: io/json_shape.h
//
// JSON of the right shape for a protobuf message, checked before protobuf's JSON parser
// reads it. Protobuf's parser accepts some JSON of the wrong shape: it flattens nested
// arrays ("events": [[e1, e2]] reads as two events; 100,000 nested empty arrays read as
// nothing), and its errors carry no position ("unexpected end of string" for an unknown
// field on line 30). CheckJson walks the document once against the message's descriptor
// and refuses, with the field path and line:column of the offending value:
//
//   INVALID_ARGUMENT  JSON syntax errors; invalid UTF-8 or a lone surrogate (\ud800) in a
//                     string; an unknown or repeated field; a value of a kind its field
//                     does not take (JsonKindAllowed): an array for a single value, an
//                     array inside an array, null inside an array, an object for a string,
//                     a string for a list...; an enum name the enum does not have; a
//                     fraction (1.5) for an integer field
//   OUT_OF_RANGE      a number that does not fit its field (1e400 for a double, 2^31 for
//                     an int32), nesting deeper than kMaxJsonDepth
//
// ParseJsonMessage is the one JSON reader of credence messages (requests, bundles, models):
// CheckJson, then protobuf's parser. Another reader of the same JSON (a faster one) must
// accept exactly what CheckJson accepts, value by value with JsonKindAllowed, and should
// take its errors from ParseJsonMessage so they read the same.
//
// Stateless and thread-safe.
#ifndef CREDENCE_IO_JSON_SHAPE_H_
#define CREDENCE_IO_JSON_SHAPE_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <string_view>

#include "credence/status.h"

namespace credence::io {

// Objects and arrays nested deeper than this are OUT_OF_RANGE (protobuf's own limit is 100).
inline constexpr int kMaxJsonDepth = 100;

enum class JsonKind { kNull, kBool, kNumber, kString, kArray, kObject };

// "null", "true or false", "a number", "a string", "an array", "an object".
std::string_view JsonKindName(JsonKind kind);

// The shape rule: whether a JSON value of `kind` may stand for `field` (protobuf's JSON
// mapping, proto3). `element` is true for one element of a repeated field or one value of
// a map field, false for the field's whole value. A repeated field takes an array (or
// null); a map field an object (or null); an element or singular field takes:
//   message            an object (singular: or null); well-known types as their JSON form:
//                      Timestamp, Duration, FieldMask a string; wrappers their scalar;
//                      Struct an object; ListValue an array; Value anything
//   string, bytes      a string
//   bool               true, false, or the string "true" / "false"
//   integers, floats   a number or a string holding one ("NaN", "Infinity" for floats)
//   enum               a string (its name) or a number (NullValue: null)
// and a singular field also null (its default). Elements never take null or an array.
bool JsonKindAllowed(const google::protobuf::FieldDescriptor& field, bool element, JsonKind kind);

// Called for every field and element CheckJson meets: its path ("features[2].window") and
// where its value starts (1-based line and column, column counted in characters).
using JsonFieldVisitor = std::function<void(const std::string& path, int line, int column)>;

struct JsonCheckOptions {
  // Put in error locations (a bundle's file name); may be empty.
  std::string file;
  // When set, told of every field (to build a source map).
  const JsonFieldVisitor* visit = nullptr;
};

// Checks `json` against `type` as described above. OK when protobuf's parser may read it.
Status CheckJson(std::string_view json, const google::protobuf::Descriptor& type,
                 const JsonCheckOptions& options = {});

// CheckJson, then protobuf's JSON parser into `message` (unknown fields refused). Errors are
// CheckJson's, or for what protobuf still refuses (a malformed timestamp, bad base64)
// INVALID_ARGUMENT with protobuf's message; both prefixed by `what` ("malformed JSON
// ScoreRequest").
Status ParseJsonMessage(std::string_view json, google::protobuf::Message* message,
                        std::string_view what, const JsonCheckOptions& options = {});

namespace internal {
// Well-known types whose JSON form is not an object of their fields: Timestamp, Duration and
// FieldMask are strings, wrappers (DoubleValue...) their scalar, Struct an object of any
// values, ListValue an array, Value anything.
enum class WellKnown { kNone, kString, kWrapper, kStruct, kListValue, kValue };
WellKnown WellKnownOf(const google::protobuf::Descriptor& type);
}  // namespace internal

}  // namespace credence::io

#endif  // CREDENCE_IO_JSON_SHAPE_H_
