// Run-time implementations of the standard functions. See builtins.h.
#include "expr/builtins.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "core/excerpt.h"
#include "core/utf8.h"
#include "expr/extension_libraries.h"
#include "expr/extensions.h"
#include "expr/node.h"
#include "expr/time_util.h"

namespace credence::expr {
namespace {

Value Err(StatusCode code, std::string message) { return Value::Error(code, std::move(message)); }
Value Invalid(std::string message) { return Err(StatusCode::kInvalidArgument, std::move(message)); }
Value Overflow() { return Err(StatusCode::kOutOfRange, "integer overflow"); }

Value RangeError(const Status& s) { return Err(s.code(), std::string(s.message())); }

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
  if (c.is_list() && x.is_string()) {
    if (const auto* index = c.list_string_index()) {
      return Value::Bool(index->count(x.string_value()) > 0);
    }
  }
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
        return Invalid("cannot convert '" + core::Excerpt(s) + "' to int");
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
        return Invalid("cannot convert '" + core::Excerpt(s) + "' to uint");
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
        return Invalid("cannot convert '" + core::Excerpt(s) + "' to double");
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
    return Invalid("Type conversion error: cannot convert '" + core::Excerpt(s) + "' to bool");
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

}  // namespace

std::string_view FnName(Fn fn) {
  for (const FnInfo& f : kFunctions) {
    if (f.fn == fn) return f.name;
  }
  return "unknown";
}

Fn MirrorComparison(Fn cmp) {
  switch (cmp) {
    case Fn::kLt:
      return Fn::kGt;
    case Fn::kLe:
      return Fn::kGe;
    case Fn::kGt:
      return Fn::kLt;
    case Fn::kGe:
      return Fn::kLe;
    default:
      return cmp;
  }
}

Fn LookupBuiltin(std::string_view name, bool receiver, std::size_t argc) {
  for (const FnInfo& info : kFunctions) {
    if (info.name == name && (receiver ? info.receiver : info.global) &&
        static_cast<int>(argc) >= info.min_args && static_cast<int>(argc) <= info.max_args) {
      return info.fn;
    }
  }
  return Fn::kUnknown;
}

bool IsBuiltinName(std::string_view name) {
  if (name == "_&&_" || name == "_||_" || name == "!_" || name == "_?_:_") return true;
  return std::any_of(std::begin(kFunctions), std::end(kFunctions),
                     [&](const FnInfo& f) { return f.name == name; });
}

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
      if (n.fn == Fn::kContains) return Value::Bool(internal::FindBytes(s, t) != std::string::npos);
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
        return TimeGetter(n.fn, a[0], &*zone);
      }
      return Err(StatusCode::kInvalidArgument, "unbound function '" + n.name + "'");
  }
}

}  // namespace credence::expr
