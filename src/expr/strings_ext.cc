// The strings extension library: charAt, indexOf, lastIndexOf, lowerAscii, upperAscii,
// replace, split, substring, trim, reverse, join, strings.quote and format. Indices and
// lengths count code points, as in cel-go. See extensions.h.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.h"
#include "expr/cost.h"
#include "expr/extension_libraries.h"

namespace credence::expr::internal {
namespace {

using K = Type::Kind;

constexpr ExtInfo kFunctions[] = {
    {"charAt", ExtFn::kCharAt, true, 2, 2},
    {"indexOf", ExtFn::kIndexOf, true, 2, 3},
    {"lastIndexOf", ExtFn::kLastIndexOf, true, 2, 3},
    {"lowerAscii", ExtFn::kLowerAscii, true, 1, 1},
    {"upperAscii", ExtFn::kUpperAscii, true, 1, 1},
    {"replace", ExtFn::kReplace, true, 3, 4},
    {"split", ExtFn::kSplit, true, 2, 3},
    {"substring", ExtFn::kSubstring, true, 2, 3},
    {"trim", ExtFn::kTrim, true, 1, 1},
    {"reverse", ExtFn::kReverse, true, 1, 1},
    {"join", ExtFn::kJoin, true, 1, 2},
    {"strings.quote", ExtFn::kQuote, false, 1, 1},
    {"format", ExtFn::kFormat, true, 2, 2},
};

// Go's unicode.IsSpace.
bool IsSpace(char32_t c) {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

// Bytes of the UTF-8 character starting with byte `c` (valid UTF-8 by construction).
std::size_t CharLength(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x80 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
}

std::int64_t CodePoints(std::string_view s) {
  std::int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The byte offset of code point `cp` of `s` (s.size() for cp at or past the end).
std::size_t ByteOffset(std::string_view s, std::int64_t cp) {
  std::size_t i = 0;
  for (; cp > 0 && i < s.size(); --cp) i += CharLength(s[i]);
  return std::min(i, s.size());
}

// Non-overlapping occurrences of `needle` in `s`, at most `limit` (negative: no limit); an
// empty needle occurs before every code point and at the end.
std::uint64_t CountOccurrences(std::string_view s, std::string_view needle, std::int64_t limit) {
  const auto max = limit < 0 ? UINT64_MAX : static_cast<std::uint64_t>(limit);
  if (needle.empty()) return std::min(max, static_cast<std::uint64_t>(CodePoints(s)) + 1);
  std::uint64_t n = 0;
  for (std::size_t at = FindBytes(s, needle); n < max && at != std::string_view::npos;
       at = FindBytes(s, needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The smaller of a count limit (negative: none) and `enough`, as a CountOccurrences limit.
std::int64_t AtMost(std::int64_t limit, std::uint64_t enough) {
  const auto e = static_cast<std::int64_t>(std::min<std::uint64_t>(enough, INT64_MAX));
  return limit < 0 ? e : std::min(limit, e);
}

// The code point index of the last occurrence of `needle` in `s` starting at or before code
// point `last_start`; -1 when there is none. Searches the reversed bytes (linear time).
std::int64_t FindLast(std::string_view s, std::string_view needle, std::int64_t last_start) {
  const std::size_t window = std::min(s.size(), ByteOffset(s, last_start) + needle.size());
  std::string hay(s.substr(0, window)), rev(needle);
  std::reverse(hay.begin(), hay.end());
  std::reverse(rev.begin(), rev.end());
  const std::size_t r = FindBytes(hay, rev);
  if (r == std::string::npos) return -1;
  return CodePoints(s.substr(0, window - r - needle.size()));
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char32_t c : DecodeUtf8(s)) {
    switch (c) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
          out += buf;
        } else {
          core::AppendUtf8(out, c);
        }
    }
  }
  return out + "\"";
}

std::string FormatDoubleShortest(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  // Shortest round-trip digits, fixed notation for moderate exponents.
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

// Renders a value for %s (strings unquoted, lists and maps recursively, map keys sorted).
bool FormatString(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kString:
      out += v.string_value();
      return true;
    case Value::Kind::kBytes:
      out += v.bytes_value();
      return true;
    case Value::Kind::kNull:
      out += "null";
      return true;
    case Value::Kind::kBool:
      out += v.bool_value() ? "true" : "false";
      return true;
    case Value::Kind::kInt:
      out += std::to_string(v.int_value());
      return true;
    case Value::Kind::kUint:
      out += std::to_string(v.uint_value());
      return true;
    case Value::Kind::kDouble:
      out += FormatDoubleShortest(v.double_value());
      return true;
    case Value::Kind::kType:
      out += v.type_value().name;
      return true;
    case Value::Kind::kTimestamp:
    case Value::Kind::kDuration: {
      std::string d = v.DebugString();  // timestamp("...") / duration("...")
      std::size_t open = d.find('"');
      out += d.substr(open + 1, d.size() - open - 3);
      return true;
    }
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const Value& e : v.list()) {
        if (!first) out += ", ";
        first = false;
        if (!FormatString(e, out)) return false;
      }
      out += ']';
      return true;
    }
    case Value::Kind::kMap: {
      std::vector<std::pair<std::string, std::string>> items;
      for (const auto& [k, val] : v.map().entries()) {
        std::string ks, vs;
        if (!FormatString(k, ks) || !FormatString(val, vs)) return false;
        items.emplace_back(std::move(ks), std::move(vs));
      }
      std::sort(items.begin(), items.end());
      out += '{';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += items[i].first + ": " + items[i].second;
      }
      out += '}';
      return true;
    }
    default:
      return false;
  }
}

std::string ToBase(std::uint64_t v, int base, bool upper) {
  if (v == 0) return "0";
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  while (v) {
    out += digits[v % static_cast<std::uint64_t>(base)];
    v /= static_cast<std::uint64_t>(base);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Value Format(const std::string& fmt, const Value& args) {
  if (!args.is_list()) return ExtensionError("format: arguments must be a list");
  const ListValue& list = args.list();
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) return ExtensionError("format: unterminated verb at end of string");
    if (fmt[i] == '%') {
      out += '%';
      continue;
    }
    int precision = -1;
    if (fmt[i] == '.') {
      precision = 0;
      while (++i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') {
        precision = precision * 10 + (fmt[i] - '0');
        if (precision > 100) return ExtensionError("format: precision too large");
      }
      if (i >= fmt.size()) return ExtensionError("format: unterminated verb at end of string");
    }
    char verb = fmt[i];
    if (next >= list.size()) {
      return ExtensionError("format: index " + std::to_string(next) + " out of range");
    }
    const Value& a = list[next++];
    auto bad = [&] {
      return ExtensionError(std::string("format: %") + verb + " does not support " +
                            std::string(a.is_error() ? "error" : a.type().name));
    };
    switch (verb) {
      case 's':
        if (!FormatString(a, out)) return bad();
        break;
      case 'd':
        if (a.is_int()) {
          out += std::to_string(a.int_value());
        } else if (a.is_uint()) {
          out += std::to_string(a.uint_value());
        } else if (a.is_double() && !std::isfinite(a.double_value())) {
          out += FormatDoubleShortest(a.double_value());
        } else {
          return bad();
        }
        break;
      case 'f':
      case 'e': {
        double d;
        if (a.is_double()) {
          d = a.double_value();
        } else if (a.is_int()) {
          d = static_cast<double>(a.int_value());
        } else if (a.is_uint()) {
          d = static_cast<double>(a.uint_value());
        } else {
          return bad();
        }
        if (!std::isfinite(d)) {
          out += FormatDoubleShortest(d);
          break;
        }
        char buf[512];
        std::snprintf(buf, sizeof buf, verb == 'f' ? "%.*f" : "%.*e", precision < 0 ? 6 : precision,
                      d);
        out += buf;
        break;
      }
      case 'b':
      case 'o':
      case 'x':
      case 'X': {
        int base = verb == 'b' ? 2 : verb == 'o' ? 8 : 16;
        bool upper = verb == 'X';
        if (a.is_int()) {
          std::int64_t v = a.int_value();
          std::uint64_t mag =
              v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
          out += (v < 0 ? "-" : "") + ToBase(mag, base, upper);
        } else if (a.is_uint()) {
          out += ToBase(a.uint_value(), base, upper);
        } else if (verb == 'b' && a.is_bool()) {
          out += a.bool_value() ? "1" : "0";
        } else if (base == 16 && (a.is_string() || a.is_bytes())) {
          const std::string& s = a.is_string() ? a.string_value() : a.bytes_value();
          for (unsigned char c : s) {
            out += ToBase(c >> 4, 16, upper);
            out += ToBase(c & 0xF, 16, upper);
          }
        } else {
          return bad();
        }
        break;
      }
      default:
        return ExtensionError(std::string("format: unrecognized verb %") + verb);
    }
  }
  return Value::String(std::move(out));
}

Value Join(ExtFn fn, const Value* a, std::size_t count) {
  if (!a[0].is_list() || (count == 2 && !a[1].is_string())) return ExtensionNoOverload(fn);
  std::string sep = count == 2 ? a[1].string_value() : "";
  std::string out;
  bool first = true;
  for (const Value& e : a[0].list()) {
    if (!e.is_string()) return ExtensionError("join: list element is not a string");
    if (!first) out += sep;
    first = false;
    out += e.string_value();
  }
  return Value::String(std::move(out));
}

Value CharAt(ExtFn fn, const std::string& s, const Value& index) {
  if (!index.is_int()) return ExtensionNoOverload(fn);
  std::vector<char32_t> cps = DecodeUtf8(s);
  std::int64_t i = index.int_value();
  if (i < 0 || i > static_cast<std::int64_t>(cps.size())) {
    return ExtensionError("index out of range: " + std::to_string(i));
  }
  return Value::String(
      i == static_cast<std::int64_t>(cps.size())
          ? std::string()
          : EncodeUtf8(cps, static_cast<std::size_t>(i), static_cast<std::size_t>(i) + 1));
}

Value IndexOf(ExtFn fn, const std::string& s, const Value* a, std::size_t count) {
  if (!a[1].is_string() || (count == 3 && !a[2].is_int())) return ExtensionNoOverload(fn);
  const std::string& needle = a[1].string_value();
  const std::int64_t size = CodePoints(s);
  const bool last = fn == ExtFn::kLastIndexOf;
  const std::int64_t start = count == 3 ? a[2].int_value() : (last ? size : 0);
  if (start < 0 || start > size) {
    return ExtensionError("index out of range: " + std::to_string(start));
  }
  if (last) return Value::Int(FindLast(s, needle, start));
  const std::size_t at = FindBytes(s, needle, ByteOffset(s, start));
  return Value::Int(at == std::string::npos ? -1 : CodePoints(std::string_view(s).substr(0, at)));
}

Value Substring(ExtFn fn, const std::string& s, const Value* a, std::size_t count) {
  if (!a[1].is_int() || (count == 3 && !a[2].is_int())) return ExtensionNoOverload(fn);
  std::vector<char32_t> cps = DecodeUtf8(s);
  std::int64_t size = static_cast<std::int64_t>(cps.size());
  std::int64_t b = a[1].int_value(), e = count == 3 ? a[2].int_value() : size;
  if (b < 0 || b > size) return ExtensionError("index out of range: " + std::to_string(b));
  if (e < 0 || e > size) return ExtensionError("index out of range: " + std::to_string(e));
  if (b > e) {
    return ExtensionError("invalid substring range: start " + std::to_string(b) + " > end " +
                          std::to_string(e));
  }
  return Value::String(EncodeUtf8(cps, static_cast<std::size_t>(b), static_cast<std::size_t>(e)));
}

Value Replace(ExtFn fn, const std::string& s, const Value* a, std::size_t count) {
  if (!a[1].is_string() || !a[2].is_string() || (count == 4 && !a[3].is_int())) {
    return ExtensionNoOverload(fn);
  }
  const std::string& from = a[1].string_value();
  const std::string& to = a[2].string_value();
  const std::int64_t limit = count == 4 ? a[3].int_value() : -1;
  // The size is known in advance: one allocation, which fails at once if it cannot be made.
  const std::uint64_t k = CountOccurrences(s, from, limit);
  std::string out;
  out.reserve(SatAdd(s.size(), SatMul(k, to.size())));
  std::int64_t done = 0;
  if (from.empty()) {  // Go: insert `to` before every code point and at the end
    for (std::size_t i = 0;; i += CharLength(s[i])) {
      if (limit < 0 || done < limit) {
        out += to;
        ++done;
      }
      if (i >= s.size()) break;
      out.append(s, i, CharLength(s[i]));
    }
    return Value::String(std::move(out));
  }
  std::size_t pos = 0;
  while (limit < 0 || done < limit) {
    const std::size_t at = FindBytes(s, from, pos);
    if (at == std::string::npos) break;
    out.append(s, pos, at - pos);
    out += to;
    pos = at + from.size();
    ++done;
  }
  out.append(s, pos, std::string::npos);
  return Value::String(std::move(out));
}

Value Split(ExtFn fn, const std::string& s, const Value* a, std::size_t count) {
  if (!a[1].is_string() || (count == 3 && !a[2].is_int())) return ExtensionNoOverload(fn);
  const std::string& sep = a[1].string_value();
  const std::int64_t limit = count == 3 ? a[2].int_value() : -1;
  ListValue out;
  if (limit == 0) return Value::List(std::move(out));
  if (sep.empty()) {
    for (std::size_t i = 0; i < s.size(); i += CharLength(s[i])) {
      if (limit > 0 && static_cast<std::int64_t>(out.size()) == limit - 1) {
        out.push_back(Value::String(s.substr(i)));
        break;
      }
      out.push_back(Value::String(s.substr(i, CharLength(s[i]))));
    }
    return Value::List(std::move(out));
  }
  std::size_t pos = 0;
  while (limit < 0 || static_cast<std::int64_t>(out.size()) < limit - 1) {
    const std::size_t at = FindBytes(s, sep, pos);
    if (at == std::string::npos) break;
    out.push_back(Value::String(s.substr(pos, at - pos)));
    pos = at + sep.size();
  }
  out.push_back(Value::String(s.substr(pos)));
  return Value::List(std::move(out));
}

// lowerAscii, upperAscii, trim, reverse: string to string.
Value Transform(ExtFn fn, const std::string& s) {
  if (fn == ExtFn::kLowerAscii || fn == ExtFn::kUpperAscii) {
    std::string out = s;
    for (char& c : out) {
      if (fn == ExtFn::kLowerAscii && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (fn == ExtFn::kUpperAscii && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return Value::String(std::move(out));
  }
  std::vector<char32_t> cps = DecodeUtf8(s);
  if (fn == ExtFn::kReverse) {
    std::reverse(cps.begin(), cps.end());
    return Value::String(EncodeUtf8(cps, 0, cps.size()));
  }
  std::size_t b = 0, e = cps.size();
  while (b < e && IsSpace(cps[b])) ++b;
  while (e > b && IsSpace(cps[e - 1])) --e;
  return Value::String(EncodeUtf8(cps, b, e));
}

Value Call(ExtFn fn, const Value* a, std::size_t count) {
  if (fn == ExtFn::kJoin) return Join(fn, a, count);
  if (!a[0].is_string()) return ExtensionNoOverload(fn);
  const std::string& s = a[0].string_value();
  switch (fn) {
    case ExtFn::kLowerAscii:
    case ExtFn::kUpperAscii:
    case ExtFn::kTrim:
    case ExtFn::kReverse:
      return Transform(fn, s);
    case ExtFn::kQuote:
      return Value::String(Quote(s));
    case ExtFn::kFormat:
      return Format(s, a[1]);
    case ExtFn::kCharAt:
      return CharAt(fn, s, a[1]);
    case ExtFn::kIndexOf:
    case ExtFn::kLastIndexOf:
      return IndexOf(fn, s, a, count);
    case ExtFn::kSubstring:
      return Substring(fn, s, a, count);
    case ExtFn::kReplace:
      return Replace(fn, s, a, count);
    case ExtFn::kSplit:
      return Split(fn, s, a, count);
    default:
      return ExtensionNoOverload(fn);
  }
}

// The bytes `%s` and the other verbs can write for `v`, at most about `cap` (the walk stops
// once past it): strings twice over (%x writes two digits a byte), numbers 512 (%.100f of
// 1e308), lists and maps their elements and separators.
std::uint64_t FormatBound(const Value& v, std::uint64_t cap) {
  std::uint64_t total = 0;
  auto add = [&](std::uint64_t n) {
    total = SatAdd(total, n);
    return total <= cap;
  };
  switch (v.kind()) {
    case Value::Kind::kString:
      return SatMul(2, v.string_value().size());
    case Value::Kind::kBytes:
      return SatMul(2, v.bytes_value().size());
    case Value::Kind::kList:
      add(2);
      for (const Value& e : v.list()) {
        if (!add(2) || !add(FormatBound(e, cap))) break;
      }
      return total;
    case Value::Kind::kMap:
      add(2);
      for (const auto& [key, value] : v.map().entries()) {
        if (!add(4) || !add(FormatBound(key, cap)) || !add(FormatBound(value, cap))) break;
      }
      return total;
    default:
      return 512;
  }
}

// What a call costs before it runs (cost.h): the bytes it scans and builds, computed from the
// arguments without building anything. Arguments of the wrong type cost nothing (the call
// fails).
std::uint64_t Cost(ExtFn fn, const Value* a, std::size_t count, std::uint64_t cap) {
  if (fn == ExtFn::kJoin) {
    if (!a[0].is_list()) return 0;
    const std::uint64_t sep = count == 2 && a[1].is_string() ? a[1].string_value().size() : 0;
    std::uint64_t bytes = 0;
    for (const Value& e : a[0].list()) {
      if (e.is_string()) bytes = SatAdd(bytes, SatAdd(e.string_value().size(), sep));
    }
    return SatAdd(BytesSteps(bytes), EntriesSteps(a[0].list().size()));
  }
  if (!a[0].is_string()) return 0;
  const std::string& s = a[0].string_value();
  const auto n = static_cast<std::uint64_t>(s.size());
  auto arg_size = [&](std::size_t i) -> std::uint64_t {
    return count > i && a[i].is_string() ? a[i].string_value().size() : 0;
  };
  auto limit = [&](std::size_t i) -> std::int64_t {
    return count > i && a[i].is_int() ? a[i].int_value() : -1;
  };
  switch (fn) {
    case ExtFn::kReplace: {
      if (!a[1].is_string() || !a[2].is_string()) return 0;
      // Counting stops once the output alone would exceed the cap: a 16 MiB string of
      // matches is not scanned to the end only to be refused.
      const std::uint64_t r = std::max<std::uint64_t>(arg_size(2), 1);
      const std::uint64_t enough = SatMul(SatAdd(cap, 1), kBytesPerStep) / r + 1;
      const std::uint64_t k = CountOccurrences(s, a[1].string_value(), AtMost(limit(3), enough));
      const std::uint64_t out = SatAdd(n, SatMul(k, arg_size(2)));
      return SatAdd(BytesSteps(n), BytesSteps(out));
    }
    case ExtFn::kSplit: {
      if (!a[1].is_string() || limit(2) == 0) return 0;
      const std::int64_t l = limit(2);
      const std::uint64_t parts =
          a[1].string_value().empty()
              ? std::min<std::uint64_t>(static_cast<std::uint64_t>(CodePoints(s)),
                                        l > 0 ? static_cast<std::uint64_t>(l) : UINT64_MAX)
              : CountOccurrences(s, a[1].string_value(),
                                 AtMost(l > 0 ? l - 1 : -1, SatAdd(cap, 1))) +
                    1;
      return SatAdd(BytesSteps(SatMul(2, n)), parts);  // one step per string built
    }
    case ExtFn::kFormat: {
      std::uint64_t bytes = n;
      if (a[1].is_list()) bytes = SatAdd(bytes, FormatBound(a[1], SatMul(cap, kBytesPerStep)));
      return BytesSteps(SatMul(2, bytes));  // map arguments are rendered twice
    }
    case ExtFn::kQuote:  // 4 bytes of code point per character, up to 4 bytes out per byte
      return BytesSteps(SatMul(8, n));
    case ExtFn::kIndexOf:
      return BytesSteps(SatAdd(n, arg_size(1)));
    case ExtFn::kLastIndexOf:  // reversed copies
      return BytesSteps(SatMul(2, SatAdd(n, arg_size(1))));
    default:  // charAt, substring, trim, reverse, lower/upperAscii: decoded, then built
      return BytesSteps(SatMul(5, n));
  }
}

std::optional<Type> Check(ExtFn fn, const std::vector<Type>& a) {
  auto is = [](const Type& t, K k) { return t.is_dyn() || t.kind() == k; };
  switch (fn) {
    case ExtFn::kCharAt:
      return is(a[0], K::kString) && is(a[1], K::kInt) ? std::optional<Type>(Type::String())
                                                       : std::nullopt;
    case ExtFn::kIndexOf:
    case ExtFn::kLastIndexOf:
      if (!is(a[0], K::kString) || !is(a[1], K::kString)) return std::nullopt;
      if (a.size() == 3 && !is(a[2], K::kInt)) return std::nullopt;
      return Type::Int();
    case ExtFn::kLowerAscii:
    case ExtFn::kUpperAscii:
    case ExtFn::kTrim:
    case ExtFn::kReverse:
    case ExtFn::kQuote:
      return is(a[0], K::kString) ? std::optional<Type>(Type::String()) : std::nullopt;
    case ExtFn::kReplace:
      if (!is(a[0], K::kString) || !is(a[1], K::kString) || !is(a[2], K::kString)) {
        return std::nullopt;
      }
      if (a.size() == 4 && !is(a[3], K::kInt)) return std::nullopt;
      return Type::String();
    case ExtFn::kSplit:
      if (!is(a[0], K::kString) || !is(a[1], K::kString)) return std::nullopt;
      if (a.size() == 3 && !is(a[2], K::kInt)) return std::nullopt;
      return Type::List(Type::String());
    case ExtFn::kSubstring:
      if (!is(a[0], K::kString) || !is(a[1], K::kInt)) return std::nullopt;
      if (a.size() == 3 && !is(a[2], K::kInt)) return std::nullopt;
      return Type::String();
    case ExtFn::kFormat:
      return is(a[0], K::kString) && is(a[1], K::kList) ? std::optional<Type>(Type::String())
                                                        : std::nullopt;
    case ExtFn::kJoin:
      if (!(a[0].is_dyn() || (a[0].kind() == K::kList && is(a[0].elem(), K::kString)))) {
        return std::nullopt;
      }
      if (a.size() == 2 && !is(a[1], K::kString)) return std::nullopt;
      return Type::String();
    default:
      return std::nullopt;
  }
}

}  // namespace

const ExtensionLibrary& StringsLibrary() {
  static const ExtensionLibrary kLibrary{kFunctions, &Check, &Call, &Cost};
  return kLibrary;
}

}  // namespace credence::expr::internal
