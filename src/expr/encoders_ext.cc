// The encoders extension library: base64.encode(bytes) and base64.decode(string). See
// extensions.h.
#include <cstdint>
#include <cstring>
#include <string>

#include "expr/cost.h"
#include "expr/extension_libraries.h"

namespace credence::expr::internal {
namespace {

using K = Type::Kind;

constexpr ExtInfo kFunctions[] = {
    {"base64.encode", ExtFn::kBase64Encode, false, 1, 1},
    {"base64.decode", ExtFn::kBase64Decode, false, 1, 1},
};

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(const std::string& in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                      (static_cast<unsigned char>(in[i + 1]) << 8) |
                      static_cast<unsigned char>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += kBase64Alphabet[(v >> (6 * k)) & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Standard alphabet; trailing '=' padding optional (cel-go accepts both).
Value Base64Decode(const std::string& in) {
  std::string s = in;
  while (!s.empty() && s.back() == '=') s.pop_back();
  if (in.size() - s.size() > 2 || s.size() % 4 == 1) return ExtensionError("invalid base64 input");
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const char* p = std::strchr(kBase64Alphabet, c);
    if (c == '\0' || p == nullptr) return ExtensionError("invalid base64 input");
    acc = (acc << 6) | static_cast<std::uint32_t>(p - kBase64Alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return Value::Bytes(std::move(out));
}

std::optional<Type> Check(ExtFn fn, const std::vector<Type>& a) {
  auto is = [](const Type& t, K k) { return t.is_dyn() || t.kind() == k; };
  switch (fn) {
    case ExtFn::kBase64Encode:
      return is(a[0], K::kBytes) ? std::optional<Type>(Type::String()) : std::nullopt;
    case ExtFn::kBase64Decode:
      return is(a[0], K::kString) ? std::optional<Type>(Type::Bytes()) : std::nullopt;
    default:
      return std::nullopt;
  }
}

Value Call(ExtFn fn, const Value* a, std::size_t count) {
  if (fn == ExtFn::kBase64Encode && a[0].is_bytes()) {
    return Value::String(Base64Encode(a[0].bytes_value()));
  }
  if (fn == ExtFn::kBase64Decode && a[0].is_string()) return Base64Decode(a[0].string_value());
  return ExtensionNoOverload(fn);
}

// base64.encode writes 4 bytes for 3; decode copies its input once, then writes less.
std::uint64_t Cost(ExtFn fn, const Value* a, std::size_t, std::uint64_t) {
  if (fn == ExtFn::kBase64Encode && a[0].is_bytes()) {
    return BytesSteps(SatMul(4, a[0].bytes_value().size() / 3 + 1));
  }
  if (fn == ExtFn::kBase64Decode && a[0].is_string()) {
    return BytesSteps(SatMul(2, a[0].string_value().size()));
  }
  return 0;
}

}  // namespace

const ExtensionLibrary& EncodersLibrary() {
  static const ExtensionLibrary kLibrary{kFunctions, &Check, &Call, &Cost};
  return kLibrary;
}

}  // namespace credence::expr::internal
