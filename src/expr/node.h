// File: expr/node.h
//
// The planned program tree (internal to module expr): what the planner (planner.h) builds
// from a checked AST, the evaluator (evaluator.h) runs, constant folding (analysis.h)
// shrinks and the flat lowering (flat.h) turns into flat code. Calls carry their resolved
// builtin or extension, variables their slot or name, regular expressions and time zones
// with a constant argument are compiled once.
//
// A Node tree is immutable once planned; any number of threads may evaluate it at once.
#ifndef CREDENCE_EXPR_NODE_H_
#define CREDENCE_EXPR_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expr/ast.h"
#include "expr/builtins.h"
#include "expr/extensions.h"
#include "expr/value.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace credence::expr {

class TimeZone;  // time_util.h

enum class Op : unsigned char {
  kConst,
  kFeature,     // slot
  kFeatureCmp,  // features[slot] <fn> number (a comparison against a numeric constant)
  kVar,         // activation lookup by name
  kLocal,       // comprehension variable
  kUndeclared,  // run-time error
  kSelect,
  kHas,
  kOptSelect,  // operand.?field
  kList,
  kMap,
  kAnd,
  kOr,
  kNot,
  kCond,
  kCall,
  kComprehension,
};

struct Node {
  Op op = Op::kConst;
  Fn fn = Fn::kUnknown;
  ComprehensionKind comprehension = ComprehensionKind::kAll;
  int slot = -1;
  int slot2 = -1;  // second comprehension variable, or -1
  std::int32_t offset = 0;
  Value constant;     // kConst: the value; kFeature/kFeatureCmp: the missing-feature error;
                      // kSelect/kHas: the field name as a string key
  double number = 0;  // kFeatureCmp: the constant operand
  std::string name;   // variable / field / function name
  std::vector<std::unique_ptr<Node>> kids;
  std::vector<bool> optional_entries;     // kList / kMap: entries written `?x` (empty: none)
  std::shared_ptr<const re2::RE2> regex;  // kMatches with a constant pattern
  std::shared_ptr<const TimeZone> zone;   // getters with a constant zone
  internal::ExtFn ext = internal::ExtFn::kGreatest;  // Fn::kExtension
};

// Number of nodes of the tree rooted at `n`.
std::size_t CountNodes(const Node& n);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_NODE_H_
