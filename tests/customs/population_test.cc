// Property and population tests of the customs grade policy on simulated enterprises scored
// with the cross-border bundle (fixed seeds):
//  - the grade never improves when a trigger is added to a history;
//  - expired credentials never raise the grade;
//  - every dishonest or worse grade names the trigger(s) that caused it, and no statutory
//    grade is reached on points;
//  - the official grade the simulator writes mostly agrees with the engine's, and every
//    disagreement says why.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "sim/simulator.h"
#include "tests/customs/requests.h"
#include "tests/testing/cross_border.h"

namespace credence::testing {
namespace {

const std::vector<std::string> kGrades = {"advanced_certified", "certified", "regular", "dishonest",
                                          "seriously_dishonest"};

int GradeIndex(const std::string& g) {
  const auto it = std::find(kGrades.begin(), kGrades.end(), g);
  EXPECT_NE(it, kGrades.end()) << g;
  return static_cast<int>(it - kGrades.begin());
}

std::vector<v1::ScoreRequest> Population(std::uint64_t seed, int n) {
  sim::SimOptions o;
  o.seed = seed;
  std::vector<v1::ScoreRequest> out;
  for (int i = 0; i < n; ++i)
    out.push_back(sim::SimulateEnterprise(o, static_cast<std::uint64_t>(i)).request);
  return out;
}

v1::ComplianceResult Compliance(const v1::ScoreRequest& r) {
  auto scored = CrossBorderEngine()->Score(r);
  EXPECT_TRUE(scored.ok()) << scored.status();
  return scored.ok() ? scored->compliance() : v1::ComplianceResult();
}

// Adds one trigger of each kind the bundle knows, dated so that it is in force at as_of.
void AddTrigger(v1::ScoreRequest& r, int kind) {
  const std::int64_t as_of = r.as_of().seconds();
  v1::Event* e = r.add_events();
  e->set_id("added-trigger");
  e->mutable_time()->set_seconds(as_of - 30 * kDay);
  switch (kind) {
    case 0:  // a smuggling penalty
      e->set_kind(v1::EVENT_KIND_ADMINISTRATIVE_PENALTY);
      e->set_status("general");
      (*e->mutable_attributes())["smuggling"].set_bool_value(true);
      (*e->mutable_attributes())["authority"].set_string_value("customs");
      break;
    case 1:  // a serious-dishonest listing
      e->set_kind(v1::EVENT_KIND_CUSTOM);
      e->set_custom_kind("dishonest_listing");
      e->set_status("serious");
      break;
    case 2:  // taxes unpaid beyond the limit
      e->set_kind(v1::EVENT_KIND_TAX_PAYMENT);
      e->set_status("overdue");
      break;
    default:  // a serious penalty (class cap)
      e->set_kind(v1::EVENT_KIND_ADMINISTRATIVE_PENALTY);
      e->set_status("serious");
      (*e->mutable_attributes())["authority"].set_string_value("samr");
      break;
  }
}

TEST(CustomsPropertyTest, AddingATriggerNeverImprovesTheGrade) {
  const int floor_of[] = {3, 4, 3, 2};  // the grade each trigger guarantees at least
  for (const v1::ScoreRequest& base : Population(1701, 60)) {
    const int before = GradeIndex(Compliance(base).grade());
    for (int kind = 0; kind < 4; ++kind) {
      v1::ScoreRequest r = base;
      AddTrigger(r, kind);
      const int after = GradeIndex(Compliance(r).grade());
      EXPECT_GE(after, before) << base.request_id() << " trigger " << kind;
      EXPECT_GE(after, floor_of[kind]) << base.request_id() << " trigger " << kind;
    }
  }
}

TEST(CustomsPropertyTest, ExpiredCredentialsNeverRaiseTheGrade) {
  int certified_before = 0;
  for (const v1::ScoreRequest& base : Population(1702, 80)) {
    const int before = GradeIndex(Compliance(base).grade());
    certified_before += before <= 1;
    // Every certificate and licence expired the day before as_of.
    v1::ScoreRequest expired = base;
    for (auto& c : *expired.mutable_enterprise()->mutable_certifications()) {
      c.mutable_valid_from()->set_seconds(base.as_of().seconds() - 900 * kDay);
      c.mutable_valid_until()->set_seconds(base.as_of().seconds() - kDay);
    }
    for (auto& l : *expired.mutable_enterprise()->mutable_licences()) {
      l.mutable_granted_at()->set_seconds(base.as_of().seconds() - 900 * kDay);
      l.mutable_expires_at()->set_seconds(base.as_of().seconds() - kDay);
    }
    const int after = GradeIndex(Compliance(expired).grade());
    EXPECT_GE(after, before) << base.request_id();
    EXPECT_GE(after, 2) << base.request_id() << ": no valid AEO certificate, no certified grade";
    // An extra expired advanced certificate changes nothing.
    v1::ScoreRequest extra = base;
    v1::Certification* c = extra.mutable_enterprise()->add_certifications();
    c->set_scheme("AEO");
    c->set_level("advanced");
    c->mutable_valid_from()->set_seconds(base.as_of().seconds() - 3000 * kDay);
    c->mutable_valid_until()->set_seconds(base.as_of().seconds() - 1000 * kDay);
    EXPECT_EQ(GradeIndex(Compliance(extra).grade()), before) << base.request_id();
  }
  EXPECT_GT(certified_before, 0) << "the population should hold some certified enterprises";
}

// Every statutory grade of a simulated population names its binding trigger(s), each capping
// at exactly that grade; watch is set exactly when the composite alone reaches a statutory
// grade; reconciliation with the simulated official grade mostly agrees and always explains.
TEST(CustomsPopulationTest, StatutoryGradesNameTheirTriggersAndOfficialGradesReconcile) {
  std::map<std::string, int> grades, differences;
  int statutory = 0, checked = 0, agree = 0, information = 0;
  for (const v1::ScoreRequest& r : Population(1703, 400)) {
    const v1::ComplianceResult c = Compliance(r);
    ++grades[c.grade()];
    information += c.information_size();
    const int g = GradeIndex(c.grade());
    EXPECT_EQ(c.watch(), GradeIndex(c.points_grade()) >= 3) << r.request_id();
    if (g >= 3) {
      ++statutory;
      int binding = 0;
      for (const auto& t : c.triggers()) {
        if (!t.binding()) continue;
        ++binding;
        EXPECT_EQ(t.grade_cap(), c.grade()) << r.request_id() << " " << t.source();
        EXPECT_FALSE(t.description().empty() && t.source().rfind("lifecycle:", 0) == 0);
      }
      EXPECT_GE(binding, 1) << r.request_id() << " is " << c.grade() << " without a trigger";
    }
    if (!c.has_official()) continue;
    ++checked;
    ++differences[c.official().difference()];
    if (c.official().agrees()) {
      ++agree;
    } else {
      EXPECT_GT(c.official().reasons_size(), 0) << r.request_id();
    }
  }
  for (const auto& [g, n] : grades) std::printf("grade %s: %d\n", g.c_str(), n);
  for (const auto& [d, n] : differences) std::printf("official %s: %d\n", d.c_str(), n);
  std::printf("statutory %d, information %d, official %d, agree %d\n", statutory, information,
              checked, agree);
  EXPECT_GT(statutory, 0) << "the population should hold dishonest enterprises";
  EXPECT_GT(information, 0);
  EXPECT_GT(checked, 300);  // about 90% carry an official grade
  EXPECT_GT(agree, checked * 9 / 10) << "the simulated official grade should mostly agree";
}

}  // namespace
}  // namespace credence::testing
