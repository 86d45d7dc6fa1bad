// File: expr/checker.h
//
// The type checker: resolves names against the host's declarations (Environment) and the
// container namespace, and computes a static type for every node.
//
// **Example**:
//
//   Environment env;
//   env.DeclareFeature("orders_30d", 0);                   // double, bound by slot
//   env.Declare("country", Type::String());
//   ParsedExpr parsed = *Parse("orders_30d > 3.0 && country == 'US'");
//   Result<Type> t = Check(parsed, env);                     // Type::Bool()
//
// Errors (kInvalidArgument, with the 1-based line:column of the offending node):
//   "undeclared reference to 'x'", "found no matching overload for '_+_' applied to
//   '(int, string)'", "type 'int' does not support field selection", ...
//
// An Environment is thread-compatible; once built, any number of threads may compile
// against it at once.
#ifndef CREDENCE_EXPR_CHECKER_H_
#define CREDENCE_EXPR_CHECKER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/status.h"
#include "expr/ast.h"
#include "expr/parser.h"
#include "expr/types.h"

namespace credence::expr {

struct VariableDecl {
  std::string name;  // fully qualified: "x" or "com.example.y"
  Type type;
  int feature_slot = -1;  // >= 0: a double feature read from the span passed to Evaluate
};

// Declarations of the host: variables with their types, and the container (namespace) used
// to resolve unqualified names ("com.example" makes `y` try com.example.y, com.y, y).
class Environment {
 public:
  // Errors: kInvalidArgument for an empty/malformed name or a second declaration of a name.
  Status Declare(std::string name, Type type);
  // Declares a feature: a double variable bound by slot from std::span<const double> at
  // evaluation time (NaN means missing). REQUIRES: slot >= 0.
  Status DeclareFeature(std::string name, int slot);
  void set_container(std::string container) { container_ = std::move(container); }
  const std::string& container() const { return container_; }

  // Returns the declaration of the fully qualified `name`, or nullptr.
  const VariableDecl* Find(std::string_view name) const;
  const std::map<std::string, VariableDecl, std::less<>>& variables() const { return vars_; }

 private:
  std::map<std::string, VariableDecl, std::less<>> vars_;
  std::string container_;
};

struct CheckOptions {
  // When false, only names are resolved (unknown names become run-time errors) and every
  // type is dyn: CEL's dynamic evaluation (conformance `disable_check`). Default: true.
  bool check_types = true;
};

// Annotates `parsed.root` in place (types, resolved names, comprehension slots) and returns
// the type of the whole expression. If `issues` is non-null it receives every problem found;
// the returned Status is the first. `*max_locals` (if non-null) gets the number of
// comprehension variable slots the expression needs.
Result<Type> Check(ParsedExpr& parsed, const Environment& env, const CheckOptions& options = {},
                   std::vector<Status>* issues = nullptr, int* max_locals = nullptr);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_CHECKER_H_
