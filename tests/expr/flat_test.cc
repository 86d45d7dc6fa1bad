// The flat form must agree with the general evaluator on every input: same true, same
// false, and an error exactly when CEL gives an error.
#include "expr/flat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "expr/program.h"
#include "tests/expr/test_util.h"

namespace credence::expr {
namespace {

const std::vector<std::string> kNames = {"a", "b", "c", "d", "e"};

// The features a..e by slot, plus two request variables of rules (a string and a list).
Environment Env() {
  Environment env = testing::FeatureEnv(kNames);
  EXPECT_TRUE(env.Declare("flags", Type::List(Type::String())).ok());
  return env;
}

using testing::GeneralTri;

TEST(FlatProgramTest, AgreesWithTheGeneralEvaluator) {
  const Environment env = Env();
  std::mt19937_64 rng(99);
  testing::ConditionGen gen(5, kNames);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double values[] = {0.0, -0.0, 1.0, 2.5, -2.5, 3.0, nan, nan, 1e308};
  int compiled = 0, fast = 0, compared = 0, errors = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string source = gen.Bool(0);
    auto program = Compile(source, env, {.expected_type = Type::Bool()});
    if (!program.ok()) continue;  // e.g. int + double is a type error in CEL
    ++compiled;
    const FlatProgram* flat = (*program)->flat();
    if (flat == nullptr) continue;
    ++fast;
    for (int k = 0; k < 20; ++k) {
      std::vector<double> features(kNames.size());
      for (double& x : features) x = values[rng() % std::size(values)];
      const Tri want = GeneralTri(**program, features);
      const Tri got = flat->Evaluate(features);
      ++compared;
      errors += want == Tri::kError;
      ASSERT_EQ(got, want) << source;
      // And EvaluateBool, which runs the flat form first, gives the general result.
      Result<bool> b = (*program)->EvaluateBool(features);
      ASSERT_EQ(b.ok() ? (*b ? Tri::kTrue : Tri::kFalse) : Tri::kError, want) << source;
    }
  }
  EXPECT_GT(compiled, 1000);
  EXPECT_GT(fast, compiled / 2) << "most generated conditions are in the flat subset";
  EXPECT_GT(errors, compared / 20) << "missing features must be exercised";
}

TEST(FlatProgramTest, OutsideTheSubsetHasNoFlatForm) {
  const Environment env = Env();
  for (const char* source : {"enterprise.sector == 'x'", "a > 1.0 && size(flags) > 0", "int(a) > 2",
                             "[a, b].exists(x, x > 1.0)"}) {
    auto program = Compile(source, env, {.expected_type = Type::Bool()});
    ASSERT_TRUE(program.ok()) << source << ": " << program.status();
    EXPECT_EQ((*program)->flat(), nullptr) << source;
    EXPECT_FALSE((*program)->uses_fast_path()) << source;
  }
  EXPECT_FALSE(Compile("a > ", env).ok());
  auto in_subset = Compile("a > 1.0 && !(b <= 2) || (c / d > 0.5 ? e > 1.0 : false)", env,
                           {.expected_type = Type::Bool()});
  ASSERT_TRUE(in_subset.ok()) << in_subset.status();
  EXPECT_NE((*in_subset)->flat(), nullptr);
}

// Integer constants compare with doubles by value (CEL's rule), and with each other exactly:
// the flat form keeps only the integers a double represents exactly when no double is
// involved.
TEST(FlatProgramTest, IntegerConstantsCompareLikeCel) {
  const Environment env = Env();
  const std::vector<double> features = {9007199254740992.0, 0, 0, 0, 0};  // 2^53
  const struct {
    const char* source;
    bool flat;
  } cases[] = {
      {"a == 9007199254740993", true},  // double vs int: the int as a double, 2^53
      {"a < 9007199254740993", true},
      {"(a > 0.0 ? 9007199254740993 : 1) == 9007199254740992", false},  // int vs int: exact
      {"(a > 0.0 ? 3 : 1) == 3", true},
      {"-a < 1", true},
  };
  for (const auto& c : cases) {
    auto program = Compile(c.source, env, {.check_types = false, .expected_type = Type::Bool()});
    ASSERT_TRUE(program.ok()) << c.source << ": " << program.status();
    const FlatProgram* flat = (*program)->flat();
    ASSERT_EQ(flat != nullptr, c.flat) << c.source;
    if (flat != nullptr) {
      EXPECT_EQ(flat->Evaluate(features), GeneralTri(**program, features)) << c.source;
    }
  }
}

// !(f < k) becomes f >= k only when k is not NaN: f < NaN is false, so !(f < NaN) is true,
// while f >= NaN is false.
TEST(FlatProgramTest, NegatedComparisonWithNaNConstant) {
  const Environment env = Env();
  auto program = Compile("!(a < 0.0 / 0.0)", env, {.expected_type = Type::Bool()});
  ASSERT_TRUE(program.ok()) << program.status();
  const FlatProgram* flat = (*program)->flat();
  ASSERT_NE(flat, nullptr);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(flat->Evaluate(std::vector<double>{1, 0, 0, 0, 0}), Tri::kTrue);
  EXPECT_EQ(flat->Evaluate(std::vector<double>{nan, 0, 0, 0, 0}), Tri::kError);
}

// The shape later optimisations build on: a comparison and the jump that tests it are one
// instruction, and `x op k` takes its constant inline.
TEST(FlatProgramTest, CompareAndBranchIsOneInstruction) {
  const Environment env = Env();
  auto program =
      Compile("a > 1.0 && (b + 1.0) / (c + 1.0) < 2.0", env, {.expected_type = Type::Bool()});
  ASSERT_TRUE(program.ok()) << program.status();
  const FlatProgram* flat = (*program)->flat();
  ASSERT_NE(flat, nullptr);
  // a > 1.0 (and skip when false); b; +1; c; +1; /; < 2.0; &&.
  EXPECT_EQ(flat->code().size(), 8u);
  EXPECT_EQ(flat->code()[0].op, FlatProgram::Op::kFeatureCmp);
  EXPECT_EQ(flat->code()[0].branch, FlatProgram::Branch::kIfEqual);
  EXPECT_EQ(flat->Evaluate(std::vector<double>{2, 1, 1, 0, 0}), Tri::kTrue);   // 2/2 < 2
  EXPECT_EQ(flat->Evaluate(std::vector<double>{2, 5, 1, 0, 0}), Tri::kFalse);  // 6/2
  EXPECT_EQ(
      flat->Evaluate(std::vector<double>{0, std::numeric_limits<double>::quiet_NaN(), 1, 0, 0}),
      Tri::kFalse);  // false && error
}

}  // namespace
}  // namespace credence::expr
