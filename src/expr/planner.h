// File: expr/planner.h
//
// The planner (internal to module expr): turns a checked AST (ast.h, annotated by the
// checker) into the Node tree the evaluator runs (node.h). It resolves each call to its
// builtin or extension, each variable to a feature slot or an activation name, compiles
// regular expressions and time zones given as constants, fuses `feature <cmp> number` into
// one node, and folds constant subexpressions (analysis.h). Program (program.h) adds the
// flat form (flat.h) on top.
//
// Stateless and thread-safe.
#ifndef CREDENCE_EXPR_PLANNER_H_
#define CREDENCE_EXPR_PLANNER_H_

#include <memory>
#include <string_view>

#include "credence/result.h"
#include "expr/ast.h"
#include "expr/checker.h"
#include "expr/node.h"
#include "expr/program.h"

namespace credence::expr {

// Plans `root` (of the expression `source`, for error locations). Uses
// options.check_types (an unknown function is an error when set, a run-time error
// otherwise), options.fold_constants and options.max_steps (the budget of folding).
// Errors: kInvalidArgument for an unknown function, an invalid constant regular
// expression or time zone.
Result<std::unique_ptr<Node>> Plan(const Expr& root, std::string_view source,
                                   const Environment& env, const CompileOptions& options);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_PLANNER_H_
