// Tokenizer of the CEL subset. See lexer.h.
#include "expr/lexer.h"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <utility>

#include "core/utf8.h"

namespace credence::expr {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexVal(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Tokens after which an operand has ended (so a following ".5" is a member access).
bool EndsOperand(Tok k) {
  return k == Tok::kIdent || k == Tok::kRParen || k == Tok::kRBracket || k == Tok::kRBrace ||
         k == Tok::kQuotedIdent || k == Tok::kInt || k == Tok::kUint || k == Tok::kDouble ||
         k == Tok::kString || k == Tok::kBytes;
}

// The character a simple escape (\n, \t, \\, ...) stands for; '\0' when `e` is none.
char SimpleEscape(char e) {
  switch (e) {
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    case '\\':
    case '\'':
    case '"':
    case '`':
    case '?':
      return e;
    default:
      return '\0';
  }
}

// Appends code point / byte `v` of an escape: raw in bytes literals, UTF-8 in strings.
void AppendEscaped(std::string& out, std::uint32_t v, bool bytes) {
  if (bytes) {
    out += static_cast<char>(v);
  } else {
    core::AppendUtf8(out, static_cast<char32_t>(v));
  }
}

}  // namespace

std::string_view Lexer::CharAt(std::size_t pos) const {
  if (pos >= src_.size()) return {};
  const auto c = static_cast<unsigned char>(src_[pos]);
  const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return src_.substr(pos, n);
}

void Lexer::Fail(std::size_t offset, std::string message) {
  if (failed_) return;
  failed_ = true;
  error_offset_ = offset;
  error_message_ = std::move(message);
  Stop();
}

void Lexer::SkipSpace() {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
      while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
}

Token Lexer::Next() {
  Token t;
  if (!failed_) SkipSpace();
  t.offset = pos_;
  if (failed_ || pos_ >= src_.size()) {
    t.end = pos_;
    return t;
  }
  const char c = src_[pos_];
  if (LexPunctuation(c, t)) {
    // done
  } else if (c == '`') {
    LexQuotedIdent(t);
  } else if (c == '"' || c == '\'') {
    LexString(t, false, false);
  } else if (IsDigit(c)) {
    LexNumber(t);
  } else if (IsIdentStart(c)) {
    LexWord(t);
  } else {
    Fail(pos_, "Syntax error: token recognition error at: '" + std::string(CharAt(pos_)) + "'");
  }
  if (failed_) {
    Token eof;
    eof.offset = eof.end = src_.size();
    return eof;
  }
  t.end = pos_;
  prev_was_operand_ = EndsOperand(t.kind);
  return t;
}

bool Lexer::LexPunctuation(char c, Token& t) {
  auto two = [&](char second) { return pos_ + 1 < src_.size() && src_[pos_ + 1] == second; };
  auto punct = [&](Tok k, std::size_t len) {
    t.kind = k;
    pos_ += len;
    return true;
  };
  switch (c) {
    case '(':
      return punct(Tok::kLParen, 1);
    case ')':
      return punct(Tok::kRParen, 1);
    case '[':
      return punct(Tok::kLBracket, 1);
    case ']':
      return punct(Tok::kRBracket, 1);
    case '{':
      return punct(Tok::kLBrace, 1);
    case '}':
      return punct(Tok::kRBrace, 1);
    case ',':
      return punct(Tok::kComma, 1);
    case ':':
      return punct(Tok::kColon, 1);
    case '?':
      return punct(Tok::kQuestion, 1);
    case '+':
      return punct(Tok::kPlus, 1);
    case '-':
      return punct(Tok::kMinus, 1);
    case '*':
      return punct(Tok::kStar, 1);
    case '/':
      return punct(Tok::kSlash, 1);
    case '%':
      return punct(Tok::kPercent, 1);
    case '.':
      if (pos_ + 1 < src_.size() && IsDigit(src_[pos_ + 1]) && !prev_was_operand_) {
        LexNumber(t);
        return true;
      }
      return punct(Tok::kDot, 1);
    case '!':
      return two('=') ? punct(Tok::kNe, 2) : punct(Tok::kNot, 1);
    case '<':
      return two('=') ? punct(Tok::kLe, 2) : punct(Tok::kLt, 1);
    case '>':
      return two('=') ? punct(Tok::kGe, 2) : punct(Tok::kGt, 1);
    case '|':
    case '&':
    case '=':
      if (two(c)) return punct(c == '|' ? Tok::kOr : c == '&' ? Tok::kAnd : Tok::kEq, 2);
      Fail(pos_, std::string("Syntax error: token recognition error at: '") + c + "'");
      return true;
    default:
      return false;
  }
}

void Lexer::LexQuotedIdent(Token& t) {
  std::size_t start = ++pos_;
  while (pos_ < src_.size() && src_[pos_] != '`' && src_[pos_] != '\n') ++pos_;
  if (pos_ >= src_.size() || src_[pos_] != '`' || pos_ == start) {
    Fail(t.offset, "Syntax error: unterminated quoted identifier");
    return;
  }
  t.kind = Tok::kQuotedIdent;
  t.text = std::string(src_.substr(start, pos_ - start));
  ++pos_;
}

void Lexer::LexWord(Token& t) {
  // String prefixes: r, b, br, rb (any case).
  std::size_t p = pos_;
  bool raw = false, bytes = false;
  for (int k = 0; k < 2 && p < src_.size(); ++k) {
    char d = src_[p];
    if ((d == 'r' || d == 'R') && !raw) {
      raw = true;
      ++p;
    } else if ((d == 'b' || d == 'B') && !bytes) {
      bytes = true;
      ++p;
    } else {
      break;
    }
  }
  if ((raw || bytes) && p < src_.size() && (src_[p] == '"' || src_[p] == '\'')) {
    pos_ = p;
    LexString(t, raw, bytes);
    return;
  }
  std::size_t start = pos_;
  while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
  std::string_view word = src_.substr(start, pos_ - start);
  if (word == "true") {
    t.kind = Tok::kTrue;
  } else if (word == "false") {
    t.kind = Tok::kFalse;
  } else if (word == "null") {
    t.kind = Tok::kNull;
  } else if (word == "in") {
    t.kind = Tok::kIn;
  } else {
    t.kind = Tok::kIdent;
    t.text = std::string(word);
  }
}

void Lexer::LexHexNumber(Token& t) {
  const std::size_t start = pos_;
  pos_ += 2;
  std::size_t digits = pos_;
  std::uint64_t v = 0;
  bool overflow = false;
  while (pos_ < src_.size() && IsHex(src_[pos_])) {
    if (v > (std::numeric_limits<std::uint64_t>::max() >> 4)) overflow = true;
    v = (v << 4) | static_cast<std::uint64_t>(HexVal(src_[pos_]));
    ++pos_;
  }
  if (pos_ == digits) {
    Fail(start, "Syntax error: invalid hex literal");
    return;
  }
  t.magnitude = v;
  t.int_overflow = overflow;
  t.kind = Tok::kInt;
  if (pos_ < src_.size() && (src_[pos_] == 'u' || src_[pos_] == 'U')) {
    ++pos_;
    t.kind = Tok::kUint;
  }
}

void Lexer::LexNumber(Token& t) {
  std::size_t start = pos_;
  if (src_[pos_] == '0' && pos_ + 1 < src_.size() &&
      (src_[pos_ + 1] == 'x' || src_[pos_ + 1] == 'X')) {
    LexHexNumber(t);
    if (failed_) return;
  } else {
    while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    bool is_double = false;
    if (pos_ + 1 < src_.size() && src_[pos_] == '.' && IsDigit(src_[pos_ + 1])) {
      is_double = true;
      ++pos_;
      while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      std::size_t save = pos_;
      ++pos_;
      if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) ++pos_;
      if (pos_ < src_.size() && IsDigit(src_[pos_])) {
        while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
        is_double = true;
      } else {
        pos_ = save;
      }
    }
    std::string_view text = src_.substr(start, pos_ - start);
    if (is_double) {
      std::string buf(text);
      t.dbl = std::strtod(buf.c_str(), nullptr);  // inf on overflow, like cel-go
      t.kind = Tok::kDouble;
    } else {
      std::uint64_t v = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      t.int_overflow = r.ec == std::errc::result_out_of_range;
      t.magnitude = v;
      t.kind = Tok::kInt;
      if (pos_ < src_.size() && (src_[pos_] == 'u' || src_[pos_] == 'U')) {
        ++pos_;
        t.kind = Tok::kUint;
      }
    }
  }
  if (pos_ < src_.size() && (IsIdentChar(src_[pos_]))) {
    Fail(start, "Syntax error: invalid number literal '" +
                    std::string(src_.substr(start, pos_ - start + 1)) + "'");
  }
}

void Lexer::LexString(Token& t, bool raw, bool bytes) {
  char q = src_[pos_];
  bool triple = pos_ + 2 < src_.size() && src_[pos_ + 1] == q && src_[pos_ + 2] == q;
  pos_ += triple ? 3 : 1;
  std::string out;
  while (true) {
    if (pos_ >= src_.size()) {
      Fail(t.offset, "Syntax error: unterminated string literal");
      return;
    }
    char c = src_[pos_];
    if (triple) {
      if (c == q && pos_ + 2 < src_.size() && src_[pos_ + 1] == q && src_[pos_ + 2] == q) {
        pos_ += 3;
        break;
      }
    } else {
      if (c == q) {
        ++pos_;
        break;
      }
      if (c == '\n' || c == '\r') {
        Fail(t.offset, "Syntax error: newline in string literal");
        return;
      }
    }
    if (c == '\\' && raw) {
      // A raw string keeps the backslash, but an escaped quote does not end it.
      out += c;
      ++pos_;
      if (pos_ < src_.size() && (src_[pos_] == q || src_[pos_] == '\\')) {
        out += src_[pos_];
        ++pos_;
      }
      continue;
    }
    if (c != '\\') {
      out += c;
      ++pos_;
      continue;
    }
    std::size_t esc = pos_;
    ++pos_;
    if (!LexEscape(esc, bytes, out)) return;
  }
  t.kind = bytes ? Tok::kBytes : Tok::kString;
  t.text = std::move(out);
}

bool Lexer::LexEscape(std::size_t esc, bool bytes, std::string& out) {
  if (pos_ >= src_.size()) {
    Fail(esc, "Syntax error: unterminated escape sequence");
    return false;
  }
  char e = src_[pos_++];
  if (char simple = SimpleEscape(e); simple != '\0') {
    out += simple;
    return true;
  }
  if (e == 'x' || e == 'X') {
    if (pos_ + 2 > src_.size() || !IsHex(src_[pos_]) || !IsHex(src_[pos_ + 1])) {
      Fail(esc, "Syntax error: invalid \\x escape");
      return false;
    }
    std::uint32_t v = HexVal(src_[pos_]) * 16 + HexVal(src_[pos_ + 1]);
    pos_ += 2;
    AppendEscaped(out, v, bytes);
    return true;
  }
  if (e == 'u' || e == 'U') {
    int n = e == 'u' ? 4 : 8;
    if (bytes) {
      Fail(esc, "Syntax error: \\u escape is not allowed in bytes literals");
      return false;
    }
    std::uint32_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (pos_ >= src_.size() || !IsHex(src_[pos_])) {
        Fail(esc, "Syntax error: invalid unicode escape");
        return false;
      }
      v = v * 16 + static_cast<std::uint32_t>(HexVal(src_[pos_++]));
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
      Fail(esc, "Syntax error: invalid unicode code point in escape");
      return false;
    }
    core::AppendUtf8(out, static_cast<char32_t>(v));
    return true;
  }
  if (e >= '0' && e <= '3') {
    if (pos_ + 2 > src_.size() || src_[pos_] < '0' || src_[pos_] > '7' || src_[pos_ + 1] < '0' ||
        src_[pos_ + 1] > '7') {
      Fail(esc, "Syntax error: invalid octal escape");
      return false;
    }
    std::uint32_t v = (e - '0') * 64 + (src_[pos_] - '0') * 8 + (src_[pos_ + 1] - '0');
    pos_ += 2;
    AppendEscaped(out, v, bytes);
    return true;
  }
  Fail(esc, "Syntax error: invalid escape sequence '\\" + std::string(CharAt(pos_ - 1)) + "'");
  return false;
}

}  // namespace credence::expr
