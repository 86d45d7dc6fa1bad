#include "features/feature_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::features {
namespace {

using ::credence::testing::AddEvent;
using ::credence::testing::kAsOfSeconds;
using ::credence::testing::kDay;
using ::credence::testing::MakeRequest;
using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kNs = 1'000'000'000;

// ---------------------------------------------------------------------------------------
// A deliberately naive reference: one feature at a time, straight loops over the raw
// request events, no sorting, no interning, no binary search.

struct NaiveFeature {
  v1::Feature def;
};

std::int64_t TimeNs(const google::protobuf::Timestamp& t) { return t.seconds() * kNs + t.nanos(); }

// Amounts in these tests are USD or EUR at exactly 2 USD per EUR, so the naive path can
// convert with integer arithmetic of its own.
std::int64_t NaiveUsdCents(const v1::Money& m) {
  return m.currency_code() == "EUR" ? m.minor_units() * 2 : m.minor_units();
}

bool InList(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& v) {
  for (const auto& x : list) {
    if (x == v) return true;
  }
  return false;
}

bool NaiveMatches(const v1::EventFilter& f, const v1::Event& e) {
  if (f.kinds_size() > 0) {
    bool any = false;
    for (int k : f.kinds()) any = any || k == e.kind();
    if (!any) return false;
  }
  if (f.statuses_size() > 0 && !InList(f.statuses(), e.status())) return false;
  if (f.exclude_statuses_size() > 0 && InList(f.exclude_statuses(), e.status())) return false;
  if (f.destination_countries_size() > 0 &&
      !InList(f.destination_countries(), e.destination_country()))
    return false;
  if (f.channels_size() > 0 && !InList(f.channels(), e.channel())) return false;
  if (f.has_min_amount() || f.has_max_amount()) {
    if (!e.has_amount()) return false;
    const double a = NaiveUsdCents(e.amount()) / 100.0;
    if (f.has_min_amount() && a < f.min_amount()) return false;
    if (f.has_max_amount() && a > f.max_amount()) return false;
  }
  for (const auto& test : f.attributes()) {
    auto it = e.attributes().find(test.name());
    if (it == e.attributes().end() || !it->second.has_int_value()) return false;
    const std::int64_t v = it->second.int_value();
    const std::int64_t w = test.value().int_value();
    if (test.op() == v1::COMPARE_OP_GE && !(v >= w)) return false;
    if (test.op() == v1::COMPARE_OP_EQ && !(v == w)) return false;
  }
  return true;
}

// The events the features may see: first occurrence of each id, at or before as_of.
std::vector<const v1::Event*> NaiveVisible(const v1::ScoreRequest& r) {
  std::vector<const v1::Event*> out;
  std::set<std::string> seen;
  const std::int64_t as_of = TimeNs(r.as_of());
  for (const v1::Event& e : r.events()) {
    if (TimeNs(e.time()) > as_of) continue;
    if (!seen.insert(e.id()).second) continue;
    out.push_back(&e);
  }
  return out;
}

double NaiveValue(const std::vector<v1::Feature>& defs, std::size_t i, const v1::ScoreRequest& r,
                  int depth = 0) {
  const v1::Feature& f = defs[i];
  const std::int64_t as_of = TimeNs(r.as_of());
  if (f.has_days_since_registration()) {
    if (!r.enterprise().has_registered_at()) return kNaN;
    return static_cast<double>(as_of - TimeNs(r.enterprise().registered_at())) / (86400.0 * kNs);
  }
  if (f.has_ratio()) {
    auto find = [&](const std::string& name) {
      for (std::size_t k = 0; k < defs.size(); ++k) {
        if (defs[k].name() == name) return NaiveValue(defs, k, r, depth + 1);
      }
      return kNaN;
    };
    const double num = find(f.ratio().numerator());
    const double den = find(f.ratio().denominator());
    if (std::isnan(num) || std::isnan(den)) return kNaN;
    switch (f.ratio().zero_denominator()) {
      case v1::ZERO_DENOMINATOR_POLICY_SMOOTHED:
        return (num + f.ratio().prior_rate() * f.ratio().prior_weight()) /
               (den + f.ratio().prior_weight());
      case v1::ZERO_DENOMINATOR_POLICY_ZERO:
        return den == 0 ? 0.0 : num / den;
      default:
        return den == 0 ? kNaN : num / den;
    }
  }
  const std::int64_t end =
      as_of - (f.window().offset().seconds() * kNs + f.window().offset().nanos());
  const bool all = !f.window().has_trailing();
  const std::int64_t start =
      all ? 0 : end - (f.window().trailing().seconds() * kNs + f.window().trailing().nanos());
  std::int64_t count = 0, n_amount = 0, sum_cents = 0;
  double lo = 0, hi = 0;
  for (const v1::Event* e : NaiveVisible(r)) {
    const std::int64_t t = TimeNs(e->time());
    if (t > end) continue;
    if (!all && t <= start) continue;
    if (!NaiveMatches(f.filter(), *e)) continue;
    ++count;
    if (!e->has_amount()) continue;
    const std::int64_t c = NaiveUsdCents(e->amount());
    const double a = c / 100.0;
    if (n_amount == 0 || a < lo) lo = a;
    if (n_amount == 0 || a > hi) hi = a;
    ++n_amount;
    sum_cents += c;
  }
  switch (f.aggregate().op()) {
    case v1::AGGREGATE_OP_COUNT:
      return static_cast<double>(count);
    case v1::AGGREGATE_OP_SUM:
      return sum_cents / 100.0;
    case v1::AGGREGATE_OP_MEAN:
      return n_amount ? sum_cents / 100.0 / n_amount : kNaN;
    case v1::AGGREGATE_OP_MIN:
      return n_amount ? lo : kNaN;
    case v1::AGGREGATE_OP_MAX:
      return n_amount ? hi : kNaN;
    default:
      return kNaN;
  }
}

// ---------------------------------------------------------------------------------------

Result<FeaturePlan> CompilePlan(const std::string& text, std::vector<Issue>* issues = nullptr) {
  v1::Bundle b = ParseText<v1::Bundle>(text);
  return FeaturePlan::Compile(b.features(), 2, 10'000, nullptr, issues);
}

io::IngestedRequest IngestOrDie(const v1::ScoreRequest& r) {
  google::protobuf::RepeatedPtrField<v1::FxRate> rates;
  v1::FxRate* eur = rates.Add();
  eur->set_currency_code("EUR");
  eur->set_rate("2");
  auto fx = io::FxTable::Build("USD", rates, "fx_rates");
  auto in = io::Ingest(r, *fx, RequestLimits{});
  EXPECT_TRUE(in.ok()) << in.status();
  return std::move(in).value();
}

// Random feature definitions over a small vocabulary.
std::vector<v1::Feature> RandomFeatures(std::mt19937_64& rng) {
  std::vector<v1::Feature> defs;
  const v1::EventKind kinds[] = {v1::EVENT_KIND_ORDER, v1::EVENT_KIND_REFUND,
                                 v1::EVENT_KIND_CHARGEBACK, v1::EVENT_KIND_SHIPMENT};
  const char* statuses[] = {"completed", "late", "rejected"};
  const std::int64_t windows[] = {0, 3600, kDay, 7 * kDay, 90 * kDay, 365 * kDay};
  const v1::AggregateOp ops[] = {v1::AGGREGATE_OP_COUNT, v1::AGGREGATE_OP_SUM,
                                 v1::AGGREGATE_OP_MEAN, v1::AGGREGATE_OP_MIN, v1::AGGREGATE_OP_MAX};
  for (int i = 0; i < 40; ++i) {
    v1::Feature f;
    f.set_name("f" + std::to_string(i));
    for (const auto k : kinds) {
      if (rng() % 3 == 0) f.mutable_filter()->add_kinds(k);
    }
    if (rng() % 4 == 0) f.mutable_filter()->add_statuses(statuses[rng() % 3]);
    if (rng() % 6 == 0) f.mutable_filter()->add_exclude_statuses(statuses[rng() % 3]);
    if (rng() % 6 == 0) f.mutable_filter()->add_destination_countries(rng() % 2 ? "US" : "DE");
    if (rng() % 8 == 0) f.mutable_filter()->add_channels("web");
    if (rng() % 8 == 0) f.mutable_filter()->set_min_amount(static_cast<double>(rng() % 500));
    if (rng() % 8 == 0) f.mutable_filter()->set_max_amount(static_cast<double>(500 + rng() % 500));
    if (rng() % 8 == 0) {
      auto* a = f.mutable_filter()->add_attributes();
      a->set_name("days_late");
      a->set_op(rng() % 2 ? v1::COMPARE_OP_GE : v1::COMPARE_OP_EQ);
      a->mutable_value()->set_int_value(static_cast<std::int64_t>(rng() % 5));
    }
    const std::int64_t w = windows[rng() % 6];
    if (w > 0) f.mutable_window()->mutable_trailing()->set_seconds(w);
    if (w > 0 && rng() % 3 == 0) f.mutable_window()->mutable_offset()->set_seconds(w);
    f.mutable_aggregate()->set_op(ops[rng() % 5]);
    defs.push_back(f);
  }
  for (int i = 0; i < 10; ++i) {
    v1::Feature f;
    f.set_name("r" + std::to_string(i));
    f.mutable_ratio()->set_numerator("f" + std::to_string(rng() % 40));
    f.mutable_ratio()->set_denominator(i > 0 && rng() % 3 == 0 ? "r" + std::to_string(rng() % i)
                                                               : "f" + std::to_string(rng() % 40));
    f.mutable_ratio()->set_zero_denominator(static_cast<v1::ZeroDenominatorPolicy>(rng() % 4));
    if (f.ratio().zero_denominator() == v1::ZERO_DENOMINATOR_POLICY_SMOOTHED) {
      f.mutable_ratio()->set_prior_rate(0.05);
      f.mutable_ratio()->set_prior_weight(10);
    }
    defs.push_back(f);
  }
  v1::Feature tenure;
  tenure.set_name("tenure");
  tenure.mutable_days_since_registration();
  defs.push_back(tenure);
  return defs;
}

v1::ScoreRequest RandomHistory(std::mt19937_64& rng, int n) {
  v1::ScoreRequest r = MakeRequest();
  if (rng() % 4 != 0)
    *r.mutable_enterprise()->mutable_registered_at() =
        testing::Ts(kAsOfSeconds - 800 * kDay + static_cast<std::int64_t>(rng() % 1000));
  const v1::EventKind kinds[] = {v1::EVENT_KIND_ORDER, v1::EVENT_KIND_REFUND,
                                 v1::EVENT_KIND_CHARGEBACK, v1::EVENT_KIND_SHIPMENT,
                                 v1::EVENT_KIND_CUSTOMS_DECLARATION};
  const char* statuses[] = {"completed", "late", "rejected", ""};
  // Times cluster on window boundaries: as_of - w exactly, +-1 ns, +-1 s.
  const std::int64_t anchors[] = {0,         3600,      kDay,       2 * kDay,   7 * kDay,
                                  14 * kDay, 90 * kDay, 180 * kDay, 365 * kDay, 730 * kDay};
  for (int i = 0; i < n; ++i) {
    const std::int64_t anchor = anchors[rng() % 10];
    std::int64_t seconds = kAsOfSeconds - anchor;
    int nanos = 0;
    switch (rng() % 5) {
      case 0:
        break;  // exactly on the boundary
      case 1:
        seconds -= 1;
        nanos = 999'999'999;
        break;  // 1 ns before
      case 2:
        nanos = 1;
        break;  // 1 ns after
      case 3:
        seconds += static_cast<std::int64_t>(rng() % 7200) - 3600;
        break;
      default:
        seconds = kAsOfSeconds - static_cast<std::int64_t>(rng() % (800 * kDay));
        break;
    }
    if (rng() % 20 == 0) seconds = kAsOfSeconds + 1 + static_cast<std::int64_t>(rng() % kDay);
    const std::string id =
        rng() % 25 == 0 && i > 0 ? "e" + std::to_string(rng() % i) : "e" + std::to_string(i);
    v1::Event* e = AddEvent(r, id, kinds[rng() % 5], seconds);
    e->mutable_time()->set_nanos(nanos);
    if (rng() % 5 != 0) {
      e->mutable_amount()->set_currency_code(rng() % 3 == 0 ? "EUR" : "USD");
      e->mutable_amount()->set_minor_units(static_cast<std::int64_t>(rng() % 100'000) - 5'000);
    }
    e->set_status(statuses[rng() % 4]);
    e->set_destination_country(rng() % 2 ? "US" : "DE");
    if (rng() % 3 == 0) e->set_channel("web");
    if (rng() % 3 == 0)
      (*e->mutable_attributes())["days_late"].set_int_value(static_cast<std::int64_t>(rng() % 6));
  }
  return r;
}

TEST(FeaturePlanTest, MatchesNaiveReferenceOnRandomHistories) {
  std::mt19937_64 rng(20261129);
  int compared = 0, nonzero = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<v1::Feature> defs = RandomFeatures(rng);
    google::protobuf::RepeatedPtrField<v1::Feature> field(defs.begin(), defs.end());
    auto plan = FeaturePlan::Compile(field, 2, 10'000, nullptr, nullptr);
    ASSERT_TRUE(plan.ok()) << plan.status();
    for (int h = 0; h < 25; ++h) {
      const int n = static_cast<int>(rng() % 120);
      v1::ScoreRequest r = RandomHistory(rng, n);
      io::IngestedRequest in = IngestOrDie(r);
      std::vector<double> got(plan->size());
      plan->Evaluate(in, got);
      for (std::size_t i = 0; i < defs.size(); ++i) {
        const double want = NaiveValue(defs, i, r);
        ++compared;
        if (std::isnan(want)) {
          ASSERT_TRUE(std::isnan(got[i])) << defs[i].DebugString() << " got " << got[i];
          continue;
        }
        if (want != 0) ++nonzero;
        // Counts, sums (exact integer cents), min and max are exact; means and ratios
        // divide once more and agree to a few ulps.
        if (defs[i].has_aggregate() && defs[i].aggregate().op() != v1::AGGREGATE_OP_MEAN) {
          ASSERT_EQ(got[i], want) << defs[i].DebugString();
        } else {
          ASSERT_NEAR(got[i], want, 1e-12 * std::max(1.0, std::abs(want))) << defs[i].DebugString();
        }
      }
    }
  }
  EXPECT_GT(compared, 50'000);
  EXPECT_GT(nonzero, compared / 10) << "the random histories should exercise non-trivial values";
}

TEST(FeaturePlanTest, WindowBoundaryIsOpenAtStartClosedAtEnd) {
  auto plan = CompilePlan(R"pb(
    features {
      name: "n"
      window { trailing { seconds: 86400 } }
      aggregate { op: AGGREGATE_OP_COUNT }
    }
    features {
      name: "prev"
      window {
        trailing { seconds: 86400 }
        offset { seconds: 86400 }
      }
      aggregate { op: AGGREGATE_OP_COUNT }
    }
    features {
      name: "all"
      window { all_history: true }
      aggregate { op: AGGREGATE_OP_COUNT }
    }
  )pb");
  ASSERT_TRUE(plan.ok()) << plan.status();
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "at_as_of", v1::EVENT_KIND_ORDER, kAsOfSeconds);                  // in n
  AddEvent(r, "at_start", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay);           // out of n, in prev
  AddEvent(r, "after_start", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay + 1);    // in n
  AddEvent(r, "at_prev_start", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay);  // out of prev
  AddEvent(r, "future", v1::EVENT_KIND_ORDER, kAsOfSeconds + 1);                // never
  std::vector<double> v(plan->size());
  plan->Evaluate(IngestOrDie(r), v);
  EXPECT_EQ(v[0], 2);
  EXPECT_EQ(v[1], 1);
  EXPECT_EQ(v[2], 4);
}

TEST(FeaturePlanTest, EmptySetsAndZeroDenominators) {
  auto plan = CompilePlan(R"pb(
    features {
      name: "c"
      filter { kinds: EVENT_KIND_REFUND }
      aggregate { op: AGGREGATE_OP_COUNT }
    }
    features {
      name: "s"
      filter { kinds: EVENT_KIND_REFUND }
      aggregate { op: AGGREGATE_OP_SUM }
    }
    features {
      name: "m"
      filter { kinds: EVENT_KIND_REFUND }
      aggregate { op: AGGREGATE_OP_MEAN }
    }
    features {
      name: "lo"
      filter { kinds: EVENT_KIND_REFUND }
      aggregate { op: AGGREGATE_OP_MIN }
    }
    features {
      name: "o"
      filter { kinds: EVENT_KIND_ORDER }
      aggregate { op: AGGREGATE_OP_COUNT }
    }
    features {
      name: "missing"
      ratio { numerator: "c" denominator: "o" }
    }
    features {
      name: "zero"
      ratio { numerator: "c" denominator: "o" zero_denominator: ZERO_DENOMINATOR_POLICY_ZERO }
    }
    features {
      name: "smooth"
      ratio {
        numerator: "c"
        denominator: "o"
        zero_denominator: ZERO_DENOMINATOR_POLICY_SMOOTHED
        prior_rate: 0.1
        prior_weight: 4
      }
    }
  )pb");
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<double> v(plan->size());
  plan->Evaluate(IngestOrDie(MakeRequest()), v);
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[1], 0);
  EXPECT_TRUE(std::isnan(v[2])) << "the mean of nothing is missing, not 0";
  EXPECT_TRUE(std::isnan(v[3]));
  EXPECT_TRUE(std::isnan(v[5]));
  EXPECT_EQ(v[6], 0);
  EXPECT_DOUBLE_EQ(v[7], 0.1);  // (0 + 0.1 * 4) / (0 + 4)
}

struct BadCase {
  std::string name;
  std::string bundle;
  std::string message;
  std::string field_path;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class FeatureCompileErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(FeatureCompileErrorTest, NamesTheFeatureAndField) {
  const BadCase& c = GetParam();
  auto plan = CompilePlan(c.bundle);
  ASSERT_THAT(plan, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)));
  ASSERT_NE(plan.status().location(), nullptr);
  EXPECT_EQ(plan.status().location()->field_path, c.field_path);
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, FeatureCompileErrorTest,
    ::testing::Values(BadCase{"DuplicateName",
                              R"pb(features {
                                     name: "a"
                                     aggregate { op: AGGREGATE_OP_COUNT }
                                   }
                                   features {
                                     name: "a"
                                     aggregate { op: AGGREGATE_OP_COUNT }
                                   })pb",
                              "duplicate feature name 'a'", "features[1].name"},
                      BadCase{"BadName", R"pb(features {
                                                name: "Refund-Rate"
                                                aggregate { op: AGGREGATE_OP_COUNT }
                                              })pb",
                              "must match [a-z][a-z0-9_]{0,63}", "features[0].name"},
                      BadCase{"UnknownRatioInput",
                              R"pb(features {
                                     name: "a"
                                     aggregate { op: AGGREGATE_OP_COUNT }
                                   }
                                   features {
                                     name: "r"
                                     ratio { numerator: "a" denominator: "nope" }
                                   })pb",
                              "unknown feature 'nope'", "features[1].ratio.denominator"},
                      BadCase{"RatioCycle",
                              R"pb(features {
                                     name: "x"
                                     ratio { numerator: "y" denominator: "y" }
                                   }
                                   features {
                                     name: "y"
                                     ratio { numerator: "x" denominator: "x" }
                                   })pb",
                              "cycle", "features[1].ratio"},
                      BadCase{"SelfRatio", R"pb(features {
                                                  name: "x"
                                                  ratio { numerator: "x" denominator: "x" }
                                                })pb",
                              "cycle", "features[0].ratio"},
                      BadCase{"NegativeWindow", R"pb(features {
                                                       name: "a"
                                                       window { trailing { seconds: -5 } }
                                                       aggregate { op: AGGREGATE_OP_COUNT }
                                                     })pb",
                              "must not be negative", "features[0].window.trailing"},
                      BadCase{"ZeroWindow", R"pb(features {
                                                   name: "a"
                                                   window { trailing { seconds: 0 } }
                                                   aggregate { op: AGGREGATE_OP_COUNT }
                                                 })pb",
                              "must be positive", "features[0].window.trailing"},
                      BadCase{"HugeWindow", R"pb(features {
                                                   name: "a"
                                                   window { trailing { seconds: 9000000000 } }
                                                   aggregate { op: AGGREGATE_OP_COUNT }
                                                 })pb",
                              "longer than 100 years", "features[0].window.trailing"},
                      BadCase{"UnknownKind", R"pb(features {
                                                    name: "a"
                                                    filter { kinds: 99 }
                                                    aggregate { op: AGGREGATE_OP_COUNT }
                                                  })pb",
                              "unknown event kind 99", "features[0].filter.kinds"},
                      BadCase{"NoComputation", R"pb(features { name: "a" })pb", "no computation",
                              "features[0]"},
                      BadCase{"NoOp", R"pb(features {
                                             name: "a"
                                             aggregate {}
                                           })pb",
                              "aggregate.op is required", "features[0].aggregate.op"},
                      BadCase{"BadAmountBounds", R"pb(features {
                                                        name: "a"
                                                        filter { min_amount: 5 max_amount: 1 }
                                                        aggregate { op: AGGREGATE_OP_COUNT }
                                                      })pb",
                              "min_amount <= max_amount", "features[0].filter"},
                      BadCase{"SmoothedWithoutWeight",
                              R"pb(features {
                                     name: "a"
                                     aggregate { op: AGGREGATE_OP_COUNT }
                                   }
                                   features {
                                     name: "r"
                                     ratio {
                                       numerator: "a"
                                       denominator: "a"
                                       zero_denominator: ZERO_DENOMINATOR_POLICY_SMOOTHED
                                     }
                                   })pb",
                              "prior_weight > 0", "features[1].ratio.prior_weight"},
                      BadCase{"OrderedBoolAttribute",
                              R"pb(features {
                                     name: "a"
                                     filter {
                                       attributes {
                                         name: "cod"
                                         op: COMPARE_OP_LT
                                         value { bool_value: true }
                                       }
                                     }
                                     aggregate { op: AGGREGATE_OP_COUNT }
                                   })pb",
                              "only EQ/NE", "features[0].filter.attributes[0]"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) { return param_info.param.name; });

TEST(FeaturePlanTest, CollectsEveryIssue) {
  std::vector<Issue> issues;
  auto plan = CompilePlan(R"pb(
                            features {
                              name: "a"
                              aggregate {}
                            }
                            features {
                              name: "a"
                              aggregate { op: AGGREGATE_OP_COUNT }
                            }
                            features {
                              name: "b"
                              window { trailing { seconds: -1 } }
                              aggregate { op: AGGREGATE_OP_COUNT }
                            }
                          )pb",
                          &issues);
  EXPECT_FALSE(plan.ok());
  EXPECT_EQ(issues.size(), 3u);
}

}  // namespace
}  // namespace credence::features
