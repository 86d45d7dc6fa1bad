// Recursive-descent parser for the CEL subset (tokens from lexer.h, macros from macros.h).
// See parser.h.
#include "expr/parser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/excerpt.h"
#include "core/utf8.h"
#include "expr/lexer.h"
#include "expr/macros.h"

namespace credence::expr {
namespace {

constexpr std::string_view kReserved[] = {
    "as",  "break", "const",   "continue",  "else",   "for", "function", "if",   "import",
    "let", "loop",  "package", "namespace", "return", "var", "void",     "while"};

class Parser {
 public:
  Parser(std::string_view src, const ParseOptions& opts) : src_(src), opts_(opts), lexer_(src) {}

  Result<std::unique_ptr<Expr>> Run() {
    Next();
    auto e = ParseExpr();
    if (!error_.ok()) return error_;
    if (tok_.kind != Tok::kEof) {
      Fail(tok_.offset, "Syntax error: unexpected " + Describe(tok_));
      return error_;
    }
    return e;
  }

 private:
  // ---- errors --------------------------------------------------------------------------

  void Fail(std::size_t offset, std::string message,
            StatusCode code = StatusCode::kInvalidArgument) {
    if (!error_.ok()) return;  // keep the first error
    error_ = Status(code, message, LocationOf(src_, offset));
    // Stop the token stream so the parser unwinds quickly.
    tok_ = Token{};
    tok_.kind = Tok::kEof;
    tok_.offset = src_.size();
    tok_.end = src_.size();
    lexer_.Stop();
  }
  bool failed() const { return !error_.ok(); }

  std::string Describe(const Token& t) {
    if (t.kind == Tok::kEof) return "end of input";
    return "'" + core::Excerpt(src_.substr(t.offset, t.end - t.offset), 20) + "'";
  }

  void Next() {
    if (failed()) return;
    tok_ = lexer_.Next();
    if (lexer_.failed()) Fail(lexer_.error_offset(), lexer_.error_message());
  }

  // ---- tree building -------------------------------------------------------------------

  std::unique_ptr<Expr> NewExpr(ExprKind kind, std::size_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = static_cast<std::int32_t>(offset);
    return e;
  }

  // Recomputes the height of `e` from its children; fails when the depth limit is exceeded.
  std::unique_ptr<Expr> Seal(std::unique_ptr<Expr> e) {
    int h = 0;
    if (e->operand) h = e->operand->height;
    for (const auto& a : e->args) h = std::max(h, a->height);
    e->height = h + 1;
    if (e->height > opts_.max_depth) {
      Fail(e->offset, "expression nesting exceeds the limit of " + std::to_string(opts_.max_depth),
           StatusCode::kOutOfRange);
    }
    return e;
  }

  std::unique_ptr<Expr> Call(std::string fn, std::size_t offset,
                             std::vector<std::unique_ptr<Expr>> args) {
    auto e = NewExpr(ExprKind::kCall, offset);
    e->name = std::move(fn);
    e->args = std::move(args);
    return Seal(std::move(e));
  }

  std::unique_ptr<Expr> Binary(std::string fn, std::size_t offset, std::unique_ptr<Expr> a,
                               std::unique_ptr<Expr> b) {
    std::vector<std::unique_ptr<Expr>> args;
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return Call(std::move(fn), offset, std::move(args));
  }

  // Builds a balanced tree of `fn` over operands[lo, hi).
  std::unique_ptr<Expr> Balance(const std::string& fn, std::vector<std::unique_ptr<Expr>>& ops,
                                std::vector<std::size_t>& offsets, std::size_t lo, std::size_t hi) {
    if (hi - lo == 1) return std::move(ops[lo]);
    std::size_t mid = (lo + hi) / 2;
    auto left = Balance(fn, ops, offsets, lo, mid);
    auto right = Balance(fn, ops, offsets, mid, hi);
    if (failed()) return nullptr;
    return Binary(fn, offsets[mid - 1], std::move(left), std::move(right));
  }

  // ---- grammar -------------------------------------------------------------------------

  bool Expect(Tok kind, const char* what) {
    if (tok_.kind != kind) {
      Fail(tok_.offset,
           std::string("Syntax error: expected ") + what + ", found " + Describe(tok_));
      return false;
    }
    Next();
    return true;
  }

  std::unique_ptr<Expr> ParseExpr() {
    if (++depth_ > opts_.max_depth) {
      Fail(tok_.offset,
           "expression nesting exceeds the limit of " + std::to_string(opts_.max_depth),
           StatusCode::kOutOfRange);
      --depth_;
      return nullptr;
    }
    auto cond = ParseLogical(Tok::kOr);
    if (!failed() && tok_.kind == Tok::kQuestion) {
      std::size_t off = tok_.offset;
      Next();
      auto a = ParseLogical(Tok::kOr);
      if (!failed()) Expect(Tok::kColon, "':'");
      auto b = failed() ? nullptr : ParseExpr();
      if (!failed()) {
        std::vector<std::unique_ptr<Expr>> args;
        args.push_back(std::move(cond));
        args.push_back(std::move(a));
        args.push_back(std::move(b));
        cond = Call("_?_:_", off, std::move(args));
      }
    }
    --depth_;
    return failed() ? nullptr : std::move(cond);
  }

  std::unique_ptr<Expr> ParseLogical(Tok op) {
    std::vector<std::unique_ptr<Expr>> ops;
    std::vector<std::size_t> offsets;
    ops.push_back(op == Tok::kOr ? ParseLogical(Tok::kAnd) : ParseRelation());
    while (!failed() && tok_.kind == op) {
      offsets.push_back(tok_.offset);
      Next();
      ops.push_back(op == Tok::kOr ? ParseLogical(Tok::kAnd) : ParseRelation());
    }
    if (failed()) return nullptr;
    return Balance(op == Tok::kOr ? "_||_" : "_&&_", ops, offsets, 0, ops.size());
  }

  std::unique_ptr<Expr> ParseRelation() {
    auto left = ParseAddition();
    while (!failed()) {
      const char* fn = nullptr;
      switch (tok_.kind) {
        case Tok::kLt:
          fn = "_<_";
          break;
        case Tok::kLe:
          fn = "_<=_";
          break;
        case Tok::kGt:
          fn = "_>_";
          break;
        case Tok::kGe:
          fn = "_>=_";
          break;
        case Tok::kEq:
          fn = "_==_";
          break;
        case Tok::kNe:
          fn = "_!=_";
          break;
        case Tok::kIn:
          fn = "@in";
          break;
        default:
          break;
      }
      if (fn == nullptr) break;
      std::size_t off = tok_.offset;
      Next();
      auto right = ParseAddition();
      if (failed()) return nullptr;
      left = Binary(fn, off, std::move(left), std::move(right));
    }
    return failed() ? nullptr : std::move(left);
  }

  std::unique_ptr<Expr> ParseAddition() {
    auto left = ParseMultiplication();
    while (!failed() && (tok_.kind == Tok::kPlus || tok_.kind == Tok::kMinus)) {
      const char* fn = tok_.kind == Tok::kPlus ? "_+_" : "_-_";
      std::size_t off = tok_.offset;
      Next();
      auto right = ParseMultiplication();
      if (failed()) return nullptr;
      left = Binary(fn, off, std::move(left), std::move(right));
    }
    return failed() ? nullptr : std::move(left);
  }

  std::unique_ptr<Expr> ParseMultiplication() {
    auto left = ParseUnary();
    while (!failed() &&
           (tok_.kind == Tok::kStar || tok_.kind == Tok::kSlash || tok_.kind == Tok::kPercent)) {
      const char* fn = tok_.kind == Tok::kStar ? "_*_" : tok_.kind == Tok::kSlash ? "_/_" : "_%_";
      std::size_t off = tok_.offset;
      Next();
      auto right = ParseUnary();
      if (failed()) return nullptr;
      left = Binary(fn, off, std::move(left), std::move(right));
    }
    return failed() ? nullptr : std::move(left);
  }

  std::unique_ptr<Expr> ParseUnary() {
    std::vector<std::size_t> ops;
    Tok op = tok_.kind;
    if (op == Tok::kNot || op == Tok::kMinus) {
      while (tok_.kind == op) {
        ops.push_back(tok_.offset);
        if (ops.size() > static_cast<std::size_t>(opts_.max_depth)) {
          Fail(tok_.offset,
               "expression nesting exceeds the limit of " + std::to_string(opts_.max_depth),
               StatusCode::kOutOfRange);
          return nullptr;
        }
        Next();
      }
    }
    std::unique_ptr<Expr> e;
    if (op == Tok::kMinus && (tok_.kind == Tok::kInt || tok_.kind == Tok::kDouble)) {
      // Fold the innermost minus into the literal (so -9223372036854775808 is valid).
      std::size_t off = ops.back();
      ops.pop_back();
      e = ParseMember(ParseLiteral(/*negative=*/true, off));
    } else {
      e = ParseMember(ParsePrimary());
    }
    if (failed()) return nullptr;
    const char* fn = op == Tok::kNot ? "!_" : "-_";
    while (!ops.empty()) {
      std::vector<std::unique_ptr<Expr>> args;
      args.push_back(std::move(e));
      e = Call(fn, ops.back(), std::move(args));
      ops.pop_back();
      if (failed()) return nullptr;
    }
    return e;
  }

  std::unique_ptr<Expr> ParseLiteral(bool negative, std::size_t offset) {
    auto e = NewExpr(ExprKind::kConst, offset);
    switch (tok_.kind) {
      case Tok::kInt: {
        std::uint64_t m = tok_.magnitude;
        std::uint64_t limit = negative ? (std::uint64_t{1} << 63) : (std::uint64_t{1} << 63) - 1;
        if (tok_.int_overflow || m > limit) {
          Fail(offset, "int literal out of range", StatusCode::kOutOfRange);
          return nullptr;
        }
        std::int64_t v = negative ? static_cast<std::int64_t>(0 - m) : static_cast<std::int64_t>(m);
        e->constant = Value::Int(v);
        break;
      }
      case Tok::kUint:
        if (tok_.int_overflow) {
          Fail(offset, "uint literal out of range", StatusCode::kOutOfRange);
          return nullptr;
        }
        e->constant = Value::Uint(tok_.magnitude);
        break;
      case Tok::kDouble:
        e->constant = Value::Double(negative ? -tok_.dbl : tok_.dbl);
        break;
      case Tok::kString:
        e->constant = Value::String(std::move(tok_.text));
        break;
      case Tok::kBytes:
        e->constant = Value::Bytes(std::move(tok_.text));
        break;
      case Tok::kTrue:
        e->constant = Value::Bool(true);
        break;
      case Tok::kFalse:
        e->constant = Value::Bool(false);
        break;
      case Tok::kNull:
        e->constant = Value::Null();
        break;
      default:
        Fail(tok_.offset, "Syntax error: unexpected " + Describe(tok_));
        return nullptr;
    }
    Next();
    return e;
  }

  std::vector<std::unique_ptr<Expr>> ParseArgs(Tok close, const char* what) {
    std::vector<std::unique_ptr<Expr>> args;
    while (!failed() && tok_.kind != close) {
      args.push_back(ParseExpr());
      if (failed()) break;
      if (tok_.kind == Tok::kComma) {
        Next();
      } else if (tok_.kind != close) {
        Fail(tok_.offset,
             std::string("Syntax error: expected ',' or ") + what + ", found " + Describe(tok_));
      }
    }
    if (!failed()) Next();
    return args;
  }

  std::unique_ptr<Expr> ParsePrimary() {
    if (failed()) return nullptr;
    std::size_t off = tok_.offset;
    switch (tok_.kind) {
      case Tok::kInt:
      case Tok::kUint:
      case Tok::kDouble:
      case Tok::kString:
      case Tok::kBytes:
      case Tok::kTrue:
      case Tok::kFalse:
      case Tok::kNull:
        return ParseLiteral(false, off);
      case Tok::kLParen: {
        Next();
        auto e = ParseExpr();
        if (!failed()) Expect(Tok::kRParen, "')'");
        return failed() ? nullptr : std::move(e);
      }
      case Tok::kLBracket: {
        Next();
        auto e = NewExpr(ExprKind::kList, off);
        // Elements, each optionally marked `?x` (included only when the optional has a value).
        while (!failed() && tok_.kind != Tok::kRBracket) {
          bool optional = tok_.kind == Tok::kQuestion;
          if (optional) Next();
          e->args.push_back(ParseExpr());
          e->optional_entries.push_back(optional);
          if (failed()) break;
          if (tok_.kind == Tok::kComma) {
            Next();
          } else if (tok_.kind != Tok::kRBracket) {
            Fail(tok_.offset, "Syntax error: expected ',' or ']', found " + Describe(tok_));
          }
        }
        if (!failed()) Next();
        if (std::find(e->optional_entries.begin(), e->optional_entries.end(), true) ==
            e->optional_entries.end()) {
          e->optional_entries.clear();
        }
        return failed() ? nullptr : Seal(std::move(e));
      }
      case Tok::kLBrace: {
        Next();
        auto e = NewExpr(ExprKind::kMap, off);
        while (!failed() && tok_.kind != Tok::kRBrace) {
          bool optional = tok_.kind == Tok::kQuestion;  // `?key: optional_value`
          if (optional) Next();
          e->optional_entries.push_back(optional);
          e->args.push_back(ParseExpr());
          if (!failed()) Expect(Tok::kColon, "':'");
          if (!failed()) e->args.push_back(ParseExpr());
          if (failed()) break;
          if (tok_.kind == Tok::kComma) {
            Next();
          } else if (tok_.kind != Tok::kRBrace) {
            Fail(tok_.offset, "Syntax error: expected ',' or '}', found " + Describe(tok_));
          }
        }
        if (std::find(e->optional_entries.begin(), e->optional_entries.end(), true) ==
            e->optional_entries.end()) {
          e->optional_entries.clear();
        }
        if (!failed()) Next();
        return failed() ? nullptr : Seal(std::move(e));
      }
      case Tok::kDot:
      case Tok::kIdent: {
        bool leading_dot = tok_.kind == Tok::kDot;
        if (leading_dot) {
          Next();
          if (tok_.kind != Tok::kIdent) {
            Fail(tok_.offset,
                 "Syntax error: expected identifier after '.', found " + Describe(tok_));
            return nullptr;
          }
        }
        std::string name = std::move(tok_.text);
        std::size_t name_off = tok_.offset;
        if (IsReservedWord(name)) {
          Fail(name_off, "Syntax error: reserved identifier '" + name + "'");
          return nullptr;
        }
        Next();
        if (tok_.kind == Tok::kLParen) {
          std::size_t paren = tok_.offset;  // calls are located at '(' (as cel-go)
          Next();
          auto args = ParseArgs(Tok::kRParen, "')'");
          if (failed()) return nullptr;
          return MakeCall(std::move(name), paren, nullptr, std::move(args), leading_dot);
        }
        auto e = NewExpr(ExprKind::kIdent, leading_dot ? off : name_off);
        e->name = std::move(name);
        e->leading_dot = leading_dot;
        return e;
      }
      default:
        Fail(tok_.offset, "Syntax error: unexpected " + Describe(tok_));
        return nullptr;
    }
  }

  std::unique_ptr<Expr> ParseMember(std::unique_ptr<Expr> e) {
    while (!failed() && e) {
      if (tok_.kind == Tok::kDot) {
        std::size_t dot_off = tok_.offset;
        Next();
        bool optional = false;
        if (tok_.kind == Tok::kQuestion) {  // optional selection `.?field`
          optional = true;
          Next();
        }
        if (tok_.kind != Tok::kIdent && tok_.kind != Tok::kQuotedIdent && tok_.kind != Tok::kIn &&
            tok_.kind != Tok::kTrue && tok_.kind != Tok::kFalse && tok_.kind != Tok::kNull) {
          Fail(tok_.offset, "Syntax error: expected field name after '.', found " + Describe(tok_));
          return nullptr;
        }
        bool quoted = tok_.kind == Tok::kQuotedIdent;
        std::string field = tok_.kind == Tok::kIdent || quoted
                                ? std::move(tok_.text)
                                : std::string(src_.substr(tok_.offset, tok_.end - tok_.offset));
        Next();
        if (!quoted && !optional && tok_.kind == Tok::kLParen) {
          std::size_t paren = tok_.offset;
          Next();
          auto args = ParseArgs(Tok::kRParen, "')'");
          if (failed()) return nullptr;
          e = MakeCall(std::move(field), paren, std::move(e), std::move(args), false);
        } else {
          auto s = NewExpr(ExprKind::kSelect, dot_off);
          s->name = std::move(field);
          s->optional = optional;
          s->operand = std::move(e);
          e = Seal(std::move(s));
        }
      } else if (tok_.kind == Tok::kLBracket) {
        std::size_t off = tok_.offset;
        Next();
        bool optional = false;
        if (tok_.kind == Tok::kQuestion) {  // optional index `[?key]`
          optional = true;
          Next();
        }
        auto index = ParseExpr();  // nesting is counted by ParseExpr
        if (!failed()) Expect(Tok::kRBracket, "']'");
        if (failed()) return nullptr;
        e = Binary(optional ? "_[?_]" : "_[_]", off, std::move(e), std::move(index));
      } else {
        break;
      }
    }
    return failed() ? nullptr : std::move(e);
  }

  std::unique_ptr<Expr> MakeCall(std::string fn, std::size_t offset, std::unique_ptr<Expr> target,
                                 std::vector<std::unique_ptr<Expr>> args, bool leading_dot) {
    if (opts_.enable_macros && !leading_dot) {
      MacroExpansion macro = ExpandMacro(fn, offset, target, args);
      if (!macro.error.empty()) {
        Fail(macro.error_offset, std::move(macro.error));
        return nullptr;
      }
      if (macro.expr) return Seal(std::move(macro.expr));
    }
    auto e = NewExpr(ExprKind::kCall, offset);
    e->name = std::move(fn);
    e->operand = std::move(target);
    e->args = std::move(args);
    e->leading_dot = leading_dot;
    return Seal(std::move(e));
  }

  std::string_view src_;
  const ParseOptions& opts_;
  Lexer lexer_;
  Token tok_;
  int depth_ = 0;
  Status error_;
};

}  // namespace

bool IsReservedWord(std::string_view word) {
  return std::find(std::begin(kReserved), std::end(kReserved), word) != std::end(kReserved);
}

SourceLocation LocationOf(std::string_view source, std::size_t offset) {
  SourceLocation loc;
  loc.line = 1;
  loc.column = 1;
  offset = std::min(offset, source.size());
  for (std::size_t i = 0; i < offset; ++i) {
    auto c = static_cast<unsigned char>(source[i]);
    if (c == '\n') {
      ++loc.line;
      loc.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++loc.column;
    }
  }
  return loc;
}

std::string FormatError(std::string_view source, const Status& status) {
  const SourceLocation* loc = status.location();
  if (loc == nullptr || loc->line <= 0) return "ERROR: " + status.ToString() + "\n";
  std::string out = "ERROR: <input>:" + std::to_string(loc->line) + ":" +
                    std::to_string(loc->column) + ": " + std::string(status.message()) + "\n";
  // Find the line.
  std::size_t start = 0;
  for (int l = 1; l < loc->line; ++l) {
    std::size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
  }
  std::size_t end = source.find('\n', start);
  std::string_view line =
      source.substr(start, end == std::string_view::npos ? source.npos : end - start);
  // A huge line (a 100 KB expression) is shown as a window around the column.
  const core::LineExcerpt shown = core::ExcerptAround(line, loc->column);
  out += " | " + shown.text + "\n";
  out += " | " + std::string(static_cast<std::size_t>(std::max(0, shown.caret_column - 1)), '.') +
         "^\n";
  return out;
}

Status LocateInField(const Status& error, std::string_view what, SourceLocation field) {
  std::string message(what);
  if (const SourceLocation* where = error.location(); where != nullptr && where->line > 0) {
    message += " " + std::to_string(where->line) + ":" + std::to_string(where->column);
  }
  message += ": ";
  message += error.message();
  return Status(error.code(), message, std::move(field));
}

Result<ParsedExpr> Parse(std::string_view source, const ParseOptions& options) {
  if (source.size() > options.max_source_bytes) {
    return OutOfRangeError("expression is " + std::to_string(source.size()) +
                               " bytes, over the limit of " +
                               std::to_string(options.max_source_bytes),
                           SourceLocation{.line = 1, .column = 1});
  }
  if (std::size_t bad = 0; !core::IsValidUtf8(source, &bad)) {
    return InvalidArgumentError("invalid UTF-8 in expression", LocationOf(source, bad));
  }
  Parser parser(source, options);
  CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<Expr> root, parser.Run());
  ParsedExpr out;
  out.root = std::move(root);
  out.source = std::string(source);
  return out;
}

}  // namespace credence::expr
