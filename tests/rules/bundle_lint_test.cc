#include "rules/bundle_lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "expr/parser.h"
#include "tests/testing/builders.h"

namespace credence::rules {
namespace {

using ::credence::testing::ParseText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Names(const std::string& text) {
  auto names = ReferencedNames(text);
  EXPECT_TRUE(names.ok()) << names.status();
  return names.ok() ? *names : std::vector<std::string>{};
}

TEST(ReferencedNamesTest, IdentifiersAndMemberChainsWithoutLocals) {
  EXPECT_THAT(Names("refund_rate > 0.15 && orders >= 20.0 && refund_rate < 1.0"),
              ElementsAre("refund_rate", "orders"));
  EXPECT_THAT(Names("enterprise.zone == 'X' || size(enterprise.certifications) > 0"),
              ElementsAre("enterprise.zone", "enterprise.certifications"));
  // Comprehension variables are not read from the request; the range is.
  EXPECT_THAT(Names("flags.exists(f, f == 'new') && [1, 2].all(x, x < penalties)"),
              ElementsAre("flags", "penalties"));
  EXPECT_THAT(Names("has(enterprise.name)"), ElementsAre("enterprise.name"));
  EXPECT_THAT(Names("1 + 2 == 3"), IsEmpty());
  EXPECT_FALSE(ReferencedNames("a +").ok());
}

TEST(TemplateNamesTest, BracesAndEscapes) {
  EXPECT_THAT(TemplateNames("rate {refund_rate} over {orders} {{literal}} {orders}"),
              ElementsAre("refund_rate", "orders"));
  EXPECT_THAT(TemplateNames("no names"), IsEmpty());
}

Satisfiability Analyze(const std::string& text, std::string* why = nullptr) {
  auto parsed = expr::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return AnalyzeCondition(*parsed->root, why);
}

TEST(AnalyzeConditionTest, ConstantFolding) {
  EXPECT_EQ(Analyze("false"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("true"), Satisfiability::kAlways);
  EXPECT_EQ(Analyze("1 > 2"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("-1.5 < 0 && !(2 == 2.0)"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x > 1 && 1 == 2"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x > 1 || 1 == 1"), Satisfiability::kAlways);
  EXPECT_EQ(Analyze("(1 < 2 ? false : true) && x > 0"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x > 1 || 1 == 2"), Satisfiability::kUnknown);
}

TEST(AnalyzeConditionTest, ContradictoryBoundsOnOneVariable) {
  std::string why;
  EXPECT_EQ(Analyze("x > 5.0 && x < 3.0", &why), Satisfiability::kNever);
  EXPECT_THAT(why, HasSubstr("'x'"));
  EXPECT_EQ(Analyze("x >= 3 && y > 0 && x < 3"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x >= 3 && x <= 3"), Satisfiability::kUnknown);  // x == 3 fits
  EXPECT_EQ(Analyze("x > 3 && x <= 3"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("x == 1 && x >= 2"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("5 < x && x < 6"), Satisfiability::kUnknown);
  EXPECT_EQ(Analyze("5 < x && 4 > x"), Satisfiability::kNever);  // constant on the left
  EXPECT_EQ(Analyze("x > 5 && y < 3"), Satisfiability::kUnknown);
  EXPECT_EQ(Analyze("enterprise.zone == 'a' && enterprise.zone == 'b'"), Satisfiability::kNever);
  EXPECT_EQ(Analyze("enterprise.zone == 'a' && enterprise.zone == 'a'"), Satisfiability::kUnknown);
  // Disjunctions are not split: (x > 5 || x < 3) is satisfiable.
  EXPECT_EQ(Analyze("(x > 5 || x < 3) && x > 4"), Satisfiability::kUnknown);
}

// Brute force: for conditions over one variable built from random bounds, kNever must agree
// with "no value in a fine grid (plus the bounds themselves) satisfies every conjunct".
TEST(AnalyzeConditionTest, AgreesWithGridSearchOnRandomBounds) {
  const char* ops[] = {"<", "<=", ">", ">=", "=="};
  unsigned seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
  };
  int nevers = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + static_cast<int>(next() % 3);
    std::string text;
    std::vector<std::pair<int, int>> parts;  // op, constant
    for (int i = 0; i < n; ++i) {
      const int op = static_cast<int>(next() % 5), c = static_cast<int>(next() % 7);
      parts.emplace_back(op, c);
      if (i) text += " && ";
      text += "x " + std::string(ops[op]) + " " + std::to_string(c) + ".0";
    }
    bool satisfiable = false;
    for (int k = -20; k <= 160 && !satisfiable; ++k) {
      const double x = k / 20.0;  // steps of 0.05 cover every gap between integer bounds
      bool all = true;
      for (auto [op, c] : parts) {
        const bool ok = op == 0   ? x < c
                        : op == 1 ? x <= c
                        : op == 2 ? x > c
                        : op == 3 ? x >= c
                                  : x == c;
        all = all && ok;
      }
      satisfiable = all;
    }
    const Satisfiability s = Analyze(text);
    EXPECT_EQ(s == Satisfiability::kNever, !satisfiable) << text;
    nevers += s == Satisfiability::kNever;
  }
  EXPECT_GT(nevers, 20) << "the random cases should include contradictions";
}

constexpr const char* kBundle = R"pb(
  features {
    name: "a"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "b"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "c"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "d"
    ratio { numerator: "a" denominator: "e" }
  }
  features {
    name: "e"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "f"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "g"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "unused1"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "h"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  rule_sets {
    id: "s"
    rules { id: "ok" condition: "a > 1.0" message: "{b}" }
    rules { id: "never" condition: "c > 5.0 && c < 3.0" }
    rules { id: "const" condition: "1 > 2" }
  }
  decision_tables {
    id: "t"
    hit_policy: DECISION_HIT_POLICY_UNIQUE
    inputs { name: "x" expression: "d" }
    inputs { name: "z" expression: "enterprise.zone" }
    outputs { name: "outcome" }
    rows { input_entries: "< 1" input_entries: "\"a\"" output_entries: "\"APPROVE\"" }
    rows { input_entries: ">= 1" input_entries: "\"a\"" output_entries: "\"REVIEW\"" }
    rows { input_entries: "< 1" input_entries: "not(\"a\")" output_entries: "\"REVIEW\"" }
    rows { input_entries: "< 2" input_entries: "not(\"b\")" output_entries: "\"REJECT\"" }
  }
  models {
    id: "m"
    logistic { terms { feature: "f" } }
  }
  reason_codes { code: "R" feature: "g" }
  models {
    id: "t"
    tree_ensemble { file: "x.json" features: "h" }
  }
)pb";

TEST(BundleLintTest, UnusedFeaturesAreThoseNothingReads) {
  const auto b = ParseText<v1::Bundle>(kBundle);
  auto found = UnusedFeatures(b);
  // c is read only by a rule that never fires, but it is read; e only by the ratio d.
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].field_path, "features[7].name");
  EXPECT_THAT(found[0].message, HasSubstr("'unused1'"));
}

TEST(BundleLintTest, NeverFiringRules) {
  const auto b = ParseText<v1::Bundle>(kBundle);
  auto found = NeverFiringRules(b);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].field_path, "rule_sets[0].rules[1].condition");
  EXPECT_THAT(found[0].message, HasSubstr("'s/never' can never fire"));
  EXPECT_EQ(found[1].field_path, "rule_sets[0].rules[2].condition");
}

TEST(BundleLintTest, UniqueRowsThatMayOverlap) {
  const auto b = ParseText<v1::Bundle>(kBundle);
  auto found = PossiblyOverlappingRows(b);
  // 0/1 disjoint on x; 0/2 disjoint on z (not("a") vs "a"); 1/2 disjoint on x;
  // 0/3: x overlaps, z "a" vs not("b") overlaps but is not judged by the compiler -> warn;
  // 1/3: x [1, 2) overlaps, z likewise -> warn; 2/3: not("a") vs not("b") -> warn.
  ASSERT_EQ(found.size(), 3u);
  EXPECT_THAT(found[0].message, HasSubstr("rows 0 and 3 may overlap"));
  EXPECT_THAT(found[1].message, HasSubstr("rows 1 and 3 may overlap"));
  EXPECT_THAT(found[2].message, HasSubstr("rows 2 and 3 may overlap"));
  EXPECT_EQ(found[0].field_path, "decision_tables[0].rows[3]");
}

}  // namespace
}  // namespace credence::rules
