// Runtime values. See value.h.
#include "expr/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/excerpt.h"
#include "expr/time_util.h"

namespace credence::expr {
namespace {

// Compares two numbers of any numeric kind. int/uint compare exactly; a double against an
// int or uint compares the integer converted to double (CEL's lossy rule).
Ordering CompareNumbers(const Value& a, const Value& b) {
  auto order = [](auto x, auto y) {
    if (x < y) return Ordering::kLess;
    if (x > y) return Ordering::kGreater;
    if (x == y) return Ordering::kEqual;
    return Ordering::kUnordered;
  };
  auto as_double = [](const Value& v) {
    if (v.is_int()) return static_cast<double>(v.int_value());
    if (v.is_uint()) return static_cast<double>(v.uint_value());
    return v.double_value();
  };
  if (a.is_double() || b.is_double()) return order(as_double(a), as_double(b));
  if (a.is_int() && b.is_int()) return order(a.int_value(), b.int_value());
  if (a.is_uint() && b.is_uint()) return order(a.uint_value(), b.uint_value());
  if (a.is_int()) {  // int vs uint
    if (a.int_value() < 0) return Ordering::kLess;
    return order(static_cast<std::uint64_t>(a.int_value()), b.uint_value());
  }
  if (b.int_value() < 0) return Ordering::kGreater;  // uint vs int
  return order(a.uint_value(), static_cast<std::uint64_t>(b.int_value()));
}

template <typename T>
Ordering Order(const T& x, const T& y) {
  if (x < y) return Ordering::kLess;
  if (y < x) return Ordering::kGreater;
  return Ordering::kEqual;
}

bool IsKeyKind(const Value& v) { return v.is_bool() || v.is_int() || v.is_uint() || v.is_string(); }

void AppendQuoted(std::string& out, const std::string& s, bool bytes) {
  out += bytes ? "b\"" : "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

}  // namespace

Value Value::String(std::string s) {
  return Value(Rep(std::in_place_index<5>, Str{std::make_shared<const std::string>(std::move(s))}));
}

Value Value::Bytes(std::string b) {
  return Value(Rep(std::in_place_index<6>, Byt{std::make_shared<const std::string>(std::move(b))}));
}

Value Value::List(ListValue elements) {
  return Value(Rep(std::in_place_index<7>, std::make_shared<const ListValue>(std::move(elements))));
}

namespace {

// The deleter of an indexed list's payload: it owns the index too, so that any copy of the
// list's pointer finds it (std::get_deleter). The index views the list's own strings.
struct StringIndexDeleter {
  std::shared_ptr<const std::unordered_set<std::string_view>> index;
  void operator()(const ListValue* list) const { delete list; }
};

}  // namespace

Value Value::IndexedStringList(ListValue elements) {
  auto list = std::make_unique<const ListValue>(std::move(elements));
  auto index = std::make_shared<std::unordered_set<std::string_view>>();
  index->reserve(list->size());
  for (const Value& v : *list) index->insert(v.string_value());
  return Value(
      Rep(std::in_place_index<7>,
          std::shared_ptr<const ListValue>(list.release(), StringIndexDeleter{std::move(index)})));
}

const std::unordered_set<std::string_view>* Value::list_string_index() const {
  const auto* deleter = std::get_deleter<StringIndexDeleter>(std::get<7>(rep_));
  return deleter == nullptr ? nullptr : deleter->index.get();
}

Value Value::Map(MapValue map) {
  return Value(Rep(std::in_place_index<8>, std::make_shared<const MapValue>(std::move(map))));
}

Value Value::Optional(Value value) {
  return Value(Rep(std::in_place_index<13>, Opt{std::make_shared<const Value>(std::move(value))}));
}

Value Value::Error(StatusCode code, std::string message) {
  return Error(std::make_shared<const ErrorValue>(ErrorValue{code, std::move(message)}));
}

TypeValue Value::type() const {
  switch (kind()) {
    case Kind::kNull:
      return {kTypeNameNull};
    case Kind::kBool:
      return {kTypeNameBool};
    case Kind::kInt:
      return {kTypeNameInt};
    case Kind::kUint:
      return {kTypeNameUint};
    case Kind::kDouble:
      return {kTypeNameDouble};
    case Kind::kString:
      return {kTypeNameString};
    case Kind::kBytes:
      return {kTypeNameBytes};
    case Kind::kList:
      return {kTypeNameList};
    case Kind::kMap:
      return {kTypeNameMap};
    case Kind::kTimestamp:
      return {kTypeNameTimestamp};
    case Kind::kDuration:
      return {kTypeNameDuration};
    case Kind::kType:
      return {kTypeNameType};
    case Kind::kError:
      return {"error"};
    case Kind::kOptional:
      return {kTypeNameOptional};
  }
  return {"error"};
}

std::string Value::DebugString() const {
  std::string out;
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return bool_value() ? "true" : "false";
    case Kind::kInt:
      return std::to_string(int_value());
    case Kind::kUint:
      return std::to_string(uint_value()) + "u";
    case Kind::kDouble: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, double_value());
      out.assign(buf, r.ptr);
      if (std::isfinite(double_value()) && out.find_first_of(".en") == std::string::npos) {
        out += ".0";
      }
      return out;
    }
    case Kind::kString:
      AppendQuoted(out, string_value(), false);
      return out;
    case Kind::kBytes:
      AppendQuoted(out, bytes_value(), true);
      return out;
    case Kind::kList: {
      out = "[";
      bool first = true;
      for (const Value& e : list()) {
        if (!first) out += ", ";
        first = false;
        out += e.DebugString();
      }
      return out + "]";
    }
    case Kind::kMap: {
      out = "{";
      bool first = true;
      for (const auto& [k, v] : map().entries()) {
        if (!first) out += ", ";
        first = false;
        out += k.DebugString() + ": " + v.DebugString();
      }
      return out + "}";
    }
    case Kind::kTimestamp:
      return "timestamp(\"" + FormatTimestamp(timestamp_value()) + "\")";
    case Kind::kDuration:
      return "duration(\"" + FormatDuration(duration_value()) + "\")";
    case Kind::kType:
      return std::string(type_value().name);
    case Kind::kError:
      return "error(" + std::string(StatusCodeName(error().code)) + ": " + error().message + ")";
    case Kind::kOptional:
      return optional_has_value() ? "optional.of(" + optional_value().DebugString() + ")"
                                  : "optional.none()";
  }
  return "?";
}

bool MapValue::Insert(Value key, Value value, std::string* error) {
  if (!IsKeyKind(key)) {
    if (error) *error = "unsupported key type: " + std::string(key.type().name);
    return false;
  }
  if (Find(key) != nullptr) {
    if (error) *error = "repeated map key: " + core::Excerpt(key.DebugString());
    return false;
  }
  entries_.emplace_back(std::move(key), std::move(value));
  return true;
}

const Value* MapValue::Find(const Value& key) const {
  if (key.is_double()) {
    // A double key finds an integer key of exactly equal value.
    double d = key.double_value();
    if (!(d == std::trunc(d))) return nullptr;
    for (const auto& [k, v] : entries_) {
      if ((k.is_int() || k.is_uint()) && CompareNumbers(k, key) == Ordering::kEqual) {
        // Guard the lossy int->double rule: require an exact round trip.
        if (k.is_int() && static_cast<double>(k.int_value()) == d && d >= -9223372036854775808.0 &&
            d < 9223372036854775808.0 && static_cast<std::int64_t>(d) == k.int_value()) {
          return &v;
        }
        if (k.is_uint() && d >= 0 && d < 18446744073709551616.0 &&
            static_cast<std::uint64_t>(d) == k.uint_value()) {
          return &v;
        }
      }
    }
    return nullptr;
  }
  for (const auto& [k, v] : entries_) {
    if (k.kind() == key.kind()) {
      switch (k.kind()) {
        case Value::Kind::kBool:
          if (k.bool_value() == key.bool_value()) return &v;
          break;
        case Value::Kind::kInt:
          if (k.int_value() == key.int_value()) return &v;
          break;
        case Value::Kind::kUint:
          if (k.uint_value() == key.uint_value()) return &v;
          break;
        case Value::Kind::kString:
          if (k.string_value() == key.string_value()) return &v;
          break;
        default:
          break;
      }
    } else if ((k.is_int() && key.is_uint()) || (k.is_uint() && key.is_int())) {
      if (CompareNumbers(k, key) == Ordering::kEqual) return &v;
    }
  }
  return nullptr;
}

bool ValuesEqual(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b) == Ordering::kEqual;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.bool_value() == b.bool_value();
    case Value::Kind::kString:
      return a.string_value() == b.string_value();
    case Value::Kind::kBytes:
      return a.bytes_value() == b.bytes_value();
    case Value::Kind::kList: {
      const ListValue& x = a.list();
      const ListValue& y = b.list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!ValuesEqual(x[i], y[i])) return false;
      }
      return true;
    }
    case Value::Kind::kMap: {
      const MapValue& x = a.map();
      const MapValue& y = b.map();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x.entries()) {
        const Value* other = y.Find(k);
        if (other == nullptr || !ValuesEqual(v, *other)) return false;
      }
      return true;
    }
    case Value::Kind::kTimestamp:
      return a.timestamp_value() == b.timestamp_value();
    case Value::Kind::kDuration:
      return a.duration_value() == b.duration_value();
    case Value::Kind::kType:
      return a.type_value() == b.type_value();
    case Value::Kind::kOptional:
      if (a.optional_has_value() != b.optional_has_value()) return false;
      return !a.optional_has_value() || ValuesEqual(a.optional_value(), b.optional_value());
    default:
      return false;
  }
}

std::optional<Ordering> CompareValues(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b);
  if (a.kind() != b.kind()) return std::nullopt;
  switch (a.kind()) {
    case Value::Kind::kBool:
      return Order(a.bool_value(), b.bool_value());
    case Value::Kind::kString:
      return Order(a.string_value(), b.string_value());
    case Value::Kind::kBytes:
      return Order(a.bytes_value(), b.bytes_value());
    case Value::Kind::kTimestamp:
      return Order(a.timestamp_value(), b.timestamp_value());
    case Value::Kind::kDuration:
      return Order(a.duration_value(), b.duration_value());
    default:
      return std::nullopt;
  }
}

Value NoSuchOverload(std::string_view function, const Value& a) {
  return Value::Error(StatusCode::kInvalidArgument,
                      "no such overload: " + std::string(function) + "(" +
                          std::string(a.is_error() ? "error" : a.type().name) + ")");
}

Value NoSuchOverload(std::string_view function, const Value& a, const Value& b) {
  return Value::Error(StatusCode::kInvalidArgument, "no such overload: " + std::string(function) +
                                                        "(" + std::string(a.type().name) + ", " +
                                                        std::string(b.type().name) + ")");
}

}  // namespace credence::expr
