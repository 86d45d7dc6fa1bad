#include "credence/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "credence/result.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::IsOk;
using ::credence::testing::IsOkAndHolds;
using ::credence::testing::StatusIs;
using ::testing::Eq;
using ::testing::HasSubstr;

TEST(StatusTest, DefaultIsOkWithoutLocation) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.location(), nullptr);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, OkCodeDropsMessage) {
  Status s(StatusCode::kOk, "ignored", {.file = "x"});
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.location(), nullptr);
}

TEST(StatusTest, ToStringIncludesEveryLocationPart) {
  Status s = InvalidArgumentError("unknown feature 'x'",
                                  {.file = "rules/limits.cel", .line = 3, .column = 14});
  EXPECT_EQ(s.ToString(), "INVALID_ARGUMENT: rules/limits.cel:3:14: unknown feature 'x'");
  Status e = OutOfRangeError("too big", {.field_path = "events[7].amount", .event_index = 7});
  EXPECT_EQ(e.ToString(), "OUT_OF_RANGE: events[7].amount: event 7: too big");
  ASSERT_NE(e.location(), nullptr);
  EXPECT_EQ(e.location()->event_index, 7);
  EXPECT_EQ(e.location()->field_path, "events[7].amount");
}

TEST(StatusTest, FactoriesSetTheirCodes) {
  EXPECT_EQ(InvalidArgumentError("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NotFoundError("").code(), StatusCode::kNotFound);
  EXPECT_EQ(ResourceExhaustedError("").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(FailedPreconditionError("").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(OutOfRangeError("").code(), StatusCode::kOutOfRange);
  EXPECT_EQ(UnimplementedError("").code(), StatusCode::kUnimplemented);
  EXPECT_EQ(InternalError("").code(), StatusCode::kInternal);
  EXPECT_EQ(DataLossError("").code(), StatusCode::kDataLoss);
  // The numbers are part of the C ABI and match google.rpc.Code.
  EXPECT_EQ(static_cast<int>(StatusCode::kInvalidArgument), 3);
  EXPECT_EQ(static_cast<int>(StatusCode::kOutOfRange), 11);
  EXPECT_EQ(static_cast<int>(StatusCode::kDataLoss), 15);
}

TEST(StatusTest, PrefixAndLocationKeepCode) {
  Status s = NotFoundError("no such file").WithPrefix("loading bundle");
  EXPECT_THAT(s, StatusIs(StatusCode::kNotFound, Eq("loading bundle: no such file")));
  Status t = s.WithLocation({.file = "b.textproto", .line = 2});
  ASSERT_NE(t.location(), nullptr);
  EXPECT_EQ(t.location()->file, "b.textproto");
  EXPECT_EQ(t.location()->line, 2);
  EXPECT_TRUE(OkStatus().WithPrefix("x").ok());
}

TEST(StatusTest, EqualityComparesContent) {
  EXPECT_EQ(InvalidArgumentError("a"), InvalidArgumentError("a"));
  EXPECT_FALSE(InvalidArgumentError("a") == InvalidArgumentError("b"));
  EXPECT_FALSE(InvalidArgumentError("a") == NotFoundError("a"));
  EXPECT_FALSE(InvalidArgumentError("a") == OkStatus());
  EXPECT_EQ(OkStatus(), Status());
}

TEST(StatusTest, CodeNames) {
  EXPECT_EQ(StatusCodeName(StatusCode::kUnimplemented), "UNIMPLEMENTED");
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(99)), "UNKNOWN_CODE");
}

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  CREDENCE_ASSIGN_OR_RETURN(int h, Half(x));
  CREDENCE_ASSIGN_OR_RETURN(h, Half(h));
  return h;
}

Status CheckEven(int x) {
  CREDENCE_RETURN_IF_ERROR(Half(x).status());
  return OkStatus();
}

TEST(ResultTest, HoldsValueOrError) {
  EXPECT_THAT(Half(4), IsOkAndHolds(Eq(2)));
  EXPECT_THAT(Half(3), StatusIs(StatusCode::kInvalidArgument, HasSubstr("odd")));
  EXPECT_THAT(Quarter(8), IsOkAndHolds(Eq(2)));
  EXPECT_THAT(Quarter(6), StatusIs(StatusCode::kInvalidArgument, Eq("odd")));
  EXPECT_THAT(CheckEven(2), IsOk());
  EXPECT_THAT(CheckEven(1), StatusIs(StatusCode::kInvalidArgument, Eq("odd")));
  EXPECT_EQ(Half(3).value_or(-1), -1);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> r = Half(1);
  EXPECT_DEATH((void)r.value(), "odd");
}

TEST(ResultDeathTest, OkStatusIsRejected) {
  EXPECT_DEATH(
      {
        Result<int> r{OkStatus()};
        (void)r;
      },
      "OK Status");
}

}  // namespace
}  // namespace credence
