// The registry of extension libraries: name lookup and dispatch to the library that owns a
// function. See extensions.h; the libraries are in *_ext.cc (extension_libraries.h).
#include "expr/extensions.h"

#include <string.h>  // memmem (glibc)

#include <array>
#include <utility>

#include "core/utf8.h"
#include "expr/extension_libraries.h"

namespace credence::expr::internal {
namespace {

const ExtensionLibrary* const* Libraries() {
  static const ExtensionLibrary* const kLibraries[] = {
      &MathLibrary(), &StringsLibrary(), &EncodersLibrary(), &OptionalLibrary(), nullptr};
  return kLibraries;
}

constexpr std::size_t kExtFnCount = static_cast<std::size_t>(ExtFn::kOr) + 1;

// The library and entry of `fn` (a table built once: calls dispatch by index).
std::pair<const ExtensionLibrary*, const ExtInfo*> Owner(ExtFn fn) {
  using Entry = std::pair<const ExtensionLibrary*, const ExtInfo*>;
  static const std::array<Entry, kExtFnCount> kOwners = [] {
    std::array<Entry, kExtFnCount> owners{};
    for (const ExtensionLibrary* const* lib = Libraries(); *lib != nullptr; ++lib) {
      for (const ExtInfo& e : (*lib)->functions) {
        Entry& slot = owners[static_cast<std::size_t>(e.fn)];
        if (slot.first == nullptr) slot = {*lib, &e};
      }
    }
    return owners;
  }();
  const auto i = static_cast<std::size_t>(fn);
  return i < kExtFnCount ? kOwners[i] : Entry{nullptr, nullptr};
}

template <typename Pred>
const ExtInfo* FindFunction(Pred pred) {
  for (const ExtensionLibrary* const* lib = Libraries(); *lib != nullptr; ++lib) {
    for (const ExtInfo& e : (*lib)->functions) {
      if (pred(e)) return &e;
    }
  }
  return nullptr;
}

}  // namespace

Value ExtensionError(std::string message) {
  return Value::Error(StatusCode::kInvalidArgument, std::move(message));
}

Value ExtensionNoOverload(ExtFn fn) {
  const ExtInfo* e = Owner(fn).second;
  if (e == nullptr) return ExtensionError("no such overload");
  return ExtensionError("no such overload: " + std::string(e->name));
}

std::vector<char32_t> DecodeUtf8(const std::string& s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k <= n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += n + 1;
  }
  return out;
}

std::string EncodeUtf8(const std::vector<char32_t>& cps, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) core::AppendUtf8(out, cps[i]);
  return out;
}

bool IsNamespacedExtension(std::string_view qualified) {
  return FindFunction([&](const ExtInfo& e) { return !e.receiver && e.name == qualified; }) !=
         nullptr;
}

bool IsExtensionName(std::string_view name) {
  return FindFunction([&](const ExtInfo& e) { return e.name == name; }) != nullptr;
}

std::optional<ExtFn> LookupExtension(std::string_view name, bool receiver, std::size_t argc) {
  const ExtInfo* found = FindFunction([&](const ExtInfo& e) {
    return e.name == name && e.receiver == receiver && static_cast<int>(argc) >= e.min_args &&
           (e.max_args < 0 || static_cast<int>(argc) <= e.max_args);
  });
  if (found == nullptr) return std::nullopt;
  return found->fn;
}

std::optional<Type> CheckExtension(ExtFn fn, const std::vector<Type>& args) {
  const ExtensionLibrary* lib = Owner(fn).first;
  if (lib == nullptr) return std::nullopt;
  return lib->check(fn, args);
}

Value CallExtension(ExtFn fn, const Value* args, std::size_t count) {
  const ExtensionLibrary* lib = Owner(fn).first;
  if (lib == nullptr) return ExtensionNoOverload(fn);
  return lib->call(fn, args, count);
}

std::uint64_t ExtensionCost(ExtFn fn, const Value* args, std::size_t count, std::uint64_t cap) {
  const ExtensionLibrary* lib = Owner(fn).first;
  if (lib == nullptr || lib->cost == nullptr) return 0;
  return lib->cost(fn, args, count, cap);
}

std::size_t FindBytes(std::string_view hay, std::string_view needle, std::size_t from) {
  if (from > hay.size()) return std::string_view::npos;
  if (needle.empty()) return from;
  if (needle.size() == 1) return hay.find(needle[0], from);  // memchr: stops at the hit
  const void* hit = memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return hit == nullptr ? std::string_view::npos
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - hay.data());
}

}  // namespace credence::expr::internal
