/* A host application using an installed credence through the C API.
 *   c_consumer BUNDLE REQUESTS.jsonl
 * Scores the first request and prints the response JSON line (the same bytes as
 * `credence score`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credence/c_api.h"

int main(int argc, char** argv) {
  static char line[1 << 20];
  credence_engine* engine = NULL;
  credence_error* error = NULL;
  credence_buffer response = {NULL, 0};
  FILE* in;
  size_t len;
  int rc = 0;
  if (argc != 3) {
    fprintf(stderr, "usage: c_consumer BUNDLE REQUESTS.jsonl\n");
    return 2;
  }
  in = fopen(argv[2], "rb");
  if (in == NULL || fgets(line, sizeof line, in) == NULL) {
    fprintf(stderr, "no request in %s\n", argv[2]);
    return 1;
  }
  fclose(in);
  len = strlen(line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
  if (credence_engine_load(argv[1], &engine, &error) != CREDENCE_OK) {
    fprintf(stderr, "%s\n", credence_error_string(error));
    credence_error_free(error);
    return 1;
  }
  if (credence_score(engine, line, len, CREDENCE_WIRE_JSON, &response, &error) == CREDENCE_OK) {
    fwrite(response.data, 1, response.size, stdout);
    fputc('\n', stdout);
    credence_buffer_free(&response);
  } else {
    fprintf(stderr, "%s\n", credence_error_string(error));
    credence_error_free(error);
    rc = 1;
  }
  credence_engine_free(engine);
  return rc;
}
