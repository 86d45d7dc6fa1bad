// File: expr/macros.h
//
// CEL macros, expanded at parse time (internal to module expr; used by the parser):
//
//   has(a.b)                          a Select with test_only = true
//   cel.bind(v, init, body)           Comprehension kBind
//   r.all(x, p)  r.exists(x, p)  r.exists_one(x, p)  r.existsOne(x, p)
//   r.all(i, v, p)  r.exists(i, v, p)  r.existsOne(i, v, p)     (two variables)
//   r.map(x, e)  r.map(x, p, e)  r.filter(x, p)
//   r.transformList(i, v, [p,] e)  r.transformMap(k, v, [p,] e)
//   o.optMap(x, e)  o.optFlatMap(x, e)
//
// Stateless and thread-safe.
#ifndef CREDENCE_EXPR_MACROS_H_
#define CREDENCE_EXPR_MACROS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "expr/ast.h"

namespace credence::expr {

// The outcome of ExpandMacro: `expr` is the expansion (its height not yet checked against
// the depth limit), or null when the call is no macro; `error` (at byte `error_offset`) is
// set for a malformed macro such as has(x) or all(1, p).
struct MacroExpansion {
  std::unique_ptr<Expr> expr;
  std::string error;
  std::size_t error_offset = 0;
};

// Expands the call `fn(args)` (global when `target` is null) or `target.fn(args)` at byte
// `offset` when it is a macro. When it is not, `target` and `args` are left untouched.
MacroExpansion ExpandMacro(const std::string& fn, std::size_t offset, std::unique_ptr<Expr>& target,
                           std::vector<std::unique_ptr<Expr>>& args);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_MACROS_H_
