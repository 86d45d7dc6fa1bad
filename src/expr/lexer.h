// File: expr/lexer.h
//
// The tokenizer of the CEL subset (internal to module expr; the parser is its only user).
// It turns source text into tokens: identifiers and keywords, int/uint/double literals
// (magnitudes only: the parser applies a leading minus), decoded string and bytes literals
// in every CEL quote form with their escapes, and punctuation. Comments (`// ...`) and
// whitespace are skipped.
//
// **Example**:
//
//   Lexer lexer("a >= 1.5");
//   for (Token t = lexer.Next(); t.kind != Tok::kEof; t = lexer.Next()) ...
//   if (lexer.failed()) ... lexer.error_offset(), lexer.error_message() ...
//
// A Lexer is thread-compatible: one per parse.
#ifndef CREDENCE_EXPR_LEXER_H_
#define CREDENCE_EXPR_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace credence::expr {

enum class Tok : unsigned char {
  kEof,
  kIdent,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kTrue,
  kFalse,
  kNull,
  kIn,
  kQuotedIdent,  // `name`
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kDot,
  kComma,
  kColon,
  kQuestion,
  kOr,
  kAnd,
  kNot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
};

struct Token {
  Tok kind = Tok::kEof;
  std::size_t offset = 0;
  std::size_t end = 0;
  std::string text;             // identifier name, decoded string/bytes
  std::uint64_t magnitude = 0;  // int/uint literal magnitude (sign applied by the parser)
  bool int_overflow = false;    // literal does not fit uint64
  double dbl = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  // The next token. After a lexical error (or Stop()) every token is kEof at the end of the
  // input, and failed() tells an error from the real end.
  Token Next();

  // Ends the token stream (the parser calls it on its first error so it unwinds quickly).
  void Stop() { pos_ = src_.size(); }

  bool failed() const { return failed_; }
  std::size_t error_offset() const { return error_offset_; }
  const std::string& error_message() const { return error_message_; }

 private:
  void Fail(std::size_t offset, std::string message);
  // The whole UTF-8 character starting at `pos` (for messages: never part of one).
  std::string_view CharAt(std::size_t pos) const;
  void SkipSpace();
  // Punctuation and operators at pos_; false when `c` starts no such token.
  bool LexPunctuation(char c, Token& t);
  // An identifier, keyword, or prefixed (r/b) string literal at pos_.
  void LexWord(Token& t);
  void LexQuotedIdent(Token& t);
  void LexNumber(Token& t);
  void LexHexNumber(Token& t);
  // pos_ is at the opening quote.
  void LexString(Token& t, bool raw, bool bytes);
  // pos_ is just past a backslash at `esc`; appends the decoded escape to `out`.
  bool LexEscape(std::size_t esc, bool bytes, std::string& out);

  std::string_view src_;
  std::size_t pos_ = 0;
  bool prev_was_operand_ = false;  // ".5" is a number only where an operand may start
  bool failed_ = false;
  std::size_t error_offset_ = 0;
  std::string error_message_;
};

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_LEXER_H_
