/* File: credence/c_api.h
 *
 * The C API: a stable C ABI over the engine for hosts in other languages (Go via cgo, Rust,
 * Java via JNI/FFM, .NET P/Invoke, ...). Requests and responses cross it as serialized
 * credence.v1.ScoreRequest / ScoreResponse messages (protobuf binary, or protobuf's JSON
 * mapping), so no C++ type and no C++ exception ever crosses it: every function catches
 * everything at the boundary and reports it as an error.
 *
 * **Example**:
 *
 *   credence_engine* engine = NULL;
 *   credence_error* error = NULL;
 *   if (credence_engine_load("models/starter", &engine, &error) != CREDENCE_OK) {
 *     fprintf(stderr, "%s\n", credence_error_string(error));
 *     credence_error_free(error);
 *     return 1;
 *   }
 *   credence_buffer response = {0};
 *   if (credence_score(engine, request, request_size, CREDENCE_WIRE_BINARY, &response,
 *                      &error) == CREDENCE_OK) {
 *     ... decode response.data / response.size as a credence.v1.ScoreResponse ...
 *     credence_buffer_free(&response);
 *   } else {
 *     ... credence_error_code(error), credence_error_message(error) ...
 *     credence_error_free(error);
 *   }
 *   credence_engine_free(engine);
 *
 * Ownership, for every function: pointers passed in are borrowed for the duration of the
 * call only. Objects returned through an out-parameter belong to the caller, who releases
 * them with the matching *_free function (credence_engine_free, credence_error_free,
 * credence_buffer_free, credence_batch_results_free). Strings returned as `const char*` by
 * accessors belong to the object they were read from and live as long as it does.
 * Every *_free function accepts NULL.
 *
 * Errors: every fallible function returns a credence_status_code. On failure, when `error`
 * is non-NULL, *error receives a new credence_error (code, message, location) that the
 * caller frees; when `error` is NULL the details are dropped. On success *error is left
 * untouched. The codes equal credence::StatusCode (status.h) and absl/google.rpc codes.
 *
 * Thread safety: a credence_engine is immutable; any number of threads may score with one
 * engine at once. Errors and buffers are plain values owned by one caller.
 *
 * Limits: the request limits of credence::RequestLimits apply (256 MiB per request, 1M
 * events, ...); a bundle given as bytes may be at most 1 GiB.
 */
#ifndef CREDENCE_C_API_H_
#define CREDENCE_C_API_H_

#include <stddef.h>
#include <stdint.h>

/* Symbols exported from the shared library. Spelled as a GNU attribute (not export.h's C++11
 * attribute) so that this header compiles as C89..C23. */
#if defined(_WIN32)
#define CREDENCE_C_API
#else
#define CREDENCE_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The canonical codes; identical to credence::StatusCode. */
typedef enum credence_status_code {
  CREDENCE_OK = 0,
  CREDENCE_CANCELLED = 1,
  CREDENCE_UNKNOWN = 2,
  CREDENCE_INVALID_ARGUMENT = 3,
  CREDENCE_DEADLINE_EXCEEDED = 4,
  CREDENCE_NOT_FOUND = 5,
  CREDENCE_ALREADY_EXISTS = 6,
  CREDENCE_PERMISSION_DENIED = 7,
  CREDENCE_RESOURCE_EXHAUSTED = 8,
  CREDENCE_FAILED_PRECONDITION = 9,
  CREDENCE_ABORTED = 10,
  CREDENCE_OUT_OF_RANGE = 11,
  CREDENCE_UNIMPLEMENTED = 12,
  CREDENCE_INTERNAL = 13,
  CREDENCE_UNAVAILABLE = 14,
  CREDENCE_DATA_LOSS = 15,
  /* Not codes: they make the type span every int in C and C++ alike, so that any value a
   * host passes (or a future code) is well defined. */
  CREDENCE_STATUS_CODE_MIN_ = -2147483647 - 1,
  CREDENCE_STATUS_CODE_MAX_ = 2147483647
} credence_status_code;

/* How requests and responses are encoded; identical to credence::WireFormat. */
typedef enum credence_wire_format {
  CREDENCE_WIRE_BINARY = 1, /* protobuf binary (responses: deterministic map order) */
  CREDENCE_WIRE_JSON = 2,   /* protobuf's JSON mapping, one line */
  CREDENCE_WIRE_TEXT = 3,   /* protobuf text format */
  CREDENCE_WIRE_FORMAT_MIN_ = -2147483647 - 1, /* not formats: the type spans every int */
  CREDENCE_WIRE_FORMAT_MAX_ = 2147483647
} credence_wire_format;

/* How a bundle given as bytes is encoded; identical to credence::BundleFormat. */
typedef enum credence_bundle_format {
  CREDENCE_BUNDLE_AUTO = 0,
  CREDENCE_BUNDLE_TEXT = 1,
  CREDENCE_BUNDLE_JSON = 2,
  CREDENCE_BUNDLE_BINARY = 3,
  CREDENCE_BUNDLE_FORMAT_MIN_ = -2147483647 - 1, /* not formats: the type spans every int */
  CREDENCE_BUNDLE_FORMAT_MAX_ = 2147483647
} credence_bundle_format;

/* A compiled bundle. Opaque, immutable, thread-safe. */
typedef struct credence_engine credence_engine;
/* An error: code, message, location. Opaque. */
typedef struct credence_error credence_error;

/* Bytes owned by the library until the caller passes the buffer to credence_buffer_free.
 * A zero-initialised buffer ({NULL, 0}) is empty and may be freed. */
typedef struct credence_buffer {
  uint8_t* data;
  size_t size;
} credence_buffer;

/* Bytes borrowed from the caller (a request). */
typedef struct credence_bytes {
  const void* data;
  size_t size;
} credence_bytes;

/* One record of a batch. On success code is CREDENCE_OK, response holds the encoded
 * ScoreResponse and error is NULL; otherwise response is empty and error describes the
 * failure. Owned by the caller; release the whole array with credence_batch_results_free. */
typedef struct credence_batch_result {
  credence_status_code code;
  credence_buffer response;
  credence_error* error;
} credence_batch_result;

/* ---- Library ------------------------------------------------------------------------- */

/* The library version, "MAJOR.MINOR.PATCH". Static storage; never NULL. */
CREDENCE_C_API const char* credence_version(void);

/* "OK", "INVALID_ARGUMENT", ... ("UNKNOWN_CODE" for other values). Static storage. */
CREDENCE_C_API const char* credence_status_code_name(credence_status_code code);

/* ---- Errors ---------------------------------------------------------------------------- */

/* Accessors; `error` must be non-NULL. Strings belong to the error. */
CREDENCE_C_API credence_status_code credence_error_code(const credence_error* error);
CREDENCE_C_API const char* credence_error_message(const credence_error* error);
/* "file:line:col: field_path: event N" with unknown parts left out; "" when none. */
CREDENCE_C_API const char* credence_error_location(const credence_error* error);
/* Parts of the location: 0 / "" / -1 when unknown. */
CREDENCE_C_API const char* credence_error_file(const credence_error* error);
CREDENCE_C_API int credence_error_line(const credence_error* error);
CREDENCE_C_API int credence_error_column(const credence_error* error);
CREDENCE_C_API const char* credence_error_field_path(const credence_error* error);
CREDENCE_C_API int64_t credence_error_event_index(const credence_error* error);
/* "CODE: location: message", as credence::Status::ToString. */
CREDENCE_C_API const char* credence_error_string(const credence_error* error);
/* Releases an error. NULL is a no-op. */
CREDENCE_C_API void credence_error_free(credence_error* error);

/* ---- Buffers --------------------------------------------------------------------------- */

/* Releases buffer->data and resets the buffer to {NULL, 0}. NULL is a no-op. */
CREDENCE_C_API void credence_buffer_free(credence_buffer* buffer);

/* ---- Engines --------------------------------------------------------------------------- */

/* Loads and compiles the bundle at `path` (a bundle file, or a folder holding
 * bundle.textproto / bundle.json / bundle.binpb). On success *out receives a new engine owned
 * by the caller (credence_engine_free). Errors: NOT_FOUND (no bundle there),
 * INVALID_ARGUMENT (a bad bundle, with file:line:col), OUT_OF_RANGE, UNIMPLEMENTED, and
 * INVALID_ARGUMENT for a NULL argument. */
CREDENCE_C_API credence_status_code credence_engine_load(const char* path, credence_engine** out,
                                                         credence_error** error);

/* Parses and compiles a bundle held in memory. `bundle_dir` is the folder that model files
 * named by the bundle resolve against (NULL or "" = the current directory). `name` appears
 * in error locations (NULL = "<memory>"). The bytes are copied; the caller keeps them.
 * Errors as credence_engine_load, plus DATA_LOSS for undecodable binary. */
CREDENCE_C_API credence_status_code credence_engine_load_bytes(
    const void* data, size_t size, credence_bundle_format format, const char* bundle_dir,
    const char* name, credence_engine** out, credence_error** error);

/* Releases an engine. NULL is a no-op. Calls still scoring with it must have returned. */
CREDENCE_C_API void credence_engine_free(credence_engine* engine);

/* What the engine was built from. Strings belong to the engine. */
CREDENCE_C_API const char* credence_engine_name(const credence_engine* engine);
CREDENCE_C_API const char* credence_engine_bundle_version(const credence_engine* engine);
/* "sha256:<64 hex>"; every response's audit.bundle_digest names it. */
CREDENCE_C_API const char* credence_engine_digest(const credence_engine* engine);
CREDENCE_C_API size_t credence_engine_feature_count(const credence_engine* engine);
/* The name of feature `index`; NULL when index >= credence_engine_feature_count. */
CREDENCE_C_API const char* credence_engine_feature_name(const credence_engine* engine,
                                                        size_t index);

/* ---- Scoring --------------------------------------------------------------------------- */

/* Scores one request encoded in `format`; on success *response receives the ScoreResponse
 * in the same format, owned by the caller (credence_buffer_free). On failure *response is
 * set to {NULL, 0}. Errors: DATA_LOSS (malformed binary), INVALID_ARGUMENT (malformed
 * JSON/text, a request that fails validation, with field path and event index),
 * OUT_OF_RANGE (a request limit). */
CREDENCE_C_API credence_status_code credence_score(const credence_engine* engine,
                                                   const void* request, size_t request_size,
                                                   credence_wire_format format,
                                                   credence_buffer* response,
                                                   credence_error** error);

/* Scores `count` requests on `threads` threads (0 = all cores, at most 256 =
 * credence::kMaxThreads). `results` is an array of `count` elements supplied by the caller;
 * results[i] answers requests[i] and equals credence_score on it, whatever the thread count.
 * A bad record fails only its own result. The return value is CREDENCE_OK when the batch ran
 * (even if records failed: look at each results[i].code); it is an error only for bad
 * arguments (NULL pointers, an unknown format; OUT_OF_RANGE for a thread count outside
 * [0, 256]), in which case `results` is left untouched. Release the records' buffers and
 * errors with credence_batch_results_free(results, count); the array itself stays the
 * caller's. */
CREDENCE_C_API credence_status_code credence_score_batch(
    const credence_engine* engine, const credence_bytes* requests, size_t count,
    credence_wire_format format, int threads, credence_batch_result* results,
    credence_error** error);

/* Releases every response buffer and error in results[0..count) and resets them. NULL is a
 * no-op. */
CREDENCE_C_API void credence_batch_results_free(credence_batch_result* results, size_t count);

/* The feature values of one request, in credence_engine_feature_name order (NaN = missing).
 * On success *values receives *count (= credence_engine_feature_count) doubles owned by the
 * caller, released with credence_features_free; on failure *values = NULL, *count = 0.
 * Errors as credence_score. */
CREDENCE_C_API credence_status_code credence_compute_features(const credence_engine* engine,
                                                              const void* request,
                                                              size_t request_size,
                                                              credence_wire_format format,
                                                              double** values, size_t* count,
                                                              credence_error** error);
/* Releases values returned by credence_compute_features. NULL is a no-op. */
CREDENCE_C_API void credence_features_free(double* values);

/* ---- Predictors: one model over rows of a table (credence/predictor.h) ----------------- */

/* A loaded model. Opaque, immutable, thread-safe. */
typedef struct credence_predictor credence_predictor;

/* What a model file holds; identical to credence::ModelFormat. */
typedef enum credence_model_format {
  CREDENCE_MODEL_AUTO = 0,          /* told from the content */
  CREDENCE_MODEL_XGBOOST_JSON = 1,  /* XGBoost's JSON model */
  CREDENCE_MODEL_LIGHTGBM_TEXT = 2, /* LightGBM's text model */
  CREDENCE_MODEL_CREDENCE = 3,      /* a credence.v1.Model, text format or JSON */
  CREDENCE_MODEL_BUNDLE = 4,        /* a bundle file or folder: one of its models */
  CREDENCE_MODEL_FORMAT_MIN_ = -2147483647 - 1, /* not formats: the type spans every int */
  CREDENCE_MODEL_FORMAT_MAX_ = 2147483647
} credence_model_format;

/* What credence_predictor_predict writes; identical to credence::PredictOutput. */
typedef enum credence_predict_output {
  CREDENCE_PREDICT_PREDICTION = 0,    /* the model's output (probability for PD models) */
  CREDENCE_PREDICT_MARGIN = 1,        /* the margin (scorecards: the points) */
  CREDENCE_PREDICT_CONTRIBUTIONS = 2, /* per input, then the bias (TreeSHAP, coefficients) */
  CREDENCE_PREDICT_OUTPUT_MIN_ = -2147483647 - 1, /* not outputs: the type spans every int */
  CREDENCE_PREDICT_OUTPUT_MAX_ = 2147483647
} credence_predict_output;

/* Loads the model at `path` (see credence/predictor.h for what is recognised). `model_id`
 * picks a bundle's model (NULL or "" = its credit model, else its only model). On success
 * *out receives a new predictor owned by the caller (credence_predictor_free). Errors carry
 * the file: NOT_FOUND, INVALID_ARGUMENT (not a model; the message says why), DATA_LOSS,
 * OUT_OF_RANGE; INVALID_ARGUMENT for a NULL argument or an unknown format. */
CREDENCE_C_API credence_status_code credence_predictor_load(const char* path,
                                                            credence_model_format format,
                                                            const char* model_id,
                                                            credence_predictor** out,
                                                            credence_error** error);

/* Releases a predictor. NULL is a no-op. */
CREDENCE_C_API void credence_predictor_free(credence_predictor* predictor);

/* The numeric columns the model reads, in model order; NULL past the end. Strings belong to
 * the predictor. */
CREDENCE_C_API size_t credence_predictor_input_count(const credence_predictor* predictor);
CREDENCE_C_API const char* credence_predictor_input_name(const credence_predictor* predictor,
                                                         size_t index);

/* Values per row that credence_predictor_predict writes for `output` (0 for an unknown
 * output): 1, or for contributions the inputs (scorecards: characteristics) plus the bias. */
CREDENCE_C_API size_t credence_predictor_output_width(const credence_predictor* predictor,
                                                      credence_predict_output output);

/* Predicts `rows` rows of a numeric table: `table` holds rows x width doubles, row-major
 * (NaN = missing), and columns[0..width) name its columns; the model's inputs are found by
 * name, other columns are ignored. The caller allocates `out` with out_size =
 * rows * credence_predictor_output_width(predictor, output) doubles; out[r * width_out + k]
 * receives value k of row r. A row the model cannot score gets NaN. Errors: INVALID_ARGUMENT
 * (a column the model reads is missing, naming it; a wrong out_size; NULL arguments; a model
 * that reads string columns), FAILED_PRECONDITION (contributions of a tree file without node
 * covers). On error `out` may have been partly written. */
CREDENCE_C_API credence_status_code credence_predictor_predict(
    const credence_predictor* predictor, const double* table, size_t rows, size_t width,
    const char* const* columns, credence_predict_output output, double* out, size_t out_size,
    credence_error** error);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* CREDENCE_C_API_H_ */
