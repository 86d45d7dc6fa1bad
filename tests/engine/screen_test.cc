// Engine::Screen, BuildState, LoadState and StateFeatures: the features of a screened state
// equal ComputeFeatures on the same history (the cross-border bundle over simulated
// enterprises), event rules read the event, the features, the enterprise and named lists,
// the outcome policy decides, and bad requests fail with located errors leaving the state
// unchanged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "credence/engine.h"
#include "sim/simulator.h"
#include "sim/stream.h"
#include "tests/testing/builders.h"
#include "tests/testing/cross_border.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::AddEvent;
using ::credence::testing::kAsOfSeconds;
using ::credence::testing::kDay;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const Engine> CrossBorder() { return testing::CrossBorderEngine(); }

v1::ScreenRequest ScreenOf(const v1::ScoreRequest& r, const v1::Event& e, bool features) {
  v1::ScreenRequest s;
  s.set_request_id("s-" + e.id());
  *s.mutable_enterprise() = r.enterprise();
  *s.mutable_event() = e;
  *s.mutable_fx_rates() = r.fx_rates();
  s.mutable_options()->set_include_features(features);
  return s;
}

bool Before(const v1::Event& a, const v1::Event& b) {
  return std::pair(a.time().seconds(), a.time().nanos()) <
         std::pair(b.time().seconds(), b.time().nanos());
}

// Every feature of the cross-border bundle, screened event by event over simulated
// enterprises of every archetype, equals ComputeFeatures on the history so far.
TEST(ScreenTest, CrossBorderFeaturesEqualComputeFeaturesAlongTheStream) {
  auto engine = CrossBorder();
  sim::SimOptions options;
  options.history_days = 400;
  int compared = 0;
  for (std::uint64_t i = 0; i < 6; ++i) {
    options.force_archetype = true;
    options.archetype = static_cast<sim::Archetype>(i);
    v1::ScoreRequest full = sim::SimulateEnterprise(options, i).request;
    std::vector<v1::Event> events(full.events().begin(), full.events().end());
    std::stable_sort(events.begin(), events.end(), Before);
    EnterpriseState state;
    v1::ScoreRequest so_far = full;
    so_far.clear_events();
    for (std::size_t k = 0; k < events.size(); ++k) {
      const bool check = k % 17 == 0 || k + 1 == events.size();
      auto response = engine->Screen(ScreenOf(full, events[k], check), state);
      ASSERT_TRUE(response.ok()) << response.status();
      *so_far.add_events() = events[k];
      if (!check) continue;
      *so_far.mutable_as_of() = response->audit().as_of();
      auto want = engine->ComputeFeatures(so_far);
      ASSERT_TRUE(want.ok()) << want.status();
      for (int f = 0; f < response->features_size(); ++f) {
        const double got = response->features(f).value(),
                     w = want->values[static_cast<std::size_t>(f)];
        ASSERT_TRUE((std::isnan(got) && std::isnan(w)) ||
                    std::abs(got - w) <= 1e-9 * std::max(1.0, std::abs(w)))
            << response->features(f).name() << " at event " << k << ": " << got << " vs " << w;
        ++compared;
      }
    }
    // The state seeded from the whole history (BuildState) has the same features.
    *full.mutable_as_of() = so_far.as_of();
    auto built = engine->BuildState(full);
    ASSERT_TRUE(built.ok()) << built.status();
    auto seeded = engine->StateFeatures(*built);
    auto screened = engine->StateFeatures(state);
    ASSERT_TRUE(seeded.ok() && screened.ok());
    for (std::size_t f = 0; f < seeded->values.size(); ++f) {
      const double a = seeded->values[f], b = screened->values[f];
      ASSERT_TRUE((std::isnan(a) && std::isnan(b)) ||
                  std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(a)))
          << engine->info().feature_names[f];
    }
  }
  EXPECT_GT(compared, 10'000);
}

constexpr const char* kRulesBundle = R"pb(
  metadata { name: "screen-unit" version: "1" }
  base_currency: "USD"
  fx_rates { currency_code: "EUR" rate: "2" }
  features {
    name: "payouts_1d"
    filter { kinds: EVENT_KIND_PAYMENT }
    window { trailing { seconds: 86400 } }
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "payout_value_1d"
    filter { kinds: EVENT_KIND_PAYMENT }
    window { trailing { seconds: 86400 } }
    aggregate { op: AGGREGATE_OP_SUM }
  }
  lists { name: "blocked" values: "mule-1" values: "mule-2" }
  lists { name: "watched_hs" file: "hs.txt" }
  screening {
    review_points: 10
    block_points: 30
    allowed_lateness { seconds: 3600 }
    rule_sets {
      id: "payouts"
      rules {
        id: "listed_counterparty"
        condition: "event.kind == 'PAYMENT' && event.counterparty in lists.blocked"
        outcome: OUTCOME_REJECT
        reason_code: "S01"
        message: "payout to a blocked counterparty ({payouts_1d} today)"
      }
      rules { id: "velocity" condition: "payouts_1d >= 3.0" points: 10 reason_code: "S02" }
      rules {
        id: "big"
        condition: "event.has_amount && event.amount > 1000.0"
        points: 25
        reason_code: "S03"
      }
      rules {
        id: "watched_goods"
        condition: "'hs' in event.attributes && event.attributes['hs'] in lists.watched_hs"
        outcome: OUTCOME_REVIEW
        reason_code: "S04"
      }
    }
  }
)pb";

struct RulesFixture {
  std::filesystem::path dir;
  std::shared_ptr<const Engine> engine;
};

RulesFixture RulesEngine(const std::string& hs_file = "# watched\n6109\n  8517  \n\n") {
  RulesFixture f;
  f.dir = std::filesystem::path(::testing::TempDir()) /
          ("screen_rules_" + std::to_string(std::hash<std::string>{}(hs_file)));
  std::filesystem::create_directories(f.dir);
  std::ofstream(f.dir / "hs.txt") << hs_file;
  std::ofstream(f.dir / "bundle.textproto") << kRulesBundle;
  auto loaded = LoadBundle((f.dir / "bundle.textproto").string());
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  auto engine = Engine::Compile(*loaded);
  EXPECT_TRUE(engine.ok()) << engine.status();
  f.engine = *engine;
  return f;
}

v1::ScreenRequest Payout(const std::string& id, std::int64_t seconds, std::int64_t cents,
                         const std::string& to) {
  v1::ScoreRequest r;
  v1::Event* e = AddEvent(r, id, v1::EVENT_KIND_PAYMENT, seconds, cents);
  e->set_counterparty(to);
  v1::ScreenRequest s;
  s.set_request_id("r-" + id);
  s.mutable_enterprise()->set_id("ent-1");
  *s.mutable_event() = *e;
  return s;
}

TEST(ScreenTest, EventRulesListsAndThePolicyDecide) {
  auto f = RulesEngine();
  EnterpriseState state;
  auto a = f.engine->Screen(Payout("p1", kAsOfSeconds, 5000, "shop"), state);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->outcome(), v1::SCREEN_OUTCOME_ALLOW);
  EXPECT_EQ(a->decided_by(), "default");
  EXPECT_EQ(a->disposition(), v1::EVENT_DISPOSITION_APPLIED);
  EXPECT_EQ(a->audit().as_of().seconds(), kAsOfSeconds);
  // A listed counterparty: the rule blocks, its message cites the feature after the event.
  auto b = f.engine->Screen(Payout("p2", kAsOfSeconds + 60, 5000, "mule-2"), state);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->outcome(), v1::SCREEN_OUTCOME_BLOCK);
  EXPECT_EQ(b->decided_by(), "rule:payouts/listed_counterparty");
  ASSERT_EQ(b->rule_hits_size(), 1);
  EXPECT_EQ(b->rule_hits(0).message(), "payout to a blocked counterparty (2 today)");
  // The third payout of the day: 10 points -> review by points.
  auto c = f.engine->Screen(Payout("p3", kAsOfSeconds + 120, 5000, "shop"), state);
  EXPECT_EQ(c->outcome(), v1::SCREEN_OUTCOME_REVIEW);
  EXPECT_EQ(c->decided_by(), "points");
  EXPECT_EQ(c->points(), 10);
  EXPECT_THAT(c->reason_codes(), ElementsAre("S02"));
  // 10 + 25 points -> block; money converted (EUR 600 = USD 1200).
  v1::ScreenRequest big = Payout("p4", kAsOfSeconds + 180, 60000, "shop");
  big.mutable_event()->mutable_amount()->set_currency_code("EUR");
  auto d = f.engine->Screen(big, state);
  EXPECT_EQ(d->outcome(), v1::SCREEN_OUTCOME_BLOCK);
  EXPECT_EQ(d->points(), 35);
  EXPECT_THAT(d->reason_codes(), ElementsAre("S02", "S03"));
  // An attribute in a list read from a file beside the bundle (trimmed, comments skipped).
  v1::ScreenRequest goods = Payout("p5", kAsOfSeconds + 90000, 100, "shop");
  (*goods.mutable_event()->mutable_attributes())["hs"].set_string_value("8517");
  auto e = f.engine->Screen(goods, state);
  EXPECT_EQ(e->outcome(), v1::SCREEN_OUTCOME_REVIEW);
  EXPECT_EQ(e->decided_by(), "rule:payouts/watched_goods");
  // Re-sending an event already applied: not applied again.
  auto again = f.engine->Screen(Payout("p5", kAsOfSeconds + 90000, 100, "shop"), state);
  EXPECT_EQ(again->disposition(), v1::EVENT_DISPOSITION_DUPLICATE);
}

TEST(ScreenTest, ListFilesAreHashedIntoTheDigest) {
  auto a = RulesEngine("6109\n");
  auto b = RulesEngine("6110\n");
  EXPECT_NE(a.engine->info().digest, b.engine->info().digest);
  EXPECT_EQ(a.engine->info().digest, RulesEngine("6109\n").engine->info().digest);
}

// The rules bundle without its list file, with `extra` replacing its screening section (when
// it has one) and adding to the rest.
Status CompileWith(const std::string& extra) {
  v1::Bundle b = testing::ParseText<v1::Bundle>(kRulesBundle);
  b.mutable_lists(1)->clear_file();  // the file needs a folder
  b.mutable_lists(1)->add_values("6109");
  const v1::Bundle more = testing::ParseText<v1::Bundle>(extra);
  EXPECT_GT(more.ByteSizeLong(), 0u) << extra;
  if (more.has_screening()) b.clear_screening();
  b.MergeFrom(more);
  return Engine::Compile(b).status();
}

TEST(ScreenTest, ScreeningRulesAreTypeChecked) {
  EXPECT_THAT(CompileWith(R"pb(screening {
                                 rule_sets {
                                   id: "x"
                                   rules { id: "a" condition: "event.counterparty in lists.nope" }
                                 }
                               })pb"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown list 'nope'")));
  EXPECT_THAT(CompileWith(R"pb(screening {
                                 rule_sets {
                                   id: "x"
                                   rules { id: "a" condition: "event.amount > 'x'" }
                                 }
                               })pb"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no matching overload")));
  EXPECT_THAT(CompileWith(R"pb(lists { name: "Bad" })pb"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("list name")));
  EXPECT_THAT(CompileWith(R"pb(screening { block_points: 5 review_points: 9 })pb"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("review_points")));
  // Compliance rules cannot read the event (it is not there when scoring).
  EXPECT_THAT(CompileWith(R"pb(rule_sets {
                                 id: "c"
                                 rules { id: "a" condition: "event.amount > 1.0" }
                               })pb"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("undeclared reference to 'event'")));
}

TEST(ScreenTest, BadRequestsFailWithLocationsAndLeaveTheStateUnchanged) {
  auto f = RulesEngine();
  EnterpriseState state;
  ASSERT_TRUE(f.engine->Screen(Payout("p1", kAsOfSeconds, 100, "shop"), state).ok());
  const std::string before = state.Serialize();
  v1::ScreenRequest bad = Payout("p2", kAsOfSeconds + 10, 100, "shop");
  bad.mutable_event()->mutable_amount()->set_currency_code("XXX");
  const Status bad_status = f.engine->Screen(bad, state).status();
  EXPECT_THAT(bad_status, StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown currency")));
  ASSERT_NE(bad_status.location(), nullptr);
  EXPECT_EQ(bad_status.location()->field_path, "event.amount.currency_code");
  EXPECT_EQ(bad_status.location()->event_index, -1);
  v1::ScreenRequest other = Payout("p3", kAsOfSeconds + 10, 100, "shop");
  other.mutable_enterprise()->set_id("ent-2");
  EXPECT_THAT(f.engine->Screen(other, state).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("belongs to enterprise 'ent-1'")));
  v1::ScreenRequest no_id = Payout("p4", kAsOfSeconds + 10, 100, "shop");
  no_id.mutable_enterprise()->clear_id();
  EXPECT_THAT(f.engine->Screen(no_id, state).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("enterprise.id is required")));
  v1::ScreenRequest late = Payout("p5", kAsOfSeconds - 7200, 100, "shop");
  EXPECT_THAT(f.engine->Screen(late, state).status(),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("allowed lateness")));
  v1::ScreenRequest no_time = Payout("p6", kAsOfSeconds, 100, "shop");
  no_time.mutable_event()->clear_time();
  EXPECT_THAT(f.engine->Screen(no_time, state).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("event time is required")));
  EXPECT_EQ(state.Serialize(), before);
}

// An enterprise is validated on every event on which it differs from the one the state
// holds (the same one is not validated again): an invalid change is refused at its field
// whatever came before, and the state keeps the enterprise of the last applied event.
TEST(ScreenTest, EveryChangedEnterpriseIsValidated) {
  auto f = RulesEngine();
  EnterpriseState state;
  v1::ScreenRequest first = Payout("p1", kAsOfSeconds, 100, "shop");
  first.mutable_enterprise()->set_name("Acme");
  ASSERT_TRUE(f.engine->Screen(first, state).ok());
  ASSERT_TRUE(f.engine->Screen(Payout("p2", kAsOfSeconds + 1, 100, "shop"), state).ok());
  v1::ScreenRequest bad = Payout("p3", kAsOfSeconds + 2, 100, "shop");
  bad.mutable_enterprise()->set_name("Acme");
  bad.mutable_enterprise()->mutable_customs_grade()->set_grade(std::string(5000, 'A'));
  const Status s = f.engine->Screen(bad, state).status();
  EXPECT_THAT(s, StatusIs(StatusCode::kOutOfRange, HasSubstr("4096")));
  ASSERT_NE(s.location(), nullptr);
  EXPECT_EQ(s.location()->field_path, "enterprise.customs_grade.grade");
  v1::ScreenRequest utf8 = Payout("p3", kAsOfSeconds + 2, 100, "shop");
  utf8.mutable_enterprise()->set_name("\xff");
  EXPECT_THAT(f.engine->Screen(utf8, state).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("UTF-8")));
  // A loaded state validates its enterprise again under the engine's limits.
  auto loaded = f.engine->LoadState(state.Serialize());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  v1::ScreenRequest same = Payout("p3", kAsOfSeconds + 2, 100, "shop");
  EXPECT_TRUE(f.engine->Screen(same, *loaded).ok());
  v1::ScreenRequest renamed = Payout("p4", kAsOfSeconds + 3, 100, "shop");
  renamed.mutable_enterprise()->set_name(std::string(5000, 'n'));
  EXPECT_THAT(f.engine->Screen(renamed, *loaded).status(),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("4096")));
}

// Screening evaluates, for each event, only the rules that can fire for its kind (a rule
// with a top-level `event.kind == 'K'` conjunct is false for any other kind). The reference
// evaluates every rule: the same bundle with each condition written `(c) || false`, which
// means the same but hides the conjunct. On a simulated stream with attacks, every response
// must decide the same (rule hits, outcome, points, reasons; the digests differ).
TEST(ScreenTest, RulesSplitByEventKindDecideAsEveryRule) {
  auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/cross-border");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  LoadedBundle hidden = *loaded;
  int guarded = 0;
  for (v1::RuleSet& set : *hidden.bundle.mutable_screening()->mutable_rule_sets()) {
    for (v1::Rule& rule : *set.mutable_rules()) {
      guarded += rule.condition().rfind("event.kind == ", 0) == 0;
      rule.set_condition("(" + rule.condition() + ") || false");
    }
  }
  ASSERT_GE(guarded, 10);  // the split has something to split
  auto split = Engine::Compile(*loaded);
  auto every = Engine::Compile(hidden);
  ASSERT_TRUE(split.ok() && every.ok());
  sim::StreamOptions o;
  o.enterprises = 40;
  o.attack_share = 0.5;
  o.sim.history_days = 120;
  auto stream = sim::SimulateStream(o);
  ASSERT_TRUE(stream.ok()) << stream.status();
  std::map<std::string, std::pair<EnterpriseState, EnterpriseState>> states;
  int hits = 0;
  for (const v1::ScreenRequest& r : stream->requests) {
    auto& [a, b] = states[r.enterprise().id()];
    auto x = (*split)->Screen(r, a);
    auto y = (*every)->Screen(r, b);
    ASSERT_EQ(x.ok(), y.ok()) << r.request_id();
    if (!x.ok()) continue;
    x->clear_audit();
    y->clear_audit();
    ASSERT_EQ(x->SerializeAsString(), y->SerializeAsString()) << r.request_id();
    hits += x->rule_hits_size();
  }
  EXPECT_GT(hits, 100);
}

TEST(ScreenTest, SavedStatesContinueExactlyAndRefuseOtherFeatures) {
  auto f = RulesEngine();
  EnterpriseState live;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        f.engine
            ->Screen(Payout("p" + std::to_string(i), kAsOfSeconds + 3000 * i, 100 * i, "x"), live)
            .ok());
  }
  auto loaded = f.engine->LoadState(live.Serialize());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Serialize(), live.Serialize());
  v1::ScreenRequest next = Payout("next", kAsOfSeconds + 3000 * 20, 777, "x");
  next.mutable_options()->set_include_features(true);
  auto x = f.engine->Screen(next, live), y = f.engine->Screen(next, *loaded);
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_EQ(x->SerializeAsString(), y->SerializeAsString());
  // Another feature set refuses the state.
  v1::Bundle other = testing::ParseText<v1::Bundle>(R"pb(
    metadata { name: "o" }
    base_currency: "USD"
    features {
      name: "n"
      aggregate { op: AGGREGATE_OP_COUNT }
    })pb");
  auto engine = Engine::Compile(other);
  ASSERT_TRUE(engine.ok());
  EXPECT_THAT((*engine)->LoadState(live.Serialize()).status(),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("other feature definitions")));
  EXPECT_THAT((*engine)->LoadState("garbage").status(),
              StatusIs(StatusCode::kDataLoss, HasSubstr("EnterpriseState")));
}

}  // namespace
}  // namespace credence
