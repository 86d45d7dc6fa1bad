// Shared benchmark fixtures: deterministic synthetic requests.
#ifndef CREDENCE_BENCH_FIXTURES_H_
#define CREDENCE_BENCH_FIXTURES_H_

#include <cstdint>
#include <random>
#include <string>

#include "credence/v1/score.pb.h"

namespace credence::bench {

inline constexpr std::int64_t kAsOf = 1790812800;  // 2026-10-01T00:00:00Z

// A request with `n` events over two years: mostly orders, with refunds, chargebacks,
// customs inspections and the odd penalty, in USD/EUR/CNY, unsorted. Deterministic in `seed`.
inline v1::ScoreRequest SyntheticRequest(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  v1::ScoreRequest r;
  r.set_request_id("bench-" + std::to_string(seed));
  r.mutable_enterprise()->set_id("ent-" + std::to_string(seed));
  r.mutable_enterprise()->mutable_registered_at()->set_seconds(kAsOf - 2000LL * 86400);
  r.mutable_as_of()->set_seconds(kAsOf);
  const char* currencies[] = {"USD", "EUR", "CNY"};
  for (int i = 0; i < n; ++i) {
    v1::Event* e = r.add_events();
    e->set_id("e" + std::to_string(i));
    e->mutable_time()->set_seconds(kAsOf - static_cast<std::int64_t>(rng() % (730ULL * 86400)));
    const int roll = static_cast<int>(rng() % 100);
    e->set_kind(roll < 70   ? v1::EVENT_KIND_ORDER
                : roll < 80 ? v1::EVENT_KIND_REFUND
                : roll < 83 ? v1::EVENT_KIND_CHARGEBACK
                : roll < 97 ? v1::EVENT_KIND_CUSTOMS_INSPECTION
                            : v1::EVENT_KIND_ADMINISTRATIVE_PENALTY);
    if (e->kind() == v1::EVENT_KIND_CUSTOMS_INSPECTION) {
      e->set_status(rng() % 10 == 0 ? "failed" : "passed");
    } else {
      e->mutable_amount()->set_currency_code(currencies[rng() % 3]);
      e->mutable_amount()->set_minor_units(static_cast<std::int64_t>(rng() % 100000) + 100);
    }
    e->set_counterparty("buyer-" + std::to_string(rng() % 50));
    e->set_destination_country(rng() % 2 ? "US" : "DE");
  }
  return r;
}

}  // namespace credence::bench

#endif  // CREDENCE_BENCH_FIXTURES_H_
