// File: credence/enterprise_state.h
//
// One enterprise's screening state: every feature of a bundle kept up to date one event at a
// time (Engine::Screen), serializable as a credence.v1.EnterpriseState message.
//
// **Example**:
//
//   credence::EnterpriseState state;                     // empty: no event yet
//   auto response = engine->Screen(request, state);      // applies the event, decides it
//   std::string bytes = state.Serialize();               // store it
//   auto again = engine->LoadState(bytes);               // later, or in another process
//
// A state holds the events its longest window needs (docs/screening.md, "State"), not the
// whole history. It is bound to the feature definitions it was built with (a fingerprint of
// the bundle's features, base currency and allowed lateness): an engine whose features are
// the same (another version of the rules, say) keeps using it; another one refuses it.
//
// Thread-compatible: one thread at a time per state; distinct states are independent.
// Move-only.
#ifndef CREDENCE_ENTERPRISE_STATE_H_
#define CREDENCE_ENTERPRISE_STATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "credence/export.h"
#include "credence/v1/screen.pb.h"

namespace credence {

namespace internal {
struct EnterpriseStateAccess;  // the engine's access to the inside
}  // namespace internal

class CREDENCE_EXPORT EnterpriseState {
 public:
  EnterpriseState();
  EnterpriseState(EnterpriseState&&) noexcept;
  EnterpriseState& operator=(EnterpriseState&&) noexcept;
  ~EnterpriseState();

  // True until the first event (or BuildState's history) is applied.
  bool empty() const;
  // The enterprise it belongs to ("" while empty).
  const std::string& enterprise_id() const;
  // Events held (within the retention horizon, or needed by a window).
  std::size_t retained_events() const;
  // Whether an event with this id is held: screening it again would be a duplicate.
  bool Contains(std::string_view event_id) const;
  // Ids of events the state let go since the last call; a decision log keyed by event id
  // may forget them (they can no longer be recognised as duplicates).
  std::vector<std::string> TakeReleasedEventIds();

  // The state as a message, and as its deterministic binary encoding.
  v1::EnterpriseState ToProto() const;
  std::string Serialize() const;

  struct Impl;  // defined inside the library (src/engine/screening.h)

 private:
  friend struct internal::EnterpriseStateAccess;
  std::unique_ptr<Impl> impl_;
};

}  // namespace credence

#endif  // CREDENCE_ENTERPRISE_STATE_H_
