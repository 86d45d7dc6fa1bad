// File: expr/builtins.h
//
// The standard function library of the CEL subset (internal to module expr): its names and
// arities (used by the planner to resolve calls), its static types (used by the checker,
// builtin_types.cc) and its run-time implementations on evaluated arguments (used by the
// evaluator and constant folding, builtins.cc). Extension libraries live in extensions.h.
//
// Functions:  -_ _==_ _!=_ _<_ _<=_ _>_ _>=_ _+_ _-_ _*_ _/_ _%_ _[_] _[?_] @in size
// contains startsWith endsWith matches int uint double string bool bytes type dyn
// timestamp duration getFullYear getMonth getDate getDayOfMonth getDayOfWeek getDayOfYear
// getHours getMinutes getSeconds getMilliseconds; the special forms _&&_ _||_ !_ _?_:_ are
// handled by the planner and the evaluator.
//
// Stateless and thread-safe.
#ifndef CREDENCE_EXPR_BUILTINS_H_
#define CREDENCE_EXPR_BUILTINS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/types.h"
#include "expr/value.h"

namespace credence::expr {

struct Node;  // node.h

enum class Fn : unsigned char {
  kUnknown,
  kNeg,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kIndex,
  kOptIndex,  // _[?_]
  kIn,
  kSize,
  kContains,
  kStartsWith,
  kEndsWith,
  kMatches,
  kToInt,
  kToUint,
  kToDouble,
  kToString,
  kToBool,
  kToBytes,
  kType,
  kDyn,
  kToTimestamp,
  kToDuration,
  kGetFullYear,
  kGetMonth,
  kGetDate,
  kGetDayOfMonth,
  kGetDayOfWeek,
  kGetDayOfYear,
  kGetHours,
  kGetMinutes,
  kGetSeconds,
  kGetMilliseconds,
  kExtension,  // Node::ext
};

// The builtin called `name` in the given style with `argc` arguments (counting the
// receiver); Fn::kUnknown when there is none.
Fn LookupBuiltin(std::string_view name, bool receiver, std::size_t argc);
// True when `name` is a builtin function or special form (in any style or arity).
bool IsBuiltinName(std::string_view name);
std::string_view FnName(Fn fn);
inline bool IsComparison(Fn fn) { return fn >= Fn::kEq && fn <= Fn::kGe; }
inline bool IsTimeGetter(Fn fn) { return fn >= Fn::kGetFullYear && fn <= Fn::kGetMilliseconds; }
// The comparison with its operands swapped: `c < x` is `x > c`.
Fn MirrorComparison(Fn cmp);

// The static result type of the builtin `fn` applied to `args` (with receiver type `recv`
// for receiver-style calls); nullopt when no overload matches.
std::optional<Type> ResolveBuiltinType(const std::string& fn, const std::optional<Type>& recv,
                                       const std::vector<Type>& args);

// Calls the strict builtin of call node `n` on `count` evaluated, non-error arguments
// (receiver first); uses the node's precompiled regular expression or time zone when it
// has one. Returns a CEL error value for bad arguments.
Value CallBuiltin(const Node& n, const Value* args, std::size_t count);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_BUILTINS_H_
