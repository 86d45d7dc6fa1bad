// The golden table of the customs credit lifecycle: each row a hand-built request dated
// relative to as_of, scored with the cross-border bundle, with the grade, the binding caps
// and the state of each piece of dishonest information it must give, and the rule of the
// measures it follows ([G1] … [S7] are the sources listed in docs/compliance.md). The
// expectations are read off the measures and the bundle's parameter table, not off the
// engine's output.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/customs/requests.h"
#include "tests/testing/cross_border.h"

namespace credence::testing {

namespace {

using State = v1::CreditInformationState;
constexpr State kActive = v1::CREDIT_INFORMATION_STATE_ACTIVE;
constexpr State kRepaired = v1::CREDIT_INFORMATION_STATE_REPAIRED;
constexpr State kTolerated = v1::CREDIT_INFORMATION_STATE_TOLERATED;

// Rule hits that cost 617 weighted points without any grade cap (computed by hand from the
// rule table of docs/compliance.md): customs −88 (cu06, cu07, cu08, cu09, cu10), payment −98
// (pf01, pf02, pf03, pf08, pf10), IP −88 (ip01, ip02, ip03, ip05), operating −10 (os06),
// consumer −15 (cp05). Composite (1350 − 3·88 − 2·98 − 1.5·88 − 10 − 15) / 13.5 = 54.30.
void AddTroubles(v1::ScoreRequest& r) {
  const int dpd[] = {100, 45, 10};
  for (int i = 0; i < 3; ++i) {
    v1::Event* p =
        AddEvent(r, "rep" + std::to_string(i), v1::EVENT_KIND_LOAN_REPAYMENT, 30 + 20 * i);
    p->set_status("late");
    Cny(p, 5000);
    (*p->mutable_attributes())["days_past_due"].set_int_value(dpd[i]);
  }
  Cny(AddEvent(r, "loan", v1::EVENT_KIND_LOAN_DRAWDOWN, 100), 200000);
  for (int i = 0; i < 20; ++i) {
    v1::Event* d =
        AddEvent(r, "dec" + std::to_string(i), v1::EVENT_KIND_CUSTOMS_DECLARATION, 10 + 15 * i);
    Cny(d, 12000);
    d->set_status(i < 5 ? "amended" : "accepted");
    (*d->mutable_attributes())["error"].set_bool_value(i % 3 == 0 && i < 18);
  }
  for (int i = 0; i < 3; ++i) {
    AddEvent(r, "insp" + std::to_string(i), v1::EVENT_KIND_CUSTOMS_INSPECTION, 20 + 30 * i)
        ->set_status("failed");
  }
  for (int i = 0; i < 5; ++i) {
    v1::Event* c = AddEvent(r, "ipc" + std::to_string(i), v1::EVENT_KIND_IP_COMPLAINT, 10 + 20 * i);
    c->set_status("upheld");
    c->set_counterparty("rights-holder-" + std::to_string(i));
  }
  AddEvent(r, "seizure", v1::EVENT_KIND_COUNTERFEIT_SEIZURE, 50)->set_status("detained");
  for (int i = 0; i < 2; ++i) {
    v1::Event* c = AddEvent(r, "ctl" + std::to_string(i), v1::EVENT_KIND_CUSTOM, 40 + 100 * i);
    c->set_custom_kind("control_change");
    c->set_status("shareholder");
  }
  for (int i = 0; i < 10; ++i) {
    AddEvent(r, "cc" + std::to_string(i), v1::EVENT_KIND_CONSUMER_COMPLAINT, 15 + 25 * i)
        ->set_status("upheld");
  }
}

struct Row {
  const char* name;
  const char* measure;  // the rule of the measures the row follows
  std::function<void(v1::ScoreRequest&)> build;
  const char* grade;
  std::vector<std::string> binding;           // binding trigger sources, in order
  std::map<std::string, State> states;        // event id -> lifecycle state
  std::map<std::string, std::string> repair;  // event id -> repair_status
  bool watch = false;
  std::function<void(const v1::ScoreResponse&)> more;  // further checks
};

// Certificates count only within their validity.
std::vector<Row> CredentialRows() {
  return {
      {"expired_advanced_certificate_is_not_certified",
       "A certificate counts only within its validity; re-examined every 5 years [S4]; only "
       "AEOs hold the certified grades [G1]",
       [](v1::ScoreRequest& r) { AddAeo(r, "advanced", 5 * 365 + 2000, 2650); },  // 2019
       "regular",
       {"rule:compliance/cr10_not_aeo"},
       {},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         bool flagged = false;
         for (const auto& h : s.rule_hits()) flagged |= h.rule_id() == "cr12_aeo_expired";
         EXPECT_TRUE(flagged);
       }},
      {"valid_advanced_certificate_and_spotless_record_is_advanced",
       "An advanced AEO whose record passes the AEO standard's 95 points [G1]",
       [](v1::ScoreRequest& r) { AddAeo(r, "advanced", 400, -1425); },
       "advanced_certified",
       {},
       {},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         EXPECT_DOUBLE_EQ(s.compliance().score(), 100.0);
         EXPECT_EQ(s.compliance().triggers_size(), 0);
       }},
      {"certificate_not_yet_valid_does_not_count",
       "A certificate counts from its valid_from [S4]",
       [](v1::ScoreRequest& r) { AddAeo(r, "advanced", -10, -1835); },
       "regular",
       {"rule:compliance/cr10_not_aeo"},
       {},
       {},
       false,
       nullptr},
  };
}

// Grades from facts, points for the rest.
std::vector<Row> PolicyRows() {
  return {
      {"low_composite_without_trigger_is_regular_on_watch",
       "Dishonest status follows from listed facts, not from a score [S1][G1]",
       [](v1::ScoreRequest& r) { AddTroubles(r); },
       "regular",
       {},
       {},
       {},
       true,
       [](const v1::ScoreResponse& s) {
         EXPECT_NEAR(s.compliance().score(), (1350.0 - 617.0) / 13.5, 1e-9);
         EXPECT_EQ(s.compliance().points_grade(), "dishonest");
         ASSERT_EQ(s.compliance().watch_reasons_size(), 4);
         EXPECT_EQ(s.compliance().watch_reasons(0),
                   "rule compliance/pf01_default_90dpd: -40 points (PAYMENT_FINANCING)");
         EXPECT_EQ(s.compliance().watch_reasons(1),
                   "rule compliance/ip03_counterfeit_seizure: -35 points "
                   "(INTELLECTUAL_PROPERTY)");
         EXPECT_EQ(s.compliance().watch_reasons(2),
                   "rule compliance/ip01_upheld_180d: -30 points (INTELLECTUAL_PROPERTY)");
         EXPECT_EQ(s.compliance().watch_reasons(3),
                   "rule compliance/cu09_inspection_findings: -25 points (CUSTOMS)");
       }},
  };
}

// Smuggling: dishonest, repair after the wait, serious cases not repairable.
std::vector<Row> SmugglingRows() {
  return {
      {"smuggling_penalty_11_months_ago_is_dishonest",
       "A smuggling act punished by customs makes an enterprise dishonest [S1] Art. 22(2); "
       "repair only after 1 year [S2]",
       [](v1::ScoreRequest& r) {
         AddAeo(r, "advanced", 400, -1425);
         AddPenalty(r, "smug", 11 * 30.4, "general", true, 20000);
       },
       "dishonest",
       {"lifecycle:smuggling_penalty/smug"},
       {{"smug", kActive}},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         const auto& info = s.compliance().information(0);
         EXPECT_EQ(info.repairable_from().seconds(), DaysAgo(11 * 30.4) + 365 * kDay);
         EXPECT_EQ(info.ends_at().seconds(), DaysAgo(11 * 30.4) + 730 * kDay);
       }},
      {"smuggling_penalty_13_months_ago_with_granted_repair_is_not_dishonest",
       "A repair granted after the 1-year wait lifts the cap [S2][G1]",
       [](v1::ScoreRequest& r) {
         AddPenalty(r, "smug", 13 * 30.4, "general", true, 20000);
         AddRepair(r, "smug", 40, "granted", 10);
       },
       "regular",
       {},
       {{"smug", kRepaired}},
       {{"smug", "granted"}},
       false,
       [](const v1::ScoreResponse& s) {
         EXPECT_EQ(s.compliance().information(0).repaired_at().seconds(), DaysAgo(10));
       }},
      {"smuggling_penalty_13_months_ago_without_repair_is_still_dishonest",
       "Without a repair the status lasts 2 years [S3]",
       [](v1::ScoreRequest& r) { AddPenalty(r, "smug", 13 * 30.4, "general", true, 20000); },
       "dishonest",
       {"lifecycle:smuggling_penalty/smug"},
       {{"smug", kActive}},
       {},
       false,
       nullptr},
      {"repair_granted_before_the_wait_is_not_applied",
       "Repair only after the waiting period [S2]",
       [](v1::ScoreRequest& r) {
         AddPenalty(r, "smug", 13 * 30.4, "general", true, 20000);
         AddRepair(r, "smug", 13 * 30.4 - 40, "granted", 13 * 30.4 - 60);
       },
       "dishonest",
       {"lifecycle:smuggling_penalty/smug"},
       {{"smug", kActive}},
       {{"smug", "granted_not_eligible"}},
       false,
       nullptr},
      {"serious_dishonest_listing_with_repair_application_stays_seriously_dishonest",
       "Serious cases are not repairable [S3]; seriously dishonest grade [G1]",
       [](v1::ScoreRequest& r) {
         v1::Event* l = AddEvent(r, "list", v1::EVENT_KIND_CUSTOM, 180);
         l->set_custom_kind("dishonest_listing");
         l->set_status("serious");
         AddRepair(r, "list", 30, "granted", 5);
       },
       "seriously_dishonest",
       {"lifecycle:serious_dishonest_listing/list"},
       {{"list", kActive}},
       {{"list", "granted_not_eligible"}},
       false,
       [](const v1::ScoreResponse& s) {
         EXPECT_FALSE(s.compliance().information(0).repairable());
         EXPECT_FALSE(s.compliance().information(0).has_repairable_from());
       }},
  };
}

// Minor violations and error tolerance.
std::vector<Row> ToleranceRows() {
  return {
      {"first_minor_violation_is_tolerated",
       "Error tolerance for a first minor violation [G1][G2][S5]",
       [](v1::ScoreRequest& r) {
         AddAeo(r, "advanced", 400, -1425);
         AddPenalty(r, "minor1", 60, "minor", false, 1000);
       },
       "advanced_certified",
       {},
       {{"minor1", kTolerated}},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         EXPECT_DOUBLE_EQ(s.compliance().score(), 100.0);
         EXPECT_EQ(s.compliance().information(0).points(), 0.0);
       }},
      {"second_minor_violation_within_a_year_counts",
       "Only the first minor violation is tolerated [G1]; minor information counts 3 months [S7]",
       [](v1::ScoreRequest& r) {
         AddAeo(r, "advanced", 400, -1425);
         AddPenalty(r, "minor1", 150, "minor", false, 1000);
         AddPenalty(r, "minor2", 60, "minor", false, 1000);
       },
       "advanced_certified",
       {},
       {{"minor1", kTolerated}, {"minor2", kActive}},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         EXPECT_EQ(s.compliance().information(1).points(), -5.0);
         EXPECT_NEAR(s.compliance().score(), 100.0 - 2.0 * 5.0 / 13.5, 1e-9);
       }},
  };
}

// Taxes unpaid beyond the limit: dishonest until paid, then repairable.
std::vector<Row> TaxRows() {
  return {
      {"taxes_overdue_beyond_the_limit_unpaid_is_dishonest_and_not_repairable",
       "Taxes unpaid 3 months after the deadline: dishonest until paid [S1] Art. 22(4)",
       [](v1::ScoreRequest& r) {
         AddEvent(r, "tax", v1::EVENT_KIND_TAX_PAYMENT, 40)->set_status("overdue");
         AddRepair(r, "tax", 20, "granted", 5);
       },
       "dishonest",
       {"lifecycle:tax_arrears/tax"},
       {{"tax", kActive}},
       {{"tax", "granted_not_eligible"}},
       false,
       [](const v1::ScoreResponse& s) {
         const auto& info = s.compliance().information(0);
         EXPECT_FALSE(info.has_cleared_at());
         EXPECT_FALSE(info.has_ends_at());
         EXPECT_FALSE(info.has_repairable_from());
       }},
      {"taxes_paid_recently_are_repairable_after_the_wait",
       "After payment, repair after the waiting period (3 months, unconfirmed) [S2][S7]",
       [](v1::ScoreRequest& r) {
         AddEvent(r, "tax", v1::EVENT_KIND_TAX_PAYMENT, 200)->set_status("overdue");
         v1::Event* p = AddEvent(r, "paid", v1::EVENT_KIND_TAX_PAYMENT, 30);
         p->set_status("late");
         p->set_reference_id("tax");
         (*p->mutable_attributes())["days_late"].set_int_value(260);
       },
       "dishonest",
       {"lifecycle:tax_arrears/tax"},
       {{"tax", kActive}},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         ASSERT_EQ(s.compliance().information_size(), 1);  // the payment clears, it is no item
         const auto& info = s.compliance().information(0);
         EXPECT_EQ(info.cleared_at().seconds(), DaysAgo(30));
         EXPECT_EQ(info.repairable_from().seconds(), DaysAgo(30) + 90 * kDay);
       }},
      {"taxes_paid_and_repaired_after_the_wait_are_not_dishonest",
       "A repair granted after payment and the wait lifts the cap [S2][G1]",
       [](v1::ScoreRequest& r) {
         AddEvent(r, "tax", v1::EVENT_KIND_TAX_PAYMENT, 300)->set_status("overdue");
         v1::Event* p = AddEvent(r, "paid", v1::EVENT_KIND_TAX_PAYMENT, 150);
         p->set_status("late");
         p->set_reference_id("tax");
         (*p->mutable_attributes())["days_late"].set_int_value(240);
         AddRepair(r, "tax", 40, "granted", 20);
       },
       // tx01 still costs 60 tax points (composite 91.1, certified on points); without an
       // AEO certificate cr10 caps at regular.
       "regular",
       {"rule:compliance/cr10_not_aeo"},
       {{"tax", kRepaired}},
       {{"tax", "granted"}},
       false,
       nullptr},
  };
}

// The official grade, reconciled.
std::vector<Row> OfficialRows() {
  return {
      {"official_advanced_with_expired_certificate_is_reconciled_as_engine_stricter",
       "The official grade is an input; the engine says why it differs [G1]",
       [](v1::ScoreRequest& r) {
         AddAeo(r, "advanced", 2200, 400);
         SetOfficial(r, "advanced_certified", 2200);
       },
       "regular",
       {"rule:compliance/cr10_not_aeo"},
       {},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         const auto& c = s.compliance().official();
         EXPECT_FALSE(c.agrees());
         EXPECT_EQ(c.difference(), "engine_stricter");
         ASSERT_EQ(c.reasons_size(), 1);
         EXPECT_EQ(c.reasons(0), "rule:compliance/cr10_not_aeo caps the grade at regular");
       }},
      {"official_dishonest_after_a_repair_is_reconciled_as_engine_more_lenient",
       "A granted repair ends the dishonest status [S2][G1]",
       [](v1::ScoreRequest& r) {
         AddPenalty(r, "smug", 13 * 30.4, "general", true, 20000);
         AddRepair(r, "smug", 40, "granted", 10);
         SetOfficial(r, "dishonest", 13 * 30.4);
       },
       "regular",
       {},
       {{"smug", kRepaired}},
       {{"smug", "granted"}},
       false,
       [](const v1::ScoreResponse& s) {
         const auto& c = s.compliance().official();
         EXPECT_EQ(c.difference(), "engine_more_lenient");
         bool names_repair = false;
         for (const auto& why : c.reasons()) {
           names_repair |= why.find(
                               "lifecycle:smuggling_penalty/smug (caps at dishonest) "
                               "repaired at") == 0;
         }
         EXPECT_TRUE(names_repair);
       }},
      {"official_grade_that_matches_agrees",
       "Reconciliation: the same grade agrees [G1]",
       [](v1::ScoreRequest& r) {
         AddPenalty(r, "smug", 100, "general", true, 20000);
         SetOfficial(r, "dishonest", 95);
       },
       "dishonest",
       {"lifecycle:smuggling_penalty/smug"},
       {{"smug", kActive}},
       {},
       false,
       [](const v1::ScoreResponse& s) {
         EXPECT_TRUE(s.compliance().official().agrees());
         EXPECT_EQ(s.compliance().official().difference(), "same");
       }},
  };
}

std::vector<Row> Rows() {
  std::vector<Row> rows;
  for (auto part :
       {CredentialRows, PolicyRows, SmugglingRows, ToleranceRows, TaxRows, OfficialRows}) {
    for (Row& r : part()) rows.push_back(std::move(r));
  }
  return rows;
}

TEST(CustomsGoldenTest, EveryRowGivesItsGradeCapsAndStates) {
  auto engine = CrossBorderEngine();
  ASSERT_NE(engine, nullptr);
  ASSERT_EQ(Rows().size(), 17u);
  for (const Row& row : Rows()) {
    SCOPED_TRACE(std::string(row.name) + " — " + row.measure);
    v1::ScoreRequest request = SpotlessRequest(row.name);
    row.build(request);
    auto scored = engine->Score(request);
    ASSERT_TRUE(scored.ok()) << scored.status();
    const v1::ComplianceResult& c = scored->compliance();
    EXPECT_EQ(c.grade(), row.grade);
    EXPECT_EQ(c.watch(), row.watch);
    std::vector<std::string> binding;
    for (const auto& t : c.triggers()) {
      if (t.binding()) binding.push_back(t.source());
    }
    EXPECT_EQ(binding, row.binding);
    std::map<std::string, State> states;
    std::map<std::string, std::string> repair;
    for (const auto& info : c.information()) {
      states[info.event_id()] = info.state();
      if (!info.repair_status().empty()) repair[info.event_id()] = info.repair_status();
    }
    EXPECT_EQ(states, row.states);
    EXPECT_EQ(repair, row.repair);
    for (const auto& w : scored->warnings()) ADD_FAILURE() << "warning: " << w;
    if (row.more) row.more(*scored);
  }
}

// The spotless history itself: every cross-border rule was read and none applies.
TEST(CustomsGoldenTest, SpotlessHistoryHitsNoRule) {
  auto engine = CrossBorderEngine();
  ASSERT_NE(engine, nullptr);
  v1::ScoreRequest request = SpotlessRequest("spotless");
  AddAeo(request, "advanced", 400, 0, /*no_until=*/true);
  auto scored = engine->Score(request);
  ASSERT_TRUE(scored.ok()) << scored.status();
  for (const auto& h : scored->rule_hits()) ADD_FAILURE() << "hit " << h.rule_id();
  EXPECT_EQ(scored->compliance().grade(), "advanced_certified");
}

}  // namespace
}  // namespace credence::testing
