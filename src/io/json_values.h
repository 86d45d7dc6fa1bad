// Pieces of the JSON request reader (internal to module io; see request_reader.h): how far
// reading a value got, field paths formatted only for errors, the canonical scalar forms
// the reader accepts (an integer with no sign but '-', no leading zero, no fraction or
// exponent; a timestamp 2026-10-01T00:00:00[.f]Z), and a descriptor-driven reader that
// fills any message of the request but its events (the header) with protobuf's semantics.
#ifndef CREDENCE_IO_JSON_VALUES_H_
#define CREDENCE_IO_JSON_VALUES_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "credence/status.h"

namespace credence::io::internal {

namespace sj = simdjson::ondemand;

// How reading a value went: read; not the reader's to read (the reference path decides);
// or of the wrong shape (the reader's own error).
enum class Step { kOk, kFallback, kShape };

// A field path on the stack, formatted only for an error: parent.name[index] or
// parent["key"].
struct PathNode {
  const PathNode* parent = nullptr;
  std::string_view name;
  int index = -1;
  bool is_key = false;
  std::string str() const;
};

// Records the shape error at `path` in `*error` and returns Step::kShape: a list inside a
// list (`path` is the element), or an object where a list belongs.
Step ShapeError(const PathNode& path, Status* error);

// The key of `field` when it has no escape sequence (the reader's subset), else nullopt.
std::optional<std::string_view> RawKey(sj::field& field);

// "-?(0|[1-9][0-9]*)" within [min, max]; or nullopt.
std::optional<std::int64_t> CanonicalInt(std::string_view text, std::int64_t min, std::int64_t max);
std::optional<std::uint64_t> CanonicalUint(std::string_view text);

// A JSON number or string holding a canonical integer in [min, max].
Step ReadInt(sj::value& v, std::int64_t min, std::int64_t max, std::int64_t* out);
// A JSON number read as protobuf reads a double: an integer token converts as an integer
// (so -0 is +0), any other through correctly rounded parsing. Strings: not the subset.
Step ReadDouble(sj::value& v, double* out);
Step ReadBool(sj::value& v, bool* out);
Step ReadString(sj::value& v, std::string_view* out);
// An enum by exact value name, or by number (proto3 enums are open).
Step ReadEnum(sj::value& v, const google::protobuf::EnumDescriptor* type, std::int32_t* out);
// A google.protobuf.Timestamp in its canonical JSON form.
Step ReadTimestamp(sj::value& v, std::int64_t* seconds, std::int32_t* nanos);
bool ParseTimestamp(std::string_view s, std::int64_t* seconds, std::int32_t* nanos);

// Kind of JSON value, or nullopt on a parse error.
std::optional<sj::json_type> TypeOf(sj::value& v);

// Reads the value of a field the caller reads itself (FillMessage's `hooked`).
class FieldHook {
 public:
  virtual ~FieldHook() = default;
  virtual Step Read(sj::value& v, const PathNode& path, Status* error) = 0;
};

// Fills `message` from the JSON object `obj` (every field of it, by name in either
// spelling), except field `hooked` (may be null), whose value goes to `hook`.
Step FillMessage(sj::object& obj, google::protobuf::Message* message, const PathNode& path,
                 Status* error, const google::protobuf::FieldDescriptor* hooked = nullptr,
                 FieldHook* hook = nullptr);

// `k` equals the literal `lit` (a length check and a fixed-size compare, no library call).
template <std::size_t N>
inline bool Is(std::string_view k, const char (&lit)[N]) {
  return k.size() == N - 1 && __builtin_memcmp(k.data(), lit, N - 1) == 0;
}

// The field of `type` named `name` in JSON (json_name) or proto spelling, or null.
const google::protobuf::FieldDescriptor* FieldByJsonName(const google::protobuf::Descriptor* type,
                                                         std::string_view name);

}  // namespace credence::io::internal

#endif  // CREDENCE_IO_JSON_VALUES_H_
