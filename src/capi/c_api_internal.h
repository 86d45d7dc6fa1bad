// What the C API's source files share: the error object behind credence_error and the guard
// that turns every exception into a status code at the boundary (xgboost's API_BEGIN/END).
#ifndef CREDENCE_CAPI_C_API_INTERNAL_H_
#define CREDENCE_CAPI_C_API_INTERNAL_H_

#include <cstdint>
#include <exception>
#include <new>
#include <string>

#include "credence/c_api.h"
#include "credence/status.h"

// A plain value owned by one caller.
struct credence_error {
  credence_status_code code;
  std::string message, location, file, field_path, text;
  int line = 0, column = 0;
  std::int64_t event_index = -1;
};

namespace credence::capi_internal {

// A new error describing `status`.
credence_error* MakeError(const Status& status);

// Reports `status` through `error` (when the caller asked) and returns its code.
credence_status_code Fail(const Status& status, credence_error** error);

// INVALID_ARGUMENT "<what> must not be NULL".
Status NullArgument(const char* what);

// Runs `body` (returning credence_status_code), turning any exception into an error.
template <typename F>
credence_status_code Guard(credence_error** error, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(Status(StatusCode::kResourceExhausted, "out of memory"), error);
  } catch (const std::exception& e) {
    return Fail(Status(StatusCode::kInternal, std::string("unexpected exception: ") + e.what()),
                error);
  } catch (...) {
    return Fail(Status(StatusCode::kInternal, "unexpected exception"), error);
  }
}

}  // namespace credence::capi_internal

#endif  // CREDENCE_CAPI_C_API_INTERNAL_H_
