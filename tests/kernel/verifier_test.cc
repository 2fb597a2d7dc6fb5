// Tests kernel/src/verifier.cc: the violation record, its handler and echo,
// rule ids, and the KernelTest fixture's contract.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <wskconf/kernel.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernel_test_util.h"

namespace {

using wskconf::testing::KernelTest;

class VerifierTest : public KernelTest {};

TEST_F(VerifierTest, RuleIdsComeFromTheRuleTable) {
  EXPECT_STREQ(WskconfRuleId(WskconfRuleIrpCompletedTwice),
               "Irp.CompletedTwice");
  EXPECT_STREQ(WskconfRuleId(WskconfRuleIrpCompletionMustReturnMoreProcessing),
               "Irp.CallerAllocatedCompletionReturnsMoreProcessing");
  EXPECT_STREQ(WskconfRuleId(WskconfRuleNullArgument), "Kernel.NullArgument");
  EXPECT_STREQ(WskconfRuleId(WskconfRuleCount), "Unknown");
  EXPECT_STRNE(WskconfRuleSummary(WskconfRuleLeakIrp), "");
  EXPECT_STREQ(WskconfRuleSummary(WskconfRuleCount), "");
}

TEST_F(VerifierTest, RuleFromIdRoundTripsEveryRule) {
  for (int rule = 0; rule < WskconfRuleCount; ++rule) {
    const char* id = WskconfRuleId(static_cast<WSKCONF_RULE>(rule));
    EXPECT_EQ(WskconfRuleFromId(id), rule) << id;
  }
  EXPECT_EQ(WskconfRuleFromId("No.SuchRule"), WskconfRuleCount);
  EXPECT_EQ(WskconfRuleFromId(nullptr), WskconfRuleCount);
}

TEST_F(VerifierTest, ReportRecordsRuleObjectAndFormattedMessage) {
  int object = 0;
  WskconfReportViolation(WskconfRuleIrpFreedTwice, &object, "IoFreeIrp: IRP %d",
                         42);
  ASSERT_EQ(WskconfGetViolationCount(), 1u);
  WSKCONF_VIOLATION violation{};
  ASSERT_TRUE(WskconfGetViolation(0, &violation));
  EXPECT_EQ(violation.Rule, WskconfRuleIrpFreedTwice);
  EXPECT_STREQ(violation.RuleId, "Irp.FreedTwice");
  EXPECT_EQ(violation.Object, &object);
  EXPECT_STREQ(violation.Message, "IoFreeIrp: IRP 42");
  ExpectViolation("Irp.FreedTwice");
}

TEST_F(VerifierTest, NoReportMeansNoViolation) {
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
  WSKCONF_VIOLATION violation{};
  EXPECT_FALSE(WskconfGetViolation(0, &violation));
  EXPECT_FALSE(WskconfGetViolation(0, nullptr));
}

TEST_F(VerifierTest, LongMessagesAreTruncatedNotOverflowed) {
  std::string long_text(1000, 'x');
  WskconfReportViolation(WskconfRuleLeakPool, nullptr, "%s", long_text.c_str());
  WSKCONF_VIOLATION violation = ExpectViolation("Leak.Pool");
  EXPECT_EQ(std::strlen(violation.Message), sizeof(violation.Message) - 1);
}

TEST_F(VerifierTest, ConsumeRemovesOnlyTheGivenViolation) {
  WskconfReportViolation(WskconfRuleLeakIrp, nullptr, "first");
  WskconfReportViolation(WskconfRuleLeakMdl, nullptr, "second");
  EXPECT_TRUE(WskconfConsumeViolation(0));
  ASSERT_EQ(WskconfGetViolationCount(), 1u);
  WSKCONF_VIOLATION violation{};
  ASSERT_TRUE(WskconfGetViolation(0, &violation));
  EXPECT_STREQ(violation.Message, "second");
  EXPECT_FALSE(WskconfConsumeViolation(5));
  WskconfClearViolations();
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
}

TEST_F(VerifierTest, CountKeepsGoingPastTheRecordLimit) {
  for (ULONG i = 0; i < WSKCONF_MAX_RECORDED_VIOLATIONS + 5; ++i) {
    WskconfReportViolation(WskconfRuleLeakPool, nullptr, "leak %u", i);
  }
  EXPECT_EQ(WskconfGetViolationCount(), WSKCONF_MAX_RECORDED_VIOLATIONS + 5);
  WSKCONF_VIOLATION violation{};
  EXPECT_TRUE(
      WskconfGetViolation(WSKCONF_MAX_RECORDED_VIOLATIONS - 1, &violation));
  EXPECT_FALSE(
      WskconfGetViolation(WSKCONF_MAX_RECORDED_VIOLATIONS, &violation));
  WskconfClearViolations();
}

struct Seen {
  std::vector<std::string> ids;
};

void RecordHandler(const WSKCONF_VIOLATION* violation, void* context) {
  static_cast<Seen*>(context)->ids.push_back(violation->RuleId);
}

TEST_F(VerifierTest, HandlerSeesEveryViolationUntilRemoved) {
  Seen seen;
  EXPECT_EQ(WskconfSetViolationHandler(RecordHandler, &seen), nullptr);
  WskconfReportViolation(WskconfRuleMdlLockImbalance, nullptr, "one");
  EXPECT_EQ(WskconfSetViolationHandler(nullptr, nullptr), RecordHandler);
  WskconfReportViolation(WskconfRuleMdlLockImbalance, nullptr, "two");
  EXPECT_EQ(seen.ids, std::vector<std::string>{"Mdl.LockImbalance"});
  ExpectViolation("Mdl.LockImbalance");
  ExpectViolation("Mdl.LockImbalance");
}

TEST_F(VerifierTest, EchoPrintsRuleIdAndMessageToStderr) {
  BOOLEAN previous = WskconfSetViolationEcho(TRUE);
  ::testing::internal::CaptureStderr();
  WskconfReportViolation(WskconfRuleIrpSentAfterFree, nullptr,
                         "IoCallDriver: x");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "wskconf verifier: Irp.SentAfterFree: IoCallDriver: x\n");
  WskconfSetViolationEcho(FALSE);
  ::testing::internal::CaptureStderr();
  WskconfReportViolation(WskconfRuleIrpSentAfterFree, nullptr, "quiet");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  WskconfSetViolationEcho(previous);
  ExpectViolation("Irp.SentAfterFree");
  ExpectViolation("Irp.SentAfterFree");
}

TEST_F(VerifierTest, ExpectViolationFailsWhenTheRuleWasNotReported) {
  WskconfReportViolation(WskconfRuleLeakMdl, nullptr, "other rule");
  EXPECT_NONFATAL_FAILURE(ExpectViolation("Leak.Irp"), "Leak.Irp");
  ExpectViolation("Leak.Mdl");
}

TEST_F(VerifierTest, ExpectNoViolationsFailsOnALeftoverViolation) {
  WskconfReportViolation(WskconfRuleLeakMdl, nullptr, "left over");
  EXPECT_NONFATAL_FAILURE(ExpectNoViolations(), "left over");
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
}

TEST_F(VerifierTest, CheckLeaksFindsNothingInACleanProcess) {
  EXPECT_EQ(WskconfCheckLeaks(), 0u);
  ExpectNoViolations();
}

TEST_F(VerifierTest, FailNthAllocationIgnoresUnknownKinds) {
  WskconfFailNthAllocation(WskconfAllocKindCount, 1);
  EXPECT_EQ(WskconfInjectedFailureCount(WskconfAllocKindCount), 0u);
}

TEST(NtStatusPrintTest, PrintsHexAndNameWhenKnown) {
  std::string text = ::testing::PrintToString(
      wskconf::testing::NtStatus{static_cast<NTSTATUS>(0xC000000D)});
  EXPECT_NE(text.find("0xC000000D"), std::string::npos) << text;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(VerifierTest, JUnitReportKeepsClearedFindingsAndDropsConsumedOnes) {
  WskconfReportViolation(WskconfRuleLeakMdl, nullptr, "kept after a clear");
  WskconfClearViolations();
  WskconfReportViolation(WskconfRuleLeakIrp, nullptr, "expected by the test");
  ExpectViolation("Leak.Irp");
  char path[] = "/tmp/wskconf-junit-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_NE(-1, fd);
  close(fd);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WskconfWriteVerifierJUnit(path));
  const std::string xml = ReadWholeFile(path);
  std::remove(path);
  EXPECT_NE(xml.find("Leak.Mdl: kept after a clear"), std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("expected by the test"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase name=\"Irp.CompletedTwice\""),
            std::string::npos)
      << "every rule is a test case";
}

TEST_F(VerifierTest, JUnitReportNeedsAWritablePath) {
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WskconfWriteVerifierJUnit(nullptr));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER, WskconfWriteVerifierJUnit(""));
  EXPECT_NTSTATUS_EQ(STATUS_UNSUCCESSFUL,
                     WskconfWriteVerifierJUnit("/nonexistent/dir/report.xml"));
}

}  // namespace
