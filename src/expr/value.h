// File: expr/value.h
//
// Runtime values of the CEL-subset expression language: null, bool, int (int64), uint
// (uint64), double, string (UTF-8), bytes, list, map, timestamp, duration, type, error and
// optional (CEL optional_type).
//
// **Example**:
//
//   Value v = Value::List({Value::Int(1), Value::String("a")});
//   if (v.is_list() && v.list().size() == 2) ...
//
// CEL evaluation errors (division by zero, no such key, ...) are *values* of kind kError, so
// `false && <error>` can still be false (CEL's commutative logic). Non-recoverable problems
// (budget exhausted, bugs) travel as a non-OK Status instead (see program.h).
//
// A Value is immutable once built and cheap to copy: strings, lists and maps share their
// payload through a reference count, numbers are held inline, and building a number, a bool
// or null never allocates. Values are thread-compatible; distinct threads may read the same
// Value at once.
#ifndef CREDENCE_EXPR_VALUE_H_
#define CREDENCE_EXPR_VALUE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "credence/status.h"

namespace credence::expr {

class Value;

// A point in time: seconds since the Unix epoch plus nanoseconds in [0, 1e9).
// Valid range (CEL): 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
struct Timestamp {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// A signed span of time in nanoseconds (range of int64: about +-292 years, as cel-go).
struct Duration {
  std::int64_t nanos = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
  friend auto operator<=>(const Duration&, const Duration&) = default;
};

// A CEL type value, e.g. the result of `type(1)` (== `int`). `name` always points to a
// string literal with static storage ("int", "list", "google.protobuf.Timestamp", ...).
struct TypeValue {
  std::string_view name;
  friend bool operator==(const TypeValue& a, const TypeValue& b) { return a.name == b.name; }
};

// The payload of an error value: a status code (kInvalidArgument for most evaluation errors,
// kNotFound for missing keys/features, kOutOfRange for overflow and range errors) and a message.
struct ErrorValue {
  StatusCode code = StatusCode::kInvalidArgument;
  std::string message;
};

using ListValue = std::vector<Value>;

// A map with keys of kind bool, int, uint or string. Numeric keys compare by numeric value
// across int and uint (CEL heterogeneous equality), so {1: 'a'}[1u] finds 'a'. Entries keep
// insertion order.
class MapValue {
 public:
  MapValue() = default;
  // Builds a map. Returns false (and leaves the map partial) on a duplicate key or a key of an
  // unsupported kind; `*error` then says which.
  bool Insert(Value key, Value value, std::string* error);
  // Returns the value for `key` or nullptr. A double key finds an int/uint key of equal value.
  const Value* Find(const Value& key) const;
  std::size_t size() const;  // defined below Value (clang needs Value complete)
  const std::vector<std::pair<Value, Value>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<Value, Value>> entries_;
};

class Value {
 public:
  enum class Kind : std::uint8_t {
    kNull,
    kBool,
    kInt,
    kUint,
    kDouble,
    kString,
    kBytes,
    kList,
    kMap,
    kTimestamp,
    kDuration,
    kType,
    kError,
    kOptional,  // optional.of(x) / optional.none()
  };

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b) { return Value(Rep(std::in_place_index<1>, b)); }
  static Value Int(std::int64_t i) { return Value(Rep(std::in_place_index<2>, i)); }
  static Value Uint(std::uint64_t u) { return Value(Rep(std::in_place_index<3>, u)); }
  static Value Double(double d) { return Value(Rep(std::in_place_index<4>, d)); }
  // REQUIRES: `s` is valid UTF-8 (the parser and conversions guarantee it).
  static Value String(std::string s);
  static Value Bytes(std::string b);
  static Value List(ListValue elements);
  // A list of strings with a hash index, so that `x in list` costs a hash lookup instead of
  // a scan (the named lists of screening bundles: up to a million values). It is a list in
  // every other respect. REQUIRES: every element is a string.
  static Value IndexedStringList(ListValue elements);
  static Value Map(MapValue map);
  static Value Time(Timestamp t) { return Value(Rep(std::in_place_index<9>, t)); }
  static Value Dur(Duration d) { return Value(Rep(std::in_place_index<10>, d)); }
  static Value Type(std::string_view static_name) {
    return Value(Rep(std::in_place_index<11>, TypeValue{static_name}));
  }
  static Value Error(StatusCode code, std::string message);
  // An optional value (CEL optional_type): present with `value`, or absent.
  static Value Optional(Value value);
  static Value OptionalNone() { return Value(Rep(std::in_place_index<13>, Opt{nullptr})); }
  static Value Error(std::shared_ptr<const ErrorValue> error) {
    return Value(Rep(std::in_place_index<12>, std::move(error)));
  }

  Kind kind() const { return static_cast<Kind>(rep_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_uint() const { return kind() == Kind::kUint; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_bytes() const { return kind() == Kind::kBytes; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }
  bool is_timestamp() const { return kind() == Kind::kTimestamp; }
  bool is_duration() const { return kind() == Kind::kDuration; }
  bool is_type() const { return kind() == Kind::kType; }
  bool is_error() const { return kind() == Kind::kError; }
  bool is_optional() const { return kind() == Kind::kOptional; }
  bool is_number() const { return is_int() || is_uint() || is_double(); }

  // Accessors. REQUIRES: the matching kind.
  bool bool_value() const { return std::get<1>(rep_); }
  std::int64_t int_value() const { return std::get<2>(rep_); }
  std::uint64_t uint_value() const { return std::get<3>(rep_); }
  double double_value() const { return std::get<4>(rep_); }
  const std::string& string_value() const { return *std::get<5>(rep_).s; }
  const std::string& bytes_value() const { return *std::get<6>(rep_).s; }
  const ListValue& list() const { return *std::get<7>(rep_); }
  // The index of a list built by IndexedStringList, else null. REQUIRES: is_list().
  const std::unordered_set<std::string_view>* list_string_index() const;
  const MapValue& map() const { return *std::get<8>(rep_); }
  Timestamp timestamp_value() const { return std::get<9>(rep_); }
  Duration duration_value() const { return std::get<10>(rep_); }
  TypeValue type_value() const { return std::get<11>(rep_); }
  const ErrorValue& error() const { return *std::get<12>(rep_); }
  // REQUIRES: is_optional(). optional_value() also REQUIRES optional_has_value().
  bool optional_has_value() const { return std::get<13>(rep_).v != nullptr; }
  const Value& optional_value() const { return *std::get<13>(rep_).v; }

  // The CEL type of this value as a type value ("int", "list", "google.protobuf.Duration").
  // REQUIRES: !is_error().
  TypeValue type() const;

  // A readable rendering for messages and tests: 1, 1u, 1.5, "s", b"\x00", [1, 2],
  // {"k": 1}, timestamp("2009-02-13T23:31:30Z"), duration("1.5s"), int, error(...).
  std::string DebugString() const;

 private:
  struct Str {
    std::shared_ptr<const std::string> s;
  };
  struct Byt {
    std::shared_ptr<const std::string> s;
  };
  struct Opt {
    std::shared_ptr<const Value> v;  // null: optional.none()
  };
  using Rep = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, Str, Byt,
                           std::shared_ptr<const ListValue>, std::shared_ptr<const MapValue>,
                           Timestamp, Duration, TypeValue, std::shared_ptr<const ErrorValue>, Opt>;
  explicit Value(Rep rep) : rep_(std::move(rep)) {}
  Rep rep_;
};

// Static names of the builtin types.
inline constexpr std::string_view kTypeNameNull = "null_type";
inline constexpr std::string_view kTypeNameBool = "bool";
inline constexpr std::string_view kTypeNameInt = "int";
inline constexpr std::string_view kTypeNameUint = "uint";
inline constexpr std::string_view kTypeNameDouble = "double";
inline constexpr std::string_view kTypeNameString = "string";
inline constexpr std::string_view kTypeNameBytes = "bytes";
inline constexpr std::string_view kTypeNameList = "list";
inline constexpr std::string_view kTypeNameMap = "map";
inline constexpr std::string_view kTypeNameTimestamp = "google.protobuf.Timestamp";
inline constexpr std::string_view kTypeNameDuration = "google.protobuf.Duration";
inline constexpr std::string_view kTypeNameType = "type";
inline constexpr std::string_view kTypeNameOptional = "optional_type";

// Three-way comparison result; kUnordered for NaN or values of kinds without an order.
enum class Ordering { kLess, kEqual, kGreater, kUnordered };

// CEL equality (`==`): numbers compare by value across int, uint and double; NaN != NaN;
// lists element-wise; maps by key set and values; values of different kinds are unequal.
// REQUIRES: neither operand is an error (the evaluator propagates errors before comparing).
bool ValuesEqual(const Value& a, const Value& b);

// CEL ordering for `<` and friends: numbers across kinds (int vs double compares the int
// converted to double), strings by code point (byte order of UTF-8), bytes, bools,
// timestamps, durations. Returns nullopt when the kinds have no ordering between them
// (CEL "no such overload").
std::optional<Ordering> CompareValues(const Value& a, const Value& b);

// Shared error messages.
Value NoSuchOverload(std::string_view function, const Value& a);
Value NoSuchOverload(std::string_view function, const Value& a, const Value& b);

inline std::size_t MapValue::size() const { return entries_.size(); }

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_VALUE_H_
