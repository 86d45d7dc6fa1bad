// The simulator's stream mode: the histories of many simulated enterprises merged into one
// time-ordered stream of ScreenRequests (one event each), as a platform would send them to
// `credence screen`, with labelled attack scenarios injected into some enterprises:
//
//   refund_spike          25 refunds of recent orders within a day, at 2-5x the usual value
//   chargeback_burst      12 chargebacks within two days
//   counterfeit_burst     4 counterfeit-goods seizures within five days
//   dormant_new_markets   no trade for 90 days, then 20 orders to 6 destinations it never
//                         sold to (high-risk ones among them) within two days
//   listed_payout         a payout to a counterparty on the bundle's blocked list
//
// The labels (enterprise, scenario, start time, first event, event count) say where each
// attack begins; nothing in the events themselves marks them. docs/simulator.md ("Stream")
// describes the scenarios and docs/screening.md the rules meant to catch them.
//
// Deterministic: the stream is a pure function of the options; enterprise i's events and
// attack do not depend on how many enterprises there are. Thread-compatible free functions.
#ifndef CREDENCE_SIM_STREAM_H_
#define CREDENCE_SIM_STREAM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "credence/v1/screen.pb.h"
#include "sim/simulator.h"

namespace credence::sim {

enum class Attack : int {
  kNone = 0,
  kRefundSpike = 1,
  kChargebackBurst = 2,
  kCounterfeitBurst = 3,
  kDormantNewMarkets = 4,
  kListedPayout = 5,
};
inline constexpr int kAttackCount = 6;

// "none", "refund_spike", "chargeback_burst", "counterfeit_burst", "dormant_new_markets",
// "listed_payout".
std::string_view AttackName(Attack a) noexcept;

// The counterparties the cross-border bundle's blocked list holds
// (models/cross-border/lists/blocked_counterparties.txt); listed_payout pays one of them.
inline constexpr int kListedCounterparties = 40;
std::string ListedCounterparty(int i);

struct StreamOptions {
  SimOptions sim;  // seed, as_of (the stream ends there), history_days (its length)
  std::uint64_t enterprises = 100;
  // Share of enterprises attacked, in [0, 1]; each gets one scenario drawn uniformly.
  double attack_share = 0.0;
};

struct AttackLabel {
  std::string enterprise_id;
  Attack attack = Attack::kNone;
  std::int64_t start_seconds = 0;
  std::string first_event_id;
  int events = 0;
};

struct SimulatedStream {
  std::vector<v1::ScreenRequest> requests;  // in time order (ties: enterprise, then history)
  std::vector<AttackLabel> labels;          // by enterprise index
};

// Errors: INVALID_ARGUMENT for bad SimOptions, an attack share outside [0, 1] or more than
// 1,000,000 enterprises (the stream is built in memory, about 300 bytes per event).
Result<SimulatedStream> SimulateStream(const StreamOptions& options);

// "enterprise_id,attack,start,start_seconds,first_event_id,events"
inline constexpr std::string_view kAttackLabelsHeader =
    "enterprise_id,attack,start,start_seconds,first_event_id,events";
std::string AttackLabelRow(const AttackLabel& label);

}  // namespace credence::sim

#endif  // CREDENCE_SIM_STREAM_H_
