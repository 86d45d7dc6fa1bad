#include "explain/reasons.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::explain {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ReasonCatalogTest, TopAdverseLargestFirstTiesByFeatureOrder) {
  v1::Bundle b = ParseText<v1::Bundle>(R"pb(
    reason_codes { code: "R1" feature: "a" text: "A is high" }
    reason_codes { code: "R3" feature: "c" text: "C is high" }
  )pb");
  auto catalog = ReasonCatalog::Compile(b.reason_codes(), {"a", "b", "c", "d"});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::vector<double> contributions = {0.5, -2.0, 0.5, 1.5};
  const std::vector<double> values = {1, 2, 3, 4};
  google::protobuf::RepeatedPtrField<v1::Reason> out;
  catalog->TopAdverse(contributions, values, 4, "m", &out);
  ASSERT_EQ(out.size(), 3) << "only positive (adverse) contributions are reasons";
  EXPECT_EQ(out[0].code(), "FEATURE:d");
  EXPECT_EQ(out[0].value(), 4);
  EXPECT_EQ(out[1].code(), "R1");
  EXPECT_EQ(out[1].text(), "A is high");
  EXPECT_EQ(out[2].code(), "R3");
  EXPECT_EQ(out[2].model_id(), "m");
  out.Clear();
  catalog->TopAdverse(contributions, values, 1, "m", &out);
  ASSERT_EQ(out.size(), 1);
  EXPECT_EQ(out[0].feature(), "d");
}

TEST(ReasonCatalogTest, RejectsBadCatalogues) {
  auto unknown = ParseText<v1::Bundle>("reason_codes { code: 'R1' feature: 'zz' }");
  EXPECT_THAT(ReasonCatalog::Compile(unknown.reason_codes(), {"a"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown feature 'zz'")));
  auto dup = ParseText<v1::Bundle>(
      "reason_codes { code: 'R1' feature: 'a' } reason_codes { code: 'R1' feature: 'b' }");
  EXPECT_THAT(ReasonCatalog::Compile(dup.reason_codes(), {"a", "b"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unique")));
  auto twice = ParseText<v1::Bundle>(
      "reason_codes { code: 'R1' feature: 'a' } reason_codes { code: 'R2' feature: 'a' }");
  EXPECT_THAT(ReasonCatalog::Compile(twice.reason_codes(), {"a"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("two reason codes")));
}

}  // namespace
}  // namespace credence::explain
