// Tests of Status / StatusOr and the WSKCONF_RETURN_IF_ERROR macros
// (conformance/include/wskconf/status.h).
#include "wskconf/status.h"

#include <string>

#include <gtest/gtest.h>

namespace wskconf::conformance {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status, OkStatus());
}

TEST(StatusTest, ErrorsCarryCodeAndMessage) {
  EXPECT_EQ(InvalidArgumentError("a").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NotFoundError("b").code(), StatusCode::kNotFound);
  EXPECT_EQ(FailedPreconditionError("c").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ResourceExhaustedError("d").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(InternalError("e").code(), StatusCode::kInternal);
  const Status error = NotFoundError("spec/x.xml: no such file");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.message(), "spec/x.xml: no such file");
}

TEST(StatusOrTest, HoldsValueOrStatus) {
  StatusOr<std::string> value = std::string("hello");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "hello");
  EXPECT_EQ(value->size(), 5u);
  EXPECT_TRUE(value.status().ok());

  StatusOr<std::string> error = InvalidArgumentError("bad");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().message(), "bad");
}

TEST(StatusOrTest, OkStatusWithoutValueIsAnInternalError) {
  const StatusOr<int> broken = OkStatus();
  EXPECT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kInternal);
}

Status FailWhen(bool fail) {
  return fail ? InvalidArgumentError("failed") : OkStatus();
}

Status Chain(bool fail, int* reached) {
  WSKCONF_RETURN_IF_ERROR(FailWhen(fail));
  *reached = 1;
  return OkStatus();
}

TEST(StatusTest, ReturnIfErrorStopsAtTheFirstError) {
  int reached = 0;
  EXPECT_EQ(Chain(true, &reached).message(), "failed");
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(Chain(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

StatusOr<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgumentError("odd");
  return n / 2;
}

StatusOr<int> Quarter(int n) {
  WSKCONF_ASSIGN_OR_RETURN(const int half, Half(n));
  WSKCONF_ASSIGN_OR_RETURN(const int quarter, Half(half));
  return quarter;
}

TEST(StatusOrTest, AssignOrReturnPropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  EXPECT_EQ(Quarter(7).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wskconf::conformance
