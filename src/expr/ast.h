// File: expr/ast.h
//
// The abstract syntax tree produced by the parser (parser.h), annotated in place by the
// checker (checker.h) and turned into an immutable program by the planner (program.h).
//
// Macros are expanded by the parser: `has(a.b)` becomes a Select with test_only = true, and
// `r.all(x, p)`, `exists`, `exists_one`, `map` (2 and 3 arguments) and `filter` become a
// Comprehension node.
//
// An Expr tree is thread-compatible; its height never exceeds ParseOptions::max_depth, so
// every recursive walk over it is bounded.
#ifndef CREDENCE_EXPR_AST_H_
#define CREDENCE_EXPR_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expr/types.h"
#include "expr/value.h"

namespace credence::expr {

enum class ExprKind : unsigned char {
  kConst,          // constant
  kIdent,          // name (leading_dot for `.name`)
  kSelect,         // operand.name (test_only: has(operand.name))
  kCall,           // name(args) or operand.name(args)
  kList,           // [args...]
  kMap,            // {args[0]: args[1], args[2]: args[3], ...}
  kComprehension,  // macro; see ComprehensionKind
};

enum class ComprehensionKind : unsigned char {
  kAll,           // operand.all(var, args[0])
  kExists,        // operand.exists(var, args[0])
  kExistsOne,     // operand.exists_one(var, args[0])
  kMap,           // operand.map(var, args[0])  or  operand.map(var, args[0] filter, args[1])
  kFilter,        // operand.filter(var, args[0])
  kTransformMap,  // operand.transformMap(k, v, args[0]) or (k, v, args[0] filter, args[1])
  kBind,          // cel.bind(var, operand, args[0]): args[0] with var bound to operand
  kOptMap,        // operand.optMap(var, args[0]): optional of args[0] when operand has a value
  kOptFlatMap,    // operand.optFlatMap(var, args[0]): args[0] (an optional) when it has one
};
// Two-variable forms (name2 set): r.all(i, v, p), r.exists(i, v, p), r.existsOne(i, v, p),
// r.transformList(i, v, [filter,] e) (kind kMap) and r.transformMap(k, v, [filter,] e): for a
// list the variables are the index and the element, for a map the key and the value.

// What an identifier (or a qualified select chain a.b.c) refers to, filled by the checker.
enum class RefKind : unsigned char {
  kNone,        // not resolved (yet)
  kVariable,    // a host variable; Expr::resolved holds its full name
  kLocal,       // a comprehension variable; Expr::local_slot is its slot
  kTypeName,    // a type denotation such as `int`; Expr::constant holds the type value
  kUndeclared,  // unknown name (only when type checking is disabled: an error at run time)
};

struct Expr {
  ExprKind kind = ExprKind::kConst;
  std::int32_t offset = 0;  // byte offset of the node in the source (for error locations)
  std::int32_t height = 1;  // 1 + height of the tallest child

  Value constant;            // kConst
  std::string name;          // kIdent name, kSelect field, kCall function, comprehension var
  std::string name2;         // second comprehension variable (two-variable macros)
  bool test_only = false;    // kSelect from has()
  bool leading_dot = false;  // kIdent written `.name`
  bool optional = false;     // kSelect written `operand.?name` (optional selection)
  std::vector<bool> optional_entries;  // kList elements / kMap keys written `?x`
  ComprehensionKind comprehension = ComprehensionKind::kAll;

  std::unique_ptr<Expr> operand;            // kSelect operand, kCall receiver, range
  std::vector<std::unique_ptr<Expr>> args;  // call args, list items, map k/v, macro bodies

  // Checker annotations.
  Type type;                     // static type (dyn when unchecked)
  RefKind ref = RefKind::kNone;  // for kIdent and resolved kSelect chains
  std::string resolved;          // fully qualified variable name
  int local_slot = -1;           // comprehension slot for kLocal / the var of kComprehension
  int local_slot2 = -1;          // slot of name2 (two-variable comprehensions)
};

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_AST_H_
