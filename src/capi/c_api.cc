// The C API over the engine. Every entry point catches everything: no exception crosses the
// boundary (std::bad_alloc becomes RESOURCE_EXHAUSTED, anything else INTERNAL).
#include "credence/c_api.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capi/c_api_internal.h"
#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/status.h"

// The C enums mirror the C++ ones number for number.
static_assert(static_cast<int>(credence::StatusCode::kOk) == CREDENCE_OK);
static_assert(static_cast<int>(credence::StatusCode::kInvalidArgument) ==
              CREDENCE_INVALID_ARGUMENT);
static_assert(static_cast<int>(credence::StatusCode::kNotFound) == CREDENCE_NOT_FOUND);
static_assert(static_cast<int>(credence::StatusCode::kFailedPrecondition) ==
              CREDENCE_FAILED_PRECONDITION);
static_assert(static_cast<int>(credence::StatusCode::kOutOfRange) == CREDENCE_OUT_OF_RANGE);
static_assert(static_cast<int>(credence::StatusCode::kUnimplemented) == CREDENCE_UNIMPLEMENTED);
static_assert(static_cast<int>(credence::StatusCode::kInternal) == CREDENCE_INTERNAL);
static_assert(static_cast<int>(credence::StatusCode::kDataLoss) == CREDENCE_DATA_LOSS);
static_assert(static_cast<int>(credence::WireFormat::kBinary) == CREDENCE_WIRE_BINARY);
static_assert(static_cast<int>(credence::WireFormat::kJson) == CREDENCE_WIRE_JSON);
static_assert(static_cast<int>(credence::WireFormat::kText) == CREDENCE_WIRE_TEXT);
static_assert(static_cast<int>(credence::BundleFormat::kAuto) == CREDENCE_BUNDLE_AUTO);
static_assert(static_cast<int>(credence::BundleFormat::kBinary) == CREDENCE_BUNDLE_BINARY);

struct credence_engine {
  std::shared_ptr<const credence::Engine> engine;
};

namespace credence::capi_internal {

credence_error* MakeError(const Status& status) {
  auto* e = new credence_error;
  e->code = static_cast<credence_status_code>(status.code());
  e->message = std::string(status.message());
  if (const SourceLocation* where = status.location(); where != nullptr) {
    e->location = where->ToString();
    e->file = where->file;
    e->field_path = where->field_path;
    e->line = where->line;
    e->column = where->column;
    e->event_index = where->event_index;
  }
  e->text = status.ToString();
  return e;
}

credence_status_code Fail(const Status& status, credence_error** error) {
  if (error != nullptr) {
    try {
      *error = MakeError(status);
    } catch (...) {
      *error = nullptr;  // out of memory while reporting: the code still says what happened
    }
  }
  return static_cast<credence_status_code>(status.code());
}

Status NullArgument(const char* what) {
  return InvalidArgumentError(std::string(what) + " must not be NULL");
}

}  // namespace credence::capi_internal

namespace {

using credence::Status;
using credence::StatusCode;
using namespace credence::capi_internal;  // NOLINT: the C API's own helpers

bool ValidWireFormat(credence_wire_format f) {
  return f == CREDENCE_WIRE_BINARY || f == CREDENCE_WIRE_JSON || f == CREDENCE_WIRE_TEXT;
}

// Copies `bytes` into a malloc'ed buffer owned by the caller.
credence_buffer ToBuffer(const std::string& bytes) {
  credence_buffer b{nullptr, 0};
  // malloc(0) may return NULL; keep one byte so that data is never NULL on success.
  b.data = static_cast<std::uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (b.data == nullptr) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(b.data, bytes.data(), bytes.size());
  b.size = bytes.size();
  return b;
}

// OK for a format the library knows; INVALID_ARGUMENT naming the value otherwise.
credence::Status CheckWireFormat(credence_wire_format format) {
  if (ValidWireFormat(format)) return credence::OkStatus();
  return credence::InvalidArgumentError("unknown wire format " +
                                        std::to_string(static_cast<int>(format)));
}

credence::Result<credence::v1::ScoreRequest> Parse(const void* data, std::size_t size,
                                                   credence_wire_format format) {
  if (data == nullptr && size > 0) return NullArgument("request");
  const std::string_view bytes(static_cast<const char*>(data), data == nullptr ? 0 : size);
  return credence::ParseRequest(bytes, static_cast<credence::WireFormat>(format));
}

credence_status_code Install(credence::Result<credence::LoadedBundle> loaded, credence_engine** out,
                             credence_error** error) {
  if (!loaded.ok()) return Fail(loaded.status(), error);
  auto engine = credence::Engine::Compile(*loaded);
  if (!engine.ok()) return Fail(engine.status(), error);
  *out = new credence_engine{std::move(engine).value()};
  return CREDENCE_OK;
}

}  // namespace

extern "C" {

const char* credence_version(void) {
  static const std::string version(credence::Version());
  return version.c_str();
}

const char* credence_status_code_name(credence_status_code code) {
  if (code < CREDENCE_OK || code > CREDENCE_DATA_LOSS) return "UNKNOWN_CODE";
  // StatusCodeName returns views of string literals, so data() is NUL-terminated.
  return credence::StatusCodeName(static_cast<StatusCode>(code)).data();
}

credence_status_code credence_error_code(const credence_error* error) { return error->code; }
const char* credence_error_message(const credence_error* error) { return error->message.c_str(); }
const char* credence_error_location(const credence_error* error) { return error->location.c_str(); }
const char* credence_error_file(const credence_error* error) { return error->file.c_str(); }
int credence_error_line(const credence_error* error) { return error->line; }
int credence_error_column(const credence_error* error) { return error->column; }
const char* credence_error_field_path(const credence_error* error) {
  return error->field_path.c_str();
}
int64_t credence_error_event_index(const credence_error* error) { return error->event_index; }
const char* credence_error_string(const credence_error* error) { return error->text.c_str(); }
void credence_error_free(credence_error* error) { delete error; }

void credence_buffer_free(credence_buffer* buffer) {
  if (buffer == nullptr) return;
  std::free(buffer->data);
  buffer->data = nullptr;
  buffer->size = 0;
}

credence_status_code credence_engine_load(const char* path, credence_engine** out,
                                          credence_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) return Fail(NullArgument("out"), error);
    *out = nullptr;
    if (path == nullptr) return Fail(NullArgument("path"), error);
    return Install(credence::LoadBundle(path), out, error);
  });
}

credence_status_code credence_engine_load_bytes(const void* data, size_t size,
                                                credence_bundle_format format,
                                                const char* bundle_dir, const char* name,
                                                credence_engine** out, credence_error** error) {
  return Guard(error, [&] {
    if (out == nullptr) return Fail(NullArgument("out"), error);
    *out = nullptr;
    if (data == nullptr && size > 0) return Fail(NullArgument("data"), error);
    if (format < CREDENCE_BUNDLE_AUTO || format > CREDENCE_BUNDLE_BINARY) {
      return Fail(credence::InvalidArgumentError("unknown bundle format " +
                                                 std::to_string(static_cast<int>(format))),
                  error);
    }
    auto loaded = credence::ParseBundle(
        std::string_view(static_cast<const char*>(data), data == nullptr ? 0 : size),
        static_cast<credence::BundleFormat>(format), name == nullptr ? "" : name);
    if (loaded.ok()) {
      loaded->directory = bundle_dir == nullptr || *bundle_dir == '\0' ? "." : bundle_dir;
    }
    return Install(std::move(loaded), out, error);
  });
}

void credence_engine_free(credence_engine* engine) { delete engine; }

const char* credence_engine_name(const credence_engine* engine) {
  return engine->engine->info().name.c_str();
}
const char* credence_engine_bundle_version(const credence_engine* engine) {
  return engine->engine->info().version.c_str();
}
const char* credence_engine_digest(const credence_engine* engine) {
  return engine->engine->info().digest.c_str();
}
size_t credence_engine_feature_count(const credence_engine* engine) {
  return engine->engine->info().feature_names.size();
}
const char* credence_engine_feature_name(const credence_engine* engine, size_t index) {
  const auto& names = engine->engine->info().feature_names;
  return index < names.size() ? names[index].c_str() : nullptr;
}

credence_status_code credence_score(const credence_engine* engine, const void* request,
                                    size_t request_size, credence_wire_format format,
                                    credence_buffer* response, credence_error** error) {
  return Guard(error, [&] {
    if (response == nullptr) return Fail(NullArgument("response"), error);
    *response = credence_buffer{nullptr, 0};
    if (engine == nullptr) return Fail(NullArgument("engine"), error);
    if (credence::Status s = CheckWireFormat(format); !s.ok()) return Fail(s, error);
    auto parsed = Parse(request, request_size, format);
    if (!parsed.ok()) return Fail(parsed.status(), error);
    auto scored = engine->engine->Score(*parsed);
    if (!scored.ok()) return Fail(scored.status(), error);
    auto bytes = credence::SerializeResponse(*scored, static_cast<credence::WireFormat>(format));
    if (!bytes.ok()) return Fail(bytes.status(), error);
    *response = ToBuffer(*bytes);
    return CREDENCE_OK;
  });
}

credence_status_code credence_score_batch(const credence_engine* engine,
                                          const credence_bytes* requests, size_t count,
                                          credence_wire_format format, int threads,
                                          credence_batch_result* results, credence_error** error) {
  return Guard(error, [&] {
    if (engine == nullptr) return Fail(NullArgument("engine"), error);
    if (count > 0 && (requests == nullptr || results == nullptr)) {
      return Fail(NullArgument(requests == nullptr ? "requests" : "results"), error);
    }
    if (credence::Status s = CheckWireFormat(format); !s.ok()) return Fail(s, error);
    // Everything is computed before `results` is written, so an exception (out of memory)
    // leaves it untouched and owning nothing. A NULL record with a size fails alone.
    std::vector<std::string_view> views;
    std::vector<size_t> origin;
    std::vector<Status> statuses(count);
    for (size_t i = 0; i < count; ++i) {
      if (requests[i].data == nullptr && requests[i].size > 0) {
        statuses[i] = NullArgument("request");
        continue;
      }
      origin.push_back(i);
      views.emplace_back(static_cast<const char*>(requests[i].data),
                         requests[i].data == nullptr ? 0 : requests[i].size);
    }
    const auto wire = static_cast<credence::WireFormat>(format);
    auto scored = engine->engine->ScoreSerialized(views, {.in_format = wire, .out_format = wire},
                                                  {.threads = threads});
    if (!scored.ok()) return Fail(scored.status(), error);
    std::vector<std::string> encoded(count);
    for (size_t k = 0; k < origin.size(); ++k) {
      credence::SerializedResult& r = (*scored)[k];
      statuses[origin[k]] = std::move(r.status);
      encoded[origin[k]] = std::move(r.bytes);
    }
    std::vector<credence_batch_result> out(count, credence_batch_result{CREDENCE_OK, {}, nullptr});
    try {
      for (size_t i = 0; i < count; ++i) {
        if (statuses[i].ok()) {
          out[i].response = ToBuffer(encoded[i]);
        } else {
          out[i].code = static_cast<credence_status_code>(statuses[i].code());
          out[i].error = MakeError(statuses[i]);
        }
      }
    } catch (...) {
      credence_batch_results_free(out.data(), out.size());
      throw;
    }
    std::copy(out.begin(), out.end(), results);
    return CREDENCE_OK;
  });
}

void credence_batch_results_free(credence_batch_result* results, size_t count) {
  if (results == nullptr) return;
  for (size_t i = 0; i < count; ++i) {
    credence_buffer_free(&results[i].response);
    credence_error_free(results[i].error);
    results[i].error = nullptr;
    results[i].code = CREDENCE_OK;
  }
}

credence_status_code credence_compute_features(const credence_engine* engine, const void* request,
                                               size_t request_size, credence_wire_format format,
                                               double** values, size_t* count,
                                               credence_error** error) {
  return Guard(error, [&] {
    if (values == nullptr || count == nullptr) {
      return Fail(NullArgument(values == nullptr ? "values" : "count"), error);
    }
    *values = nullptr;
    *count = 0;
    if (engine == nullptr) return Fail(NullArgument("engine"), error);
    if (credence::Status s = CheckWireFormat(format); !s.ok()) return Fail(s, error);
    auto parsed = Parse(request, request_size, format);
    if (!parsed.ok()) return Fail(parsed.status(), error);
    auto features = engine->engine->ComputeFeatures(*parsed);
    if (!features.ok()) return Fail(features.status(), error);
    const std::vector<double>& v = features->values;
    auto* out = static_cast<double*>(std::malloc(v.empty() ? 1 : v.size() * sizeof(double)));
    if (out == nullptr) throw std::bad_alloc();
    if (!v.empty()) std::memcpy(out, v.data(), v.size() * sizeof(double));
    *values = out;
    *count = v.size();
    return CREDENCE_OK;
  });
}

void credence_features_free(double* values) { std::free(values); }

}  // extern "C"
