// GoogleTest matchers for Status and Result (Abseil 20220623 predates its own).
//
//   EXPECT_THAT(s, IsOk());
//   EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, HasSubstr("as_of")));
//   EXPECT_THAT(result, IsOkAndHolds(Eq(3)));
//   ASSERT_OK_AND_ASSIGN(auto engine, Engine::Compile(bundle));
#ifndef CREDENCE_TESTS_TESTING_STATUS_MATCHERS_H_
#define CREDENCE_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <utility>

#include "credence/result.h"
#include "credence/status.h"

namespace credence {

inline void PrintTo(const Status& s, std::ostream* os) { *os << s.ToString(); }
template <typename T>
void PrintTo(const Result<T>& r, std::ostream* os) {
  *os << (r.ok() ? std::string("Result(OK)") : r.status().ToString());
}

namespace testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) {
  return r.status();
}

MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  const Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P2(StatusIs, code, message_matcher,
           std::string("has code ") + std::string(StatusCodeName(code))) {
  const Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  if (s.code() != code) return false;
  return ::testing::ExplainMatchResult(message_matcher, std::string(s.message()), result_listener);
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a value that matches") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace testing
}  // namespace credence

#define CREDENCE_TEST_CONCAT_(a, b) a##b
#define CREDENCE_TEST_CONCAT(a, b) CREDENCE_TEST_CONCAT_(a, b)
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::credence::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::credence::testing::IsOk())
#define CREDENCE_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                       \
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();         \
  lhs = std::move(tmp).value()
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  CREDENCE_ASSERT_OK_AND_ASSIGN_IMPL(CREDENCE_TEST_CONCAT(result_, __LINE__), lhs, rexpr)

#endif  // CREDENCE_TESTS_TESTING_STATUS_MATCHERS_H_
