// Tree-ensemble prediction: credence's compiled ensemble vs XGBoost's own C API predictor
// on the same model (300 trees, depth 6, 61 features, binary:logistic) and the same rows.
//
//   BM_TreePredict/credence/rows:1          single-row latency (PredictMargin)
//   BM_TreePredict/credence/rows:10000      batch throughput (PredictMarginBatch)
//   BM_TreePredict/xgboost/...              XGBoosterPredictFromDense, margins, same rows
// each on 1 and 2 threads (every thread predicts the whole batch; real time). Per-row cost
// is 1 / items_per_second. XGBoost runs with nthread=1 per call so that both sides use one
// core per benchmark thread.
//
// The model comes from tests/models/gen_xgboost_fixtures.py --bench (tree_bench.cmake runs
// it at build time); override with $CREDENCE_TREE_BENCH_MODEL.
#include <benchmark/benchmark.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/tree_ensemble.h"

namespace {

enum class Impl { kCredence, kXgboost };

constexpr std::size_t kMaxRows = 10000;

std::string ModelPath() {
  if (const char* p = std::getenv("CREDENCE_TREE_BENCH_MODEL"); p != nullptr && *p) return p;
  return CREDENCE_TREE_BENCH_MODEL;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "tree_bench: %s\n", message.c_str());
  std::abort();
}

struct Fixture {
  std::unique_ptr<credence::models::TreeEnsemble> credence;
  BoosterHandle xgb = nullptr;
  std::size_t num_features = 0;
  std::vector<double> rows;  // kMaxRows x num_features, 5% NaN

  Fixture() {
    std::ifstream in(ModelPath(), std::ios::binary);
    if (!in) Die("cannot open " + ModelPath());
    std::stringstream ss;
    ss << in.rdbuf();
    auto model = credence::models::LoadXgboostJson(ss.str(), {});
    if (!model.ok()) Die(model.status().ToString());
    credence = std::make_unique<credence::models::TreeEnsemble>(std::move(model).value());
    num_features = credence->num_features();

    if (XGBoosterCreate(nullptr, 0, &xgb) != 0 ||
        XGBoosterLoadModel(xgb, ModelPath().c_str()) != 0 ||
        XGBoosterSetParam(xgb, "nthread", "1") != 0) {
      Die(std::string("XGBoost: ") + XGBGetLastError());
    }
    std::mt19937_64 rng(2024);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> unit;
    rows.resize(kMaxRows * num_features);
    for (double& v : rows) v = unit(rng) < 0.05 ? std::nan("") : normal(rng);

    // Same answers before timing anything.
    std::vector<double> ours(kMaxRows);
    credence->PredictMarginBatch(rows.data(), kMaxRows, num_features, ours.data());
    const float* theirs = PredictXgboost(rows.data(), kMaxRows);
    for (std::size_t r = 0; r < kMaxRows; ++r) {
      if (ours[r] != static_cast<double>(theirs[r])) {
        Die("margin mismatch at row " + std::to_string(r));
      }
    }
  }
  ~Fixture() { XGBoosterFree(xgb); }

  // Margins for `n` rows starting at `data`, via XGBoost's in-place dense predictor.
  const float* PredictXgboost(const double* data, std::size_t n) const {
    char iface[256];
    std::snprintf(iface, sizeof iface,
                  "{\"data\": [%llu, true], \"shape\": [%zu, %zu], \"typestr\": \"<f8\", "
                  "\"version\": 3}",
                  static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(data)), n,
                  num_features);
    static const char kConfig[] =
        "{\"type\": 1, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
        "\"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    if (XGBoosterPredictFromDense(xgb, iface, kConfig, nullptr, &shape, &dim, &out) != 0) {
      Die(std::string("XGBoost: ") + XGBGetLastError());
    }
    return out;
  }
};

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture();  // built once, before any timing
  return *fixture;
}

void BM_TreePredict(benchmark::State& state, Impl impl) {
  const Fixture& f = GetFixture();
  const auto n = static_cast<std::size_t>(state.range(0));
  // Each thread walks its own stretch of rows so threads do not share cache lines.
  const std::size_t offset = (static_cast<std::size_t>(state.thread_index()) * 997) %
                             (kMaxRows - n + 1);
  const double* data = f.rows.data() + offset * f.num_features;
  std::vector<double> out(n);
  std::size_t single = 0;
  for (auto _ : state) {
    if (impl == Impl::kCredence) {
      if (n == 1) {
        // Single-row latency: a different row each call, as a scoring service sees.
        const double* row = f.rows.data() + (single++ % kMaxRows) * f.num_features;
        benchmark::DoNotOptimize(f.credence->PredictMargin({row, f.num_features}));
      } else {
        f.credence->PredictMarginBatch(data, n, f.num_features, out.data());
        benchmark::DoNotOptimize(out.data());
      }
    } else {
      const double* row = n == 1 ? f.rows.data() + (single++ % kMaxRows) * f.num_features : data;
      benchmark::DoNotOptimize(f.PredictXgboost(row, n));
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

BENCHMARK_CAPTURE(BM_TreePredict, credence, Impl::kCredence)
    ->ArgName("rows")
    ->Arg(1)
    ->Arg(kMaxRows)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_TreePredict, xgboost, Impl::kXgboost)
    ->ArgName("rows")
    ->Arg(1)
    ->Arg(kMaxRows)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

}  // namespace
