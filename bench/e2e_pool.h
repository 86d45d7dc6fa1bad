// The request pools of the end-to-end benchmarks (e2e_bench, e2e_profile): 64 simulated
// enterprises for the cross-border bundle, with histories of about 100, 1,000 or 10,000
// events, as decoded messages, JSON (protobuf's mapping, proto field names) and binary.
#ifndef CREDENCE_BENCH_E2E_POOL_H_
#define CREDENCE_BENCH_E2E_POOL_H_

#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "bench/cross_border.h"
#include "credence/engine.h"
#include "sim/simulator.h"

namespace credence::bench {

struct Pool {
  std::vector<v1::ScoreRequest> requests;
  std::vector<std::string> json, binary;
  double mean_events = 0;
};

// History shapes giving about 100, 1,000 and 10,000 events per enterprise (mixed
// archetypes; the order rate is fixed, the other flows follow from it).
inline sim::SimOptions Shape(int target) {
  sim::SimOptions o;
  o.seed = 77;
  switch (target) {
    case 100:
      o.history_days = 60;
      o.orders_per_day = 0.55;
      break;
    case 1000:
      o.history_days = 365;
      o.orders_per_day = 1.0;
      break;
    default:
      o.history_days = 730;
      o.orders_per_day = 6.8;
      break;
  }
  return o;
}

// The pool for `target` events, built on first use. Thread-safe.
inline const Pool& GetPool(int target) {
  static std::mutex mu;
  static std::map<int, Pool> pools;
  std::lock_guard<std::mutex> lock(mu);
  auto it = pools.find(target);
  if (it != pools.end()) return it->second;
  Pool& p = pools[target];
  const sim::SimOptions o = Shape(target);
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  double events = 0;
  for (std::uint64_t i = 0; i < 64; ++i) {
    sim::SimulatedEnterprise e = sim::SimulateEnterprise(o, i);
    events += e.request.events_size();
    std::string j, b;
    if (!google::protobuf::util::MessageToJsonString(e.request, &j, json).ok()) std::abort();
    if (!e.request.SerializeToString(&b)) std::abort();
    p.json.push_back(std::move(j));
    p.binary.push_back(std::move(b));
    p.requests.push_back(std::move(e.request));
  }
  p.mean_events = events / 64.0;
  return p;
}

}  // namespace credence::bench

#endif  // CREDENCE_BENCH_E2E_POOL_H_
