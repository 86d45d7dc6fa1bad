// File: credence/state_store.h
//
// Where screening states live between events: one value per enterprise (the bytes of
// EnterpriseState::Serialize) and a decision log (the response each applied event got, by
// enterprise and event id). The Screener (credence/screener.h) reads and commits through
// this interface; RocksDB is the default implementation, and a host with its own store
// implements the four methods (docs/screening.md, "Store", states the contract).
//
// **Example**:
//
//   auto store = credence::OpenRocksDbStateStore("/var/lib/credence/state");
//   if (!store.ok()) return store.status();
//   credence::Screener screener(engine, *store);
//
// The contract an implementation keeps:
//   * Commit is atomic: after a crash, either everything in the commit is there or none of it.
//   * Commit is durable when it returns OK (RocksDB: the write-ahead log is synced), so a
//     response may be acknowledged once the commit holding its state has returned.
//   * Reads see every commit that returned before them.
// Implementations must be thread-safe: the Screener reads from several threads at once (one
// thread per enterprise) and commits from one.
#ifndef CREDENCE_STATE_STORE_H_
#define CREDENCE_STATE_STORE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credence/export.h"
#include "credence/result.h"
#include "credence/status.h"

namespace credence {

// What one Commit writes: states (replacing the stored ones), decisions to log and decisions
// to forget (their events left the states: they can no longer be recognised as duplicates).
// Forgetting comes after logging: a decision logged and forgotten in one commit is gone.
struct StateCommit {
  struct State {
    std::string enterprise_id;
    std::string bytes;  // EnterpriseState::Serialize
  };
  struct Decision {
    std::string enterprise_id;
    std::string event_id;
    std::string response;  // the binary v1::ScreenResponse
  };
  struct Forget {
    std::string enterprise_id;
    std::string event_id;
  };
  std::vector<State> states;
  std::vector<Decision> decisions;
  std::vector<Forget> forget;
  bool empty() const { return states.empty() && decisions.empty() && forget.empty(); }
};

class CREDENCE_EXPORT StateStore {
 public:
  virtual ~StateStore();
  // The stored state of an enterprise, or nullopt. Errors: the store's (UNAVAILABLE,
  // DATA_LOSS).
  virtual Result<std::optional<std::string>> LoadState(std::string_view enterprise_id) = 0;
  // The logged response of an event, or nullopt.
  virtual Result<std::optional<std::string>> LoadDecision(std::string_view enterprise_id,
                                                          std::string_view event_id) = 0;
  // Writes `commit` atomically and durably (see the file comment).
  virtual Status Commit(const StateCommit& commit) = 0;
  // Calls `fn` with every enterprise id that has a state, in byte order, until it returns
  // false.
  virtual Status ForEachEnterprise(const std::function<bool(std::string_view)>& fn) = 0;
};

struct RocksDbStoreOptions {
  // Sync the write-ahead log on every commit (durable against power loss and process kill).
  // When false, commits survive a process kill (SIGKILL) but not a power loss. Default: true.
  bool sync = true;
  // Create the database when `directory` has none. Default: true.
  bool create_if_missing = true;
  // RocksDB's block cache for reads, bytes. Default: 64 MiB.
  std::size_t block_cache_bytes = std::size_t{64} << 20;
};

// A store in a RocksDB database in `directory` (one process at a time: RocksDB locks it).
// Keys: "s" + enterprise id for states; "d" + varint length + enterprise id + event id for
// decisions. Errors: UNAVAILABLE when the database cannot be opened (locked, unreadable),
// with RocksDB's message.
CREDENCE_EXPORT Result<std::shared_ptr<StateStore>> OpenRocksDbStateStore(
    const std::string& directory, const RocksDbStoreOptions& options = {});

// A store in memory (tests, or a host that keeps states itself): the same contract within
// one process.
CREDENCE_EXPORT std::shared_ptr<StateStore> NewInMemoryStateStore();

}  // namespace credence

#endif  // CREDENCE_STATE_STORE_H_
