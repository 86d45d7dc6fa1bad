// decision::Decider against the rules of docs/rule_sets.md ("The decision"): the strictest
// proposal wins (REJECT > REVIEW > APPROVE); among equals the deciding table, then rule hits
// in hit order, then the credit grade band; the table's limit (major units) replaces the
// band's (minor units); a limit only with APPROVE; no proposals → REVIEW "no_decision".
// Every expected value below is worked out by hand from those rules.
#include "decision/decider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace credence::decision {
namespace {

v1::RuleHit Hit(const std::string& set, const std::string& id, v1::Outcome outcome,
                bool errored = false) {
  v1::RuleHit h;
  h.set_rule_set(set);
  h.set_rule_id(id);
  h.set_outcome(outcome);
  h.set_errored(errored);
  return h;
}

v1::GradeBand Band(const std::string& grade, v1::Outcome outcome, std::int64_t limit_minor) {
  v1::GradeBand b;
  b.set_grade(grade);
  b.set_outcome(outcome);
  b.set_limit_minor_units(limit_minor);
  return b;
}

v1::Decision Decide(const Decider& d) {
  v1::Decision out;
  d.Decide(&out);
  return out;
}

TEST(DeciderTest, NoProposalsIsReviewFromNoDecision) {
  const v1::Decision d = Decide(Decider("CNY", 2));
  EXPECT_EQ(d.outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(d.source(), "no_decision");
  EXPECT_FALSE(d.has_limit());
}

TEST(DeciderTest, StrictestWins) {
  // APPROVE (table) < REVIEW (grade) < REJECT (rule): the rule decides.
  Decider d("CNY", 2);
  d.ProposeTable("policy", v1::OUTCOME_APPROVE, std::nullopt);
  d.ProposeRule(Hit("consumer", "high_refunds", v1::OUTCOME_REJECT));
  d.ProposeGrade("master", Band("BBB", v1::OUTCOME_REVIEW, 0));
  const v1::Decision out = Decide(d);
  EXPECT_EQ(out.outcome(), v1::OUTCOME_REJECT);
  EXPECT_EQ(out.source(), "rule:consumer/high_refunds");

  // REVIEW from the grade beats APPROVE from the table and a rule.
  Decider e("CNY", 2);
  e.ProposeTable("policy", v1::OUTCOME_APPROVE, std::nullopt);
  e.ProposeRule(Hit("consumer", "ok", v1::OUTCOME_APPROVE));
  e.ProposeGrade("master", Band("BB", v1::OUTCOME_REVIEW, 0));
  EXPECT_EQ(Decide(e).outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(Decide(e).source(), "grade_scale:master/BB");
}

TEST(DeciderTest, FirstOfEqualsIsTableThenRulesInHitOrderThenGrade) {
  // Three REVIEWs: the table comes first.
  Decider d("CNY", 2);
  d.ProposeTable("policy", v1::OUTCOME_REVIEW, std::nullopt);
  d.ProposeRule(Hit("consumer", "r1", v1::OUTCOME_REVIEW));
  d.ProposeGrade("master", Band("B", v1::OUTCOME_REVIEW, 0));
  EXPECT_EQ(Decide(d).source(), "decision_table:policy");

  // Two rejecting rules: the first hit; the grade's equal REJECT comes after rules.
  Decider e("CNY", 2);
  e.ProposeRule(Hit("customs", "smuggling", v1::OUTCOME_REJECT));
  e.ProposeRule(Hit("tax", "fraud", v1::OUTCOME_REJECT));
  e.ProposeGrade("master", Band("C", v1::OUTCOME_REJECT, 0));
  EXPECT_EQ(Decide(e).source(), "rule:customs/smuggling");

  // The order is the documented one, not the order of the calls: a grade proposed before
  // the rule and the table still comes after them.
  Decider f("CNY", 2);
  f.ProposeGrade("master", Band("C", v1::OUTCOME_REJECT, 0));
  f.ProposeRule(Hit("customs", "smuggling", v1::OUTCOME_REJECT));
  EXPECT_EQ(Decide(f).source(), "rule:customs/smuggling");
  f.ProposeTable("policy", v1::OUTCOME_REJECT, std::nullopt);
  EXPECT_EQ(Decide(f).source(), "decision_table:policy");
}

TEST(DeciderTest, ErroredOrOutcomelessRulesDoNotPropose) {
  Decider d("CNY", 2);
  d.ProposeRule(Hit("consumer", "broken", v1::OUTCOME_REJECT, /*errored=*/true));
  d.ProposeRule(Hit("consumer", "flag_only", v1::OUTCOME_UNSPECIFIED));
  EXPECT_EQ(Decide(d).source(), "no_decision");
  d.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 0));
  EXPECT_EQ(Decide(d).outcome(), v1::OUTCOME_APPROVE);
  EXPECT_EQ(Decide(d).source(), "grade_scale:master/A");
}

TEST(DeciderTest, ErroredTableAndMissingCreditProposeReview) {
  Decider d("CNY", 2);
  d.ProposeTableError("policy");
  d.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 1'500'000));
  EXPECT_EQ(Decide(d).outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(Decide(d).source(), "decision_table:policy");
  EXPECT_FALSE(Decide(d).has_limit());

  Decider e("CNY", 2);
  e.ProposeCreditUnavailable();
  EXPECT_EQ(Decide(e).outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(Decide(e).source(), "credit_unavailable");
}

TEST(DeciderTest, GradeBandWithoutOutcomeProposesReview) {
  Decider d("CNY", 2);
  d.ProposeGrade("master", Band("BB", v1::OUTCOME_UNSPECIFIED, 500'000));
  EXPECT_EQ(Decide(d).outcome(), v1::OUTCOME_REVIEW);
  EXPECT_EQ(Decide(d).source(), "grade_scale:master/BB");
  EXPECT_FALSE(Decide(d).has_limit()) << "a limit only with APPROVE";
}

TEST(DeciderTest, TableLimitReplacesGradeBandLimit) {
  // Band A: 15,000,000 fen; the table says 250000 yuan = 25,000,000 fen.
  Decider d("CNY", 2);
  d.ProposeTable("policy", v1::OUTCOME_APPROVE, 250000.0);
  d.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 15'000'000));
  v1::Decision out = Decide(d);
  EXPECT_EQ(out.outcome(), v1::OUTCOME_APPROVE);
  EXPECT_EQ(out.source(), "decision_table:policy");
  ASSERT_TRUE(out.has_limit());
  EXPECT_EQ(out.limit().currency_code(), "CNY");
  EXPECT_EQ(out.limit().minor_units(), 25'000'000);

  // A table without a limit output leaves the band's limit.
  Decider e("CNY", 2);
  e.ProposeTable("policy", v1::OUTCOME_APPROVE, std::nullopt);
  e.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 15'000'000));
  out = Decide(e);
  ASSERT_TRUE(out.has_limit());
  EXPECT_EQ(out.limit().minor_units(), 15'000'000);

  // A table limit of 0 (or below) replaces the band's with none.
  for (double zero : {0.0, -5.0}) {
    Decider f("CNY", 2);
    f.ProposeTable("policy", v1::OUTCOME_APPROVE, zero);
    f.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 15'000'000));
    EXPECT_FALSE(Decide(f).has_limit()) << zero;
  }
}

TEST(DeciderTest, TableLimitIsRoundedToMinorUnitsOfTheBaseCurrency) {
  Decider cny("CNY", 2);  // 99.996 yuan = 9999.6 fen → 10000
  cny.ProposeTable("policy", v1::OUTCOME_APPROVE, 99.996);
  EXPECT_EQ(Decide(cny).limit().minor_units(), 10'000);
  Decider jpy("JPY", 0);  // 1234.5 yen → 1235 (half away from zero)
  jpy.ProposeTable("policy", v1::OUTCOME_APPROVE, 1234.5);
  EXPECT_EQ(Decide(jpy).limit().currency_code(), "JPY");
  EXPECT_EQ(Decide(jpy).limit().minor_units(), 1235);
}

TEST(DeciderTest, LimitCapBoundsEveryLimit) {
  // Table 250000 yuan, cap 100000.005 yuan -> 10,000,001 fen (rounded half away from zero).
  Decider d("CNY", 2);
  d.ProposeTable("policy", v1::OUTCOME_APPROVE, 250000.0);
  d.SetLimitCap(100000.005);
  v1::Decision out = Decide(d);
  EXPECT_EQ(out.limit().minor_units(), 10'000'001);
  EXPECT_EQ(out.limit_cap().minor_units(), 10'000'001);
  EXPECT_EQ(out.limit_cap().currency_code(), "CNY");
  EXPECT_TRUE(out.limit_capped());
  // A cap above the limit leaves it; the band's limit is capped the same way.
  Decider e("CNY", 2);
  e.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 15'000'000));
  e.SetLimitCap(1e6);
  out = Decide(e);
  EXPECT_EQ(out.limit().minor_units(), 15'000'000);
  EXPECT_FALSE(out.limit_capped());
  Decider f("CNY", 2);
  f.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 15'000'000));
  f.SetLimitCap(1000);
  EXPECT_EQ(Decide(f).limit().minor_units(), 100'000);
  // A cap of 0, an unavailable cap or a NaN one: no limit at all.
  for (int k = 0; k < 3; ++k) {
    Decider g("CNY", 2);
    g.ProposeTable("policy", v1::OUTCOME_APPROVE, 250000.0);
    if (k == 0) g.SetLimitCap(0);
    if (k == 1) g.LimitCapUnavailable();
    if (k == 2) g.SetLimitCap(std::nan(""));
    EXPECT_FALSE(Decide(g).has_limit()) << k;
  }
  // Without an approval there is neither limit nor cap.
  Decider h("CNY", 2);
  h.ProposeTable("policy", v1::OUTCOME_REVIEW, 250000.0);
  h.SetLimitCap(10);
  EXPECT_FALSE(Decide(h).has_limit_cap());
}

TEST(DeciderTest, NonFiniteAndHugeTableLimits) {
  // NaN counts as 0 (no limit); +inf and anything above 2^53 minor units as 2^53.
  Decider nan("CNY", 2);
  nan.ProposeTable("policy", v1::OUTCOME_APPROVE, std::nan(""));
  EXPECT_FALSE(Decide(nan).has_limit());
  for (double huge : {std::numeric_limits<double>::infinity(), 1e300}) {
    Decider d("CNY", 2);
    d.ProposeTable("policy", v1::OUTCOME_APPROVE, huge);
    EXPECT_EQ(Decide(d).limit().minor_units(), std::int64_t{1} << 53) << huge;
  }
}

TEST(DeciderTest, LimitOnlyWithApprove) {
  // The band would give 15,000,000 fen, but a rule's REVIEW decides.
  Decider d("CNY", 2);
  d.ProposeRule(Hit("consumer", "watch", v1::OUTCOME_REVIEW));
  d.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 15'000'000));
  EXPECT_EQ(Decide(d).outcome(), v1::OUTCOME_REVIEW);
  EXPECT_FALSE(Decide(d).has_limit());

  // A rejecting table with a limit gives none either.
  Decider e("CNY", 2);
  e.ProposeTable("policy", v1::OUTCOME_REJECT, 250000.0);
  EXPECT_EQ(Decide(e).outcome(), v1::OUTCOME_REJECT);
  EXPECT_FALSE(Decide(e).has_limit());

  // APPROVE from a rule with the band's limit: the band's limit is given.
  Decider f("CNY", 2);
  f.ProposeRule(Hit("consumer", "vip", v1::OUTCOME_APPROVE));
  f.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 15'000'000));
  EXPECT_EQ(Decide(f).source(), "rule:consumer/vip");
  EXPECT_EQ(Decide(f).limit().minor_units(), 15'000'000);
}

TEST(DeciderTest, DecideLeavesReasonCodesAlone) {
  Decider d("CNY", 2);
  d.ProposeGrade("master", Band("A", v1::OUTCOME_APPROVE, 0));
  v1::Decision out;
  out.add_reason_codes("R1");
  d.Decide(&out);
  EXPECT_THAT(out.reason_codes(), ::testing::ElementsAre("R1"));
}

TEST(DeciderTest, OutcomeFromName) {
  EXPECT_EQ(OutcomeFromName("APPROVE"), v1::OUTCOME_APPROVE);
  EXPECT_EQ(OutcomeFromName("REVIEW"), v1::OUTCOME_REVIEW);
  EXPECT_EQ(OutcomeFromName("REJECT"), v1::OUTCOME_REJECT);
  EXPECT_EQ(OutcomeFromName("approve"), v1::OUTCOME_UNSPECIFIED);
  EXPECT_EQ(OutcomeFromName(""), v1::OUTCOME_UNSPECIFIED);
}

}  // namespace
}  // namespace credence::decision
