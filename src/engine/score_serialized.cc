// Engine::ScoreSerialized: the one implementation of "many serialized requests in, serialized
// responses and a status per record out" behind the C API's credence_score_batch, the Python
// binding's score_batch / score_json_lines and `credence score`. Parsing, scoring and
// serializing all run on the worker threads; results are placed by index.
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.h"
#include "credence/engine.h"
#include "credence/thread_pool.h"
#include "engine/scoring.h"
#include "io/json_records.h"
#include "io/request_reader.h"

namespace credence {
namespace {

bool KnownFormat(WireFormat f) {
  return f == WireFormat::kBinary || f == WireFormat::kJson || f == WireFormat::kText;
}

Status CheckOptions(const SerializedOptions& options) {
  for (WireFormat f : {options.in_format, options.out_format}) {
    if (!KnownFormat(f)) {
      return InvalidArgumentError("unknown wire format " + std::to_string(static_cast<int>(f)));
    }
  }
  if (options.error_records && options.out_format == WireFormat::kText) {
    return InvalidArgumentError("error records are written in JSON or binary, not text format");
  }
  return OkStatus();
}

// An error record in binary: a ScoreResponse holding only request_id and error. Its strings
// get the JSON record's U+FFFD replacement: a proto3 string must be valid UTF-8, or readers
// refuse the whole record.
std::string BinaryErrorRecord(std::size_t index, const std::string& request_id,
                              const Status& status) {
  v1::ScoreResponse r;
  const std::string id = core::ReplaceInvalidUtf8(request_id);
  r.set_request_id(id);
  v1::RecordError* e = r.mutable_error();
  e->set_index(index);
  e->set_request_id(id);
  e->set_code(std::string(StatusCodeName(status.code())));
  e->set_message(core::ReplaceInvalidUtf8(status.message()));
  if (status.location() != nullptr) {
    e->set_location(core::ReplaceInvalidUtf8(status.location()->ToString()));
  }
  std::string bytes;
  r.SerializeToString(&bytes);
  return bytes;
}

// The bytes of `response` into r.bytes, or why they cannot be written into r.status.
void Serialize(const v1::ScoreResponse& response, WireFormat format, SerializedResult& r) {
  auto bytes = SerializeResponse(response, format);
  if (bytes.ok()) {
    r.bytes = std::move(bytes).value();
  } else {
    r.status = bytes.status();
  }
}

// One record: read straight into the event table when the request reader takes it
// (io/request_reader.h; the thread reuses its response object), else parsed and scored as
// a message. Both give the same bytes.
void ScoreRecord(const Engine& engine, std::string_view record, const SerializedOptions& options,
                 SerializedResult& r) {
  Result<std::optional<io::ReadResult>> read = std::nullopt;
  if (options.in_format == WireFormat::kBinary || options.in_format == WireFormat::kJson) {
    read = io::ReadRequest(record,
                           options.in_format == WireFormat::kJson ? io::RequestFormat::kJson
                                                                  : io::RequestFormat::kBinary,
                           internal::BundleFx(engine), internal::EngineRequestLimits(engine));
  }
  if (!read.ok()) {
    r.status = read.status();
    return;
  }
  if (*read) {
    io::ReadResult& request = **read;
    r.request_id = request.header.request_id();
    thread_local v1::ScoreResponse response;
    response.Clear();
    internal::ScoreIngested(engine, request.header, request.ingested, options.score, response);
    Serialize(response, options.out_format, r);
    return;
  }
  auto parsed = ParseRequest(record, options.in_format);
  if (!parsed.ok()) {
    r.status = parsed.status();
    return;
  }
  r.request_id = parsed->request_id();
  auto scored = engine.Score(*parsed, options.score);
  if (scored.ok()) {
    Serialize(*scored, options.out_format, r);
  } else {
    r.status = scored.status();
  }
}

}  // namespace

Result<std::string> SerializeErrorRecord(std::size_t index, const std::string& request_id,
                                         const Status& status, WireFormat format) {
  switch (format) {
    case WireFormat::kJson:
      return io::ErrorRecordJson(index, request_id, status);
    case WireFormat::kBinary:
      return BinaryErrorRecord(index, request_id, status);
    default:
      return InvalidArgumentError("error records are written in JSON or binary, not format " +
                                  std::to_string(static_cast<int>(format)));
  }
}

Result<std::vector<SerializedResult>> Engine::ScoreSerialized(
    std::span<const std::string_view> records, const SerializedOptions& options,
    const BatchOptions& batch) const {
  CREDENCE_RETURN_IF_ERROR(CheckOptions(options));
  std::vector<SerializedResult> results(records.size());
  auto one = [&](std::size_t i) {
    SerializedResult& r = results[i];
    ScoreRecord(*this, records[i], options, r);
    if (!r.status.ok() && options.error_records) {
      r.bytes = SerializeErrorRecord(options.first_index + i, r.request_id, r.status,
                                     options.out_format)
                    .value();  // the format was checked above
    }
  };
  CREDENCE_RETURN_IF_ERROR(ParallelFor(batch, records.size(), one));
  return results;
}

}  // namespace credence
