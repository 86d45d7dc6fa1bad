// The bundle lint on a bundle built to exercise every finding.
#include "lint/bundle_lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/builders.h"

namespace credence::lint {
namespace {

using ::credence::testing::ParseText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

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
}  // namespace credence::lint

namespace credence::lint {
namespace {

constexpr const char* kScreening = R"pb(
  features {
    name: "only_screened"
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  lists { name: "blocked" values: "x" }
  lists { name: "unread" values: "y" }
  screening {
    rule_sets {
      id: "s"
      rules {
        id: "ok"
        condition: "event.kind == 'PAYMENT' && event.counterparty in lists.blocked"
        outcome: OUTCOME_REJECT
      }
      rules { id: "typo" condition: "'REFUNDS' == event.kind" points: 5 }
      rules { id: "idle" condition: "only_screened > 3.0" }
      rules { id: "never" condition: "only_screened > 5.0 && only_screened < 3.0" points: 1 }
    }
  }
)pb";

TEST(BundleLintTest, ScreeningRulesAndLists) {
  const auto b = ParseText<v1::Bundle>(kScreening);
  EXPECT_THAT(UnusedFeatures(b), IsEmpty());  // read by screening rules only
  auto never = NeverFiringRules(b);
  ASSERT_EQ(never.size(), 1u);
  EXPECT_EQ(never[0].field_path, "screening.rule_sets[0].rules[3].condition");
  auto found = ScreeningFindings(b);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].field_path, "screening.rule_sets[0].rules[1].condition");
  EXPECT_THAT(found[0].message, HasSubstr("'REFUNDS', which is no event kind"));
  EXPECT_EQ(found[1].field_path, "screening.rule_sets[0].rules[2]");
  EXPECT_THAT(found[1].message, HasSubstr("neither an outcome nor points"));
  EXPECT_EQ(found[2].field_path, "lists[1].name");
  EXPECT_THAT(found[2].message, HasSubstr("'unread' is not read"));
}

}  // namespace
}  // namespace credence::lint
