// Type checker. See checker.h.
#include "expr/checker.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/excerpt.h"
#include "expr/builtins.h"
#include "expr/extensions.h"

namespace credence::expr {

Status Environment::Declare(std::string name, Type type) {
  if (name.empty() || name.front() == '.' || name.back() == '.') {
    return InvalidArgumentError("invalid variable name '" + name + "'");
  }
  if (vars_.count(name) != 0) {
    return InvalidArgumentError("variable '" + name + "' is declared twice");
  }
  VariableDecl d{name, std::move(type), -1};
  vars_.emplace(std::move(name), std::move(d));
  return OkStatus();
}

Status Environment::DeclareFeature(std::string name, int slot) {
  if (slot < 0) return InvalidArgumentError("negative feature slot for '" + name + "'");
  std::string key = name;
  CREDENCE_RETURN_IF_ERROR(Declare(std::move(name), Type::Double()));
  vars_.find(key)->second.feature_slot = slot;
  return OkStatus();
}

const VariableDecl* Environment::Find(std::string_view name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

namespace {

using K = Type::Kind;

std::optional<Value> TypeNameValue(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      kTypeNameInt,   kTypeNameUint, kTypeNameDouble, kTypeNameBool, kTypeNameString,
      kTypeNameBytes, kTypeNameList, kTypeNameMap,    kTypeNameNull, kTypeNameType};
  for (std::string_view n : kNames) {
    if (n == name) return Value::Type(n);
  }
  if (name == kTypeNameTimestamp) return Value::Type(kTypeNameTimestamp);
  if (name == kTypeNameDuration) return Value::Type(kTypeNameDuration);
  if (name == kTypeNameOptional) return Value::Type(kTypeNameOptional);
  return std::nullopt;
}

class Checker {
 public:
  Checker(ParsedExpr& parsed, const Environment& env, const CheckOptions& opts,
          std::vector<Status>* issues)
      : parsed_(parsed), env_(env), opts_(opts), issues_(issues) {}

  Result<Type> Run(int* max_locals) {
    Type t = Visit(*parsed_.root);
    if (max_locals) *max_locals = max_locals_;
    if (!first_.ok()) return first_;
    return t;
  }

 private:
  void Error(const Expr& e, std::string message) {
    Status s = InvalidArgumentError(message, LocationOf(parsed_.source, e.offset));
    if (first_.ok()) first_ = s;
    if (issues_) issues_->push_back(std::move(s));
  }
  // A type error: reported only when checking types.
  Type TypeError(const Expr& e, std::string message) {
    if (opts_.check_types) Error(e, std::move(message));
    return Type::Dyn();
  }

  Type Set(Expr& e, Type t) {
    e.type = opts_.check_types ? std::move(t) : Type::Dyn();
    return e.type;
  }

  // Candidate fully qualified names for `name` under the container, most qualified first.
  std::vector<std::string> Candidates(const std::string& name, bool leading_dot) const {
    std::vector<std::string> out;
    if (!leading_dot) {
      std::string c = env_.container();
      while (!c.empty()) {
        out.push_back(c + "." + name);
        std::size_t dot = c.rfind('.');
        c = dot == std::string::npos ? "" : c.substr(0, dot);
      }
    }
    out.push_back(name);
    return out;
  }

  const VariableDecl* Lookup(const std::string& name, bool leading_dot) const {
    for (const std::string& c : Candidates(name, leading_dot)) {
      if (const VariableDecl* d = env_.Find(c)) return d;
    }
    return nullptr;
  }

  int FindLocal(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == name) return static_cast<int>(scopes_.rend() - it - 1);
    }
    return -1;
  }

  Type ResolveVariable(Expr& e, const VariableDecl& d) {
    e.ref = RefKind::kVariable;
    e.resolved = d.name;
    return Set(e, d.type);
  }

  Type VisitIdent(Expr& e) {
    if (!e.leading_dot) {
      int slot = FindLocal(e.name);
      if (slot >= 0) {
        e.ref = RefKind::kLocal;
        e.local_slot = slot;
        return Set(e, local_types_[static_cast<std::size_t>(slot)]);
      }
    }
    if (const VariableDecl* d = Lookup(e.name, e.leading_dot)) return ResolveVariable(e, *d);
    if (auto tv = TypeNameValue(e.name)) {
      e.ref = RefKind::kTypeName;
      e.constant = *tv;
      return Set(e, Type::TypeType());
    }
    if (opts_.check_types) {
      Error(e, "undeclared reference to '" + core::Excerpt(e.name, 100) + "' (in container '" +
                   env_.container() + "')");
    }
    e.ref = RefKind::kUndeclared;
    return Set(e, Type::Dyn());
  }

  // Tries to resolve a select chain a.b.c as a qualified variable name (longest prefix wins).
  // Returns true when some prefix (possibly the whole chain) was resolved.
  bool ResolveQualified(Expr& e) {
    std::vector<Expr*> chain;  // chain[0] = root ident, chain.back() = e
    Expr* cur = &e;
    while (cur->kind == ExprKind::kSelect && !cur->test_only && !cur->optional) {
      chain.push_back(cur);
      cur = cur->operand.get();
    }
    if (cur->kind != ExprKind::kIdent) return false;
    if (!cur->leading_dot && FindLocal(cur->name) >= 0) return false;
    chain.push_back(cur);
    std::reverse(chain.begin(), chain.end());
    // Names of the prefixes.
    std::vector<std::string> names(chain.size());
    names[0] = cur->name;
    for (std::size_t i = 1; i < chain.size(); ++i) names[i] = names[i - 1] + "." + chain[i]->name;
    for (std::size_t len = chain.size(); len >= 2; --len) {
      if (const VariableDecl* d = Lookup(names[len - 1], cur->leading_dot)) {
        Expr& node = *chain[len - 1];
        ResolveVariable(node, *d);
        // Type the selects above the resolved prefix.
        for (std::size_t i = len; i < chain.size(); ++i) SelectType(*chain[i], chain[i - 1]->type);
        return true;
      }
    }
    // Qualified type names such as google.protobuf.Timestamp.
    if (auto tv = TypeNameValue(names.back()); tv && chain.size() > 1) {
      e.ref = RefKind::kTypeName;
      e.constant = *tv;
      Set(e, Type::TypeType());
      return true;
    }
    return false;
  }

  // The type of a field of `t` (a map with string keys, or dyn); nullopt when none.
  static std::optional<Type> FieldType(const Type& t) {
    if (t.is_dyn()) return Type::Dyn();
    if (t.kind() == K::kMap && (t.key().kind() == K::kString || t.key().is_dyn())) {
      return t.value();
    }
    return std::nullopt;
  }

  Type SelectType(Expr& e, const Type& operand) {
    if (e.optional || operand.kind() == K::kOptional) {
      // `x.?f` and selection on an optional: an optional of the field.
      const Type& inner = operand.kind() == K::kOptional ? operand.elem() : operand;
      std::optional<Type> field = FieldType(inner);
      if (!field) {
        return Set(
            e, TypeError(e, "type '" + operand.ToString() + "' does not support field selection"));
      }
      return Set(e, e.test_only ? Type::Bool() : Type::Optional(*field));
    }
    if (e.test_only) {
      if (operand.kind() != K::kMap && !operand.is_dyn()) {
        TypeError(e, "type '" + operand.ToString() + "' does not support field selection");
      }
      return Set(e, Type::Bool());
    }
    if (operand.is_dyn()) return Set(e, Type::Dyn());
    if (operand.kind() == K::kMap &&
        (operand.key().kind() == K::kString || operand.key().is_dyn())) {
      return Set(e, operand.value());
    }
    return Set(e,
               TypeError(e, "type '" + operand.ToString() + "' does not support field selection"));
  }

  // The value type of an optional entry `?x` of a list or map literal.
  Type OptionalInner(const Expr& x, const Type& t) {
    if (t.kind() == K::kOptional) return t.elem();
    if (!t.is_dyn()) TypeError(x, "expected type 'optional_type' but found '" + t.ToString() + "'");
    return Type::Dyn();
  }

  Type Visit(Expr& e) {
    switch (e.kind) {
      case ExprKind::kConst:
        return Set(e, ConstType(e.constant));
      case ExprKind::kIdent:
        return VisitIdent(e);
      case ExprKind::kSelect: {
        if (ResolveQualified(e)) return e.type;
        Type operand = Visit(*e.operand);
        return SelectType(e, operand);
      }
      case ExprKind::kList: {
        Type elem;
        bool first = true;
        for (std::size_t i = 0; i < e.args.size(); ++i) {
          Type t = Visit(*e.args[i]);
          if (!e.optional_entries.empty() && e.optional_entries[i])
            t = OptionalInner(*e.args[i], t);
          elem = first ? t : JoinTypes(elem, t);
          first = false;
        }
        return Set(e, Type::List(first ? Type::Dyn() : elem));
      }
      case ExprKind::kMap: {
        Type key, value;
        for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
          Type k = Visit(*e.args[i]);
          Type v = Visit(*e.args[i + 1]);
          if (!e.optional_entries.empty() && e.optional_entries[i / 2]) {
            v = OptionalInner(*e.args[i + 1], v);
          }
          if (opts_.check_types && !k.is_dyn() && k.kind() != K::kString && k.kind() != K::kInt &&
              k.kind() != K::kUint && k.kind() != K::kBool) {
            TypeError(*e.args[i], "unsupported map key type '" + k.ToString() + "'");
          }
          key = i == 0 ? k : JoinTypes(key, k);
          value = i == 0 ? v : JoinTypes(value, v);
        }
        return Set(e, Type::Map(key, value));
      }
      case ExprKind::kComprehension:
        return VisitComprehension(e);
      case ExprKind::kCall:
        return VisitCall(e);
    }
    return Type::Dyn();
  }

  static Type ConstType(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNull:
        return Type::Null();
      case Value::Kind::kBool:
        return Type::Bool();
      case Value::Kind::kInt:
        return Type::Int();
      case Value::Kind::kUint:
        return Type::Uint();
      case Value::Kind::kDouble:
        return Type::Double();
      case Value::Kind::kString:
        return Type::String();
      case Value::Kind::kBytes:
        return Type::Bytes();
      default:
        return Type::Dyn();
    }
  }

  Type VisitComprehension(Expr& e) {
    Type range = Visit(*e.operand);
    const bool two = !e.name2.empty();
    Type var, var2;  // one variable: element or key; two: index/key and element/value
    if (e.comprehension == ComprehensionKind::kBind) {
      var = range;  // cel.bind: the variable holds the value itself
    } else if (e.comprehension == ComprehensionKind::kOptMap ||
               e.comprehension == ComprehensionKind::kOptFlatMap) {
      if (range.kind() == K::kOptional) {
        var = range.elem();
      } else if (!range.is_dyn()) {
        TypeError(*e.operand, "expected type 'optional_type' but found '" + range.ToString() + "'");
      }
    } else if (range.kind() == K::kList) {
      var = two ? Type::Int() : range.elem();
      var2 = range.elem();
    } else if (range.kind() == K::kMap) {
      var = range.key();
      var2 = range.value();
    } else if (!range.is_dyn()) {
      TypeError(*e.operand,
                "expression of type '" + range.ToString() +
                    "' cannot be the range of a comprehension (must be list, map, or dynamic)");
    }
    scopes_.emplace_back(e.name, 0);
    local_types_.push_back(var);
    e.local_slot = static_cast<int>(scopes_.size()) - 1;
    if (two) {
      scopes_.emplace_back(e.name2, 0);
      local_types_.push_back(var2);
      e.local_slot2 = static_cast<int>(scopes_.size()) - 1;
    }
    max_locals_ = std::max(max_locals_, static_cast<int>(scopes_.size()));
    std::vector<Type> bodies;
    for (auto& a : e.args) bodies.push_back(Visit(*a));
    for (int i = two ? 2 : 1; i > 0; --i) {
      scopes_.pop_back();
      local_types_.pop_back();
    }
    auto need_bool = [&](std::size_t i) {
      if (!IsAssignable(Type::Bool(), bodies[i])) {
        TypeError(*e.args[i], "expected type 'bool' but found '" + bodies[i].ToString() + "'");
      }
    };
    switch (e.comprehension) {
      case ComprehensionKind::kAll:
      case ComprehensionKind::kExists:
      case ComprehensionKind::kExistsOne:
        need_bool(0);
        return Set(e, Type::Bool());
      case ComprehensionKind::kFilter:
        need_bool(0);
        return Set(e, Type::List(var));
      case ComprehensionKind::kMap:
        if (bodies.size() == 2) {
          need_bool(0);
          return Set(e, Type::List(bodies[1]));
        }
        return Set(e, Type::List(bodies[0]));
      case ComprehensionKind::kTransformMap:
        if (bodies.size() == 2) need_bool(0);
        return Set(e, Type::Map(var, bodies.back()));
      case ComprehensionKind::kBind:
        return Set(e, bodies[0]);
      case ComprehensionKind::kOptMap:
        return Set(e, Type::Optional(bodies[0]));
      case ComprehensionKind::kOptFlatMap:
        if (bodies[0].kind() == K::kOptional) return Set(e, bodies[0]);
        if (!bodies[0].is_dyn()) {
          TypeError(*e.args[0],
                    "expected type 'optional_type' but found '" + bodies[0].ToString() + "'");
        }
        return Set(e, Type::Optional(Type::Dyn()));
    }
    return Type::Dyn();
  }

  std::string Signature(const std::optional<Type>& recv, const std::vector<Type>& args) {
    std::string s = recv ? recv->ToString() + ".(" : "(";
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i) s += ", ";
      s += args[i].ToString();
    }
    return s + ")";
  }

  // `math.greatest(x)` parses as a method call on `math`; when `math` is not a variable and
  // the qualified name is a namespaced extension function, rewrite it into a global call.
  void RewriteNamespacedCall(Expr& e) {
    std::string qualified;
    const Expr* cur = e.operand.get();
    while (cur->kind == ExprKind::kSelect && !cur->test_only) {
      qualified = "." + cur->name + qualified;
      cur = cur->operand.get();
    }
    if (cur->kind != ExprKind::kIdent || cur->leading_dot) return;
    qualified = cur->name + qualified + "." + e.name;
    if (!internal::IsNamespacedExtension(qualified)) return;
    if (FindLocal(cur->name) >= 0 || Lookup(cur->name, false) != nullptr) return;
    e.name = qualified;
    e.operand.reset();
  }

  Type VisitCall(Expr& e) {
    if (e.operand) RewriteNamespacedCall(e);
    std::optional<Type> recv;
    if (e.operand) {
      recv = Visit(*e.operand);
    }
    std::vector<Type> args;
    for (auto& a : e.args) args.push_back(Visit(*a));
    if (!opts_.check_types) return Set(e, Type::Dyn());
    std::optional<Type> r = ResolveBuiltinType(e.name, recv, args);
    if (!r && !IsBuiltinName(e.name)) {
      if (auto ext =
              internal::LookupExtension(e.name, recv.has_value(), args.size() + (recv ? 1 : 0))) {
        std::vector<Type> all;
        if (recv) all.push_back(*recv);
        all.insert(all.end(), args.begin(), args.end());
        r = internal::CheckExtension(*ext, all);
      }
    }
    if (!r) {
      if (!IsBuiltinName(e.name) && !internal::IsExtensionName(e.name)) {
        Error(e, "undeclared reference to '" + core::Excerpt(e.name, 100) + "' (in container '" +
                     env_.container() + "')");
      } else {
        Error(e, "found no matching overload for '" + core::Excerpt(e.name, 100) +
                     "' applied to '" + Signature(recv, args) + "'");
      }
      return Set(e, Type::Dyn());
    }
    return Set(e, *r);
  }

  ParsedExpr& parsed_;
  const Environment& env_;
  const CheckOptions& opts_;
  std::vector<Status>* issues_;
  Status first_;
  std::vector<std::pair<std::string, int>> scopes_;
  std::vector<Type> local_types_;
  int max_locals_ = 0;
};

}  // namespace

Result<Type> Check(ParsedExpr& parsed, const Environment& env, const CheckOptions& options,
                   std::vector<Status>* issues, int* max_locals) {
  if (!parsed.root) return InvalidArgumentError("empty expression");
  Checker checker(parsed, env, options, issues);
  return checker.Run(max_locals);
}

}  // namespace credence::expr
