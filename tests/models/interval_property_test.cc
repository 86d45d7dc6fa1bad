// Fixed-seed property tests: scorecards and WoE binnings built from random partitions of the
// real line agree with a naive evaluation written directly from the proto's definitions
// (first matching attribute, bounds compared one by one, linear search over bins).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "models/logistic.h"
#include "models/scorecard.h"
#include "tests/testing/status_matchers.h"

namespace credence::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool NaiveContains(const v1::Interval& iv, double x) {
  if (std::isnan(x)) return false;
  if (iv.has_lower() && !(iv.lower_closed() ? x >= iv.lower() : x > iv.lower())) return false;
  if (iv.has_upper() && !(iv.upper_closed() ? x <= iv.upper() : x < iv.upper())) return false;
  return true;
}

// A random partition of the real line into intervals: cut points on a grid of halves in
// [-5, 5], each cut closing the interval on its left or on its right.
std::vector<v1::Interval> RandomPartition(std::mt19937& rng) {
  std::vector<double> grid;
  for (int i = -10; i <= 10; ++i) grid.push_back(i * 0.5);
  std::shuffle(grid.begin(), grid.end(), rng);
  const int cuts = std::uniform_int_distribution<int>(0, 6)(rng);
  std::vector<double> c(grid.begin(), grid.begin() + cuts);
  std::sort(c.begin(), c.end());
  std::vector<v1::Interval> out;
  v1::Interval cur;
  for (double cut : c) {
    const bool left_closed = std::bernoulli_distribution(0.5)(rng);
    cur.set_upper(cut);
    cur.set_upper_closed(left_closed);
    out.push_back(cur);
    cur.Clear();
    cur.set_lower(cut);
    cur.set_lower_closed(!left_closed);
  }
  out.push_back(cur);
  return out;
}

std::vector<double> Probes() {
  std::vector<double> x = {kNaN, -1e300, 1e300, -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::infinity()};
  for (int i = -12; i <= 12; ++i) {
    x.push_back(i * 0.5);
    x.push_back(std::nextafter(i * 0.5, -100.0));
    x.push_back(std::nextafter(i * 0.5, 100.0));
    x.push_back(i * 0.5 + 0.25);
  }
  return x;
}

TEST(IntervalPropertyTest, ScorecardMatchesNaiveFirstMatch) {
  std::mt19937 rng(20261129);
  const std::vector<std::string> names = {"x0", "x1", "x2"};
  auto index = [&](std::string_view n) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == n) return static_cast<int>(i);
    }
    return -1;
  };
  const std::vector<double> probes = Probes();
  int compared = 0;
  for (int trial = 0; trial < 300; ++trial) {
    v1::Scorecard card;
    card.set_initial_score(std::uniform_int_distribution<int>(-50, 50)(rng));
    for (int c = 0; c < 3; ++c) {
      v1::ScorecardCharacteristic* ch = card.add_characteristics();
      ch->set_name("c" + std::to_string(c));
      ch->set_feature(names[static_cast<std::size_t>(c)]);
      ch->set_baseline_score(10);
      ch->set_reason_code("R" + std::to_string(c));
      if (std::bernoulli_distribution(0.5)(rng)) {
        auto* a = ch->add_attributes();
        a->set_missing(true);
        a->set_partial_score(std::uniform_int_distribution<int>(-20, 20)(rng));
      }
      std::vector<v1::Interval> parts = RandomPartition(rng);
      // Sometimes drop one interval (a gap) and end with `otherwise`.
      const bool otherwise = parts.size() > 1 && std::bernoulli_distribution(0.4)(rng);
      if (otherwise) parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(rng() % parts.size()));
      std::shuffle(parts.begin(), parts.end(), rng);  // disjoint: order cannot matter
      for (const v1::Interval& iv : parts) {
        auto* a = ch->add_attributes();
        *a->mutable_interval() = iv;
        a->set_partial_score(std::uniform_int_distribution<int>(-20, 20)(rng));
      }
      if (otherwise) {
        auto* a = ch->add_attributes();
        a->set_otherwise(true);
        a->set_partial_score(std::uniform_int_distribution<int>(-20, 20)(rng));
      }
    }
    auto compiled = Scorecard::Compile(card, index, "sc");
    ASSERT_TRUE(compiled.ok()) << compiled.status() << card.DebugString();
    ModelOutput out;
    for (int k = 0; k < 40; ++k) {
      std::vector<double> x(3);
      for (double& v : x) v = probes[rng() % probes.size()];
      compiled->Predict(x, {}, out);
      // Naive: first attribute whose predicate holds; a missing value reaches `otherwise`
      // only without a `missing` attribute; no match at all is unavailable.
      double points = card.initial_score();
      bool available = true;
      for (int c = 0; c < 3; ++c) {
        const auto& ch = card.characteristics(c);
        bool matched = false;
        for (const auto& a : ch.attributes()) {
          const bool hit = a.has_interval()  ? NaiveContains(a.interval(), x[c])
                           : a.has_missing() ? std::isnan(x[c])
                                             : a.otherwise();
          if (hit) {
            points += a.partial_score();
            EXPECT_EQ(out.partial_scores.size(), 3u);
            if (out.available) {
              EXPECT_EQ(out.partial_scores[c], a.partial_score());
            }
            matched = true;
            break;
          }
        }
        available = available && matched;
      }
      ASSERT_EQ(out.available, available)
          << card.DebugString() << x[0] << " " << x[1] << " " << x[2];
      if (available) {
        EXPECT_EQ(out.points, points);
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 5000);
  std::printf("[property] scorecard outputs compared: %d\n", compared);
}

TEST(IntervalPropertyTest, WoeBinLookupMatchesLinearSearch) {
  std::mt19937 rng(7);
  auto index = [](std::string_view n) { return n == "x" ? 0 : -1; };
  const std::vector<double> probes = Probes();
  int compared = 0;
  for (int trial = 0; trial < 300; ++trial) {
    v1::LogisticModel m;
    v1::LogisticTerm* t = m.add_terms();
    t->set_feature("x");
    t->set_coefficient(1);
    std::vector<v1::Interval> parts = RandomPartition(rng);
    std::shuffle(parts.begin(), parts.end(), rng);
    std::vector<double> woe;
    for (const v1::Interval& iv : parts) {
      auto* b = t->mutable_transform()->mutable_woe()->add_bins();
      *b->mutable_interval() = iv;
      woe.push_back(std::uniform_real_distribution<double>(-2, 2)(rng));
      b->set_woe(woe.back());
    }
    const bool capped = std::bernoulli_distribution(0.3)(rng);
    if (capped) {
      t->mutable_transform()->set_cap_lower(-2);
      t->mutable_transform()->set_cap_upper(2.5);
    }
    auto lr = LogisticRegression::Compile(m, index, "m");
    ASSERT_TRUE(lr.ok()) << lr.status() << m.DebugString();
    for (double x : probes) {
      if (std::isnan(x)) continue;
      const double capped_x = capped ? std::min(std::max(x, -2.0), 2.5) : x;
      double want = kNaN;
      int hits = 0;
      for (std::size_t b = 0; b < parts.size(); ++b) {
        if (NaiveContains(parts[b], capped_x)) {
          want = woe[b];
          ++hits;
        }
      }
      ASSERT_EQ(hits, 1) << "the partition covers each number once";
      EXPECT_EQ(lr->TransformedValue(0, x), want) << x << "\n" << m.DebugString();
      ++compared;
    }
  }
  std::printf("[property] WoE lookups compared: %d\n", compared);
}

}  // namespace
}  // namespace credence::models
