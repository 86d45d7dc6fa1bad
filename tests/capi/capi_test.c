/* Tests the C API from C11: loading (and its errors), scoring, batch scoring with a bad
 * record, features, and freeing everything (the ASan build checks for leaks).
 *
 * usage: credence_capi_test SOURCE_DIR CREDENCE_CLI
 * The reference for every response is the `credence score` command line tool, which goes
 * through the C++ API: the C API must return the same bytes. */
#include "credence/c_api.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credence/version.h"

static int failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                    \
    }                                                                \
  } while (0)

#define CHECK_CODE(got, want)                                                          \
  do {                                                                                 \
    credence_status_code got_ = (got);                                                 \
    if (got_ != (want)) {                                                              \
      fprintf(stderr, "%s:%d: got %s, want %s\n", __FILE__, __LINE__,                  \
              credence_status_code_name(got_), credence_status_code_name(want));       \
      ++failures;                                                                      \
    }                                                                                  \
  } while (0)

/* Reads up to `max` non-blank lines of a file; returns the count. Lines are malloc'ed. */
static size_t read_lines(const char* path, char** lines, size_t max) {
  FILE* f = fopen(path, "rb");
  size_t n = 0;
  static char buf[1 << 20];
  if (f == NULL) return 0;
  while (n < max && fgets(buf, sizeof buf, f) != NULL) {
    size_t len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
    if (len == 0) continue;
    lines[n] = malloc(len + 1);
    memcpy(lines[n], buf, len + 1);
    ++n;
  }
  fclose(f);
  return n;
}

/* The CLI's output for `in_path`, one malloc'ed string per line. */
static size_t cli_output(const char* cli, const char* bundle, const char* in_path, char** lines,
                         size_t max) {
  char command[16384];
  char out_path[] = "/tmp/credence_capi_test_XXXXXX";
  int fd = mkstemp(out_path);
  size_t n;
  if (fd < 0) return 0;
  snprintf(command, sizeof command, "'%s' score --bundle '%s' --in '%s' > '%s'", cli, bundle,
           in_path, out_path);
  if (system(command) == -1) return 0;
  n = read_lines(out_path, lines, max);
  remove(out_path);
  return n;
}

static char* buffer_string(const credence_buffer* b) {
  char* s = malloc(b->size + 1);
  memcpy(s, b->data, b->size);
  s[b->size] = '\0';
  return s;
}

static void test_version(void) {
  CHECK(strcmp(credence_version(), CREDENCE_VERSION_STRING) == 0);
  CHECK(strcmp(credence_status_code_name(CREDENCE_INVALID_ARGUMENT), "INVALID_ARGUMENT") == 0);
  CHECK(strcmp(credence_status_code_name((credence_status_code)99), "UNKNOWN_CODE") == 0);
}

static void test_load_errors(const char* source_dir) {
  credence_engine* engine = (credence_engine*)1;
  credence_error* error = NULL;
  char path[4096];
  static const char bad_bundle[] =
      "metadata { name: \"bad\" version: \"1\" }\n"
      "base_currency: \"USD\"\n"
      "features { name: \"x\" no_such_field: 1 }\n";
  static const char bad_reference[] =
      "metadata { name: \"bad\" version: \"1\" }\n"
      "base_currency: \"USD\"\n"
      "credit { model: \"nope\" }\n";

  snprintf(path, sizeof path, "%s/models/no_such_bundle", source_dir);
  CHECK_CODE(credence_engine_load(path, &engine, &error), CREDENCE_NOT_FOUND);
  CHECK(engine == NULL);
  CHECK(error != NULL);
  if (error != NULL) {
    CHECK(credence_error_code(error) == CREDENCE_NOT_FOUND);
    CHECK(strstr(credence_error_string(error), "NOT_FOUND") == credence_error_string(error));
    credence_error_free(error);
    error = NULL;
  }
  /* The caller may decline the details. */
  CHECK_CODE(credence_engine_load(path, &engine, NULL), CREDENCE_NOT_FOUND);
  CHECK_CODE(credence_engine_load(NULL, &engine, &error), CREDENCE_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(credence_error_message(error), "path") != NULL);
  credence_error_free(error);
  error = NULL;
  CHECK_CODE(credence_engine_load(path, NULL, NULL), CREDENCE_INVALID_ARGUMENT);

  /* A syntax error: located at line 3 of the named bundle. */
  CHECK_CODE(credence_engine_load_bytes(bad_bundle, sizeof bad_bundle - 1, CREDENCE_BUNDLE_TEXT,
                                        NULL, "mem.textproto", &engine, &error),
             CREDENCE_INVALID_ARGUMENT);
  CHECK(engine == NULL);
  if (error != NULL) {
    CHECK(strcmp(credence_error_file(error), "mem.textproto") == 0);
    CHECK(credence_error_line(error) == 3);
    CHECK(credence_error_column(error) > 0);
    CHECK(strstr(credence_error_location(error), "mem.textproto:3:") != NULL);
    CHECK(strstr(credence_error_message(error), "no_such_field") != NULL);
    credence_error_free(error);
    error = NULL;
  }
  /* A compile error: an unknown model, located at its line with a field path. */
  CHECK_CODE(credence_engine_load_bytes(bad_reference, sizeof bad_reference - 1,
                                        CREDENCE_BUNDLE_AUTO, NULL, "ref.textproto", &engine,
                                        &error),
             CREDENCE_INVALID_ARGUMENT);
  if (error != NULL) {
    CHECK(credence_error_line(error) == 3);
    CHECK(strcmp(credence_error_field_path(error), "credit.model") == 0);
    CHECK(strstr(credence_error_message(error), "unknown model 'nope'") != NULL);
    CHECK(credence_error_event_index(error) == -1);
    credence_error_free(error);
    error = NULL;
  }
  /* Undecodable binary. */
  CHECK_CODE(credence_engine_load_bytes("\xff\xff\xff", 3, CREDENCE_BUNDLE_BINARY, NULL, NULL,
                                        &engine, &error),
             CREDENCE_DATA_LOSS);
  credence_error_free(error);
  error = NULL;
  CHECK_CODE(credence_engine_load_bytes(bad_bundle, 4, (credence_bundle_format)9, NULL, NULL,
                                        &engine, &error),
             CREDENCE_INVALID_ARGUMENT);
  credence_error_free(error);
  credence_error_free(NULL);
}

static void test_scoring(const char* source_dir, const char* cli) {
  char bundle[4096], requests_path[4096];
  char* requests[64];
  char* expected[64];
  size_t n, n_expected, i;
  credence_engine* engine = NULL;
  credence_error* error = NULL;
  credence_buffer response = {NULL, 0};

  snprintf(bundle, sizeof bundle, "%s/models/starter", source_dir);
  snprintf(requests_path, sizeof requests_path, "%s/examples/requests.jsonl", source_dir);
  n = read_lines(requests_path, requests, 64);
  n_expected = cli_output(cli, bundle, requests_path, expected, 64);
  CHECK(n >= 4);
  CHECK(n_expected == n);
  if (n < 4 || n_expected != n) return;

  CHECK_CODE(credence_engine_load(bundle, &engine, &error), CREDENCE_OK);
  if (engine == NULL) {
    fprintf(stderr, "load: %s\n", error ? credence_error_string(error) : "?");
    credence_error_free(error);
    return;
  }
  CHECK(strcmp(credence_engine_name(engine), "starter") == 0);
  CHECK(strncmp(credence_engine_digest(engine), "sha256:", 7) == 0);
  CHECK(strlen(credence_engine_digest(engine)) == 7 + 64);
  CHECK(credence_engine_feature_count(engine) > 0);
  CHECK(credence_engine_feature_name(engine, credence_engine_feature_count(engine)) == NULL);

  /* One at a time, in JSON: byte-identical to the CLI. */
  for (i = 0; i < n; ++i) {
    char* got;
    CHECK_CODE(credence_score(engine, requests[i], strlen(requests[i]), CREDENCE_WIRE_JSON,
                              &response, &error),
               CREDENCE_OK);
    got = buffer_string(&response);
    CHECK(strcmp(got, expected[i]) == 0);
    CHECK(strstr(got, credence_engine_digest(engine)) != NULL);
    free(got);
    credence_buffer_free(&response);
    CHECK(response.data == NULL && response.size == 0);
  }
  credence_buffer_free(&response); /* freeing twice after reset is harmless */
  credence_buffer_free(NULL);

  /* Errors: malformed JSON, malformed binary, a request that fails validation. */
  CHECK_CODE(credence_score(engine, "{\"as_of\":", 9, CREDENCE_WIRE_JSON, &response, &error),
             CREDENCE_INVALID_ARGUMENT);
  CHECK(response.data == NULL);
  credence_error_free(error);
  error = NULL;
  CHECK_CODE(credence_score(engine, "\x0a\xff", 2, CREDENCE_WIRE_BINARY, &response, &error),
             CREDENCE_DATA_LOSS);
  credence_error_free(error);
  error = NULL;
  CHECK_CODE(credence_score(engine, "", 0, CREDENCE_WIRE_BINARY, &response, &error),
             CREDENCE_INVALID_ARGUMENT); /* an empty request has no as_of */
  CHECK(error != NULL && strlen(credence_error_message(error)) > 0);
  credence_error_free(error);
  error = NULL;
  CHECK_CODE(credence_score(engine, requests[0], strlen(requests[0]), (credence_wire_format)0,
                            &response, &error),
             CREDENCE_INVALID_ARGUMENT);
  credence_error_free(error);
  error = NULL;
  CHECK_CODE(credence_score(NULL, requests[0], strlen(requests[0]), CREDENCE_WIRE_JSON, &response,
                            NULL),
             CREDENCE_INVALID_ARGUMENT);

  /* A batch with a bad record in the middle, on 2 threads. */
  {
    credence_bytes batch[5];
    credence_batch_result results[5];
    static const char bad[] = "{\"events\": [{\"kind\": \"NOT_A_KIND\"}]}";
    size_t k;
    for (k = 0; k < 5; ++k) {
      const char* r = k == 2 ? bad : requests[k < 2 ? k : k - 1];
      batch[k].data = r;
      batch[k].size = strlen(r);
    }
    CHECK_CODE(credence_score_batch(engine, batch, 5, CREDENCE_WIRE_JSON, 2, results, &error),
               CREDENCE_OK);
    for (k = 0; k < 5; ++k) {
      if (k == 2) {
        CHECK(results[k].code == CREDENCE_INVALID_ARGUMENT);
        CHECK(results[k].response.data == NULL);
        CHECK(results[k].error != NULL &&
              credence_error_code(results[k].error) == CREDENCE_INVALID_ARGUMENT);
        CHECK(results[k].error != NULL &&
              strstr(credence_error_message(results[k].error), "NOT_A_KIND") != NULL);
      } else {
        char* got = buffer_string(&results[k].response);
        CHECK(results[k].code == CREDENCE_OK);
        CHECK(results[k].error == NULL);
        CHECK(strcmp(got, expected[k < 2 ? k : k - 1]) == 0);
        free(got);
      }
    }
    credence_batch_results_free(results, 5);
    CHECK(results[0].response.data == NULL && results[2].error == NULL);
    CHECK_CODE(credence_score_batch(engine, batch, 5, CREDENCE_WIRE_JSON, 1000, results, &error),
               CREDENCE_OUT_OF_RANGE);
    credence_error_free(error);
    error = NULL;
    /* The one limit: 256 runs, 257 and -1 are rejected naming it, `results` untouched. */
    results[0].code = CREDENCE_DATA_LOSS;
    CHECK_CODE(credence_score_batch(engine, batch, 5, CREDENCE_WIRE_JSON, 257, results, &error),
               CREDENCE_OUT_OF_RANGE);
    CHECK(error != NULL && strstr(credence_error_message(error), "[0, 256]") != NULL);
    CHECK(results[0].code == CREDENCE_DATA_LOSS);
    credence_error_free(error);
    error = NULL;
    CHECK_CODE(credence_score_batch(engine, batch, 5, CREDENCE_WIRE_JSON, -1, results, NULL),
               CREDENCE_OUT_OF_RANGE);
    CHECK_CODE(credence_score_batch(engine, batch, 5, CREDENCE_WIRE_JSON, 256, results, NULL),
               CREDENCE_OK);
    credence_batch_results_free(results, 5);
    CHECK_CODE(credence_score_batch(engine, NULL, 5, CREDENCE_WIRE_JSON, 1, results, NULL),
               CREDENCE_INVALID_ARGUMENT);
    CHECK_CODE(credence_score_batch(engine, NULL, 0, CREDENCE_WIRE_JSON, 1, NULL, NULL),
               CREDENCE_OK);
  }

  /* Features: as many as the engine names; finite or NaN. */
  {
    double* values = NULL;
    size_t count = 0, k;
    CHECK_CODE(credence_compute_features(engine, requests[0], strlen(requests[0]),
                                         CREDENCE_WIRE_JSON, &values, &count, &error),
               CREDENCE_OK);
    CHECK(count == credence_engine_feature_count(engine));
    for (k = 0; k < count; ++k) CHECK(isfinite(values[k]) || isnan(values[k]));
    credence_features_free(values);
    CHECK_CODE(credence_compute_features(engine, "{", 1, CREDENCE_WIRE_JSON, &values, &count,
                                         &error),
               CREDENCE_INVALID_ARGUMENT);
    CHECK(values == NULL && count == 0);
    credence_error_free(error);
  }

  /* The same bundle given as bytes has the same digest. */
  {
    char path[8192];
    FILE* f;
    long size;
    char* bytes;
    credence_engine* again = NULL;
    snprintf(path, sizeof path, "%s/bundle.textproto", bundle);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f != NULL) {
      fseek(f, 0, SEEK_END);
      size = ftell(f);
      fseek(f, 0, SEEK_SET);
      bytes = malloc((size_t)size);
      CHECK(fread(bytes, 1, (size_t)size, f) == (size_t)size);
      fclose(f);
      CHECK_CODE(credence_engine_load_bytes(bytes, (size_t)size, CREDENCE_BUNDLE_AUTO, bundle,
                                            "bundle.textproto", &again, NULL),
                 CREDENCE_OK);
      free(bytes);
      if (again != NULL) {
        CHECK(strcmp(credence_engine_digest(again), credence_engine_digest(engine)) == 0);
      }
      credence_engine_free(again);
    }
  }

  credence_engine_free(engine);
  credence_engine_free(NULL);
  for (i = 0; i < n; ++i) free(requests[i]);
  for (i = 0; i < n_expected; ++i) free(expected[i]);
}

/* One XGBoost fixture of tests/models/data (8 features, XGBoost's margin, 8 SHAP values and
 * the bias per row, written by python3-xgboost): the predictor must give XGBoost's numbers,
 * with the table's columns in reverse order and an extra column it does not read. */
static void test_predictor_fixture(const char* source_dir, const char* name, const char* prefix) {
  char path[4096], names[9][32];
  const char* columns[9];
  char* lines[64];
  double table[64 * 9], margin[64], phi[64 * 9];
  size_t n, i, k;
  credence_predictor* p = NULL;
  credence_error* error = NULL;
  snprintf(path, sizeof path, "%s/tests/models/data/%s.csv", source_dir, name);
  n = read_lines(path, lines, 64) - 1; /* the header */
  CHECK(n > 10);
  snprintf(names[0], sizeof names[0], "unused");
  for (k = 0; k < 8; ++k) snprintf(names[8 - k], sizeof names[0], "%s%zu", prefix, k);
  for (k = 0; k < 9; ++k) columns[k] = names[k];
  double want_margin[64], want_phi[64 * 9];
  for (i = 0; i < n; ++i) {
    const char* cell = lines[i + 1];
    double cells[18];
    for (k = 0; k < 18; ++k) {
      char* end = NULL;
      cells[k] = strncmp(cell, "nan", 3) == 0 ? NAN : strtod(cell, &end);
      cell = strchr(cell, ',');
      if (cell != NULL) ++cell;
      if (cell == NULL) break;
    }
    table[i * 9] = 42;
    for (k = 0; k < 8; ++k) table[i * 9 + 8 - k] = cells[k];
    want_margin[i] = cells[8];
    for (k = 0; k < 9; ++k) want_phi[i * 9 + k] = cells[9 + k];
  }
  snprintf(path, sizeof path, "%s/tests/models/data/%s.json", source_dir, name);
  CHECK_CODE(credence_predictor_load(path, CREDENCE_MODEL_AUTO, NULL, &p, &error), CREDENCE_OK);
  if (p == NULL) {
    credence_error_free(error);
    return;
  }
  CHECK(credence_predictor_input_count(p) == 8);
  CHECK(strncmp(credence_predictor_input_name(p, 0), prefix, strlen(prefix)) == 0);
  CHECK(credence_predictor_input_name(p, 8) == NULL);
  CHECK(credence_predictor_output_width(p, CREDENCE_PREDICT_MARGIN) == 1);
  CHECK(credence_predictor_output_width(p, CREDENCE_PREDICT_CONTRIBUTIONS) == 9);
  CHECK_CODE(credence_predictor_predict(p, table, n, 9, columns, CREDENCE_PREDICT_MARGIN, margin,
                                        n, &error),
             CREDENCE_OK);
  CHECK_CODE(credence_predictor_predict(p, table, n, 9, columns, CREDENCE_PREDICT_CONTRIBUTIONS,
                                        phi, n * 9, &error),
             CREDENCE_OK);
  for (i = 0; i < n; ++i) {
    CHECK(fabs(margin[i] - want_margin[i]) <= 1e-6 * fmax(1.0, fabs(want_margin[i])));
    for (k = 0; k < 9; ++k) {
      const double want = want_phi[i * 9 + k];
      CHECK(fabs(phi[i * 9 + k] - want) <= 1e-5 * fmax(1.0, fabs(want)));
    }
  }
  /* Errors: the shape asked first; a missing column named in the field path. */
  CHECK_CODE(credence_predictor_predict(p, table, n, 9, columns, CREDENCE_PREDICT_MARGIN, margin,
                                        n + 1, NULL),
             CREDENCE_INVALID_ARGUMENT);
  CHECK_CODE(credence_predictor_predict(p, table, n, 8, columns, CREDENCE_PREDICT_MARGIN, margin,
                                        n, &error),
             CREDENCE_INVALID_ARGUMENT);
  CHECK(error != NULL && strcmp(credence_error_field_path(error), names[8]) == 0);
  CHECK(error != NULL && strstr(credence_error_message(error), "no column") != NULL);
  credence_error_free(error);
  error = NULL;
  CHECK_CODE(credence_predictor_predict(p, table, n, 9, NULL, CREDENCE_PREDICT_MARGIN, margin, n,
                                        NULL),
             CREDENCE_INVALID_ARGUMENT);
  CHECK_CODE(credence_predictor_predict(p, table, n, 9, columns, (credence_predict_output)7,
                                        margin, n, NULL),
             CREDENCE_INVALID_ARGUMENT);
  credence_predictor_free(p);
  for (i = 0; i <= n; ++i) free(lines[i]);
}

static void test_predictor(const char* source_dir) {
  credence_predictor* p = NULL;
  credence_error* error = NULL;
  char path[4096];
  test_predictor_fixture(source_dir, "d4_logistic_missing", "feat_");
  test_predictor_fixture(source_dir, "d2_logistic", "f");
  CHECK_CODE(credence_predictor_load("/nonexistent/model.json", CREDENCE_MODEL_AUTO, NULL, &p,
                                     &error),
             CREDENCE_NOT_FOUND);
  CHECK(p == NULL);
  CHECK(error != NULL && strcmp(credence_error_file(error), "/nonexistent/model.json") == 0);
  credence_error_free(error);
  /* A bundle's model by id. */
  snprintf(path, sizeof path, "%s/models/starter", source_dir);
  CHECK_CODE(credence_predictor_load(path, CREDENCE_MODEL_BUNDLE, "starter_pd", &p, NULL),
             CREDENCE_OK);
  CHECK(p != NULL && credence_predictor_input_count(p) > 0);
  credence_predictor_free(p);
  CHECK_CODE(credence_predictor_load(path, (credence_model_format)9, NULL, &p, NULL),
             CREDENCE_INVALID_ARGUMENT);
  CHECK_CODE(credence_predictor_load(NULL, CREDENCE_MODEL_AUTO, NULL, &p, NULL),
             CREDENCE_INVALID_ARGUMENT);
  credence_predictor_free(NULL);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SOURCE_DIR CREDENCE_CLI\n", argv[0]);
    return 2;
  }
  test_version();
  test_load_errors(argv[1]);
  test_scoring(argv[1], argv[2]);
  test_predictor(argv[1]);
  if (failures > 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("capi_test: all checks passed\n");
  return 0;
}
