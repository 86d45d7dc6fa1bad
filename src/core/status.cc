// Status and Result support code.
#include "credence/status.h"

#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string>

#include "credence/result.h"

namespace credence {

struct Status::Rep {
  StatusCode code;
  std::string message;
  SourceLocation where;
  bool has_location;
};

std::string_view StatusCodeName(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kCancelled:
      return "CANCELLED";
    case StatusCode::kUnknown:
      return "UNKNOWN";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kAborted:
      return "ABORTED";
    case StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case StatusCode::kInternal:
      return "INTERNAL";
    case StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case StatusCode::kDataLoss:
      return "DATA_LOSS";
  }
  return "UNKNOWN_CODE";
}

std::string SourceLocation::ToString() const {
  std::string out;
  auto sep = [&out] {
    if (!out.empty()) out += ": ";
  };
  if (!file.empty() || line > 0) {
    out += file.empty() ? "<input>" : file;
    if (line > 0) {
      out += ':' + std::to_string(line);
      if (column > 0) out += ':' + std::to_string(column);
    }
  }
  if (!field_path.empty()) {
    sep();
    out += field_path;
  }
  if (event_index >= 0) {
    sep();
    out += "event " + std::to_string(event_index);
  }
  return out;
}

Status::Status(StatusCode code, std::string_view message, SourceLocation where) {
  if (code == StatusCode::kOk) return;
  const bool has_location = !where.empty();
  rep_ =
      std::make_shared<const Rep>(Rep{code, std::string(message), std::move(where), has_location});
}

StatusCode Status::code() const noexcept { return rep_ ? rep_->code : StatusCode::kOk; }

std::string_view Status::message() const noexcept {
  return rep_ ? std::string_view(rep_->message) : std::string_view();
}

const SourceLocation* Status::location() const noexcept {
  return rep_ && rep_->has_location ? &rep_->where : nullptr;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(rep_->code));
  out += ": ";
  if (rep_->has_location) {
    out += rep_->where.ToString();
    out += ": ";
  }
  out += rep_->message;
  return out;
}

Status Status::WithPrefix(std::string_view prefix) const {
  if (ok()) return *this;
  std::string message(prefix);
  message += ": ";
  message += rep_->message;
  return Status(rep_->code, message, rep_->where);
}

Status Status::WithLocation(const SourceLocation& where) const {
  if (ok()) return *this;
  SourceLocation merged = rep_->where;
  if (!where.file.empty()) merged.file = where.file;
  if (where.line > 0) merged.line = where.line;
  if (where.column > 0) merged.column = where.column;
  if (!where.field_path.empty()) merged.field_path = where.field_path;
  if (where.event_index >= 0) merged.event_index = where.event_index;
  return Status(rep_->code, rep_->message, std::move(merged));
}

bool operator==(const Status& a, const Status& b) noexcept {
  if (a.rep_ == b.rep_) return true;
  if (!a.rep_ || !b.rep_) return false;
  const auto& x = *a.rep_;
  const auto& y = *b.rep_;
  return x.code == y.code && x.message == y.message && x.where.file == y.where.file &&
         x.where.line == y.where.line && x.where.column == y.where.column &&
         x.where.field_path == y.where.field_path && x.where.event_index == y.where.event_index;
}

std::ostream& operator<<(std::ostream& os, const Status& status) { return os << status.ToString(); }

#define CREDENCE_DEFINE_ERROR_FACTORY(Name, code)               \
  Status Name(std::string_view message, SourceLocation where) { \
    return Status(StatusCode::code, message, std::move(where)); \
  }
CREDENCE_DEFINE_ERROR_FACTORY(InvalidArgumentError, kInvalidArgument)
CREDENCE_DEFINE_ERROR_FACTORY(NotFoundError, kNotFound)
CREDENCE_DEFINE_ERROR_FACTORY(ResourceExhaustedError, kResourceExhausted)
CREDENCE_DEFINE_ERROR_FACTORY(FailedPreconditionError, kFailedPrecondition)
CREDENCE_DEFINE_ERROR_FACTORY(OutOfRangeError, kOutOfRange)
CREDENCE_DEFINE_ERROR_FACTORY(UnimplementedError, kUnimplemented)
CREDENCE_DEFINE_ERROR_FACTORY(InternalError, kInternal)
CREDENCE_DEFINE_ERROR_FACTORY(DataLossError, kDataLoss)
#undef CREDENCE_DEFINE_ERROR_FACTORY

namespace internal {
void DieOnBadResultAccess(const Status& status) {
  std::fprintf(stderr, "credence: value() called on a Result holding an error: %s\n",
               status.ToString().c_str());
  std::abort();
}
void DieOnOkStatusInResult() {
  std::fprintf(stderr, "credence: a Result was constructed from an OK Status\n");
  std::abort();
}
}  // namespace internal

}  // namespace credence
