// Parser: literals, escapes, precedence, macros, limits and error locations.
#include "expr/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>

#include "core/utf8.h"
#include "tests/expr/test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

using ::credence::expr::testing::EvalExpr;
using ::credence::expr::testing::StatusAt;
using ::credence::expr::testing::ValueIs;
using ::credence::testing::IsOk;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

struct LiteralCase {
  std::string name;
  std::string expr;
  Value expected;
};

void PrintTo(const LiteralCase& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

class LiteralTest : public ::testing::TestWithParam<LiteralCase> {};

TEST_P(LiteralTest, EvaluatesToExpectedValue) {
  EXPECT_THAT(EvalExpr(GetParam().expr), ValueIs(GetParam().expected)) << GetParam().expr;
}

// Expected values are written by hand from the CEL language definition.
INSTANTIATE_TEST_SUITE_P(
    Literals, LiteralTest,
    ::testing::Values(
        LiteralCase{"IntZero", "0", Value::Int(0)},
        LiteralCase{"IntMax", "9223372036854775807", Value::Int(9223372036854775807)},
        LiteralCase{"IntMin", "-9223372036854775808",
                    Value::Int(std::numeric_limits<std::int64_t>::min())},
        LiteralCase{"Hex", "0x1F", Value::Int(31)},
        LiteralCase{"HexNegative", "-0x10", Value::Int(-16)},
        LiteralCase{"Uint", "42u", Value::Uint(42)},
        LiteralCase{"UintUpper", "42U", Value::Uint(42)},
        LiteralCase{"UintMax", "18446744073709551615u",
                    Value::Uint(std::numeric_limits<std::uint64_t>::max())},
        LiteralCase{"HexUint", "0xFFu", Value::Uint(255)},
        LiteralCase{"Double", "1.5", Value::Double(1.5)},
        LiteralCase{"DoubleExponent", "1e3", Value::Double(1000.0)},
        LiteralCase{"DoubleNegExponent", "2.5e-3", Value::Double(0.0025)},
        LiteralCase{"DoubleUpperExponent", "1E+2", Value::Double(100.0)},
        LiteralCase{"DoubleLeadingDot", ".5", Value::Double(0.5)},
        LiteralCase{"DoubleNegative", "-1.25", Value::Double(-1.25)},
        LiteralCase{"True", "true", Value::Bool(true)},
        LiteralCase{"False", "false", Value::Bool(false)},
        LiteralCase{"Null", "null", Value::Null()},
        LiteralCase{"SingleQuoted", "'abc'", Value::String("abc")},
        LiteralCase{"DoubleQuoted", "\"abc\"", Value::String("abc")},
        LiteralCase{"TripleSingle", "'''a'b\nc'''", Value::String("a'b\nc")},
        LiteralCase{"TripleDouble", "\"\"\"a\"b\"\"\"", Value::String("a\"b")},
        LiteralCase{"RawKeepsBackslash", "r'a\\nb'", Value::String("a\\nb")},
        LiteralCase{"RawUpper", "R\"\\t\"", Value::String("\\t")},
        LiteralCase{"EscapeNewlineTab", "'\\n\\t'", Value::String("\n\t")},
        LiteralCase{"EscapeQuotes", "'\\'\\\"\\`\\?\\\\'", Value::String("'\"`?\\")},
        LiteralCase{"EscapeBells", "'\\a\\b\\f\\v\\r'", Value::String("\a\b\f\v\r")},
        LiteralCase{"EscapeHex", "'\\x41\\X42'", Value::String("AB")},
        LiteralCase{"EscapeHexHighIsCodePoint", "'\\xe9'", Value::String("\xC3\xA9")},
        LiteralCase{"EscapeOctal", "'\\101\\060'", Value::String("A0")},
        LiteralCase{"EscapeU4", "'\\u00e9'", Value::String("\xC3\xA9")},
        LiteralCase{"EscapeU8", "'\\U0001F431'", Value::String("\xF0\x9F\x90\xB1")},
        LiteralCase{"Utf8Source", "'\xCF\x80'", Value::String("\xCF\x80")},
        LiteralCase{"Bytes", "b'abc'", Value::Bytes("abc")},
        LiteralCase{"BytesHexIsRawByte", "b'\\xff\\000'", Value::Bytes(std::string("\xff\0", 2))},
        LiteralCase{"BytesUtf8", "b'\xC3\xBF'", Value::Bytes("\xC3\xBF")},
        LiteralCase{"RawBytes", "br'\\x00'", Value::Bytes("\\x00")},
        LiteralCase{"RawBytesReversedPrefix", "Rb'\\n'", Value::Bytes("\\n")},
        LiteralCase{"EmptyList", "[]", Value::List({})},
        LiteralCase{"ListTrailingComma", "[1, 2,]", Value::List({Value::Int(1), Value::Int(2)})},
        LiteralCase{"Comment", "1 // one\n + 2", Value::Int(3)}),
    [](const ::testing::TestParamInfo<LiteralCase>& param_info) { return param_info.param.name; });

struct PrecedenceCase {
  std::string name;
  std::string expr;
  Value expected;
};

void PrintTo(const PrecedenceCase& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

class PrecedenceTest : public ::testing::TestWithParam<PrecedenceCase> {};

TEST_P(PrecedenceTest, FollowsCelPrecedence) {
  EXPECT_THAT(EvalExpr(GetParam().expr), ValueIs(GetParam().expected)) << GetParam().expr;
}

INSTANTIATE_TEST_SUITE_P(
    Precedence, PrecedenceTest,
    ::testing::Values(
        PrecedenceCase{"MulBeforeAdd", "1 + 2 * 3", Value::Int(7)},
        PrecedenceCase{"ParensFirst", "(1 + 2) * 3", Value::Int(9)},
        PrecedenceCase{"SubLeftAssoc", "10 - 4 - 3", Value::Int(3)},
        PrecedenceCase{"DivLeftAssoc", "100 / 10 / 5", Value::Int(2)},
        PrecedenceCase{"ModSameAsMul", "7 % 4 * 2", Value::Int(6)},
        PrecedenceCase{"AndBeforeOr", "true || false && false", Value::Bool(true)},
        PrecedenceCase{"AndBeforeOr2", "false && true || true", Value::Bool(true)},
        PrecedenceCase{"RelationBeforeAnd", "1 < 2 && 3 > 2", Value::Bool(true)},
        PrecedenceCase{"AddBeforeRelation", "1 + 1 == 2", Value::Bool(true)},
        PrecedenceCase{"InIsRelation", "1 + 1 in [2]", Value::Bool(true)},
        PrecedenceCase{"TernaryLowest", "true ? 1 : 2 + 10", Value::Int(1)},
        PrecedenceCase{"TernaryRightAssoc", "false ? 1 : true ? 2 : 3", Value::Int(2)},
        PrecedenceCase{"TernaryConditionIsOr", "false || true ? 1 : 2", Value::Int(1)},
        PrecedenceCase{"UnaryMinusBindsTight", "-2 * 3", Value::Int(-6)},
        PrecedenceCase{"DoubleNegation", "--2", Value::Int(2)},
        PrecedenceCase{"NotNot", "!!true", Value::Bool(true)},
        PrecedenceCase{"NotBeforeAnd", "!false && true", Value::Bool(true)},
        PrecedenceCase{"MemberBeforeUnary", "-[1, 2][1]", Value::Int(-2)},
        PrecedenceCase{"IndexChain", "[[1, 2], [3]][0][1]", Value::Int(2)},
        PrecedenceCase{"ReceiverCallOnLiteral", "'abc'.size() * 2", Value::Int(6)},
        PrecedenceCase{"MapLiteralSelect", "{'a': {'b': 5}}.a.b", Value::Int(5)},
        PrecedenceCase{"NewlinesAreSpace", "1\n+\n2", Value::Int(3)}),
    [](const ::testing::TestParamInfo<PrecedenceCase>& param_info) {
      return param_info.param.name;
    });

TEST(ParserTest, AndOrChainsAreBalanced) {
  std::string expr = "true";
  for (int i = 0; i < 999; ++i) expr += " && true";
  ASSERT_OK_AND_ASSIGN(ParsedExpr parsed, Parse(expr));
  // 1000 operands balanced: ceil(log2(1000)) = 10 levels of calls + the leaves.
  EXPECT_EQ(parsed.root->height, 11);
}

TEST(ParserTest, HasMacroBecomesTestOnlySelect) {
  ASSERT_OK_AND_ASSIGN(ParsedExpr parsed, Parse("has(a.b)"));
  EXPECT_EQ(parsed.root->kind, ExprKind::kSelect);
  EXPECT_TRUE(parsed.root->test_only);
  EXPECT_EQ(parsed.root->name, "b");
}

TEST(ParserTest, ComprehensionMacros) {
  for (const char* src : {"l.all(x, x)", "l.exists(x, x)", "l.exists_one(x, x)", "l.map(x, x)",
                          "l.map(x, x, x)", "l.filter(x, x)"}) {
    ASSERT_OK_AND_ASSIGN(ParsedExpr parsed, Parse(src));
    EXPECT_EQ(parsed.root->kind, ExprKind::kComprehension) << src;
    EXPECT_EQ(parsed.root->name, "x") << src;
  }
}

TEST(ParserTest, MacrosCanBeDisabled) {
  ParseOptions options;
  options.enable_macros = false;
  ASSERT_OK_AND_ASSIGN(ParsedExpr parsed, Parse("l.all(x, x)", options));
  EXPECT_EQ(parsed.root->kind, ExprKind::kCall);
}

TEST(ParserTest, ReservedWordsAllowedAsFieldsAndMethods) {
  EXPECT_THAT(Parse("a.if"), IsOk());
  EXPECT_THAT(Parse("a.while()"), IsOk());
  EXPECT_THAT(Parse("a.`content-type`"), IsOk());
}

TEST(ParserTest, LocationOfCountsCodePoints) {
  SourceLocation loc = LocationOf("'\xCF\x80\xCF\x80' +\n  x", 11);
  EXPECT_EQ(loc.line, 2);
  EXPECT_EQ(loc.column, 3);
  loc = LocationOf("'\xCF\x80\xCF\x80' + x", 9);  // the x after two 2-byte characters
  EXPECT_EQ(loc.line, 1);
  EXPECT_EQ(loc.column, 8);
}

TEST(ParserTest, FormatErrorDrawsCaret) {
  std::string src = "a + )";
  Result<ParsedExpr> r = Parse(src);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FormatError(src, r.status()),
            "ERROR: <input>:1:5: Syntax error: unexpected ')'\n"
            " | a + )\n"
            " | ....^\n");
}

TEST(ParserTest, FormatErrorOnSecondLine) {
  std::string src = "1 +\n  * 2";
  Result<ParsedExpr> r = Parse(src);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FormatError(src, r.status()),
            "ERROR: <input>:2:3: Syntax error: unexpected '*'\n"
            " |   * 2\n"
            " | ..^\n");
}

TEST(ParserTest, DepthLimitIsConfigurable) {
  ParseOptions options;
  options.max_depth = 8;
  EXPECT_THAT(Parse("((((1))))", options), IsOk());
  EXPECT_THAT(Parse("((((((((((1))))))))))", options), StatusAt(StatusCode::kOutOfRange, 1, 9));
}

TEST(ParserTest, LengthLimitIsConfigurable) {
  ParseOptions options;
  options.max_source_bytes = 10;
  EXPECT_THAT(Parse("1 + 2 + 3", options), IsOk());
  EXPECT_THAT(Parse("1 + 2 + 3 + 4", options),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("over the limit of 10")));
}

TEST(ParserTest, LongFlatExpressionWithinLimitsParses) {
  // 30,000 operands of || (balanced), 90 KB: below the length limit and shallow.
  std::string expr = "false";
  for (int i = 0; i < 14999; ++i) expr += " || x";
  EXPECT_THAT(Parse(expr), IsOk());
}

}  // namespace
}  // namespace credence::expr

namespace credence::expr {
namespace {

// A 90 KB expression is not echoed in full: a window of a few hundred bytes around the
// caret (issue 13, cause 12).
TEST(ParserTest, FormatErrorOfAHugeLineShowsAWindow) {
  const std::string src = "x == '" + std::string(90'000, 'a') + "' && )";
  Result<ParsedExpr> r = Parse(src);
  ASSERT_FALSE(r.ok());
  const std::string text = FormatError(src, r.status());
  EXPECT_LT(text.size(), 600u) << text;
  EXPECT_NE(text.find("' && )"), std::string::npos) << text;
  // The caret still sits under the ')'.
  const auto first = text.find(" | ");
  const auto second = text.find(" | ", first + 3);
  const std::string line = text.substr(first + 3, text.find('\n', first) - first - 3);
  const std::string caret = text.substr(second + 3, text.find('\n', second) - second - 3);
  EXPECT_EQ(line[caret.size() - 1], ')');
}

}  // namespace
}  // namespace credence::expr

namespace credence::expr {
namespace {

// Found by bundle_json_fuzzer: the lexer quoted one byte of a multi-byte character, so the
// error message (and a bundle's diagnostic, a JSON error record) was not valid UTF-8. Every
// syntax error message quotes whole characters.
TEST(ParserTest, SyntaxErrorsQuoteWholeCharacters) {
  const std::string pi = "\xCF\x80", han = "\xE4\xB8\xAD";
  const std::string cases[] = {
      "a == " + pi,                                           // not a token
      "'a\\" + han + "'",                                     // an escape of a non-ASCII character
      "1 '" + han + han + han + han + han + han + han + "'",  // a 23-byte token cut for display
      "[" + pi + "]",
  };
  for (const std::string& source : cases) {
    Result<ParsedExpr> r = Parse(source);
    ASSERT_FALSE(r.ok()) << source;
    EXPECT_TRUE(core::IsValidUtf8(r.status().message())) << r.status().message();
    EXPECT_TRUE(core::IsValidUtf8(FormatError(source, r.status())));
  }
  EXPECT_THAT(Parse("a == " + pi).status().message(), ::testing::HasSubstr("at: '" + pi + "'"));
}

}  // namespace
}  // namespace credence::expr
