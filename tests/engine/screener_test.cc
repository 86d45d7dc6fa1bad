// Screener: batches equal sequential Engine::Screen per enterprise whatever the thread
// count and cache size; a run interrupted after any commit and run again on the same store
// answers every event as an uninterrupted run does (applied events from the decision log);
// the RocksDB and in-memory stores keep the same contract.
#include "credence/screener.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>
#include <tuple>

#include "credence/thread_pool.h"

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

// The reference: Engine::Screen on one state per enterprise, in input order; a second
// delivery of an applied event gets the first delivery's response (the decision log).
std::vector<std::string> Sequential(const Engine& engine,
                                    const std::vector<v1::ScreenRequest>& requests) {
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
    auto response = engine.Screen(r, states[r.enterprise().id()]);
    if (response.ok()) first.emplace(key, *response);
    want.push_back(response.ok() ? response->SerializeAsString() : response.status().ToString());
  }
  return want;
}

TEST(ScreenerTest, BatchesEqualSequentialScreensWhateverThreadsAndCache) {
  auto engine = CrossBorder();
  const std::vector<v1::ScreenRequest> requests = Stream(12, 150);
  const std::vector<std::string> want = Sequential(*engine, requests);
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

TEST(ScreenerTest, SecondDeliveriesInOneBatchGetTheFirstResponse) {
  auto engine = CrossBorder();
  // Events of one enterprise: a, b, a again, c, c again (c logged after the batch's first
  // second delivery), in one batch.
  std::vector<v1::ScreenRequest> one;
  const std::vector<v1::ScreenRequest> all = Stream(3, 60);
  for (const auto& r : all) {
    if (!r.enterprise().id().empty() && r.enterprise().id() == all.front().enterprise().id()) {
      one.push_back(r);
    }
    if (one.size() == 3) break;
  }
  ASSERT_EQ(one.size(), 3u);
  auto again = [](v1::ScreenRequest r) {
    r.set_request_id(r.request_id() + "-again");
    return r;
  };
  const std::vector<v1::ScreenRequest> batch = {one[0], one[1], again(one[0]), one[2],
                                                again(one[2])};
  Screener screener(engine, NewInMemoryStateStore());
  const std::vector<std::string> got = RunAll(screener, batch, batch.size(), 1);
  EXPECT_EQ(got, Sequential(*engine, batch));
  v1::ScreenResponse first, second;
  ASSERT_TRUE(first.ParseFromString(got[3]) && second.ParseFromString(got[4]));
  EXPECT_EQ(second.request_id(), batch[4].request_id());
  second.set_request_id(first.request_id());
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
}

// Windows of `size` records where each window after the first starts with a second delivery
// of the previous window's last record (its decision is in the commit being written while
// the window is screened), and the requests they hold, in order.
std::vector<std::vector<v1::ScreenRequest>> Windows(const std::vector<v1::ScreenRequest>& stream,
                                                    std::size_t size,
                                                    std::vector<v1::ScreenRequest>& flat) {
  std::vector<std::vector<v1::ScreenRequest>> windows;
  for (std::size_t at = 0; at < stream.size(); at += size) {
    std::vector<v1::ScreenRequest> w;
    if (!windows.empty()) w.push_back(windows.back().back());
    const std::size_t end = std::min(stream.size(), at + size);
    w.insert(w.end(), stream.begin() + static_cast<std::ptrdiff_t>(at),
             stream.begin() + static_cast<std::ptrdiff_t>(end));
    flat.insert(flat.end(), w.begin(), w.end());
    windows.push_back(std::move(w));
  }
  return windows;
}

// Runs ScreenStream over `windows` (binary records) and returns each result as RunAll does;
// `emitted` counts the windows emitted.
Status RunStream(Screener& screener, const std::vector<std::vector<v1::ScreenRequest>>& windows,
                 int threads, std::vector<std::string>& out, std::size_t& emitted) {
  std::size_t k = 0;
  std::vector<std::string> bytes;  // the window being screened
  auto next = [&](std::vector<std::string_view>& records) -> Result<bool> {
    if (k == windows.size()) return false;
    bytes.clear();
    for (const auto& r : windows[k]) bytes.push_back(r.SerializeAsString());
    for (const auto& b : bytes) records.push_back(b);
    ++k;
    return true;
  };
  auto emit = [&](std::vector<SerializedResult> results) -> Status {
    for (const SerializedResult& r : results) {
      v1::ScreenResponse response;
      if (!r.status.ok()) {
        out.push_back(r.status.ToString());
      } else if (response.ParseFromString(r.bytes)) {
        out.push_back(response.SerializeAsString());
      } else {
        out.push_back("unparsable response");
      }
    }
    ++emitted;
    return OkStatus();
  };
  auto pool = ThreadPool::Create(threads);
  if (!pool.ok()) return pool.status();
  return screener.ScreenStream(
      next, emit, {.in_format = WireFormat::kBinary, .out_format = WireFormat::kBinary},
      {.pool = pool->get()});
}

// Another store, with commit number `fail_at` (from 1) failing, and every commit taking at
// least `delay`: long enough for a stream's next window (tens of records) to be screened
// while the commit is being written, as on a slow disk.
class TestStore final : public StateStore {
 public:
  TestStore(std::shared_ptr<StateStore> inner, int fail_at,
            std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : inner_(std::move(inner)), fail_at_(fail_at), delay_(delay) {}
  Result<std::optional<std::string>> LoadState(std::string_view id) override {
    return inner_->LoadState(id);
  }
  Result<std::optional<std::string>> LoadDecision(std::string_view id,
                                                  std::string_view event) override {
    return inner_->LoadDecision(id, event);
  }
  Status Commit(const StateCommit& commit) override {
    std::this_thread::sleep_for(delay_);
    if (++commits_ == fail_at_) return Status(StatusCode::kUnavailable, "disk gone");
    return inner_->Commit(commit);
  }
  Status ForEachEnterprise(const std::function<bool(std::string_view)>& fn) override {
    return inner_->ForEachEnterprise(fn);
  }

 private:
  std::shared_ptr<StateStore> inner_;
  int fail_at_;
  std::chrono::milliseconds delay_;
  int commits_ = 0;
};

TEST(ScreenerTest, StreamEqualsSequentialScreensWithCommitsOverlapped) {
  auto engine = CrossBorder();
  for (auto [threads, cache, size] : {std::tuple{1, std::size_t{100}, std::size_t{500}},
                                      std::tuple{2, std::size_t{100}, std::size_t{97}},
                                      std::tuple{2, std::size_t{1}, std::size_t{40}},
                                      std::tuple{3, std::size_t{4}, std::size_t{40}}}) {
    std::vector<v1::ScreenRequest> flat;
    const auto windows = Windows(Stream(10, 120), size, flat);
    const std::vector<std::string> want = Sequential(*engine, flat);
    // Slow commits on two threads: the next window, whose first record is a second delivery
    // of an event in the commit being written, is screened while that commit is written.
    auto store = std::make_shared<TestStore>(NewInMemoryStateStore(), -1,
                                             std::chrono::milliseconds(threads > 1 ? 50 : 0));
    Screener screener(engine, store, {.cache_states = cache});
    std::vector<std::string> got;
    std::size_t emitted = 0;
    ASSERT_TRUE(RunStream(screener, windows, threads, got, emitted).ok());
    EXPECT_EQ(emitted, windows.size());
    EXPECT_EQ(got, want) << threads << " threads, cache " << cache << ", window " << size;
  }
}

TEST(ScreenerTest, StreamStopsAtAFailedCommitWithWhatItEmittedCommitted) {
  auto engine = CrossBorder();
  std::vector<v1::ScreenRequest> flat;
  const auto windows = Windows(Stream(8, 100), 60, flat);
  ASSERT_GT(windows.size(), 4u);
  const std::vector<std::string> want = Sequential(*engine, flat);
  for (int threads : {1, 2}) {
    auto inner = NewInMemoryStateStore();
    Screener first(engine, std::make_shared<TestStore>(inner, 3), {});
    std::vector<std::string> got;
    std::size_t emitted = 0;
    EXPECT_THAT(RunStream(first, windows, threads, got, emitted),
                StatusIs(StatusCode::kUnavailable, HasSubstr("disk gone")));
    EXPECT_EQ(emitted, 2u) << threads << " threads";
    // Run again on what was committed: every event answered as an uninterrupted run does.
    Screener second(engine, inner);
    std::vector<std::string> again;
    ASSERT_TRUE(RunStream(second, windows, threads, again, emitted).ok());
    EXPECT_EQ(again, want) << threads << " threads";
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
