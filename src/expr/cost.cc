// The evaluation cost model: what a call costs before it runs. See cost.h.
#include "expr/cost.h"

#include <algorithm>

#include "expr/builtins.h"
#include "expr/extensions.h"
#include "expr/node.h"

namespace credence::expr::internal {
namespace {

// Walks `v` adding its size in units of 1/64 step (a byte is 1 unit, an element 8); false
// once `units` exceeds `cap_units`.
bool Walk(const Value& v, std::uint64_t& units, std::uint64_t cap_units) {
  auto add = [&](std::uint64_t n) {
    units = SatAdd(units, n);
    return units <= cap_units;
  };
  switch (v.kind()) {
    case Value::Kind::kString:
      return add(v.string_value().size());
    case Value::Kind::kBytes:
      return add(v.bytes_value().size());
    case Value::Kind::kList:
      if (!add(SatMul(v.list().size(), kBytesPerStep / kEntriesPerStep))) return false;
      for (const Value& e : v.list()) {
        if (!Walk(e, units, cap_units)) return false;
      }
      return true;
    case Value::Kind::kMap:
      if (!add(SatMul(v.map().size(), 2 * kBytesPerStep / kEntriesPerStep))) return false;
      for (const auto& [key, value] : v.map().entries()) {
        if (!Walk(key, units, cap_units) || !Walk(value, units, cap_units)) return false;
      }
      return true;
    case Value::Kind::kOptional:
      return !v.optional_has_value() || Walk(v.optional_value(), units, cap_units);
    default:
      return true;
  }
}

std::uint64_t StringSteps(const Value& v) {
  return v.is_string()  ? BytesSteps(v.string_value().size())
         : v.is_bytes() ? BytesSteps(v.bytes_value().size())
                        : 0;
}

// Comparing or searching: bounded by the smaller operand, walked entirely.
std::uint64_t CompareCost(const Value& a, const Value& b, std::uint64_t cap) {
  return std::min(DeepSteps(a, cap), DeepSteps(b, cap));
}

std::uint64_t AddCost(const Value& a, const Value& b) {
  if ((a.is_string() && b.is_string()) || (a.is_bytes() && b.is_bytes())) {
    return SatAdd(StringSteps(a), StringSteps(b));
  }
  if (a.is_list() && b.is_list()) return EntriesSteps(SatAdd(a.list().size(), b.list().size()));
  return 0;
}

// Map lookups scan the entries.
std::uint64_t LookupCost(const Value& container) {
  return container.is_map() ? EntriesSteps(container.map().size()) : 0;
}

}  // namespace

std::uint64_t ShallowSteps(const Value& v) {
  if (v.is_string() || v.is_bytes()) return StringSteps(v);
  if (v.is_list()) return EntriesSteps(v.list().size());
  if (v.is_map()) return EntriesSteps(v.map().size());
  return 0;
}

std::uint64_t DeepSteps(const Value& v, std::uint64_t cap) {
  std::uint64_t units = 0;
  if (!Walk(v, units, SatMul(cap, kBytesPerStep))) return SatAdd(cap, 1);
  return units / kBytesPerStep;
}

std::uint64_t CallCost(const Node& n, const Value* a, std::size_t count, std::uint64_t cap) {
  switch (n.fn) {
    case Fn::kEq:
    case Fn::kNe:
    case Fn::kLt:
    case Fn::kLe:
    case Fn::kGt:
    case Fn::kGe:
      return CompareCost(a[0], a[1], cap);
    case Fn::kAdd:
      return AddCost(a[0], a[1]);
    case Fn::kIn:
      if (a[1].is_list() && a[0].is_string() && a[1].list_string_index() != nullptr) {
        return StringSteps(a[0]);  // one hash of the needle
      }
      return a[1].is_list() ? DeepSteps(a[1], cap) : LookupCost(a[1]);
    case Fn::kIndex:
    case Fn::kOptIndex:
      return LookupCost(a[0]);
    case Fn::kSize:
    case Fn::kToInt:
    case Fn::kToUint:
    case Fn::kToDouble:
    case Fn::kToString:
    case Fn::kToBool:
    case Fn::kToBytes:
    case Fn::kToTimestamp:
    case Fn::kToDuration:
      return a[0].is_string() || a[0].is_bytes() ? StringSteps(a[0]) : 0;
    case Fn::kContains:
    case Fn::kStartsWith:
    case Fn::kEndsWith:
    case Fn::kMatches:
      return SatAdd(StringSteps(a[0]), StringSteps(a[1]));
    case Fn::kExtension:
      return ExtensionCost(n.ext, a, count, cap);
    default:
      return 0;
  }
}

}  // namespace credence::expr::internal
