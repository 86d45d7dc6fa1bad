// The history simulator's speed: simulated events per second, generation alone and with
// the encodings `credence simulate` writes (protobuf JSON, length-delimited binary).
#include <benchmark/benchmark.h>
#include <google/protobuf/util/json_util.h>

#include <cstdint>
#include <string>

#include "sim/simulator.h"

namespace credence::bench {
namespace {

enum class Encoding { kNone, kJson, kBinary };

void Simulate(benchmark::State& state, Encoding encoding) {
  sim::SimOptions options;
  options.seed = 1;
  std::uint64_t index = static_cast<std::uint64_t>(state.thread_index()) << 32;
  std::int64_t events = 0;
  std::string bytes;
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  for (auto _ : state) {
    sim::SimulatedEnterprise e = sim::SimulateEnterprise(options, index++);
    events += e.request.events_size();
    bytes.clear();
    if (encoding == Encoding::kJson) {
      (void)google::protobuf::util::MessageToJsonString(e.request, &bytes, json);
    } else if (encoding == Encoding::kBinary) {
      (void)e.request.SerializeToString(&bytes);
    }
    benchmark::DoNotOptimize(bytes);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events/enterprise"] =
      benchmark::Counter(static_cast<double>(events) / static_cast<double>(state.iterations()));
}

void BM_SimulateEnterprise(benchmark::State& state) { Simulate(state, Encoding::kNone); }
void BM_SimulateJson(benchmark::State& state) { Simulate(state, Encoding::kJson); }
void BM_SimulateBinary(benchmark::State& state) { Simulate(state, Encoding::kBinary); }
BENCHMARK(BM_SimulateEnterprise)->ThreadRange(1, 2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimulateJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimulateBinary)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace credence::bench
