// Static types of the standard functions (overload resolution for the checker). See
// builtins.h.
#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "expr/builtins.h"

namespace credence::expr {
namespace {

using K = Type::Kind;

bool Is(const Type& t, K k) { return t.is_dyn() || t.kind() == k; }

bool IsNumeric(const Type& t) {
  return t.kind() == K::kInt || t.kind() == K::kUint || t.kind() == K::kDouble;
}

bool IsOrderable(const Type& t) {
  return IsNumeric(t) || t.kind() == K::kString || t.kind() == K::kBytes || t.kind() == K::kBool ||
         t.kind() == K::kTimestamp || t.kind() == K::kDuration;
}

bool IsIntLike(const Type& t) { return t.kind() == K::kInt || t.kind() == K::kUint; }

std::optional<Type> SizeOf(const Type& t) {
  if (t.is_dyn() || t.kind() == K::kString || t.kind() == K::kBytes || t.kind() == K::kList ||
      t.kind() == K::kMap) {
    return Type::Int();
  }
  return std::nullopt;
}

std::optional<Type> Conversion(const std::string& fn, const Type& t) {
  K k = t.kind();
  bool dyn = t.is_dyn();
  if (fn == "type") return Type::TypeType();
  if (fn == "dyn") return Type::Dyn();
  if (fn == "int" && (dyn || IsNumeric(t) || k == K::kString || k == K::kTimestamp)) {
    return Type::Int();
  }
  if (fn == "uint" && (dyn || IsNumeric(t) || k == K::kString)) return Type::Uint();
  if (fn == "double" && (dyn || IsNumeric(t) || k == K::kString)) return Type::Double();
  if (fn == "string" && (dyn || IsNumeric(t) || k == K::kString || k == K::kBytes ||
                         k == K::kBool || k == K::kTimestamp || k == K::kDuration)) {
    return Type::String();
  }
  if (fn == "bool" && (dyn || k == K::kBool || k == K::kString)) return Type::Bool();
  if (fn == "bytes" && (dyn || k == K::kBytes || k == K::kString)) return Type::Bytes();
  if (fn == "timestamp" && (dyn || k == K::kString || k == K::kInt || k == K::kTimestamp)) {
    return Type::Timestamp();
  }
  if (fn == "duration" && (dyn || k == K::kString || k == K::kDuration)) {
    return Type::Duration();
  }
  return std::nullopt;
}

// _&&_ _||_ !_ -_ _?_:_ and the comparisons.
std::optional<Type> ResolveLogicAndComparison(const std::string& fn, const std::vector<Type>& a) {
  const std::size_t n = a.size();
  if ((fn == "_&&_" || fn == "_||_") && n == 2 && Is(a[0], K::kBool) && Is(a[1], K::kBool)) {
    return Type::Bool();
  }
  if (fn == "!_" && n == 1 && Is(a[0], K::kBool)) return Type::Bool();
  if (fn == "-_" && n == 1) {
    if (a[0].is_dyn()) return Type::Dyn();
    if (a[0].kind() == K::kInt || a[0].kind() == K::kDouble) return a[0];
    return std::nullopt;
  }
  if (fn == "_?_:_" && n == 3 && Is(a[0], K::kBool)) {
    if (!IsAssignable(a[1], a[2])) return std::nullopt;
    return JoinTypes(a[1], a[2]);
  }
  if ((fn == "_==_" || fn == "_!=_") && n == 2) {
    if (IsAssignable(a[0], a[1])) return Type::Bool();
    return std::nullopt;
  }
  if ((fn == "_<_" || fn == "_<=_" || fn == "_>_" || fn == "_>=_") && n == 2) {
    if (a[0].is_dyn() || a[1].is_dyn()) {
      const Type& other = a[0].is_dyn() ? a[1] : a[0];
      if (other.is_dyn() || IsOrderable(other)) return Type::Bool();
      return std::nullopt;
    }
    if (IsNumeric(a[0]) && IsNumeric(a[1])) return Type::Bool();
    if (a[0].kind() == a[1].kind() && IsOrderable(a[0])) return Type::Bool();
  }
  return std::nullopt;
}

std::optional<Type> ResolveAdd(const std::vector<Type>& a) {
  if (a[0].is_dyn() || a[1].is_dyn()) {
    const Type& other = a[0].is_dyn() ? a[1] : a[0];
    if (other.kind() == K::kTimestamp) return Type::Timestamp();
    if (other.kind() == K::kList) return other;
    if (other.kind() == K::kMap || other.kind() == K::kBool || other.kind() == K::kNull ||
        other.kind() == K::kType) {
      return std::nullopt;
    }
    return Type::Dyn();
  }
  K k0 = a[0].kind(), k1 = a[1].kind();
  if (k0 == k1 && (IsNumeric(a[0]) || k0 == K::kString || k0 == K::kBytes || k0 == K::kDuration)) {
    return a[0];
  }
  if (k0 == K::kList && k1 == K::kList) return Type::List(JoinTypes(a[0].elem(), a[1].elem()));
  if ((k0 == K::kTimestamp && k1 == K::kDuration) || (k0 == K::kDuration && k1 == K::kTimestamp)) {
    return Type::Timestamp();
  }
  return std::nullopt;
}

// _+_ _-_ _*_ _/_ _%_ (two arguments).
std::optional<Type> ResolveArithmetic(const std::string& fn, const std::vector<Type>& a) {
  if (fn == "_+_") return ResolveAdd(a);
  if (fn == "_-_") {
    if (a[0].is_dyn() || a[1].is_dyn()) return Type::Dyn();
    K k0 = a[0].kind(), k1 = a[1].kind();
    if (k0 == k1 && (IsNumeric(a[0]) || k0 == K::kDuration)) return a[0];
    if (k0 == K::kTimestamp && k1 == K::kTimestamp) return Type::Duration();
    if (k0 == K::kTimestamp && k1 == K::kDuration) return Type::Timestamp();
    return std::nullopt;
  }
  // * and / on numbers, % on integers.
  auto operand = [&](const Type& t) { return fn == "_%_" ? IsIntLike(t) : IsNumeric(t); };
  if (a[0].is_dyn() && a[1].is_dyn()) return Type::Dyn();
  if (a[0].is_dyn() && operand(a[1])) return a[1];
  if (a[1].is_dyn() && operand(a[0])) return a[0];
  if (a[0].kind() == a[1].kind() && operand(a[0])) return a[0];
  return std::nullopt;
}

std::optional<Type> ResolveIndex(const std::vector<Type>& a) {
  if (a[0].is_dyn()) return Type::Dyn();
  if (a[0].kind() == K::kList) {
    if (a[1].is_dyn() || a[1].kind() == K::kInt || a[1].kind() == K::kUint) return a[0].elem();
    return std::nullopt;
  }
  if (a[0].kind() == K::kMap) {
    if (IsAssignable(a[0].key(), a[1]) || (IsNumeric(a[0].key()) && IsNumeric(a[1]))) {
      return a[0].value();
    }
  }
  return std::nullopt;
}

std::optional<Type> ResolveIn(const std::vector<Type>& a) {
  if (a[1].is_dyn()) return Type::Bool();
  if (a[1].kind() == K::kList) {
    if (IsAssignable(a[1].elem(), a[0]) || (IsNumeric(a[0]) && IsNumeric(a[1].elem()))) {
      return Type::Bool();
    }
    return std::nullopt;
  }
  if (a[1].kind() == K::kMap) {
    if (IsAssignable(a[1].key(), a[0]) || (IsNumeric(a[0]) && IsNumeric(a[1].key()))) {
      return Type::Bool();
    }
  }
  return std::nullopt;
}

// Global-style calls other than the operators handled above.
std::optional<Type> ResolveGlobal(const std::string& fn, const std::vector<Type>& a) {
  const std::size_t n = a.size();
  if ((fn == "_[?_]" || (fn == "_[_]" && a[0].kind() == K::kOptional)) && n == 2) {
    // Optional index, or indexing into an optional: an optional of the element.
    Type container = a[0].kind() == K::kOptional ? a[0].elem() : a[0];
    std::optional<Type> elem = ResolveIndex({container, a[1]});
    if (!elem) return std::nullopt;
    return Type::Optional(*elem);
  }
  if (fn == "_[_]" && n == 2) return ResolveIndex(a);
  if (fn == "@in" && n == 2) return ResolveIn(a);
  if (fn == "size" && n == 1) return SizeOf(a[0]);
  if (fn == "matches" && n == 2 && Is(a[0], K::kString) && Is(a[1], K::kString)) {
    return Type::Bool();
  }
  if (n == 1) return Conversion(fn, a[0]);
  return std::nullopt;
}

std::optional<Type> ResolveReceiver(const std::string& fn, const Type& r,
                                    const std::vector<Type>& a) {
  const std::size_t n = a.size();
  if (fn == "size" && n == 0) return SizeOf(r);
  if ((fn == "contains" || fn == "startsWith" || fn == "endsWith" || fn == "matches") && n == 1 &&
      Is(r, K::kString) && Is(a[0], K::kString)) {
    return Type::Bool();
  }
  static constexpr std::string_view kTimeGetters[] = {
      "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear"};
  static constexpr std::string_view kBothGetters[] = {"getHours", "getMinutes", "getSeconds",
                                                      "getMilliseconds"};
  bool time_getter =
      std::find(std::begin(kTimeGetters), std::end(kTimeGetters), fn) != std::end(kTimeGetters);
  bool both_getter =
      std::find(std::begin(kBothGetters), std::end(kBothGetters), fn) != std::end(kBothGetters);
  if (time_getter || both_getter) {
    bool tz_ok = n == 0 || (n == 1 && Is(a[0], K::kString));
    if (r.is_dyn() && tz_ok) return Type::Int();
    if (r.kind() == K::kTimestamp && tz_ok) return Type::Int();
    if (r.kind() == K::kDuration && both_getter && n == 0) return Type::Int();
  }
  return std::nullopt;
}

}  // namespace

std::optional<Type> ResolveBuiltinType(const std::string& fn, const std::optional<Type>& recv,
                                       const std::vector<Type>& args) {
  if (recv) return ResolveReceiver(fn, *recv, args);
  static constexpr std::string_view kLogicAndComparison[] = {
      "_&&_", "_||_", "!_", "-_", "_?_:_", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_"};
  if (std::find(std::begin(kLogicAndComparison), std::end(kLogicAndComparison), fn) !=
      std::end(kLogicAndComparison)) {
    return ResolveLogicAndComparison(fn, args);
  }
  if ((fn == "_+_" || fn == "_-_" || fn == "_*_" || fn == "_/_" || fn == "_%_") &&
      args.size() == 2) {
    return ResolveArithmetic(fn, args);
  }
  return ResolveGlobal(fn, args);
}

}  // namespace credence::expr
