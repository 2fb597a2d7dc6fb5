// Tests kernel/src/mdl.cc: MDL allocation, IRP association and chains,
// building for nonpaged pool, probe-and-lock (including unmapped ranges),
// the system address, and the MDL rules.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wdm.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io_test_util.h"
#include "kernel_test_util.h"

namespace {

using wskconf::testing::AllocateIrp;
using wskconf::testing::IrpPtr;
using wskconf::testing::KernelTest;
using wskconf::testing::MdlPtr;

class MdlTest : public KernelTest {
 protected:
  // A page-aligned buffer of three pages; tests pick offsets inside it.
  alignas(PAGE_SIZE) static inline unsigned char buffer_[3 * PAGE_SIZE];
};

TEST_F(MdlTest, AllocateMdlDescribesTheBuffer) {
  unsigned char* start = buffer_ + 100;
  MdlPtr mdl(IoAllocateMdl(start, 5000, FALSE, FALSE, nullptr));
  ASSERT_NE(mdl, nullptr);
  EXPECT_EQ(mdl->StartVa, buffer_);
  EXPECT_EQ(MmGetMdlByteOffset(mdl.get()), 100u);
  EXPECT_EQ(MmGetMdlByteCount(mdl.get()), 5000u);
  EXPECT_EQ(MmGetMdlVirtualAddress(mdl.get()), start);
  EXPECT_EQ(mdl->Next, nullptr);
  EXPECT_EQ(static_cast<SIZE_T>(mdl->Size), MmSizeOfMdl(start, 5000));
  EXPECT_EQ(mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA), 0);
  EXPECT_EQ(WskconfLiveMdlCount(), 1u);
}

TEST_F(MdlTest, SizeOfMdlCountsSpannedPages) {
  EXPECT_EQ(MmSizeOfMdl(buffer_, PAGE_SIZE), sizeof(MDL) + sizeof(PFN_NUMBER));
  EXPECT_EQ(MmSizeOfMdl(buffer_ + 1, PAGE_SIZE),
            sizeof(MDL) + 2 * sizeof(PFN_NUMBER));
  EXPECT_EQ(MmSizeOfMdl(buffer_, 0), sizeof(MDL));
  EXPECT_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES(buffer_ + PAGE_SIZE - 1, 2), 2u);
}

TEST_F(MdlTest, PrimaryBufferBecomesMdlAddressAndSecondaryIsChained) {
  IrpPtr irp = AllocateIrp(1);
  PMDL first = IoAllocateMdl(buffer_, 10, FALSE, FALSE, irp.get());
  PMDL second = IoAllocateMdl(buffer_ + 10, 10, TRUE, FALSE, irp.get());
  PMDL third = IoAllocateMdl(buffer_ + 20, 10, TRUE, FALSE, irp.get());
  EXPECT_EQ(irp->MdlAddress, first);
  EXPECT_EQ(first->Next, second);
  EXPECT_EQ(second->Next, third);
  EXPECT_EQ(third->Next, nullptr);
  ULONG total = 0;
  for (PMDL mdl = irp->MdlAddress; mdl != nullptr;) {
    total += MmGetMdlByteCount(mdl);
    PMDL next = mdl->Next;
    IoFreeMdl(mdl);  // IoFreeIrp frees no MDL: the chain is ours to free
    mdl = next;
  }
  EXPECT_EQ(total, 30u);
  EXPECT_EQ(WskconfLiveMdlCount(), 0u);
}

TEST_F(MdlTest, TooLongBufferIsRefused) {
  EXPECT_EQ(IoAllocateMdl(buffer_, 0xFFFFFFFFu, FALSE, FALSE, nullptr),
            nullptr);
}

TEST_F(MdlTest, FailNthAllocationFailsTheNthMdl) {
  ULONG injected = WskconfInjectedFailureCount(WskconfAllocMdl);
  WskconfFailNthAllocation(WskconfAllocMdl, 1);
  EXPECT_EQ(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr), nullptr);
  MdlPtr next(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  EXPECT_NE(next, nullptr);
  EXPECT_EQ(WskconfInjectedFailureCount(WskconfAllocMdl), injected + 1);
}

TEST_F(MdlTest, FreeingTwiceIsReported) {
  PMDL mdl = IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr);
  IoFreeMdl(mdl);
  IoFreeMdl(mdl);
  WSKCONF_VIOLATION violation = ExpectViolation("Mdl.UsedAfterFree");
  EXPECT_EQ(violation.Object, mdl);
}

TEST_F(MdlTest, FreeingNullIsReported) {
  IoFreeMdl(nullptr);
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(MdlTest, UsingAFreedMdlIsReported) {
  PMDL mdl = IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr);
  IoFreeMdl(mdl);
  MmBuildMdlForNonPagedPool(mdl);
  ExpectViolation("Mdl.UsedAfterFree");
  MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
  ExpectViolation("Mdl.UsedAfterFree");
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority), nullptr);
  ExpectViolation("Mdl.UsedAfterFree");
}

TEST_F(MdlTest, LeakedMdlIsReportedByCheckLeaks) {
  PMDL mdl = IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr);
  EXPECT_EQ(WskconfCheckLeaks(), 1u);
  EXPECT_EQ(ExpectViolation("Leak.Mdl").Object, mdl);
  IoFreeMdl(mdl);
}

TEST_F(MdlTest, NonPagedPoolMdlMapsAtItsVirtualAddress) {
  unsigned char* start = buffer_ + PAGE_SIZE - 8;
  MdlPtr mdl(IoAllocateMdl(start, 16, FALSE, FALSE, nullptr));
  MmBuildMdlForNonPagedPool(mdl.get());
  EXPECT_TRUE(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(mdl.get(), NormalPagePriority), start);
  PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl.get());
  auto first_page = reinterpret_cast<std::uintptr_t>(buffer_) >> PAGE_SHIFT;
  EXPECT_EQ(pfn[0], first_page);
  EXPECT_EQ(pfn[1], first_page + 1);
}

TEST_F(MdlTest, ProbeLockMapUnlockIsClean) {
  MdlPtr mdl(IoAllocateMdl(buffer_ + 1, 2 * PAGE_SIZE, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(mdl.get(), KernelMode, IoWriteAccess);
  EXPECT_TRUE(mdl->MdlFlags & MDL_PAGES_LOCKED);
  EXPECT_TRUE(mdl->MdlFlags & MDL_WRITE_OPERATION);
  auto* system = static_cast<unsigned char*>(
      MmGetSystemAddressForMdlSafe(mdl.get(), NormalPagePriority));
  EXPECT_EQ(system, buffer_ + 1);
  EXPECT_TRUE(mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
  MmUnlockPages(mdl.get());
  EXPECT_FALSE(mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA));
}

// Pages the process may not touch: an inaccessible (PROT_NONE) mapping is
// used rather than an unmapped hole, which any later mmap could fill.
TEST_F(MdlTest, ProbingAnInaccessibleRangeIsReportedNotAFault) {
  long page = sysconf(_SC_PAGESIZE);
  void* mapping =
      mmap(nullptr, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mapping, MAP_FAILED);
  MdlPtr mdl(IoAllocateMdl(mapping, 64, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(mdl.get(), KernelMode, IoReadAccess);
  EXPECT_EQ(ExpectViolation("Mdl.ProbeInvalidAddress").Object, mdl.get());
  EXPECT_FALSE(mdl->MdlFlags & MDL_PAGES_LOCKED);
  munmap(mapping, page);
}

TEST_F(MdlTest, ProbingARangeThatRunsIntoAnInaccessiblePageIsReported) {
  long page = sysconf(_SC_PAGESIZE);
  auto* mapping = static_cast<unsigned char*>(
      mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(mapping, MAP_FAILED);
  ASSERT_EQ(mprotect(mapping + page, page, PROT_NONE), 0);
  MdlPtr inside(IoAllocateMdl(mapping + page - 8, 8, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(inside.get(), KernelMode, IoWriteAccess);
  EXPECT_TRUE(inside->MdlFlags & MDL_PAGES_LOCKED);
  MmUnlockPages(inside.get());
  MdlPtr across(IoAllocateMdl(mapping + page - 8, 16, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(across.get(), KernelMode, IoReadAccess);
  ExpectViolation("Mdl.ProbeInvalidAddress");
  EXPECT_FALSE(across->MdlFlags & MDL_PAGES_LOCKED);
  munmap(mapping, 2 * page);
}

TEST_F(MdlTest, ProbingNullPageIsReported) {
  MdlPtr mdl(
      IoAllocateMdl(reinterpret_cast<PVOID>(16), 8, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(mdl.get(), KernelMode, IoReadAccess);
  ExpectViolation("Mdl.ProbeInvalidAddress");
}

TEST_F(MdlTest, ProbingReadOnlyMemoryForWriteIsReported) {
  long page = sysconf(_SC_PAGESIZE);
  void* mapping =
      mmap(nullptr, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mapping, MAP_FAILED);
  MdlPtr mdl(IoAllocateMdl(mapping, 64, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(mdl.get(), KernelMode, IoWriteAccess);
  ExpectViolation("Mdl.ProbeInvalidAddress");
  MmProbeAndLockPages(mdl.get(), KernelMode, IoReadAccess);  // reading is fine
  EXPECT_TRUE(mdl->MdlFlags & MDL_PAGES_LOCKED);
  MmUnlockPages(mdl.get());
  munmap(mapping, page);
}

TEST_F(MdlTest, LockingTwiceIsReported) {
  MdlPtr mdl(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(mdl.get(), KernelMode, IoReadAccess);
  MmProbeAndLockPages(mdl.get(), KernelMode, IoReadAccess);
  ExpectViolation("Mdl.LockImbalance");
  MmUnlockPages(mdl.get());
}

TEST_F(MdlTest, LockingANonPagedPoolMdlIsReported) {
  MdlPtr mdl(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  MmBuildMdlForNonPagedPool(mdl.get());
  MmProbeAndLockPages(mdl.get(), KernelMode, IoReadAccess);
  ExpectViolation("Mdl.LockImbalance");
  MmUnlockPages(mdl.get());
  ExpectViolation("Mdl.LockImbalance");
}

TEST_F(MdlTest, UnlockingWithoutLockIsReported) {
  MdlPtr mdl(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  MmUnlockPages(mdl.get());
  WSKCONF_VIOLATION violation = ExpectViolation("Mdl.LockImbalance");
  EXPECT_NE(std::string(violation.Message).find("MmUnlockPages"),
            std::string::npos);
}

TEST_F(MdlTest, FreeingLockedPagesIsReported) {
  PMDL mdl = IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr);
  MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
  IoFreeMdl(mdl);
  ExpectViolation("Mdl.LockImbalance");
  EXPECT_EQ(WskconfLiveMdlCount(), 0u);  // freed anyway
}

TEST_F(MdlTest, SystemAddressOfAnUnlockedMdlIsReported) {
  MdlPtr mdl(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(mdl.get(), NormalPagePriority),
            nullptr);
  WSKCONF_VIOLATION violation = ExpectViolation("Mdl.LockImbalance");
  EXPECT_NE(std::string(violation.Message).find("MmGetSystemAddressForMdlSafe"),
            std::string::npos);
}

TEST_F(MdlTest, SystemAddressAfterUnlockNeedsANewLock) {
  MdlPtr mdl(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(mdl.get(), KernelMode, IoReadAccess);
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(mdl.get(), NormalPagePriority),
            buffer_);
  MmUnlockPages(mdl.get());
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(mdl.get(), NormalPagePriority),
            nullptr);
  ExpectViolation("Mdl.LockImbalance");
}

TEST_F(MdlTest, InitializeMdlOnCallerMemoryIsUsableAndUntracked) {
  std::vector<unsigned char> memory(MmSizeOfMdl(buffer_ + 5, 100));
  auto* mdl = reinterpret_cast<PMDL>(memory.data());
  MmInitializeMdl(mdl, buffer_ + 5, 100);
  EXPECT_EQ(mdl->StartVa, buffer_);
  EXPECT_EQ(mdl->ByteOffset, 5u);
  EXPECT_EQ(mdl->ByteCount, 100u);
  MmBuildMdlForNonPagedPool(mdl);
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(mdl, HighPagePriority), buffer_ + 5);
  EXPECT_EQ(WskconfLiveMdlCount(), 0u);
}

TEST_F(MdlTest, AllocatingForAFreedIrpIsReported) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoFreeIrp(irp);
  EXPECT_EQ(IoAllocateMdl(buffer_, 10, FALSE, FALSE, irp), nullptr);
  ExpectViolation("Irp.SentAfterFree");
}

TEST_F(MdlTest, ChainCheckAcceptsALiveChain) {
  MdlPtr first(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  MdlPtr second(IoAllocateMdl(buffer_ + 10, 10, FALSE, FALSE, nullptr));
  first->Next = second.get();
  EXPECT_TRUE(WskconfMdlChainIsUsable(first.get(), "WskSend"));
  EXPECT_TRUE(WskconfMdlChainIsUsable(nullptr, "WskSend"));
  first->Next = nullptr;
}

TEST_F(MdlTest, ChainCheckReportsAFreedMdlInTheChain) {
  MdlPtr first(IoAllocateMdl(buffer_, 10, FALSE, FALSE, nullptr));
  PMDL second = IoAllocateMdl(buffer_ + 10, 10, FALSE, FALSE, nullptr);
  first->Next = second;
  IoFreeMdl(second);
  EXPECT_FALSE(WskconfMdlChainIsUsable(first.get(), "WskSend"));
  WSKCONF_VIOLATION violation = ExpectViolation("Mdl.UsedAfterFree");
  EXPECT_EQ(violation.Object, second);
  EXPECT_NE(std::string(violation.Message).find("WskSend"), std::string::npos);
  first->Next = nullptr;
}

TEST_F(MdlTest, PartialMdlOfNonPagedSourceIsMappedAtItsAddress) {
  MdlPtr source(IoAllocateMdl(buffer_, 2 * PAGE_SIZE, FALSE, FALSE, nullptr));
  MmBuildMdlForNonPagedPool(source.get());
  MdlPtr part(
      IoAllocateMdl(buffer_ + PAGE_SIZE - 4, 100, FALSE, FALSE, nullptr));
  IoBuildPartialMdl(source.get(), part.get(), buffer_ + PAGE_SIZE - 4, 100);
  EXPECT_TRUE(part->MdlFlags & MDL_PARTIAL);
  EXPECT_TRUE(part->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
  EXPECT_EQ(MmGetMdlVirtualAddress(part.get()), buffer_ + PAGE_SIZE - 4);
  EXPECT_EQ(MmGetMdlByteCount(part.get()), 100u);
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(part.get(), NormalPagePriority),
            buffer_ + PAGE_SIZE - 4);
  auto first_page = reinterpret_cast<std::uintptr_t>(buffer_) >> PAGE_SHIFT;
  EXPECT_EQ(MmGetMdlPfnArray(part.get())[1], first_page + 1);
}

TEST_F(MdlTest, PartialMdlOfLockedSourceIsMappedOnDemandAndReusable) {
  MdlPtr source(IoAllocateMdl(buffer_, 3 * PAGE_SIZE, FALSE, FALSE, nullptr));
  MmProbeAndLockPages(source.get(), KernelMode, IoReadAccess);
  MdlPtr part(IoAllocateMdl(buffer_, 3 * PAGE_SIZE, FALSE, FALSE, nullptr));
  IoBuildPartialMdl(source.get(), part.get(), buffer_ + 2 * PAGE_SIZE, 0);
  EXPECT_EQ(MmGetMdlByteCount(part.get()), static_cast<ULONG>(PAGE_SIZE));
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(part.get(), NormalPagePriority),
            buffer_ + 2 * PAGE_SIZE);
  EXPECT_TRUE(part->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED);
  MmPrepareMdlForReuse(part.get());
  EXPECT_FALSE(part->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED);
  IoBuildPartialMdl(source.get(), part.get(), buffer_ + 10, 20);
  EXPECT_EQ(MmGetSystemAddressForMdlSafe(part.get(), NormalPagePriority),
            buffer_ + 10);
  MmUnlockPages(source.get());
}

TEST_F(MdlTest, PartialMdlOutsideTheSourceLeavesTheTargetAlone) {
  MdlPtr source(IoAllocateMdl(buffer_, 100, FALSE, FALSE, nullptr));
  MmBuildMdlForNonPagedPool(source.get());
  MdlPtr part(IoAllocateMdl(buffer_ + 50, 100, FALSE, FALSE, nullptr));
  IoBuildPartialMdl(source.get(), part.get(), buffer_ + 50, 100);
  WSKCONF_VIOLATION violation = ExpectViolation("Mdl.PartialBuildInvalid");
  EXPECT_NE(std::string(violation.Message).find("not inside source MDL"),
            std::string::npos)
      << violation.Message;
  EXPECT_FALSE(part->MdlFlags & MDL_PARTIAL);
}

TEST_F(MdlTest, PartialMdlIntoATooSmallTargetLeavesItAlone) {
  MdlPtr source(IoAllocateMdl(buffer_, 3 * PAGE_SIZE, FALSE, FALSE, nullptr));
  MmBuildMdlForNonPagedPool(source.get());
  MdlPtr part(IoAllocateMdl(buffer_, 8, FALSE, FALSE, nullptr));  // 1 page
  IoBuildPartialMdl(source.get(), part.get(), buffer_, 3 * PAGE_SIZE);
  WSKCONF_VIOLATION violation = ExpectViolation("Mdl.PartialBuildInvalid");
  EXPECT_NE(std::string(violation.Message).find("too small"),
            std::string::npos)
      << violation.Message;
  EXPECT_EQ(MmGetMdlByteCount(part.get()), 8u);
}

TEST_F(MdlTest, PartialMdlOfASourceNotLockedDownIsReported) {
  MdlPtr source(IoAllocateMdl(buffer_, 100, FALSE, FALSE, nullptr));
  MdlPtr part(IoAllocateMdl(buffer_, 100, FALSE, FALSE, nullptr));
  IoBuildPartialMdl(source.get(), part.get(), buffer_ + 10, 20);
  WSKCONF_VIOLATION violation = ExpectViolation("Mdl.PartialBuildInvalid");
  EXPECT_EQ(source.get(), violation.Object);
}

TEST_F(MdlTest, PartialMdlWithFreedOrNullMdlIsReported) {
  MdlPtr source(IoAllocateMdl(buffer_, 100, FALSE, FALSE, nullptr));
  IoBuildPartialMdl(source.get(), nullptr, buffer_, 10);
  ExpectViolation("Kernel.NullArgument");
  PMDL freed = IoAllocateMdl(buffer_, 100, FALSE, FALSE, nullptr);
  IoFreeMdl(freed);
  IoBuildPartialMdl(source.get(), freed, buffer_, 10);
  ExpectViolation("Mdl.UsedAfterFree");
}

}  // namespace
