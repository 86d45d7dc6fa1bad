// CreditLifecycle on its own (customs/lifecycle.h): compile errors, classes, first-match
// causes, clearing, repair eligibility, end and tolerance boundaries, against a small policy
// whose periods are easy to count by hand.
#include "customs/lifecycle.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "io/ingest.h"

namespace credence::customs {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kAsOf = 1790812800;
const std::vector<std::string> kGrades = {"good", "plain", "bad", "worst"};

// minor: 10 d, general: 20 d (repair after 2 d), serious: 30 d, cap "plain", not repairable.
// "smuggle": penalties with smuggling = true, cap "bad", wait 5 d, lasts 40 d.
// "arrears": tax payments "overdue", cleared by a payment referencing it, cap "bad", wait 3 d.
// "penalty": every other penalty. Tolerance 7 days.
constexpr const char* kPolicy = R"pb(
  classes {
    dishonest_class: DISHONEST_CLASS_MINOR
    points: -1
    disclosure { seconds: 864000 }
    repairable: true
  }
  classes {
    dishonest_class: DISHONEST_CLASS_GENERAL
    points: -2
    disclosure { seconds: 1728000 }
    repairable: true
    repair_after { seconds: 172800 }
  }
  classes {
    dishonest_class: DISHONEST_CLASS_SERIOUS
    grade_cap: "plain"
    points: -3
    disclosure { seconds: 2592000 }
  }
  class_from_status: true
  tolerance { window { seconds: 604800 } }
  causes {
    id: "smuggle"
    filter {
      kinds: EVENT_KIND_ADMINISTRATIVE_PENALTY
      attributes {
        name: "smuggling"
        op: COMPARE_OP_EQ
        value { bool_value: true }
      }
    }
    grade_cap: "bad"
    default_class: DISHONEST_CLASS_GENERAL
    duration { seconds: 3456000 }
    repairable: true
    repair_wait { seconds: 432000 }
    dimension: DIMENSION_CUSTOMS
  }
  causes {
    id: "arrears"
    filter { kinds: EVENT_KIND_TAX_PAYMENT statuses: "overdue" }
    cleared_by { kinds: EVENT_KIND_TAX_PAYMENT statuses: "paid" }
    grade_cap: "bad"
    default_class: DISHONEST_CLASS_GENERAL
    repairable: true
    repair_wait { seconds: 259200 }
    dimension: DIMENSION_TAX
  }
  causes {
    id: "penalty"
    filter { kinds: EVENT_KIND_ADMINISTRATIVE_PENALTY }
    default_class: DISHONEST_CLASS_GENERAL
    repairable: true
    dimension: DIMENSION_CREDENTIALS_PENALTIES
  }
)pb";

v1::CreditLifecycle Policy(const std::string& extra = "") {
  v1::CreditLifecycle p;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(kPolicy) + extra, &p));
  return p;
}

class Request {
 public:
  explicit Request(std::int64_t as_of = kAsOf) { r_.mutable_as_of()->set_seconds(as_of); }
  v1::Event* Add(const std::string& id, v1::EventKind kind, std::int64_t t,
                 const char* status = "") {
    v1::Event* e = r_.add_events();
    e->set_id(id);
    e->set_kind(kind);
    e->mutable_time()->set_seconds(t);
    e->set_status(status);
    return e;
  }
  v1::Event* Penalty(const std::string& id, std::int64_t t, const char* status, bool smuggling) {
    v1::Event* e = Add(id, v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, t, status);
    (*e->mutable_attributes())["smuggling"].set_bool_value(smuggling);
    return e;
  }
  void Repair(const std::string& info, std::int64_t applied, const char* outcome,
              std::int64_t decided) {
    Add("app-" + info, v1::EVENT_KIND_CREDIT_REPAIR_APPLICATION, applied)->set_reference_id(info);
    Add("out-" + info, v1::EVENT_KIND_CREDIT_REPAIR_OUTCOME, decided, outcome)
        ->set_reference_id("app-" + info);
  }
  std::vector<v1::CreditInformation> Evaluate(const CreditLifecycle& l) const {
    auto fx = io::FxTable::Build("CNY", {}, "fx_rates");
    auto in = io::Ingest(r_, *fx, RequestLimits{});
    EXPECT_TRUE(in.ok()) << in.status();
    return l.Evaluate(in->events, in->as_of);
  }

 private:
  v1::ScoreRequest r_;
};

CreditLifecycle Compiled(const v1::CreditLifecycle& p = Policy()) {
  auto l = CreditLifecycle::Compile(p, kGrades, "compliance.lifecycle");
  EXPECT_TRUE(l.ok()) << l.status();
  return std::move(l).value();
}

std::string ErrorPath(const v1::CreditLifecycle& p) {
  auto l = CreditLifecycle::Compile(p, kGrades, "compliance.lifecycle");
  if (l.ok()) return "(compiled)";
  return l.status().location() ? l.status().location()->field_path : "(no path)";
}

TEST(CreditLifecycleTest, CompileErrorsNameTheField) {
  v1::CreditLifecycle p = Policy();
  p.mutable_causes(0)->set_grade_cap("nope");
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[0].grade_cap");
  p = Policy();
  p.mutable_causes(1)->set_id("Bad-Id");
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[1].id");
  p = Policy();
  p.mutable_causes(2)->set_id("smuggle");
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[2].id");
  p = Policy();
  p.mutable_causes(0)->mutable_filter()->add_kinds(v1::EVENT_KIND_CREDIT_REPAIR_OUTCOME);
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[0].filter.kinds");
  p = Policy();
  p.mutable_causes(0)->mutable_filter()->clear_kinds();
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[0].filter.kinds");
  p = Policy();
  p.mutable_causes(0)->mutable_repair_wait()->set_seconds(-1);
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[0].repair_wait");
  p = Policy();
  p.mutable_causes(2)->clear_dimension();
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[2].dimension");
  p = Policy();
  p.mutable_causes(2)->set_default_class(v1::DISHONEST_CLASS_UNSPECIFIED);
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[2].default_class");
  p = Policy();
  p.mutable_classes()->RemoveLast();
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.classes");
  p = Policy();
  p.mutable_classes(1)->mutable_disclosure()->set_seconds(0);
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.classes[1].disclosure");
  p = Policy();
  p.mutable_classes(2)->set_dishonest_class(v1::DISHONEST_CLASS_MINOR);
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.classes[2].dishonest_class");
  p = Policy();
  p.mutable_causes(0)->mutable_filter()->add_attributes()->set_name("x");  // no op
  EXPECT_EQ(ErrorPath(p), "compliance.lifecycle.causes[0].filter.attributes[1]");
}

TEST(CreditLifecycleTest, ClassComesFromAttributeThenStatusThenDefault) {
  Request r;
  r.Penalty("a", kAsOf - kDay, "general", false);
  (*r.Add("b", v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, kAsOf - kDay, "serious")
        ->mutable_attributes())["dishonest_class"]
      .set_string_value("minor");
  r.Add("c", v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, kAsOf - kDay, "settled");
  (*r.Add("d", v1::EVENT_KIND_ADMINISTRATIVE_PENALTY, kAsOf - kDay, "serious")
        ->mutable_attributes())["dishonest_class"]
      .set_string_value("huge");  // unrecognised: the status decides
  const auto items = r.Evaluate(Compiled());
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].dishonest_class(), v1::DISHONEST_CLASS_GENERAL);
  EXPECT_EQ(items[0].class_source(), "status");
  EXPECT_EQ(items[1].dishonest_class(), v1::DISHONEST_CLASS_MINOR);
  EXPECT_EQ(items[1].class_source(), "attribute");
  EXPECT_EQ(items[2].dishonest_class(), v1::DISHONEST_CLASS_GENERAL);
  EXPECT_EQ(items[2].class_source(), "default");
  EXPECT_EQ(items[3].dishonest_class(), v1::DISHONEST_CLASS_SERIOUS);
  EXPECT_EQ(items[3].class_source(), "status");
  // The serious one caps at the class's "plain" and is not repairable.
  EXPECT_EQ(items[3].grade_cap(), "plain");
  EXPECT_FALSE(items[3].repairable());
  EXPECT_EQ(items[3].points(), -3);
}

TEST(CreditLifecycleTest, FirstMatchingCauseWinsAndCapsCombine) {
  Request r;
  r.Penalty("s", kAsOf - 10 * kDay, "serious", true);
  r.Penalty("p", kAsOf - 10 * kDay, "general", false);
  const auto items = r.Evaluate(Compiled());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].cause(), "smuggle");
  EXPECT_EQ(items[0].grade_cap(), "bad");  // worse of "bad" (cause) and "plain" (serious)
  EXPECT_FALSE(items[0].repairable());     // the serious class is not repairable
  EXPECT_EQ(items[0].ends_at().seconds(), kAsOf - 10 * kDay + 40 * kDay);  // cause duration
  EXPECT_EQ(items[1].cause(), "penalty");
  EXPECT_EQ(items[1].grade_cap(), "");
  EXPECT_EQ(items[1].ends_at().seconds(), kAsOf - 10 * kDay + 20 * kDay);  // class disclosure
  EXPECT_EQ(items[1].dimension(), v1::DIMENSION_CREDENTIALS_PENALTIES);
}

TEST(CreditLifecycleTest, ClearingEndsTheConditionAndIsNotInformation) {
  Request r;
  r.Add("t1", v1::EVENT_KIND_TAX_PAYMENT, kAsOf - 50 * kDay, "overdue");
  r.Add("t2", v1::EVENT_KIND_TAX_PAYMENT, kAsOf - 40 * kDay, "overdue");
  r.Add("p2", v1::EVENT_KIND_TAX_PAYMENT, kAsOf - 30 * kDay, "paid")->set_reference_id("t2");
  // A payment of the wrong status does not clear.
  r.Add("p1", v1::EVENT_KIND_TAX_PAYMENT, kAsOf - 30 * kDay, "late")->set_reference_id("t1");
  const auto items = r.Evaluate(Compiled());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].event_id(), "t1");
  EXPECT_FALSE(items[0].has_cleared_at());
  EXPECT_FALSE(items[0].has_ends_at());
  EXPECT_FALSE(items[0].has_repairable_from());
  EXPECT_EQ(items[0].state(), v1::CREDIT_INFORMATION_STATE_ACTIVE);
  EXPECT_EQ(items[1].event_id(), "t2");
  EXPECT_EQ(items[1].cleared_at().seconds(), kAsOf - 30 * kDay);
  // max(cause wait 3 d, general repair_after 2 d) after clearing; ends 20 d after clearing.
  EXPECT_EQ(items[1].repairable_from().seconds(), kAsOf - 27 * kDay);
  EXPECT_EQ(items[1].ends_at().seconds(), kAsOf - 10 * kDay);
  EXPECT_EQ(items[1].state(), v1::CREDIT_INFORMATION_STATE_EXPIRED);
  EXPECT_EQ(items[1].points(), 0);
}

TEST(CreditLifecycleTest, RepairCountsFromTheEndOfTheWaitOnly) {
  const std::int64_t t = kAsOf - 30 * kDay;  // repairable from t + 5 d
  for (const auto& [decided, status, state] :
       std::vector<std::tuple<std::int64_t, const char*, v1::CreditInformationState>>{
           {t + 5 * kDay, "granted", v1::CREDIT_INFORMATION_STATE_REPAIRED},
           {t + 5 * kDay - 1, "granted_not_eligible", v1::CREDIT_INFORMATION_STATE_ACTIVE}}) {
    Request r;
    r.Penalty("s", t, "general", true);
    r.Repair("s", t + kDay, "granted", decided);
    const auto items = r.Evaluate(Compiled());
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].repair_status(), status);
    EXPECT_EQ(items[0].state(), state);
    EXPECT_EQ(items[0].points(), state == v1::CREDIT_INFORMATION_STATE_ACTIVE ? -2 : 0);
  }
  Request rejected;
  rejected.Penalty("s", t, "general", true);
  rejected.Repair("s", t + 6 * kDay, "rejected", t + 7 * kDay);
  EXPECT_EQ(rejected.Evaluate(Compiled())[0].repair_status(), "rejected");
  // An outcome may reference the information directly; an application alone is "applied".
  Request direct;
  direct.Penalty("s", t, "general", true);
  direct.Add("o", v1::EVENT_KIND_CREDIT_REPAIR_OUTCOME, t + 6 * kDay, "granted")
      ->set_reference_id("s");
  EXPECT_EQ(direct.Evaluate(Compiled())[0].repaired_at().seconds(), t + 6 * kDay);
  Request applied;
  applied.Penalty("s", t, "general", true);
  applied.Add("a", v1::EVENT_KIND_CREDIT_REPAIR_APPLICATION, t + 6 * kDay)->set_reference_id("s");
  EXPECT_EQ(applied.Evaluate(Compiled())[0].repair_status(), "applied");
  // A grant after as_of has not happened.
  Request later(t + 5 * kDay);
  later.Penalty("s", t, "general", true);
  later.Repair("s", t + kDay, "granted", t + 5 * kDay + 1);
  EXPECT_EQ(later.Evaluate(Compiled())[0].state(), v1::CREDIT_INFORMATION_STATE_ACTIVE);
}

TEST(CreditLifecycleTest, EndIsExclusive) {
  const std::int64_t t = kAsOf - 40 * kDay;  // smuggle lasts exactly 40 days
  Request ends(kAsOf);
  ends.Penalty("s", t, "general", true);
  EXPECT_EQ(ends.Evaluate(Compiled())[0].state(), v1::CREDIT_INFORMATION_STATE_EXPIRED);
  Request before(kAsOf - 1);
  before.Penalty("s", t, "general", true);
  EXPECT_EQ(before.Evaluate(Compiled())[0].state(), v1::CREDIT_INFORMATION_STATE_ACTIVE);
}

TEST(CreditLifecycleTest, OnlyAFirstMinorViolationOfAnUncappedCauseIsTolerated) {
  Request r;
  // Minor information counts 10 days; the tolerance window is 7.
  r.Penalty("m1", kAsOf - 9 * kDay, "minor", false);  // first: tolerated
  r.Penalty("m2", kAsOf - 8 * kDay, "minor", false);  // a day later: counts
  r.Penalty("m3", kAsOf - 1 * kDay, "minor", false);  // 7 d after m2: tolerated again
  r.Penalty("m4", kAsOf - kDay / 2, "minor", true);   // smuggling: never tolerated
  const auto items = r.Evaluate(Compiled());
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].state(), v1::CREDIT_INFORMATION_STATE_TOLERATED);
  EXPECT_EQ(items[1].state(), v1::CREDIT_INFORMATION_STATE_ACTIVE);
  EXPECT_EQ(items[2].state(), v1::CREDIT_INFORMATION_STATE_TOLERATED);
  EXPECT_EQ(items[3].state(), v1::CREDIT_INFORMATION_STATE_ACTIVE);
  EXPECT_EQ(items[3].grade_cap(), "bad");
  // Without a tolerance window nothing is tolerated.
  v1::CreditLifecycle p = Policy();
  p.clear_tolerance();
  EXPECT_EQ(r.Evaluate(Compiled(p))[0].state(), v1::CREDIT_INFORMATION_STATE_ACTIVE);
}

}  // namespace
}  // namespace credence::customs
