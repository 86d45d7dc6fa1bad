#include "features/feature_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/sha256.h"
#include "tests/features/naive_reference.h"
#include "tests/features/random_features.h"
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

// Random kinds, amounts, currencies, counterparties, countries, attributes; times on and
// around window and period boundaries; unsorted; duplicate ids; future events; links to
// earlier and later events, to missing ids, to themselves and to future events.
v1::ScoreRequest RandomHistory(std::mt19937_64& rng, int n) {
  v1::ScoreRequest r = MakeRequest();
  if (rng() % 4 != 0)
    *r.mutable_enterprise()->mutable_registered_at() =
        testing::Ts(kAsOfSeconds - 800 * kDay + static_cast<std::int64_t>(rng() % 1000));
  // Times cluster on window and period boundaries: as_of - w exactly, +-1 ns, +-1 s.
  const std::int64_t anchors[] = {0,          3600,      kDay,      2 * kDay,   7 * kDay,
                                  14 * kDay,  28 * kDay, 90 * kDay, 180 * kDay, 365 * kDay,
                                  730 * kDay, 4 * kDay,  21 * kDay, 45 * kDay};
  for (int i = 0; i < n; ++i) {
    const std::int64_t anchor = anchors[rng() % 14];
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
    if (seconds >= kAsOfSeconds && (seconds > kAsOfSeconds || nanos > 0) && rng() % 2) {
      seconds = kAsOfSeconds - 1;  // keep most events visible
    }
    if (rng() % 20 == 0) seconds = kAsOfSeconds + 1 + static_cast<std::int64_t>(rng() % kDay);
    const std::string id =
        rng() % 25 == 0 && i > 0 ? "e" + std::to_string(rng() % i) : "e" + std::to_string(i);
    v1::Event* e = AddEvent(r, id, v1::EVENT_KIND_UNSPECIFIED, seconds);
    e->mutable_time()->set_nanos(nanos);
    FillRandomEvent(rng, e);
    // Links: mostly to an earlier event, sometimes to a later or missing one, or to itself.
    switch (rng() % 8) {
      case 0:
      case 1:
      case 2:
        if (i > 0) e->set_reference_id("e" + std::to_string(rng() % i));
        break;
      case 3:
        e->set_reference_id("e" + std::to_string(i + 1 + rng() % 5));
        break;
      case 4:
        e->set_reference_id(rng() % 2 ? "nope" : id);
        break;
      default:
        break;
    }
  }
  // Unsorted: shuffle the events.
  for (int i = r.events_size() - 1; i > 0; --i) {
    r.mutable_events()->SwapElements(i,
                                     static_cast<int>(rng() % static_cast<std::uint64_t>(i + 1)));
  }
  return r;
}

// For failure messages: the inputs of a ratio or growth, as computed by both.
std::string Inputs(const std::vector<v1::Feature>& defs, const v1::Feature& f,
                   const std::vector<double>& got, const std::vector<double>& want) {
  std::string s;
  for (std::size_t k = 0; k < defs.size(); ++k) {
    const std::string& name = defs[k].name();
    if ((f.has_ratio() && (name == f.ratio().numerator() || name == f.ratio().denominator())) ||
        (f.has_growth() && name == f.growth().feature())) {
      s += name + ": got " + std::to_string(got[k]) + " want " + std::to_string(want[k]) + "\n" +
           defs[k].DebugString();
    }
  }
  return s;
}

// For `rounds` random definition sets, each over `histories` random histories of fewer than
// `max_events` events: compiles the plan, evaluates it and calls
// check(defs, request, values). Stops at the first fatal failure.
template <typename Check>
void ForRandomPlans(std::uint64_t seed, int rounds, int histories, int max_events, Check check) {
  std::mt19937_64 rng(seed);
  for (int round = 0; round < rounds; ++round) {
    std::vector<v1::Feature> defs = RandomFeatures(rng);
    google::protobuf::RepeatedPtrField<v1::Feature> field(defs.begin(), defs.end());
    auto plan = FeaturePlan::Compile(field, 2, 10'000, nullptr, nullptr);
    ASSERT_TRUE(plan.ok()) << plan.status();
    for (int h = 0; h < histories; ++h) {
      const int n = static_cast<int>(rng() % static_cast<std::uint64_t>(max_events));
      const v1::ScoreRequest r = RandomHistory(rng, n);  // the table views its ids
      io::IngestedRequest in = IngestOrDie(r);
      std::vector<double> got(plan->size());
      plan->Evaluate(in, got);
      check(defs, r, got);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(FeaturePlanTest, MatchesNaiveReferenceOnRandomHistories) {
  int compared = 0, nonzero = 0, exact = 0;
  std::map<std::string, int> non_missing;  // per computation, so none goes untested
  ForRandomPlans(
      20261129, 60, 40, 150,
      [&](const std::vector<v1::Feature>& defs, const v1::ScoreRequest& r,
          const std::vector<double>& got) {
        const std::vector<double> want_all = naive::Evaluate(defs, r);
        for (std::size_t i = 0; i < defs.size(); ++i) {
          const double want = want_all[i];
          ++compared;
          if (std::isnan(want)) {
            ASSERT_TRUE(std::isnan(got[i])) << defs[i].DebugString() << " got " << got[i];
            continue;
          }
          const std::string what =
              defs[i].has_aggregate() ? v1::AggregateOp_Name(defs[i].aggregate().op())
              : defs[i].has_link()
                  ? v1::LinkMeasure_Name(defs[i].link().measure())
                  : std::string(
                        defs[i]
                            .GetDescriptor()
                            ->FindFieldByNumber(static_cast<int>(defs[i].computation_case()))
                            ->name());
          ++non_missing[what];
          if (want != 0) ++nonzero;
          if (MustBeExact(defs[i])) {
            ++exact;
            ASSERT_EQ(got[i], want) << defs[i].DebugString() << "history " << r.DebugString();
          } else {
            ASSERT_NEAR(got[i], want, 1e-9 * std::max(1.0, std::abs(want)))
                << defs[i].DebugString() << Inputs(defs, defs[i], got, want_all);
          }
        }
      });
  ASSERT_FALSE(HasFatalFailure());
  RecordProperty("compared", compared);
  RecordProperty("exact", exact);
  EXPECT_GT(compared, 100'000);
  EXPECT_GT(exact, compared / 4);
  EXPECT_GT(nonzero, compared / 10) << "the random histories should exercise non-trivial values";
  for (const char* what : kEveryAggregateOp) {
    EXPECT_GT(non_missing[what], 50) << what << " is rarely non-missing in the random test";
  }
  for (const char* what :
       {"LINK_MEASURE_SHARE_LINKED", "LINK_MEASURE_SHARE_UNLINKED", "LINK_MEASURE_COUNT_LINKED",
        "LINK_MEASURE_COUNT_UNLINKED", "LINK_MEASURE_DURATION_MEAN",
        "LINK_MEASURE_DURATION_QUANTILE", "LINK_MEASURE_DURATION_SHARE_ABOVE", "trend", "ratio",
        "growth", "days_since_registration"}) {
    EXPECT_GT(non_missing[what], 50) << what << " is rarely non-missing in the random test";
  }
}

// The exact bits of every value the plan computes for fixed random definitions and
// histories (NaN counted as one pattern). The naive reference above checks what the values
// mean, within a tolerance for sums of doubles; this pins the bits. The digest was computed
// once with the plan as it was before it was split by concern (commit 6fcab22), so a
// restructuring that changes the order of any floating-point operation fails here.
TEST(FeaturePlanTest, RandomHistoriesMatchPinnedDigest) {
  core::Sha256 sha;
  ForRandomPlans(20270313, 12, 15, 600,
                 [&](const std::vector<v1::Feature>&, const v1::ScoreRequest&,
                     const std::vector<double>& got) {
                   for (double v : got) {
                     std::uint64_t bits = 0x7ff8000000000000ULL;
                     if (!std::isnan(v)) std::memcpy(&bits, &v, sizeof bits);
                     char b[8];
                     for (int k = 0; k < 8; ++k) b[k] = static_cast<char>(bits >> (8 * k));
                     sha.Update(std::string_view(b, 8));
                   }
                 });
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(sha.FinishHex(), "66652b7e7088eb42d76ca237f7e60a4d8b26565809e6066ada2007bf5325b8c2");
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
    ::testing::Values(
        BadCase{"DuplicateName",
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
        BadCase{"NoComputation", R"pb(features { name: "a" })pb", "no computation", "features[0]"},
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
                "only EQ/NE", "features[0].filter.attributes[0]"},
        BadCase{"UnknownGrowthInput",
                R"pb(features {
                       name: "g"
                       growth { feature: "nope" }
                     })pb",
                "growth refers to unknown feature 'nope'", "features[0].growth.feature"},
        BadCase{"GrowthOfRatio",
                R"pb(features {
                       name: "a"
                       window { trailing { seconds: 86400 } }
                       aggregate { op: AGGREGATE_OP_COUNT }
                     }
                     features {
                       name: "r"
                       ratio { numerator: "a" denominator: "a" }
                     }
                     features {
                       name: "g"
                       growth { feature: "r" }
                     })pb",
                "growth needs an aggregate, trend or link feature", "features[2].growth.feature"},
        BadCase{"GrowthOfAllHistory",
                R"pb(features {
                       name: "a"
                       aggregate { op: AGGREGATE_OP_COUNT }
                     }
                     features {
                       name: "g"
                       growth { feature: "a" }
                     })pb",
                "trailing window", "features[1].growth.feature"},
        BadCase{"RatioGrowthCycle",
                R"pb(features {
                       name: "a"
                       window { trailing { seconds: 86400 } }
                       aggregate { op: AGGREGATE_OP_COUNT }
                     }
                     features {
                       name: "r"
                       ratio { numerator: "a" denominator: "g" }
                     }
                     features {
                       name: "g"
                       growth { feature: "a" }
                     }
                     features {
                       name: "x"
                       ratio { numerator: "y" denominator: "a" }
                     }
                     features {
                       name: "y"
                       ratio { numerator: "x" denominator: "a" }
                     })pb",
                "cycle", "features[4].ratio"},
        BadCase{"QuantileOutOfRange",
                R"pb(features {
                       name: "a"
                       aggregate { op: AGGREGATE_OP_QUANTILE quantile: 1.5 }
                     })pb",
                "quantile must be in [0, 1]", "features[0].aggregate.quantile"},
        BadCase{"QuantileOnSum",
                R"pb(features {
                       name: "a"
                       aggregate { op: AGGREGATE_OP_SUM quantile: 0.5 }
                     })pb",
                "only QUANTILE takes a quantile", "features[0].aggregate.quantile"},
        BadCase{"TopKZero",
                R"pb(features {
                       name: "a"
                       aggregate { op: AGGREGATE_OP_TOP_K_SHARE key: EVENT_FIELD_COUNTERPARTY }
                     })pb",
                "top_k must be in [1, 1000]", "features[0].aggregate.top_k"},
        BadCase{"HhiWithoutKey",
                R"pb(features {
                       name: "a"
                       aggregate { op: AGGREGATE_OP_HHI }
                     })pb",
                "need a key", "features[0].aggregate.key"},
        BadCase{"AttributeValueWithoutName",
                R"pb(features {
                       name: "a"
                       aggregate {
                         op: AGGREGATE_OP_SUM
                         value { source: VALUE_SOURCE_ATTRIBUTE }
                       }
                     })pb",
                "needs an attribute name", "features[0].aggregate.value.attribute"},
        BadCase{"AttributeNameOnAmount",
                R"pb(features {
                       name: "a"
                       aggregate {
                         op: AGGREGATE_OP_SUM
                         value { attribute: "fee" }
                       }
                     })pb",
                "needs VALUE_SOURCE_ATTRIBUTE", "features[0].aggregate.value.attribute"},
        BadCase{"TrendWithoutWindow",
                R"pb(features {
                       name: "t"
                       trend { period { seconds: 86400 } }
                     })pb",
                "a trend needs a trailing window", "features[0].window"},
        BadCase{"TrendPeriodNotADivisor",
                R"pb(features {
                       name: "t"
                       window { trailing { seconds: 864000 } }
                       trend { period { seconds: 300000 } }
                     })pb",
                "whole multiple of trend.period", "features[0].trend.period"},
        BadCase{"TrendOnePeriod",
                R"pb(features {
                       name: "t"
                       window { trailing { seconds: 86400 } }
                       trend { period { seconds: 86400 } }
                     })pb",
                "2 to 1000 periods", "features[0].trend.period"},
        BadCase{"TrendZeroPeriod",
                R"pb(features {
                       name: "t"
                       window { trailing { seconds: 86400 } }
                       trend {}
                     })pb",
                "trend.period must be positive", "features[0].trend.period"},
        BadCase{"LinkWithoutMeasure",
                R"pb(features {
                       name: "l"
                       link { linked_filter { kinds: EVENT_KIND_REFUND } }
                     })pb",
                "link.measure is required", "features[0].link.measure"},
        BadCase{"LinkUnknownKind",
                R"pb(features {
                       name: "l"
                       link {
                         linked_filter { kinds: 77 }
                         measure: LINK_MEASURE_SHARE_LINKED
                       }
                     })pb",
                "unknown event kind 77", "features[0].link.linked_filter.kinds"},
        BadCase{"LinkNegativeThreshold",
                R"pb(features {
                       name: "l"
                       link {
                         measure: LINK_MEASURE_DURATION_SHARE_ABOVE
                         threshold { seconds: -1 }
                       }
                     })pb",
                "must not be negative", "features[0].link.threshold"},
        BadCase{"RatioWithWindow",
                R"pb(features {
                       name: "a"
                       aggregate { op: AGGREGATE_OP_COUNT }
                     }
                     features {
                       name: "r"
                       window { trailing { seconds: 60 } }
                       ratio { numerator: "a" denominator: "a" }
                     })pb",
                "only aggregate, trend and link features take a filter or window",
                "features[1].window"}),
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

TEST(FeaturePlanTest, CollectsIssuesAcrossNewComputations) {
  std::vector<Issue> issues;
  auto plan = CompilePlan(R"pb(
                            features {
                              name: "q"
                              aggregate { op: AGGREGATE_OP_QUANTILE quantile: -1 }
                            }
                            features {
                              name: "t"
                              window { trailing { seconds: 100 } }
                              trend { period { seconds: 30 } }
                            }
                            features {
                              name: "g"
                              growth { feature: "missing" }
                            }
                            features {
                              name: "l"
                              link { linked_filter { kinds: 0 } }
                            }
                          )pb",
                          &issues);
  EXPECT_FALSE(plan.ok());
  std::vector<std::string> paths;
  for (const Issue& i : issues) paths.push_back(i.status.location()->field_path);
  EXPECT_THAT(paths, ::testing::ElementsAre(
                         "features[0].aggregate.quantile", "features[1].trend.period",
                         "features[2].growth.feature", "features[3].link.linked_filter.kinds",
                         "features[3].link.measure"));
}

// Evaluates `bundle` (text) over `r` and returns the values by name.
std::map<std::string, double> Eval(const std::string& bundle, const v1::ScoreRequest& r) {
  auto plan = CompilePlan(bundle);
  EXPECT_TRUE(plan.ok()) << plan.status();
  std::map<std::string, double> out;
  if (!plan.ok()) return out;
  std::vector<double> v(plan->size());
  plan->Evaluate(IngestOrDie(r), v);
  for (std::size_t i = 0; i < v.size(); ++i) out[plan->names()[i]] = v[i];
  return out;
}

TEST(FeaturePlanTest, DistributionStatistics) {
  v1::ScoreRequest r = MakeRequest();
  // Amounts 1, 2, 3, 4 USD (the 4 as 2 EUR), out of request order; one order without amount.
  AddEvent(r, "c", v1::EVENT_KIND_ORDER, kAsOfSeconds - 3 * kDay, 300);
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - 5 * kDay, 100);
  AddEvent(r, "d", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay, 200, "EUR");
  AddEvent(r, "b", v1::EVENT_KIND_ORDER, kAsOfSeconds - 4 * kDay, 200);
  AddEvent(r, "x", v1::EVENT_KIND_ORDER, kAsOfSeconds - 1 * kDay);
  auto v = Eval(R"pb(
                  features {
                    name: "p50"
                    aggregate { op: AGGREGATE_OP_QUANTILE quantile: 0.5 }
                  }
                  features {
                    name: "p90"
                    aggregate { op: AGGREGATE_OP_QUANTILE quantile: 0.9 }
                  }
                  features {
                    name: "p0"
                    aggregate { op: AGGREGATE_OP_QUANTILE quantile: 0 }
                  }
                  features {
                    name: "pop"
                    aggregate { op: AGGREGATE_OP_STDDEV_POP }
                  }
                  features {
                    name: "samp"
                    aggregate { op: AGGREGATE_OP_STDDEV_SAMP }
                  }
                  features {
                    name: "first"
                    aggregate { op: AGGREGATE_OP_FIRST }
                  }
                  features {
                    name: "last"
                    aggregate { op: AGGREGATE_OP_LAST }
                  }
                  features {
                    name: "since_first"
                    aggregate { op: AGGREGATE_OP_DAYS_SINCE_FIRST }
                  }
                  features {
                    name: "since_last"
                    aggregate { op: AGGREGATE_OP_DAYS_SINCE_LAST }
                  }
                  features {
                    name: "n"
                    aggregate { op: AGGREGATE_OP_COUNT }
                  }
                )pb",
                r);
  EXPECT_DOUBLE_EQ(v["p50"], 2.5);
  EXPECT_DOUBLE_EQ(v["p90"], 3.7);  // h = 3 * 0.9 = 2.7: 3 + 0.7 * (4 - 3)
  EXPECT_EQ(v["p0"], 1);
  EXPECT_DOUBLE_EQ(v["pop"], std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(v["samp"], std::sqrt(5.0 / 3.0));
  EXPECT_EQ(v["first"], 1);
  EXPECT_EQ(v["last"], 4) << "the last event with an amount; the one at -1d has none";
  EXPECT_EQ(v["since_first"], 5);
  EXPECT_EQ(v["since_last"], 1) << "recency looks at every matching event";
  EXPECT_EQ(v["n"], 5);
}

TEST(FeaturePlanTest, ConcentrationAndDistinct) {
  v1::ScoreRequest r = MakeRequest();
  const char* who[] = {"acme", "acme", "bolt", "core", ""};
  const std::int64_t cents[] = {100, 100, 600, 200, 1000};
  for (int i = 0; i < 5; ++i) {
    AddEvent(r, "o" + std::to_string(i), v1::EVENT_KIND_ORDER, kAsOfSeconds - i * kDay, cents[i])
        ->set_counterparty(who[i]);
  }
  auto v =
      Eval(R"pb(
             features {
               name: "distinct"
               aggregate { op: AGGREGATE_OP_DISTINCT_COUNT key: EVENT_FIELD_COUNTERPARTY }
             }
             features {
               name: "hhi_n"
               aggregate { op: AGGREGATE_OP_HHI key: EVENT_FIELD_COUNTERPARTY }
             }
             features {
               name: "top1_n"
               aggregate { op: AGGREGATE_OP_TOP_K_SHARE key: EVENT_FIELD_COUNTERPARTY top_k: 1 }
             }
             features {
               name: "hhi_v"
               aggregate {
                 op: AGGREGATE_OP_HHI
                 key: EVENT_FIELD_COUNTERPARTY
                 weight: SHARE_WEIGHT_VALUE
               }
             }
             features {
               name: "top2_v"
               aggregate {
                 op: AGGREGATE_OP_TOP_K_SHARE
                 key: EVENT_FIELD_COUNTERPARTY
                 weight: SHARE_WEIGHT_VALUE
                 top_k: 2
               }
             }
             features {
               name: "top9_v"
               aggregate {
                 op: AGGREGATE_OP_TOP_K_SHARE
                 key: EVENT_FIELD_COUNTERPARTY
                 weight: SHARE_WEIGHT_VALUE
                 top_k: 9
               }
             }
             features {
               name: "none"
               filter { kinds: EVENT_KIND_REFUND }
               aggregate { op: AGGREGATE_OP_HHI key: EVENT_FIELD_COUNTERPARTY }
             }
             features {
               name: "none_n"
               filter { kinds: EVENT_KIND_REFUND }
               aggregate { op: AGGREGATE_OP_DISTINCT_COUNT key: EVENT_FIELD_COUNTERPARTY }
             }
           )pb",
           r);
  EXPECT_EQ(v["distinct"], 3) << "the event without a counterparty has no key";
  EXPECT_DOUBLE_EQ(v["hhi_n"], 0.25 + 0.0625 + 0.0625);  // acme 2, bolt 1, core 1 of 4
  EXPECT_DOUBLE_EQ(v["top1_n"], 0.5);
  EXPECT_DOUBLE_EQ(v["hhi_v"], 0.04 + 0.36 + 0.04);  // acme 2, bolt 6, core 2 of 10 USD
  EXPECT_DOUBLE_EQ(v["top2_v"], 0.8);
  EXPECT_DOUBLE_EQ(v["top9_v"], 1.0);
  EXPECT_TRUE(std::isnan(v["none"])) << "no weight at all: missing, not 0";
  EXPECT_EQ(v["none_n"], 0);
}

TEST(FeaturePlanTest, TrendSlopeOfPeriodSums) {
  v1::ScoreRequest r = MakeRequest();
  // Window 4 days, periods of 1 day: sums 1, 2, 3, 4 USD oldest to newest; the event exactly
  // at the window start is outside, the one a nanosecond later is in period 0.
  AddEvent(r, "out", v1::EVENT_KIND_ORDER, kAsOfSeconds - 4 * kDay, 100000);
  v1::Event* first = AddEvent(r, "p0", v1::EVENT_KIND_ORDER, kAsOfSeconds - 4 * kDay, 100);
  first->mutable_time()->set_nanos(1);
  AddEvent(r, "p1", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay, 200);  // end of period 1
  AddEvent(r, "p2", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay + 1, 300);
  AddEvent(r, "p3", v1::EVENT_KIND_ORDER, kAsOfSeconds, 400);
  auto v = Eval(R"pb(
                  features {
                    name: "slope"
                    window { trailing { seconds: 345600 } }
                    trend { period { seconds: 86400 } }
                  }
                  features {
                    name: "count_slope"
                    window { trailing { seconds: 345600 } }
                    trend {
                      period { seconds: 86400 }
                      measure: TREND_MEASURE_COUNT
                    }
                  }
                  features {
                    name: "flat"
                    filter { kinds: EVENT_KIND_REFUND }
                    window { trailing { seconds: 345600 } }
                    trend { period { seconds: 86400 } }
                  }
                )pb",
                r);
  EXPECT_DOUBLE_EQ(v["slope"], 1.0);
  EXPECT_DOUBLE_EQ(v["count_slope"], 0.0);
  EXPECT_EQ(v["flat"], 0.0) << "an empty window has a flat trend";
}

TEST(FeaturePlanTest, GrowthOverThePriorWindow) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - 1 * kDay, 300);
  AddEvent(r, "b", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay, 300);
  AddEvent(r, "c", v1::EVENT_KIND_ORDER, kAsOfSeconds - 10 * kDay, 200);  // prior window
  AddEvent(r, "d", v1::EVENT_KIND_ORDER, kAsOfSeconds - 7 * kDay, 100);   // prior (boundary)
  auto v = Eval(R"pb(
                  features {
                    name: "sum7"
                    window { trailing { seconds: 604800 } }
                    aggregate { op: AGGREGATE_OP_SUM }
                  }
                  features {
                    name: "growth"
                    growth { feature: "sum7" }
                  }
                  features {
                    name: "ref"
                    filter { kinds: EVENT_KIND_REFUND }
                    window { trailing { seconds: 604800 } }
                    aggregate { op: AGGREGATE_OP_COUNT }
                  }
                  features {
                    name: "g_missing"
                    growth { feature: "ref" }
                  }
                  features {
                    name: "g_zero"
                    growth { feature: "ref" zero_prior: ZERO_PRIOR_POLICY_ZERO }
                  }
                  features {
                    name: "g_cap"
                    growth { feature: "sum7" zero_prior: ZERO_PRIOR_POLICY_CAP cap: 9 }
                  }
                  features {
                    name: "sum1"
                    window {
                      trailing { seconds: 86400 }
                      offset { seconds: 864000 }
                    }
                    aggregate { op: AGGREGATE_OP_SUM }
                  }
                  features {
                    name: "g_cap_new"
                    growth { feature: "sum1" zero_prior: ZERO_PRIOR_POLICY_CAP cap: 9 }
                  }
                  features {
                    name: "g_cap_none"
                    growth { feature: "ref" zero_prior: ZERO_PRIOR_POLICY_CAP cap: 9 }
                  }
                )pb",
                r);
  EXPECT_EQ(v["sum7"], 6);
  EXPECT_EQ(v["growth"], 1.0) << "(6 - 3) / 3";
  EXPECT_TRUE(std::isnan(v["g_missing"]));
  EXPECT_EQ(v["g_zero"], 0);
  EXPECT_EQ(v["g_cap"], 1.0);
  EXPECT_EQ(v["sum1"], 2);  // (as_of - 11d, as_of - 10d]: c
  EXPECT_EQ(v["g_cap_new"], 9);
  EXPECT_EQ(v["g_cap_none"], 0);
}

TEST(FeaturePlanTest, LinkedEventsSeeOnlyLinksAtOrBeforeTheWindowEnd) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "o1", v1::EVENT_KIND_ORDER, kAsOfSeconds - 10 * kDay, 100);
  AddEvent(r, "o2", v1::EVENT_KIND_ORDER, kAsOfSeconds - 5 * kDay, 100);
  AddEvent(r, "o3", v1::EVENT_KIND_ORDER, kAsOfSeconds - 1 * kDay, 100);
  // o1 shipped late after 2 days, and again later (the earliest counts); o2's shipment is
  // after as_of (invisible); o3 has none.
  v1::Event* s1 = AddEvent(r, "s1", v1::EVENT_KIND_SHIPMENT, kAsOfSeconds - 8 * kDay);
  s1->set_reference_id("o1");
  s1->set_status("late");
  AddEvent(r, "s1b", v1::EVENT_KIND_SHIPMENT, kAsOfSeconds - 6 * kDay)->set_reference_id("o1");
  AddEvent(r, "s2", v1::EVENT_KIND_SHIPMENT, kAsOfSeconds + 60)->set_reference_id("o2");
  AddEvent(r, "f1", v1::EVENT_KIND_REFUND, kAsOfSeconds - 3 * kDay, 50)->set_reference_id("o2");
  AddEvent(r, "f2", v1::EVENT_KIND_REFUND, kAsOfSeconds - 2 * kDay, 50)->set_reference_id("zz");
  auto v = Eval(R"pb(
                  features {
                    name: "shipped"
                    filter { kinds: EVENT_KIND_ORDER }
                    window { trailing { seconds: 2592000 } }
                    link {
                      linked_filter { kinds: EVENT_KIND_SHIPMENT }
                      measure: LINK_MEASURE_SHARE_LINKED
                    }
                  }
                  features {
                    name: "unshipped_n"
                    filter { kinds: EVENT_KIND_ORDER }
                    window { trailing { seconds: 2592000 } }
                    link {
                      linked_filter { kinds: EVENT_KIND_SHIPMENT }
                      measure: LINK_MEASURE_COUNT_UNLINKED
                    }
                  }
                  features {
                    name: "ship_days"
                    filter { kinds: EVENT_KIND_ORDER }
                    window { trailing { seconds: 2592000 } }
                    link {
                      linked_filter { kinds: EVENT_KIND_SHIPMENT }
                      measure: LINK_MEASURE_DURATION_MEAN
                    }
                  }
                  features {
                    name: "late_share"
                    filter { kinds: EVENT_KIND_ORDER }
                    window { trailing { seconds: 2592000 } }
                    link {
                      linked_filter { kinds: EVENT_KIND_SHIPMENT statuses: "late" }
                      measure: LINK_MEASURE_SHARE_LINKED
                    }
                  }
                  features {
                    name: "slow_share"
                    filter { kinds: EVENT_KIND_ORDER }
                    window { trailing { seconds: 2592000 } }
                    link {
                      linked_filter { kinds: EVENT_KIND_SHIPMENT }
                      measure: LINK_MEASURE_DURATION_SHARE_ABOVE
                      threshold { seconds: 86400 }
                    }
                  }
                  features {
                    name: "shipped_as_of_9d_ago"
                    filter { kinds: EVENT_KIND_ORDER }
                    window {
                      trailing { seconds: 2592000 }
                      offset { seconds: 777600 }
                    }
                    link {
                      linked_filter { kinds: EVENT_KIND_SHIPMENT }
                      measure: LINK_MEASURE_SHARE_LINKED
                    }
                  }
                  features {
                    name: "refunds_with_order"
                    filter { kinds: EVENT_KIND_REFUND }
                    link {
                      linked_filter { kinds: EVENT_KIND_ORDER }
                      direction: LINK_DIRECTION_OUTBOUND
                      measure: LINK_MEASURE_SHARE_LINKED
                    }
                  }
                  features {
                    name: "refund_after_days"
                    filter { kinds: EVENT_KIND_REFUND }
                    link {
                      linked_filter { kinds: EVENT_KIND_ORDER }
                      direction: LINK_DIRECTION_OUTBOUND
                      measure: LINK_MEASURE_DURATION_QUANTILE
                      quantile: 0.5
                    }
                  }
                  features {
                    name: "no_base"
                    filter { kinds: EVENT_KIND_CHARGEBACK }
                    link { measure: LINK_MEASURE_SHARE_LINKED }
                  }
                )pb",
                r);
  EXPECT_DOUBLE_EQ(v["shipped"], 1.0 / 3);
  EXPECT_EQ(v["unshipped_n"], 2);
  EXPECT_EQ(v["ship_days"], 2) << "the earliest shipment of o1";
  EXPECT_DOUBLE_EQ(v["late_share"], 1.0 / 3);
  EXPECT_EQ(v["slow_share"], 1);
  EXPECT_EQ(v["shipped_as_of_9d_ago"], 0) << "s1 (8 days ago) had not happened 9 days ago";
  EXPECT_EQ(v["refunds_with_order"], 0.5);
  EXPECT_EQ(v["refund_after_days"], 2);
  EXPECT_TRUE(std::isnan(v["no_base"]));
}

TEST(FeaturePlanTest, AttributeValuesAndSharedFilters) {
  v1::ScoreRequest r = MakeRequest();
  v1::Event* a = AddEvent(r, "a", v1::EVENT_KIND_CUSTOMS_DECLARATION, kAsOfSeconds - kDay);
  (*a->mutable_attributes())["weight_kg"].set_double_value(2.5);
  v1::Event* b = AddEvent(r, "b", v1::EVENT_KIND_CUSTOMS_DECLARATION, kAsOfSeconds - kDay);
  (*b->mutable_attributes())["weight_kg"].set_int_value(4);
  v1::Event* c = AddEvent(r, "c", v1::EVENT_KIND_CUSTOMS_DECLARATION, kAsOfSeconds - kDay);
  (*c->mutable_attributes())["weight_kg"].set_string_value("heavy");  // not a number
  v1::Event* d = AddEvent(r, "d", v1::EVENT_KIND_CUSTOMS_DECLARATION, kAsOfSeconds - kDay);
  v1::Money* fee = (*d->mutable_attributes())["weight_kg"].mutable_money_value();
  fee->set_currency_code("EUR");
  fee->set_minor_units(50);  // 1 USD
  auto v = Eval(R"pb(
                  features {
                    name: "kg"
                    filter { kinds: EVENT_KIND_CUSTOMS_DECLARATION }
                    aggregate {
                      op: AGGREGATE_OP_SUM
                      value { source: VALUE_SOURCE_ATTRIBUTE attribute: "weight_kg" }
                    }
                  }
                  features {
                    name: "kg_mean"
                    filter { kinds: EVENT_KIND_CUSTOMS_DECLARATION }
                    aggregate {
                      op: AGGREGATE_OP_MEAN
                      value { source: VALUE_SOURCE_ATTRIBUTE attribute: "weight_kg" }
                    }
                  }
                  features {
                    name: "n"
                    filter { kinds: EVENT_KIND_CUSTOMS_DECLARATION }
                    aggregate { op: AGGREGATE_OP_COUNT }
                  }
                  features {
                    name: "unknown_attr"
                    filter { kinds: EVENT_KIND_CUSTOMS_DECLARATION }
                    aggregate {
                      op: AGGREGATE_OP_MAX
                      value { source: VALUE_SOURCE_ATTRIBUTE attribute: "nope" }
                    }
                  }
                )pb",
                r);
  EXPECT_EQ(v["kg"], 7.5);
  EXPECT_EQ(v["kg_mean"], 2.5);
  EXPECT_EQ(v["n"], 4);
  EXPECT_TRUE(std::isnan(v["unknown_attr"]));
}

TEST(FeaturePlanTest, EvaluateIsThreadSafe) {
  std::mt19937_64 rng(7);
  std::vector<v1::Feature> defs = RandomFeatures(rng);
  google::protobuf::RepeatedPtrField<v1::Feature> field(defs.begin(), defs.end());
  auto plan = FeaturePlan::Compile(field, 2, 10'000, nullptr, nullptr);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<io::IngestedRequest> inputs;
  std::vector<v1::ScoreRequest> requests;
  for (int i = 0; i < 8; ++i) requests.push_back(RandomHistory(rng, 200));
  for (const auto& r : requests) inputs.push_back(IngestOrDie(r));
  std::vector<std::vector<double>> want(inputs.size(), std::vector<double>(plan->size()));
  for (std::size_t i = 0; i < inputs.size(); ++i) plan->Evaluate(inputs[i], want[i]);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&] {
      std::vector<double> got(plan->size());
      for (int rep = 0; rep < 20; ++rep) {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          plan->Evaluate(inputs[i], got);
          for (std::size_t k = 0; k < got.size(); ++k) {
            const bool same =
                (std::isnan(got[k]) && std::isnan(want[i][k])) || got[k] == want[i][k];
            if (!same) ++mismatches;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace credence::features

namespace credence::features {
namespace {

TEST(FeaturePlanTest, ExtremeTimesDoNotOverflow) {
  // 1678-01-01 and 2262-01-01: their difference does not fit in 64-bit nanoseconds.
  constexpr std::int64_t kEarly = -9'183'110'400, kLate = 9'214'560'000;
  v1::ScoreRequest r = MakeRequest();
  *r.mutable_as_of() = testing::Ts(kLate);
  *r.mutable_enterprise()->mutable_registered_at() = testing::Ts(kEarly);
  AddEvent(r, "o", v1::EVENT_KIND_ORDER, kEarly, 100);
  AddEvent(r, "s", v1::EVENT_KIND_SHIPMENT, kLate)->set_reference_id("o");
  auto v = Eval(R"pb(
                  features {
                    name: "tenure"
                    days_since_registration {}
                  }
                  features {
                    name: "since_first"
                    aggregate { op: AGGREGATE_OP_DAYS_SINCE_FIRST }
                  }
                  features {
                    name: "ship_days"
                    filter { kinds: EVENT_KIND_ORDER }
                    link {
                      linked_filter { kinds: EVENT_KIND_SHIPMENT }
                      measure: LINK_MEASURE_DURATION_MEAN
                    }
                  }
                  features {
                    name: "old"
                    window {
                      trailing { seconds: 3153600000 }
                      offset { seconds: 3153600000 }
                    }
                    trend {
                      period { seconds: 315360000 }
                      measure: TREND_MEASURE_COUNT
                    }
                  }
                )pb",
                r);
  const double days = static_cast<double>(kLate - kEarly) / 86400;
  EXPECT_DOUBLE_EQ(v["tenure"], days);
  EXPECT_DOUBLE_EQ(v["since_first"], days);
  EXPECT_DOUBLE_EQ(v["ship_days"], days);
  EXPECT_EQ(v["old"], 0);
}

}  // namespace
}  // namespace credence::features
