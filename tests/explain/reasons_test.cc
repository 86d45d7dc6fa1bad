#include "explain/reasons.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::explain {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
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

// Three features: a rate that needs at least 3 events of `count`, the count (a size
// measure), and a value that is missing without events and names no code.
constexpr const char* kTruthful = R"pb(
  features {
    name: "rate"
    risk_direction: RISK_DIRECTION_INCREASING
    data_requirement { feature: "count" min_value: 3 reason_code: "H1" }
  }
  features { name: "count" risk_direction: RISK_DIRECTION_NONE }
  features {
    name: "tenure"
    risk_direction: RISK_DIRECTION_DECREASING
    data_requirement { feature: "count" min_value: 1 }
  }
  reason_codes { code: "R1" feature: "rate" text: "Rate is high" }
  reason_codes { code: "R1H" feature: "rate" text: "Rate is very high" from_value: 0.5 }
  reason_codes { code: "R2" feature: "count" text: "Count" }
  reason_codes { code: "R3" feature: "tenure" text: "Short tenure" }
  reason_codes { code: "H1" text: "Not enough history" }
)pb";

ReasonCatalog Truthful() {
  const v1::Bundle b = ParseText<v1::Bundle>(kTruthful);
  auto catalog =
      ReasonCatalog::Compile(b.reason_codes(), {"rate", "count", "tenure"}, &b.features());
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return *std::move(catalog);
}

std::vector<std::string> Codes(const google::protobuf::RepeatedPtrField<v1::Reason>& out) {
  std::vector<std::string> codes;
  for (const auto& r : out) {
    codes.push_back(r.code() +
                    (r.kind() == v1::REASON_KIND_INSUFFICIENT_DATA ? "/insufficient" : ""));
  }
  return codes;
}

TEST(ReasonCatalogTest, NoReasonWithoutDataOrForASizeMeasure) {
  const ReasonCatalog catalog = Truthful();
  google::protobuf::RepeatedPtrField<v1::Reason> out;
  // Enough events: the rate is a reason (its level from 0.5 on), the count never is.
  const std::vector<double> contributions = {1.0, 2.0, 0.5};
  catalog.TopAdverse(contributions, std::vector<double>{0.3, 5, 100}, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre("R1", "R3"));
  EXPECT_EQ(out[0].kind(), v1::REASON_KIND_ADVERSE);
  out.Clear();
  catalog.TopAdverse(contributions, std::vector<double>{0.7, 5, 100}, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre("R1H", "R3"));
  EXPECT_EQ(out[0].text(), "Rate is very high");
  // Two events: the rate gives "not enough history", never its own code; tenure still has
  // its one event.
  out.Clear();
  catalog.TopAdverse(contributions, std::vector<double>{0.7, 2, 100}, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre("H1/insufficient", "R3"));
  EXPECT_EQ(out[0].text(), "Not enough history");
  // No events: tenure's requirement names no code, so it gives nothing.
  out.Clear();
  catalog.TopAdverse(contributions, std::vector<double>{0.0, 0, 100}, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre("H1/insufficient"));
  // A missing value is data that do not exist, whatever the requirement says.
  out.Clear();
  catalog.TopAdverse(contributions, std::vector<double>{NAN, 9, NAN}, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre("H1/insufficient"));
}

TEST(ReasonCatalogTest, ScorecardReasonsOnlyOnTheRiskySideOfTheBaselineValue) {
  const ReasonCatalog catalog = Truthful();
  google::protobuf::RepeatedPtrField<v1::Reason> out;
  const std::vector<double> values = {0.2, 5, 400};
  // rate 0.2 against a baseline value 0.2 (not above): no reason even with points lost;
  // tenure 400 against 300 (not below): none either.
  std::vector<ReasonCandidate> candidates = {{"", "rate", 0.2, 1.0, 0.2},
                                             {"", "tenure", 400, 0.5, 300}};
  catalog.TopAdverse(candidates, values, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre());
  // Strictly on the risky side: both.
  candidates = {{"", "rate", 0.2, 1.0, 0.1}, {"", "tenure", 400, 0.5, 500}};
  catalog.TopAdverse(candidates, values, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre("R1", "R3"));
  // Without a baseline value the points decide alone.
  out.Clear();
  candidates = {{"", "tenure", 400, 0.5}};
  catalog.TopAdverse(candidates, values, 4, "m", &out);
  EXPECT_THAT(Codes(out), ElementsAre("R3"));
}

TEST(ReasonCatalogTest, RejectsBadRequirementsAndLevels) {
  auto compile = [](const std::string& extra) {
    const v1::Bundle b = ParseText<v1::Bundle>(std::string(kTruthful) + extra);
    return ReasonCatalog::Compile(b.reason_codes(), {"rate", "count", "tenure"}, &b.features());
  };
  EXPECT_THAT(compile("reason_codes { code: 'X' feature: 'rate' from_value: 0.5 }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("same from_value")));
  EXPECT_THAT(compile("reason_codes { code: 'X' feature: 'rate' }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("two reason codes")));
  EXPECT_THAT(compile("features { name: 'count' data_requirement { feature: 'zz' } }"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown feature 'zz'")));
  EXPECT_THAT(
      compile("features { name: 'count' data_requirement { feature: 'rate' reason_code: 'Q' } }"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("is not in reason_codes")));
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
