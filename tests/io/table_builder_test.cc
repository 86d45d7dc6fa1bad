// Ingest's building blocks against naive references: the open-addressing string pool and id
// index, the time order of the table (with ties, sub-second times and spreads too wide for
// the packed sort key), resolved references, and exact money conversion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/money.h"
#include "io/event_table.h"
#include "io/id_index.h"
#include "io/ingest.h"
#include "tests/testing/builders.h"

namespace credence::io {
namespace {

using ::credence::testing::kAsOfSeconds;
using ::credence::testing::MakeRequest;
using ::credence::testing::Ts;

// Random strings that share prefixes and suffixes and straddle the 4, 8 and 16-byte
// boundaries of the pool's keys.
std::string RandomString(std::mt19937_64& rng) {
  static const char* kStems[] = {"",
                                 "a",
                                 "ab",
                                 "abc",
                                 "abcd",
                                 "abcdefg",
                                 "abcdefgh",
                                 "abcdefghijklmno",
                                 "abcdefghijklmnop",
                                 "abcdefghijklmnopq"};
  std::string s = kStems[rng() % std::size(kStems)];
  const int extra = static_cast<int>(rng() % 30);
  for (int i = 0; i < extra; ++i) s += static_cast<char>("xyzXYZ\x01\xc3\xa9"[rng() % 9]);
  if (rng() % 4 == 0) s.insert(0, "abcdefghijklmnopqrstuvwxyz");
  return s;
}

TEST(StringPoolTest, InternAndFindAgreeWithAMap) {
  std::mt19937_64 rng(3);
  StringPool pool;
  std::unordered_map<std::string, std::int32_t> ref;
  for (int i = 0; i < 20000; ++i) {
    const std::string s = RandomString(rng);
    const std::int32_t id = pool.Intern(s);
    if (s.empty()) {
      EXPECT_EQ(id, StringPool::kNoString);
      continue;
    }
    auto [it, inserted] = ref.try_emplace(s, static_cast<std::int32_t>(ref.size()));
    ASSERT_EQ(id, it->second) << "string '" << s << "'";
    EXPECT_EQ(pool.Get(id), s);
  }
  EXPECT_EQ(pool.size(), ref.size());
  for (const auto& [s, id] : ref) EXPECT_EQ(pool.Find(s), id);
  EXPECT_EQ(pool.Find("never interned"), StringPool::kNoString);
  EXPECT_EQ(pool.Find(""), StringPool::kNoString);
  StringPool copy = pool;
  for (const auto& [s, id] : ref) EXPECT_EQ(copy.Get(copy.Find(s)), s);
}

TEST(IdIndexTest, ReferenceRowsMatchALinearSearch) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 20; ++round) {
    EventTable t;
    std::vector<std::string> ids, refs;
    const int n = static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) ids.push_back("ev-" + std::to_string(i * 7 + round));
    for (int i = 0; i < n; ++i) {
      const int pick = static_cast<int>(rng() % 5);
      refs.push_back(pick == 0   ? ""
                     : pick == 1 ? "missing-" + std::to_string(i)
                     : pick == 2 ? ids[static_cast<std::size_t>(i)]  // itself
                                 : ids[rng() % ids.size()]);
    }
    for (int i = 0; i < n; ++i) {
      t.id.push_back(ids[static_cast<std::size_t>(i)]);
      t.reference_id.push_back(refs[static_cast<std::size_t>(i)]);
      t.time.push_back(i);
    }
    const std::vector<std::int32_t> got = ReferenceRows(t);
    for (int i = 0; i < n; ++i) {
      std::int32_t want = -1;
      for (int j = 0; j < n; ++j) {
        if (j != i && !refs[static_cast<std::size_t>(i)].empty() &&
            ids[static_cast<std::size_t>(j)] == refs[static_cast<std::size_t>(i)]) {
          want = j;
        }
      }
      EXPECT_EQ(got[static_cast<std::size_t>(i)], want) << "row " << i;
    }
  }
}

TEST(IdIndexTest, InsertReportsTheFirstRow) {
  std::vector<std::string_view> ids;
  IdIndex index(4);
  for (std::string_view id : {"a", "b", "a", "c", "b"}) {
    const std::int32_t first = index.Insert(ids, id, static_cast<std::int32_t>(ids.size()));
    if (first < 0) ids.push_back(id);
    if (id == "a" && ids.size() > 1) {
      EXPECT_EQ(first, 0);
    }
  }
  EXPECT_THAT(ids, ::testing::ElementsAre("a", "b", "c"));
  EXPECT_EQ(index.Find(ids, "c"), 2);
  EXPECT_EQ(index.Find(ids, "d"), -1);
}

class IngestOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fx = FxTable::Build("USD", {}, "fx_rates");
    ASSERT_TRUE(fx.ok());
    fx_.emplace(std::move(fx).value());
  }
  std::optional<FxTable> fx_;
};

// Random times (whole seconds, sub-second, or spread over the whole representable range),
// many ties, random references and duplicates: the table must be the stable sort by time
// of the kept events, with references resolved among them.
TEST_F(IngestOrderTest, TableIsTheStableSortOfKeptEvents) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 60; ++round) {
    v1::ScoreRequest r = MakeRequest();
    r.mutable_as_of()->set_seconds(kAsOfSeconds);
    const int n = static_cast<int>(rng() % 400);
    const int shape = round % 3;  // whole seconds, nanoseconds, a spread over centuries
    struct Kept {
      std::int64_t ns;
      int index;
      std::string id, ref;
    };
    std::vector<Kept> kept;
    std::map<std::string, int> first;
    for (int i = 0; i < n; ++i) {
      v1::Event* e = r.add_events();
      const std::string id = "e" + std::to_string(rng() % (n + 1));  // some duplicates
      e->set_id(id);
      e->set_kind(v1::EVENT_KIND_ORDER);
      std::int64_t s = kAsOfSeconds - 1 - static_cast<std::int64_t>(rng() % 50);  // ties
      std::int32_t nanos = shape == 1 ? static_cast<std::int32_t>(rng() % 1000000000) : 0;
      if (shape == 2 && rng() % 2) s = -9000000000LL + static_cast<std::int64_t>(rng() % 1000);
      *e->mutable_time() = Ts(s, nanos);
      const std::string ref = "e" + std::to_string(rng() % (n + 1));
      if (rng() % 2) e->set_reference_id(ref);
      if (!first.emplace(id, i).second) continue;  // a duplicate: dropped
      kept.push_back({s * 1000000000 + nanos, i, id, e->reference_id()});
    }
    std::stable_sort(kept.begin(), kept.end(),
                     [](const Kept& a, const Kept& b) { return a.ns < b.ns; });
    auto in = Ingest(r, *fx_, RequestLimits{});
    ASSERT_TRUE(in.ok()) << in.status();
    const EventTable& t = in->events;
    ASSERT_EQ(t.size(), kept.size());
    for (std::size_t k = 0; k < kept.size(); ++k) {
      EXPECT_EQ(t.time[k], kept[k].ns);
      EXPECT_EQ(t.input_index[k], kept[k].index);
      std::int32_t want_ref = -1;
      for (std::size_t j = 0; j < kept.size(); ++j) {
        if (j != k && !kept[k].ref.empty() && kept[j].id == kept[k].ref) {
          want_ref = static_cast<std::int32_t>(j);
        }
      }
      EXPECT_EQ(t.reference_row[k], want_ref) << "round " << round << " row " << k;
    }
  }
}

// round_half_even(minor * mantissa * 10^to / 10^(scale + from)), computed by long division
// on the exact 128-bit product in this test.
__extension__ typedef __int128 I128;
std::optional<std::int64_t> NaiveConvert(std::int64_t minor, int from, core::Decimal rate, int to) {
  I128 num = static_cast<I128>(minor) * rate.mantissa;
  for (int i = 0; i < to; ++i) num *= 10;
  I128 den = 1;
  for (int i = 0; i < rate.scale + from; ++i) den *= 10;
  I128 q = num / den, r = num % den;
  if (r < 0) r = -r;
  if (2 * r > den || (2 * r == den && q % 2 != 0)) q += num < 0 ? -1 : 1;
  if (q > (I128{1} << 53) || q < -(I128{1} << 53)) return std::nullopt;
  return static_cast<std::int64_t>(q);
}

TEST(ConvertMinorUnitsTest, AgreesWithExactLongDivision) {
  std::mt19937_64 rng(17);
  for (int i = 0; i < 200000; ++i) {
    const int magnitude = static_cast<int>(rng() % 19);
    std::int64_t minor = static_cast<std::int64_t>(rng() % 1000000000000000000ULL);
    for (int k = magnitude; k < 18; ++k) minor /= 10;
    if (rng() % 2) minor = -minor;
    if (rng() % 50 == 0) minor = (rng() % 2 ? 1 : -1) * ((std::int64_t{1} << 53) + 1);
    core::Decimal rate{static_cast<std::int64_t>(rng() % 100000000) + 1,
                       static_cast<int>(rng() % 13)};
    if (rng() % 10 == 0) rate.mantissa = rate.mantissa * 5;  // exact halves
    const int from = static_cast<int>(rng() % 4), to = static_cast<int>(rng() % 4);
    const auto want = NaiveConvert(minor, from, rate, to);
    const auto got = core::ConvertMinorUnits(minor, from, rate, to);
    if (!want) {
      EXPECT_FALSE(got.ok()) << minor << " " << rate.mantissa << "e-" << rate.scale;
    } else {
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, *want) << minor << " " << rate.mantissa << "e-" << rate.scale << " " << from
                             << "->" << to;
    }
  }
}

}  // namespace
}  // namespace credence::io
