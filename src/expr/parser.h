// File: expr/parser.h
//
// Parses the CEL subset into an AST (ast.h), expanding macros.
//
// **Example**:
//
//   Result<ParsedExpr> parsed = Parse("amount > 1000.0 && country in ['US', 'CA']");
//   if (!parsed.ok()) {
//     std::cerr << FormatError(source, parsed.status());
//     // ERROR: <input>:1:10: Syntax error: ...
//     //  | amount > > 1000.0
//     //  | .........^
//   }
//
// Syntax: int64 (decimal, 0x hex), uint64 (`1u`), double (`1.5`, `1e3`, `2.5e-3`), strings
// in all CEL quote forms ('..', "..", '''..''', """..""", raw r"..", with the escapes \n \t
// \\ \" \' \` \? \a \b \f \v \r \xHH \uHHHH \UHHHHHHHH and octal \ooo), bytes (b".."), true,
// false, null, lists, maps, field selection (`a.b`, a.`b-c`), indexing, global and receiver
// calls, the operators of CEL with its precedence (?: lowest, ||, &&, relations
// < <= >= > == != in, + -, * / %, unary ! -, member/index/call), comments (`// ...`).
//
// Errors (all with a 1-based line and column, in code points, in Status::location()):
//   kInvalidArgument  syntax errors, bad escapes, invalid UTF-8, reserved words, bad macros
//   kOutOfRange       a limit: source length, nesting depth, an int/uint literal too large
//
// Parsing is thread-safe (no shared state).
#ifndef CREDENCE_EXPR_PARSER_H_
#define CREDENCE_EXPR_PARSER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "credence/result.h"
#include "credence/status.h"
#include "expr/ast.h"

namespace credence::expr {

// Default limits; see ParseOptions.
inline constexpr std::size_t kDefaultMaxSourceBytes = 100'000;
inline constexpr int kDefaultMaxDepth = 128;

struct ParseOptions {
  // Longest accepted source, in bytes. Longer: kOutOfRange. Default: 100,000.
  std::size_t max_source_bytes = kDefaultMaxSourceBytes;
  // Deepest accepted AST (parentheses, operators, calls, member chains all count); chains of
  // && and || are balanced so they add only log2(n). Deeper: kOutOfRange. Default: 128.
  // REQUIRES: 1 <= max_depth <= 1000.
  int max_depth = kDefaultMaxDepth;
  // Expand has/all/exists/exists_one/map/filter. Default: true.
  bool enable_macros = true;
};

struct ParsedExpr {
  std::unique_ptr<Expr> root;
  std::string source;
};

Result<ParsedExpr> Parse(std::string_view source, const ParseOptions& options = {});

// The 1-based line and column (in code points) of byte `offset` of `source`.
SourceLocation LocationOf(std::string_view source, std::size_t offset);

// Renders `status` the way cel-go does, with the offending source line and a caret:
//   ERROR: <input>:1:5: message
//    | a + )
//    | ....^
// Without a line in the status, returns "ERROR: " + status.ToString().
std::string FormatError(std::string_view source, const Status& status);

// The located form of a compile error of an expression held in a field (a bundle's rule
// condition, a decision-table input): the field's location `field`, with the position
// inside the expression put into the message: "<what> 1:14: <message>".
Status LocateInField(const Status& error, std::string_view what, SourceLocation field);

// Reserved words of CEL that may not be used as identifiers.
bool IsReservedWord(std::string_view word);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_PARSER_H_
