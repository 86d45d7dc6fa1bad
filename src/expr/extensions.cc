// Extension libraries: math and strings. See extensions.h.
#include "expr/extensions.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "core/utf8.h"

namespace credence::expr::internal {
namespace {

using K = Type::Kind;

struct ExtInfo {
  std::string_view name;
  ExtFn fn;
  bool receiver;
  int min_args, max_args;  // counting the receiver; max -1 = variadic
};

constexpr ExtInfo kExtensions[] = {
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
    {"base64.encode", ExtFn::kBase64Encode, false, 1, 1},
    {"base64.decode", ExtFn::kBase64Decode, false, 1, 1},
    {"optional.of", ExtFn::kOptionalOf, false, 1, 1},
    {"optional.none", ExtFn::kOptionalNone, false, 0, 0},
    {"optional.ofNonZeroValue", ExtFn::kOptionalOfNonZero, false, 1, 1},
    {"hasValue", ExtFn::kHasValue, true, 1, 1},
    {"value", ExtFn::kValue, true, 1, 1},
    {"orValue", ExtFn::kOrValue, true, 2, 2},
    {"or", ExtFn::kOr, true, 2, 2},
};

Value Invalid(std::string message) {
  return Value::Error(StatusCode::kInvalidArgument, std::move(message));
}
Value NoOverload(ExtFn fn) {
  for (const ExtInfo& e : kExtensions) {
    if (e.fn == fn) return Invalid("no such overload: " + std::string(e.name));
  }
  return Invalid("no such overload");
}

// Decodes UTF-8 (valid by construction) into code points.
std::vector<char32_t> Decode(const std::string& s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k <= n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += n + 1;
  }
  return out;
}

std::string Encode(const std::vector<char32_t>& cps, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) core::AppendUtf8(out, cps[i]);
  return out;
}

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

// Finds `needle` in `hay` (code points) at or after `from`; -1 when absent.
std::int64_t Find(const std::vector<char32_t>& hay, const std::vector<char32_t>& needle,
                  std::size_t from) {
  if (needle.size() > hay.size()) return -1;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<std::ptrdiff_t>(i))) {
      return static_cast<std::int64_t>(i);
    }
  }
  return -1;
}

std::int64_t FindLast(const std::vector<char32_t>& hay, const std::vector<char32_t>& needle,
                      std::int64_t last_start) {
  for (std::int64_t i =
           std::min<std::int64_t>(last_start, static_cast<std::int64_t>(hay.size()) -
                                                  static_cast<std::int64_t>(needle.size()));
       i >= 0; --i) {
    if (std::equal(needle.begin(), needle.end(), hay.begin() + i)) return i;
  }
  return -1;
}

// math.greatest / math.least over numbers (mixed kinds compare by value).
Value Extreme(bool greatest, const Value* args, std::size_t count) {
  const Value* items = args;
  std::size_t n = count;
  if (count == 1 && args[0].is_list()) {
    items = args[0].list().data();
    n = args[0].list().size();
    if (n == 0) return Invalid("math.greatest/least of an empty list");
  }
  const Value* best = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    if (!items[i].is_number()) return Invalid("no such overload: math.greatest/least");
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
  return NoOverload(fn);
}

Value Shift(ExtFn fn, const Value& a, const Value& b) {
  if (!b.is_int() || !(a.is_int() || a.is_uint())) return NoOverload(fn);
  std::int64_t s = b.int_value();
  if (s < 0) return Invalid("math.bitShift: negative shift " + std::to_string(s));
  std::uint64_t x = a.is_int() ? static_cast<std::uint64_t>(a.int_value()) : a.uint_value();
  std::uint64_t r = s >= 64 ? 0 : fn == ExtFn::kBitShiftLeft ? x << s : x >> s;  // logical
  if (a.is_int()) return Value::Int(static_cast<std::int64_t>(r));
  return Value::Uint(r);
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char32_t c : Decode(s)) {
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
  if (!args.is_list()) return Invalid("format: arguments must be a list");
  const ListValue& list = args.list();
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) return Invalid("format: unterminated verb at end of string");
    if (fmt[i] == '%') {
      out += '%';
      continue;
    }
    int precision = -1;
    if (fmt[i] == '.') {
      precision = 0;
      while (++i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') {
        precision = precision * 10 + (fmt[i] - '0');
        if (precision > 100) return Invalid("format: precision too large");
      }
      if (i >= fmt.size()) return Invalid("format: unterminated verb at end of string");
    }
    char verb = fmt[i];
    if (next >= list.size()) {
      return Invalid("format: index " + std::to_string(next) + " out of range");
    }
    const Value& a = list[next++];
    auto bad = [&] {
      return Invalid(std::string("format: %") + verb + " does not support " +
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
        return Invalid(std::string("format: unrecognized verb %") + verb);
    }
  }
  return Value::String(std::move(out));
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(const std::string& in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                      (static_cast<unsigned char>(in[i + 1]) << 8) |
                      static_cast<unsigned char>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += kBase64Alphabet[(v >> (6 * k)) & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Standard alphabet; trailing '=' padding optional (cel-go accepts both).
Value Base64Decode(const std::string& in) {
  std::string s = in;
  while (!s.empty() && s.back() == '=') s.pop_back();
  if (in.size() - s.size() > 2 || s.size() % 4 == 1) return Invalid("invalid base64 input");
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const char* p = std::strchr(kBase64Alphabet, c);
    if (c == '\0' || p == nullptr) return Invalid("invalid base64 input");
    acc = (acc << 6) | static_cast<std::uint32_t>(p - kBase64Alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return Value::Bytes(std::move(out));
}

Value StringFn(ExtFn fn, const Value* a, std::size_t count) {
  if (fn == ExtFn::kJoin) {
    if (!a[0].is_list() || (count == 2 && !a[1].is_string())) return NoOverload(fn);
    std::string sep = count == 2 ? a[1].string_value() : "";
    std::string out;
    bool first = true;
    for (const Value& e : a[0].list()) {
      if (!e.is_string()) return Invalid("join: list element is not a string");
      if (!first) out += sep;
      first = false;
      out += e.string_value();
    }
    return Value::String(std::move(out));
  }
  if (fn == ExtFn::kBase64Encode) {
    if (!a[0].is_bytes()) return NoOverload(fn);
    return Value::String(Base64Encode(a[0].bytes_value()));
  }
  if (!a[0].is_string()) return NoOverload(fn);
  const std::string& s = a[0].string_value();
  switch (fn) {
    case ExtFn::kLowerAscii:
    case ExtFn::kUpperAscii: {
      std::string out = s;
      for (char& c : out) {
        if (fn == ExtFn::kLowerAscii && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (fn == ExtFn::kUpperAscii && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      return Value::String(std::move(out));
    }
    case ExtFn::kQuote:
      return Value::String(Quote(s));
    case ExtFn::kBase64Decode:
      return Base64Decode(s);
    case ExtFn::kFormat:
      return Format(s, a[1]);
    case ExtFn::kTrim: {
      std::vector<char32_t> cps = Decode(s);
      std::size_t b = 0, e = cps.size();
      while (b < e && IsSpace(cps[b])) ++b;
      while (e > b && IsSpace(cps[e - 1])) --e;
      return Value::String(Encode(cps, b, e));
    }
    case ExtFn::kReverse: {
      std::vector<char32_t> cps = Decode(s);
      std::reverse(cps.begin(), cps.end());
      return Value::String(Encode(cps, 0, cps.size()));
    }
    case ExtFn::kCharAt: {
      if (!a[1].is_int()) return NoOverload(fn);
      std::vector<char32_t> cps = Decode(s);
      std::int64_t i = a[1].int_value();
      if (i < 0 || i > static_cast<std::int64_t>(cps.size())) {
        return Invalid("index out of range: " + std::to_string(i));
      }
      return Value::String(
          i == static_cast<std::int64_t>(cps.size())
              ? std::string()
              : Encode(cps, static_cast<std::size_t>(i), static_cast<std::size_t>(i) + 1));
    }
    case ExtFn::kIndexOf:
    case ExtFn::kLastIndexOf: {
      if (!a[1].is_string() || (count == 3 && !a[2].is_int())) return NoOverload(fn);
      std::vector<char32_t> hay = Decode(s), needle = Decode(a[1].string_value());
      std::int64_t size = static_cast<std::int64_t>(hay.size());
      bool last = fn == ExtFn::kLastIndexOf;
      std::int64_t start = count == 3 ? a[2].int_value() : (last ? size : 0);
      if (start < 0 || start > size) return Invalid("index out of range: " + std::to_string(start));
      if (last) return Value::Int(FindLast(hay, needle, start));
      return Value::Int(Find(hay, needle, static_cast<std::size_t>(start)));
    }
    case ExtFn::kSubstring: {
      if (!a[1].is_int() || (count == 3 && !a[2].is_int())) return NoOverload(fn);
      std::vector<char32_t> cps = Decode(s);
      std::int64_t size = static_cast<std::int64_t>(cps.size());
      std::int64_t b = a[1].int_value(), e = count == 3 ? a[2].int_value() : size;
      if (b < 0 || b > size) return Invalid("index out of range: " + std::to_string(b));
      if (e < 0 || e > size) return Invalid("index out of range: " + std::to_string(e));
      if (b > e)
        return Invalid("invalid substring range: start " + std::to_string(b) + " > end " +
                       std::to_string(e));
      return Value::String(Encode(cps, static_cast<std::size_t>(b), static_cast<std::size_t>(e)));
    }
    case ExtFn::kReplace: {
      if (!a[1].is_string() || !a[2].is_string() || (count == 4 && !a[3].is_int())) {
        return NoOverload(fn);
      }
      const std::string& from = a[1].string_value();
      const std::string& to = a[2].string_value();
      std::int64_t limit = count == 4 ? a[3].int_value() : -1;
      std::string out;
      std::size_t pos = 0;
      std::int64_t done = 0;
      if (from.empty()) {  // Go: insert `to` before every code point and at the end
        std::vector<char32_t> cps = Decode(s);
        for (std::size_t i = 0; i <= cps.size(); ++i) {
          if (limit < 0 || done < limit) {
            out += to;
            ++done;
          }
          if (i < cps.size()) core::AppendUtf8(out, cps[i]);
        }
        return Value::String(std::move(out));
      }
      while (limit < 0 || done < limit) {
        std::size_t at = s.find(from, pos);
        if (at == std::string::npos) break;
        out.append(s, pos, at - pos);
        out += to;
        pos = at + from.size();
        ++done;
      }
      out.append(s, pos, std::string::npos);
      return Value::String(std::move(out));
    }
    case ExtFn::kSplit: {
      if (!a[1].is_string() || (count == 3 && !a[2].is_int())) return NoOverload(fn);
      const std::string& sep = a[1].string_value();
      std::int64_t limit = count == 3 ? a[2].int_value() : -1;
      ListValue out;
      if (limit == 0) return Value::List(std::move(out));
      if (sep.empty()) {
        std::vector<char32_t> cps = Decode(s);
        for (std::size_t i = 0; i < cps.size(); ++i) {
          if (limit > 0 && static_cast<std::int64_t>(out.size()) == limit - 1) {
            out.push_back(Value::String(Encode(cps, i, cps.size())));
            break;
          }
          out.push_back(Value::String(Encode(cps, i, i + 1)));
        }
        return Value::List(std::move(out));
      }
      std::size_t pos = 0;
      while (limit < 0 || static_cast<std::int64_t>(out.size()) < limit - 1) {
        std::size_t at = s.find(sep, pos);
        if (at == std::string::npos) break;
        out.push_back(Value::String(s.substr(pos, at - pos)));
        pos = at + sep.size();
      }
      out.push_back(Value::String(s.substr(pos)));
      return Value::List(std::move(out));
    }
    default:
      return NoOverload(fn);
  }
}

}  // namespace

bool IsNamespacedExtension(std::string_view qualified) {
  for (const ExtInfo& e : kExtensions) {
    if (!e.receiver && e.name == qualified) return true;
  }
  return false;
}

bool IsExtensionName(std::string_view name) {
  for (const ExtInfo& e : kExtensions) {
    if (e.name == name) return true;
  }
  return false;
}

std::optional<ExtFn> LookupExtension(std::string_view name, bool receiver, std::size_t argc) {
  for (const ExtInfo& e : kExtensions) {
    if (e.name == name && e.receiver == receiver && static_cast<int>(argc) >= e.min_args &&
        (e.max_args < 0 || static_cast<int>(argc) <= e.max_args)) {
      return e.fn;
    }
  }
  return std::nullopt;
}

std::optional<Type> CheckExtension(ExtFn fn, const std::vector<Type>& a) {
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
    case ExtFn::kBase64Encode:
      return is(a[0], K::kBytes) ? std::optional<Type>(Type::String()) : std::nullopt;
    case ExtFn::kBase64Decode:
      return is(a[0], K::kString) ? std::optional<Type>(Type::Bytes()) : std::nullopt;
    case ExtFn::kFormat:
      return is(a[0], K::kString) && is(a[1], K::kList) ? std::optional<Type>(Type::String())
                                                        : std::nullopt;
    case ExtFn::kJoin:
      if (!(a[0].is_dyn() || (a[0].kind() == K::kList && is(a[0].elem(), K::kString)))) {
        return std::nullopt;
      }
      if (a.size() == 2 && !is(a[1], K::kString)) return std::nullopt;
      return Type::String();
  }
  return std::nullopt;
}

// The zero value of each kind (optional.ofNonZeroValue).
static bool IsZeroValue(const Value& v) {
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

Value CallExtension(ExtFn fn, const Value* a, std::size_t count) {
  switch (fn) {
    case ExtFn::kOptionalOf:
      return Value::Optional(a[0]);
    case ExtFn::kOptionalNone:
      return Value::OptionalNone();
    case ExtFn::kOptionalOfNonZero:
      return IsZeroValue(a[0]) ? Value::OptionalNone() : Value::Optional(a[0]);
    case ExtFn::kHasValue:
      if (!a[0].is_optional()) return NoOverload(fn);
      return Value::Bool(a[0].optional_has_value());
    case ExtFn::kValue:
      if (!a[0].is_optional()) return NoOverload(fn);
      if (!a[0].optional_has_value()) return Invalid("optional.none() dereference");
      return a[0].optional_value();
    case ExtFn::kOrValue:
      if (!a[0].is_optional()) return NoOverload(fn);
      return a[0].optional_has_value() ? a[0].optional_value() : a[1];
    case ExtFn::kOr:
      if (!a[0].is_optional() || !a[1].is_optional()) return NoOverload(fn);
      return a[0].optional_has_value() ? a[0] : a[1];
    case ExtFn::kGreatest:
      return Extreme(true, a, count);
    case ExtFn::kLeast:
      return Extreme(false, a, count);
    case ExtFn::kCeil:
    case ExtFn::kFloor:
    case ExtFn::kRound:
    case ExtFn::kTrunc: {
      if (!a[0].is_double()) return NoOverload(fn);
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
      return NoOverload(fn);
    case ExtFn::kSign:
      if (a[0].is_int()) return Value::Int((a[0].int_value() > 0) - (a[0].int_value() < 0));
      if (a[0].is_uint()) return Value::Uint(a[0].uint_value() > 0 ? 1 : 0);
      if (a[0].is_double()) {
        double d = a[0].double_value();
        if (std::isnan(d)) return a[0];
        return Value::Double(d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0);
      }
      return NoOverload(fn);
    case ExtFn::kIsNaN:
    case ExtFn::kIsInf:
    case ExtFn::kIsFinite: {
      if (!a[0].is_double()) return NoOverload(fn);
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
      return NoOverload(fn);
    case ExtFn::kBitShiftLeft:
    case ExtFn::kBitShiftRight:
      return Shift(fn, a[0], a[1]);
    default:
      return StringFn(fn, a, count);
  }
}

}  // namespace credence::expr::internal
