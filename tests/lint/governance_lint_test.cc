// The governance warnings of `credence validate`: models in production use (the credit model
// and a challenger) must carry their governance; other models need not.
#include "lint/governance_lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/builders.h"

namespace credence::lint {
namespace {

using ::credence::testing::ParseText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kComplete = R"pb(
  owner: "risk team"
  validation_status: VALIDATION_STATUS_VALIDATED
  validation_date: "2026-11-01"
  approver: "model risk committee"
  intended_use: "SME export financing"
  development_sample_digest: "sha256:00"
  development_period_start: "2024-10-01"
  development_period_end: "2026-10-01"
)pb";

std::vector<std::string> Messages(const v1::Bundle& b) {
  std::vector<std::string> out;
  for (const LintFinding& f : MissingGovernance(b)) out.push_back(f.field_path + ": " + f.message);
  return out;
}

TEST(GovernanceLintTest, ProductionModelsNeedEveryField) {
  v1::Bundle b = ParseText<v1::Bundle>(std::string(R"pb(
                                         credit { model: "pd" }
                                         models { id: "pd" governance {)pb") +
                                       kComplete + R"pb(}
                                                        }
    models { id: "shadow" }
  )pb");
  EXPECT_THAT(Messages(b), IsEmpty()) << "complete, and the shadow is not in production use";

  b.mutable_models(0)->mutable_governance()->clear_approver();
  b.mutable_models(0)->mutable_governance()->clear_development_period_end();
  b.mutable_models(0)->mutable_governance()->set_validation_status(
      v1::VALIDATION_STATUS_IN_VALIDATION);
  EXPECT_THAT(Messages(b),
              ElementsAre(HasSubstr("lacks governance.approver"),
                          HasSubstr("lacks governance.development_period_start/end"),
                          HasSubstr("with validation status VALIDATION_STATUS_IN_VALIDATION")));

  // A challenger that decides for part of the traffic is in production use too.
  b = ParseText<v1::Bundle>(
      std::string(R"pb(
        credit { model: "pd" }
        champion_challenger { challenger_model: "alt" challenger_share: 0.1 salt: "s" }
        models { id: "pd" governance {)pb") +
      kComplete + R"pb(}
                       }
    models { id: "alt" }
  )pb");
  EXPECT_THAT(Messages(b), ElementsAre("models[1].id: model 'alt' (the challenger) has no "
                                       "governance (owner, validation, approval, intended use, "
                                       "development sample)"));
}

}  // namespace
}  // namespace credence::lint
