// Tests kernel/src/irp.cc: IRP allocation, freeing, initialization and
// reuse, stack-location helpers and the send points with their rules.
#include <gtest/gtest.h>
#include <wdm.h>

#include <cstddef>
#include <cstdlib>
#include <string>
#include <vector>

#include "io_test_util.h"
#include "kernel_test_util.h"

extern "C" NTSTATUS IrpCUsageRoundTrip(PDEVICE_OBJECT lower,
                                       ULONG_PTR* information);

namespace {

using wskconf::testing::AllocateIrp;
using wskconf::testing::CompleteInline;
using wskconf::testing::CompletionProbe;
using wskconf::testing::IrpPtr;
using wskconf::testing::KernelTest;
using wskconf::testing::TestDevice;

class IrpTest : public KernelTest {};

TEST_F(IrpTest, AllocateIrpInitializesHeaderAndStack) {
  IrpPtr irp = AllocateIrp(3);
  ASSERT_NE(irp, nullptr);
  EXPECT_EQ(irp->Type, IO_TYPE_IRP);
  EXPECT_EQ(irp->Size, IoSizeOfIrp(3));
  EXPECT_EQ(irp->StackCount, 3);
  EXPECT_EQ(irp->CurrentLocation, 4);
  EXPECT_EQ(irp->MdlAddress, nullptr);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, irp->IoStatus.Status);
  auto* first = reinterpret_cast<PIO_STACK_LOCATION>(irp.get() + 1);
  EXPECT_EQ(IoGetCurrentIrpStackLocation(irp.get()), first + 3);
  EXPECT_EQ(IoGetNextIrpStackLocation(irp.get()), first + 2);
  EXPECT_EQ(WskconfLiveIrpCount(), 1u);
}

TEST_F(IrpTest, SizeOfIrpCountsStackLocations) {
  EXPECT_EQ(IoSizeOfIrp(0), sizeof(IRP));
  EXPECT_EQ(IoSizeOfIrp(2), sizeof(IRP) + 2 * sizeof(IO_STACK_LOCATION));
}

TEST_F(IrpTest, AllocateIrpRejectsNegativeStackSize) {
  EXPECT_EQ(IoAllocateIrp(-1, FALSE), nullptr);
}

TEST_F(IrpTest, FailNthAllocationFailsExactlyTheNthIrp) {
  ULONG injected = WskconfInjectedFailureCount(WskconfAllocIrp);
  WskconfFailNthAllocation(WskconfAllocIrp, 2);
  IrpPtr first = AllocateIrp(1);
  IrpPtr second = AllocateIrp(1);
  IrpPtr third = AllocateIrp(1);
  EXPECT_NE(first, nullptr);
  EXPECT_EQ(second, nullptr);
  EXPECT_NE(third, nullptr);
  EXPECT_EQ(WskconfInjectedFailureCount(WskconfAllocIrp), injected + 1);
}

TEST_F(IrpTest, FailNthAllocationZeroDisarms) {
  WskconfFailNthAllocation(WskconfAllocIrp, 1);
  WskconfFailNthAllocation(WskconfAllocIrp, 0);
  EXPECT_NE(AllocateIrp(1), nullptr);
}

TEST_F(IrpTest, FreeingOnceIsClean) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  EXPECT_EQ(WskconfLiveIrpCount(), 0u);
  ExpectNoViolations();
}

TEST_F(IrpTest, FreeingTwiceIsReported) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  IoFreeIrp(irp);
  WSKCONF_VIOLATION violation = ExpectViolation("Irp.FreedTwice");
  EXPECT_EQ(violation.Object, irp);
  EXPECT_NE(std::string(violation.Message).find("IoFreeIrp"),
            std::string::npos);
}

TEST_F(IrpTest, FreeingNullIsReported) {
  IoFreeIrp(nullptr);
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(IrpTest, FreeingCallerMemoryIsReportedAndLeftAlone) {
  std::vector<unsigned char> memory(IoSizeOfIrp(1));
  auto* irp = reinterpret_cast<PIRP>(memory.data());
  IoInitializeIrp(irp, IoSizeOfIrp(1), 1);
  IoFreeIrp(irp);
  ExpectViolation("Irp.FreedTwice");
  EXPECT_EQ(irp->StackCount, 1);  // still usable: nothing was freed
}

TEST_F(IrpTest, LeakedIrpIsReportedByCheckLeaks) {
  PIRP irp = IoAllocateIrp(2, FALSE);
  EXPECT_EQ(WskconfCheckLeaks(), 1u);
  WSKCONF_VIOLATION violation = ExpectViolation("Leak.Irp");
  EXPECT_EQ(violation.Object, irp);
  IoFreeIrp(irp);
  EXPECT_EQ(WskconfCheckLeaks(), 0u);
}

TEST_F(IrpTest, InitializeIrpPreparesCallerMemory) {
  std::vector<unsigned char> memory(IoSizeOfIrp(2), 0xAB);
  auto* irp = reinterpret_cast<PIRP>(memory.data());
  IoInitializeIrp(irp, IoSizeOfIrp(2), 2);
  EXPECT_EQ(irp->Type, IO_TYPE_IRP);
  EXPECT_EQ(irp->Size, IoSizeOfIrp(2));
  EXPECT_EQ(irp->StackCount, 2);
  EXPECT_EQ(irp->CurrentLocation, 3);
  EXPECT_EQ(irp->MdlAddress, nullptr);
  EXPECT_EQ(irp->CancelRoutine, nullptr);
  EXPECT_EQ(WskconfLiveIrpCount(), 0u);  // caller memory is not a leak
}

TEST_F(IrpTest, InitializeIrpWithTooSmallPacketIsReported) {
  std::vector<unsigned char> memory(sizeof(IRP), 0xAB);
  auto* irp = reinterpret_cast<PIRP>(memory.data());
  IoInitializeIrp(irp, sizeof(IRP), 2);
  ExpectViolation("Irp.NoStackLocation");
  EXPECT_EQ(memory[0], 0xAB);  // untouched
}

TEST_F(IrpTest, ReuseIrpResetsLocationAndSetsStatus) {
  TestDevice lower;
  lower.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    return CompleteInline(irp, STATUS_SUCCESS, 5);
  });
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower.device(), irp.get());
  ASSERT_EQ(probe.calls, 1);
  IoReuseIrp(irp.get(), STATUS_PENDING);
  EXPECT_EQ(irp->CurrentLocation, 2);
  EXPECT_EQ(irp->StackCount, 1);
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, irp->IoStatus.Status);
  EXPECT_EQ(irp->IoStatus.Information, 0u);
  probe.Arm(irp.get());
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, IoCallDriver(lower.device(), irp.get()));
  EXPECT_EQ(probe.calls, 2);
}

TEST_F(IrpTest, ReusingAFreedIrpIsReported) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  IoReuseIrp(irp, STATUS_SUCCESS);
  ExpectViolation("Irp.SentAfterFree");
}

TEST_F(IrpTest, CallDriverDispatchesByMajorFunction) {
  TestDevice lower;
  UCHAR seen_major = 0xff;
  PDEVICE_OBJECT seen_device = nullptr;
  ULONG seen_code = 0;
  lower.set_dispatch([&](PDEVICE_OBJECT device, PIRP irp) {
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    seen_major = stack->MajorFunction;
    seen_device = stack->DeviceObject;
    seen_code = stack->Parameters.DeviceIoControl.IoControlCode;
    EXPECT_EQ(device, seen_device);
    return CompleteInline(irp, STATUS_BUFFER_OVERFLOW);
  });
  IrpPtr irp = AllocateIrp(1);
  PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp.get());
  next->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
  next->Parameters.DeviceIoControl.IoControlCode = 0x1234;
  CompletionProbe probe;
  probe.Arm(irp.get());
  EXPECT_NTSTATUS_EQ(STATUS_BUFFER_OVERFLOW,
                     IoCallDriver(lower.device(), irp.get()));
  EXPECT_EQ(seen_major, IRP_MJ_INTERNAL_DEVICE_CONTROL);
  EXPECT_EQ(seen_device, lower.device());
  EXPECT_EQ(seen_code, 0x1234u);
  EXPECT_EQ(probe.calls, 1);
}

TEST_F(IrpTest, CallDriverWithoutDispatchRoutineFailsTheRequest) {
  TestDevice lower;
  lower.driver()->MajorFunction[IRP_MJ_READ] = nullptr;
  IrpPtr irp = AllocateIrp(1);
  IoGetNextIrpStackLocation(irp.get())->MajorFunction = IRP_MJ_READ;
  CompletionProbe probe;
  probe.Arm(irp.get());
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_DEVICE_REQUEST,
                     IoCallDriver(lower.device(), irp.get()));
  EXPECT_EQ(probe.calls, 1);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_DEVICE_REQUEST, probe.status);
}

TEST_F(IrpTest, CallDriverWithNoStackLocationIsReported) {
  TestDevice lower;
  IrpPtr irp = AllocateIrp(0);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     IoCallDriver(lower.device(), irp.get()));
  ExpectViolation("Irp.NoStackLocation");
  EXPECT_EQ(lower.dispatch_count(), 0);
  EXPECT_EQ(irp->CurrentLocation, 1);  // untouched
}

TEST_F(IrpTest, CallDriverAfterFreeIsReported) {
  TestDevice lower;
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     IoCallDriver(lower.device(), irp));
  WSKCONF_VIOLATION violation = ExpectViolation("Irp.SentAfterFree");
  EXPECT_EQ(violation.Object, irp);
  EXPECT_EQ(lower.dispatch_count(), 0);
}

TEST_F(IrpTest, CallDriverWithNullDeviceIsReported) {
  IrpPtr irp = AllocateIrp(1);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     IoCallDriver(nullptr, irp.get()));
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(IrpTest, SetNextIrpStackLocationTakesTheIrpInFlight) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoSetNextIrpStackLocation(irp);
  EXPECT_EQ(irp->CurrentLocation, 1);
  EXPECT_EQ(IoGetCurrentIrpStackLocation(irp),
            reinterpret_cast<PIO_STACK_LOCATION>(irp + 1));
  IoFreeIrp(irp);  // the provider has not completed it
  ExpectViolation("Irp.FreedWhilePending");
}

TEST_F(IrpTest, SetNextIrpStackLocationWithoutLocationIsReported) {
  IrpPtr irp = AllocateIrp(1);
  IoSetNextIrpStackLocation(irp.get());
  IoSetNextIrpStackLocation(irp.get());
  ExpectViolation("Irp.NoStackLocation");
  EXPECT_EQ(irp->CurrentLocation, 1);
  irp->IoStatus.Status = STATUS_SUCCESS;
  CompleteInline(irp.get(), STATUS_SUCCESS);
  // No completion routine stopped it: the creator-side rule fires.
  ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
}

TEST_F(IrpTest, SetNextIrpStackLocationAfterFreeIsReported) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  IoSetNextIrpStackLocation(irp);
  ExpectViolation("Irp.SentAfterFree");
}

TEST_F(IrpTest, SkipCurrentLocationHandsTheSameLocationDown) {
  TestDevice lower;
  TestDevice upper;
  ULONG lower_saw = 0;
  lower.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    lower_saw = IoGetCurrentIrpStackLocation(irp)->Parameters.Read.Length;
    return CompleteInline(irp, STATUS_SUCCESS);
  });
  upper.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(lower.device(), irp);
  });
  IrpPtr irp = AllocateIrp(1);
  IoGetNextIrpStackLocation(irp.get())->Parameters.Read.Length = 77;
  CompletionProbe probe;
  probe.Arm(irp.get());
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, IoCallDriver(upper.device(), irp.get()));
  EXPECT_EQ(lower_saw, 77u);
  EXPECT_EQ(probe.calls, 1);
}

TEST_F(IrpTest, CopyToNextCopiesParametersButNotCompletion) {
  IrpPtr irp = AllocateIrp(2);
  IoSetNextIrpStackLocation(irp.get());
  PIO_STACK_LOCATION current = IoGetCurrentIrpStackLocation(irp.get());
  current->MajorFunction = IRP_MJ_WRITE;
  current->Parameters.Write.Length = 9;
  current->Control = SL_PENDING_RETURNED;
  current->CompletionRoutine = &CompletionProbe::Routine;
  IoCopyCurrentIrpStackLocationToNext(irp.get());
  PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp.get());
  EXPECT_EQ(next->MajorFunction, IRP_MJ_WRITE);
  EXPECT_EQ(next->Parameters.Write.Length, 9u);
  EXPECT_EQ(next->Control, 0);
  EXPECT_EQ(next->CompletionRoutine, nullptr);
  current->CompletionRoutine = nullptr;
  CompleteInline(irp.get(), STATUS_SUCCESS);
  ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
}

TEST_F(IrpTest, SetCompletionRoutineSetsTheInvokeBits) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  IoSetCompletionRoutine(irp.get(), &CompletionProbe::Routine, &probe, TRUE,
                         FALSE, TRUE);
  PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp.get());
  EXPECT_EQ(next->CompletionRoutine, &CompletionProbe::Routine);
  EXPECT_EQ(next->Context, &probe);
  EXPECT_EQ(next->Control, SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_CANCEL);
}

TEST_F(IrpTest, SetCompletionRoutineWithNoStackLocationIsReported) {
  IrpPtr irp = AllocateIrp(0);
  CompletionProbe probe;
  probe.Arm(irp.get());
  ExpectViolation("Irp.NoStackLocation");
}

TEST_F(IrpTest, SetCompletionRoutineExRegistersTheRoutine) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  EXPECT_NTSTATUS_EQ(
      STATUS_SUCCESS,
      IoSetCompletionRoutineEx(nullptr, irp.get(), &CompletionProbe::Routine,
                               &probe, TRUE, TRUE, FALSE));
  PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp.get());
  EXPECT_EQ(next->CompletionRoutine, &CompletionProbe::Routine);
  EXPECT_EQ(next->Control, SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR);
}

TEST_F(IrpTest, SetCompletionRoutineExReportsOutOfResources) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  WskconfFailNthAllocation(WskconfAllocPool, 1);
  EXPECT_NTSTATUS_EQ(
      STATUS_INSUFFICIENT_RESOURCES,
      IoSetCompletionRoutineEx(nullptr, irp.get(), &CompletionProbe::Routine,
                               &probe, TRUE, TRUE, TRUE));
  EXPECT_EQ(IoGetNextIrpStackLocation(irp.get())->CompletionRoutine, nullptr);
}

TEST_F(IrpTest, SetCompletionRoutineExRejectsBadArguments) {
  IrpPtr irp = AllocateIrp(1);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     IoSetCompletionRoutineEx(nullptr, irp.get(), nullptr,
                                              nullptr, TRUE, TRUE, TRUE));
  ExpectViolation("Kernel.NullArgument");
  IrpPtr empty = AllocateIrp(0);
  EXPECT_NTSTATUS_EQ(
      STATUS_INVALID_PARAMETER,
      IoSetCompletionRoutineEx(nullptr, empty.get(), &CompletionProbe::Routine,
                               nullptr, TRUE, TRUE, TRUE));
  ExpectViolation("Irp.NoStackLocation");
}

TEST_F(IrpTest, DriverCodeInCRoundTripsAnIrp) {
  TestDevice lower;
  lower.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    return CompleteInline(irp, STATUS_BUFFER_OVERFLOW, 11);
  });
  ULONG_PTR information = 0;
  EXPECT_NTSTATUS_EQ(STATUS_BUFFER_OVERFLOW,
                     IrpCUsageRoundTrip(lower.device(), &information));
  EXPECT_EQ(information, 11u);
  EXPECT_EQ(WskconfLiveIrpCount(), 0u);
}

// Field offsets of the Windows x64 layouts, which drivers compiled for the
// WDK assume.
TEST_F(IrpTest, StructuresHaveTheWindowsX64Layout) {
  EXPECT_EQ(sizeof(IO_STATUS_BLOCK), 16u);
  EXPECT_EQ(offsetof(IO_STATUS_BLOCK, Information), 8u);
  EXPECT_EQ(sizeof(IO_STACK_LOCATION), 72u);
  EXPECT_EQ(offsetof(IO_STACK_LOCATION, Parameters), 8u);
  EXPECT_EQ(
      offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.IoControlCode),
      24u);
  EXPECT_EQ(offsetof(IO_STACK_LOCATION, DeviceObject), 40u);
  EXPECT_EQ(offsetof(IO_STACK_LOCATION, CompletionRoutine), 56u);
  EXPECT_EQ(offsetof(IO_STACK_LOCATION, Context), 64u);
  EXPECT_EQ(sizeof(IRP), 208u);
  EXPECT_EQ(offsetof(IRP, MdlAddress), 8u);
  EXPECT_EQ(offsetof(IRP, AssociatedIrp), 24u);
  EXPECT_EQ(offsetof(IRP, IoStatus), 48u);
  EXPECT_EQ(offsetof(IRP, PendingReturned), 65u);
  EXPECT_EQ(offsetof(IRP, Cancel), 68u);
  EXPECT_EQ(offsetof(IRP, UserIosb), 72u);
  EXPECT_EQ(offsetof(IRP, CancelRoutine), 104u);
  EXPECT_EQ(offsetof(IRP, UserBuffer), 112u);
  EXPECT_EQ(offsetof(IRP, Tail.Overlay.DriverContext), 120u);
  EXPECT_EQ(offsetof(IRP, Tail.Overlay.ListEntry), 168u);
  EXPECT_EQ(offsetof(IRP, Tail.Overlay.CurrentStackLocation), 184u);
  EXPECT_EQ(sizeof(MDL), 48u);
  EXPECT_EQ(offsetof(MDL, MappedSystemVa), 24u);
  EXPECT_EQ(offsetof(MDL, ByteCount), 40u);
}

// Past the quarantine's capacity the oldest freed IRPs go back to malloc
// and the verifier forgets them; a late second free is still reported and
// still frees nothing.
TEST_F(IrpTest, FreeingTwiceLongAfterIsStillReportedSafely) {
  PIRP first = IoAllocateIrp(1, FALSE);
  IoFreeIrp(first);
  for (int i = 0; i < 5000; ++i) IoFreeIrp(IoAllocateIrp(1, FALSE));
  ExpectNoViolations();
  IoFreeIrp(first);
  ExpectViolation("Irp.FreedTwice");
  EXPECT_EQ(WskconfLiveIrpCount(), 0u);
}

// A client operation written the WSK way, used by the fault-injection loop.
NTSTATUS FreeMdlAndIrp(PDEVICE_OBJECT, PIRP irp, PVOID context) {
  IoFreeMdl(static_cast<PMDL>(context));
  IoFreeIrp(irp);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

NTSTATUS StartRequest(PDEVICE_OBJECT lower, void* buffer, ULONG length) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  if (irp == nullptr) return STATUS_INSUFFICIENT_RESOURCES;
  PMDL mdl = IoAllocateMdl(buffer, length, FALSE, FALSE, nullptr);
  if (mdl == nullptr) {
    IoFreeIrp(irp);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  MmBuildMdlForNonPagedPool(mdl);
  NTSTATUS status = IoSetCompletionRoutineEx(nullptr, irp, &FreeMdlAndIrp, mdl,
                                             TRUE, TRUE, TRUE);
  if (!NT_SUCCESS(status)) {
    IoFreeMdl(mdl);
    IoFreeIrp(irp);
    return status;
  }
  return IoCallDriver(lower, irp);
}

// SQLite-style: fail the 1st, 2nd, ... allocation of each kind until no
// injected failure fires; every run ends in one of the expected statuses
// with nothing leaked and no rule broken.
TEST_F(IrpTest, FaultInjectionLoopEndsCleanlyForEveryKind) {
  TestDevice lower;
  lower.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    return CompleteInline(irp, STATUS_SUCCESS, 4);
  });
  unsigned char buffer[64];
  for (WSKCONF_ALLOCATION_KIND kind :
       {WskconfAllocIrp, WskconfAllocMdl, WskconfAllocPool}) {
    int injected_runs = 0;
    for (ULONG n = 1; n < 50; ++n) {
      ULONG before = WskconfInjectedFailureCount(kind);
      WskconfFailNthAllocation(kind, n);
      NTSTATUS status = StartRequest(lower.device(), buffer, sizeof(buffer));
      WskconfFailNthAllocation(kind, 0);
      bool fired = WskconfInjectedFailureCount(kind) != before;
      EXPECT_NTSTATUS_EQ(fired ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS,
                         status);
      EXPECT_EQ(WskconfLiveIrpCount(), 0u);
      EXPECT_EQ(WskconfLiveMdlCount(), 0u);
      ExpectNoViolations();
      if (!fired) break;
      ++injected_runs;
    }
    EXPECT_EQ(injected_runs, 1) << "kind " << kind;
  }
}

TEST_F(IrpTest, WriteIntoAFreedIrpIsReported) {
  PIRP irp = IoAllocateIrp(2, FALSE);
  ASSERT_NE(nullptr, irp);
  IoFreeIrp(irp);
  ::wskconf::testing::WriteIntoFreedMemory(
      irp, offsetof(IRP, IoStatus), 0x01);  // the classic late status store
  EXPECT_EQ(0u, WskconfCheckLeaks());
  WSKCONF_VIOLATION violation = ExpectViolation("Irp.WrittenAfterFree");
  EXPECT_EQ(irp, violation.Object);
  EXPECT_NE(std::string(violation.Message).find("IRP header"),
            std::string::npos)
      << violation.Message;
}

TEST_F(IrpTest, AFreedIrpLeftAloneIsSilent) {
  PIRP irp = IoAllocateIrp(2, FALSE);
  ASSERT_NE(nullptr, irp);
  irp->IoStatus.Status = STATUS_SUCCESS;
  IoFreeIrp(irp);
  EXPECT_EQ(0u, WskconfCheckLeaks());
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

}  // namespace
