// File: credence/result.h
//
// Result<T> holds either a T or a non-OK Status (absl::StatusOr's shape).
//
// **Example**:
//
//   credence::Result<credence::LoadedBundle> bundle = credence::LoadBundle("models/starter");
//   if (!bundle.ok()) return bundle.status();
//   Use(bundle->bundle);
//
// Result is thread-compatible. Accessing the value of a Result that holds an error is a bug
// in the caller: it aborts the process after printing the status (it does not throw).
#ifndef CREDENCE_RESULT_H_
#define CREDENCE_RESULT_H_

#include <type_traits>
#include <utility>
#include <variant>

#include "credence/export.h"
#include "credence/status.h"

namespace credence {
namespace internal {
// Prints `status` and the misuse to stderr, then aborts.
[[noreturn]] CREDENCE_EXPORT void DieOnBadResultAccess(const Status& status);
[[noreturn]] CREDENCE_EXPORT void DieOnOkStatusInResult();
}  // namespace internal

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Status>, "Result<Status> is not allowed");

 public:
  Result(const T& value) : v_(std::in_place_index<1>, value) {}        // NOLINT: implicit
  Result(T&& value) : v_(std::in_place_index<1>, std::move(value)) {}  // NOLINT: implicit
  // REQUIRES: !status.ok(). Passing an OK status is a bug and aborts.
  Result(Status status) : v_(std::in_place_index<0>, std::move(status)) {  // NOLINT: implicit
    if (std::get<0>(v_).ok()) internal::DieOnOkStatusInResult();
  }
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Status> && !std::is_same_v<std::decay_t<U>, Result<T>>)
      Result(U&& value)
      : v_(std::in_place_index<1>, std::forward<U>(value)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 1; }

  // OK when ok(); the error otherwise.
  const Status& status() const& noexcept {
    static const Status kOk;  // immutable, shared by all instantiations of this T
    return ok() ? kOk : std::get<0>(v_);
  }
  Status status() && { return ok() ? Status() : std::move(std::get<0>(v_)); }

  // REQUIRES: ok(); aborts otherwise, printing the status.
  const T& value() const& {
    Check();
    return std::get<1>(v_);
  }
  T& value() & {
    Check();
    return std::get<1>(v_);
  }
  T&& value() && {
    Check();
    return std::get<1>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The value when ok(), `fallback` otherwise.
  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<1>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void Check() const {
    if (!ok()) internal::DieOnBadResultAccess(std::get<0>(v_));
  }
  std::variant<Status, T> v_;
};

}  // namespace credence

#define CREDENCE_INTERNAL_CONCAT_(a, b) a##b
#define CREDENCE_INTERNAL_CONCAT(a, b) CREDENCE_INTERNAL_CONCAT_(a, b)
#define CREDENCE_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                       \
  if (!tmp.ok()) return std::move(tmp).status();            \
  lhs = std::move(tmp).value()

// Evaluates `rexpr` (a Result<T>); on error returns its Status from the enclosing function,
// otherwise assigns the value to `lhs` (which may be a declaration: `auto x`).
#define CREDENCE_ASSIGN_OR_RETURN(lhs, rexpr)                                                   \
  CREDENCE_INTERNAL_ASSIGN_OR_RETURN(CREDENCE_INTERNAL_CONCAT(credence_result_, __LINE__), lhs, \
                                     rexpr)

#endif  // CREDENCE_RESULT_H_
