// The fast numeric path must agree with the general CEL program on every input: same true,
// same false, and an error exactly when CEL gives an error.
#include "rules/fast_condition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "rules/context.h"

namespace credence::rules {
namespace {

const std::vector<std::string> kNames = {"a", "b", "c", "d", "e"};

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  std::string Bool(int depth) {
    const int pick = static_cast<int>(rng_() % (depth > 3 ? 2 : 7));
    switch (pick) {
      case 0:
      case 1: {
        static const char* ops[] = {"<", "<=", ">", ">=", "==", "!="};
        return Num(depth + 1) + " " + ops[rng_() % 6] + " " + Num(depth + 1);
      }
      case 2:
        return "(" + Bool(depth + 1) + " && " + Bool(depth + 1) + ")";
      case 3:
        return "(" + Bool(depth + 1) + " || " + Bool(depth + 1) + ")";
      case 4:
        return "!(" + Bool(depth + 1) + ")";
      case 5:
        return "(" + Bool(depth + 1) + " ? " + Bool(depth + 1) + " : " + Bool(depth + 1) + ")";
      default:
        return rng_() % 2 ? "true" : "false";
    }
  }
  std::string Num(int depth) {
    const int pick = static_cast<int>(rng_() % (depth > 3 ? 3 : 8));
    switch (pick) {
      case 0:
        return kNames[rng_() % kNames.size()];
      case 1:
        return std::to_string(static_cast<int>(rng_() % 7) - 2) + ".5";
      case 2:
        return std::to_string(static_cast<int>(rng_() % 5));  // an int literal
      case 3:
        return "(" + Num(depth + 1) + " + " + Num(depth + 1) + ")";
      case 4:
        return "(" + Num(depth + 1) + " - " + Num(depth + 1) + ")";
      case 5:
        return "(" + Num(depth + 1) + " * " + Num(depth + 1) + ")";
      case 6:
        return "(" + Num(depth + 1) + " / " + Num(depth + 1) + ")";
      default:
        return "(" + Bool(depth + 1) + " ? " + Num(depth + 1) + " : " + Num(depth + 1) + ")";
    }
  }

 private:
  std::mt19937_64 rng_;
};

TEST(FastConditionTest, AgreesWithTheGeneralProgram) {
  auto env = MakeEnvironment(kNames);
  ASSERT_TRUE(env.ok());
  std::mt19937_64 rng(99);
  Gen gen(5);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double values[] = {0.0, -0.0, 1.0, 2.5, -2.5, 3.0, nan, nan, 1e308};
  int compiled = 0, fast = 0, compared = 0, errors = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string source = gen.Bool(0);
    auto program = expr::Compile(source, *env, {.expected_type = expr::Type::Bool()});
    if (!program.ok()) continue;  // e.g. int + double is a type error in CEL
    ++compiled;
    auto f = FastCondition::Compile(source, *env);
    if (!f) continue;
    ++fast;
    for (int k = 0; k < 20; ++k) {
      std::vector<double> features(kNames.size());
      for (double& x : features) x = values[rng() % std::size(values)];
      auto want = (*program)->EvaluateBool(features);
      const FastCondition::Tri got = f->Evaluate(features);
      ++compared;
      if (!want.ok()) {
        ++errors;
        ASSERT_EQ(got, FastCondition::Tri::kError) << source;
      } else {
        ASSERT_EQ(got, *want ? FastCondition::Tri::kTrue : FastCondition::Tri::kFalse) << source;
      }
    }
  }
  EXPECT_GT(compiled, 1000);
  EXPECT_GT(fast, compiled / 2) << "most generated conditions are in the fast subset";
  EXPECT_GT(errors, compared / 20) << "missing features must be exercised";
}

TEST(FastConditionTest, OutsideTheSubsetIsNotCompiled) {
  auto env = MakeEnvironment(kNames);
  ASSERT_TRUE(env.ok());
  for (const char* source : {"enterprise.sector == 'x'", "a > 1.0 && size(flags) > 0", "int(a) > 2",
                             "[a, b].exists(x, x > 1.0)", "a > "}) {
    EXPECT_FALSE(FastCondition::Compile(source, *env).has_value()) << source;
  }
  EXPECT_TRUE(
      FastCondition::Compile("a > 1.0 && !(b <= 2) || (c / d > 0.5 ? e > 1.0 : false)", *env)
          .has_value());
}

}  // namespace
}  // namespace credence::rules
