// The math extension library: math.greatest/least, rounding, abs/sign, NaN/Inf tests and
// bit operations. See extensions.h.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "expr/cost.h"
#include "expr/extension_libraries.h"

namespace credence::expr::internal {
namespace {

using K = Type::Kind;

constexpr ExtInfo kFunctions[] = {
    {"math.greatest", ExtFn::kGreatest, false, 1, -1},
    {"math.least", ExtFn::kLeast, false, 1, -1},
    {"math.ceil", ExtFn::kCeil, false, 1, 1},
    {"math.floor", ExtFn::kFloor, false, 1, 1},
    {"math.round", ExtFn::kRound, false, 1, 1},
    {"math.trunc", ExtFn::kTrunc, false, 1, 1},
    {"math.abs", ExtFn::kAbs, false, 1, 1},
    {"math.sign", ExtFn::kSign, false, 1, 1},
    {"math.isNaN", ExtFn::kIsNaN, false, 1, 1},
    {"math.isInf", ExtFn::kIsInf, false, 1, 1},
    {"math.isFinite", ExtFn::kIsFinite, false, 1, 1},
    {"math.bitAnd", ExtFn::kBitAnd, false, 2, 2},
    {"math.bitOr", ExtFn::kBitOr, false, 2, 2},
    {"math.bitXor", ExtFn::kBitXor, false, 2, 2},
    {"math.bitNot", ExtFn::kBitNot, false, 1, 1},
    {"math.bitShiftLeft", ExtFn::kBitShiftLeft, false, 2, 2},
    {"math.bitShiftRight", ExtFn::kBitShiftRight, false, 2, 2},
};

// math.greatest / math.least over numbers (mixed kinds compare by value).
Value Extreme(bool greatest, const Value* args, std::size_t count) {
  const Value* items = args;
  std::size_t n = count;
  if (count == 1 && args[0].is_list()) {
    items = args[0].list().data();
    n = args[0].list().size();
    if (n == 0) return ExtensionError("math.greatest/least of an empty list");
  }
  const Value* best = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    if (!items[i].is_number()) return ExtensionError("no such overload: math.greatest/least");
    if (best == nullptr) {
      best = &items[i];
      continue;
    }
    std::optional<Ordering> o = CompareValues(items[i], *best);
    if (o == Ordering::kUnordered) {  // NaN wins, as in cel-go
      if (items[i].is_double() && std::isnan(items[i].double_value())) best = &items[i];
      continue;
    }
    if ((greatest && o == Ordering::kGreater) || (!greatest && o == Ordering::kLess)) {
      best = &items[i];
    }
  }
  return *best;
}

Value BitOp(ExtFn fn, const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    std::int64_t x = a.int_value(), y = b.int_value();
    if (fn == ExtFn::kBitAnd) return Value::Int(x & y);
    if (fn == ExtFn::kBitOr) return Value::Int(x | y);
    return Value::Int(x ^ y);
  }
  if (a.is_uint() && b.is_uint()) {
    std::uint64_t x = a.uint_value(), y = b.uint_value();
    if (fn == ExtFn::kBitAnd) return Value::Uint(x & y);
    if (fn == ExtFn::kBitOr) return Value::Uint(x | y);
    return Value::Uint(x ^ y);
  }
  return ExtensionNoOverload(fn);
}

Value Shift(ExtFn fn, const Value& a, const Value& b) {
  if (!b.is_int() || !(a.is_int() || a.is_uint())) return ExtensionNoOverload(fn);
  std::int64_t s = b.int_value();
  if (s < 0) return ExtensionError("math.bitShift: negative shift " + std::to_string(s));
  std::uint64_t x = a.is_int() ? static_cast<std::uint64_t>(a.int_value()) : a.uint_value();
  std::uint64_t r = s >= 64 ? 0 : fn == ExtFn::kBitShiftLeft ? x << s : x >> s;  // logical
  if (a.is_int()) return Value::Int(static_cast<std::int64_t>(r));
  return Value::Uint(r);
}

std::optional<Type> Check(ExtFn fn, const std::vector<Type>& a) {
  auto is = [](const Type& t, K k) { return t.is_dyn() || t.kind() == k; };
  auto numeric = [](const Type& t) {
    return t.is_dyn() || t.kind() == K::kInt || t.kind() == K::kUint || t.kind() == K::kDouble;
  };
  auto intlike = [](const Type& t) {
    return t.is_dyn() || t.kind() == K::kInt || t.kind() == K::kUint;
  };
  switch (fn) {
    case ExtFn::kGreatest:
    case ExtFn::kLeast: {
      if (a.size() == 1 && a[0].kind() == K::kList) {
        return numeric(a[0].elem()) ? std::optional<Type>(a[0].elem()) : std::nullopt;
      }
      Type result = a[0];
      for (const Type& t : a) {
        if (!numeric(t)) return std::nullopt;
        result = JoinTypes(result, t);
      }
      return result;
    }
    case ExtFn::kCeil:
    case ExtFn::kFloor:
    case ExtFn::kRound:
    case ExtFn::kTrunc:
      return is(a[0], K::kDouble) ? std::optional<Type>(Type::Double()) : std::nullopt;
    case ExtFn::kAbs:
    case ExtFn::kSign:
      return numeric(a[0]) ? std::optional<Type>(a[0]) : std::nullopt;
    case ExtFn::kIsNaN:
    case ExtFn::kIsInf:
    case ExtFn::kIsFinite:
      return is(a[0], K::kDouble) ? std::optional<Type>(Type::Bool()) : std::nullopt;
    case ExtFn::kBitAnd:
    case ExtFn::kBitOr:
    case ExtFn::kBitXor:
      if (!intlike(a[0]) || !intlike(a[1])) return std::nullopt;
      if (!a[0].is_dyn() && !a[1].is_dyn() && a[0].kind() != a[1].kind()) return std::nullopt;
      return a[0].is_dyn() ? a[1] : a[0];
    case ExtFn::kBitNot:
      return intlike(a[0]) ? std::optional<Type>(a[0]) : std::nullopt;
    case ExtFn::kBitShiftLeft:
    case ExtFn::kBitShiftRight:
      return intlike(a[0]) && is(a[1], K::kInt) ? std::optional<Type>(a[0]) : std::nullopt;
    default:
      return std::nullopt;
  }
}

Value Call(ExtFn fn, const Value* a, std::size_t count) {
  switch (fn) {
    case ExtFn::kGreatest:
      return Extreme(true, a, count);
    case ExtFn::kLeast:
      return Extreme(false, a, count);
    case ExtFn::kCeil:
    case ExtFn::kFloor:
    case ExtFn::kRound:
    case ExtFn::kTrunc: {
      if (!a[0].is_double()) return ExtensionNoOverload(fn);
      double d = a[0].double_value();
      double r = fn == ExtFn::kCeil    ? std::ceil(d)
                 : fn == ExtFn::kFloor ? std::floor(d)
                 : fn == ExtFn::kRound ? std::round(d)  // half away from zero
                                       : std::trunc(d);
      return Value::Double(r);
    }
    case ExtFn::kAbs:
      if (a[0].is_int()) {
        if (a[0].int_value() == std::numeric_limits<std::int64_t>::min()) {
          return Value::Error(StatusCode::kOutOfRange, "integer overflow");
        }
        return Value::Int(a[0].int_value() < 0 ? -a[0].int_value() : a[0].int_value());
      }
      if (a[0].is_uint()) return a[0];
      if (a[0].is_double()) return Value::Double(std::fabs(a[0].double_value()));
      return ExtensionNoOverload(fn);
    case ExtFn::kSign:
      if (a[0].is_int()) return Value::Int((a[0].int_value() > 0) - (a[0].int_value() < 0));
      if (a[0].is_uint()) return Value::Uint(a[0].uint_value() > 0 ? 1 : 0);
      if (a[0].is_double()) {
        double d = a[0].double_value();
        if (std::isnan(d)) return a[0];
        return Value::Double(d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0);
      }
      return ExtensionNoOverload(fn);
    case ExtFn::kIsNaN:
    case ExtFn::kIsInf:
    case ExtFn::kIsFinite: {
      if (!a[0].is_double()) return ExtensionNoOverload(fn);
      double d = a[0].double_value();
      return Value::Bool(fn == ExtFn::kIsNaN   ? std::isnan(d)
                         : fn == ExtFn::kIsInf ? std::isinf(d)
                                               : std::isfinite(d));
    }
    case ExtFn::kBitAnd:
    case ExtFn::kBitOr:
    case ExtFn::kBitXor:
      return BitOp(fn, a[0], a[1]);
    case ExtFn::kBitNot:
      if (a[0].is_int()) return Value::Int(~a[0].int_value());
      if (a[0].is_uint()) return Value::Uint(~a[0].uint_value());
      return ExtensionNoOverload(fn);
    case ExtFn::kBitShiftLeft:
    case ExtFn::kBitShiftRight:
      return Shift(fn, a[0], a[1]);
    default:
      return ExtensionNoOverload(fn);
  }
}

// math.greatest / math.least over a list scan it.
std::uint64_t Cost(ExtFn fn, const Value* a, std::size_t count, std::uint64_t) {
  if ((fn == ExtFn::kGreatest || fn == ExtFn::kLeast) && count == 1 && a[0].is_list()) {
    return EntriesSteps(a[0].list().size());
  }
  return 0;
}

}  // namespace

const ExtensionLibrary& MathLibrary() {
  static const ExtensionLibrary kLibrary{kFunctions, &Check, &Call, &Cost};
  return kLibrary;
}

}  // namespace credence::expr::internal
