// A catalogue of bad expressions: each must fail with an exact status code at an exact
// 1-based line:column (columns count code points), never crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "expr/checker.h"
#include "expr/parser.h"
#include "expr/program.h"
#include "tests/expr/test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

using ::credence::expr::testing::StatusAt;

struct BadCase {
  std::string name;
  std::string expr;
  StatusCode code;
  int line;
  int column;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

Environment TestEnv() {
  Environment env;
  EXPECT_OK(env.DeclareFeature("amount", 0));
  EXPECT_OK(env.Declare("country", Type::String()));
  EXPECT_OK(env.Declare("tags", Type::List(Type::String())));
  EXPECT_OK(env.Declare("limits", Type::Map(Type::String(), Type::Double())));
  return env;
}

class BadExpressionTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadExpressionTest, FailsWithCodeAndLocation) {
  const BadCase& c = GetParam();
  CompileOptions options;
  options.expected_type = Type::Bool();
  EXPECT_THAT(Compile(c.expr, TestEnv(), options), StatusAt(c.code, c.line, c.column)) << c.expr;
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, BadExpressionTest,
    ::testing::Values(
        // Syntax.
        BadCase{"Empty", "", StatusCode::kInvalidArgument, 1, 1},
        BadCase{"DanglingOperator", "amount >", StatusCode::kInvalidArgument, 1, 9},
        BadCase{"DoubleOperator", "amount > > 1.0", StatusCode::kInvalidArgument, 1, 10},
        BadCase{"UnclosedParen", "(amount > 1.0", StatusCode::kInvalidArgument, 1, 14},
        BadCase{"ExtraParen", "amount > 1.0)", StatusCode::kInvalidArgument, 1, 13},
        BadCase{"SingleEquals", "amount = 1.0", StatusCode::kInvalidArgument, 1, 8},
        BadCase{"SingleAmpersand", "true & false", StatusCode::kInvalidArgument, 1, 6},
        BadCase{"UnterminatedString", "country == 'US", StatusCode::kInvalidArgument, 1, 12},
        BadCase{"NewlineInString", "country == 'U\nS'", StatusCode::kInvalidArgument, 1, 12},
        BadCase{"BadEscape", "country == '\\q'", StatusCode::kInvalidArgument, 1, 13},
        BadCase{"BadHexEscape", "country == '\\xZZ'", StatusCode::kInvalidArgument, 1, 13},
        BadCase{"SurrogateEscape", "country == '\\uD800'", StatusCode::kInvalidArgument, 1, 13},
        BadCase{"UnicodeEscapeInBytes", "b'\\u0041' == b'A'", StatusCode::kInvalidArgument, 1, 3},
        BadCase{"BadCharacter", "amount > 1.0 # x", StatusCode::kInvalidArgument, 1, 14},
        BadCase{"ErrorOnThirdLine", "amount > 1.0 &&\n  country == 'US' &&\n  )",
                StatusCode::kInvalidArgument, 3, 3},
        BadCase{"ColumnCountsCodePoints", "'\xCF\x80\xCF\x80' == )", StatusCode::kInvalidArgument,
                1, 9},
        BadCase{"ReservedWordIdent", "if > 1.0", StatusCode::kInvalidArgument, 1, 1},
        BadCase{"ReservedWordInExpr", "amount > 1.0 && while", StatusCode::kInvalidArgument, 1, 17},
        BadCase{"HasNeedsSelect", "has(amount)", StatusCode::kInvalidArgument, 1, 4},
        BadCase{"MacroVarNotIdent", "tags.all(1, true)", StatusCode::kInvalidArgument, 1, 10},
        BadCase{"InvalidUtf8", "country == '\xff'", StatusCode::kInvalidArgument, 1, 13},
        BadCase{"TruncatedUtf8", "country == 'a\xC3", StatusCode::kInvalidArgument, 1, 14},
        // Limits and literals.
        BadCase{"HugeInt", "amount > 99999999999999999999", StatusCode::kOutOfRange, 1, 10},
        BadCase{"IntOverMax", "9223372036854775808 > 0", StatusCode::kOutOfRange, 1, 1},
        BadCase{"IntUnderMin", "-9223372036854775809 < 0", StatusCode::kOutOfRange, 1, 1},
        BadCase{"HugeUint", "18446744073709551616u > 0u", StatusCode::kOutOfRange, 1, 1},
        BadCase{"HugeHex", "0x10000000000000000 > 0", StatusCode::kOutOfRange, 1, 1},
        // Names and types.
        BadCase{"UnknownIdentifier", "amount > 1.0 && revenue > 2.0", StatusCode::kInvalidArgument,
                1, 17},
        BadCase{"UnknownFunction", "frobnicate(amount)", StatusCode::kInvalidArgument, 1, 11},
        BadCase{"WrongArgumentType", "size(amount) > 1", StatusCode::kInvalidArgument, 1, 5},
        BadCase{"MixedArithmetic", "amount + 1 > 2.0", StatusCode::kInvalidArgument, 1, 8},
        BadCase{"StringVsNumber", "country == 1", StatusCode::kInvalidArgument, 1, 9},
        BadCase{"NotOnNumber", "!amount", StatusCode::kInvalidArgument, 1, 1},
        BadCase{"AndOnString", "country && true", StatusCode::kInvalidArgument, 1, 9},
        BadCase{"NonBoolResult", "amount * 2.0", StatusCode::kInvalidArgument, 1, 1},
        BadCase{"FieldOnDouble", "amount.value > 1.0", StatusCode::kInvalidArgument, 1, 7},
        BadCase{"WrongMapKey", "limits[1] > 1.0", StatusCode::kInvalidArgument, 1, 7},
        BadCase{"PredicateNotBool", "tags.all(t, t)", StatusCode::kInvalidArgument, 1, 13},
        BadCase{"TernaryBranchesDiffer", "amount > 1.0 ? 'a' : 1", StatusCode::kInvalidArgument, 1,
                14},
        BadCase{"MatchesOnNumber", "amount.matches('x')", StatusCode::kInvalidArgument, 1, 15},
        // Constant arguments checked at compile time.
        BadCase{"InvalidRegex", "country.matches('[a-')", StatusCode::kInvalidArgument, 1, 17},
        BadCase{"InvalidRegexGlobal", "matches(country, '(')", StatusCode::kInvalidArgument, 1, 18},
        BadCase{"UnknownTimeZone", "timestamp('2024-01-01T00:00:00Z').getHours('Mars/Olympus') > 1",
                StatusCode::kInvalidArgument, 1, 44}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) { return param_info.param.name; });

TEST(BadExpressionTest, HundredThousandNestedParensIsOutOfRange) {
  std::string expr(100'000, '(');
  // Only 99,998 characters fit under the 100,000-byte limit with a body; use a larger limit
  // so the depth check (not the length check) is what fires.
  expr += "1";
  expr += std::string(100'000, ')');
  CompileOptions options;
  options.parse.max_source_bytes = 1'000'000;
  // The 129th '(' exceeds the default depth of 128.
  EXPECT_THAT(Compile(expr, Environment(), options), StatusAt(StatusCode::kOutOfRange, 1, 129));
}

TEST(BadExpressionTest, HundredThousandNestedParensAtDefaultLimitsIsOutOfRange) {
  std::string expr(100'000, '(');
  EXPECT_THAT(Compile(expr, Environment()), StatusAt(StatusCode::kOutOfRange, 1, 129));
}

TEST(BadExpressionTest, DeepListsBracketsAndUnaryAreOutOfRange) {
  EXPECT_THAT(Compile(std::string(50'000, '['), Environment()),
              StatusAt(StatusCode::kOutOfRange, 1, 129));
  EXPECT_THAT(Compile(std::string(50'000, '!') + "true", Environment()),
              StatusAt(StatusCode::kOutOfRange, 1, 129));
  EXPECT_THAT(Compile(std::string(50'000, '-') + "1", Environment()),
              StatusAt(StatusCode::kOutOfRange, 1, 129));
}

TEST(BadExpressionTest, NestedCallsCountOncePerLevel) {
  auto nested = [](int n) {
    std::string e;
    for (int i = 0; i < n; ++i) e += "dyn(";
    e += "1";
    for (int i = 0; i < n; ++i) e += ")";
    return e;
  };
  EXPECT_OK(Compile(nested(120), Environment()).status());
  EXPECT_EQ(Compile(nested(130), Environment()).status().code(), StatusCode::kOutOfRange);
}

TEST(BadExpressionTest, LongOperatorChainIsOutOfRangeNotStackOverflow) {
  std::string expr = "1";
  for (int i = 0; i < 30'000; ++i) expr += "+1";
  Result<std::shared_ptr<const Program>> p = Compile(expr, Environment());
  EXPECT_EQ(p.status().code(), StatusCode::kOutOfRange);
}

TEST(BadExpressionTest, LongMemberChainIsOutOfRange) {
  std::string expr = "a";
  for (int i = 0; i < 30'000; ++i) expr += ".b";
  Environment env;
  ASSERT_OK(env.Declare("a", Type::Dyn()));
  EXPECT_EQ(Compile(expr, env).status().code(), StatusCode::kOutOfRange);
}

TEST(BadExpressionTest, OverLongSourceIsOutOfRange) {
  std::string expr = "1";
  for (int i = 0; i < 60'000; ++i) expr += " ";
  expr += "+ 1";
  std::string longer = expr + std::string(100'000, ' ');
  EXPECT_OK(Compile(expr, Environment()).status());
  EXPECT_THAT(Compile(longer, Environment()), StatusAt(StatusCode::kOutOfRange, 1, 1));
}

TEST(BadExpressionTest, CheckerReportsEveryIssue) {
  Environment env;
  ASSERT_OK_AND_ASSIGN(ParsedExpr parsed, Parse("a + b > c"));
  std::vector<Status> issues;
  Result<Type> t = Check(parsed, env, {}, &issues);
  ASSERT_FALSE(t.ok());
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].location()->column, 1);
  EXPECT_EQ(issues[1].location()->column, 5);
  EXPECT_EQ(issues[2].location()->column, 9);
}

TEST(BadExpressionTest, CompileCollectsAllIssues) {
  std::vector<Status> issues;
  Result<std::shared_ptr<const Program>> p =
      Compile("amount > 'x' || country + 1 == 'US'", TestEnv(), {}, &issues);
  EXPECT_THAT(p, StatusAt(StatusCode::kInvalidArgument, 1, 8));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[1].location()->column, 25);  // the +
  // A syntax error is reported once.
  issues.clear();
  EXPECT_THAT(Compile("amount >", TestEnv(), {}, &issues),
              StatusAt(StatusCode::kInvalidArgument, 1, 9));
  EXPECT_EQ(issues.size(), 1u);
}

}  // namespace
}  // namespace credence::expr
