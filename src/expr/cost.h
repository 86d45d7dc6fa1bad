// File: expr/cost.h
//
// The evaluation cost model (internal to module expr; see CompileOptions::max_steps). Every
// node visited and every comprehension iteration costs one step. A call costs more when it
// builds or scans something large: one step per 64 bytes of string or bytes and per 8 list
// elements or map entries it builds, copies, compares or searches, and one step per string
// it builds into a list (split). The cost of a call is computed from its arguments BEFORE it
// runs, so the budget stops an expression before it allocates, not after.
//
// Stateless and thread-safe.
#ifndef CREDENCE_EXPR_COST_H_
#define CREDENCE_EXPR_COST_H_

#include <cstddef>
#include <cstdint>

#include "expr/value.h"

namespace credence::expr {

struct Node;  // node.h

namespace internal {

inline constexpr std::uint64_t kBytesPerStep = 64;
inline constexpr std::uint64_t kEntriesPerStep = 8;

// a + b and a * b, saturating at the largest uint64.
inline std::uint64_t SatAdd(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}
inline std::uint64_t SatMul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r;
  return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

// Steps to build or scan `bytes` bytes / `entries` list elements or map entries.
inline std::uint64_t BytesSteps(std::uint64_t bytes) { return bytes / kBytesPerStep; }
inline std::uint64_t EntriesSteps(std::uint64_t entries) { return entries / kEntriesPerStep; }

// Steps of a value's own payload: its bytes (string, bytes) or entries (list, map); 0 for
// scalars.
std::uint64_t ShallowSteps(const Value& v);

// Steps to walk all of `v`: nested lists and maps entirely, a payload shared by several
// elements counted each time it occurs, every element at least 1/8 step. Stops as soon as
// the total exceeds `cap` (then returns more than `cap`), so the walk itself takes at most
// about 8 * cap element visits.
std::uint64_t DeepSteps(const Value& v, std::uint64_t cap);

// The steps call node `n` costs on its evaluated, non-error arguments beyond its own visit,
// before it runs; more than `cap` means it would exceed the budget left (the walk stops
// early then). Builtins that neither build nor scan anything large cost 0.
std::uint64_t CallCost(const Node& n, const Value* args, std::size_t count, std::uint64_t cap);

}  // namespace internal
}  // namespace credence::expr

#endif  // CREDENCE_EXPR_COST_H_
