// File: expr/types.h
//
// Static types of the type checker: int, uint, double, bool, string, bytes, null_type,
// timestamp, duration, list(T), map(K, V), dyn and type.
//
// **Example**:
//
//   Result<Type> t = Type::Parse("map(string, list(double))");
//   Type::List(Type::Int()).ToString();  // "list(int)"
//
// Type is a small immutable-by-convention value type; thread-compatible.
#ifndef CREDENCE_EXPR_TYPES_H_
#define CREDENCE_EXPR_TYPES_H_

#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"

namespace credence::expr {

class Type {
 public:
  enum class Kind : unsigned char {
    kDyn,
    kNull,
    kBool,
    kInt,
    kUint,
    kDouble,
    kString,
    kBytes,
    kTimestamp,
    kDuration,
    kList,
    kMap,
    kType,
    kOptional,  // optional_type(T)
  };

  Type() = default;  // dyn
  explicit Type(Kind kind) : kind_(kind) {}
  static Type Dyn() { return Type(Kind::kDyn); }
  static Type Null() { return Type(Kind::kNull); }
  static Type Bool() { return Type(Kind::kBool); }
  static Type Int() { return Type(Kind::kInt); }
  static Type Uint() { return Type(Kind::kUint); }
  static Type Double() { return Type(Kind::kDouble); }
  static Type String() { return Type(Kind::kString); }
  static Type Bytes() { return Type(Kind::kBytes); }
  static Type Timestamp() { return Type(Kind::kTimestamp); }
  static Type Duration() { return Type(Kind::kDuration); }
  static Type TypeType() { return Type(Kind::kType); }
  static Type List(Type elem);
  static Type Map(Type key, Type value);
  static Type Optional(Type value);

  // Parses "int", "list(int)", "map(string, dyn)", "google.protobuf.Timestamp", "timestamp",
  // "google.protobuf.Duration", "duration", "null_type", "type", "dyn".
  // Errors: kInvalidArgument on anything else.
  static Result<Type> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  bool is_dyn() const { return kind_ == Kind::kDyn; }
  // REQUIRES: kind() == kList or kOptional.
  const Type& elem() const { return params_[0]; }
  // REQUIRES: kind() == kMap.
  const Type& key() const { return params_[0]; }
  const Type& value() const { return params_[1]; }

  std::string ToString() const;

  friend bool operator==(const Type& a, const Type& b) {
    return a.kind_ == b.kind_ && a.params_ == b.params_;
  }

 private:
  Kind kind_ = Kind::kDyn;
  std::vector<Type> params_;
};

// True when a value of type `from` may be used where `to` is expected: equal types, or
// either side dyn (recursively through list and map parameters).
bool IsAssignable(const Type& to, const Type& from);

// The least common type of `a` and `b` for literals and ternaries: the type itself when
// assignable both ways (with dyn parameters resolved), dyn otherwise.
Type JoinTypes(const Type& a, const Type& b);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_TYPES_H_
