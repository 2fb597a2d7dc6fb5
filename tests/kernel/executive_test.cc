// Tests of kernel/src/executive.cc: rundown protection, lookaside lists,
// spin-lock-protected list operations, processor and process queries.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::kExpectCompletion;
using ::wskconf::testing::kExpectNoCompletion;
using ::wskconf::testing::RelativeTimeout;
using ExecutiveTest = ::wskconf::testing::KernelTest;

constexpr ULONG kTag = 'kLsL';

NTSTATUS WaitFor(PVOID object, std::chrono::milliseconds timeout) {
  LARGE_INTEGER value = RelativeTimeout(timeout);
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &value);
}

TEST(ExecutiveLayoutTest, MatchesWindowsX64) {
  EXPECT_EQ(8u, sizeof(EX_RUNDOWN_REF));
  EXPECT_EQ(96u, sizeof(GENERAL_LOOKASIDE_POOL));
  EXPECT_EQ(128u, sizeof(NPAGED_LOOKASIDE_LIST));
  EXPECT_EQ(96u, sizeof(LOOKASIDE_LIST_EX));
}

TEST_F(ExecutiveTest, RundownAcquireReleaseAndFinalWait) {
  EX_RUNDOWN_REF ref;
  ExInitializeRundownProtection(&ref);
  EXPECT_TRUE(ExAcquireRundownProtection(&ref));
  KEVENT waited;
  KeInitializeEvent(&waited, NotificationEvent, FALSE);
  std::thread waiter([&] {
    ExWaitForRundownProtectionRelease(&ref);
    KeSetEvent(&waited, IO_NO_INCREMENT, FALSE);
  });
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(&waited, kExpectNoCompletion))
      << "the waiter must wait for the holder";
  // Once rundown has started no one new gets in (the waiter may not have
  // started yet, so retry until an acquire fails).
  while (ExAcquireRundownProtection(&ref)) ExReleaseRundownProtection(&ref);
  ExReleaseRundownProtection(&ref);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&waited, kExpectCompletion));
  waiter.join();
  EXPECT_FALSE(ExAcquireRundownProtection(&ref));
  ExReInitializeRundownProtection(&ref);
  EXPECT_TRUE(ExAcquireRundownProtectionEx(&ref, 3));
  ExReleaseRundownProtectionEx(&ref, 3);
  ExWaitForRundownProtectionRelease(&ref);  // no holder: returns at once
  ExRundownCompleted(&ref);
  EXPECT_FALSE(ExAcquireRundownProtection(&ref));
}

TEST_F(ExecutiveTest, RundownExtraReleaseIsIgnored) {
  EX_RUNDOWN_REF ref;
  ExInitializeRundownProtection(&ref);
  ExReleaseRundownProtection(&ref);
  ExpectViolation("Rundown.ReleasedMoreThanAcquired");
  EXPECT_EQ(0u, ref.Count);
}

TEST_F(ExecutiveTest, NPagedLookasideEntriesArePoolBlocks) {
  NPAGED_LOOKASIDE_LIST list;
  ExInitializeNPagedLookasideList(&list, nullptr, nullptr, POOL_NX_ALLOCATION,
                                  40, kTag, 0);
  void* a = ExAllocateFromNPagedLookasideList(&list);
  void* b = ExAllocateFromNPagedLookasideList(&list);
  ASSERT_NE(nullptr, a);
  ASSERT_NE(nullptr, b);
  EXPECT_EQ(2u, WskconfPoolLiveCount(kTag));
  EXPECT_EQ(80u, WskconfPoolLiveBytes(kTag));
  ExFreeToNPagedLookasideList(&list, a);
  ExFreeToNPagedLookasideList(&list, b);
  EXPECT_EQ(0u, WskconfPoolLiveCount(kTag)) << "nothing is cached";
  EXPECT_EQ(2u, list.L.TotalAllocates);
  EXPECT_EQ(2u, list.L.TotalFrees);
  ExDeleteNPagedLookasideList(&list);
}

TEST_F(ExecutiveTest, LookasideDoubleFreeIsReported) {
  NPAGED_LOOKASIDE_LIST list;
  ExInitializeNPagedLookasideList(&list, nullptr, nullptr, 0, 16, kTag, 0);
  void* entry = ExAllocateFromNPagedLookasideList(&list);
  ExFreeToNPagedLookasideList(&list, entry);
  ExFreeToNPagedLookasideList(&list, entry);
  ExpectViolation("Pool.FreedTwice");
  ExDeleteNPagedLookasideList(&list);
}

std::atomic<int> custom_allocations{0};

PVOID CustomAllocate(POOL_TYPE type, SIZE_T bytes, ULONG tag) {
  ++custom_allocations;
  return ExAllocatePoolWithTag(type, bytes, tag);
}

void CustomFree(PVOID buffer) {
  --custom_allocations;
  ExFreePool(buffer);
}

TEST_F(ExecutiveTest, PagedLookasideUsesCustomRoutines) {
  PAGED_LOOKASIDE_LIST list;
  ExInitializePagedLookasideList(&list, CustomAllocate, CustomFree, 0, 8, kTag,
                                 0);
  void* entry = ExAllocateFromPagedLookasideList(&list);
  EXPECT_EQ(1, custom_allocations.load());
  ExFreeToPagedLookasideList(&list, entry);
  EXPECT_EQ(0, custom_allocations.load());
  ExDeletePagedLookasideList(&list);
}

TEST_F(ExecutiveTest, LookasideListExWithDefaults) {
  LOOKASIDE_LIST_EX list;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     ExInitializeLookasideListEx(&list, nullptr, nullptr,
                                                 NonPagedPoolNx, 0, 24, kTag,
                                                 0));
  void* entry = ExAllocateFromLookasideListEx(&list);
  EXPECT_EQ(24u, WskconfPoolLiveBytes(kTag));
  ExFreeToLookasideListEx(&list, entry);
  ExDeleteLookasideListEx(&list);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     ExInitializeLookasideListEx(&list, nullptr, nullptr,
                                                 NonPagedPoolNx, 0, 0, kTag,
                                                 0));
}

TEST_F(ExecutiveTest, InterlockedListOperations) {
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  LIST_ENTRY head;
  InitializeListHead(&head);
  LIST_ENTRY a;
  LIST_ENTRY b;
  LIST_ENTRY c;
  EXPECT_EQ(nullptr, ExInterlockedInsertTailList(&head, &b, &lock));
  EXPECT_EQ(&b, ExInterlockedInsertHeadList(&head, &a, &lock));
  EXPECT_EQ(&b, ExInterlockedInsertTailList(&head, &c, &lock));
  EXPECT_EQ(&a, ExInterlockedRemoveHeadList(&head, &lock));
  EXPECT_EQ(&b, ExInterlockedRemoveHeadList(&head, &lock));
  EXPECT_EQ(&c, ExInterlockedRemoveHeadList(&head, &lock));
  EXPECT_EQ(nullptr, ExInterlockedRemoveHeadList(&head, &lock));
  SINGLE_LIST_ENTRY stack{nullptr};
  SINGLE_LIST_ENTRY s1;
  EXPECT_EQ(nullptr, ExInterlockedPushEntryList(&stack, &s1, &lock));
  EXPECT_EQ(&s1, ExInterlockedPopEntryList(&stack, &lock));
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
  EXPECT_EQ(0u, lock);
}

TEST_F(ExecutiveTest, ProcessorAndProcessQueries) {
  KAFFINITY affinity = 0;
  ULONG count = KeQueryActiveProcessorCount(&affinity);
  EXPECT_GE(count, 1u);
  EXPECT_NE(0u, affinity);
  EXPECT_LT(KeGetCurrentProcessorNumber(), 4096u);
  EXPECT_NE(nullptr, PsGetCurrentProcess());
  EXPECT_EQ(PsGetCurrentProcess(), PsGetCurrentProcess());
  EXPECT_NE(nullptr, PsGetCurrentProcessId());
  auto start = std::chrono::steady_clock::now();
  KeStallExecutionProcessor(1000);
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::microseconds(1000));
}

TEST_F(ExecutiveTest, ByteSwaps) {
  EXPECT_EQ(0x3412, RtlUshortByteSwap(0x1234));
  EXPECT_EQ(0x78563412u, RtlUlongByteSwap(0x12345678u));
  EXPECT_EQ(0x0807060504030201ULL, RtlUlonglongByteSwap(0x0102030405060708ULL));
}

TEST(ExecutiveDeathTest, BugCheckAbortsWithTheCode) {
  EXPECT_DEATH(KeBugCheckEx(0xD1, 1, 2, 3, 4), "KeBugCheckEx\\(0x000000D1");
}

TEST_F(ExecutiveTest, ReleasingRundownMoreThanAcquiredIsReported) {
  EX_RUNDOWN_REF ref;
  ExInitializeRundownProtection(&ref);
  ASSERT_TRUE(ExAcquireRundownProtection(&ref));
  ExReleaseRundownProtection(&ref);
  EXPECT_EQ(0u, WskconfGetViolationCount()) << "one release per acquire";
  ExReleaseRundownProtection(&ref);
  EXPECT_EQ(&ref, ExpectViolation("Rundown.ReleasedMoreThanAcquired").Object);
  EXPECT_TRUE(ExAcquireRundownProtection(&ref)) << "the count did not wrap";
  ExReleaseRundownProtection(&ref);
}

}  // namespace
}  // namespace wskconf::kernel
