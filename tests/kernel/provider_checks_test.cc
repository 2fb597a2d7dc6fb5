// Tests kernel/src/provider_checks.cc: the WSK_BUF check a provider makes
// on a client's buffer (ClientCall.WskBufInvalid), the buffers a pending
// request holds until its IRP completes (Irp.BufferReleasedBeforeCompletion)
// and an IRP taken again while pending (Irp.SentWhilePending). Each rule:
// the mistake fires it, the correct pattern stays silent.
#include <gtest/gtest.h>
#include <wskconf/provider_checks.h>

#include <vector>

#include "io_test_util.h"
#include "kernel_test_util.h"

namespace {

using wskconf::testing::AllocateIrp;
using wskconf::testing::CompletionProbe;
using wskconf::testing::IrpPtr;
using wskconf::testing::KernelTest;

constexpr ULONG kTag = 'tkhC';

// A nonpaged pool buffer described by an MDL built for nonpaged pool.
struct PoolMdl {
  explicit PoolMdl(ULONG size, bool build = true)
      : data(ExAllocatePool2(POOL_FLAG_NON_PAGED, size, kTag)),
        mdl(IoAllocateMdl(data, size, FALSE, FALSE, nullptr)) {
    if (build) MmBuildMdlForNonPagedPool(mdl);
  }
  ~PoolMdl() {
    if (mdl != nullptr) IoFreeMdl(mdl);
    if (data != nullptr) ExFreePoolWithTag(data, kTag);
  }
  PVOID data;
  PMDL mdl;
};

class WskBufCheckTest : public KernelTest {};

TEST_F(WskBufCheckTest, NullMdlWithLengthIsReported) {
  WSK_BUF buffer{nullptr, 0, 16};
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WskconfCheckWskBuf(&buffer, "WskSend", nullptr));
  WSKCONF_VIOLATION v = ExpectViolation("ClientCall.WskBufInvalid");
  EXPECT_NE(std::string(v.Message).find("Mdl NULL"), std::string::npos) << v.Message;
}

TEST_F(WskBufCheckTest, NullMdlWithZeroLengthIsSilent) {
  WSK_BUF buffer{nullptr, 7, 0};
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WskconfCheckWskBuf(&buffer, "WskSend", nullptr));
}

TEST_F(WskBufCheckTest, OffsetOutsideFirstMdlIsReported) {
  PoolMdl first(32);
  WSK_BUF buffer{first.mdl, 32, 1};
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WskconfCheckWskBuf(&buffer, "WskReceive", nullptr));
  ExpectViolation("ClientCall.WskBufInvalid");
}

TEST_F(WskBufCheckTest, LengthBeyondTheChainIsReported) {
  PoolMdl first(32);
  PoolMdl second(16);
  first.mdl->Next = second.mdl;
  WSK_BUF buffer{first.mdl, 8, 41};  // 24 + 16 bytes are there
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WskconfCheckWskBuf(&buffer, "WskSend", nullptr));
  WSKCONF_VIOLATION v = ExpectViolation("ClientCall.WskBufInvalid");
  EXPECT_NE(std::string(v.Message).find("exceeds"), std::string::npos) << v.Message;
  first.mdl->Next = nullptr;
}

TEST_F(WskBufCheckTest, BufferWithinTheChainIsSilent) {
  PoolMdl first(32);
  PoolMdl second(16);
  first.mdl->Next = second.mdl;
  WSK_BUF buffer{first.mdl, 8, 40};
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WskconfCheckWskBuf(&buffer, "WskSend", nullptr));
  first.mdl->Next = nullptr;
}

TEST_F(WskBufCheckTest, UnlockedMdlIsReportedButUsable) {
  PoolMdl unbuilt(32, /*build=*/false);
  WSK_BUF buffer{unbuilt.mdl, 0, 32};
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WskconfCheckWskBuf(&buffer, "WskSend", nullptr));
  WSKCONF_VIOLATION v = ExpectViolation("ClientCall.WskBufInvalid");
  EXPECT_NE(std::string(v.Message).find("neither locked"), std::string::npos) << v.Message;
}

TEST_F(WskBufCheckTest, LockedStackBufferIsSilent) {
  char data[64] = {};
  PMDL mdl = IoAllocateMdl(data, sizeof(data), FALSE, FALSE, nullptr);
  ASSERT_NE(mdl, nullptr);
  MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
  WSK_BUF buffer{mdl, 0, sizeof(data)};
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WskconfCheckWskBuf(&buffer, "WskReceive", nullptr));
  MmUnlockPages(mdl);
  IoFreeMdl(mdl);
}

TEST_F(WskBufCheckTest, FreedMdlIsReportedNotRead) {
  PMDL mdl = IoAllocateMdl(reinterpret_cast<PVOID>(0x1000), 16, FALSE, FALSE, nullptr);
  ASSERT_NE(mdl, nullptr);
  IoFreeMdl(mdl);
  WSK_BUF buffer{mdl, 0, 16};
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WskconfCheckWskBuf(&buffer, "WskSend", nullptr));
  ExpectViolation("Mdl.UsedAfterFree");
}

// A provider's side of a request: take the IRP, hold its buffer, and
// complete it later.
class BufferHoldTest : public KernelTest {
 protected:
  void Take(PIRP irp, const WSK_BUF* buffer) {
    IoSetNextIrpStackLocation(irp);
    WskconfIrpHoldWskBuf(irp, buffer);
  }
  void Complete(PIRP irp) {
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
  }
};

TEST_F(BufferHoldTest, FreeingTheMdlBeforeCompletionIsReported) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  auto* buffer = new PoolMdl(64);
  WSK_BUF wsk_buf{buffer->mdl, 0, 64};
  Take(irp.get(), &wsk_buf);
  PMDL mdl = buffer->mdl;
  IoFreeMdl(mdl);
  buffer->mdl = nullptr;
  WSKCONF_VIOLATION v = ExpectViolation("Irp.BufferReleasedBeforeCompletion");
  EXPECT_EQ(v.Object, mdl);
  delete buffer;
  ExpectViolation("Irp.BufferReleasedBeforeCompletion");  // and its pool block
  Complete(irp.get());
  EXPECT_EQ(probe.calls, 1);
}

TEST_F(BufferHoldTest, FreeingInTheCompletionRoutineIsSilent) {
  IrpPtr irp = AllocateIrp(1);
  auto* buffer = new PoolMdl(64);
  WSK_BUF wsk_buf{buffer->mdl, 0, 64};
  IoSetCompletionRoutine(
      irp.get(),
      [](PDEVICE_OBJECT, PIRP, PVOID context) -> NTSTATUS {
        delete static_cast<PoolMdl*>(context);
        return STATUS_MORE_PROCESSING_REQUIRED;
      },
      buffer, TRUE, TRUE, TRUE);
  Take(irp.get(), &wsk_buf);
  Complete(irp.get());
}

TEST_F(BufferHoldTest, UnlockingTheMdlBeforeCompletionIsReported) {
  std::vector<char> data(128);
  PMDL mdl = IoAllocateMdl(data.data(), 128, FALSE, FALSE, nullptr);
  MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  WSK_BUF wsk_buf{mdl, 0, 128};
  Take(irp.get(), &wsk_buf);
  MmUnlockPages(mdl);
  ExpectViolation("Irp.BufferReleasedBeforeCompletion");
  Complete(irp.get());
  IoFreeMdl(mdl);
}

TEST_F(BufferHoldTest, FreeingAPlainBufferBeforeCompletionIsReported) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  void* address = ExAllocatePool2(POOL_FLAG_NON_PAGED, 128, kTag);
  IoSetNextIrpStackLocation(irp.get());
  WskconfIrpHoldBuffer(irp.get(), static_cast<char*>(address) + 16, 28);
  ExFreePoolWithTag(address, kTag);
  WSKCONF_VIOLATION v = ExpectViolation("Irp.BufferReleasedBeforeCompletion");
  EXPECT_EQ(v.Object, address);
  Complete(irp.get());
}

TEST_F(BufferHoldTest, FreeingAfterCompletionIsSilent) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  void* address = ExAllocatePool2(POOL_FLAG_NON_PAGED, 128, kTag);
  IoSetNextIrpStackLocation(irp.get());
  WskconfIrpHoldBuffer(irp.get(), address, 128);
  Complete(irp.get());
  ExFreePoolWithTag(address, kTag);
}

TEST_F(BufferHoldTest, UnrelatedPoolIsSilent) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  void* held = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, kTag);
  void* other = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, kTag);
  IoSetNextIrpStackLocation(irp.get());
  WskconfIrpHoldBuffer(irp.get(), held, 64);
  ExFreePoolWithTag(other, kTag);
  Complete(irp.get());
  ExFreePoolWithTag(held, kTag);
}

class SentWhilePendingTest : public KernelTest {};

TEST_F(SentWhilePendingTest, TakingAPendingIrpAgainIsReported) {
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoSetNextIrpStackLocation(irp.get());  // the provider holds it
  const CHAR location = irp->CurrentLocation;
  IoSetNextIrpStackLocation(irp.get());  // the client sent it again
  WSKCONF_VIOLATION v = ExpectViolation("Irp.SentWhilePending");
  EXPECT_EQ(v.Object, irp.get());
  EXPECT_EQ(irp->CurrentLocation, location);  // left alone
  irp->IoStatus.Status = STATUS_SUCCESS;
  IoCompleteRequest(irp.get(), IO_NO_INCREMENT);
  EXPECT_EQ(probe.calls, 1);
}

TEST_F(SentWhilePendingTest, RunningOutOfLocationsWithoutARoutineIsNoStackLocation) {
  IrpPtr irp = AllocateIrp(1);
  IoSetNextIrpStackLocation(irp.get());
  IoSetNextIrpStackLocation(irp.get());
  ExpectViolation("Irp.NoStackLocation");
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "not Irp.SentWhilePending";
  irp->IoStatus.Status = STATUS_SUCCESS;
  IoCompleteRequest(irp.get(), IO_NO_INCREMENT);
  ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
}

TEST_F(SentWhilePendingTest, SendingAgainAfterCompletionAndReuseIsSilent) {
  IrpPtr irp = AllocateIrp(1);
  for (int round = 0; round < 2; ++round) {
    CompletionProbe probe;
    probe.Arm(irp.get());
    IoSetNextIrpStackLocation(irp.get());
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp.get(), IO_NO_INCREMENT);
    EXPECT_EQ(probe.calls, 1);
    IoReuseIrp(irp.get(), STATUS_UNSUCCESSFUL);
  }
}

class AllocationArgumentsTest : public KernelTest {};

TEST_F(AllocationArgumentsTest, InitializingAnAllocatedIrpIsReported) {
  IrpPtr irp = AllocateIrp(1);
  IoInitializeIrp(irp.get(), IoSizeOfIrp(1), 1);
  WSKCONF_VIOLATION v = ExpectViolation("Kernel.InvalidParameter");
  EXPECT_EQ(v.Object, irp.get());
  IoReuseIrp(irp.get(), STATUS_SUCCESS);  // the documented way: silent
}

TEST_F(AllocationArgumentsTest, MdlArgumentsOutsideTheRulesAreReported) {
  char data[32];
  PMDL charged = IoAllocateMdl(data, sizeof(data), FALSE, TRUE, nullptr);
  ExpectViolation("Kernel.InvalidParameter");
  PMDL orphan = IoAllocateMdl(data, sizeof(data), TRUE, FALSE, nullptr);
  ExpectViolation("Kernel.InvalidParameter");
  PMDL plain = IoAllocateMdl(data, sizeof(data), FALSE, FALSE, nullptr);  // silent
  for (PMDL mdl : {charged, orphan, plain}) {
    if (mdl != nullptr) IoFreeMdl(mdl);
  }
}

}  // namespace
