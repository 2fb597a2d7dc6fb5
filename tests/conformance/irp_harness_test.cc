// The IRP harness against simulated providers: completion inline, from
// another thread, twice, with STATUS_PENDING, pending without a mark, with a status that differs from
// the returned one, only after cancel, and never.
#include "wskconf/conformance/irp_harness.h"

#include <wskconf/kernel.h>

#include <thread>

#include "wskconf/outstanding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wskconf::conformance {
namespace {

using ::testing::HasSubstr;

// What a provider does with the IRP a WSK call hands it: it takes the stack
// location the client left free (Irp.ProviderSetsUpStackLocation).
PIRP Take(PIRP irp) {
  IoSetNextIrpStackLocation(irp);
  return irp;
}

NTSTATUS Complete(PIRP irp, NTSTATUS status, ULONG_PTR information = 0) {
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = information;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
  return status;
}

// The names of the IRPs the case watchdog would report as outstanding.
std::vector<std::string> Outstanding() {
  std::vector<std::string> names;
  for (const auto& item : outstanding::Unfinished()) names.push_back(item.what);
  return names;
}

TEST(IrpHarness, AnIrpInFlightIsListedForTheWatchdogUntilItCompletes) {
  {
    TrackedIrp irp("FirstCall");
    irp.set_call("WskWatchedCall");
    EXPECT_THAT(Outstanding(), ::testing::ElementsAre("the IRP of WskWatchedCall"));
    Complete(Take(irp.irp()), STATUS_SUCCESS);
    EXPECT_THAT(Outstanding(), ::testing::IsEmpty());
    irp.Rearm();  // handed over again: outstanding again
    EXPECT_THAT(Outstanding(), ::testing::ElementsAre("the IRP of WskWatchedCall"));
    Complete(Take(irp.irp()), STATUS_SUCCESS);
  }
}

TEST(IrpHarness, PoisonsIoStatusBeforeTheCall) {
  TrackedIrp irp("FakeCall");
  EXPECT_EQ(irp.irp()->IoStatus.Status, kPoisonStatus);
  EXPECT_EQ(irp.irp()->IoStatus.Information, kPoisonInformation);
  EXPECT_FALSE(irp.completed());
  Complete(Take(irp.irp()), STATUS_SUCCESS);
}

TEST(IrpHarness, InlineCompletionPasses) {
  TrackedIrp irp("FakeCall");
  const NTSTATUS returned = Complete(Take(irp.irp()), STATUS_SUCCESS, 42);
  EXPECT_TRUE(irp.Finish(returned));
  EXPECT_EQ(irp.completion().calls, 1);
  EXPECT_EQ(irp.completion().information, 42u);
  EXPECT_EQ(irp.completion().status, STATUS_SUCCESS);
}

TEST(IrpHarness, PendingThenCompletionFromAnotherThreadPasses) {
  TrackedIrp irp("FakeCall");
  PIRP raw = irp.irp();
  IoMarkIrpPending(Take(raw));
  std::thread worker([raw] { Complete(raw, STATUS_CANCELLED); });
  EXPECT_TRUE(irp.Finish(STATUS_PENDING));
  worker.join();
  EXPECT_EQ(irp.completion().status, STATUS_CANCELLED);
}

TEST(IrpHarness, ReturnedStatusMustEqualCompletedStatus) {
  TrackedIrp irp("FakeCall");
  Complete(Take(irp.irp()), STATUS_INVALID_PARAMETER);
  auto result = irp.Finish(STATUS_SUCCESS);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(),
              HasSubstr("returned STATUS_SUCCESS (0x00000000) but completed "
                        "its IRP with STATUS_INVALID_PARAMETER (0xC000000D)"));
}

TEST(IrpHarness, CompletionWithPendingIsAFailure) {
  TrackedIrp irp("FakeCall");
  Complete(Take(irp.irp()), STATUS_PENDING);
  auto result = irp.Finish(STATUS_PENDING);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("FinalStatusNotPending"));
}

TEST(IrpHarness, PendingWithoutMarkIsAFailure) {
  TrackedIrp irp("FakeCall");
  PIRP raw = irp.irp();
  Take(raw);  // no IoMarkIrpPending before STATUS_PENDING
  std::thread worker([raw] { Complete(raw, STATUS_SUCCESS); });
  auto result = irp.Finish(STATUS_PENDING);
  worker.join();
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(),
              HasSubstr("returned STATUS_PENDING without marking its IRP pending"));
  EXPECT_THAT(result.message(), HasSubstr("MarkPendingBeforeReturningPending"));
}

TEST(IrpHarness, StatusNeverWrittenIsAFailure) {
  TrackedIrp irp("FakeCall");
  IoCompleteRequest(Take(irp.irp()), IO_NO_INCREMENT);
  auto result = irp.Finish(STATUS_PENDING);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("without setting IoStatus.Status"));
}

TEST(IrpHarness, SecondCompletionIsReported) {
  WskconfSetViolationEcho(FALSE);
  TrackedIrp irp("FakeCall");
  Complete(Take(irp.irp()), STATUS_SUCCESS);
  Complete(irp.irp(), STATUS_SUCCESS);
  auto result = irp.Finish(STATUS_SUCCESS);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("Irp.CompletedTwice"));
  WskconfClearViolations();
  WskconfSetViolationEcho(TRUE);
}

TEST(IrpHarness, StillPendingAcceptsAnIrpThatWaits) {
  TrackedIrp irp("FakeCall");
  IoMarkIrpPending(Take(irp.irp()));
  EXPECT_TRUE(irp.ExpectStillPending(STATUS_PENDING));
  Complete(irp.irp(), STATUS_CANCELLED);
  EXPECT_TRUE(irp.Finish(STATUS_PENDING));
}

TEST(IrpHarness, StillPendingRejectsAnEarlyCompletion) {
  TrackedIrp irp("FakeCall");
  const NTSTATUS returned = Complete(Take(irp.irp()), STATUS_SUCCESS);
  auto result = irp.ExpectStillPending(returned);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("expected STATUS_PENDING"));
}

TEST(IrpHarness, RearmAllowsASecondCall) {
  TrackedIrp irp("FakeCall");
  EXPECT_TRUE(irp.Finish(Complete(Take(irp.irp()), STATUS_SUCCESS, 1)));
  irp.Rearm();
  EXPECT_EQ(irp.irp()->IoStatus.Status, kPoisonStatus);
  EXPECT_FALSE(irp.completed());
  EXPECT_TRUE(irp.Finish(Complete(Take(irp.irp()), STATUS_SUCCESS, 2)));
  EXPECT_EQ(irp.completion().information, 2u);
}

// A provider that completes only when cancelled.
VOID CancelRoutine(PDEVICE_OBJECT, PIRP irp) {
  IoReleaseCancelSpinLock(irp->CancelIrql);
  Complete(irp, STATUS_CANCELLED);
}

TEST(IrpHarness, IrpCompletedOnlyByCancelFailsButIsFreed) {
  TrackedIrp irp("FakeCall");
  IoSetCancelRoutine(Take(irp.irp()), CancelRoutine);
  auto result = irp.Finish(STATUS_PENDING);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(),
              HasSubstr("never completed its IRP within 2000 ms"));
  EXPECT_THAT(result.message(), HasSubstr("only after IoCancelIrp"));
  EXPECT_FALSE(irp.leaked());
}

TEST(IrpHarness, IrpNeverCompletedFailsAndIsLeakedOnPurpose) {
  const int leaks_before = LeakedObjectCount();
  const ULONG live_before = WskconfLiveIrpCount();
  {
    TrackedIrp irp("FakeCall");
    auto result = irp.Finish(STATUS_PENDING);
    EXPECT_FALSE(result);
    EXPECT_THAT(result.message(), HasSubstr("so it is leaked"));
    EXPECT_TRUE(irp.leaked());
  }
  EXPECT_EQ(LeakedObjectCount(), leaks_before + 1);
  // Still allocated: the implementation could complete it any time.
  EXPECT_EQ(WskconfLiveIrpCount(), live_before + 1);
  // But the case has failed on it already: the watchdog no longer lists it
  // (nor reads its state after the TrackedIrp is gone).
  EXPECT_THAT(Outstanding(), ::testing::IsEmpty());
}

}  // namespace
}  // namespace wskconf::conformance
