// FlatBatch, many conditions in one jump-free program with shared subexpressions, must give
// every covered condition the general evaluator's result (true, false or error), leave the
// others alone, and compute a subexpression shared by several conditions once.
#include "expr/flat_batch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "expr/program.h"
#include "tests/expr/test_util.h"

namespace credence::expr {
namespace {

const std::vector<std::string> kNames = {"a", "b", "c", "d"};

Environment Env() { return testing::FeatureEnv(kNames); }

// The reference: the general evaluator (the planned tree, with CEL's short circuits).
using testing::GeneralTri;

TEST(FlatBatchTest, AgreesWithTheGeneralEvaluatorOnRandomBatches) {
  const Environment env = Env();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double values[] = {0.0, -0.0, 1.0, 1.5, -1.0, 0.5, nan, nan, 1e308, -1e308};
  std::mt19937_64 rng(2026);
  int covered = 0, uncovered = 0, compared = 0, errors = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    // Four features and small constants: the conditions of a batch share subexpressions.
    testing::ConditionGen gen(seed, kNames);
    std::vector<std::shared_ptr<const Program>> programs;
    std::vector<const Program*> raw;
    std::vector<std::string> sources;
    while (programs.size() < 60) {
      // Some conditions outside the flat subset (they read a request variable).
      const std::string source =
          rng() % 12 == 0 ? "enterprise.sector == 'x' || " + gen.Bool(1) : gen.Bool(0);
      auto p = Compile(source, env, {.expected_type = Type::Bool()});
      if (!p.ok()) continue;  // e.g. int + double is a type error in CEL
      programs.push_back(*p);
      raw.push_back(p->get());
      sources.push_back(source);
    }
    raw.push_back(nullptr);  // a null program is uncovered
    const FlatBatch batch = FlatBatch::Lower(raw);
    ASSERT_EQ(batch.size(), raw.size());
    EXPECT_FALSE(batch.covers(raw.size() - 1));
    for (std::size_t i = 0; i < programs.size(); ++i) {
      ASSERT_EQ(batch.covers(i), programs[i]->flat() != nullptr) << sources[i];
      batch.covers(i) ? ++covered : ++uncovered;
    }
    for (int k = 0; k < 30; ++k) {
      // Sometimes a short vector: the slots beyond it are missing features.
      std::vector<double> features(k % 7 == 0 ? 2 : kNames.size());
      for (double& x : features) x = values[rng() % std::size(values)];
      std::vector<Tri> out(batch.size(), static_cast<Tri>(7));  // not a Tri: must stay
      batch.Evaluate(features, out);
      for (std::size_t i = 0; i < programs.size(); ++i) {
        if (!batch.covers(i)) {
          ASSERT_EQ(out[i], static_cast<Tri>(7)) << "an uncovered result was written";
          continue;
        }
        const Tri want = GeneralTri(*programs[i], features);
        ++compared;
        errors += want == Tri::kError;
        ASSERT_EQ(out[i], want) << sources[i] << " (seed " << seed << ", vector " << k << ")";
      }
    }
  }
  EXPECT_GT(covered, 1500);
  EXPECT_GT(uncovered, 20) << "conditions outside the subset must be exercised";
  EXPECT_GT(errors, compared / 20) << "missing features must be exercised";
  EXPECT_LT(errors, compared - compared / 4);
}

// A subexpression written in several conditions is one instruction: here `(a + 1.0)`, the
// read of b and the comparison `a > 2.0`, in either order around &&.
TEST(FlatBatchTest, SharedSubexpressionsAreComputedOnce) {
  const Environment env = Env();
  std::vector<std::shared_ptr<const Program>> programs;
  std::vector<const Program*> raw;
  for (const char* source : {"(a + 1.0) / (b + 1.0) > 2.0", "(a + 1.0) * 2.0 < b",
                             "a > 2.0 && c < 1.0", "c < 1.0 && a > 2.0"}) {
    auto p = Compile(source, env, {.expected_type = Type::Bool()});
    ASSERT_TRUE(p.ok()) << p.status();
    programs.push_back(*p);
    raw.push_back(p->get());
  }
  const FlatBatch batch = FlatBatch::Lower(raw);
  // a, a + 1.0, b, b + 1.0, /, > 2.0 | * 2.0, <   | a > 2.0, c < 1.0, && (shared by both).
  EXPECT_EQ(batch.code().size(), 11u);
  std::vector<Tri> out(4);
  batch.Evaluate(std::vector<double>{5, 1, 0, 0}, out);  // 6/2 > 2; 12 < 1; 5 > 2 && 0 < 1
  EXPECT_EQ(out, (std::vector<Tri>{Tri::kTrue, Tri::kFalse, Tri::kTrue, Tri::kTrue}));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  batch.Evaluate(std::vector<double>{1, nan, 5, 0}, out);  // b missing; false && error
  EXPECT_EQ(out, (std::vector<Tri>{Tri::kError, Tri::kError, Tri::kFalse, Tri::kFalse}));
}

// Ordered by depth, then by op: a few runs of one op each, whatever the number of rules.
TEST(FlatBatchTest, InstructionsAreGroupedIntoRunsOfOneOp) {
  const Environment env = Env();
  std::vector<std::shared_ptr<const Program>> programs;
  std::vector<const Program*> raw;
  for (int i = 0; i < 200; ++i) {
    const std::string source = kNames[i % 4] + " > " + std::to_string(i) + ".0 && " +
                               kNames[(i + 1) % 4] + " < " + std::to_string(i) + ".5";
    auto p = Compile(source, env, {.expected_type = Type::Bool()});
    ASSERT_TRUE(p.ok()) << p.status();
    programs.push_back(*p);
    raw.push_back(p->get());
  }
  const FlatBatch batch = FlatBatch::Lower(raw);
  EXPECT_EQ(batch.covered_count(), 200u);
  EXPECT_EQ(batch.run_count(), 3u);  // the > reads, the < reads, the &&s
  std::vector<Tri> out(200);
  batch.Evaluate(std::vector<double>{100, 100, 100, 100}, out);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(out[static_cast<std::size_t>(i)], 100 > i && 100 < i + 0.5 ? Tri::kTrue : Tri::kFalse)
        << i;
  }
}

}  // namespace
}  // namespace credence::expr
