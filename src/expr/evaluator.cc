// The general evaluator. See evaluator.h.
#include "expr/evaluator.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "expr/cost.h"
#include "expr/program.h"

namespace credence::expr {
namespace {

Value Err(StatusCode code, std::string message) { return Value::Error(code, std::move(message)); }
Value Invalid(std::string message) { return Err(StatusCode::kInvalidArgument, std::move(message)); }

Value Exhausted(Frame& f) {
  f.exhausted = true;
  return Err(StatusCode::kResourceExhausted, "evaluation cost budget exceeded");
}

// Charges `steps` before the work they pay for; false (and the frame exhausted) when the
// budget cannot pay.
bool Spend(std::uint64_t steps, Frame& f) {
  if (steps > f.max_steps - std::min(f.steps, f.max_steps)) {
    f.steps = f.max_steps + 1;
    f.exhausted = true;
    return false;
  }
  f.steps += steps;
  return true;
}

// Charges the cost budget for the size of a value built at run time whose size was not
// known in advance (comprehension results; calls charge before they run, cost.h).
Value Charge(Value v, Frame& f) {
  return Spend(internal::ShallowSteps(v), f) ? std::move(v) : Exhausted(f);
}

// Calls a builtin after charging what it will cost.
Value ChargedCall(const Node& n, const Value* args, std::size_t count, Frame& f) {
  const std::uint64_t left = f.max_steps - std::min(f.steps, f.max_steps);
  const std::uint64_t cost = internal::CallCost(n, args, count, left);
  if (!Spend(cost, f)) return Exhausted(f);
  Value v = CallBuiltin(n, args, count);
  return cost == 0 ? Charge(std::move(v), f) : v;
}

// o.optMap(x, e) and o.optFlatMap(x, e).
Value EvalOptMap(const Node& n, Frame& f) {
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

// cel.bind: evaluate the value once (an error stays a value until the body uses it).
Value EvalBind(const Node& n, Frame& f) {
  f.locals[n.slot] = Eval(*n.kids[0], f);
  if (f.exhausted) return f.locals[n.slot];
  Value r = Eval(*n.kids[1], f);
  f.locals[n.slot] = Value();
  return r;
}

Value EvalComprehension(const Node& n, Frame& f) {
  if (n.comprehension == ComprehensionKind::kOptMap ||
      n.comprehension == ComprehensionKind::kOptFlatMap) {
    return EvalOptMap(n, f);
  }
  if (n.comprehension == ComprehensionKind::kBind) return EvalBind(n, f);
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
    if (++f.steps > f.max_steps) return Exhausted(f);
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
          if (!Spend(internal::EntriesSteps(out_map.size()), f)) return Exhausted(f);
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
    return ChargedCall(n, many.data(), count, f);
  }
  Value args[4];
  for (std::size_t i = 0; i < count; ++i) {
    args[i] = Eval(*n.kids[i], f);
    if (args[i].is_error()) return args[i];
  }
  return ChargedCall(n, args, count, f);
}

// `operand.field`, `has(operand.field)` and `operand.?field` (also on optionals).
[[gnu::noinline]] Value EvalSelect(const Node& n, Frame& f) {
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
    if (!Spend(internal::ShallowSteps(operand), f)) return Exhausted(f);  // a linear lookup
    const Value* v = operand.map().Find(n.constant);
    if (n.op == Op::kHas) return Value::Bool(v != nullptr);
    return v == nullptr ? Value::OptionalNone() : Value::Optional(*v);
  }
  if (!operand.is_map()) {
    return Invalid("type '" + std::string(operand.type().name) +
                   "' does not support field selection");
  }
  if (!Spend(internal::ShallowSteps(operand), f)) return Exhausted(f);  // a linear lookup
  const Value* v = operand.map().Find(n.constant);  // the key, built at plan time
  if (n.op == Op::kHas) return Value::Bool(v != nullptr);
  if (v == nullptr) return Err(StatusCode::kNotFound, "no such key: '" + n.name + "'");
  return *v;
}

[[gnu::noinline]] Value EvalList(const Node& n, Frame& f) {
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

[[gnu::noinline]] Value EvalMap(const Node& n, Frame& f) {
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
    if (!Spend(internal::EntriesSteps(m.size()), f)) return Exhausted(f);  // a linear check
    if (!m.Insert(std::move(k), std::move(v), &error)) return Invalid(error);
  }
  return Value::Map(std::move(m));
}

}  // namespace

Value Eval(const Node& n, Frame& f) {
  if (++f.steps > f.max_steps) return Exhausted(f);
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
    case Op::kOptSelect:
      return EvalSelect(n, f);
    case Op::kList:
      return EvalList(n, f);
    case Op::kMap:
      return EvalMap(n, f);
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

}  // namespace credence::expr
