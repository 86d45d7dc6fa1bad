// File: credence/screener.h
//
// Screening with durable state: an Engine, a StateStore (credence/state_store.h) and a cache
// of states in memory. What `credence screen`, the Python Screener and the Dask replay use.
//
// **Example**:
//
//   auto store = credence::OpenRocksDbStateStore("state/");
//   credence::Screener screener(engine, *store);
//   auto response = screener.Screen(request);  // applied, logged and committed
//
// The guarantee (docs/screening.md, "Store"): every batch is one atomic, durable commit of
// the states it changed and the responses of the events it applied, made before the batch
// returns. A process killed at any moment therefore loses no response it returned, and an
// event is never applied twice: running the same input again answers the events already
// applied from the decision log (the same response, with the request's request_id) and
// applies the rest, so every event gets the response an uninterrupted run gives it.
//
// Within a batch, the events of one enterprise are screened in input order and different
// enterprises in parallel; results do not depend on the thread count.
//
// Thread-compatible: one call at a time (the batch itself runs on many threads).
#ifndef CREDENCE_SCREENER_H_
#define CREDENCE_SCREENER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/engine.h"
#include "credence/enterprise_state.h"
#include "credence/export.h"
#include "credence/state_store.h"

namespace credence {

namespace internal {
class InFlightDecisions;  // src/engine/screener.cc
}  // namespace internal

struct ScreenerOptions {
  // States kept in memory between batches (the most recently used). A state not in memory is
  // loaded from the store (which costs replaying its events). Default: 100,000.
  std::size_t cache_states = 100'000;
};

class CREDENCE_EXPORT Screener {
 public:
  // REQUIRES: engine and store non-null.
  Screener(std::shared_ptr<const Engine> engine, std::shared_ptr<StateStore> store,
           ScreenerOptions options = {});
  ~Screener();
  Screener(const Screener&) = delete;
  Screener& operator=(const Screener&) = delete;

  // Screens `requests` (results[i] answers requests[i]) and commits. A request that fails
  // gets its error and changes nothing; the call itself fails only when the store fails
  // (reading or committing: nothing of the batch is then committed, and the cache is
  // dropped) or for bad BatchOptions (OUT_OF_RANGE threads).
  Result<std::vector<Result<v1::ScreenResponse>>> ScreenBatch(
      std::span<const v1::ScreenRequest> requests, const BatchOptions& batch = {});
  // The same from serialized ScreenRequests (options.in_format) to serialized responses
  // (options.out_format), error records when options.error_records (see SerializedOptions;
  // options.score is not used). Parsing and serializing run on the batch's threads.
  Result<std::vector<SerializedResult>> ScreenSerialized(std::span<const std::string_view> records,
                                                         const SerializedOptions& options,
                                                         const BatchOptions& batch = {});
  // A stream, window by window: `next` fills `records` with the next window's serialized
  // ScreenRequests (views that must stay valid until the following call to `next`) and
  // returns false at the end; `emit` receives each window's results, as ScreenSerialized
  // returns them, in order, once the commit holding them is durable. The same results and
  // the same guarantee as ScreenSerialized window by window, faster: a window's commit is
  // written (on a thread of its own) while the next window is screened, unless the batch
  // has one thread. The stream stops at the first error of `next`, of `emit` or of the
  // store; the windows emitted before it are committed, and nothing after them is.
  Status ScreenStream(const std::function<Result<bool>(std::vector<std::string_view>&)>& next,
                      const std::function<Status(std::vector<SerializedResult>)>& emit,
                      const SerializedOptions& options, const BatchOptions& batch = {});

  // One request: a batch of one.
  Result<v1::ScreenResponse> Screen(const v1::ScreenRequest& request);

  // Replaces an enterprise's state with the one built from `history` (Engine::BuildState)
  // and commits it. Its events have no logged decision.
  Status Seed(const v1::ScoreRequest& history);
  // The stored state of an enterprise, or nullopt.
  Result<std::optional<EnterpriseState>> Load(std::string_view enterprise_id);

  const Engine& engine() const { return *engine_; }
  StateStore& store() const { return *store_; }

 private:
  struct Cache;
  struct Screened;
  // Screens a batch without committing it: its results and its commit. Duplicates of events
  // in `in_flight` (a commit being written) are answered from it. Errors as ScreenBatch's
  // (the cache is dropped).
  Result<Screened> ScreenGroups(std::span<const v1::ScreenRequest* const> requests,
                                const BatchOptions& batch, std::vector<std::string>* binary,
                                const internal::InFlightDecisions* in_flight);
  // ScreenGroups from serialized records, the results serialized (Screened::serialized).
  Result<Screened> ScreenRecords(std::span<const std::string_view> records,
                                 const SerializedOptions& options, const BatchOptions& batch,
                                 const internal::InFlightDecisions* in_flight);
  // store_->Commit; drops the cache when it fails.
  Status Commit(const StateCommit& commit);
  // ScreenBatch over requests that may live anywhere (ScreenSerialized parses onto an arena).
  // When `binary` is not null, (*binary)[i] receives the binary encoding of an applied
  // response (its decision-log record, made anyway), empty for any other result.
  Result<std::vector<Result<v1::ScreenResponse>>> ScreenPointers(
      std::span<const v1::ScreenRequest* const> requests, const BatchOptions& batch,
      std::vector<std::string>* binary);

  std::shared_ptr<const Engine> engine_;
  std::shared_ptr<StateStore> store_;
  std::unique_ptr<Cache> cache_;
};

// Parses a ScreenRequest (as ParseRequest does a ScoreRequest).
CREDENCE_EXPORT Result<v1::ScreenRequest> ParseScreenRequest(std::string_view bytes,
                                                             WireFormat format,
                                                             const RequestLimits& limits = {});
// The same into `out` (which may live on an arena).
CREDENCE_EXPORT Status ParseScreenRequest(std::string_view bytes, WireFormat format,
                                          const RequestLimits& limits, v1::ScreenRequest* out);
// Serializes a ScreenResponse deterministically (as SerializeResponse).
CREDENCE_EXPORT Result<std::string> SerializeScreenResponse(const v1::ScreenResponse& response,
                                                            WireFormat format);

}  // namespace credence

#endif  // CREDENCE_SCREENER_H_
