// Static types. See types.h.
#include "expr/types.h"

#include <string>

namespace credence::expr {

Type Type::List(Type elem) {
  Type t(Kind::kList);
  t.params_.push_back(std::move(elem));
  return t;
}

Type Type::Optional(Type value) {
  Type t(Kind::kOptional);
  t.params_.push_back(std::move(value));
  return t;
}

Type Type::Map(Type key, Type value) {
  Type t(Kind::kMap);
  t.params_.push_back(std::move(key));
  t.params_.push_back(std::move(value));
  return t;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<Type> Type::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  auto bad = [&] { return InvalidArgumentError("unknown type '" + std::string(text) + "'"); };
  if (s == "dyn" || s == "google.protobuf.Value" || s == "any") return Dyn();
  if (s == "null_type" || s == "google.protobuf.NullValue") return Null();
  if (s == "bool") return Bool();
  if (s == "int") return Int();
  if (s == "uint") return Uint();
  if (s == "double") return Double();
  if (s == "string") return String();
  if (s == "bytes") return Bytes();
  if (s == "timestamp" || s == "google.protobuf.Timestamp") return Timestamp();
  if (s == "duration" || s == "google.protobuf.Duration") return Duration();
  if (s == "type") return TypeType();
  if (s == "list") return List(Dyn());
  if (s == "map") return Map(Dyn(), Dyn());
  if (s.size() > 6 && s.substr(0, 5) == "list(" && s.back() == ')') {
    CREDENCE_ASSIGN_OR_RETURN(Type elem, Parse(s.substr(5, s.size() - 6)));
    return List(std::move(elem));
  }
  if (s.size() > 15 && s.substr(0, 14) == "optional_type(" && s.back() == ')') {
    CREDENCE_ASSIGN_OR_RETURN(Type value, Parse(s.substr(14, s.size() - 15)));
    return Optional(std::move(value));
  }
  if (s.size() > 6 && s.substr(0, 4) == "map(" && s.back() == ')') {
    std::string_view inner = s.substr(4, s.size() - 5);
    // Split at the top-level comma.
    int depth = 0;
    for (std::size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '(') ++depth;
      if (inner[i] == ')') --depth;
      if (inner[i] == ',' && depth == 0) {
        CREDENCE_ASSIGN_OR_RETURN(Type k, Parse(inner.substr(0, i)));
        CREDENCE_ASSIGN_OR_RETURN(Type v, Parse(inner.substr(i + 1)));
        return Map(std::move(k), std::move(v));
      }
    }
    return bad();
  }
  return bad();
}

std::string Type::ToString() const {
  switch (kind_) {
    case Kind::kDyn:
      return "dyn";
    case Kind::kNull:
      return "null_type";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kUint:
      return "uint";
    case Kind::kDouble:
      return "double";
    case Kind::kString:
      return "string";
    case Kind::kBytes:
      return "bytes";
    case Kind::kTimestamp:
      return "google.protobuf.Timestamp";
    case Kind::kDuration:
      return "google.protobuf.Duration";
    case Kind::kList:
      return "list(" + params_[0].ToString() + ")";
    case Kind::kMap:
      return "map(" + params_[0].ToString() + ", " + params_[1].ToString() + ")";
    case Kind::kType:
      return "type";
    case Kind::kOptional:
      return "optional_type(" + params_[0].ToString() + ")";
  }
  return "?";
}

bool IsAssignable(const Type& to, const Type& from) {
  if (to.is_dyn() || from.is_dyn()) return true;
  if (to.kind() != from.kind()) return false;
  if (to.kind() == Type::Kind::kList || to.kind() == Type::Kind::kOptional) {
    return IsAssignable(to.elem(), from.elem());
  }
  if (to.kind() == Type::Kind::kMap) {
    return IsAssignable(to.key(), from.key()) && IsAssignable(to.value(), from.value());
  }
  return true;
}

Type JoinTypes(const Type& a, const Type& b) {
  if (a.is_dyn() || b.is_dyn()) return Type::Dyn();
  if (a.kind() != b.kind()) return Type::Dyn();
  if (a.kind() == Type::Kind::kList) return Type::List(JoinTypes(a.elem(), b.elem()));
  if (a.kind() == Type::Kind::kOptional) return Type::Optional(JoinTypes(a.elem(), b.elem()));
  if (a.kind() == Type::Kind::kMap) {
    return Type::Map(JoinTypes(a.key(), b.key()), JoinTypes(a.value(), b.value()));
  }
  return a;
}

}  // namespace credence::expr
