// Tests of kernel/src/spinlock.cc: IRQL effects of the spin lock routines
// and real mutual exclusion between host threads.
#include <cstring>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "deadlock_test_util.h"
#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using SpinLockTest = ::wskconf::testing::KernelTest;

TEST_F(SpinLockTest, InitializeSetsFree) {
  KSPIN_LOCK lock = 12345;
  KeInitializeSpinLock(&lock);
  EXPECT_EQ(0u, lock);
}

TEST_F(SpinLockTest, AcquireRaisesToDispatchAndReleaseRestores) {
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  KIRQL old = HIGH_LEVEL;
  KeAcquireSpinLock(&lock, &old);
  EXPECT_EQ(PASSIVE_LEVEL, old);
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql());
  EXPECT_NE(0u, lock) << "a held lock is not free";
  KeReleaseSpinLock(&lock, old);
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
  EXPECT_EQ(0u, lock);
}

TEST_F(SpinLockTest, DpcLevelVariantsKeepIrql) {
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  KIRQL old = KeRaiseIrqlToDpcLevel();
  KeAcquireSpinLockAtDpcLevel(&lock);
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql());
  EXPECT_FALSE(KeTryToAcquireSpinLockAtDpcLevel(&lock));
  KeReleaseSpinLockFromDpcLevel(&lock);
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql());
  EXPECT_TRUE(KeTryToAcquireSpinLockAtDpcLevel(&lock));
  KeReleaseSpinLockFromDpcLevel(&lock);
  KeLowerIrql(old);
}

TEST_F(SpinLockTest, InStackQueuedLockSavesIrql) {
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  KLOCK_QUEUE_HANDLE handle;
  KeAcquireInStackQueuedSpinLock(&lock, &handle);
  EXPECT_EQ(PASSIVE_LEVEL, handle.OldIrql);
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql());
  KeReleaseInStackQueuedSpinLock(&handle);
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
  EXPECT_EQ(0u, lock);
}

TEST_F(SpinLockTest, ExcludesOtherThreads) {
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  // A non-atomic read-modify-write: any overlap loses increments.
  long counter = 0;
  constexpr int kThreads = 4;
  constexpr int kIterations = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIterations; ++i) {
        KIRQL old;
        KeAcquireSpinLock(&lock, &old);
        long value = counter;
        counter = value + 1;
        KeReleaseSpinLock(&lock, old);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(kThreads * kIterations, counter);
}

TEST_F(SpinLockTest, AcquireAboveDispatchIsReported) {
  KIRQL old = 0;
  KeRaiseIrql(HIGH_LEVEL, &old);
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  KIRQL ignored;
  KeAcquireSpinLock(&lock, &ignored);
  ExpectViolation("Irql.InvalidRaiseOrLower");
  KeReleaseSpinLockFromDpcLevel(&lock);
  KeLowerIrql(old);
}

TEST_F(SpinLockTest, NullLockIsReported) {
  KeInitializeSpinLock(nullptr);
  ExpectViolation("Kernel.NullArgument");
  KIRQL old;
  KeAcquireSpinLock(nullptr, &old);
  ExpectViolation("Kernel.NullArgument");
  KeReleaseSpinLock(nullptr, old);
  ExpectViolation("Kernel.NullArgument");
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
}

TEST_F(SpinLockTest, ReleasingAFreeLockIsReported) {
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  KIRQL old = 0;
  KeRaiseIrql(DISPATCH_LEVEL, &old);
  KeReleaseSpinLock(&lock, old);
  WSKCONF_VIOLATION violation = ExpectViolation("SpinLock.ReleasedNotHeld");
  EXPECT_EQ(&lock, violation.Object);
  EXPECT_NE(nullptr, std::strstr(violation.Message, "not held"))
      << violation.Message;
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
}

TEST_F(SpinLockTest, ReleasingAnotherThreadsLockIsReportedAndKeepsItHeld) {
  KSPIN_LOCK lock;
  KeInitializeSpinLock(&lock);
  KIRQL old = 0;
  KeAcquireSpinLock(&lock, &old);
  std::thread([&] {
    KeReleaseSpinLockFromDpcLevel(&lock);
  }).join();
  WSKCONF_VIOLATION violation = ExpectViolation("SpinLock.ReleasedNotHeld");
  EXPECT_NE(nullptr, std::strstr(violation.Message, "another thread"))
      << violation.Message;
  EXPECT_FALSE(KeTryToAcquireSpinLockAtDpcLevel(&lock)) << "still held";
  KeReleaseSpinLock(&lock, old);
}

TEST_F(SpinLockTest, AcquiringAHeldLockAgainIsReportedThenDeadlocks) {
  ::wskconf::testing::ExpectReportThenDeadlock(
      "SpinLock.AcquiredRecursively", [] {
        KSPIN_LOCK lock;
        KeInitializeSpinLock(&lock);
        KIRQL first = 0;
        KIRQL second = 0;
        KeAcquireSpinLock(&lock, &first);
        KeAcquireSpinLock(&lock, &second);
      });
}

TEST_F(SpinLockTest, NestedDistinctLocksAndQueuedLocksAreSilent) {
  KSPIN_LOCK outer;
  KSPIN_LOCK inner;
  KeInitializeSpinLock(&outer);
  KeInitializeSpinLock(&inner);
  KIRQL old = 0;
  KeAcquireSpinLock(&outer, &old);
  KeAcquireSpinLockAtDpcLevel(&inner);
  KeReleaseSpinLockFromDpcLevel(&inner);
  KeReleaseSpinLock(&outer, old);
  KLOCK_QUEUE_HANDLE handle;
  KeAcquireInStackQueuedSpinLock(&outer, &handle);
  KeReleaseInStackQueuedSpinLock(&handle);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

}  // namespace
}  // namespace wskconf::kernel
