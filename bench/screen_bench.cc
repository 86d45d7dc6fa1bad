// Screening measurements (docs/screening.md, "Measurements"), all with the cross-border
// bundle:
//
//   BM_Screen/credence/history:N   per-event Engine::Screen latency (p50, p99, max as
//                                  counters) on an enterprise with N events of history,
//                                  screening the next events as they come
//   BM_Screen/protobuf/history:N   the alternative: recomputing the whole history through
//                                  Score for one event (time per event)
//   BM_ScreenStore/threads:T       Screener::ScreenStream + RocksDB (WAL synced per commit)
//                                  over a simulated stream of pre-serialized binary records,
//                                  as `credence screen` runs it: events/s
//   BM_ScreenStoreWindowByWindow/threads:T   the same through ScreenSerialized, each window's
//                                  commit waited for before the next is screened
//   BM_ScreenStateBytes            serialized state bytes per enterprise after a simulated
//                                  population (median, p99, max)
//   BM_ScreenDetection             detection of the simulator's attack scenarios and alerts
//                                  on enterprises without an attack (a table on stderr)
//
// N = 1,000,000 takes minutes and gigabytes to set up; it runs only with
// CREDENCE_BENCH_LARGE=1 in the environment.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <unordered_map>

#include "bench/cross_border.h"
#include "credence/screener.h"
#include "credence/thread_pool.h"
#include "expr/program.h"
#include "sim/simulator.h"
#include "sim/stream.h"

namespace credence::bench {
namespace {

bool Before(const v1::Event& a, const v1::Event& b) {
  return std::pair(a.time().seconds(), a.time().nanos()) <
         std::pair(b.time().seconds(), b.time().nanos());
}

// One enterprise with about `n` events of history (the simulator at a daily order rate that
// gives n events over two years), and the next events to screen: its last 30 days replayed
// 30 days later (new ids; references into the replayed days follow them).
struct Setup {
  v1::ScoreRequest history;
  std::vector<v1::ScreenRequest> next;
};

Setup MakeSetup(int n) {
  sim::SimOptions o;
  o.force_archetype = true;  // a steady exporter: the rate sets the size
  o.orders_per_day = std::max(0.05, n / (730.0 * 1.6));
  Setup s;
  s.history = sim::SimulateEnterprise(o, 7).request;
  // One correction of the rate for the events each order brings in this enterprise.
  o.orders_per_day *= static_cast<double>(n) / std::max(1, s.history.events_size());
  s.history = sim::SimulateEnterprise(o, 7).request;
  auto* events = s.history.mutable_events();
  std::stable_sort(events->begin(), events->end(), Before);
  const std::int64_t last = events->empty() ? o.as_of_seconds : events->rbegin()->time().seconds();
  *s.history.mutable_as_of() = events->rbegin()->time();
  constexpr std::int64_t kShift = 30 * 86400;
  std::unordered_map<std::string, std::string> renamed;
  for (const v1::Event& e : *events) {
    if (e.time().seconds() <= last - kShift) continue;
    v1::ScreenRequest& r = s.next.emplace_back();
    r.set_request_id(e.id() + "-r");
    *r.mutable_enterprise() = s.history.enterprise();
    *r.mutable_fx_rates() = s.history.fx_rates();
    *r.mutable_event() = e;
    r.mutable_event()->set_id(e.id() + "-r");
    r.mutable_event()->mutable_time()->set_seconds(e.time().seconds() + kShift);
    renamed[e.id()] = e.id() + "-r";
  }
  for (v1::ScreenRequest& r : s.next) {
    auto it = renamed.find(r.event().reference_id());
    if (it != renamed.end()) r.mutable_event()->set_reference_id(it->second);
  }
  return s;
}

const Setup& SetupFor(int n) {
  static std::map<int, Setup> setups;
  auto it = setups.find(n);
  if (it == setups.end()) it = setups.emplace(n, MakeSetup(n)).first;
  return it->second;
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

// Per-event Screen latency: each iteration screens every next event on a copy of the state.
void BM_ScreenLatency(benchmark::State& state) {
  const auto engine = CrossBorderEngine();
  const Setup& s = SetupFor(static_cast<int>(state.range(0)));
  const std::string seeded = engine->BuildState(s.history).value().Serialize();
  std::vector<double> us, wall_us, first_us;
  for (auto _ : state) {
    EnterpriseState st = engine->LoadState(seeded).value();
    double total = 0;
    for (const v1::ScreenRequest& r : s.next) {
      const bool first = &r == &s.next.front();
      const double c0 = ThreadCpuSeconds();
      const auto t0 = std::chrono::steady_clock::now();
      auto response = engine->Screen(r, st);
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double cpu = ThreadCpuSeconds() - c0;
      benchmark::DoNotOptimize(response);
      // The first event after loading the state is counted apart: it validates the
      // enterprise, builds the request's FX table and moves the clock 30 days (the replay's
      // gap), expiring a month of events at once.
      (first ? first_us : us).push_back(cpu * 1e6);
      if (!first) wall_us.push_back(wall * 1e6);
      total += cpu;
    }
    state.SetIterationTime(total / static_cast<double>(s.next.size()));
  }
  // CPU time of the calling thread per event (what an idle machine would show); wall time
  // too, which on a loaded machine includes waiting for a core.
  state.counters["history_events"] = static_cast<double>(s.history.events_size());
  state.counters["state_bytes"] = static_cast<double>(seeded.size());
  state.counters["screened"] = static_cast<double>(us.size());
  state.counters["p50_us"] = Percentile(us, 0.5);
  state.counters["p99_us"] = Percentile(us, 0.99);
  state.counters["max_us"] = Percentile(us, 1.0);
  state.counters["first_event_us"] = Percentile(first_us, 0.5);
  state.counters["wall_p50_us"] = Percentile(wall_us, 0.5);
  state.counters["wall_p99_us"] = Percentile(wall_us, 0.99);
}

// The alternative: Score over the whole history with the event (ingest and features of every
// event each time).
void BM_ScoreRecompute(benchmark::State& state) {
  const auto engine = CrossBorderEngine();
  const Setup& s = SetupFor(static_cast<int>(state.range(0)));
  v1::ScoreRequest r = s.history;
  *r.add_events() = s.next.front().event();
  *r.mutable_as_of() = s.next.front().event().time();
  for (auto _ : state) {
    auto response = engine->Score(r);
    benchmark::DoNotOptimize(response);
  }
  state.counters["history_events"] = static_cast<double>(s.history.events_size());
}

void HistorySizes(benchmark::internal::Benchmark* b) {
  b->Arg(1'000)->Arg(100'000);
  const char* large = std::getenv("CREDENCE_BENCH_LARGE");
  if (large != nullptr && std::string(large) == "1") b->Arg(1'000'000);
  b->ArgName("history");
}

BENCHMARK(BM_ScreenLatency)
    ->Name("BM_Screen/credence")
    ->Apply(HistorySizes)
    ->UseManualTime()
    ->Iterations(3)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScoreRecompute)
    ->Name("BM_Screen/protobuf")
    ->Apply(HistorySizes)
    ->Iterations(3)
    ->Unit(benchmark::kMicrosecond);

// A simulated stream, serialized once.
struct Stream {
  sim::SimulatedStream stream;
  std::vector<std::string> records;  // binary ScreenRequests
};

const Stream& StreamOf(std::uint64_t enterprises, int days, double attacks) {
  static std::map<std::tuple<std::uint64_t, int, double>, Stream> cache;
  auto key = std::tuple(enterprises, days, attacks);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Stream s;
  sim::StreamOptions o;
  o.enterprises = enterprises;
  o.sim.history_days = days;
  o.attack_share = attacks;
  s.stream = sim::SimulateStream(o).value();
  for (const v1::ScreenRequest& r : s.stream.requests) s.records.push_back(r.SerializeAsString());
  return cache.emplace(key, std::move(s)).first->second;
}

// Runs `records` through a Screener in windows of 16,384 on `pool`; the store is left open
// in `store`.
// Replays `records` in windows of 16,384 (the CLI's default) through Screener::ScreenStream,
// as `credence screen` does (a window's commit overlaps the next window's screening); or,
// when `pipelined` is false, window by window through ScreenSerialized.
void Replay(Screener& screener, const std::vector<std::string>& records, ThreadPool& pool,
            bool pipelined = true) {
  constexpr std::size_t kWindow = 16'384;
  const SerializedOptions options{.in_format = WireFormat::kBinary,
                                  .out_format = WireFormat::kBinary};
  std::size_t at = 0;
  auto next = [&](std::vector<std::string_view>& views) -> Result<bool> {
    const std::size_t end = std::min(records.size(), at + kWindow);
    for (; at < end; ++at) views.push_back(records[at]);
    return !views.empty();
  };
  if (pipelined) {
    auto emit = [](std::vector<SerializedResult> out) {
      benchmark::DoNotOptimize(out);
      return OkStatus();
    };
    if (!screener.ScreenStream(next, emit, options, {.pool = &pool}).ok()) std::abort();
    return;
  }
  std::vector<std::string_view> views;
  while (next(views).value()) {
    auto out = screener.ScreenSerialized(views, options, {.pool = &pool});
    benchmark::DoNotOptimize(out);
    views.clear();
  }
}

std::string TempStore(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("credence_screen_bench_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

// CPU seconds of the whole process (every thread, user and system).
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void BM_ScreenStoreThroughput(benchmark::State& state, bool pipelined) {
  const Stream& s = StreamOf(300, 365, 0.05);
  auto pool = ThreadPool::Create(static_cast<int>(state.range(0))).value();
  std::int64_t events = 0;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    const std::string dir = TempStore("throughput");
    {
      Screener screener(CrossBorderEngine(), OpenRocksDbStateStore(dir, {.sync = true}).value());
      Replay(screener, s.records, *pool, pipelined);
    }
    std::filesystem::remove_all(dir);
    events += static_cast<std::int64_t>(s.records.size());
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(s.records.size());
  // CPU per event over all threads: what the throughput on an idle machine follows (a loaded
  // machine changes the wall time, much less this).
  state.counters["cpu_us_per_event"] =
      1e6 * (ProcessCpuSeconds() - cpu0) / static_cast<double>(std::max<std::int64_t>(1, events));
}
BENCHMARK_CAPTURE(BM_ScreenStoreThroughput, pipelined, true)
    ->Name("BM_ScreenStore")
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The same, window by window (each commit waited for before the next window is screened).
BENCHMARK_CAPTURE(BM_ScreenStoreThroughput, window_by_window, false)
    ->Name("BM_ScreenStoreWindowByWindow")
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ScreenStateBytes(benchmark::State& state) {
  const Stream& s = StreamOf(500, 730, 0.0);
  auto pool = ThreadPool::Create(0).value();
  std::vector<double> sizes;
  for (auto _ : state) {
    auto store = NewInMemoryStateStore();
    Screener screener(CrossBorderEngine(), store);
    Replay(screener, s.records, *pool);
    sizes.clear();
    (void)store->ForEachEnterprise([&](std::string_view id) {
      sizes.push_back(static_cast<double>(store->LoadState(id).value()->size()));
      return true;
    });
  }
  state.counters["enterprises"] = static_cast<double>(sizes.size());
  state.counters["median_bytes"] = Percentile(sizes, 0.5);
  state.counters["p99_bytes"] = Percentile(sizes, 0.99);
  state.counters["max_bytes"] = Percentile(sizes, 1.0);
  state.counters["events"] = static_cast<double>(s.records.size());
}
BENCHMARK(BM_ScreenStateBytes)->Iterations(1)->Unit(benchmark::kMillisecond);

// Detection: for each attacked enterprise, whether an event from the attack's first event
// on was sent to review or blocked within the attack (60 events), and after how many of its
// events; for enterprises without an attack, the share flagged at least once and the share of
// their events flagged, by archetype.
void BM_ScreenDetection(benchmark::State& state) {
  const Stream& s = StreamOf(600, 365, 0.25);
  auto pool = ThreadPool::Create(0).value();
  std::vector<Result<v1::ScreenResponse>> responses;
  for (auto _ : state) {
    Screener screener(CrossBorderEngine(), NewInMemoryStateStore());
    responses.clear();
    constexpr std::size_t kWindow = 16'384;
    for (std::size_t at = 0; at < s.stream.requests.size(); at += kWindow) {
      const std::size_t n = std::min(kWindow, s.stream.requests.size() - at);
      auto out =
          screener.ScreenBatch(std::span(s.stream.requests.data() + at, n), {.pool = pool.get()});
      for (auto& r : out.value()) responses.push_back(std::move(r));
    }
  }
  // Per enterprise, its responses in order.
  std::unordered_map<std::string, std::vector<const v1::ScreenResponse*>> by_enterprise;
  for (const auto& r : responses) {
    if (r.ok()) by_enterprise[r->enterprise_id()].push_back(&*r);
  }
  std::map<std::string, std::array<double, 3>> attack;  // attacks, detected, Σ delay
  std::map<std::string, std::array<double, 4>> clean;   // enterprises, flagged, events, flagged
  std::map<std::string, int> rules_on_clean;            // what flagged them
  for (std::uint64_t i = 0; i < s.stream.labels.size(); ++i) {
    const sim::AttackLabel& label = s.stream.labels[i];
    const auto& rs = by_enterprise[label.enterprise_id];
    auto flagged = [](const v1::ScreenResponse* r) {
      return r->outcome() == v1::SCREEN_OUTCOME_REVIEW || r->outcome() == v1::SCREEN_OUTCOME_BLOCK;
    };
    if (label.attack == sim::Attack::kNone) {
      sim::SimOptions o;
      o.history_days = 365;
      const std::string archetype(sim::ArchetypeName(sim::SimulateEnterprise(o, i).archetype));
      auto& c = clean[archetype];
      c[0] += 1;
      const auto n = std::count_if(rs.begin(), rs.end(), flagged);
      for (const v1::ScreenResponse* r : rs) {
        if (flagged(r)) ++rules_on_clean[r->decided_by()];
      }
      c[1] += n > 0 ? 1 : 0;
      c[2] += static_cast<double>(rs.size());
      c[3] += static_cast<double>(n);
      continue;
    }
    auto& a = attack[std::string(sim::AttackName(label.attack))];
    a[0] += 1;
    auto first = std::find_if(rs.begin(), rs.end(), [&](const v1::ScreenResponse* r) {
      return r->event_id() == label.first_event_id;
    });
    for (auto it = first; it != rs.end() && it - first < 60; ++it) {
      if (flagged(*it)) {
        a[1] += 1;
        a[2] += static_cast<double>(it - first);
        break;
      }
    }
  }
  std::cerr << "\nscenario               attacks  detected  mean events to first flag\n";
  for (const auto& [name, a] : attack) {
    std::cerr << "  " << name << std::string(21 - name.size(), ' ') << a[0] << "  " << a[1] << " ("
              << 100 * a[1] / a[0] << "%)  " << (a[1] > 0 ? a[2] / a[1] : 0) << "\n";
    state.counters["detected_" + name] = a[1] / a[0];
    state.counters["delay_" + name] = a[1] > 0 ? a[2] / a[1] : 0;
  }
  std::cerr << "no attack, by archetype: enterprises  flagged  events  flagged events\n";
  double enterprises = 0, flagged = 0, events = 0, flagged_events = 0;
  for (const auto& [name, c] : clean) {
    std::cerr << "  " << name << "  " << c[0] << "  " << c[1] << " (" << 100 * c[1] / c[0] << "%)  "
              << c[2] << "  " << c[3] << " (" << 100 * c[3] / c[2] << "%)\n";
    enterprises += c[0];
    flagged += c[1];
    events += c[2];
    flagged_events += c[3];
  }
  std::cerr << "what flagged enterprises without an attack:";
  for (const auto& [rule, n] : rules_on_clean) std::cerr << " " << rule << "=" << n;
  std::cerr << "\n";
  state.counters["clean_enterprises_flagged"] = flagged / enterprises;
  state.counters["clean_events_flagged"] = flagged_events / events;
}
BENCHMARK(BM_ScreenDetection)->Iterations(1)->Unit(benchmark::kMillisecond);

// Named lists: `x in lists.name` over a list of a million values (the limit), through the
// hash index the engine builds for named lists against the scan of a plain list.
void ListMembership(benchmark::State& state, bool indexed) {
  expr::ListValue items;
  for (int i = 0; i < 1'000'000; ++i)
    items.push_back(expr::Value::String("cp-" + std::to_string(i)));
  const expr::Value list = indexed ? expr::Value::IndexedStringList(std::move(items))
                                   : expr::Value::List(std::move(items));
  expr::Environment env;
  (void)env.Declare("x", expr::Type::String());
  (void)env.Declare("l", expr::Type::List(expr::Type::String()));
  const auto program = expr::Compile("x in l", env).value();
  expr::Activation a;
  a.Bind("l", list);
  int k = 0;
  for (auto _ : state) {
    a.Bind("x", expr::Value::String("cp-" + std::to_string((k++ * 7919) % 2'000'000)));
    benchmark::DoNotOptimize(program->Evaluate(a));
  }
}
void BM_ScreenListIndexed(benchmark::State& state) { ListMembership(state, true); }
void BM_ScreenListScan(benchmark::State& state) { ListMembership(state, false); }
BENCHMARK(BM_ScreenListIndexed)->Name("BM_ScreenList/credence")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScreenListScan)->Name("BM_ScreenList/naive")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace credence::bench
