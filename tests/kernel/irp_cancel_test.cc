// Tests kernel/src/irp_cancel.cc: the cancel spin lock, IoSetCancelRoutine,
// IoCancelIrp and the rule that a cancel routine releases the lock.
#include <gtest/gtest.h>
#include <wdm.h>

#include "io_test_util.h"
#include "kernel_test_util.h"

namespace {

using wskconf::testing::AllocateIrp;
using wskconf::testing::CompleteInline;
using wskconf::testing::CompletionProbe;
using wskconf::testing::IrpPtr;
using wskconf::testing::KernelTest;
using wskconf::testing::TestDevice;

class IrpCancelTest : public KernelTest {
 protected:
  // A lower driver that queues the IRP as cancelable and returns pending.
  void SetUp() override {
    KernelTest::SetUp();
    lower_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
      held_ = irp;
      IoMarkIrpPending(irp);
      IoSetCancelRoutine(irp, cancel_routine_);
      return STATUS_PENDING;
    });
  }

  TestDevice lower_;
  PIRP held_ = nullptr;
  PDRIVER_CANCEL cancel_routine_ = &CancelAndComplete;

  struct CancelSeen {
    int calls = 0;
    KIRQL irql = 0xff;
    PDEVICE_OBJECT device = nullptr;
  };
  static CancelSeen seen_;

  // The usual cancel routine: release the lock, complete with
  // STATUS_CANCELLED.
  static VOID CancelAndComplete(PDEVICE_OBJECT device, PIRP irp) {
    ++seen_.calls;
    seen_.irql = KeGetCurrentIrql();
    seen_.device = device;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    CompleteInline(irp, STATUS_CANCELLED);
  }

  // A buggy cancel routine: completes but keeps the cancel lock.
  static VOID CancelKeepingTheLock(PDEVICE_OBJECT, PIRP irp) {
    ++seen_.calls;
    CompleteInline(irp, STATUS_CANCELLED);
  }
};

IrpCancelTest::CancelSeen IrpCancelTest::seen_;

TEST_F(IrpCancelTest, CancelWithoutRoutineOnlySetsTheCancelBit) {
  IrpPtr irp = AllocateIrp(1);
  EXPECT_FALSE(IoCancelIrp(irp.get()));
  EXPECT_TRUE(irp->Cancel);
  EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

TEST_F(IrpCancelTest, CancelCallsTheRoutineWithTheLockHeldAtDispatch) {
  seen_ = {};
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, IoCallDriver(lower_.device(), irp.get()));
  EXPECT_TRUE(IoCancelIrp(irp.get()));
  EXPECT_EQ(seen_.calls, 1);
  EXPECT_EQ(seen_.irql, DISPATCH_LEVEL);
  EXPECT_EQ(seen_.device, lower_.device());
  EXPECT_EQ(probe.calls, 1);
  EXPECT_NTSTATUS_EQ(STATUS_CANCELLED, probe.status);
  EXPECT_TRUE(probe.cancel);
  EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

TEST_F(IrpCancelTest, CancelClearsTheRoutineSoASecondCancelCallsNothing) {
  seen_ = {};
  cancel_routine_ = &CancelKeepingTheLock;  // replaced below before use
  lower_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
    held_ = irp;
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, &CancelAndComplete);
    return STATUS_PENDING;
  });
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_TRUE(IoCancelIrp(irp.get()));
  EXPECT_EQ(irp->CancelRoutine, nullptr);
  EXPECT_FALSE(IoCancelIrp(irp.get()));
  EXPECT_EQ(seen_.calls, 1);
}

TEST_F(IrpCancelTest, RoutineThatKeepsTheLockIsReportedAndTheLockFreed) {
  seen_ = {};
  cancel_routine_ = &CancelKeepingTheLock;
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_TRUE(IoCancelIrp(irp.get()));
  ExpectViolation("Irp.CancelLockNotReleased");
  EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
  // The lock is free again: this would hang otherwise.
  KIRQL irql;
  IoAcquireCancelSpinLock(&irql);
  IoReleaseCancelSpinLock(irql);
}

TEST_F(IrpCancelTest, SetCancelRoutineReturnsThePreviousOne) {
  IrpPtr irp = AllocateIrp(1);
  EXPECT_EQ(IoSetCancelRoutine(irp.get(), &CancelAndComplete), nullptr);
  EXPECT_EQ(IoSetCancelRoutine(irp.get(), nullptr), &CancelAndComplete);
  EXPECT_EQ(irp->CancelRoutine, nullptr);
}

TEST_F(IrpCancelTest, DriverThatClearsTheRoutineBeforeCompletingIsNotCalled) {
  seen_ = {};
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  // The driver finishes the request itself first.
  EXPECT_EQ(IoSetCancelRoutine(held_, nullptr), &CancelAndComplete);
  CompleteInline(held_, STATUS_SUCCESS);
  EXPECT_FALSE(IoCancelIrp(irp.get()));
  EXPECT_EQ(seen_.calls, 0);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, probe.status);
}

TEST_F(IrpCancelTest, CancellingAFreedIrpIsReported) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  EXPECT_FALSE(IoCancelIrp(irp));
  ExpectViolation("Irp.SentAfterFree");
}

TEST_F(IrpCancelTest, SettingACancelRoutineOnAFreedIrpIsReported) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  EXPECT_EQ(IoSetCancelRoutine(irp, &CancelAndComplete), nullptr);
  ExpectViolation("Irp.SentAfterFree");
}

TEST_F(IrpCancelTest, NullArgumentsAreReported) {
  EXPECT_FALSE(IoCancelIrp(nullptr));
  ExpectViolation("Kernel.NullArgument");
  EXPECT_EQ(IoSetCancelRoutine(nullptr, nullptr), nullptr);
  ExpectViolation("Kernel.NullArgument");
  IoAcquireCancelSpinLock(nullptr);
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(IrpCancelTest, CancelSpinLockRaisesToDispatchAndRestores) {
  KIRQL irql = 0xff;
  IoAcquireCancelSpinLock(&irql);
  EXPECT_EQ(irql, PASSIVE_LEVEL);
  EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
  IoReleaseCancelSpinLock(irql);
  EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

}  // namespace
