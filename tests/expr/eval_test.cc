// Evaluation semantics, operator by operator and function by function. Expected values are
// derived by hand from the CEL language definition (github.com/google/cel-spec, langdef.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>

#include "expr/program.h"
#include "tests/expr/test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

using ::credence::expr::testing::ErrorValueIs;
using ::credence::expr::testing::EvalExpr;
using ::credence::expr::testing::ValueIs;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::uint64_t kUint64Max = std::numeric_limits<std::uint64_t>::max();

struct EvalCase {
  std::string name;
  std::string expr;
  Value expected;                           // ignored when error_code != kOk
  StatusCode error_code = StatusCode::kOk;  // expected code of an error *value*
  std::string error_substring = "";
  bool check = true;
};

void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

EvalCase Ok(std::string name, std::string expr, Value v) {
  return EvalCase{std::move(name), std::move(expr), std::move(v)};
}
EvalCase Dyn(std::string name, std::string expr, Value v) {
  return EvalCase{std::move(name), std::move(expr), std::move(v), StatusCode::kOk, "", false};
}
EvalCase Error(std::string name, std::string expr, StatusCode code, std::string substring,
               bool check = true) {
  return EvalCase{std::move(name), std::move(expr), Value(), code, std::move(substring), check};
}

class EvalTest : public ::testing::TestWithParam<EvalCase> {};

TEST_P(EvalTest, Evaluates) {
  const EvalCase& c = GetParam();
  Result<Value> r = EvalExpr(c.expr, Environment(), Activation(), c.check);
  if (c.error_code == StatusCode::kOk) {
    EXPECT_THAT(r, ValueIs(c.expected)) << c.expr;
  } else {
    EXPECT_THAT(r, ErrorValueIs(c.error_code, c.error_substring)) << c.expr;
  }
}

std::string CaseName(const ::testing::TestParamInfo<EvalCase>& info) { return info.param.name; }

Value L(std::initializer_list<Value> v) { return Value::List(ListValue(v)); }

INSTANTIATE_TEST_SUITE_P(
    IntArithmetic, EvalTest,
    ::testing::Values(
        Ok("Add", "2 + 3", Value::Int(5)), Ok("Sub", "2 - 3", Value::Int(-1)),
        Ok("Mul", "-4 * 3", Value::Int(-12)), Ok("DivTruncates", "-7 / 2", Value::Int(-3)),
        Ok("ModSignOfDividend", "-7 % 3", Value::Int(-1)),
        Ok("ModPositive", "7 % -3", Value::Int(1)), Ok("Negate", "-(5)", Value::Int(-5)),
        Ok("MaxPlusZero", "9223372036854775807 + 0", Value::Int(kInt64Max)),
        Ok("MinDivOne", "-9223372036854775808 / 1", Value::Int(kInt64Min)),
        Error("AddOverflow", "9223372036854775807 + 1", StatusCode::kOutOfRange, "overflow"),
        Error("SubOverflow", "-9223372036854775808 - 1", StatusCode::kOutOfRange, "overflow"),
        Error("MulOverflow", "4611686018427387904 * 2", StatusCode::kOutOfRange, "overflow"),
        Error("NegateMinOverflow", "-(-9223372036854775808)", StatusCode::kOutOfRange, "overflow"),
        Error("DivMinByMinusOne", "-9223372036854775808 / -1", StatusCode::kOutOfRange, "overflow"),
        Error("ModMinByMinusOne", "-9223372036854775808 % -1", StatusCode::kOutOfRange, "overflow"),
        Error("DivByZero", "1 / 0", StatusCode::kInvalidArgument, "divide by zero"),
        Error("ModByZero", "1 % 0", StatusCode::kInvalidArgument, "modulus by zero")),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    UintArithmetic, EvalTest,
    ::testing::Values(
        Ok("Add", "2u + 3u", Value::Uint(5)), Ok("Sub", "3u - 2u", Value::Uint(1)),
        Ok("Mul", "4u * 3u", Value::Uint(12)), Ok("Div", "7u / 2u", Value::Uint(3)),
        Ok("Mod", "7u % 4u", Value::Uint(3)),
        Ok("Max", "18446744073709551614u + 1u", Value::Uint(kUint64Max)),
        Error("AddOverflow", "18446744073709551615u + 1u", StatusCode::kOutOfRange, "overflow"),
        Error("SubUnderflow", "1u - 2u", StatusCode::kOutOfRange, "overflow"),
        Error("MulOverflow", "4294967296u * 4294967296u", StatusCode::kOutOfRange, "overflow"),
        Error("DivByZero", "1u / 0u", StatusCode::kInvalidArgument, "divide by zero"),
        Error("ModByZero", "1u % 0u", StatusCode::kInvalidArgument, "modulus by zero"),
        Error("NegateIsNoOverload", "-(1u)", StatusCode::kInvalidArgument, "no such overload",
              false),
        Error("MixedIntUintAdd", "dyn(1) + 1u", StatusCode::kInvalidArgument, "no such overload")),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    DoubleArithmetic, EvalTest,
    ::testing::Values(
        Ok("Add", "0.5 + 0.25", Value::Double(0.75)), Ok("Sub", "0.5 - 0.75", Value::Double(-0.25)),
        Ok("Mul", "1.5 * -2.0", Value::Double(-3.0)), Ok("Div", "1.0 / 4.0", Value::Double(0.25)),
        Ok("DivByZeroIsInf", "1.0 / 0.0", Value::Double(std::numeric_limits<double>::infinity())),
        Ok("ZeroByZeroIsNaN", "0.0 / 0.0", Value::Double(std::numeric_limits<double>::quiet_NaN())),
        Ok("NegativeZero", "-0.0", Value::Double(-0.0)),
        Ok("Overflow", "1e308 * 10.0", Value::Double(std::numeric_limits<double>::infinity())),
        Error("ModIsNoOverload", "dyn(5.0) % 2.0", StatusCode::kInvalidArgument, "no such overload",
              false)),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Equality, EvalTest,
    ::testing::Values(Ok("IntInt", "1 == 1", Value::Bool(true)),
                      Ok("IntDoubleDyn", "dyn(1) == 1.0", Value::Bool(true)),
                      Ok("IntUintDyn", "dyn(1) == 1u", Value::Bool(true)),
                      Ok("NegativeIntUint", "dyn(-1) == 18446744073709551615u", Value::Bool(false)),
                      Ok("NaNNotEqual", "0.0/0.0 == 0.0/0.0", Value::Bool(false)),
                      Ok("NaNNotEqualIsTrue", "0.0/0.0 != 0.0/0.0", Value::Bool(true)),
                      Ok("ZeroNegZero", "0.0 == -0.0", Value::Bool(true)),
                      Ok("Strings", "'a' == 'a'", Value::Bool(true)),
                      Ok("Bytes", "b'a' != b'b'", Value::Bool(true)),
                      Ok("ListsDeep", "[1, [2, 'x']] == [1, [2, 'x']]", Value::Bool(true)),
                      Ok("ListsMixedNumbers", "[1, 2.0] == [1.0, 2u]", Value::Bool(true)),
                      Ok("ListsDifferentLength", "[1] == [1, 1]", Value::Bool(false)),
                      Ok("MapsOrderFree", "{'a': 1, 'b': 2} == {'b': 2, 'a': 1}",
                         Value::Bool(true)),
                      Ok("MapsValueDiffers", "{'a': 1} == {'a': 2}", Value::Bool(false)),
                      Ok("NullNull", "null == null", Value::Bool(true)),
                      Ok("DifferentKindsDyn", "dyn('1') == 1", Value::Bool(false)),
                      Ok("Types", "type(1) == int", Value::Bool(true)),
                      Ok("TypeOfType", "type(int) == type", Value::Bool(true))),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Ordering, EvalTest,
    ::testing::Values(
        Ok("IntLt", "1 < 2", Value::Bool(true)), Ok("IntGe", "2 >= 2", Value::Bool(true)),
        Ok("IntDouble", "1 < 1.5", Value::Bool(true)),
        Ok("DoubleInt", "1.5 > 1", Value::Bool(true)), Ok("UintInt", "1u > -1", Value::Bool(true)),
        Ok("IntUintBig", "9223372036854775807 < 18446744073709551615u", Value::Bool(true)),
        Ok("NaNNeverOrdered", "0.0/0.0 < 1.0 || 0.0/0.0 >= 1.0", Value::Bool(false)),
        Ok("StringsByCodePoint", "'a' < 'b' && 'B' < 'a' && 'z' < '\\u00e9'", Value::Bool(true)),
        Ok("StringPrefixIsLess", "'ab' < 'abc'", Value::Bool(true)),
        Ok("BytesUnsigned", "b'\\x7f' < b'\\x80'", Value::Bool(true)),
        Ok("Bools", "false < true", Value::Bool(true)),
        Ok("Timestamps", "timestamp('2020-01-01T00:00:00Z') < timestamp('2020-01-01T00:00:01Z')",
           Value::Bool(true)),
        Ok("Durations", "duration('1m') > duration('59s')", Value::Bool(true)),
        Error("ListsUnordered", "[1] < [2]", StatusCode::kInvalidArgument, "no such overload",
              false),
        Error("StringVsIntUnordered", "'a' < 1", StatusCode::kInvalidArgument, "no such overload",
              false)),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Logic, EvalTest,
    ::testing::Values(
        Ok("AndTrue", "true && true", Value::Bool(true)),
        Ok("FalseAndError", "false && 1/0 == 1", Value::Bool(false)),
        Ok("ErrorAndFalse", "1/0 == 1 && false", Value::Bool(false)),
        Ok("TrueOrError", "true || 1/0 == 1", Value::Bool(true)),
        Ok("ErrorOrTrue", "1/0 == 1 || true", Value::Bool(true)),
        Error("ErrorAndTrue", "1/0 == 1 && true", StatusCode::kInvalidArgument, "divide by zero"),
        Error("FalseOrError", "false || 1/0 == 1", StatusCode::kInvalidArgument, "divide by zero"),
        Error("ErrorAndError", "1/0 == 1 && 2 % 0 == 1", StatusCode::kInvalidArgument,
              "divide by zero"),
        Dyn("NonBoolOrTrue", "'x' || true", Value::Bool(true)),
        Ok("Not", "!false", Value::Bool(true)),
        Error("NotError", "!(1/0 == 1)", StatusCode::kInvalidArgument, "divide by zero"),
        Ok("TernaryTrue", "1 < 2 ? 'y' : 'n'", Value::String("y")),
        Ok("TernaryShortCircuits", "false ? 1/0 : 2", Value::Int(2)),
        Error("TernaryErrorCondition", "1/0 == 1 ? 1 : 2", StatusCode::kInvalidArgument,
              "divide by zero")),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    StringsAndBytes, EvalTest,
    ::testing::Values(Ok("Concat", "'ab' + 'cd'", Value::String("abcd")),
                      Ok("SizeCountsCodePoints", "size('h\\u00e9llo')", Value::Int(5)),
                      Ok("SizeMethod", "'abc'.size()", Value::Int(3)),
                      Ok("SizeBytes", "size(b'\\xff\\x00')", Value::Int(2)),
                      Ok("Contains", "'hello'.contains('ell')", Value::Bool(true)),
                      Ok("ContainsEmpty", "'hello'.contains('')", Value::Bool(true)),
                      Ok("StartsWith", "'hello'.startsWith('he')", Value::Bool(true)),
                      Ok("StartsWithLonger", "'he'.startsWith('hello')", Value::Bool(false)),
                      Ok("EndsWith", "'hello'.endsWith('llo')", Value::Bool(true)),
                      Ok("EndsWithLonger", "'lo'.endsWith('hello')", Value::Bool(false)),
                      Ok("MatchesPartial", "'hello'.matches('l+')", Value::Bool(true)),
                      Ok("MatchesAnchored", "'hello'.matches('^l+$')", Value::Bool(false)),
                      Ok("MatchesGlobal", "matches('abc123', '[0-9]{3}')", Value::Bool(true)),
                      Ok("MatchesUnicode", "'\\u00e9t\\u00e9'.matches('^.t.$')", Value::Bool(true)),
                      Ok("BytesConcat", "b'a' + b'\\x00'", Value::Bytes(std::string("a\0", 2)))),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Conversions, EvalTest,
    ::testing::Values(
        Ok("IntFromDoubleTruncates", "int(-2.9)", Value::Int(-2)),
        Ok("IntFromUint", "int(5u)", Value::Int(5)),
        Ok("IntFromString", "int('-42')", Value::Int(-42)),
        Ok("IntFromTimestamp", "int(timestamp('1970-01-02T00:00:00Z'))", Value::Int(86400)),
        Error("IntFromBigUint", "int(9223372036854775808u)", StatusCode::kOutOfRange, "range"),
        Error("IntFromHugeDouble", "int(1e19)", StatusCode::kOutOfRange, "range"),
        Error("IntFromNaN", "int(0.0/0.0)", StatusCode::kOutOfRange, "range"),
        Error("IntFromBadString", "int('4x')", StatusCode::kInvalidArgument, "4x"),
        Ok("UintFromInt", "uint(7)", Value::Uint(7)),
        Ok("UintFromString", "uint('18446744073709551615')", Value::Uint(kUint64Max)),
        Error("UintFromNegative", "uint(-1)", StatusCode::kOutOfRange, "range"),
        Error("UintFromNegativeDouble", "uint(-0.5)", StatusCode::kOutOfRange, "range"),
        Ok("DoubleFromInt", "double(3)", Value::Double(3.0)),
        Ok("DoubleFromString", "double('2.5e1')", Value::Double(25.0)),
        Error("DoubleFromBadString", "double('x')", StatusCode::kInvalidArgument, "x"),
        Ok("StringFromInt", "string(-12)", Value::String("-12")),
        Ok("StringFromUint", "string(12u)", Value::String("12")),
        Ok("StringFromDouble", "string(2.5)", Value::String("2.5")),
        Ok("StringFromBigDouble", "string(1e21)", Value::String("1e+21")),
        Ok("StringFromBool", "string(true)", Value::String("true")),
        Ok("StringFromBytes", "string(b'hi')", Value::String("hi")),
        Error("StringFromBadBytes", "string(b'\\xff')", StatusCode::kInvalidArgument, "UTF-8"),
        Ok("StringFromDuration", "string(duration('1m30s'))", Value::String("90s")),
        Ok("StringFromFractionalDuration", "string(duration('1.5s'))", Value::String("1.5s")),
        Ok("StringFromTimestamp", "string(timestamp('2024-02-29T12:00:00.250+01:00'))",
           Value::String("2024-02-29T11:00:00.25Z")),
        Ok("BoolFromString", "bool('true') && !bool('f')", Value::Bool(true)),
        Error("BoolFromBadString", "bool('yes')", StatusCode::kInvalidArgument, "yes"),
        Ok("BytesFromString", "bytes('\\u00ff')", Value::Bytes("\xC3\xBF")),
        Ok("TypeOfList", "type([1]) == list", Value::Bool(true)),
        Ok("TypeOfNull", "type(null) == null_type", Value::Bool(true)),
        Ok("TypeOfTimestamp",
           "type(timestamp('2020-01-01T00:00:00Z')) == google.protobuf.Timestamp",
           Value::Bool(true)),
        Ok("Dyn", "dyn(1) + 2", Value::Int(3))),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    ListsAndMaps, EvalTest,
    ::testing::Values(
        Ok("Index", "[1, 2, 3][2]", Value::Int(3)), Ok("IndexUint", "[1, 2, 3][1u]", Value::Int(2)),
        Error("IndexOutOfBounds", "[1][1]", StatusCode::kInvalidArgument, "out of bounds"),
        Error("IndexNegative", "[1][-1]", StatusCode::kInvalidArgument, "out of bounds"),
        Ok("Concat", "[1] + [2, 3]", L({Value::Int(1), Value::Int(2), Value::Int(3)})),
        Ok("InList", "2 in [1, 2]", Value::Bool(true)),
        Ok("NotInList", "3 in [1, 2]", Value::Bool(false)),
        Ok("InListHeterogeneous", "dyn(2.0) in [1, 2]", Value::Bool(true)),
        Ok("SizeList", "size([1, 2])", Value::Int(2)),
        Ok("MapIndex", "{'a': 1}['a']", Value::Int(1)),
        Ok("MapIntKeyByUint", "{1: 'x'}[dyn(1u)]", Value::String("x")),
        Ok("MapIntKeyByDouble", "{1: 'x'}[dyn(1.0)]", Value::String("x")),
        Error("MapMissingKey", "{'a': 1}['b']", StatusCode::kNotFound, "no such key"),
        Ok("MapSelect", "{'a': {'b': true}}.a.b", Value::Bool(true)),
        Error("MapSelectMissing", "{'a': 1}.b", StatusCode::kNotFound, "no such key"),
        Ok("InMap", "'a' in {'a': 1}", Value::Bool(true)),
        Ok("SizeMap", "{'a': 1, 'b': 2}.size()", Value::Int(2)),
        Ok("HasPresent", "has({'a': 1}.a)", Value::Bool(true)),
        Ok("HasAbsent", "has({'a': 1}.b)", Value::Bool(false)),
        Error("DuplicateKey", "{'a': 1, 'a': 2}", StatusCode::kInvalidArgument, "repeated"),
        Error("DuplicateNumericKey", "{1: 1, dyn(1u): 2}", StatusCode::kInvalidArgument,
              "repeated"),
        Error("DoubleKeyUnsupported", "{1.5: 1}", StatusCode::kInvalidArgument, "unsupported key",
              false),
        Error("ErrorInListPropagates", "[1, 1/0]", StatusCode::kInvalidArgument, "divide by zero")),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Macros, EvalTest,
    ::testing::Values(
        Ok("AllTrue", "[1, 2].all(x, x > 0)", Value::Bool(true)),
        Ok("AllEmpty", "[].all(x, false)", Value::Bool(true)),
        Ok("AllFalseBeatsError", "[0, 1].all(x, 1 / x > 5)", Value::Bool(false)),
        Error("AllErrorWithoutFalse", "[0, 1].all(x, 1 / x >= 1)", StatusCode::kInvalidArgument,
              "divide by zero"),
        Ok("ExistsTrueBeatsError", "[0, 1].exists(x, 1 / x == 1)", Value::Bool(true)),
        Ok("ExistsNone", "[1, 2].exists(x, x > 5)", Value::Bool(false)),
        Ok("ExistsOne", "[1, 2, 3].exists_one(x, x == 2)", Value::Bool(true)),
        Ok("ExistsOneTwo", "[2, 2].exists_one(x, x == 2)", Value::Bool(false)),
        Ok("Map", "[1, 2].map(x, x * 10)", L({Value::Int(10), Value::Int(20)})),
        Ok("MapWithFilter", "[1, 2, 3].map(x, x % 2 == 1, x * 10)",
           L({Value::Int(10), Value::Int(30)})),
        Ok("Filter", "[1, 2, 3, 4].filter(x, x % 2 == 0)", L({Value::Int(2), Value::Int(4)})),
        Ok("MapKeys", "{'a': 1, 'b': 2}.filter(k, k != 'a')", L({Value::String("b")})),
        Ok("Nested", "[[1, 2], [3]].map(l, l.exists(x, x == 3))",
           L({Value::Bool(false), Value::Bool(true)})),
        Ok("Shadowing", "[1].all(x, [2].all(x, x == 2)) ", Value::Bool(true)),
        Ok("VariableRestoredAfterInner", "[1].all(x, [2].all(y, y == 2) && x == 1)",
           Value::Bool(true))),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    TwoVariableMacros, EvalTest,
    ::testing::Values(
        Ok("AllIndexAndValue", "[10, 20].all(i, v, v == (i + 1) * 10)", Value::Bool(true)),
        Ok("ExistsKeyAndValue", "{'a': 1, 'b': 2}.exists(k, v, k == 'b' && v == 2)",
           Value::Bool(true)),
        Ok("ExistsOneIndex", "[5, 5, 5].existsOne(i, v, i == 1)", Value::Bool(true)),
        Ok("TransformList", "[1, 2].transformList(i, v, i * 100 + v)",
           L({Value::Int(1), Value::Int(102)})),
        Ok("TransformListFiltered", "[1, 2, 3].transformList(i, v, i != 1, v * 2)",
           L({Value::Int(2), Value::Int(6)})),
        Ok("TransformMap", "{'a': 1}.transformMap(k, v, v + 1) == {'a': 2}", Value::Bool(true)),
        Ok("TransformMapOfList", "[7, 8].transformMap(i, v, v * 2) == {0: 14, 1: 16}",
           Value::Bool(true))),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Optionals, EvalTest,
    ::testing::Values(
        Ok("OfHasValue", "optional.of(0).hasValue()", Value::Bool(true)),
        Ok("NoneHasNoValue", "optional.none().hasValue()", Value::Bool(false)),
        Ok("OfNonZeroValueOfZero", "optional.ofNonZeroValue('').hasValue()", Value::Bool(false)),
        Ok("Value", "optional.of('x').value()", Value::String("x")),
        Error("ValueOfNone", "optional.none().value()", StatusCode::kInvalidArgument,
              "optional.none()"),
        Ok("OrValue", "optional.none().orValue(7)", Value::Int(7)),
        Ok("OrValueIsLazy", "optional.of(1).orValue(1 / 0)", Value::Int(1)),
        Ok("Or", "optional.none().or(optional.of(2)).value()", Value::Int(2)),
        Ok("OptionalSelectPresent", "{'a': 5}.?a.value()", Value::Int(5)),
        Ok("OptionalSelectAbsent", "{'a': 5}.?b.hasValue()", Value::Bool(false)),
        Ok("ChainingThroughNone", "{'a': {}}.?a.b.c.orValue('dflt')", Value::String("dflt")),
        Ok("OptionalIndexList", "[1, 2][?5].hasValue()", Value::Bool(false)),
        Ok("OptionalIndexMap", "{1: 'one'}[?1].value()", Value::String("one")),
        Ok("OptionalListEntries", "[?optional.of(1), ?optional.none(), 3]",
           L({Value::Int(1), Value::Int(3)})),
        Ok("OptionalMapEntries", "{?'a': optional.none(), 'b': 1}.size()", Value::Int(1)),
        Ok("OptMap", "optional.of(2).optMap(x, x * 10).value()", Value::Int(20)),
        Ok("OptFlatMapNone", "optional.of(2).optFlatMap(x, optional.none()).hasValue()",
           Value::Bool(false)),
        Ok("HasThroughOptional", "has({'a': {'b': 1}}.?a.b)", Value::Bool(true)),
        Ok("Equality", "optional.of(1) == optional.of(1) && optional.none() != optional.of(1)",
           Value::Bool(true)),
        Ok("TypeName", "type(optional.none()) == optional_type", Value::Bool(true))),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    BindAndEncoders, EvalTest,
    ::testing::Values(Ok("Bind", "cel.bind(x, 2 + 3, x * x)", Value::Int(25)),
                      Ok("BindNested", "cel.bind(a, 1, cel.bind(b, a + 1, [a, b]))",
                         L({Value::Int(1), Value::Int(2)})),
                      Ok("BindUnusedErrorIsHarmless", "cel.bind(x, 1 / 0, true)",
                         Value::Bool(true)),
                      Error("BindUsedErrorPropagates", "cel.bind(x, 1 / 0, x + 1)",
                            StatusCode::kInvalidArgument, "divide by zero"),
                      Ok("Base64Encode", "base64.encode(b'hi!')", Value::String("aGkh")),
                      Ok("Base64EncodePadding", "base64.encode(b'h')", Value::String("aA==")),
                      Ok("Base64DecodeUnpadded", "base64.decode('aA')", Value::Bytes("h")),
                      Error("Base64DecodeInvalid", "base64.decode('a*==')",
                            StatusCode::kInvalidArgument, "base64")),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    MathExtension, EvalTest,
    ::testing::Values(
        Ok("GreatestInts", "math.greatest(3, 9, -2)", Value::Int(9)),
        Ok("GreatestMixedKeepsKind", "math.greatest(1, 2.5, 2u)", Value::Double(2.5)),
        Ok("GreatestOfList", "math.greatest([1u, 7u, 3u])", Value::Uint(7)),
        Ok("LeastDoubles", "math.least(0.5, -0.25)", Value::Double(-0.25)),
        Ok("CeilFloor", "[math.ceil(1.2), math.floor(-1.2)]",
           L({Value::Double(2.0), Value::Double(-2.0)})),
        Ok("RoundHalfAwayFromZero", "[math.round(2.5), math.round(-2.5), math.round(2.4)]",
           L({Value::Double(3.0), Value::Double(-3.0), Value::Double(2.0)})),
        Ok("Trunc", "math.trunc(-3.7)", Value::Double(-3.0)),
        Ok("AbsInt", "math.abs(-4)", Value::Int(4)),
        Ok("AbsDouble", "math.abs(-0.5)", Value::Double(0.5)),
        Error("AbsIntMinOverflows", "math.abs(-9223372036854775808)", StatusCode::kOutOfRange,
              "overflow"),
        Ok("Sign", "[math.sign(-7), math.sign(0), math.sign(3)]",
           L({Value::Int(-1), Value::Int(0), Value::Int(1)})),
        Ok("NaNAndInf",
           "[math.isNaN(0.0/0.0), math.isInf(1.0/0.0), math.isFinite(1.0), math.isFinite(1.0/0.0)]",
           L({Value::Bool(true), Value::Bool(true), Value::Bool(true), Value::Bool(false)})),
        Ok("BitOps", "[math.bitAnd(12, 10), math.bitOr(12, 10), math.bitXor(12, 10)]",
           L({Value::Int(8), Value::Int(14), Value::Int(6)})),
        Ok("BitNot", "math.bitNot(0u)", Value::Uint(18446744073709551615u)),
        Ok("ShiftLeft", "math.bitShiftLeft(1, 10)", Value::Int(1024)),
        Ok("ShiftRightIsLogical", "math.bitShiftRight(-1, 60)", Value::Int(15)),
        Ok("ShiftBeyondWidth", "math.bitShiftLeft(1, 64)", Value::Int(0)),
        Error("NegativeShift", "math.bitShiftLeft(1, -1)", StatusCode::kInvalidArgument,
              "negative shift"),
        Error("GreatestOfNonNumbers", "math.greatest(dyn('a'), 1)", StatusCode::kInvalidArgument,
              "no such overload")),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    StringsExtension, EvalTest,
    ::testing::Values(
        Ok("CharAt", "'h\u00e9llo'.charAt(1)", Value::String("\xC3\xA9")),
        Ok("CharAtEnd", "'abc'.charAt(3)", Value::String("")),
        Error("CharAtPastEnd", "'abc'.charAt(4)", StatusCode::kInvalidArgument, "out of range"),
        Ok("IndexOfCodePoints", "'\u00e9a\u00e9b'.indexOf('b')", Value::Int(3)),
        Ok("IndexOfFrom", "'abcabc'.indexOf('b', 2)", Value::Int(4)),
        Ok("IndexOfMissing", "'abc'.indexOf('z')", Value::Int(-1)),
        Ok("LastIndexOf", "'abcabc'.lastIndexOf('bc')", Value::Int(4)),
        Ok("LastIndexOfBefore", "'abcabc'.lastIndexOf('bc', 3)", Value::Int(1)),
        Ok("LowerAsciiOnly", "'AB\u00c9'.lowerAscii()", Value::String("ab\xC3\x89")),
        Ok("UpperAscii", "'abc'.upperAscii()", Value::String("ABC")),
        Ok("ReplaceAll", "'a-b-c'.replace('-', '+')", Value::String("a+b+c")),
        Ok("ReplaceLimited", "'a-b-c'.replace('-', '', 1)", Value::String("ab-c")),
        Ok("Split", "'a,b,,c'.split(',')",
           L({Value::String("a"), Value::String("b"), Value::String(""), Value::String("c")})),
        Ok("SplitLimited", "'a,b,c'.split(',', 2)", L({Value::String("a"), Value::String("b,c")})),
        Ok("Substring", "'credence'.substring(2, 5)", Value::String("ede")),
        Ok("SubstringFrom", "'credence'.substring(4)", Value::String("ence")),
        Error("SubstringReversed", "'abc'.substring(2, 1)", StatusCode::kInvalidArgument, "range"),
        Ok("Trim", "' \\t x y \\n'.trim()", Value::String("x y")),
        Ok("Reverse", "'ab\u00e9'.reverse()",
           Value::String("\xC3\xA9"
                         "ba")),
        Ok("Join", "['a', 'b'].join(', ')", Value::String("a, b")),
        Ok("JoinNoSeparator", "['a', 'b'].join()", Value::String("ab")),
        Ok("Quote", "strings.quote('say \"hi\"\\n')", Value::String("\"say \\\"hi\\\"\\n\"")),
        Error("ReplaceWrongType", "'42'.replace('2', 1)", StatusCode::kInvalidArgument,
              "no such overload", false)),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Time, EvalTest,
    ::testing::Values(
        Ok("TimestampFromInt", "timestamp(0) == timestamp('1970-01-01T00:00:00Z')",
           Value::Bool(true)),
        Ok("AddDuration",
           "timestamp('2020-02-28T23:00:00Z') + duration('2h') == "
           "timestamp('2020-02-29T01:00:00Z')",
           Value::Bool(true)),
        Ok("Subtract", "timestamp('2020-01-02T00:00:00Z') - timestamp('2020-01-01T00:00:00Z')",
           Value::Dur(Duration{86'400'000'000'000})),
        Ok("DurationUnits", "duration('1h2m3s4ms5us6ns')", Value::Dur(Duration{3'723'004'005'006})),
        Ok("DurationNegative", "duration('-1.5h')", Value::Dur(Duration{-5'400'000'000'000})),
        Ok("DurationSum", "duration('1s') + duration('-250ms')", Value::Dur(Duration{750'000'000})),
        Ok("FullYear", "timestamp('2009-02-13T23:31:30Z').getFullYear()", Value::Int(2009)),
        Ok("MonthZeroBased", "timestamp('2009-02-13T23:31:30Z').getMonth()", Value::Int(1)),
        Ok("DateOneBased", "timestamp('2009-02-13T23:31:30Z').getDate()", Value::Int(13)),
        Ok("DayOfMonthZeroBased", "timestamp('2009-02-13T23:31:30Z').getDayOfMonth()",
           Value::Int(12)),
        Ok("DayOfWeekFriday", "timestamp('2009-02-13T23:31:30Z').getDayOfWeek()", Value::Int(5)),
        Ok("DayOfYear", "timestamp('2009-12-31T00:00:00Z').getDayOfYear()", Value::Int(364)),
        Ok("Hours", "timestamp('2009-02-13T23:31:30Z').getHours()", Value::Int(23)),
        Ok("Minutes", "timestamp('2009-02-13T23:31:30Z').getMinutes()", Value::Int(31)),
        Ok("Milliseconds", "timestamp('2009-02-13T23:31:30.123456Z').getMilliseconds()",
           Value::Int(123)),
        Ok("FixedOffsetZone", "timestamp('2009-02-13T23:31:30Z').getHours('+05:30')",
           Value::Int(5)),
        Ok("FixedOffsetMinutes", "timestamp('2009-02-13T23:31:30Z').getMinutes('+05:30')",
           Value::Int(1)),
        Ok("NegativeOffsetDate", "timestamp('2009-02-13T02:00:00Z').getDate('-03:00')",
           Value::Int(12)),
        // Sydney is UTC+11 in February (daylight time) and UTC+10 in July.
        Ok("IanaZoneSummer", "timestamp('2009-02-13T23:31:30Z').getHours('Australia/Sydney')",
           Value::Int(10)),
        Ok("IanaZoneWinter", "timestamp('2009-07-13T23:31:30Z').getHours('Australia/Sydney')",
           Value::Int(9)),
        Ok("IanaZoneNewYork", "timestamp('2021-03-14T07:30:00Z').getHours('America/New_York')",
           Value::Int(3)),
        Ok("PreEpoch", "timestamp('1969-12-31T23:59:59Z').getFullYear()", Value::Int(1969)),
        Ok("DurationGetters",
           "[duration('3723s').getHours(), duration('3723s').getMinutes(), "
           "duration('3723.5s').getSeconds(), duration('1.25s').getMilliseconds()]",
           L({Value::Int(1), Value::Int(62), Value::Int(3723), Value::Int(250)})),
        Error("BadTimestamp", "timestamp('2009-02-30T00:00:00Z')", StatusCode::kInvalidArgument,
              "invalid timestamp"),
        Error("TimestampTooLate", "timestamp('9999-12-31T23:59:59Z') + duration('1s')",
              StatusCode::kOutOfRange, "range"),
        Error("BadDuration", "duration('1x')", StatusCode::kInvalidArgument, "invalid duration"),
        Error("DurationOverflow", "duration('300000000000s')", StatusCode::kOutOfRange, "range")),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Dynamic, EvalTest,
    ::testing::Values(Error("UndeclaredVariable", "x", StatusCode::kInvalidArgument,
                            "undeclared reference", false),
                      Dyn("UndeclaredShortCircuited", "true || x", Value::Bool(true)),
                      Error("UnknownFunction", "nope(1)", StatusCode::kInvalidArgument,
                            "unbound function", false),
                      Dyn("MixedList", "[1, 'a'][1]", Value::String("a"))),
    CaseName);

}  // namespace
}  // namespace credence::expr
