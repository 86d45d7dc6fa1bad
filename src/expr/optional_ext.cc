// The optional extension library: optional.of/none/ofNonZeroValue, hasValue, value,
// orValue and or (the optMap/optFlatMap macros and the `.?f` / `[?k]` syntax are the
// parser's and evaluator's). See extensions.h.
#include "expr/extension_libraries.h"

namespace credence::expr::internal {
namespace {

using K = Type::Kind;

constexpr ExtInfo kFunctions[] = {
    {"optional.of", ExtFn::kOptionalOf, false, 1, 1},
    {"optional.none", ExtFn::kOptionalNone, false, 0, 0},
    {"optional.ofNonZeroValue", ExtFn::kOptionalOfNonZero, false, 1, 1},
    {"hasValue", ExtFn::kHasValue, true, 1, 1},
    {"value", ExtFn::kValue, true, 1, 1},
    {"orValue", ExtFn::kOrValue, true, 2, 2},
    {"or", ExtFn::kOr, true, 2, 2},
};

// The zero value of each kind (optional.ofNonZeroValue).
bool IsZeroValue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return !v.bool_value();
    case Value::Kind::kInt:
      return v.int_value() == 0;
    case Value::Kind::kUint:
      return v.uint_value() == 0;
    case Value::Kind::kDouble:
      return v.double_value() == 0;
    case Value::Kind::kString:
      return v.string_value().empty();
    case Value::Kind::kBytes:
      return v.bytes_value().empty();
    case Value::Kind::kList:
      return v.list().empty();
    case Value::Kind::kMap:
      return v.map().size() == 0;
    case Value::Kind::kDuration:
      return v.duration_value().nanos == 0;
    case Value::Kind::kTimestamp:
      return v.timestamp_value().seconds == 0 && v.timestamp_value().nanos == 0;
    case Value::Kind::kOptional:
      return !v.optional_has_value();
    default:
      return false;
  }
}

std::optional<Type> Check(ExtFn fn, const std::vector<Type>& a) {
  auto is = [](const Type& t, K k) { return t.is_dyn() || t.kind() == k; };
  switch (fn) {
    case ExtFn::kOptionalOf:
    case ExtFn::kOptionalOfNonZero:
      return Type::Optional(a[0]);
    case ExtFn::kOptionalNone:
      return Type::Optional(Type::Dyn());
    case ExtFn::kHasValue:
      return is(a[0], K::kOptional) ? std::optional<Type>(Type::Bool()) : std::nullopt;
    case ExtFn::kValue:
      if (a[0].is_dyn()) return Type::Dyn();
      return a[0].kind() == K::kOptional ? std::optional<Type>(a[0].elem()) : std::nullopt;
    case ExtFn::kOrValue:
      if (a[0].is_dyn()) return Type::Dyn();
      if (a[0].kind() != K::kOptional || !IsAssignable(a[0].elem(), a[1])) return std::nullopt;
      return JoinTypes(a[0].elem(), a[1]);
    case ExtFn::kOr:
      if (!is(a[0], K::kOptional) || !is(a[1], K::kOptional)) return std::nullopt;
      if (a[0].is_dyn()) return a[1];
      if (a[1].is_dyn()) return a[0];
      if (!IsAssignable(a[0], a[1])) return std::nullopt;
      return JoinTypes(a[0], a[1]);
    default:
      return std::nullopt;
  }
}

Value Call(ExtFn fn, const Value* a, std::size_t count) {
  switch (fn) {
    case ExtFn::kOptionalOf:
      return Value::Optional(a[0]);
    case ExtFn::kOptionalNone:
      return Value::OptionalNone();
    case ExtFn::kOptionalOfNonZero:
      return IsZeroValue(a[0]) ? Value::OptionalNone() : Value::Optional(a[0]);
    case ExtFn::kHasValue:
      if (!a[0].is_optional()) return ExtensionNoOverload(fn);
      return Value::Bool(a[0].optional_has_value());
    case ExtFn::kValue:
      if (!a[0].is_optional()) return ExtensionNoOverload(fn);
      if (!a[0].optional_has_value()) return ExtensionError("optional.none() dereference");
      return a[0].optional_value();
    case ExtFn::kOrValue:
      if (!a[0].is_optional()) return ExtensionNoOverload(fn);
      return a[0].optional_has_value() ? a[0].optional_value() : a[1];
    case ExtFn::kOr:
      if (!a[0].is_optional() || !a[1].is_optional()) return ExtensionNoOverload(fn);
      return a[0].optional_has_value() ? a[0] : a[1];
    default:
      return ExtensionNoOverload(fn);
  }
}

}  // namespace

const ExtensionLibrary& OptionalLibrary() {
  static const ExtensionLibrary kLibrary{kFunctions, &Check, &Call};
  return kLibrary;
}

}  // namespace credence::expr::internal
