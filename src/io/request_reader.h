// Request readers: a serialized ScoreRequest read straight into its event table, without
// building the message's events (internal to the library; Engine::ScoreSerialized uses them).
//
//   auto read = io::ReadRequest(bytes, io::RequestFormat::kBinary, bundle_fx, limits);
//   if (!read.ok()) ...                // a definite error (see below)
//   else if (*read) use (*read)->header, (*read)->ingested
//   else ...                           // not in the readers' subset: ParseRequest + Ingest
//
// The readers take the common encodings of a request (what protobuf's serializers and
// every JSON library write) on a fast path and leave anything else to the reference path
// (ParseRequest, then Ingest): a duplicate field, an unknown or unsupported field, a null,
// an escaped or unusual number or enum, a timestamp not of the form
// 2026-10-01T00:00:00[.f]Z, a request that fails a check. So whatever they accept gives
// exactly what ParseRequest + Ingest give (tests/engine/request_reader_test.cc and
// fuzz/request_reader_fuzzer.cc compare both on every fixture, on random requests and on
// malformed ones), and every error but one comes from the reference path with its usual
// message. The exception is JSON of the wrong shape (an array where a message or a scalar
// belongs, an object where an array or a scalar belongs, an array inside a repeated
// field): INVALID_ARGUMENT "malformed JSON ScoreRequest: <path>: ..." located at the field
// path (events[3].amount), which protobuf's JSON parser would otherwise flatten or accept.
//
// Each thread keeps its JSON parser and buffers between calls (grown to the largest request
// it read); nothing else is shared. Thread-safe.
#ifndef CREDENCE_IO_REQUEST_READER_H_
#define CREDENCE_IO_REQUEST_READER_H_

#include <optional>
#include <string_view>

#include "credence/options.h"
#include "credence/result.h"
#include "credence/v1/score.pb.h"
#include "io/ingest.h"

namespace credence::io {

// The encodings the readers take (credence::WireFormat's kBinary and kJson; module io does
// not see the engine's header).
enum class RequestFormat { kBinary, kJson };

// A request as a reader read it: every field but the events, and the events ingested.
// `ingested` does not depend on the request bytes (its ids live in its own arena).
struct ReadResult {
  v1::ScoreRequest header;
  IngestedRequest ingested;
};

// Reads `bytes` in `format`. The size limit is
// `parse_limits.max_request_bytes` (ParseRequest's); the events are checked against
// `limits` (Ingest's). nullopt: use the reference path.
Result<std::optional<ReadResult>> ReadRequest(std::string_view bytes, RequestFormat format,
                                              const FxTable& bundle_fx, const RequestLimits& limits,
                                              const RequestLimits& parse_limits = {});

namespace internal {
// The two readers behind ReadRequest.
std::optional<ReadResult> ReadBinaryRequest(std::string_view bytes, const FxTable& bundle_fx,
                                            const RequestLimits& limits);
Result<std::optional<ReadResult>> ReadJsonRequest(std::string_view bytes, const FxTable& bundle_fx,
                                                  const RequestLimits& limits);
}  // namespace internal

}  // namespace credence::io

#endif  // CREDENCE_IO_REQUEST_READER_H_
