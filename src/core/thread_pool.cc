// The persistent worker pool behind credence::ParallelFor (credence/thread_pool.h).
//
// Each ParallelFor is one "job": the caller publishes the body and the index count under the
// mutex, bumps the generation and wakes the workers; every participant (workers and caller)
// takes indices from one atomic counter until it passes n; the caller waits until every
// worker has left the job before returning, so the body never outlives the call.
#include "credence/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace credence {
namespace {

// The pool whose body the current thread is running, to run nested calls inline.
thread_local const void* current_pool = nullptr;

Status StatusFromException(std::exception_ptr e) {
  try {
    std::rethrow_exception(std::move(e));
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory in a parallel task");
  } catch (const std::exception& ex) {
    return InternalError(std::string("unexpected exception in a parallel task: ") + ex.what());
  } catch (...) {
    return InternalError("unexpected exception in a parallel task");
  }
}

}  // namespace

Result<int> ResolveThreads(int requested) {
  if (requested < 0 || requested > kMaxThreads) {
    return OutOfRangeError("threads must be in [0, " + std::to_string(kMaxThreads) +
                           "] (0 = all cores), not " + std::to_string(requested));
  }
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp<unsigned>(cores, 1, kMaxThreads));
}

struct ThreadPool::Impl {
  std::mutex run_mu;  // one job at a time
  std::mutex mu;
  std::condition_variable wake;  // workers: a new job or stop
  std::condition_variable done;  // caller: the last worker left the job
  std::uint64_t generation = 0;  // guarded by mu
  bool stop = false;             // guarded by mu
  int busy = 0;                  // workers still in the current job; guarded by mu
  const std::function<void(std::size_t)>* body = nullptr;
  std::size_t n = 0;
  std::atomic<std::size_t> next{0};
  std::mutex error_mu;
  Status error;  // the first exception of the current job; guarded by error_mu
  std::vector<std::thread> workers;

  // Runs indices of the current job until none is left.
  void Work() {
    const void* outer = current_pool;
    current_pool = this;
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      try {
        (*body)(i);
      } catch (...) {
        Status s = StatusFromException(std::current_exception());
        next.store(n);  // skip what has not started
        std::lock_guard<std::mutex> lock(error_mu);
        if (error.ok()) error = std::move(s);
      }
    }
    current_pool = outer;
  }

  void WorkerLoop() {
    std::uint64_t seen = 0;
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
      }
      Work();
      std::lock_guard<std::mutex> lock(mu);
      if (--busy == 0) done.notify_one();
    }
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    wake.notify_all();
    for (std::thread& t : workers) t.join();
    workers.clear();
  }
};

ThreadPool::ThreadPool(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ThreadPool::~ThreadPool() { impl_->Stop(); }

int ThreadPool::size() const noexcept { return static_cast<int>(impl_->workers.size()) + 1; }

Result<std::unique_ptr<ThreadPool>> ThreadPool::Create(int threads) {
  CREDENCE_ASSIGN_OR_RETURN(const int size, ResolveThreads(threads));
  auto impl = std::make_unique<Impl>();
  Impl* raw = impl.get();
  std::unique_ptr<ThreadPool> pool(new ThreadPool(std::move(impl)));
  try {
    raw->workers.reserve(static_cast<std::size_t>(size) - 1);
    for (int t = 1; t < size; ++t) raw->workers.emplace_back([raw] { raw->WorkerLoop(); });
  } catch (const std::system_error& e) {
    return Status(StatusCode::kResourceExhausted,
                  std::string("cannot start a worker thread: ") + e.what());
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, "out of memory starting worker threads");
  }
  return pool;
}

Status ThreadPool::ParallelFor(std::size_t n, const std::function<void(std::size_t)>& body) {
  Impl& p = *impl_;
  if (n == 0) return OkStatus();
  if (p.workers.empty() || n == 1 || current_pool == &p) {
    // Serial: one thread, one index, or a nested call from one of this pool's bodies.
    for (std::size_t i = 0; i < n; ++i) {
      try {
        body(i);
      } catch (...) {
        return StatusFromException(std::current_exception());
      }
    }
    return OkStatus();
  }
  std::lock_guard<std::mutex> run(p.run_mu);
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.body = &body;
    p.n = n;
    p.next.store(0);
    p.error = OkStatus();
    p.busy = static_cast<int>(p.workers.size());
    ++p.generation;
  }
  p.wake.notify_all();
  p.Work();
  std::unique_lock<std::mutex> lock(p.mu);
  p.done.wait(lock, [&] { return p.busy == 0; });
  p.body = nullptr;
  std::lock_guard<std::mutex> error_lock(p.error_mu);
  return std::exchange(p.error, OkStatus());
}

Status ParallelFor(int threads, std::size_t n, const std::function<void(std::size_t)>& body) {
  CREDENCE_ASSIGN_OR_RETURN(const int resolved, ResolveThreads(threads));
  const int size = static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(resolved), std::max<std::size_t>(n, 1)));
  CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<ThreadPool> pool, ThreadPool::Create(size));
  return pool->ParallelFor(n, body);
}

Status ParallelFor(const BatchOptions& batch, std::size_t n,
                   const std::function<void(std::size_t)>& body) {
  if (batch.pool != nullptr) return batch.pool->ParallelFor(n, body);
  return ParallelFor(batch.threads, n, body);
}

}  // namespace credence
