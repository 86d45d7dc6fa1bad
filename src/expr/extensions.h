// File: expr/extensions.h
//
// CEL extension libraries built into the language (internal to module expr):
//
//   math     math.greatest(x, ...) math.least(x, ...) (numbers or one list of numbers),
//            math.ceil/floor/round/trunc(double), math.abs, math.sign, math.isNaN,
//            math.isInf, math.isFinite, math.bitAnd/bitOr/bitXor/bitNot,
//            math.bitShiftLeft/bitShiftRight
//   strings  s.charAt(i), s.indexOf(t[, start]), s.lastIndexOf(t[, start]), s.lowerAscii(),
//            s.upperAscii(), s.replace(old, new[, n]), s.split(sep[, n]),
//            s.substring(start[, end]), s.trim(), s.reverse(), list.join([sep]),
//            strings.quote(s), s.format(list) (verbs %s %d %f %e %b %o %x %X %% and
//            precision %.Nf / %.Ne)
//   encoders base64.encode(bytes) -> string, base64.decode(string) -> bytes (padding optional)
//   optional optional.of(x), optional.none(), optional.ofNonZeroValue(x), o.hasValue(),
//            o.value(), o.orValue(x), o.or(o2) (plus the optMap/optFlatMap macros and the
//            `.?f` / `[?k]` / `{?k: v}` / `[?x]` syntax, handled by parser and evaluator)
//
// Indices and lengths of strings count code points, as in cel-go's strings extension.
// Stateless and thread-safe.
#ifndef CREDENCE_EXPR_EXTENSIONS_H_
#define CREDENCE_EXPR_EXTENSIONS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "expr/types.h"
#include "expr/value.h"

namespace credence::expr::internal {

enum class ExtFn : unsigned char {
  kGreatest,
  kLeast,
  kCeil,
  kFloor,
  kRound,
  kTrunc,
  kAbs,
  kSign,
  kIsNaN,
  kIsInf,
  kIsFinite,
  kBitAnd,
  kBitOr,
  kBitXor,
  kBitNot,
  kBitShiftLeft,
  kBitShiftRight,
  kCharAt,
  kIndexOf,
  kLastIndexOf,
  kLowerAscii,
  kUpperAscii,
  kReplace,
  kSplit,
  kSubstring,
  kTrim,
  kReverse,
  kJoin,
  kQuote,
  kFormat,
  kBase64Encode,
  kBase64Decode,
  kOptionalOf,
  kOptionalNone,
  kOptionalOfNonZero,
  kHasValue,
  kValue,
  kOrValue,  // lazy in the evaluator: the argument runs only when the optional is empty
  kOr,       // likewise
};

// True when `qualified` ("math.greatest", "strings.quote") names a namespaced extension
// function, so `math.greatest(...)` is a global call rather than a method on `math`.
bool IsNamespacedExtension(std::string_view qualified);

// The extension called `name` in the given style with `argc` arguments (counting the
// receiver), if any. Global extension names are qualified ("math.abs").
std::optional<ExtFn> LookupExtension(std::string_view name, bool receiver, std::size_t argc);

// True when some extension (in any style or arity) is called `name`.
bool IsExtensionName(std::string_view name);

// Static result type; nullopt when the argument types match no overload. `args` includes
// the receiver first for receiver-style calls.
std::optional<Type> CheckExtension(ExtFn fn, const std::vector<Type>& args);

// Evaluates on `count` non-error arguments (receiver first). Returns an error value for bad
// arguments (no such overload, index out of range, overflow).
Value CallExtension(ExtFn fn, const Value* args, std::size_t count);

// The steps CallExtension costs on these arguments beyond the call's own visit, computed
// before it runs (see cost.h); more than `cap` means too much (computing it stops early).
std::uint64_t ExtensionCost(ExtFn fn, const Value* args, std::size_t count, std::uint64_t cap);

}  // namespace credence::expr::internal

#endif  // CREDENCE_EXPR_EXTENSIONS_H_
