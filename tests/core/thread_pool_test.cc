// credence::ThreadPool and ParallelFor: the one thread limit, placement by index whatever the
// thread count, exceptions turned into a Status, a pool reused across many calls.
#include "credence/thread_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <new>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::IsOk;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ThreadPoolTest, ThreadCountsOutsideTheLimitAreRejectedNamingIt) {
  EXPECT_EQ(kMaxThreads, 256);
  for (int bad : {-1, 257, 1000}) {
    EXPECT_THAT(ResolveThreads(bad).status(),
                StatusIs(StatusCode::kOutOfRange, HasSubstr("[0, 256]")))
        << bad;
    EXPECT_THAT(ThreadPool::Create(bad).status(), StatusIs(StatusCode::kOutOfRange, ::testing::_))
        << bad;
    EXPECT_THAT(ParallelFor(bad, 3, [](std::size_t) {}),
                StatusIs(StatusCode::kOutOfRange, ::testing::_));
    // Even with nothing to do: the option is wrong whatever the input.
    EXPECT_THAT(ParallelFor(bad, 0, [](std::size_t) {}),
                StatusIs(StatusCode::kOutOfRange, ::testing::_));
  }
  EXPECT_EQ(*ResolveThreads(256), 256);
  EXPECT_EQ(*ResolveThreads(1), 1);
  const int all = *ResolveThreads(0);
  EXPECT_GE(all, 1);
  EXPECT_LE(all, kMaxThreads);
}

TEST(ThreadPoolTest, EveryIndexRunsOnceAndResultsArePlacedByIndex) {
  for (int threads : {1, 2, 3, 8}) {
    auto pool = ThreadPool::Create(threads);
    ASSERT_THAT(pool.status(), IsOk());
    EXPECT_EQ((*pool)->size(), threads);
    // The same pool for many jobs of different sizes.
    for (std::size_t n : {0u, 1u, 2u, 7u, 1000u}) {
      std::vector<std::atomic<int>> runs(n);
      std::vector<std::size_t> squares(n);
      ASSERT_THAT((*pool)->ParallelFor(n,
                                       [&](std::size_t i) {
                                         runs[i].fetch_add(1);
                                         squares[i] = i * i;
                                       }),
                  IsOk());
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(runs[i].load(), 1) << "threads=" << threads << " n=" << n << " i=" << i;
        EXPECT_EQ(squares[i], i * i);
      }
    }
  }
}

TEST(ThreadPoolTest, WorkRunsOnSeveralThreadsAndTheWorkersPersist) {
  auto pool = ThreadPool::Create(4);
  ASSERT_THAT(pool.status(), IsOk());
  std::set<std::thread::id> first, second;
  std::mutex mu;
  auto record = [&](std::set<std::thread::id>& ids) {
    return [&](std::size_t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    };
  };
  ASSERT_THAT((*pool)->ParallelFor(64, record(first)), IsOk());
  ASSERT_THAT((*pool)->ParallelFor(64, record(second)), IsOk());
  EXPECT_GT(first.size(), 1u);
  // No thread is started per call: the second job ran on threads of the first (the caller
  // and the pool's workers).
  for (const auto& id : second) {
    EXPECT_TRUE(first.count(id) == 1 || id == std::this_thread::get_id());
  }
}

TEST(ThreadPoolTest, ExceptionsBecomeAStatusAndThePoolStaysUsable) {
  for (int threads : {1, 4}) {
    auto pool = ThreadPool::Create(threads);
    ASSERT_THAT(pool.status(), IsOk());
    EXPECT_THAT((*pool)->ParallelFor(100,
                                     [](std::size_t i) {
                                       if (i == 50) throw std::runtime_error("boom");
                                     }),
                StatusIs(StatusCode::kInternal, HasSubstr("boom")));
    EXPECT_THAT((*pool)->ParallelFor(10, [](std::size_t) { throw std::bad_alloc(); }),
                StatusIs(StatusCode::kResourceExhausted, ::testing::_));
    EXPECT_THAT((*pool)->ParallelFor(10, [](std::size_t) { throw 42; }),
                StatusIs(StatusCode::kInternal, ::testing::_));
    std::atomic<int> ran{0};
    EXPECT_THAT((*pool)->ParallelFor(100, [&](std::size_t) { ran.fetch_add(1); }), IsOk());
    EXPECT_EQ(ran.load(), 100);
  }
}

TEST(ThreadPoolTest, NestedAndConcurrentCallsFinish) {
  auto pool = ThreadPool::Create(3);
  ASSERT_THAT(pool.status(), IsOk());
  // A body that calls ParallelFor on its own pool runs the inner loop inline.
  std::vector<int> cells(8 * 8, 0);
  ASSERT_THAT((*pool)->ParallelFor(8,
                                   [&](std::size_t i) {
                                     Status inner = (*pool)->ParallelFor(
                                         8, [&](std::size_t j) { cells[i * 8 + j] = 1; });
                                     EXPECT_THAT(inner, IsOk());
                                   }),
              IsOk());
  EXPECT_EQ(std::accumulate(cells.begin(), cells.end(), 0), 64);
  // Two threads sharing one pool take turns.
  std::atomic<int> total{0};
  auto job = [&] {
    for (int k = 0; k < 20; ++k) {
      EXPECT_THAT((*pool)->ParallelFor(50, [&](std::size_t) { total.fetch_add(1); }), IsOk());
    }
  };
  std::thread a(job), b(job);
  a.join();
  b.join();
  EXPECT_EQ(total.load(), 2 * 20 * 50);
}

TEST(ThreadPoolTest, BatchOptionsUseTheGivenPoolOrStartOne) {
  auto pool = ThreadPool::Create(2);
  ASSERT_THAT(pool.status(), IsOk());
  std::vector<int> out(10, 0);
  // With a pool, its size decides and `threads` is not consulted.
  EXPECT_THAT(ParallelFor(BatchOptions{.threads = 999, .pool = pool->get()}, out.size(),
                          [&](std::size_t i) { out[i] = static_cast<int>(i); }),
              IsOk());
  EXPECT_EQ(out[9], 9);
  EXPECT_THAT(ParallelFor(BatchOptions{.threads = 999}, 1, [](std::size_t) {}),
              StatusIs(StatusCode::kOutOfRange, ::testing::_));
}

}  // namespace
}  // namespace credence
