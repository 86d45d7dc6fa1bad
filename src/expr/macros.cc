// CEL macro expansion. See macros.h.
#include "expr/macros.h"

#include <optional>
#include <utility>

namespace credence::expr {
namespace {

std::unique_ptr<Expr> NewComprehension(ComprehensionKind kind, std::size_t offset) {
  auto c = std::make_unique<Expr>();
  c->kind = ExprKind::kComprehension;
  c->offset = static_cast<std::int32_t>(offset);
  c->comprehension = kind;
  return c;
}

MacroExpansion Error(std::size_t offset, std::string message) {
  MacroExpansion m;
  m.error = std::move(message);
  m.error_offset = offset;
  return m;
}

bool IsPlainIdent(const Expr& e) { return e.kind == ExprKind::kIdent && !e.leading_dot; }

// The comprehension a receiver macro call `fn` with `n` arguments builds, and whether it
// takes two variables; nullopt when `fn(n args)` is no comprehension macro.
std::optional<std::pair<ComprehensionKind, bool>> ComprehensionOf(const std::string& fn,
                                                                  std::size_t n) {
  using CK = ComprehensionKind;
  if ((fn == "all" || fn == "exists") && (n == 2 || n == 3)) {
    return std::pair{fn == "all" ? CK::kAll : CK::kExists, n == 3};
  }
  if (fn == "exists_one" && n == 2) return std::pair{CK::kExistsOne, false};
  if (fn == "existsOne" && (n == 2 || n == 3)) return std::pair{CK::kExistsOne, n == 3};
  if (fn == "map" && (n == 2 || n == 3)) return std::pair{CK::kMap, false};
  if (fn == "filter" && n == 2) return std::pair{CK::kFilter, false};
  if ((fn == "optMap" || fn == "optFlatMap") && n == 2) {
    return std::pair{fn == "optMap" ? CK::kOptMap : CK::kOptFlatMap, false};
  }
  if ((fn == "transformList" || fn == "transformMap") && (n == 3 || n == 4)) {
    return std::pair{fn == "transformList" ? CK::kMap : CK::kTransformMap, true};
  }
  return std::nullopt;
}

MacroExpansion ExpandHas(std::vector<std::unique_ptr<Expr>>& args, std::size_t offset) {
  if (args[0]->kind != ExprKind::kSelect) return Error(offset, "invalid argument to has() macro");
  MacroExpansion m;
  m.expr = std::move(args[0]);
  m.expr->test_only = true;
  return m;
}

MacroExpansion ExpandBind(std::vector<std::unique_ptr<Expr>>& args, std::size_t offset) {
  if (!IsPlainIdent(*args[0])) return Error(args[0]->offset, "argument is not an identifier");
  MacroExpansion m;
  m.expr = NewComprehension(ComprehensionKind::kBind, offset);
  m.expr->name = args[0]->name;
  m.expr->operand = std::move(args[1]);
  m.expr->args.push_back(std::move(args[2]));
  return m;
}

MacroExpansion ExpandComprehension(ComprehensionKind kind, bool two_vars, std::size_t offset,
                                   std::unique_ptr<Expr>& target,
                                   std::vector<std::unique_ptr<Expr>>& args) {
  const std::size_t vars = two_vars ? 2 : 1;
  for (std::size_t i = 0; i < vars; ++i) {
    if (!IsPlainIdent(*args[i])) return Error(args[i]->offset, "argument is not an identifier");
  }
  if (two_vars && args[0]->name == args[1]->name) {
    return Error(args[1]->offset, "duplicate variable name '" + args[1]->name + "'");
  }
  MacroExpansion m;
  m.expr = NewComprehension(kind, offset);
  m.expr->name = args[0]->name;
  if (two_vars) m.expr->name2 = args[1]->name;
  m.expr->operand = std::move(target);
  for (std::size_t i = vars; i < args.size(); ++i) m.expr->args.push_back(std::move(args[i]));
  return m;
}

}  // namespace

MacroExpansion ExpandMacro(const std::string& fn, std::size_t offset, std::unique_ptr<Expr>& target,
                           std::vector<std::unique_ptr<Expr>>& args) {
  if (!target) {
    if (fn == "has" && args.size() == 1) return ExpandHas(args, offset);
    return {};
  }
  if (IsPlainIdent(*target) && target->name == "cel" && fn == "bind" && args.size() == 3) {
    return ExpandBind(args, offset);
  }
  if (auto kind = ComprehensionOf(fn, args.size())) {
    return ExpandComprehension(kind->first, kind->second, offset, target, args);
  }
  return {};
}

}  // namespace credence::expr
