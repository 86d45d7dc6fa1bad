// The online state (src/features/online_state.h) against the batch plan: random feature
// definitions (every computation) over random event streams (ties in time, late events
// within and beyond the allowed lateness, re-delivered duplicates, links both ways to earlier
// and later events, long gaps that empty windows), checked after EVERY event against
// FeaturePlan::Evaluate on the same history with as_of = the state's clock; and a saved and
// reloaded state computes the same bits as the one that never left memory.
#include "features/online_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <map>
#include <random>

#include "features/exact_sum.h"
#include "features/feature_plan.h"
#include "tests/features/naive_reference.h"
#include "tests/features/random_features.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::features {
namespace {

using ::credence::testing::AddEvent;
using ::credence::testing::kAsOfSeconds;
using ::credence::testing::MakeRequest;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

constexpr std::int64_t kNs = 1'000'000'000;
constexpr core::DurationNs kLateness = 2 * kDay * kNs;

io::FxTable Fx() {
  google::protobuf::RepeatedPtrField<v1::FxRate> rates;
  v1::FxRate* eur = rates.Add();
  eur->set_currency_code("EUR");
  eur->set_rate("2");
  return io::FxTable::Build("USD", rates, "fx_rates").value();
}

google::protobuf::Timestamp AsTimestamp(core::TimeNs t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(t >= 0 ? t / kNs : -((-t + kNs - 1) / kNs));
  ts.set_nanos(static_cast<std::int32_t>(t - ts.seconds() * kNs));
  return ts;
}

core::TimeNs TimeOf(const v1::Event& e) { return e.time().seconds() * kNs + e.time().nanos(); }

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The batch plan and its online counterpart for one set of definitions.
struct Plans {
  std::vector<v1::Feature> defs;
  FeaturePlan batch;
  std::shared_ptr<const OnlinePlan> online;
};

Plans Compile(std::vector<v1::Feature> defs) {
  google::protobuf::RepeatedPtrField<v1::Feature> field(defs.begin(), defs.end());
  auto plan = FeaturePlan::Compile(field, 2, 10'000, nullptr, nullptr);
  EXPECT_TRUE(plan.ok()) << plan.status();
  auto online = std::make_shared<const OnlinePlan>(plan->definitions(), kLateness, "test");
  return Plans{std::move(defs), std::move(plan).value(), std::move(online)};
}

// How far apart a reference and its target may be in time so that both stay in the state
// while a window needs them: well inside the retention horizon behind any link's offset.
std::int64_t LinkSpanSeconds(const Plans& p) {
  core::DurationNs offset = 0;
  for (const CompiledFeature& f : p.online->defs().features) {
    if (f.kind == Kind::kLink) offset = std::max(offset, f.window.offset);
  }
  return std::max<std::int64_t>(3600,
                                (p.online->layout().retention + kLateness - offset) / kNs / 2);
}

// A random stream: mostly forward in time on an hour grid (so events fall exactly on
// window and period boundaries), with ties, nanosecond steps, long gaps, late events,
// re-deliveries of recent events and references to recent, future, missing and own ids.
std::vector<v1::Event> RandomStream(std::mt19937_64& rng, int n, std::int64_t link_span) {
  std::vector<v1::Event> out;
  std::vector<std::int64_t> seconds_of(static_cast<std::size_t>(n), -1);  // of event "e<i>"
  std::int64_t clock = kAsOfSeconds - 400 * kDay;
  for (int i = 0; i < n; ++i) {
    if (i > 0 && rng() % 12 == 0) {  // a re-delivery of a recent event, maybe changed
      v1::Event e = out[out.size() - 1 - rng() % std::min<std::size_t>(out.size(), 8)];
      if (rng() % 2) e.set_status("changed");
      out.push_back(e);
      continue;
    }
    const std::uint64_t step = rng() % 10;
    std::int64_t seconds = clock;
    int nanos = 0;
    if (step < 2) {
      // a tie with the clock
    } else if (step < 6) {
      seconds = clock + 3600 * static_cast<std::int64_t>(rng() % 48);
    } else if (step < 7) {
      seconds = clock + kDay * static_cast<std::int64_t>(rng() % 120);  // windows empty
    } else if (step < 8) {
      seconds = clock - 3600 * static_cast<std::int64_t>(rng() % 60);  // late (some too late)
    } else if (step < 9) {
      seconds = clock + static_cast<std::int64_t>(rng() % 3);
      nanos = rng() % 2 ? 1 : 999'999'999;
    } else {
      seconds = clock + static_cast<std::int64_t>(rng() % (7 * kDay));
    }
    clock = std::max(clock, seconds);
    v1::Event e;
    e.set_id("e" + std::to_string(i));
    *e.mutable_time() = testing::Ts(seconds, nanos);
    FillRandomEvent(rng, &e);
    // References: to a recent event, a future one, a missing id or itself.
    const std::uint64_t link = rng() % 8;
    if (link < 3 && i > 0) {
      const int target =
          i - 1 - static_cast<int>(rng() % static_cast<std::uint64_t>(std::min(i, 10)));
      const std::int64_t t = seconds_of[static_cast<std::size_t>(target)];
      if (t >= 0 && std::llabs(t - seconds) < link_span) {
        e.set_reference_id("e" + std::to_string(target));
      }
    } else if (link == 3) {
      e.set_reference_id("e" + std::to_string(i + 1 + rng() % 4));
    } else if (link == 4) {
      e.set_reference_id(rng() % 2 ? "nope" : e.id());
    }
    seconds_of[static_cast<std::size_t>(i)] = seconds;
    out.push_back(std::move(e));
  }
  return out;
}

struct Counts {
  int compared = 0, exact = 0, late = 0, duplicates = 0, reloads = 0;
  std::map<std::string, int> non_missing;  // per computation
};

std::string Computation(const v1::Feature& f) {
  if (f.has_aggregate()) return v1::AggregateOp_Name(f.aggregate().op());
  if (f.has_link()) {
    return v1::LinkMeasure_Name(f.link().measure()) +
           (f.link().direction() == v1::LINK_DIRECTION_OUTBOUND ? "/out" : "/in");
  }
  if (f.has_trend()) return "TREND";
  if (f.has_ratio()) return "RATIO";
  if (f.has_growth()) return "GROWTH";
  return "TENURE";
}

void Compare(const Plans& p, const std::vector<double>& got, const std::vector<double>& want,
             const std::string& where, Counts& counts) {
  for (std::size_t k = 0; k < p.defs.size(); ++k) {
    const v1::Feature& f = p.defs[k];
    ++counts.compared;
    if (!std::isnan(want[k])) ++counts.non_missing[Computation(f)];
    if (MustBeExact(f)) {
      ++counts.exact;
      ASSERT_TRUE((std::isnan(got[k]) && std::isnan(want[k])) || got[k] == want[k])
          << where << " feature " << f.name() << " (" << Computation(f) << "): online " << got[k]
          << " batch " << want[k] << "\n"
          << f.DebugString();
    } else if (std::isnan(want[k]) || std::isinf(want[k])) {
      ASSERT_TRUE(std::isnan(got[k]) == std::isnan(want[k]) &&
                  (std::isnan(want[k]) || got[k] == want[k]))
          << where << " feature " << f.name() << ": online " << got[k] << " batch " << want[k]
          << "\n"
          << f.DebugString();
    } else {
      ASSERT_NEAR(got[k], want[k], 1e-9 * std::max(1.0, std::abs(want[k])))
          << where << " feature " << f.name() << " (" << Computation(f) << ")\n"
          << f.DebugString();
    }
  }
}

// Replays one stream event by event, comparing with the batch plan after every event.
void ReplayAndCompare(const Plans& p, std::mt19937_64& rng, int n, Counts& counts) {
  const io::FxTable fx = Fx();
  OnlineState state(p.online);
  v1::ScoreRequest history = MakeRequest();
  if (rng() % 4 != 0) {
    *history.mutable_enterprise()->mutable_registered_at() =
        testing::Ts(kAsOfSeconds - 900 * kDay + static_cast<std::int64_t>(rng() % 1000));
  }
  std::optional<core::TimeNs> registered;
  if (history.enterprise().has_registered_at()) {
    registered = history.enterprise().registered_at().seconds() * kNs;
  }
  std::vector<double> got(p.defs.size()), want(p.defs.size()), reloaded(p.defs.size());
  const std::vector<v1::Event> stream = RandomStream(rng, n, LinkSpanSeconds(p));
  for (std::size_t i = 0; i < stream.size(); ++i) {
    const v1::Event& e = stream[i];
    v1::ScoreRequest one;
    *one.add_events() = e;
    *one.mutable_as_of() = e.time();
    auto in = io::Ingest(one, fx, RequestLimits{});
    ASSERT_TRUE(in.ok()) << in.status();
    const bool too_late = state.started() && TimeOf(e) < state.clock() - kLateness;
    const bool duplicate = state.Contains(e.id());
    auto applied = state.Apply(in->events, 0, state.Bind(in->events));
    if (too_late && !duplicate) {
      ASSERT_THAT(applied.status(), StatusIs(StatusCode::kOutOfRange, HasSubstr("lateness")));
      ++counts.late;
      continue;
    }
    ASSERT_TRUE(applied.ok()) << applied.status();
    ASSERT_EQ(*applied == OnlineState::Applied::kDuplicate, duplicate) << e.id();
    counts.duplicates += duplicate ? 1 : 0;
    *history.add_events() = e;
    *history.mutable_as_of() = AsTimestamp(state.clock());
    auto batch_in = io::Ingest(history, fx, RequestLimits{});
    ASSERT_TRUE(batch_in.ok()) << batch_in.status();
    p.batch.Evaluate(*batch_in, want);
    state.Evaluate(registered, got);
    Compare(p, got, want, "event " + std::to_string(i) + " (" + e.id() + ")", counts);
    if (::testing::Test::HasFatalFailure()) return;
    if (rng() % 4 == 0) {  // saved and reloaded: the same bits, and it carries on
      v1::FeatureState saved;
      state.Save(&saved);
      auto loaded = OnlineState::Load(p.online, saved);
      ASSERT_TRUE(loaded.ok()) << loaded.status();
      loaded->Evaluate(registered, reloaded);
      for (std::size_t k = 0; k < got.size(); ++k) {
        ASSERT_TRUE(SameBits(got[k], reloaded[k]))
            << "reloaded state differs at event " << i << " feature " << p.defs[k].name() << ": "
            << got[k] << " vs " << reloaded[k];
      }
      v1::FeatureState again;
      loaded->Save(&again);
      ASSERT_EQ(saved.SerializeAsString(), again.SerializeAsString()) << "event " << i;
      if (rng() % 2) state = std::move(loaded).value();
      ++counts.reloads;
    }
  }
}

TEST(OnlineStateTest, EqualsBatchFeaturesAfterEveryEvent) {
  std::mt19937_64 rng(20261201);
  Counts counts;
  for (int round = 0; round < 60; ++round) {
    const Plans p = Compile(RandomFeatures(rng));
    for (int h = 0; h < 3; ++h) {
      ReplayAndCompare(p, rng, 40 + static_cast<int>(rng() % 120), counts);
      if (HasFatalFailure()) return;
    }
  }
  // The test must have exercised what it claims to.
  std::string summary;
  for (const auto& [what, n] : counts.non_missing) summary += what + "=" + std::to_string(n) + " ";
  RecordProperty("non_missing", summary);
  std::cout << "compared " << counts.compared << " (exact " << counts.exact << "), late "
            << counts.late << ", duplicates " << counts.duplicates << ", reloads " << counts.reloads
            << "\n"
            << summary << "\n";
  EXPECT_GT(counts.compared, 100'000);
  EXPECT_GT(counts.late, 50);
  EXPECT_GT(counts.duplicates, 50);
  EXPECT_GT(counts.reloads, 500);
  for (const char* what : kEveryAggregateOp) {
    EXPECT_GT(counts.non_missing[what], 50) << what << " was rarely non-missing";
  }
  for (const char* what :
       {"TREND", "RATIO", "GROWTH", "TENURE", "LINK_MEASURE_SHARE_LINKED/in",
        "LINK_MEASURE_SHARE_LINKED/out", "LINK_MEASURE_DURATION_MEAN/in",
        "LINK_MEASURE_DURATION_QUANTILE/in", "LINK_MEASURE_DURATION_SHARE_ABOVE/out"}) {
    EXPECT_GT(counts.non_missing[what], 50) << what << " was rarely non-missing";
  }
}

}  // namespace
}  // namespace credence::features

namespace credence::features {
namespace {

// One-feature-per-line bundles for the targeted tests below.
Plans CompileText(const std::string& text) {
  const v1::Bundle b = testing::ParseText<v1::Bundle>(text);
  return Compile({b.features().begin(), b.features().end()});
}

// Applies one event (`id`, ORDER, at `seconds` with `minor` USD) to `state`.
Result<OnlineState::Applied> ApplyOrder(OnlineState& state, const std::string& id,
                                        std::int64_t seconds, std::int64_t minor = 100) {
  v1::ScoreRequest one;
  AddEvent(one, id, v1::EVENT_KIND_ORDER, seconds, minor);
  *one.mutable_as_of() = testing::Ts(seconds);
  auto in = io::Ingest(one, Fx(), RequestLimits{});
  EXPECT_TRUE(in.ok()) << in.status();
  return state.Apply(in->events, 0, state.Bind(in->events));
}

constexpr const char* kWeekBundle = R"pb(
  features {
    name: "orders_7d"
    filter { kinds: EVENT_KIND_ORDER }
    window { trailing { seconds: 604800 } }
    aggregate { op: AGGREGATE_OP_COUNT }
  }
  features {
    name: "p90_7d"
    filter { kinds: EVENT_KIND_ORDER }
    window { trailing { seconds: 604800 } }
    aggregate { op: AGGREGATE_OP_QUANTILE quantile: 0.9 }
  }
  features {
    name: "tenure"
    filter { kinds: EVENT_KIND_ORDER }
    window { all_history: true }
    aggregate { op: AGGREGATE_OP_DAYS_SINCE_FIRST }
  }
)pb";

// The late-event policy: up to the allowed lateness (2 days here) behind the latest event an
// event is applied where it belongs; further behind it is refused and changes nothing.
TEST(OnlineStatePolicyTest, LateEventsWithinTheLatenessAreAppliedBeyondAreRefused) {
  const Plans p = CompileText(kWeekBundle);
  OnlineState state(p.online);
  const std::int64_t t0 = kAsOfSeconds;
  ASSERT_TRUE(ApplyOrder(state, "a", t0).ok());
  ASSERT_TRUE(ApplyOrder(state, "b", t0 + 10 * kDay).ok());
  std::vector<double> v(3);
  state.Evaluate(std::nullopt, v);
  EXPECT_EQ(v[0], 1);  // "a" left the 7-day window
  // 1.5 days late: inside the window, counted.
  ASSERT_TRUE(ApplyOrder(state, "late", t0 + 10 * kDay - 36 * 3600).ok());
  state.Evaluate(std::nullopt, v);
  EXPECT_EQ(v[0], 2);
  // 3 days late: refused, nothing changes, and it is not remembered as seen.
  EXPECT_THAT(ApplyOrder(state, "too_late", t0 + 7 * kDay).status(),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("allowed lateness")));
  EXPECT_FALSE(state.Contains("too_late"));
  state.Evaluate(std::nullopt, v);
  EXPECT_EQ(v[0], 2);
  // Exactly the lateness behind the clock is still accepted.
  EXPECT_TRUE(ApplyOrder(state, "edge", t0 + 8 * kDay).ok());
}

// Memory follows the window, not the history: 20,000 hourly events with a 7-day window keep
// about 7 days (+ the lateness) of events; the all-history tenure feature is a running total.
TEST(OnlineStatePolicyTest, KeptEventsAreBoundedByTheLongestWindow) {
  const Plans p = CompileText(kWeekBundle);
  OnlineState state(p.online);
  std::size_t most = 0;
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_TRUE(ApplyOrder(state, "e" + std::to_string(i), kAsOfSeconds + 3600 * i, i).ok());
    most = std::max(most, state.retained_events());
  }
  EXPECT_LE(most, 9u * 24 + 2);  // 7 days of window + 2 days of lateness, hourly
  std::vector<double> v(3);
  state.Evaluate(std::nullopt, v);
  EXPECT_EQ(v[0], 7 * 24);                 // (t - 7d, t]: 168 hourly events
  EXPECT_NEAR(v[2], 19'999.0 / 24, 1e-9);  // days since the very first order
  // The 90th percentile of amounts 198.32 .. 199.99: h = 167 * 0.9 = 150.3 -> 199.823.
  EXPECT_NEAR(v[1], 199.823, 1e-9);
}

// Duplicates: an id held by the state is ignored (the first event wins, as in batch ingest);
// once its event has been let go (beyond the retention horizon) the id is forgotten, and a
// re-delivery of that old event is refused as late.
TEST(OnlineStatePolicyTest, DuplicateIdsAreRememberedAsLongAsTheirEvents) {
  const Plans p = CompileText(kWeekBundle);
  OnlineState state(p.online);
  ASSERT_EQ(*ApplyOrder(state, "a", kAsOfSeconds), OnlineState::Applied::kApplied);
  EXPECT_EQ(*ApplyOrder(state, "a", kAsOfSeconds, 999), OnlineState::Applied::kDuplicate);
  ASSERT_TRUE(ApplyOrder(state, "b", kAsOfSeconds + 30 * kDay).ok());
  EXPECT_FALSE(state.Contains("a"));
  EXPECT_THAT(state.TakeReleasedIds(), ::testing::ElementsAre("a"));
  EXPECT_THAT(ApplyOrder(state, "a", kAsOfSeconds).status(),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("lateness")));
}

TEST(OnlineStatePolicyTest, LoadRefusesAnotherFingerprintAndCorruptColumns) {
  const Plans p = CompileText(kWeekBundle);
  OnlineState state(p.online);
  ASSERT_TRUE(ApplyOrder(state, "a", kAsOfSeconds).ok());
  v1::FeatureState saved;
  state.Save(&saved);
  auto other = std::make_shared<const OnlinePlan>(p.online->defs(), kLateness, "other");
  EXPECT_THAT(OnlineState::Load(other, saved).status(),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("other feature definitions")));
  saved.mutable_events()->add_time_delta(1);
  EXPECT_THAT(OnlineState::Load(p.online, saved).status(),
              StatusIs(StatusCode::kDataLoss, HasSubstr("inconsistent")));
}

// ExactSum against sums known exactly: binary fractions (exact in double) and cancellation.
TEST(ExactSumTest, SumsAndRemovalsAreExact) {
  ExactSum s;
  s.Add(1e300);
  s.Add(0.1);
  s.Add(-1e300);
  EXPECT_EQ(s.Value(), 0.1);
  s.Sub(0.1);
  EXPECT_TRUE(s.IsZero());
  std::mt19937_64 rng(7);
  ExactSum a, b;
  long double eighths = 0;  // k/8 with |k| < 2^40: exact in long double too
  for (int i = 0; i < 10'000; ++i) {
    const double x =
        static_cast<double>(static_cast<std::int64_t>(rng() % (1ULL << 40)) - (1LL << 39)) / 8;
    a.Add(x);
    eighths += x;
    if (i % 3 == 0) {
      a.Sub(x);
      eighths -= x;
    }
  }
  EXPECT_EQ(a.Value(), static_cast<double>(eighths));
  b.Add(5e-324);  // the smallest subnormal
  b.Add(5e-324);
  EXPECT_EQ(b.Value(), 1e-323);
}

TEST(ExactSumTest, VarianceHasNoCancellation) {
  // Values 1e9 + {0, 1, 2, 3}: n·Σx² − (Σx)² = 4·(Σd²) − (Σd)² = 4·14 − 36 = 20 exactly,
  // where a naive double computation loses everything to cancellation.
  ExactSum sum, sq;
  for (int d = 0; d < 4; ++d) {
    sum.Add(1e9 + d);
    sq.AddProduct(1e9 + d, 1e9 + d);
  }
  EXPECT_EQ(ExactVarianceTimesN2(4, sum, sq), 20.0);
}

}  // namespace
}  // namespace credence::features
