// File: credence/options.h
//
// Options for compiling a bundle and scoring requests. Plain aggregates: every field gives
// its default, unit and limit. Adding a field changes sizeof() and so the C++ ABI: a new
// field bumps the library's SOVERSION major (docs/api.md).
#ifndef CREDENCE_OPTIONS_H_
#define CREDENCE_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace credence {

class ThreadPool;  // credence/thread_pool.h

// The most threads any batch or stream may ask for: Engine::ScoreBatch,
// Engine::ScoreSerialized, the C API, the Python binding and every CLI --threads option.
// A larger (or negative) count is rejected with OUT_OF_RANGE naming this limit (the CLI: a
// usage error, exit status 2); it is never clamped silently.
inline constexpr int kMaxThreads = 256;

// Limits applied to every request an engine scores. Exceeding one is an OUT_OF_RANGE error
// naming the limit; nothing is truncated silently.
struct RequestLimits {
  // Events in one request. Default: 1,000,000.
  std::size_t max_events = 1'000'000;
  // Bytes of any one string field (ids, statuses, attribute names and values). Default: 4096.
  std::size_t max_string_bytes = 4096;
  // Attributes on one event or enterprise. Default: 256.
  std::size_t max_attributes = 256;
  // Bytes of a serialized request accepted by the byte-level entry points (ParseRequest,
  // the CLI). Default: 256 MiB.
  std::size_t max_request_bytes = std::size_t{256} << 20;
};

struct CompileOptions {
  // Folder that model files named in the bundle resolve against. A path that escapes it,
  // also through a symbolic link (the file's real path must lie inside the folder's real
  // path), is INVALID_ARGUMENT. Default: empty = the loaded bundle's own folder (see
  // LoadBundle), or the current directory for a bundle built in memory.
  std::string bundle_dir;
  // Features in one bundle. Default: 10,000.
  std::size_t max_features = 10'000;
  // Limits for the requests this engine will score.
  RequestLimits request_limits;
};

struct ScoreOptions {
  // Adverse reasons to return when the request does not say. Default 4 (adverse-action
  // practice); at most 64.
  int max_reason_codes = 4;
  // Include every feature value in the response even when the request does not ask.
  bool include_features = false;
};

struct BatchOptions {
  // Worker threads for a batch. 0 = std::thread::hardware_concurrency(). At most kMaxThreads;
  // outside [0, kMaxThreads] the batch fails with OUT_OF_RANGE. Results do not depend on it.
  int threads = 0;
  // When set, the batch runs on this pool (its size, not `threads`, decides the threads), so
  // a stream of batches starts its workers once. Not owned; must outlive the call.
  ThreadPool* pool = nullptr;
};

}  // namespace credence

#endif  // CREDENCE_OPTIONS_H_
