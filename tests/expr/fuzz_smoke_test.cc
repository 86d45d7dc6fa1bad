// Deterministic fuzz smoke test: random token soup and random well-formed expressions must
// compile or fail with a Status, and evaluate or fail with a value/Status, never crash (run
// it under ASan/UBSan: -DCREDENCE_SANITIZE=address,undefined).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "expr/program.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

const char* const kTokens[] = {"1",
                               "0",
                               "-1",
                               "2u",
                               "1.5",
                               "1e308",
                               "-0.0",
                               "'a'",
                               "\"\\u00e9\"",
                               "b'\\xff'",
                               "r'\\n'",
                               "true",
                               "false",
                               "null",
                               "x",
                               "xs",
                               "m",
                               "s",
                               "f",
                               "(",
                               ")",
                               "[",
                               "]",
                               "{",
                               "}",
                               ",",
                               ":",
                               ".",
                               "?",
                               "+",
                               "-",
                               "*",
                               "/",
                               "%",
                               "!",
                               "&&",
                               "||",
                               "==",
                               "!=",
                               "<",
                               "<=",
                               ">",
                               ">=",
                               " in ",
                               "size",
                               "int",
                               "uint",
                               "double",
                               "string",
                               "bytes",
                               "type",
                               "dyn",
                               "has",
                               ".all(",
                               ".exists(",
                               ".map(",
                               ".filter(",
                               ".exists_one(",
                               "e",
                               "timestamp",
                               "duration",
                               "'2020-01-01T00:00:00Z'",
                               "'1h'",
                               ".getHours(",
                               ".matches(",
                               "'a+'",
                               "math.greatest(",
                               ".split(",
                               ".format(",
                               "9223372036854775807",
                               "18446744073709551615u",
                               "'\\xff'",
                               "\xff",
                               "`a`",
                               "@",
                               "#",
                               ".?",
                               "[?",
                               "?",
                               "optional.of(",
                               "optional.none()",
                               ".orValue(",
                               ".optMap(",
                               "cel.bind(",
                               ".transformList(",
                               "base64.decode("};

const char* const kLeaves[] = {"1",
                               "-7",
                               "3u",
                               "2.5",
                               "'ab'",
                               "b'x'",
                               "true",
                               "null",
                               "x",
                               "f",
                               "s",
                               "xs",
                               "m",
                               "[]",
                               "{}",
                               "0.0",
                               "-9223372036854775808"};
const char* const kBinary[] = {
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", " in "};
const char* const kUnaryFns[] = {"size",  "int",  "uint", "double", "string",
                                 "bytes", "type", "dyn",  "bool",   "optional.of"};
const char* const kMethods[] = {".size()",
                                ".contains('a')",
                                ".startsWith('a')",
                                ".matches('a.')",
                                ".getHours()",
                                ".all(e, e == 1)",
                                ".exists(e, true)",
                                ".map(e, e)",
                                ".filter(e, false)",
                                ".exists_one(e, true)",
                                "[0]",
                                "['k']",
                                ".k",
                                ".?k",
                                "[?0]",
                                ".hasValue()",
                                ".orValue(1)",
                                ".optMap(o, o)"};

std::string RandomExpr(std::mt19937& rng, int depth) {
  auto pick = [&](auto& arr) {
    return std::string(arr[std::uniform_int_distribution<std::size_t>(0, std::size(arr) - 1)(rng)]);
  };
  int choice = depth <= 0 ? 0 : std::uniform_int_distribution<int>(0, 6)(rng);
  switch (choice) {
    case 0:
      return pick(kLeaves);
    case 1:
      return "(" + RandomExpr(rng, depth - 1) + pick(kBinary) + RandomExpr(rng, depth - 1) + ")";
    case 2:
      return pick(kUnaryFns) + "(" + RandomExpr(rng, depth - 1) + ")";
    case 3:
      return RandomExpr(rng, depth - 1) + pick(kMethods);
    case 4:
      return RandomExpr(rng, depth - 1) + " ? " + RandomExpr(rng, depth - 1) + " : " +
             RandomExpr(rng, depth - 1);
    case 5:
      return "[" + RandomExpr(rng, depth - 1) + ", " + RandomExpr(rng, depth - 1) + "]";
    default:
      return "{" + RandomExpr(rng, depth - 1) + ": " + RandomExpr(rng, depth - 1) + "}";
  }
}

Environment FuzzEnv() {
  Environment env;
  EXPECT_OK(env.Declare("x", Type::Int()));
  EXPECT_OK(env.Declare("s", Type::String()));
  EXPECT_OK(env.Declare("xs", Type::List(Type::Int())));
  EXPECT_OK(env.Declare("m", Type::Map(Type::String(), Type::Dyn())));
  EXPECT_OK(env.DeclareFeature("f", 0));
  return env;
}

Activation FuzzActivation() {
  Activation a;
  a.Bind("x", Value::Int(3));
  a.Bind("s", Value::String("abc"));
  a.Bind("xs", Value::List({Value::Int(1), Value::Int(2)}));
  MapValue m;
  m.Insert(Value::String("k"), Value::Int(1), nullptr);
  a.Bind("m", Value::Map(std::move(m)));
  return a;
}

void CompileAndRun(const std::string& src, const Environment& env, const Activation& a,
                   int* compiled) {
  static const double kFeatures[] = {0.5};
  for (bool check : {true, false}) {
    CompileOptions o;
    o.check_types = check;
    o.max_steps = 10'000;
    Result<std::shared_ptr<const Program>> p = Compile(src, env, o);
    if (!p.ok()) {
      // Every compile error names a code and, for parse/check errors, a location.
      EXPECT_NE(p.status().code(), StatusCode::kOk);
      continue;
    }
    ++*compiled;
    Activation with_features = a;
    with_features.set_features(kFeatures);
    Result<Value> v = (*p)->Evaluate(with_features);
    if (v.ok()) (void)v->DebugString();
    Result<bool> b = (*p)->EvaluateBool(kFeatures, &a);
    (void)b.ok();
  }
}

TEST(FuzzSmokeTest, RandomTokenSoupNeverCrashes) {
  std::mt19937 rng(20240601);
  Environment env = FuzzEnv();
  Activation a = FuzzActivation();
  int compiled = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string src;
    int n = std::uniform_int_distribution<int>(1, 12)(rng);
    for (int k = 0; k < n; ++k) {
      src += kTokens[std::uniform_int_distribution<std::size_t>(0, std::size(kTokens) - 1)(rng)];
    }
    CompileAndRun(src, env, a, &compiled);
  }
  EXPECT_GT(compiled, 100);  // the soup is not all syntax errors
}

TEST(FuzzSmokeTest, RandomWellFormedExpressionsNeverCrash) {
  std::mt19937 rng(7);
  Environment env = FuzzEnv();
  Activation a = FuzzActivation();
  int compiled = 0;
  for (int i = 0; i < 3000; ++i) {
    CompileAndRun(RandomExpr(rng, 4), env, a, &compiled);
  }
  EXPECT_GT(compiled, 1000);
}

TEST(FuzzSmokeTest, RandomBytesNeverCrash) {
  std::mt19937 rng(99);
  Environment env = FuzzEnv();
  Activation a = FuzzActivation();
  int compiled = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string src(std::uniform_int_distribution<std::size_t>(0, 40)(rng), '\0');
    for (char& c : src) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    CompileAndRun(src, env, a, &compiled);
  }
}

}  // namespace
}  // namespace credence::expr
