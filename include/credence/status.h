// File: credence/status.h
//
// How every fallible call in credence reports failure. Nothing throws across the API: a
// function returns a `Status` (or a `Result<T>`, see result.h) that is either OK or carries a
// code, a message and, where it applies, a location (file:line:column in a bundle or rule, a
// protobuf field path, an event index).
//
// **Example**:
//
//   credence::Status s = credence::InvalidArgumentError(
//       "unknown currency 'XYZ'", {.field_path = "events[3].amount.currency_code",
//                                   .event_index = 3});
//   if (!s.ok()) std::cerr << s.ToString() << "\n";
//   // INVALID_ARGUMENT: events[3].amount.currency_code: event 3: unknown currency 'XYZ'
//
// Status is thread-compatible: const methods may be called from several threads at once.
// Copying a Status is cheap (the error payload is shared and immutable); an OK Status holds
// no allocation at all (leveldb's representation).
#ifndef CREDENCE_STATUS_H_
#define CREDENCE_STATUS_H_

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "credence/export.h"

namespace credence {

// Canonical error codes. The numbers match absl::StatusCode and google.rpc.Code; they are
// part of the C ABI and are never renumbered.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  // The caller sent something wrong: a malformed bundle, rule, model or request. Retrying
  // with the same input fails the same way.
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  // A named thing does not exist: a file, a feature, a model id.
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  // A resource budget ran out (for example the evaluation cost budget of a rule).
  kResourceExhausted = 8,
  // The input is valid but the system is in the wrong state for it (for example scoring
  // before a bundle was loaded into an EngineHandle).
  kFailedPrecondition = 9,
  kAborted = 10,
  // A documented limit was exceeded: too many events, too deep an expression, a number
  // that does not fit.
  kOutOfRange = 11,
  // Valid input that uses a feature credence does not implement (CEL outside the subset).
  kUnimplemented = 12,
  // A bug in credence. Please report it.
  kInternal = 13,
  kUnavailable = 14,
  // Data was truncated or corrupted (a file that ends early, a checksum that does not match).
  kDataLoss = 15,
};

// Returns "OK", "INVALID_ARGUMENT", ... for a code; "UNKNOWN_CODE_<n>" for any other value.
CREDENCE_EXPORT std::string_view StatusCodeName(StatusCode code) noexcept;

// Where an error applies. Parts that are unknown stay empty / 0 / -1.
struct CREDENCE_EXPORT SourceLocation {
  std::string file;               // "models/starter/bundle.textproto"
  int line = 0;                   // 1-based; 0 = unknown
  int column = 0;                 // 1-based; 0 = unknown
  std::string field_path;         // "features[2].window.trailing"
  std::int64_t event_index = -1;  // index of the event in the request; -1 = none

  bool empty() const noexcept {
    return file.empty() && line == 0 && column == 0 && field_path.empty() && event_index < 0;
  }
  // "file:line:col: field_path: event N" with absent parts left out; "" when empty().
  std::string ToString() const;
};

class Status;
// Same code, message and location (both OK counts as equal). Declared here, outside the
// class, so that it can be exported; Status names it as a friend.
CREDENCE_EXPORT bool operator==(const Status& a, const Status& b) noexcept;

class [[nodiscard]] CREDENCE_EXPORT Status {
 public:
  // An OK status.
  Status() noexcept = default;
  // REQUIRES: nothing; a Status built with StatusCode::kOk is OK and drops message and location.
  Status(StatusCode code, std::string_view message, SourceLocation where = {});

  bool ok() const noexcept { return rep_ == nullptr; }
  StatusCode code() const noexcept;
  std::string_view message() const noexcept;        // "" when ok()
  const SourceLocation* location() const noexcept;  // nullptr when ok() or when none was given

  // "OK", or "<CODE>: <location>: <message>" (location left out when empty).
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>", same code and location.
  // Returns *this unchanged when ok().
  Status WithPrefix(std::string_view prefix) const;
  // Returns a copy with `where` as its location (fields of `where` that are empty keep the
  // old values). Returns *this unchanged when ok().
  Status WithLocation(const SourceLocation& where) const;

  friend bool operator==(const Status& a, const Status& b) noexcept;

 private:
  struct Rep;
  std::shared_ptr<const Rep> rep_;  // null means OK
};

CREDENCE_EXPORT std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status OkStatus() noexcept { return Status(); }

// A problem found while compiling or validating a bundle: an error, or a warning that does
// not stop compilation. Collected in a std::vector<Issue> by Engine::Compile (cel-cpp's
// ValidationResult).
struct Issue {
  enum class Severity { kWarning, kError };
  Severity severity = Severity::kError;
  Status status;  // code, message, location (file:line:col when the bundle was text)
};

// One factory per code that credence produces.
CREDENCE_EXPORT Status InvalidArgumentError(std::string_view message, SourceLocation where = {});
CREDENCE_EXPORT Status NotFoundError(std::string_view message, SourceLocation where = {});
CREDENCE_EXPORT Status ResourceExhaustedError(std::string_view message, SourceLocation where = {});
CREDENCE_EXPORT Status FailedPreconditionError(std::string_view message, SourceLocation where = {});
CREDENCE_EXPORT Status OutOfRangeError(std::string_view message, SourceLocation where = {});
CREDENCE_EXPORT Status UnimplementedError(std::string_view message, SourceLocation where = {});
CREDENCE_EXPORT Status InternalError(std::string_view message, SourceLocation where = {});
CREDENCE_EXPORT Status DataLossError(std::string_view message, SourceLocation where = {});

}  // namespace credence

// Evaluates `expr` (a Status); returns it from the enclosing function when it is not OK.
#define CREDENCE_RETURN_IF_ERROR(expr)                                        \
  do {                                                                        \
    if (::credence::Status credence_status_ = (expr); !credence_status_.ok()) \
      return credence_status_;                                                \
  } while (0)

#endif  // CREDENCE_STATUS_H_
