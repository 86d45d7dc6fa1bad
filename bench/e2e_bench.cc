// End-to-end scoring of simulated enterprises with the cross-border bundle (112 features,
// 64 rules, a logistic credit model, the decision table, reason codes): ingest, features,
// rules, models, decision, explanations. BM_E2E_ScoreOnly starts from the parsed message;
// BM_E2E_Json and BM_E2E_Binary go from request bytes to response bytes through
// Engine::ScoreSerialized (the request readers); BM_E2E_ParseScore_* decode with
// ParseRequest, then call Engine::Score. For histories of about 100, 1,000 and 10,000 events it
// reports the median and 99th percentile per request (counters p50_us, p99_us, over a pool of 64
// different simulated enterprises cycled through), and requests/s on 1 and 2 threads.
#include <benchmark/benchmark.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bench/e2e_pool.h"
#include "credence/engine.h"

namespace credence::bench {
namespace {

// kJson, kBinary: request bytes -> response bytes through Engine::ScoreSerialized (the
// library's byte path, which the CLI, C API and Python batch calls use; one record per
// call). kParseJson, kParseBinary: ParseRequest, then Engine::Score on the message (the
// message path; what BM_E2E_Json/Binary measured before the request readers).
enum class Input { kDecoded, kJson, kBinary, kParseJson, kParseBinary };

double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// One request per iteration, timed individually for the percentiles.
void EndToEnd(benchmark::State& state, Input input) {
  const auto engine = CrossBorderEngine();
  const Pool& pool = GetPool(static_cast<int>(state.range(0)));
  std::vector<double> us, cpu_us;
  us.reserve(1 << 16);
  cpu_us.reserve(1 << 16);
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 17;
  const bool percentiles = state.threads() == 1;
  for (auto _ : state) {
    const std::size_t k = i++ % pool.requests.size();
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuMicros();
    if (input == Input::kDecoded) {
      auto r = engine->Score(pool.requests[k]);
      benchmark::DoNotOptimize(r);
    } else if (input == Input::kJson || input == Input::kBinary) {
      const WireFormat format = input == Input::kJson ? WireFormat::kJson : WireFormat::kBinary;
      const std::string_view bytes = input == Input::kJson ? pool.json[k] : pool.binary[k];
      auto r = engine->ScoreSerialized({&bytes, 1}, {.in_format = format, .out_format = format},
                                       {.threads = 1});
      if (!r.ok() || !(*r)[0].status.ok()) state.SkipWithError("scoring failed");
      benchmark::DoNotOptimize(r);
    } else {
      auto req = input == Input::kParseJson ? ParseRequest(pool.json[k], WireFormat::kJson)
                                            : ParseRequest(pool.binary[k], WireFormat::kBinary);
      if (!req.ok()) state.SkipWithError("decode failed");
      auto r = engine->Score(*req);
      benchmark::DoNotOptimize(r);
    }
    if (percentiles) {
      cpu_us.push_back(ThreadCpuMicros() - c0);
      us.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["events"] = pool.mean_events;
  if (percentiles && !us.empty()) {
    // Wall-clock and thread-CPU percentiles: on a shared machine the wall clock includes
    // time the thread waited for a core; the CPU time is the work itself.
    std::sort(us.begin(), us.end());
    std::sort(cpu_us.begin(), cpu_us.end());
    const std::size_t p99 = std::min(us.size() - 1, us.size() * 99 / 100);
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[p99];
    state.counters["p50_cpu_us"] = cpu_us[cpu_us.size() / 2];
    state.counters["p99_cpu_us"] = cpu_us[p99];
  }
}

void BM_E2E_Json(benchmark::State& state) { EndToEnd(state, Input::kJson); }
void BM_E2E_Binary(benchmark::State& state) { EndToEnd(state, Input::kBinary); }
void BM_E2E_ScoreOnly(benchmark::State& state) { EndToEnd(state, Input::kDecoded); }
void BM_E2E_ParseScore_Json(benchmark::State& state) { EndToEnd(state, Input::kParseJson); }
void BM_E2E_ParseScore_Binary(benchmark::State& state) { EndToEnd(state, Input::kParseBinary); }

BENCHMARK(BM_E2E_Json)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->ArgName("events")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_E2E_Binary)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->ArgName("events")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_E2E_ScoreOnly)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->ArgName("events")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_E2E_ParseScore_Json)->Arg(1000)->ArgName("events")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_E2E_ParseScore_Binary)->Arg(1000)->ArgName("events")->Unit(benchmark::kMicrosecond);
// Requests/s with one engine shared by 1 and 2 threads (binary input).
BENCHMARK(BM_E2E_Binary)
    ->Arg(1000)
    ->ArgName("events")
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace credence::bench
