// File: expr/extension_libraries.h
//
// The four extension libraries behind extensions.h, one source file each (internal to
// module expr): math (math_ext.cc), strings (strings_ext.cc), encoders (encoders_ext.cc)
// and optional (optional_ext.cc). Each library lists its functions and implements their
// static types and run-time behaviour for its own ExtFn values; extensions.cc dispatches.
//
// Stateless and thread-safe.
#ifndef CREDENCE_EXPR_EXTENSION_LIBRARIES_H_
#define CREDENCE_EXPR_EXTENSION_LIBRARIES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "expr/extensions.h"
#include "expr/types.h"
#include "expr/value.h"

namespace credence::expr::internal {

// One function of a library: its name (qualified for global functions: "math.abs"), call
// style and arity.
struct ExtInfo {
  std::string_view name;
  ExtFn fn;
  bool receiver;
  int min_args, max_args;  // counting the receiver; max -1 = variadic
};

// A library: its functions, and the static type and implementation of each.
struct ExtensionLibrary {
  std::span<const ExtInfo> functions;
  // nullopt when the argument types match no overload; `args` has the receiver first.
  std::optional<Type> (*check)(ExtFn fn, const std::vector<Type>& args);
  // On `count` evaluated, non-error arguments (receiver first).
  Value (*call)(ExtFn fn, const Value* args, std::size_t count);
  // What `call` will cost on these arguments, in steps (cost.h), before it runs; null when
  // no function of the library builds or scans anything large.
  std::uint64_t (*cost)(ExtFn fn, const Value* args, std::size_t count,
                        std::uint64_t cap) = nullptr;
};

const ExtensionLibrary& MathLibrary();
const ExtensionLibrary& StringsLibrary();
const ExtensionLibrary& EncodersLibrary();
const ExtensionLibrary& OptionalLibrary();

// The error values of extension functions: "no such overload: <name>" and others.
Value ExtensionNoOverload(ExtFn fn);
Value ExtensionError(std::string message);

// The byte offset of the first occurrence of `needle` in `hay` at or after byte `from`, or
// npos; linear time in the sizes (glibc's two-way memmem), whatever the inputs.
std::size_t FindBytes(std::string_view hay, std::string_view needle, std::size_t from = 0);

// Decodes UTF-8 (valid by construction) into code points, and encodes cps[from, to).
std::vector<char32_t> DecodeUtf8(const std::string& s);
std::string EncodeUtf8(const std::vector<char32_t>& cps, std::size_t from, std::size_t to);

}  // namespace credence::expr::internal

#endif  // CREDENCE_EXPR_EXTENSION_LIBRARIES_H_
