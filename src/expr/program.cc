// Planner and evaluator. See program.h.
#include "expr/program.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.h"
#include "expr/extensions.h"
#include "expr/time_util.h"

namespace credence::expr {

enum class Op : unsigned char {
  kConst,
  kFeature,     // slot
  kFeatureCmp,  // features[slot] <cmp> number (fast path)
  kVar,         // activation lookup by name
  kLocal,       // comprehension variable
  kUndeclared,  // run-time error
  kSelect,
  kHas,
  kOptSelect,  // operand.?field
  kList,
  kMap,
  kAnd,
  kOr,
  kNot,
  kCond,
  kCall,
  kComprehension,
};

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

struct Node {
  Op op = Op::kConst;
  Fn fn = Fn::kUnknown;
  ComprehensionKind comprehension = ComprehensionKind::kAll;
  int slot = -1;
  int slot2 = -1;  // second comprehension variable, or -1
  std::int32_t offset = 0;
  Value constant;     // kConst: the value; kFeature/kFeatureCmp: the missing-feature error;
                      // kSelect/kHas: the field name as a string key
  double number = 0;  // kFeatureCmp: the constant operand
  std::string name;   // variable / field / function name
  std::vector<std::unique_ptr<Node>> kids;
  std::vector<bool> optional_entries;    // kList / kMap: entries written `?x` (empty: none)
  std::shared_ptr<const RE2> regex;      // kMatches with a constant pattern
  std::shared_ptr<const TimeZone> zone;  // getters with a constant zone
  internal::ExtFn ext = internal::ExtFn::kGreatest;  // Fn::kExtension
};

namespace {

// Per-evaluation state; lives on the caller's stack.
struct Frame {
  const Activation* activation = nullptr;
  std::span<const double> features;
  Value* locals = nullptr;
  std::uint64_t steps = 0;
  std::uint64_t max_steps = 0;
  bool exhausted = false;
};

Value Err(StatusCode code, std::string message) { return Value::Error(code, std::move(message)); }
Value Invalid(std::string message) { return Err(StatusCode::kInvalidArgument, std::move(message)); }
Value Overflow() { return Err(StatusCode::kOutOfRange, "integer overflow"); }

Value RangeError(const Status& s) { return Err(s.code(), std::string(s.message())); }

std::string_view FnName(Fn fn);

std::int64_t CodePointCount(std::string_view s) {
  std::int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Go's fmt "%g" (shortest digits), the rendering of string(double) in cel-go.
std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // e.g. "-1.2345e-03"
  std::size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::atoi(sci.c_str() + e + 1);
  bool neg = mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 6) {  // Go %g with shortest precision: exponent threshold 6
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + eb;
  }
  if (exp < 0) {
    out += "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<std::size_t>(exp) + 1 >= digits.size()) {
    out += digits + std::string(static_cast<std::size_t>(exp) + 1 - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(exp) + 1) + "." +
           digits.substr(static_cast<std::size_t>(exp) + 1);
  }
  return out;
}

Value CompareOp(Fn fn, const Value& a, const Value& b) {
  std::optional<Ordering> o = CompareValues(a, b);
  if (!o) return NoSuchOverload(FnName(fn), a, b);
  switch (fn) {
    case Fn::kLt:
      return Value::Bool(*o == Ordering::kLess);
    case Fn::kLe:
      return Value::Bool(*o == Ordering::kLess || *o == Ordering::kEqual);
    case Fn::kGt:
      return Value::Bool(*o == Ordering::kGreater);
    case Fn::kGe:
      return Value::Bool(*o == Ordering::kGreater || *o == Ordering::kEqual);
    default:
      return Invalid("bad comparison");
  }
}

Value Arith(Fn fn, const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    std::int64_t x = a.int_value(), y = b.int_value(), r = 0;
    switch (fn) {
      case Fn::kAdd:
        if (__builtin_add_overflow(x, y, &r)) return Overflow();
        return Value::Int(r);
      case Fn::kSub:
        if (__builtin_sub_overflow(x, y, &r)) return Overflow();
        return Value::Int(r);
      case Fn::kMul:
        if (__builtin_mul_overflow(x, y, &r)) return Overflow();
        return Value::Int(r);
      case Fn::kDiv:
        if (y == 0) return Invalid("divide by zero");
        if (x == std::numeric_limits<std::int64_t>::min() && y == -1) return Overflow();
        return Value::Int(x / y);
      case Fn::kMod:
        if (y == 0) return Invalid("modulus by zero");
        if (x == std::numeric_limits<std::int64_t>::min() && y == -1) return Overflow();
        return Value::Int(x % y);
      default:
        break;
    }
  }
  if (a.is_uint() && b.is_uint()) {
    std::uint64_t x = a.uint_value(), y = b.uint_value(), r = 0;
    switch (fn) {
      case Fn::kAdd:
        if (__builtin_add_overflow(x, y, &r)) return Overflow();
        return Value::Uint(r);
      case Fn::kSub:
        if (__builtin_sub_overflow(x, y, &r)) return Overflow();
        return Value::Uint(r);
      case Fn::kMul:
        if (__builtin_mul_overflow(x, y, &r)) return Overflow();
        return Value::Uint(r);
      case Fn::kDiv:
        if (y == 0) return Invalid("divide by zero");
        return Value::Uint(x / y);
      case Fn::kMod:
        if (y == 0) return Invalid("modulus by zero");
        return Value::Uint(x % y);
      default:
        break;
    }
  }
  if (a.is_double() && b.is_double() && fn != Fn::kMod) {
    double x = a.double_value(), y = b.double_value();
    switch (fn) {
      case Fn::kAdd:
        return Value::Double(x + y);
      case Fn::kSub:
        return Value::Double(x - y);
      case Fn::kMul:
        return Value::Double(x * y);
      case Fn::kDiv:
        return Value::Double(x / y);
      default:
        break;
    }
  }
  if (fn == Fn::kAdd) {
    if (a.is_string() && b.is_string()) return Value::String(a.string_value() + b.string_value());
    if (a.is_bytes() && b.is_bytes()) return Value::Bytes(a.bytes_value() + b.bytes_value());
    if (a.is_list() && b.is_list()) {
      if (a.list().empty()) return b;
      if (b.list().empty()) return a;
      ListValue out = a.list();
      out.insert(out.end(), b.list().begin(), b.list().end());
      return Value::List(std::move(out));
    }
    if (a.is_timestamp() && b.is_duration()) {
      auto r = AddDuration(a.timestamp_value(), b.duration_value());
      return r.ok() ? Value::Time(*r) : RangeError(r.status());
    }
    if (a.is_duration() && b.is_timestamp()) {
      auto r = AddDuration(b.timestamp_value(), a.duration_value());
      return r.ok() ? Value::Time(*r) : RangeError(r.status());
    }
    if (a.is_duration() && b.is_duration()) {
      std::int64_t r;
      if (__builtin_add_overflow(a.duration_value().nanos, b.duration_value().nanos, &r)) {
        return Err(StatusCode::kOutOfRange, "duration out of range");
      }
      return Value::Dur(Duration{r});
    }
  }
  if (fn == Fn::kSub) {
    if (a.is_timestamp() && b.is_timestamp()) {
      auto r = SubtractTimestamps(a.timestamp_value(), b.timestamp_value());
      return r.ok() ? Value::Dur(*r) : RangeError(r.status());
    }
    if (a.is_timestamp() && b.is_duration()) {
      if (b.duration_value().nanos == std::numeric_limits<std::int64_t>::min()) {
        return Err(StatusCode::kOutOfRange, "timestamp out of range");
      }
      auto r = AddDuration(a.timestamp_value(), Duration{-b.duration_value().nanos});
      return r.ok() ? Value::Time(*r) : RangeError(r.status());
    }
    if (a.is_duration() && b.is_duration()) {
      std::int64_t r;
      if (__builtin_sub_overflow(a.duration_value().nanos, b.duration_value().nanos, &r)) {
        return Err(StatusCode::kOutOfRange, "duration out of range");
      }
      return Value::Dur(Duration{r});
    }
  }
  return NoSuchOverload(FnName(fn), a, b);
}

Value Index(const Value& a, const Value& i);

// `a[?i]`, and `a[i]` on an optional: optional.of(element) when present, optional.none()
// when the key or index is absent (or `a` is itself empty).
Value OptIndex(const Value& a, const Value& i) {
  if (a.is_optional()) {
    if (!a.optional_has_value()) return a;
    return OptIndex(a.optional_value(), i);
  }
  if (a.is_map()) {
    if (const Value* v = a.map().Find(i)) return Value::Optional(*v);
    return Value::OptionalNone();
  }
  if (a.is_list()) {
    Value r = Index(a, i);
    if (r.is_error()) {
      return r.error().message.rfind("index out of bounds", 0) == 0 ? Value::OptionalNone() : r;
    }
    return Value::Optional(std::move(r));
  }
  return NoSuchOverload("_[?_]", a, i);
}

Value Index(const Value& a, const Value& i) {
  if (a.is_optional()) return OptIndex(a, i);
  if (a.is_list()) {
    std::int64_t idx;
    if (i.is_int()) {
      idx = i.int_value();
    } else if (i.is_uint()) {
      if (i.uint_value() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Invalid("index out of bounds");
      }
      idx = static_cast<std::int64_t>(i.uint_value());
    } else if (i.is_double() && i.double_value() == std::trunc(i.double_value()) &&
               std::abs(i.double_value()) < 9.0e18) {
      idx = static_cast<std::int64_t>(i.double_value());
    } else {
      return NoSuchOverload("_[_]", a, i);
    }
    if (idx < 0 || static_cast<std::uint64_t>(idx) >= a.list().size()) {
      return Invalid("index out of bounds: " + std::to_string(idx));
    }
    return a.list()[static_cast<std::size_t>(idx)];
  }
  if (a.is_map()) {
    if (const Value* v = a.map().Find(i)) return *v;
    return Err(StatusCode::kNotFound, "no such key: " + i.DebugString());
  }
  return NoSuchOverload("_[_]", a, i);
}

Value In(const Value& x, const Value& c) {
  if (c.is_list()) {
    for (const Value& e : c.list()) {
      if (ValuesEqual(x, e)) return Value::Bool(true);
    }
    return Value::Bool(false);
  }
  if (c.is_map()) return Value::Bool(c.map().Find(x) != nullptr);
  return NoSuchOverload("@in", x, c);
}

Value ToInt(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      return v;
    case Value::Kind::kUint:
      if (v.uint_value() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Err(StatusCode::kOutOfRange, "int range error");
      }
      return Value::Int(static_cast<std::int64_t>(v.uint_value()));
    case Value::Kind::kDouble: {
      double d = v.double_value();
      if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) {
        return Err(StatusCode::kOutOfRange, "int range error");
      }
      return Value::Int(static_cast<std::int64_t>(d));
    }
    case Value::Kind::kString: {
      const std::string& s = v.string_value();
      std::int64_t r = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), r);
      if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
        return Invalid("cannot convert '" + s + "' to int");
      }
      return Value::Int(r);
    }
    case Value::Kind::kTimestamp:
      return Value::Int(v.timestamp_value().seconds);
    default:
      return NoSuchOverload("int", v);
  }
}

Value ToUint(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kUint:
      return v;
    case Value::Kind::kInt:
      if (v.int_value() < 0) return Err(StatusCode::kOutOfRange, "uint range error");
      return Value::Uint(static_cast<std::uint64_t>(v.int_value()));
    case Value::Kind::kDouble: {
      double d = v.double_value();
      if (!(d >= 0 && d < 18446744073709551616.0)) {
        return Err(StatusCode::kOutOfRange, "uint range error");
      }
      return Value::Uint(static_cast<std::uint64_t>(d));
    }
    case Value::Kind::kString: {
      const std::string& s = v.string_value();
      std::uint64_t r = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), r);
      if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
        return Invalid("cannot convert '" + s + "' to uint");
      }
      return Value::Uint(r);
    }
    default:
      return NoSuchOverload("uint", v);
  }
}

Value ToDouble(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kDouble:
      return v;
    case Value::Kind::kInt:
      return Value::Double(static_cast<double>(v.int_value()));
    case Value::Kind::kUint:
      return Value::Double(static_cast<double>(v.uint_value()));
    case Value::Kind::kString: {
      const std::string& s = v.string_value();
      double r = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), r);
      if (res.ec == std::errc::result_out_of_range) {
        std::string copy = s;
        r = std::strtod(copy.c_str(), nullptr);
      } else if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
        return Invalid("cannot convert '" + s + "' to double");
      }
      return Value::Double(r);
    }
    default:
      return NoSuchOverload("double", v);
  }
}

Value ToStringValue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString:
      return v;
    case Value::Kind::kInt:
      return Value::String(std::to_string(v.int_value()));
    case Value::Kind::kUint:
      return Value::String(std::to_string(v.uint_value()));
    case Value::Kind::kDouble:
      return Value::String(FormatDouble(v.double_value()));
    case Value::Kind::kBool:
      return Value::String(v.bool_value() ? "true" : "false");
    case Value::Kind::kBytes:
      if (!core::IsValidUtf8(v.bytes_value())) return Invalid("invalid UTF-8 in bytes");
      return Value::String(v.bytes_value());
    case Value::Kind::kTimestamp:
      return Value::String(FormatTimestamp(v.timestamp_value()));
    case Value::Kind::kDuration:
      return Value::String(FormatDuration(v.duration_value()));
    default:
      return NoSuchOverload("string", v);
  }
}

Value ToBool(const Value& v) {
  if (v.is_bool()) return v;
  if (v.is_string()) {
    const std::string& s = v.string_value();
    if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") {
      return Value::Bool(true);
    }
    if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") {
      return Value::Bool(false);
    }
    return Invalid("Type conversion error: cannot convert '" + s + "' to bool");
  }
  return NoSuchOverload("bool", v);
}

Value ToTimestamp(const Value& v) {
  if (v.is_timestamp()) return v;
  if (v.is_string()) {
    auto r = ParseTimestamp(v.string_value());
    return r.ok() ? Value::Time(*r) : RangeError(r.status());
  }
  if (v.is_int()) {
    Timestamp t{v.int_value(), 0};
    if (!TimestampInRange(t)) return Err(StatusCode::kOutOfRange, "timestamp out of range");
    return Value::Time(t);
  }
  return NoSuchOverload("timestamp", v);
}

Value ToDurationValue(const Value& v) {
  if (v.is_duration()) return v;
  if (v.is_string()) {
    auto r = ParseDuration(v.string_value());
    return r.ok() ? Value::Dur(*r) : RangeError(r.status());
  }
  return NoSuchOverload("duration", v);
}

Value Size(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString:
      return Value::Int(CodePointCount(v.string_value()));
    case Value::Kind::kBytes:
      return Value::Int(static_cast<std::int64_t>(v.bytes_value().size()));
    case Value::Kind::kList:
      return Value::Int(static_cast<std::int64_t>(v.list().size()));
    case Value::Kind::kMap:
      return Value::Int(static_cast<std::int64_t>(v.map().size()));
    default:
      return NoSuchOverload("size", v);
  }
}

bool IsTimeGetter(Fn fn) { return fn >= Fn::kGetFullYear && fn <= Fn::kGetMilliseconds; }

Value TimeGetter(Fn fn, const Value& recv, const TimeZone* zone) {
  if (recv.is_duration()) {
    std::int64_t n = recv.duration_value().nanos;
    switch (fn) {
      case Fn::kGetHours:
        return Value::Int(n / 3'600'000'000'000);
      case Fn::kGetMinutes:
        return Value::Int(n / 60'000'000'000);
      case Fn::kGetSeconds:
        return Value::Int(n / 1'000'000'000);
      case Fn::kGetMilliseconds:
        return Value::Int(n / 1'000'000 % 1000);
      default:
        return NoSuchOverload(FnName(fn), recv);
    }
  }
  if (!recv.is_timestamp()) return NoSuchOverload(FnName(fn), recv);
  Timestamp t = recv.timestamp_value();
  std::int64_t local = t.seconds + (zone ? zone->OffsetAt(t.seconds) : 0);
  CivilTime c = ToCivil(local);
  switch (fn) {
    case Fn::kGetFullYear:
      return Value::Int(c.year);
    case Fn::kGetMonth:
      return Value::Int(c.month - 1);
    case Fn::kGetDate:
      return Value::Int(c.day);
    case Fn::kGetDayOfMonth:
      return Value::Int(c.day - 1);
    case Fn::kGetDayOfWeek:
      return Value::Int(c.day_of_week);
    case Fn::kGetDayOfYear:
      return Value::Int(c.day_of_year);
    case Fn::kGetHours:
      return Value::Int(c.hour);
    case Fn::kGetMinutes:
      return Value::Int(c.minute);
    case Fn::kGetSeconds:
      return Value::Int(c.second);
    case Fn::kGetMilliseconds:
      return Value::Int(t.nanos / 1'000'000);
    default:
      return NoSuchOverload(FnName(fn), recv);
  }
}

struct FnInfo {
  std::string_view name;
  Fn fn;
  bool receiver;           // receiver-style allowed
  bool global;             // global-style allowed
  int min_args, max_args;  // counting the receiver
};

constexpr FnInfo kFunctions[] = {
    {"-_", Fn::kNeg, false, true, 1, 1},
    {"_==_", Fn::kEq, false, true, 2, 2},
    {"_!=_", Fn::kNe, false, true, 2, 2},
    {"_<_", Fn::kLt, false, true, 2, 2},
    {"_<=_", Fn::kLe, false, true, 2, 2},
    {"_>_", Fn::kGt, false, true, 2, 2},
    {"_>=_", Fn::kGe, false, true, 2, 2},
    {"_+_", Fn::kAdd, false, true, 2, 2},
    {"_-_", Fn::kSub, false, true, 2, 2},
    {"_*_", Fn::kMul, false, true, 2, 2},
    {"_/_", Fn::kDiv, false, true, 2, 2},
    {"_%_", Fn::kMod, false, true, 2, 2},
    {"_[_]", Fn::kIndex, false, true, 2, 2},
    {"_[?_]", Fn::kOptIndex, false, true, 2, 2},
    {"@in", Fn::kIn, false, true, 2, 2},
    {"size", Fn::kSize, true, true, 1, 1},
    {"contains", Fn::kContains, true, false, 2, 2},
    {"startsWith", Fn::kStartsWith, true, false, 2, 2},
    {"endsWith", Fn::kEndsWith, true, false, 2, 2},
    {"matches", Fn::kMatches, true, true, 2, 2},
    {"int", Fn::kToInt, false, true, 1, 1},
    {"uint", Fn::kToUint, false, true, 1, 1},
    {"double", Fn::kToDouble, false, true, 1, 1},
    {"string", Fn::kToString, false, true, 1, 1},
    {"bool", Fn::kToBool, false, true, 1, 1},
    {"bytes", Fn::kToBytes, false, true, 1, 1},
    {"type", Fn::kType, false, true, 1, 1},
    {"dyn", Fn::kDyn, false, true, 1, 1},
    {"timestamp", Fn::kToTimestamp, false, true, 1, 1},
    {"duration", Fn::kToDuration, false, true, 1, 1},
    {"getFullYear", Fn::kGetFullYear, true, false, 1, 2},
    {"getMonth", Fn::kGetMonth, true, false, 1, 2},
    {"getDate", Fn::kGetDate, true, false, 1, 2},
    {"getDayOfMonth", Fn::kGetDayOfMonth, true, false, 1, 2},
    {"getDayOfWeek", Fn::kGetDayOfWeek, true, false, 1, 2},
    {"getDayOfYear", Fn::kGetDayOfYear, true, false, 1, 2},
    {"getHours", Fn::kGetHours, true, false, 1, 2},
    {"getMinutes", Fn::kGetMinutes, true, false, 1, 2},
    {"getSeconds", Fn::kGetSeconds, true, false, 1, 2},
    {"getMilliseconds", Fn::kGetMilliseconds, true, false, 1, 2},
};

std::string_view FnName(Fn fn) {
  for (const FnInfo& f : kFunctions) {
    if (f.fn == fn) return f.name;
  }
  return "unknown";
}

// Calls a strict builtin on evaluated arguments (receiver first). No argument is an error.
Value CallBuiltin(const Node& n, const Value* a, std::size_t count) {
  switch (n.fn) {
    case Fn::kNeg:
      if (a[0].is_int()) {
        if (a[0].int_value() == std::numeric_limits<std::int64_t>::min()) return Overflow();
        return Value::Int(-a[0].int_value());
      }
      if (a[0].is_double()) return Value::Double(-a[0].double_value());
      return NoSuchOverload("-_", a[0]);
    case Fn::kEq:
      return Value::Bool(ValuesEqual(a[0], a[1]));
    case Fn::kNe:
      return Value::Bool(!ValuesEqual(a[0], a[1]));
    case Fn::kLt:
    case Fn::kLe:
    case Fn::kGt:
    case Fn::kGe:
      return CompareOp(n.fn, a[0], a[1]);
    case Fn::kAdd:
    case Fn::kSub:
    case Fn::kMul:
    case Fn::kDiv:
    case Fn::kMod:
      return Arith(n.fn, a[0], a[1]);
    case Fn::kIndex:
      return Index(a[0], a[1]);
    case Fn::kOptIndex:
      return OptIndex(a[0], a[1]);
    case Fn::kIn:
      return In(a[0], a[1]);
    case Fn::kSize:
      return Size(a[0]);
    case Fn::kContains:
    case Fn::kStartsWith:
    case Fn::kEndsWith: {
      if (!a[0].is_string() || !a[1].is_string()) return NoSuchOverload(FnName(n.fn), a[0], a[1]);
      const std::string& s = a[0].string_value();
      const std::string& t = a[1].string_value();
      if (n.fn == Fn::kContains) return Value::Bool(s.find(t) != std::string::npos);
      if (n.fn == Fn::kStartsWith) return Value::Bool(s.compare(0, t.size(), t) == 0);
      return Value::Bool(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
    }
    case Fn::kMatches: {
      if (!a[0].is_string() || !a[1].is_string()) return NoSuchOverload("matches", a[0], a[1]);
      if (n.regex) return Value::Bool(RE2::PartialMatch(a[0].string_value(), *n.regex));
      RE2::Options o;
      o.set_log_errors(false);
      RE2 re(a[1].string_value(), o);
      if (!re.ok()) return Invalid("invalid regular expression: " + re.error());
      return Value::Bool(RE2::PartialMatch(a[0].string_value(), re));
    }
    case Fn::kToInt:
      return ToInt(a[0]);
    case Fn::kToUint:
      return ToUint(a[0]);
    case Fn::kToDouble:
      return ToDouble(a[0]);
    case Fn::kToString:
      return ToStringValue(a[0]);
    case Fn::kToBool:
      return ToBool(a[0]);
    case Fn::kToBytes:
      if (a[0].is_bytes()) return a[0];
      if (a[0].is_string()) return Value::Bytes(a[0].string_value());
      return NoSuchOverload("bytes", a[0]);
    case Fn::kType:
      return Value::Type(a[0].type().name);
    case Fn::kDyn:
      return a[0];
    case Fn::kToTimestamp:
      return ToTimestamp(a[0]);
    case Fn::kToDuration:
      return ToDurationValue(a[0]);
    case Fn::kExtension:
      return internal::CallExtension(n.ext, a, count);
    default:
      if (IsTimeGetter(n.fn)) {
        if (count == 1) return TimeGetter(n.fn, a[0], nullptr);
        if (a[0].is_duration() || !a[1].is_string())
          return NoSuchOverload(FnName(n.fn), a[0], a[1]);
        if (n.zone) return TimeGetter(n.fn, a[0], n.zone.get());
        auto zone = TimeZone::Load(a[1].string_value());
        if (!zone.ok()) return RangeError(zone.status());
        return TimeGetter(n.fn, a[0], zone->get());
      }
      return Err(StatusCode::kInvalidArgument, "unbound function '" + n.name + "'");
  }
}

Value Eval(const Node& n, Frame& f);

// Charges the cost budget for the size of a value built at run time (one step per 64 bytes
// of string or bytes, per 8 list elements or map entries), so expressions cannot build huge
// values (e.g. nested joins) within a step budget meant for node visits.
Value Charge(Value v, Frame& f) {
  std::uint64_t extra = 0;
  if (v.is_string()) extra = v.string_value().size() / 64;
  if (v.is_bytes()) extra = v.bytes_value().size() / 64;
  if (v.is_list()) extra = v.list().size() / 8;
  if (v.is_map()) extra = v.map().size() / 8;
  if (extra == 0) return v;
  f.steps += extra;
  if (f.steps > f.max_steps) {
    f.exhausted = true;
    return Err(StatusCode::kResourceExhausted, "evaluation cost budget exceeded");
  }
  return v;
}

Value EvalComprehension(const Node& n, Frame& f) {
  if (n.comprehension == ComprehensionKind::kOptMap ||
      n.comprehension == ComprehensionKind::kOptFlatMap) {
    Value opt = Eval(*n.kids[0], f);
    if (opt.is_error()) return opt;
    if (!opt.is_optional()) return NoSuchOverload("optMap", opt);
    if (!opt.optional_has_value()) return opt;
    f.locals[n.slot] = opt.optional_value();
    Value r = Eval(*n.kids[1], f);
    f.locals[n.slot] = Value();
    if (r.is_error() || f.exhausted) return r;
    if (n.comprehension == ComprehensionKind::kOptMap) return Value::Optional(std::move(r));
    if (!r.is_optional()) return NoSuchOverload("optFlatMap", r);
    return r;
  }
  if (n.comprehension == ComprehensionKind::kBind) {
    // cel.bind: evaluate the value once (an error stays a value until the body uses it).
    f.locals[n.slot] = Eval(*n.kids[0], f);
    if (f.exhausted) return f.locals[n.slot];
    Value r = Eval(*n.kids[1], f);
    f.locals[n.slot] = Value();
    return r;
  }
  Value range = Eval(*n.kids[0], f);
  if (range.is_error()) return range;
  std::size_t size = 0;
  if (range.is_list()) {
    size = range.list().size();
  } else if (range.is_map()) {
    size = range.map().size();
  } else {
    return Invalid("expression of type '" + std::string(range.type().name) +
                   "' cannot be the range of a comprehension");
  }
  const bool two = n.slot2 >= 0;
  Value& var = f.locals[n.slot];
  const Node& body = *n.kids[1];
  const bool has_filter = (n.comprehension == ComprehensionKind::kMap ||
                           n.comprehension == ComprehensionKind::kTransformMap) &&
                          n.kids.size() == 3;
  Value first_error;
  bool have_error = false;
  std::int64_t count = 0;
  ListValue out;
  MapValue out_map;
  for (std::size_t i = 0; i < size; ++i) {
    if (++f.steps > f.max_steps) {
      f.exhausted = true;
      return Err(StatusCode::kResourceExhausted, "evaluation cost budget exceeded");
    }
    // One variable: the element (list) or key (map). Two: index/key and element/value.
    Value key = range.is_list() ? (two ? Value::Int(static_cast<std::int64_t>(i)) : range.list()[i])
                                : range.map().entries()[i].first;
    var = key;
    if (two) {
      f.locals[n.slot2] = range.is_list() ? range.list()[i] : range.map().entries()[i].second;
    }
    Value r = Eval(body, f);
    if (f.exhausted) return r;
    switch (n.comprehension) {
      case ComprehensionKind::kBind:  // handled above
      case ComprehensionKind::kOptMap:
      case ComprehensionKind::kOptFlatMap:
        break;
      case ComprehensionKind::kAll:
      case ComprehensionKind::kExists: {
        bool stop_on = n.comprehension == ComprehensionKind::kExists;
        if (r.is_bool()) {
          if (r.bool_value() == stop_on) return Value::Bool(stop_on);
        } else if (!have_error) {
          have_error = true;
          first_error = r.is_error() ? r : Invalid("no matching overload: predicate is not bool");
        }
        break;
      }
      case ComprehensionKind::kExistsOne:
        if (r.is_error()) return r;
        if (!r.is_bool()) return Invalid("no matching overload: predicate is not bool");
        count += r.bool_value();
        break;
      case ComprehensionKind::kFilter:
        if (r.is_error()) return r;
        if (!r.is_bool()) return Invalid("no matching overload: predicate is not bool");
        if (r.bool_value()) out.push_back(key);
        break;
      case ComprehensionKind::kMap:
      case ComprehensionKind::kTransformMap:
        if (has_filter) {
          if (r.is_error()) return r;
          if (!r.is_bool()) return Invalid("no matching overload: predicate is not bool");
          if (!r.bool_value()) break;
          r = Eval(*n.kids[2], f);
          if (f.exhausted) return r;
        }
        if (r.is_error()) return r;
        if (n.comprehension == ComprehensionKind::kMap) {
          out.push_back(std::move(r));
        } else {
          std::string error;
          if (!out_map.Insert(std::move(key), std::move(r), &error)) return Invalid(error);
        }
        break;
    }
  }
  var = Value();
  if (two) f.locals[n.slot2] = Value();
  switch (n.comprehension) {
    case ComprehensionKind::kAll:
      return have_error ? first_error : Value::Bool(true);
    case ComprehensionKind::kExists:
      return have_error ? first_error : Value::Bool(false);
    case ComprehensionKind::kExistsOne:
      return Value::Bool(count == 1);
    case ComprehensionKind::kTransformMap:
      return Charge(Value::Map(std::move(out_map)), f);
    default:
      return Charge(Value::List(std::move(out)), f);
  }
}

// Calls live outside Eval so its stack frame stays small for the recursive common path.
[[gnu::noinline]] Value EvalCall(const Node& n, Frame& f) {
  std::size_t count = n.kids.size();
  if (n.fn == Fn::kExtension && count == 2 &&
      (n.ext == internal::ExtFn::kOr || n.ext == internal::ExtFn::kOrValue)) {
    // o.or(x) / o.orValue(x) evaluate x only when o is empty.
    Value o = Eval(*n.kids[0], f);
    if (o.is_error()) return o;
    if (!o.is_optional()) return NoSuchOverload(n.name, o);
    if (o.optional_has_value()) {
      return n.ext == internal::ExtFn::kOr ? o : Value(o.optional_value());
    }
    return Eval(*n.kids[1], f);
  }
  if (count > 4) {  // variadic extension (math.greatest): rare, may allocate
    std::vector<Value> many(count);
    for (std::size_t i = 0; i < count; ++i) {
      many[i] = Eval(*n.kids[i], f);
      if (many[i].is_error()) return many[i];
    }
    return Charge(CallBuiltin(n, many.data(), count), f);
  }
  Value args[4];
  for (std::size_t i = 0; i < count; ++i) {
    args[i] = Eval(*n.kids[i], f);
    if (args[i].is_error()) return args[i];
  }
  return Charge(CallBuiltin(n, args, count), f);
}

// Three-valued evaluation of the feature fast path: trees made only of feature comparisons
// against constants, bool constants, &&, || and !. No Value is built; on an error `*error`
// points at the feature node whose preallocated error value describes it.
enum class Tri : unsigned char { kFalse, kTrue, kError };

// Arithmetic on doubles only (features, double constants, + - * / and unary -): the
// operations IEEE 754 defines without CEL errors. A missing feature sets `*error`.
bool IsNumEligible(const Node& n) {
  switch (n.op) {
    case Op::kFeature:
      return true;
    case Op::kConst:
      return n.constant.is_double();
    case Op::kCall:
      if (n.fn == Fn::kNeg && n.kids.size() == 1) return IsNumEligible(*n.kids[0]);
      if ((n.fn == Fn::kAdd || n.fn == Fn::kSub || n.fn == Fn::kMul || n.fn == Fn::kDiv) &&
          n.kids.size() == 2) {
        return IsNumEligible(*n.kids[0]) && IsNumEligible(*n.kids[1]);
      }
      return false;
    default:
      return false;
  }
}

double NumEval(const Node& n, std::span<const double> features, const Node** error) {
  switch (n.op) {
    case Op::kFeature: {
      double d = static_cast<std::size_t>(n.slot) < features.size()
                     ? features[static_cast<std::size_t>(n.slot)]
                     : std::numeric_limits<double>::quiet_NaN();
      if (std::isnan(d) && *error == nullptr) *error = &n;
      return d;
    }
    case Op::kConst: {
      const Value& c = n.constant;
      return c.is_double() ? c.double_value()
             : c.is_int()  ? static_cast<double>(c.int_value())
                           : static_cast<double>(c.uint_value());
    }
    default: {
      double a = NumEval(*n.kids[0], features, error);
      if (n.fn == Fn::kNeg) return -a;
      double b = NumEval(*n.kids[1], features, error);
      switch (n.fn) {
        case Fn::kAdd:
          return a + b;
        case Fn::kSub:
          return a - b;
        case Fn::kMul:
          return a * b;
        default:
          return a / b;
      }
    }
  }
}

bool IsComparison(Fn fn) { return fn >= Fn::kEq && fn <= Fn::kGe; }

bool Compare(Fn fn, double x, double y) {
  switch (fn) {
    case Fn::kLt:
      return x < y;
    case Fn::kLe:
      return x <= y;
    case Fn::kGt:
      return x > y;
    case Fn::kGe:
      return x >= y;
    case Fn::kEq:
      return x == y;
    default:
      return x != y;
  }
}

Tri EvalTri(const Node& n, std::span<const double> features, const Node** error) {
  switch (n.op) {
    case Op::kCall: {  // comparison of two numeric subtrees
      const Node* missing = nullptr;
      double a = NumEval(*n.kids[0], features, &missing);
      double b = NumEval(*n.kids[1], features, &missing);
      if (missing != nullptr) {
        *error = missing;
        return Tri::kError;
      }
      return Compare(n.fn, a, b) ? Tri::kTrue : Tri::kFalse;
    }
    case Op::kConst:
      return n.constant.bool_value() ? Tri::kTrue : Tri::kFalse;
    case Op::kFeatureCmp: {
      if (static_cast<std::size_t>(n.slot) >= features.size()) {
        *error = &n;
        return Tri::kError;
      }
      double d = features[static_cast<std::size_t>(n.slot)];
      if (std::isnan(d)) {
        *error = &n;
        return Tri::kError;
      }
      bool r;
      switch (n.fn) {
        case Fn::kLt:
          r = d < n.number;
          break;
        case Fn::kLe:
          r = d <= n.number;
          break;
        case Fn::kGt:
          r = d > n.number;
          break;
        case Fn::kGe:
          r = d >= n.number;
          break;
        case Fn::kEq:
          r = d == n.number;
          break;
        default:
          r = d != n.number;
          break;
      }
      return r ? Tri::kTrue : Tri::kFalse;
    }
    case Op::kNot: {
      Tri a = EvalTri(*n.kids[0], features, error);
      return a == Tri::kError ? a : a == Tri::kTrue ? Tri::kFalse : Tri::kTrue;
    }
    default: {  // kAnd / kOr: commutative with respect to errors, like Eval.
      Tri stop = n.op == Op::kOr ? Tri::kTrue : Tri::kFalse;
      const Node* left_error = nullptr;
      Tri a = EvalTri(*n.kids[0], features, &left_error);
      if (a == stop) return a;
      Tri b = EvalTri(*n.kids[1], features, error);
      if (b == stop) return b;
      if (a == Tri::kError) {
        *error = left_error;
        return a;
      }
      return b;
    }
  }
}

bool IsTriEligible(const Node& n) {
  switch (n.op) {
    case Op::kConst:
      return n.constant.is_bool();
    case Op::kFeatureCmp:
      return true;
    case Op::kCall: {
      if (!IsComparison(n.fn) || n.kids.size() != 2) return false;
      auto operand = [](const Node& k) {
        return IsNumEligible(k) || (k.op == Op::kConst && k.constant.is_number());
      };
      // At least one side is double-typed, so an int constant on the other side compares as
      // a double (CEL's rule); two int constants are left to the general path.
      return operand(*n.kids[0]) && operand(*n.kids[1]) &&
             (IsNumEligible(*n.kids[0]) || IsNumEligible(*n.kids[1]));
    }
    case Op::kNot:
      return IsTriEligible(*n.kids[0]);
    case Op::kAnd:
    case Op::kOr:
      return IsTriEligible(*n.kids[0]) && IsTriEligible(*n.kids[1]);
    default:
      return false;
  }
}

Value Eval(const Node& n, Frame& f) {
  if (++f.steps > f.max_steps) {
    f.exhausted = true;
    return Err(StatusCode::kResourceExhausted, "evaluation cost budget exceeded");
  }
  switch (n.op) {
    case Op::kConst:
      return n.constant;
    case Op::kFeature: {
      if (static_cast<std::size_t>(n.slot) >= f.features.size()) return n.constant;
      double d = f.features[static_cast<std::size_t>(n.slot)];
      if (std::isnan(d)) return n.constant;
      return Value::Double(d);
    }
    case Op::kFeatureCmp: {
      if (static_cast<std::size_t>(n.slot) >= f.features.size()) return n.constant;
      double d = f.features[static_cast<std::size_t>(n.slot)];
      if (std::isnan(d)) return n.constant;
      switch (n.fn) {
        case Fn::kLt:
          return Value::Bool(d < n.number);
        case Fn::kLe:
          return Value::Bool(d <= n.number);
        case Fn::kGt:
          return Value::Bool(d > n.number);
        case Fn::kGe:
          return Value::Bool(d >= n.number);
        case Fn::kEq:
          return Value::Bool(d == n.number);
        default:
          return Value::Bool(d != n.number);
      }
    }
    case Op::kVar: {
      const Value* v = f.activation ? f.activation->Find(n.name) : nullptr;
      if (v == nullptr) {
        return Err(StatusCode::kNotFound, "no value bound for variable '" + n.name + "'");
      }
      return *v;
    }
    case Op::kLocal:
      return f.locals[n.slot];
    case Op::kUndeclared:
      return Invalid("undeclared reference to '" + n.name + "'");
    case Op::kSelect:
    case Op::kHas:
    case Op::kOptSelect: {
      Value operand = Eval(*n.kids[0], f);
      if (operand.is_error()) return operand;
      if (operand.is_optional() || n.op == Op::kOptSelect) {
        // Optional chaining: `x.?f`, or any selection on an optional value.
        if (operand.is_optional()) {
          if (!operand.optional_has_value()) {
            return n.op == Op::kHas ? Value::Bool(false) : operand;
          }
          Value inner = operand.optional_value();  // copy first: operand owns it
          operand = std::move(inner);
        }
        if (!operand.is_map()) {
          return Invalid("type '" + std::string(operand.type().name) +
                         "' does not support field selection");
        }
        const Value* v = operand.map().Find(n.constant);
        if (n.op == Op::kHas) return Value::Bool(v != nullptr);
        return v == nullptr ? Value::OptionalNone() : Value::Optional(*v);
      }
      if (!operand.is_map()) {
        return Invalid("type '" + std::string(operand.type().name) +
                       "' does not support field selection");
      }
      const Value* v = operand.map().Find(n.constant);  // the key, built at plan time
      if (n.op == Op::kHas) return Value::Bool(v != nullptr);
      if (v == nullptr) return Err(StatusCode::kNotFound, "no such key: '" + n.name + "'");
      return *v;
    }
    case Op::kList: {
      ListValue out;
      out.reserve(n.kids.size());
      for (std::size_t i = 0; i < n.kids.size(); ++i) {
        Value v = Eval(*n.kids[i], f);
        if (v.is_error()) return v;
        if (!n.optional_entries.empty() && n.optional_entries[i]) {  // `?x`
          if (!v.is_optional()) return Invalid("optional list entry is not an optional");
          if (!v.optional_has_value()) continue;
          v = Value(v.optional_value());
        }
        out.push_back(std::move(v));
      }
      return Value::List(std::move(out));
    }
    case Op::kMap: {
      MapValue m;
      for (std::size_t i = 0; i + 1 < n.kids.size(); i += 2) {
        Value k = Eval(*n.kids[i], f);
        if (k.is_error()) return k;
        Value v = Eval(*n.kids[i + 1], f);
        if (v.is_error()) return v;
        if (!n.optional_entries.empty() && n.optional_entries[i / 2]) {  // `?k: v`
          if (!v.is_optional()) return Invalid("optional map entry is not an optional");
          if (!v.optional_has_value()) continue;
          v = Value(v.optional_value());
        }
        std::string error;
        if (!m.Insert(std::move(k), std::move(v), &error)) return Invalid(error);
      }
      return Value::Map(std::move(m));
    }
    case Op::kAnd:
    case Op::kOr: {
      bool short_on = n.op == Op::kOr;  // || stops at true, && at false
      Value a = Eval(*n.kids[0], f);
      if (a.is_bool() && a.bool_value() == short_on) return a;
      if (f.exhausted) return a;
      Value b = Eval(*n.kids[1], f);
      if (b.is_bool() && b.bool_value() == short_on) return b;
      if (a.is_bool() && b.is_bool()) return b;
      if (a.is_error()) return a;
      if (b.is_error()) return b;
      return Invalid(std::string("no matching overload for '") + (short_on ? "_||_" : "_&&_") +
                     "'");
    }
    case Op::kNot: {
      Value a = Eval(*n.kids[0], f);
      if (a.is_bool()) return Value::Bool(!a.bool_value());
      if (a.is_error()) return a;
      return NoSuchOverload("!_", a);
    }
    case Op::kCond: {
      Value c = Eval(*n.kids[0], f);
      if (c.is_error()) return c;
      if (!c.is_bool()) return Invalid("no matching overload for '_?_:_'");
      return Eval(*n.kids[c.bool_value() ? 1 : 2], f);
    }
    case Op::kCall:
      return EvalCall(n, f);
    case Op::kComprehension:
      return EvalComprehension(n, f);
  }
  return Invalid("bad node");
}

// ---- planning -------------------------------------------------------------------------

class Planner {
 public:
  Planner(const ParsedExpr& parsed, const Environment& env, const CompileOptions& opts)
      : parsed_(parsed), env_(env), opts_(opts) {}

  Result<std::unique_ptr<Node>> Plan(const Expr& e) {
    auto n = Build(e);
    if (!error_.ok()) return error_;
    return n;
  }

 private:
  void Fail(const Expr& e, std::string message) {
    if (error_.ok()) error_ = InvalidArgumentError(message, LocationOf(parsed_.source, e.offset));
  }

  std::unique_ptr<Node> New(Op op, const Expr& e) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->offset = e.offset;
    return n;
  }

  std::unique_ptr<Node> Build(const Expr& e) {
    if (!error_.ok()) return nullptr;
    if (e.ref == RefKind::kVariable) return Variable(e);
    switch (e.kind) {
      case ExprKind::kConst: {
        auto n = New(Op::kConst, e);
        n->constant = e.constant;
        return n;
      }
      case ExprKind::kIdent: {
        if (e.ref == RefKind::kLocal) {
          auto n = New(Op::kLocal, e);
          n->slot = e.local_slot;
          return n;
        }
        if (e.ref == RefKind::kTypeName) {
          auto n = New(Op::kConst, e);
          n->constant = e.constant;
          return n;
        }
        auto n = New(Op::kUndeclared, e);
        n->name = e.name;
        return n;
      }
      case ExprKind::kSelect: {
        if (e.ref == RefKind::kTypeName) {
          auto n = New(Op::kConst, e);
          n->constant = e.constant;
          return n;
        }
        auto n = New(e.test_only ? Op::kHas : e.optional ? Op::kOptSelect : Op::kSelect, e);
        n->name = e.name;
        n->constant = Value::String(e.name);
        n->kids.push_back(Build(*e.operand));
        return Fold(std::move(n));
      }
      case ExprKind::kList:
      case ExprKind::kMap: {
        auto n = New(e.kind == ExprKind::kList ? Op::kList : Op::kMap, e);
        n->optional_entries = e.optional_entries;
        for (const auto& a : e.args) n->kids.push_back(Build(*a));
        return Fold(std::move(n));
      }
      case ExprKind::kComprehension: {
        auto n = New(Op::kComprehension, e);
        n->comprehension = e.comprehension;
        n->slot = e.local_slot;
        n->slot2 = e.local_slot2;
        n->kids.push_back(Build(*e.operand));
        for (const auto& a : e.args) n->kids.push_back(Build(*a));
        return n;
      }
      case ExprKind::kCall:
        return BuildCall(e);
    }
    return nullptr;
  }

  std::unique_ptr<Node> Variable(const Expr& e) {
    const VariableDecl* d = env_.Find(e.resolved);
    if (d != nullptr && d->feature_slot >= 0) {
      auto n = New(Op::kFeature, e);
      n->slot = d->feature_slot;
      n->name = e.resolved;
      n->constant =
          Value::Error(StatusCode::kNotFound, "no such feature value: '" + e.resolved + "'");
      return n;
    }
    auto n = New(Op::kVar, e);
    n->name = e.resolved;
    return n;
  }

  std::unique_ptr<Node> BuildCall(const Expr& e) {
    const std::string& fn = e.name;
    std::vector<std::unique_ptr<Node>> kids;
    if (e.operand) kids.push_back(Build(*e.operand));
    for (const auto& a : e.args) kids.push_back(Build(*a));
    if (!error_.ok()) return nullptr;
    auto make = [&](Op op) {
      auto n = New(op, e);
      n->name = fn;
      n->kids = std::move(kids);
      return n;
    };
    if (!e.operand) {
      if ((fn == "_&&_" || fn == "_||_") && kids.size() == 2) {
        return Fold(make(fn == "_&&_" ? Op::kAnd : Op::kOr));
      }
      if (fn == "!_" && kids.size() == 1) return Fold(make(Op::kNot));
      if (fn == "_?_:_" && kids.size() == 3) return Fold(make(Op::kCond));
    }
    Fn id = Fn::kUnknown;
    for (const FnInfo& info : kFunctions) {
      if (info.name != fn) continue;
      int argc = static_cast<int>(kids.size());
      if ((e.operand ? info.receiver : info.global) && argc >= info.min_args &&
          argc <= info.max_args) {
        id = info.fn;
      }
    }
    auto n = make(Op::kCall);
    n->fn = id;
    if (id == Fn::kUnknown) {
      if (auto ext = internal::LookupExtension(fn, e.operand != nullptr, n->kids.size())) {
        n->fn = Fn::kExtension;
        n->ext = *ext;
        return Fold(std::move(n));
      }
    }
    if (id == Fn::kUnknown) {
      if (opts_.check_types) {
        Fail(e, "found no matching overload for '" + fn + "'");
        return nullptr;
      }
      // Dynamic evaluation: a run-time error once the arguments evaluate without error.
      return n;
    }
    if (id == Fn::kMatches && n->kids[1]->op == Op::kConst && n->kids[1]->constant.is_string()) {
      RE2::Options o;
      o.set_log_errors(false);
      auto re = std::make_shared<const RE2>(n->kids[1]->constant.string_value(), o);
      if (!re->ok()) {
        const Expr& pattern = e.operand ? *e.args[0] : *e.args[1];
        Fail(pattern, "invalid regular expression: " + re->error());
        return nullptr;
      }
      n->regex = std::move(re);
    }
    if (IsTimeGetter(id) && n->kids.size() == 2 && n->kids[1]->op == Op::kConst &&
        n->kids[1]->constant.is_string()) {
      auto zone = TimeZone::Load(n->kids[1]->constant.string_value());
      if (!zone.ok()) {
        Fail(*e.args[0], std::string(zone.status().message()));
        return nullptr;
      }
      n->zone = *std::move(zone);
    }
    // Fast path: feature <cmp> number, number <cmp> feature.
    if (id >= Fn::kEq && id <= Fn::kGe && n->kids.size() == 2) {
      auto is_num = [](const Node& k) { return k.op == Op::kConst && k.constant.is_number(); };
      auto as_double = [](const Value& v) {
        return v.is_int()    ? static_cast<double>(v.int_value())
               : v.is_uint() ? static_cast<double>(v.uint_value())
                             : v.double_value();
      };
      int feature = -1;
      if (n->kids[0]->op == Op::kFeature && is_num(*n->kids[1])) feature = 0;
      if (n->kids[1]->op == Op::kFeature && is_num(*n->kids[0])) feature = 1;
      if (feature >= 0) {
        Fn cmp = id;
        if (feature == 1) {  // mirror: c < x  ==  x > c
          if (id == Fn::kLt) cmp = Fn::kGt;
          if (id == Fn::kLe) cmp = Fn::kGe;
          if (id == Fn::kGt) cmp = Fn::kLt;
          if (id == Fn::kGe) cmp = Fn::kLe;
        }
        auto fast = New(Op::kFeatureCmp, e);
        fast->fn = cmp;
        fast->slot = n->kids[static_cast<std::size_t>(feature)]->slot;
        fast->constant = n->kids[static_cast<std::size_t>(feature)]->constant;
        fast->name = n->kids[static_cast<std::size_t>(feature)]->name;
        fast->number = as_double(n->kids[static_cast<std::size_t>(1 - feature)]->constant);
        return fast;
      }
    }
    return Fold(std::move(n));
  }

  // Replaces a node whose children are all constants by its value (unless that is an error).
  std::unique_ptr<Node> Fold(std::unique_ptr<Node> n) {
    if (!opts_.fold_constants || !n) return n;
    for (const auto& k : n->kids) {
      if (!k || k->op != Op::kConst) return n;
    }
    if (n->op == Op::kCall && n->fn == Fn::kUnknown) return n;
    Frame f;
    f.max_steps = opts_.max_steps;
    Value v = Eval(*n, f);
    if (f.exhausted || v.is_error()) return n;
    auto c = std::make_unique<Node>();
    c->op = Op::kConst;
    c->offset = n->offset;
    c->constant = std::move(v);
    return c;
  }

  const ParsedExpr& parsed_;
  const Environment& env_;
  const CompileOptions& opts_;
  Status error_;
};

std::size_t CountNodes(const Node& n) {
  std::size_t c = 1;
  for (const auto& k : n.kids) c += CountNodes(*k);
  return c;
}

}  // namespace

void Activation::Bind(std::string name, Value value) {
  values_.insert_or_assign(std::move(name), std::move(value));
}

const Value* Activation::Find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

Program::~Program() = default;

Value Program::Run(const Activation* activation, std::span<const double> features,
                   bool* exhausted) const {
  Frame f;
  f.activation = activation;
  f.features = features;
  f.max_steps = max_steps_;
  std::vector<Value> locals;
  if (num_locals_ > 0) {
    locals.resize(static_cast<std::size_t>(num_locals_));
    f.locals = locals.data();
  }
  Value v = Eval(*root_, f);
  *exhausted = f.exhausted;
  return v;
}

Result<Value> Program::Evaluate(const Activation& activation) const {
  bool exhausted = false;
  Value v = Run(&activation, activation.features(), &exhausted);
  if (exhausted) {
    return ResourceExhaustedError("evaluation cost budget of " + std::to_string(max_steps_) +
                                  " steps exceeded");
  }
  return v;
}

Result<bool> Program::EvaluateBool(std::span<const double> features,
                                   const Activation* extra) const {
  if (tri_eligible_) {
    const Node* error = nullptr;
    Tri t = EvalTri(*root_, features, &error);
    if (t != Tri::kError) return t == Tri::kTrue;
    return Status(error->constant.error().code, error->constant.error().message);
  }
  bool exhausted = false;
  Value v = Run(extra, features, &exhausted);
  if (exhausted) {
    return ResourceExhaustedError("evaluation cost budget of " + std::to_string(max_steps_) +
                                  " steps exceeded");
  }
  if (v.is_bool()) return v.bool_value();
  if (v.is_error()) return Status(v.error().code, v.error().message);
  return InvalidArgumentError("expression result is " + std::string(v.type().name) + ", not bool");
}

Result<double> Program::EvaluateDouble(std::span<const double> features,
                                       const Activation* extra) const {
  bool exhausted = false;
  Value v = Run(extra, features, &exhausted);
  if (exhausted) {
    return ResourceExhaustedError("evaluation cost budget of " + std::to_string(max_steps_) +
                                  " steps exceeded");
  }
  if (v.is_double()) return v.double_value();
  if (v.is_int()) return static_cast<double>(v.int_value());
  if (v.is_uint()) return static_cast<double>(v.uint_value());
  if (v.is_error()) return Status(v.error().code, v.error().message);
  return InvalidArgumentError("expression result is " + std::string(v.type().name) +
                              ", not a number");
}

Result<std::shared_ptr<const Program>> Compile(std::string_view source, const Environment& env,
                                               const CompileOptions& options,
                                               std::vector<Status>* issues) {
  auto report = [issues](Status s) {
    if (issues != nullptr) issues->push_back(s);
    return s;
  };
  Result<ParsedExpr> parse_result = Parse(source, options.parse);
  if (!parse_result.ok()) return report(parse_result.status());
  ParsedExpr parsed = *std::move(parse_result);
  CheckOptions check;
  check.check_types = options.check_types;
  int num_locals = 0;
  CREDENCE_ASSIGN_OR_RETURN(Type type, Check(parsed, env, check, issues, &num_locals));
  if (options.expected_type && options.check_types && !IsAssignable(*options.expected_type, type)) {
    return report(InvalidArgumentError("expected type '" + options.expected_type->ToString() +
                                           "' but the expression has type '" + type.ToString() +
                                           "'",
                                       LocationOf(parsed.source, 0)));
  }
  Planner planner(parsed, env, options);
  Result<std::unique_ptr<Node>> planned = planner.Plan(*parsed.root);
  if (!planned.ok()) return report(planned.status());
  std::unique_ptr<Node> root = *std::move(planned);
  std::shared_ptr<Program> program(new Program());
  program->root_ = std::move(root);
  program->source_ = std::move(parsed.source);
  program->result_type_ = std::move(type);
  program->num_locals_ = num_locals;
  program->max_steps_ = options.max_steps;
  program->node_count_ = CountNodes(*program->root_);
  // The three-valued fast path visits each node at most once, so it fits the budget when
  // the tree does.
  program->tri_eligible_ =
      IsTriEligible(*program->root_) && program->node_count_ <= options.max_steps;
  return std::shared_ptr<const Program>(std::move(program));
}

}  // namespace credence::expr
