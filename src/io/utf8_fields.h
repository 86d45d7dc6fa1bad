// File: io/utf8_fields.h
//
// Finding the string field that holds invalid UTF-8. Protobuf's text parser lets escapes
// such as "\377" through and only logs it; its binary parser refuses invalid UTF-8 in a
// proto3 string without saying where. These functions name the field, so that a bundle or
// request with invalid UTF-8 is refused with its location.
//
// Stateless and thread-safe.
#ifndef CREDENCE_IO_UTF8_FIELDS_H_
#define CREDENCE_IO_UTF8_FIELDS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <optional>
#include <string>
#include <string_view>

namespace credence::io {

// The field path ("rule_sets[0].rules[2].message", `labels["k"]`) of the first string field
// or map key of `message` that is not valid UTF-8; nullopt when every string is valid.
std::optional<std::string> FindInvalidUtf8(const google::protobuf::Message& message);

// The same for the binary encoding `bytes` of a message of `type`, read field by field
// without building the message; nullopt when every string is valid or the bytes do not
// decode (then they are corrupt for another reason).
std::optional<std::string> FindInvalidUtf8InWire(std::string_view bytes,
                                                 const google::protobuf::Descriptor& type);

}  // namespace credence::io

#endif  // CREDENCE_IO_UTF8_FIELDS_H_
