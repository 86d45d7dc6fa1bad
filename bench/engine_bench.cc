// End-to-end scoring with the starter bundle: ingest → features → model → decision →
// reasons → audit, per request, for histories of 100, 1,000 and 10,000 events; the same on
// several threads sharing one Engine; and the cost of decoding the request from protobuf
// (binary and JSON) for scale.
#include <benchmark/benchmark.h>
#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <memory>

#include "bench/cross_border.h"
#include "bench/fixtures.h"
#include "credence/engine.h"

namespace credence::bench {
namespace {

std::shared_ptr<const Engine> StarterEngine() {
  static const std::shared_ptr<const Engine> engine = CompileModelOrAbort("starter");
  return engine;
}

void BM_Score(benchmark::State& state) {
  const auto engine = StarterEngine();
  const v1::ScoreRequest request = SyntheticRequest(static_cast<int>(state.range(0)), 1);
  for (auto _ : state) {
    auto response = engine->Score(request);
    benchmark::DoNotOptimize(response);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["events/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Score)->Arg(100)->Arg(1000)->Arg(10000)->ArgName("events")->Unit(
    benchmark::kMicrosecond);

void BM_ScoreThreads(benchmark::State& state) {
  const auto engine = StarterEngine();
  const v1::ScoreRequest request =
      SyntheticRequest(1000, 2 + static_cast<std::uint64_t>(state.thread_index()));
  for (auto _ : state) {
    auto response = engine->Score(request);
    benchmark::DoNotOptimize(response);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScoreThreads)->ThreadRange(1, 2)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_DecodeRequest(benchmark::State& state) {
  const v1::ScoreRequest request = SyntheticRequest(1000, 3);
  const bool json = state.range(0) == 1;
  std::string bytes;
  if (json) {
    (void)google::protobuf::util::MessageToJsonString(request, &bytes);
  } else {
    bytes = request.SerializeAsString();
  }
  for (auto _ : state) {
    auto parsed = ParseRequest(bytes, json ? WireFormat::kJson : WireFormat::kBinary);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetLabel(json ? "json, 1000 events" : "binary, 1000 events");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeRequest)->Arg(0)->Arg(1)->ArgName("json")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace credence::bench
