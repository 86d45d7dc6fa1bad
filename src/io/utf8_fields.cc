// Locating invalid UTF-8 in string fields. See utf8_fields.h.
#include "io/utf8_fields.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/wire_format_lite.h>

#include <map>
#include <vector>

#include "core/excerpt.h"
#include "core/utf8.h"

namespace credence::io {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::internal::WireFormatLite;

constexpr int kMaxDepth = 100;

std::string Join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

bool IsText(const FieldDescriptor& f) { return f.type() == FieldDescriptor::TYPE_STRING; }

std::optional<std::string> InMessage(const Message& m, const std::string& prefix, int depth);

// A map field: keys shown as ["key"] when they are valid, by position otherwise.
std::optional<std::string> InMap(const Message& m, const FieldDescriptor& f,
                                 const std::string& path, int depth) {
  const auto* reflection = m.GetReflection();
  const FieldDescriptor* key = f.message_type()->map_key();
  const FieldDescriptor* value = f.message_type()->map_value();
  const int n = reflection->FieldSize(m, &f);
  for (int i = 0; i < n; ++i) {
    const Message& entry = reflection->GetRepeatedMessage(m, &f, i);
    const auto* er = entry.GetReflection();
    std::string at = path + "[" + std::to_string(i) + "]";
    if (IsText(*key)) {
      const std::string k = er->GetString(entry, key);
      if (!core::IsValidUtf8(k)) return at + " (its key)";
      at = path + "[\"" + core::Excerpt(k, 64) + "\"]";
    }
    if (IsText(*value) && !core::IsValidUtf8(er->GetString(entry, value))) return at;
    if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (auto bad = InMessage(er->GetMessage(entry, value), at, depth + 1)) return bad;
    }
  }
  return std::nullopt;
}

std::optional<std::string> InMessage(const Message& m, const std::string& prefix, int depth) {
  if (depth > kMaxDepth) return std::nullopt;
  const auto* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string path = Join(prefix, f->name());
    if (f->is_map()) {
      if (auto bad = InMap(m, *f, path, depth)) return bad;
      continue;
    }
    const bool text = IsText(*f);
    const bool message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!text && !message) continue;
    if (!f->is_repeated()) {
      if (text && !core::IsValidUtf8(reflection->GetString(m, f))) return path;
      if (message) {
        if (auto bad = InMessage(reflection->GetMessage(m, f), path, depth + 1)) return bad;
      }
      continue;
    }
    const int n = reflection->FieldSize(m, f);
    for (int i = 0; i < n; ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (text && !core::IsValidUtf8(reflection->GetRepeatedString(m, f, i))) return at;
      if (message) {
        if (auto bad = InMessage(reflection->GetRepeatedMessage(m, f, i), at, depth + 1)) {
          return bad;
        }
      }
    }
  }
  return std::nullopt;
}

// Reads the fields of one message from `in` up to its limit. `found` gets the path of the
// first invalid string; false when the bytes do not decode.
bool InWire(google::protobuf::io::CodedInputStream& in, const Descriptor& type,
            const std::string& prefix, int depth, std::optional<std::string>& found) {
  if (depth > kMaxDepth) return false;
  std::map<int, int> seen;  // occurrences of each field number, for [i]
  while (true) {
    const std::uint32_t tag = in.ReadTag();
    if (tag == 0) return true;  // end of message (or of its limit)
    const int number = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    const FieldDescriptor* f = type.FindFieldByNumber(number);
    const bool delimited =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    const bool walk = f != nullptr && delimited &&
                      (IsText(*f) || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE);
    if (!walk) {
      if (!WireFormatLite::SkipField(&in, tag)) return false;
      continue;
    }
    const int index = seen[number]++;
    const std::string path =
        Join(prefix, f->name()) + (f->is_repeated() ? "[" + std::to_string(index) + "]" : "");
    std::uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return false;
    if (IsText(*f)) {
      std::string bytes;
      if (!in.ReadString(&bytes, static_cast<int>(length))) return false;
      if (!core::IsValidUtf8(bytes)) {
        found = path;
        return true;
      }
      continue;
    }
    const auto limit = in.PushLimit(static_cast<int>(length));
    if (!InWire(in, *f->message_type(), path, depth + 1, found)) return false;
    if (found) return true;
    if (in.BytesUntilLimit() != 0) return false;
    in.PopLimit(limit);
  }
}

}  // namespace

std::optional<std::string> FindInvalidUtf8(const Message& message) {
  return InMessage(message, "", 0);
}

std::optional<std::string> FindInvalidUtf8InWire(std::string_view bytes, const Descriptor& type) {
  if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) return std::nullopt;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::optional<std::string> found;
  if (!InWire(in, type, "", 0, found)) return found;
  return found;
}

}  // namespace credence::io
