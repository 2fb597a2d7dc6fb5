// Tests of reports/src/result.cc: verdict names.
#include "wskconf/reports/result.h"

#include <gtest/gtest.h>

namespace wskconf::reports {
namespace {

TEST(VerdictNameTest, EveryVerdictRoundTripsThroughItsName) {
  for (Verdict verdict : {Verdict::kPass, Verdict::kFail, Verdict::kWarn,
                          Verdict::kSkip, Verdict::kError}) {
    std::optional<Verdict> parsed = ParseVerdict(VerdictName(verdict));
    ASSERT_TRUE(parsed.has_value()) << VerdictName(verdict);
    EXPECT_EQ(*parsed, verdict);
  }
}

TEST(VerdictNameTest, NamesAreTheLowercaseWords) {
  EXPECT_EQ(VerdictName(Verdict::kPass), "pass");
  EXPECT_EQ(VerdictName(Verdict::kFail), "fail");
  EXPECT_EQ(VerdictName(Verdict::kWarn), "warn");
  EXPECT_EQ(VerdictName(Verdict::kSkip), "skip");
  EXPECT_EQ(VerdictName(Verdict::kError), "error");
}

TEST(VerdictNameTest, UnknownOrDifferentlyCasedNamesAreRejected) {
  EXPECT_FALSE(ParseVerdict("PASS").has_value());
  EXPECT_FALSE(ParseVerdict("").has_value());
  EXPECT_FALSE(ParseVerdict("passed").has_value());
}

TEST(CaseResultTest, DefaultsAreNoLineNoTimeAndErrorUntilAVerdictIsSet) {
  CaseResult result;
  EXPECT_EQ(result.spec_line, 0);
  EXPECT_EQ(result.seconds, 0);
  EXPECT_EQ(result.verdict, Verdict::kError);
}

}  // namespace
}  // namespace wskconf::reports
