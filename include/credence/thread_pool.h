// File: credence/thread_pool.h
//
// The one parallel-for every batch and stream in credence runs on, and the one thread limit.
// Engine::ScoreBatch, Engine::ScoreSerialized, the C API, the Python binding and the CLI all
// resolve a requested thread count with ResolveThreads and run their work through
// ParallelFor or a ThreadPool, so a thread count means the same thing everywhere.
//
// **Example**:
//
//   // One pool for a whole stream: workers start once, not once per window.
//   auto pool = credence::ThreadPool::Create(/*threads=*/0);  // 0 = all cores
//   if (!pool.ok()) return pool.status();                    // OUT_OF_RANGE above kMaxThreads
//   std::vector<double> out(n);
//   credence::Status s = (*pool)->ParallelFor(n, [&](std::size_t i) { out[i] = f(i); });
//
// Results are placed by index, so they do not depend on the thread count. A body that throws
// never takes the process down: ParallelFor catches the exception on the thread that ran the
// body, stops handing out further indices and returns it as a Status (RESOURCE_EXHAUSTED for
// std::bad_alloc, INTERNAL otherwise).
#ifndef CREDENCE_THREAD_POOL_H_
#define CREDENCE_THREAD_POOL_H_

#include <cstddef>
#include <functional>
#include <memory>

#include "credence/export.h"
#include "credence/options.h"
#include "credence/result.h"
#include "credence/status.h"

namespace credence {

// The number of threads `requested` stands for: itself when in [1, kMaxThreads], all cores
// (std::thread::hardware_concurrency(), at least 1, at most kMaxThreads) for 0.
// Errors: OUT_OF_RANGE naming the limit for a negative count or one above kMaxThreads.
CREDENCE_EXPORT Result<int> ResolveThreads(int requested);

// A fixed set of worker threads, started once and reused by every ParallelFor until the pool
// is destroyed. Thread-safe: any thread may call ParallelFor; calls from different threads
// run one after another. A ParallelFor called from inside a body running on the same pool
// runs serially on the calling thread (no deadlock).
class CREDENCE_EXPORT ThreadPool {
 public:
  // A pool of ResolveThreads(threads) threads; the thread calling ParallelFor is one of
  // them, so a pool of 1 starts no thread. Errors: OUT_OF_RANGE (see ResolveThreads),
  // RESOURCE_EXHAUSTED when the system cannot start a thread.
  static Result<std::unique_ptr<ThreadPool>> Create(int threads);

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();  // joins the workers; REQUIRES: no ParallelFor running

  // Threads that run a ParallelFor, the caller included.
  int size() const noexcept;

  // Calls body(i) once for every i in [0, n), on up to size() threads, and returns when all
  // calls have returned. OK, or the first exception a body threw as a Status (see the file
  // comment); after one, the indices not yet started are skipped.
  Status ParallelFor(std::size_t n, const std::function<void(std::size_t)>& body);

 private:
  struct Impl;
  explicit ThreadPool(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One-shot: ParallelFor on a pool of min(ResolveThreads(threads), n) threads, started for
// this call. Errors: those of ThreadPool::Create and ThreadPool::ParallelFor.
CREDENCE_EXPORT Status ParallelFor(int threads, std::size_t n,
                                   const std::function<void(std::size_t)>& body);

// ParallelFor on `batch.pool` when set, else the one-shot ParallelFor on `batch.threads`.
CREDENCE_EXPORT Status ParallelFor(const BatchOptions& batch, std::size_t n,
                                   const std::function<void(std::size_t)>& body);

}  // namespace credence

#endif  // CREDENCE_THREAD_POOL_H_
