// File: credence/engine.h
//
// The engine: a bundle compiled once into an immutable object that scores requests.
//
// **Example**:
//
//   auto loaded = credence::LoadBundle("models/starter");
//   if (!loaded.ok()) return loaded.status();
//   auto engine = credence::Engine::Compile(*loaded);  // Result<shared_ptr<const Engine>>
//   if (!engine.ok()) return engine.status();           // carries file:line:col
//   credence::Result<credence::v1::ScoreResponse> response = (*engine)->Score(request);
//
// Thread safety: an Engine is immutable. Every method is const and touches no global state,
// so any number of threads may score with one Engine at once without locks (like re2's RE2
// or leveldb's Table). EngineHandle (below) swaps engines while others score.
#ifndef CREDENCE_ENGINE_H_
#define CREDENCE_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bundle.h"
#include "credence/enterprise_state.h"
#include "credence/export.h"
#include "credence/options.h"
#include "credence/result.h"
#include "credence/status.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"
#include "credence/v1/screen.pb.h"

namespace credence {

// The version of the linked library, "MAJOR.MINOR.PATCH" (compare with version.h).
CREDENCE_EXPORT std::string_view Version() noexcept;

// What an engine was built from.
struct BundleInfo {
  std::string name;
  std::string version;
  // "sha256:<hex>" over the bundle's deterministic binary encoding and referenced model files.
  std::string digest;
  std::string base_currency;
  std::vector<std::string> feature_names;  // in FeatureVector order
};

// The feature values of one request, in BundleInfo::feature_names order. NaN = missing.
struct FeatureVector {
  std::vector<double> values;
};

// How requests and responses are encoded on the wire.
enum class WireFormat : int { kBinary = 1, kJson = 2, kText = 3 };

// How Engine::ScoreSerialized reads its records and writes its results.
struct SerializedOptions {
  // The encoding of every input record. Default: binary.
  WireFormat in_format = WireFormat::kBinary;
  // The encoding of every response (and error record). Default: binary.
  WireFormat out_format = WireFormat::kBinary;
  // When true, a record that fails gets an error record in SerializedResult::bytes, so the
  // output has one record per input record (what `credence score` writes, docs/cli.md):
  //   kJson:   {"error":{"index":N,"requestId":"...","code":"...","message":"...",
  //            "location":"..."}} (one line, no newline)
  //   kBinary: a ScoreResponse whose only fields are request_id and error (RecordError)
  // REQUIRES: out_format is kJson or kBinary (else the call fails with INVALID_ARGUMENT).
  // Default: false (a failed record has empty bytes).
  bool error_records = false;
  // The index of records[0] in error records (a stream cut into batches). Default: 0.
  std::size_t first_index = 0;
  ScoreOptions score;
};

// One record's outcome in Engine::ScoreSerialized.
struct SerializedResult {
  // OK, or why the record failed: ParseRequest's errors, Score's errors, or a response that
  // could not be serialized.
  Status status;
  // The request's id when the record could be parsed, else "".
  std::string request_id;
  // The response in out_format when status is OK; the error record when it is not and
  // error_records is set; else empty.
  std::string bytes;
};

namespace internal {
struct EngineAccess;  // the library's own access to an engine (src/engine/scoring.h)
}  // namespace internal

class CREDENCE_EXPORT Engine {
 public:
  // Compiles a bundle: checks every section, resolves every reference and builds the plans.
  // Returns the first problem as the Status; if `issues` is non-null it receives all
  // problems found, warnings included. Errors: INVALID_ARGUMENT (bad bundle, with location),
  // NOT_FOUND (a referenced model file), OUT_OF_RANGE (a limit), UNIMPLEMENTED (a section
  // this version does not support yet).
  static Result<std::shared_ptr<const Engine>> Compile(const LoadedBundle& bundle,
                                                       const CompileOptions& options = {},
                                                       std::vector<Issue>* issues = nullptr);
  // The same for a bundle built in memory (errors carry field paths but no lines).
  static Result<std::shared_ptr<const Engine>> Compile(const v1::Bundle& bundle,
                                                       const CompileOptions& options = {},
                                                       std::vector<Issue>* issues = nullptr);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // Scores one request. Bad input is INVALID_ARGUMENT (or OUT_OF_RANGE for a limit) with a
  // field path and event index; nothing a caller sends can crash the process. A model that
  // cannot produce a PD for this request (e.g. a required feature is missing) yields a
  // response with credit.available = false and the reason, not a failed call.
  // Deterministic: the same request gives byte-identical responses.
  Result<v1::ScoreResponse> Score(const v1::ScoreRequest& request,
                                  const ScoreOptions& options = {}) const;

  // Scores many requests on `batch.threads` threads (or `batch.pool`). results[i] answers
  // requests[i] and equals Score(requests[i], options); one bad request never fails the
  // others. A thread count outside [0, kMaxThreads] fails every result with OUT_OF_RANGE.
  std::vector<Result<v1::ScoreResponse>> ScoreBatch(std::span<const v1::ScoreRequest> requests,
                                                    const ScoreOptions& options = {},
                                                    const BatchOptions& batch = {}) const;

  // Parses, scores and serializes many serialized requests on the batch's threads (parsing
  // and serializing happen on the workers too). results[i] answers records[i] and equals
  // ParseRequest + Score + SerializeResponse on it, whatever the thread count; one bad record
  // never fails the others. The call itself fails only for bad options: OUT_OF_RANGE for a
  // thread count outside [0, kMaxThreads], INVALID_ARGUMENT for an unknown wire format or
  // error records in text format; RESOURCE_EXHAUSTED when no thread can be started.
  // Requests are parsed with the default RequestLimits, as ParseRequest does.
  Result<std::vector<SerializedResult>> ScoreSerialized(std::span<const std::string_view> records,
                                                        const SerializedOptions& options = {},
                                                        const BatchOptions& batch = {}) const;

  // The features of one request, as the models and rules see them.
  Result<FeatureVector> ComputeFeatures(const v1::ScoreRequest& request) const;

  // Screening (docs/screening.md). Applies request.event to `state` (an empty state becomes
  // the state of request.enterprise.id) and decides it with the bundle's screening rules:
  // the features are those of the state after the event, as of the state's latest event,
  // and equal ComputeFeatures on the same history. An event whose id the state already holds
  // is neither applied nor decided again: the response has disposition DUPLICATE, outcome
  // UNSPECIFIED and no audit.as_of (a host answers it from its decision log; Screener does).
  // Errors (the state is then unchanged): INVALID_ARGUMENT for a bad request (field paths
  // under "event", "enterprise") or a state of another enterprise; OUT_OF_RANGE for a limit
  // or an event later than the allowed lateness behind the state's latest event;
  // FAILED_PRECONDITION for a state built with other feature definitions.
  Result<v1::ScreenResponse> Screen(const v1::ScreenRequest& request, EnterpriseState& state) const;
  // The state of request.enterprise after its whole history, as of request.as_of: what an
  // online platform starts from when it hands over from batch scoring. Its features equal
  // ComputeFeatures(request). Errors: Score's for a bad request.
  Result<EnterpriseState> BuildState(const v1::ScoreRequest& request) const;
  // A state from EnterpriseState::Serialize bytes. Errors: DATA_LOSS for bytes that are not
  // a valid state; FAILED_PRECONDITION for a state built with other feature definitions.
  Result<EnterpriseState> LoadState(std::string_view bytes) const;
  // The features of a state as of its latest event. FAILED_PRECONDITION when it is empty or
  // was built with other feature definitions.
  Result<FeatureVector> StateFeatures(const EnterpriseState& state) const;

  const BundleInfo& info() const noexcept;

 private:
  struct Impl;
  friend struct internal::EngineAccess;
  explicit Engine(std::unique_ptr<const Impl> impl);
  std::unique_ptr<const Impl> impl_;
};

// Holds the current engine and swaps in a new one atomically while other threads score.
// Requests already running finish on the engine they started with (they hold a shared_ptr).
// Thread-safe: any number of threads may call every method at once. The lock is held only
// to copy or exchange the pointer (a reference-count increment), never while scoring.
// (Not std::atomic<std::shared_ptr>: libstdc++ 12's load() releases its internal lock with
// relaxed ordering, which is a real race on weakly ordered CPUs.)
class CREDENCE_EXPORT EngineHandle {
 public:
  EngineHandle() = default;
  explicit EngineHandle(std::shared_ptr<const Engine> engine);
  EngineHandle(const EngineHandle&) = delete;
  EngineHandle& operator=(const EngineHandle&) = delete;

  // The current engine; null before the first Swap or construction with an engine.
  std::shared_ptr<const Engine> Get() const;
  // Installs `engine` (REQUIRES: non-null) and returns the previous one.
  std::shared_ptr<const Engine> Swap(std::shared_ptr<const Engine> engine);
  // Scores with the current engine. FAILED_PRECONDITION when there is none.
  Result<v1::ScoreResponse> Score(const v1::ScoreRequest& request,
                                  const ScoreOptions& options = {}) const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Engine> current_;  // guarded by mu_
};

// Byte-level helpers for hosts and tools.

// Parses a ScoreRequest. Errors: DATA_LOSS for malformed binary (naming the field when a
// string is not UTF-8); INVALID_ARGUMENT for malformed JSON/text, invalid UTF-8 and JSON of
// the wrong shape (an array inside an array, an unknown field, ...), with line:column and
// field path for JSON; OUT_OF_RANGE for a JSON number that does not fit its field and when
// larger than `limits`.
CREDENCE_EXPORT Result<v1::ScoreRequest> ParseRequest(std::string_view bytes, WireFormat format,
                                                      const RequestLimits& limits = {});
// Serializes a response deterministically (binary: deterministic map order; JSON: protobuf's
// JSON mapping, one line, fields in field-number order).
CREDENCE_EXPORT Result<std::string> SerializeResponse(const v1::ScoreResponse& response,
                                                      WireFormat format);
// The error record that stands for input record `index` when it could not be scored (see
// SerializedOptions::error_records): JSON or binary. INVALID_ARGUMENT for kText.
CREDENCE_EXPORT Result<std::string> SerializeErrorRecord(std::size_t index,
                                                         const std::string& request_id,
                                                         const Status& status, WireFormat format);

}  // namespace credence

#endif  // CREDENCE_ENGINE_H_
