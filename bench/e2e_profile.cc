// A fixed amount of end-to-end work for instruction-count profiles (valgrind --tool=callgrind)
// and sampling profiles (perf record), which benchmarks with adaptive iteration counts do not
// give: scores every request of the e2e pool (bench/e2e_pool.h) `rounds` times, in one mode.
//
//   e2e_profile <decoded|binary|json> [events=1000] [rounds=1]
//   valgrind --tool=callgrind --toggle-collect='credence::bench::RunRounds*'
//            bench/e2e_profile decoded 1000 1
//
//   decoded  Engine::Score on the parsed message, response not serialized
//   binary   binary request bytes -> binary response bytes
//   json     JSON request bytes -> JSON response bytes
// Prints the number of requests, the mean events and request bytes, and a checksum of the
// output sizes (so the work cannot be optimised away).
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/e2e_pool.h"

namespace credence::bench {

enum class Mode { kDecoded, kBinary, kJson };

// Kept out of line so a profiler can select exactly this work.
[[gnu::noinline]] std::size_t RunRounds(const Engine& engine, const Pool& pool, Mode mode,
                                        int rounds) {
  std::size_t checksum = 0;
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < pool.requests.size(); ++k) {
      if (mode == Mode::kDecoded) {
        auto response = engine.Score(pool.requests[k]);
        if (!response.ok()) std::abort();
        checksum += static_cast<std::size_t>(response->rule_hits_size());
        continue;
      }
      const WireFormat format = mode == Mode::kJson ? WireFormat::kJson : WireFormat::kBinary;
      const std::string_view bytes = mode == Mode::kJson ? pool.json[k] : pool.binary[k];
      auto results = engine.ScoreSerialized(
          {&bytes, 1}, {.in_format = format, .out_format = format}, {.threads = 1});
      if (!results.ok() || !(*results)[0].status.ok()) std::abort();
      checksum += (*results)[0].bytes.size();
    }
  }
  return checksum;
}

}  // namespace credence::bench

int main(int argc, char** argv) {
  using credence::bench::Mode;
  const std::string mode_name = argc > 1 ? argv[1] : "decoded";
  const int events = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 1;
  const Mode mode = mode_name == "json"     ? Mode::kJson
                    : mode_name == "binary" ? Mode::kBinary
                                            : Mode::kDecoded;
  const auto engine = credence::bench::CrossBorderEngine();
  const credence::bench::Pool& pool = credence::bench::GetPool(events);
  double json_bytes = 0, binary_bytes = 0;
  for (std::size_t k = 0; k < pool.requests.size(); ++k) {
    json_bytes += static_cast<double>(pool.json[k].size());
    binary_bytes += static_cast<double>(pool.binary[k].size());
  }
  const double n = static_cast<double>(pool.requests.size());
  // One warm-up round outside the measured function.
  (void)credence::bench::RunRounds(*engine, pool, mode, 1);
  timespec c0{}, c1{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
  const std::size_t checksum = credence::bench::RunRounds(*engine, pool, mode, rounds);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
  const double cpu_us = static_cast<double>(c1.tv_sec - c0.tv_sec) * 1e6 +
                        static_cast<double>(c1.tv_nsec - c0.tv_nsec) / 1e3;
  std::printf(
      "%s: %zu requests x %d rounds, %.1f events, %.0f JSON bytes, %.0f binary bytes per "
      "request; %.1f us thread CPU per request; checksum %zu\n",
      mode_name.c_str(), pool.requests.size(), rounds, pool.mean_events, json_bytes / n,
      binary_bytes / n, rounds > 0 ? cpu_us / (n * rounds) : 0.0, checksum);
  return 0;
}
