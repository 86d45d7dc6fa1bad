// Screener: batches equal sequential Engine::Screen per enterprise whatever the thread
// count and cache size; a run interrupted after any commit and run again on the same store
// answers every event as an uninterrupted run does (applied events from the decision log);
// the RocksDB and in-memory stores keep the same contract.
#include "credence/screener.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "sim/stream.h"
#include "tests/testing/cross_border.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

std::shared_ptr<const Engine> CrossBorder() { return testing::CrossBorderEngine(); }

std::vector<v1::ScreenRequest> Stream(std::uint64_t enterprises, int days) {
  sim::StreamOptions o;
  o.sim.history_days = days;
  o.enterprises = enterprises;
  o.attack_share = 0.5;
  auto s = sim::SimulateStream(o);
  EXPECT_TRUE(s.ok()) << s.status();
  // A re-delivered event and a request without an enterprise, mixed in.
  std::vector<v1::ScreenRequest> out = std::move(s->requests);
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(out.size() / 2), out[out.size() / 3]);
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(out.size() / 4), v1::ScreenRequest());
  return out;
}

// Every response as bytes (errors as their status text).
std::vector<std::string> RunAll(Screener& screener, const std::vector<v1::ScreenRequest>& requests,
                                std::size_t window, int threads) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < requests.size(); at += window) {
    const std::size_t n = std::min(window, requests.size() - at);
    auto results = screener.ScreenBatch(std::span(requests.data() + at, n), {.threads = threads});
    EXPECT_TRUE(results.ok()) << results.status();
    for (const auto& r : *results) {
      out.push_back(r.ok() ? r->SerializeAsString() : r.status().ToString());
    }
  }
  return out;
}

TEST(ScreenerTest, BatchesEqualSequentialScreensWhateverThreadsAndCache) {
  auto engine = CrossBorder();
  const std::vector<v1::ScreenRequest> requests = Stream(12, 150);
  // The reference: Engine::Screen on one state per enterprise, in input order; a second
  // delivery of an applied event gets the first delivery's response (the decision log).
  std::map<std::string, EnterpriseState> states;
  std::map<std::string, v1::ScreenResponse> first;
  std::vector<std::string> want;
  for (const v1::ScreenRequest& r : requests) {
    const std::string key = r.enterprise().id() + "/" + r.event().id();
    if (auto it = first.find(key); it != first.end()) {
      v1::ScreenResponse again = it->second;
      again.set_request_id(r.request_id());
      want.push_back(again.SerializeAsString());
      continue;
    }
    auto response = engine->Screen(r, states[r.enterprise().id()]);
    if (response.ok()) first.emplace(key, *response);
    want.push_back(response.ok() ? response->SerializeAsString() : response.status().ToString());
  }
  for (auto [threads, cache, window] : {std::tuple{1, std::size_t{100}, std::size_t{1000}},
                                        std::tuple{3, std::size_t{100}, std::size_t{257}},
                                        std::tuple{2, std::size_t{2}, std::size_t{64}}}) {
    Screener screener(engine, NewInMemoryStateStore(), {.cache_states = cache});
    EXPECT_EQ(RunAll(screener, requests, window, threads), want)
        << threads << " threads, cache " << cache << ", window " << window;
  }
}

TEST(ScreenerTest, RunAgainAfterAnInterruptionAnswersEveryEventAsAnUninterruptedRun) {
  auto engine = CrossBorder();
  const std::vector<v1::ScreenRequest> requests = Stream(8, 120);
  Screener clean(engine, NewInMemoryStateStore());
  const std::vector<std::string> want = RunAll(clean, requests, 300, 2);
  for (std::size_t cut : {std::size_t{300}, requests.size() / 2, requests.size() - 300}) {
    const auto dir =
        std::filesystem::path(::testing::TempDir()) / ("screener_rerun_" + std::to_string(cut));
    std::filesystem::remove_all(dir);
    {
      // The first run commits `cut` records, then stops (its output is lost).
      auto store = OpenRocksDbStateStore(dir.string());
      ASSERT_TRUE(store.ok()) << store.status();
      Screener first(engine, *store);
      RunAll(first,
             std::vector<v1::ScreenRequest>(requests.begin(),
                                            requests.begin() + static_cast<std::ptrdiff_t>(cut)),
             300, 2);
    }
    auto store = OpenRocksDbStateStore(dir.string());
    ASSERT_TRUE(store.ok()) << store.status();
    Screener second(engine, *store);
    EXPECT_EQ(RunAll(second, requests, 300, 2), want) << "interrupted after " << cut;
  }
}

TEST(ScreenerTest, SeedLoadAndTheStoreContract) {
  auto engine = CrossBorder();
  auto store = NewInMemoryStateStore();
  Screener screener(engine, store);
  v1::ScoreRequest history;
  history.mutable_enterprise()->set_id("e1");
  *history.mutable_as_of() = google::protobuf::Timestamp();
  history.mutable_as_of()->set_seconds(1790812800);
  ASSERT_TRUE(screener.Seed(history).ok());
  auto loaded = screener.Load("e1");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->enterprise_id(), "e1");
  EXPECT_FALSE(screener.Load("nobody")->has_value());
  std::vector<std::string> ids;
  ASSERT_TRUE(store
                  ->ForEachEnterprise([&](std::string_view id) {
                    ids.emplace_back(id);
                    return true;
                  })
                  .ok());
  EXPECT_EQ(ids, std::vector<std::string>{"e1"});
  // A commit that logs and forgets one decision leaves none.
  StateCommit c;
  c.decisions.push_back({"e1", "x", "bytes"});
  c.forget.push_back({"e1", "x"});
  ASSERT_TRUE(store->Commit(c).ok());
  EXPECT_FALSE(store->LoadDecision("e1", "x")->has_value());
  // A second process cannot open a RocksDB store in use.
  const auto dir = std::filesystem::path(::testing::TempDir()) / "screener_locked";
  auto a = OpenRocksDbStateStore(dir.string());
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(OpenRocksDbStateStore(dir.string()).status(),
              StatusIs(StatusCode::kUnavailable, HasSubstr("lock")));
}

}  // namespace
}  // namespace credence
