// Program: compile (parse, check, plan, lower) and evaluate. See program.h.
#include "expr/program.h"

#include <algorithm>

#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "expr/evaluator.h"
#include "expr/flat.h"
#include "expr/node.h"
#include "expr/planner.h"

namespace credence::expr {
namespace {

// The message of the error value Run returns when an allocation failed.
constexpr std::string_view kOutOfMemory = "out of memory";

}  // namespace

std::size_t CountNodes(const Node& n) {
  std::size_t c = 1;
  for (const auto& k : n.kids) c += CountNodes(*k);
  return c;
}

namespace {

template <typename It>
It LowerBound(It begin, It end, std::string_view name) {
  return std::lower_bound(begin, end, name, [](const auto& entry, std::string_view n) {
    return std::string_view(entry.first) < n;
  });
}

}  // namespace

void Activation::Bind(std::string name, Value value) {
  // Names bound in ascending order (the usual case: a sorted list of variables) append.
  if (values_.empty() || values_.back().first < name) {
    values_.emplace_back(std::move(name), std::move(value));
    return;
  }
  auto it = LowerBound(values_.begin(), values_.end(), name);
  if (it != values_.end() && it->first == name) {
    it->second = std::move(value);
  } else {
    values_.emplace(it, std::move(name), std::move(value));
  }
}

const Value* Activation::Find(std::string_view name) const {
  auto it = LowerBound(values_.begin(), values_.end(), name);
  if (it != values_.end() && it->first == name) return &it->second;
  return parent_ == nullptr ? nullptr : parent_->Find(name);
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
  try {
    Value v = Eval(*root_, f);
    *exhausted = f.exhausted;
    return v;
  } catch (const std::bad_alloc&) {  // the last line behind the cost budget
  } catch (const std::length_error&) {
  }
  *exhausted = true;
  return Value::Error(StatusCode::kResourceExhausted, std::string(kOutOfMemory));
}

Status Program::Exhausted(const Value& v) const {
  if (v.is_error() && v.error().message == kOutOfMemory) {
    return ResourceExhaustedError("evaluation ran out of memory");
  }
  return ResourceExhaustedError("evaluation cost budget of " + std::to_string(max_steps_) +
                                " steps exceeded");
}

Result<Value> Program::Evaluate(const Activation& activation) const {
  bool exhausted = false;
  Value v = Run(&activation, activation.features(), &exhausted);
  if (exhausted) return Exhausted(v);
  return v;
}

Result<bool> Program::EvaluateBool(std::span<const double> features,
                                   const Activation* extra) const {
  if (flat_ != nullptr) {
    const Tri t = flat_->Evaluate(features);
    if (t != Tri::kError) return t == Tri::kTrue;
    // The general evaluator gives the error's code and text.
  }
  bool exhausted = false;
  Value v = Run(extra, features, &exhausted);
  if (exhausted) return Exhausted(v);
  if (v.is_bool()) return v.bool_value();
  if (v.is_error()) return Status(v.error().code, v.error().message);
  return InvalidArgumentError("expression result is " + std::string(v.type().name) + ", not bool");
}

Result<double> Program::EvaluateDouble(std::span<const double> features,
                                       const Activation* extra) const {
  bool exhausted = false;
  Value v = Run(extra, features, &exhausted);
  if (exhausted) return Exhausted(v);
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
  Result<std::unique_ptr<Node>> planned = Plan(*parsed.root, parsed.source, env, options);
  if (!planned.ok()) return report(planned.status());
  std::unique_ptr<Node> root = *std::move(planned);
  std::shared_ptr<Program> program(new Program());
  program->root_ = std::move(root);
  program->source_ = std::move(parsed.source);
  program->result_type_ = std::move(type);
  program->num_locals_ = num_locals;
  program->max_steps_ = options.max_steps;
  program->node_count_ = CountNodes(*program->root_);
  // The flat form evaluates each node at most once, so it fits the budget when the tree
  // does.
  if (program->node_count_ <= options.max_steps)
    program->flat_ = FlatProgram::Lower(*program->root_);
  return std::shared_ptr<const Program>(std::move(program));
}

}  // namespace credence::expr
