// Tests of kernel/src/pool.cc: allocators, flags, per-tag accounting, the
// Pool.* rules, quarantine, fault injection and leak reporting.
#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using PoolTest = ::wskconf::testing::KernelTest;

constexpr ULONG kTag = 'tseT';  // "Test" in memory
constexpr ULONG kOtherTag = 'rhtO';

bool AllBytesAre(const void* p, size_t n, unsigned char value) {
  const auto* bytes = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] != value) return false;
  }
  return true;
}

TEST(PoolValuesTest, TypesAndFlagsHaveWindowsValues) {
  EXPECT_EQ(0, NonPagedPool);
  EXPECT_EQ(1, PagedPool);
  EXPECT_EQ(512, NonPagedPoolNx);
  EXPECT_EQ(516, NonPagedPoolNxCacheAligned);
  static_assert(sizeof(POOL_FLAGS) == 8);
  EXPECT_EQ(0x2ULL, POOL_FLAG_UNINITIALIZED);
  EXPECT_EQ(0x40ULL, POOL_FLAG_NON_PAGED);
  EXPECT_EQ(0x80ULL, POOL_FLAG_NON_PAGED_EXECUTE);
  EXPECT_EQ(0x100ULL, POOL_FLAG_PAGED);
  EXPECT_EQ(0x100000000ULL, POOL_FLAG_SPECIAL_POOL);
}

TEST_F(PoolTest, AllocateWithTagIsAlignedAndAccounted) {
  SIZE_T before = WskconfPoolLiveBytes(kTag);
  void* p = ExAllocatePoolWithTag(NonPagedPoolNx, 100, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(0u, reinterpret_cast<uintptr_t>(p) % 16);
  EXPECT_EQ(before + 100, WskconfPoolLiveBytes(kTag));
  EXPECT_EQ(1u, WskconfPoolLiveCount(kTag));
  EXPECT_EQ(0u, WskconfPoolLiveCount(kOtherTag));
  std::memset(p, 1, 100);
  ExFreePoolWithTag(p, kTag);
  EXPECT_EQ(before, WskconfPoolLiveBytes(kTag));
  EXPECT_EQ(0u, WskconfPoolLiveCount(kTag));
}

TEST_F(PoolTest, LiveCountWithTagZeroCountsAllTags) {
  ULONG before = WskconfPoolLiveCount(0);
  void* a = ExAllocatePoolWithTag(NonPagedPool, 8, kTag);
  void* b = ExAllocatePoolWithTag(NonPagedPool, 24, kOtherTag);
  EXPECT_EQ(before + 2, WskconfPoolLiveCount(0));
  EXPECT_EQ(32u, WskconfPoolLiveBytes(kTag) + WskconfPoolLiveBytes(kOtherTag));
  ExFreePoolWithTag(a, kTag);
  ExFreePoolWithTag(b, kOtherTag);
  EXPECT_EQ(before, WskconfPoolLiveCount(0));
}

TEST_F(PoolTest, UninitializedMemoryIsNotZero) {
  auto* p = ExAllocatePoolWithTag(NonPagedPool, 64, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_FALSE(AllBytesAre(p, 64, 0));
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, CacheAlignedTypeIs64ByteAligned) {
  void* p = ExAllocatePoolWithTag(NonPagedPoolNxCacheAligned, 10, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(0u, reinterpret_cast<uintptr_t>(p) % 64);
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, MustSucceedTypesAreRejected) {
  EXPECT_EQ(nullptr, ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 8, kTag));
  ExpectViolation("Pool.InvalidTypeOrFlags");
  EXPECT_EQ(nullptr, ExAllocatePoolWithTag(static_cast<POOL_TYPE>(3), 8, kTag));
  ExpectViolation("Pool.InvalidTypeOrFlags");
}

TEST_F(PoolTest, ZeroSizeAllocationIsAValidBlock) {
  void* p = ExAllocatePoolWithTag(NonPagedPool, 0, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(1u, WskconfPoolLiveCount(kTag));
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, AllocatePool2ZeroesByDefault) {
  void* p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 128, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_TRUE(AllBytesAre(p, 128, 0));
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, AllocatePool2UninitializedFlagSkipsZeroing) {
  void* p = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, 128, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_FALSE(AllBytesAre(p, 128, 0));
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, AllocatePool2CacheAligned) {
  void* p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED, 1, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(0u, reinterpret_cast<uintptr_t>(p) % 64);
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, AllocatePool2RejectsInvalidFlags) {
  EXPECT_EQ(nullptr, ExAllocatePool2(0, 8, kTag)) << "no memory kind";
  EXPECT_EQ(nullptr,
            ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 8, kTag));
  EXPECT_EQ(nullptr,
            ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED1, 8, kTag));
  EXPECT_EQ(nullptr, ExAllocatePool2(POOL_FLAG_NON_PAGED | 0x1000, 8, kTag))
      << "unknown required flag";
  EXPECT_EQ(0u, WskconfPoolLiveCount(kTag));
  for (int i = 0; i < 4; ++i) ExpectViolation("Pool.InvalidTypeOrFlags");
}

TEST_F(PoolTest, AllocatePool2IgnoresUnknownOptionalFlags) {
  void* p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL |
                                0x200000000ULL,
                            8, kTag);
  ASSERT_NE(nullptr, p);
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, AllocatePoolZeroZeroes) {
  void* p = ExAllocatePoolZero(NonPagedPoolNx, 40, kTag);
  ASSERT_NE(nullptr, p);
  EXPECT_TRUE(AllBytesAre(p, 40, 0));
  ExFreePool(p);
}

TEST_F(PoolTest, DeprecatedAllocatePoolUsesTagNone) {
  void* p = ExAllocatePool(NonPagedPool, 16);
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(1u, WskconfPoolLiveCount('enoN'));
  ExFreePoolWithTag(p, 'enoN');
}

TEST_F(PoolTest, FreeWithWrongTagIsReportedAndStillFrees) {
  void* p = ExAllocatePoolWithTag(NonPagedPool, 8, kTag);
  ExFreePoolWithTag(p, kOtherTag);
  WSKCONF_VIOLATION violation = ExpectViolation("Pool.FreedWithWrongTag");
  EXPECT_EQ(p, violation.Object);
  EXPECT_NE(nullptr, std::strstr(violation.Message, "'Test'"))
      << violation.Message;
  EXPECT_EQ(0u, WskconfPoolLiveCount(kTag));
}

TEST_F(PoolTest, ProtectedBitIsIgnoredInTagCheck) {
  void* p = ExAllocatePoolWithTag(NonPagedPool, 8, kTag | PROTECTED_POOL);
  ExFreePoolWithTag(p, kTag);
  ExpectNoViolations();
}

TEST_F(PoolTest, DoubleFreeIsReported) {
  void* p = ExAllocatePoolWithTag(NonPagedPool, 8, kTag);
  ExFreePoolWithTag(p, kTag);
  ExFreePoolWithTag(p, kTag);
  EXPECT_EQ(p, ExpectViolation("Pool.FreedTwice").Object);
}

TEST_F(PoolTest, FreeingUnknownPointerIsReported) {
  int not_pool = 0;
  ExFreePool(&not_pool);
  EXPECT_EQ(&not_pool, ExpectViolation("Pool.FreedUnknownPointer").Object);
}

TEST_F(PoolTest, FreeingNullIsReported) {
  ExFreePoolWithTag(nullptr, kTag);
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(PoolTest, FreedAddressIsNotReusedWhileQuarantined) {
  void* first = ExAllocatePoolWithTag(NonPagedPool, 32, kTag);
  ExFreePoolWithTag(first, kTag);
  void* second = ExAllocatePoolWithTag(NonPagedPool, 32, kTag);
  EXPECT_NE(first, second);
  ExFreePoolWithTag(second, kTag);
}

TEST_F(PoolTest, FaultInjectionFailsTheNthAllocation) {
  WskconfFailNthAllocation(WskconfAllocPool, 2);
  void* first = ExAllocatePoolWithTag(NonPagedPool, 8, kTag);
  void* second = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, kTag);
  void* third = ExAllocatePoolWithTag(NonPagedPool, 8, kTag);
  EXPECT_NE(nullptr, first);
  EXPECT_EQ(nullptr, second);
  EXPECT_NE(nullptr, third);
  EXPECT_EQ(2u, WskconfPoolLiveCount(kTag));
  ExFreePoolWithTag(first, kTag);
  ExFreePoolWithTag(third, kTag);
}

TEST_F(PoolTest, PagedPoolAtDispatchIsReported) {
  KIRQL old = KeRaiseIrqlToDpcLevel();
  void* p = ExAllocatePoolWithTag(PagedPool, 8, kTag);
  KeLowerIrql(old);
  ExpectViolation("Irql.PassiveOnlyCallAtRaisedIrql");
  ASSERT_NE(nullptr, p);
  ExFreePoolWithTag(p, kTag);
}

TEST_F(PoolTest, NonPagedPoolAtDispatchIsAllowed) {
  KIRQL old = KeRaiseIrqlToDpcLevel();
  void* p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, kTag);
  ExFreePoolWithTag(p, kTag);
  KeLowerIrql(old);
  ExpectNoViolations();
}

TEST_F(PoolTest, LeakIsReportedWithTagAsText) {
  void* p = ExAllocatePoolWithTag(NonPagedPool, 48, kTag);
  EXPECT_EQ(1u, WskconfCheckLeaks());
  WSKCONF_VIOLATION violation = ExpectViolation("Leak.Pool");
  EXPECT_EQ(p, violation.Object);
  EXPECT_NE(nullptr, std::strstr(violation.Message, "'Test'"))
      << violation.Message;
  EXPECT_NE(nullptr, std::strstr(violation.Message, "48 bytes"))
      << violation.Message;
  ExFreePoolWithTag(p, kTag);
  EXPECT_EQ(0u, WskconfCheckLeaks());
}

constexpr ULONG kUafTag = 0x66417755;  // 'fAwU': "UwAf" in memory

TEST_F(PoolTest, WriteAfterFreeIsReportedWithTheTagAndOffset) {
  void* p = ExAllocatePoolWithTag(NonPagedPoolNx, 64, kUafTag);
  ASSERT_NE(nullptr, p);
  ExFreePoolWithTag(p, kUafTag);
  ::wskconf::testing::WriteIntoFreedMemory(p, 10, 0x42);
  EXPECT_EQ(0u, WskconfCheckLeaks());
  WSKCONF_VIOLATION violation = ExpectViolation("Pool.WrittenAfterFree");
  EXPECT_EQ(p, violation.Object);
  std::string message = violation.Message;
  EXPECT_NE(message.find("'UwAf'"), std::string::npos) << message;
  EXPECT_NE(message.find("offset 10"), std::string::npos) << message;
  WskconfCheckLeaks();
  EXPECT_EQ(0u, WskconfGetViolationCount()) << "reported once";
}

TEST_F(PoolTest, WriteAfterFreeIsReportedWhenTheBlockLeavesQuarantine) {
  void* p = ExAllocatePoolWithTag(PagedPool, 16, kUafTag);
  ASSERT_NE(nullptr, p);
  ExFreePoolWithTag(p, kUafTag);
  ::wskconf::testing::WriteIntoFreedMemory(p, 15, 0);
  for (int i = 0; i < 5000; ++i) {  // more than the quarantine holds
    ExFreePoolWithTag(ExAllocatePoolWithTag(PagedPool, 8, kTag), kTag);
  }
  EXPECT_EQ(p, ExpectViolation("Pool.WrittenAfterFree").Object);
}

TEST_F(PoolTest, MemoryUsedOnlyBeforeItsFreeIsSilent) {
  auto* p = static_cast<unsigned char*>(
      ExAllocatePoolWithTag(NonPagedPoolNx, 32, kUafTag));
  ASSERT_NE(nullptr, p);
  std::memset(p, 0x11, 32);
  ExFreePoolWithTag(p, kUafTag);
  EXPECT_EQ(0u, WskconfCheckLeaks());
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

}  // namespace
}  // namespace wskconf::kernel
