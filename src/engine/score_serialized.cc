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
#include "io/json_records.h"

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
    auto parsed = ParseRequest(records[i], options.in_format);
    if (parsed.ok()) {
      r.request_id = parsed->request_id();
      auto scored = Score(*parsed, options.score);
      auto bytes = scored.ok() ? SerializeResponse(*scored, options.out_format)
                               : Result<std::string>(scored.status());
      if (bytes.ok()) {
        r.bytes = std::move(bytes).value();
      } else {
        r.status = bytes.status();
      }
    } else {
      r.status = parsed.status();
    }
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
