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
  // Folder that model files named in the bundle resolve against. A path that escapes it is
  // INVALID_ARGUMENT. Default: empty = the loaded bundle's own folder (see LoadBundle), or
  // the current directory for a bundle built in memory.
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
  // Worker threads for ScoreBatch. 0 = std::thread::hardware_concurrency(). At most 256.
  // Results do not depend on it.
  int threads = 0;
};

}  // namespace credence

#endif  // CREDENCE_OPTIONS_H_
