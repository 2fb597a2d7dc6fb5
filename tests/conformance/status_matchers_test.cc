// NTSTATUS matchers print names; status classes follow spec/README.md.
#include "wskconf/conformance/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wskconf::conformance {
namespace {

std::string Explain(const ::testing::Matcher<NTSTATUS>& matcher,
                    NTSTATUS actual) {
  ::testing::StringMatchResultListener listener;
  matcher.MatchAndExplain(actual, &listener);
  return listener.str();
}

TEST(StatusMatchers, StatusIsDescribesBothSidesByName) {
  auto matcher = StatusIs(STATUS_INVALID_PARAMETER);
  EXPECT_TRUE(matcher.Matches(STATUS_INVALID_PARAMETER));
  EXPECT_FALSE(matcher.Matches(STATUS_SUCCESS));
  EXPECT_EQ(::testing::DescribeMatcher<NTSTATUS>(matcher),
            "is STATUS_INVALID_PARAMETER (0xC000000D)");
  EXPECT_EQ(Explain(matcher, STATUS_NOT_SUPPORTED),
            "which is STATUS_NOT_SUPPORTED (0xC00000BB)");
}

TEST(StatusMatchers, UnknownValueIsPrintedInHex) {
  EXPECT_EQ(StatusText(static_cast<NTSTATUS>(0x12345678)), "0x12345678");
}

TEST(StatusMatchers, Classes) {
  EXPECT_TRUE(InStatusClass(STATUS_SUCCESS, StatusClass::kSuccess));
  EXPECT_FALSE(InStatusClass(STATUS_PENDING, StatusClass::kSuccess));
  EXPECT_TRUE(InStatusClass(STATUS_PENDING, StatusClass::kPending));
  EXPECT_TRUE(InStatusClass(STATUS_PENDING, StatusClass::kSuccessOrPending));
  EXPECT_TRUE(InStatusClass(STATUS_BUFFER_OVERFLOW, StatusClass::kFailure));
  EXPECT_TRUE(InStatusClass(STATUS_INVALID_PARAMETER, StatusClass::kFailure));
  EXPECT_FALSE(InStatusClass(STATUS_SUCCESS, StatusClass::kFailure));
  EXPECT_FALSE(
      InStatusClass(STATUS_INVALID_PARAMETER, StatusClass::kSuccessOrPending));
}

TEST(StatusMatchers, ClassNamesRoundTrip) {
  for (auto status_class :
       {StatusClass::kSuccess, StatusClass::kPending, StatusClass::kFailure,
        StatusClass::kSuccessOrPending}) {
    StatusClass parsed;
    ASSERT_TRUE(ParseStatusClass(StatusClassName(status_class), &parsed));
    EXPECT_EQ(parsed, status_class);
  }
  StatusClass parsed;
  EXPECT_FALSE(ParseStatusClass("sucess", &parsed));
}

TEST(StatusMatchers, StatusInClassExplainsTheActualStatus) {
  auto matcher = StatusInClass(StatusClass::kFailure);
  EXPECT_EQ(Explain(matcher, STATUS_SUCCESS),
            "which is STATUS_SUCCESS (0x00000000)");
  EXPECT_EQ(::testing::DescribeMatcher<NTSTATUS>(matcher),
            "is a status of class failure");
}

}  // namespace
}  // namespace wskconf::conformance
