// Tests of kernel/src/sync_objects.cc: mutexes (ownership, recursion),
// semaphores (counts and limit) and fast mutexes (exclusion and IRQL).
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "deadlock_test_util.h"
#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::kExpectCompletion;
using ::wskconf::testing::kExpectNoCompletion;
using ::wskconf::testing::RelativeTimeout;
using SyncObjectsTest = ::wskconf::testing::KernelTest;

NTSTATUS WaitFor(PVOID object, std::chrono::milliseconds timeout) {
  LARGE_INTEGER value = RelativeTimeout(timeout);
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &value);
}

// Result of waiting for `object` from another host thread.
NTSTATUS WaitFromOtherThread(PVOID object, std::chrono::milliseconds timeout) {
  NTSTATUS status = STATUS_UNSUCCESSFUL;
  std::thread([&] { status = WaitFor(object, timeout); }).join();
  return status;
}

TEST_F(SyncObjectsTest, MutexIsOwnedRecursivelyByItsThread) {
  KMUTEX mutex;
  KeInitializeMutex(&mutex, 0);
  EXPECT_EQ(1, KeReadStateMutex(&mutex));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&mutex, kExpectCompletion));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&mutex, kExpectCompletion))
      << "the owner acquires again";
  EXPECT_EQ(KeGetCurrentThread(), mutex.OwnerThread);
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT,
                     WaitFromOtherThread(&mutex, kExpectNoCompletion));
  EXPECT_EQ(-1, KeReleaseMutex(&mutex, FALSE));
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT,
                     WaitFromOtherThread(&mutex, kExpectNoCompletion))
      << "still owned once";
  EXPECT_EQ(0, KeReleaseMutex(&mutex, FALSE));
  EXPECT_EQ(1, KeReadStateMutex(&mutex));
  EXPECT_EQ(nullptr, mutex.OwnerThread);
}

TEST_F(SyncObjectsTest, ReleasedMutexGoesToWaiter) {
  KMUTEX mutex;
  KeInitializeMutex(&mutex, 0);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&mutex, kExpectCompletion));
  KEVENT acquired;
  KeInitializeEvent(&acquired, NotificationEvent, FALSE);
  PKTHREAD other = nullptr;
  std::thread waiter([&] {
    if (WaitFor(&mutex, kExpectCompletion) == STATUS_SUCCESS) {
      other = KeGetCurrentThread();
      KeSetEvent(&acquired, IO_NO_INCREMENT, FALSE);
      KeReleaseMutex(&mutex, FALSE);
    }
  });
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(&acquired, kExpectNoCompletion));
  KeReleaseMutex(&mutex, FALSE);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&acquired, kExpectCompletion));
  waiter.join();
  EXPECT_NE(nullptr, other);
  EXPECT_EQ(1, KeReadStateMutex(&mutex));
}

TEST_F(SyncObjectsTest, ReleasingUnownedMutexIsReportedAndIgnored) {
  KMUTEX mutex;
  KeInitializeMutex(&mutex, 0);
  EXPECT_EQ(1, KeReleaseMutex(&mutex, FALSE));
  EXPECT_EQ(&mutex, ExpectViolation("Mutex.ReleasedNotOwned").Object);
  EXPECT_EQ(1, KeReadStateMutex(&mutex));
}

TEST_F(SyncObjectsTest, ReleasingAnotherThreadsMutexIsReported) {
  KMUTEX mutex;
  KeInitializeMutex(&mutex, 0);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&mutex, kExpectNoCompletion));
  std::thread([&] { KeReleaseMutex(&mutex, FALSE); }).join();
  ExpectViolation("Mutex.ReleasedNotOwned");
  EXPECT_EQ(0, KeReleaseMutex(&mutex, FALSE)) << "the owner may release it";
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

TEST_F(SyncObjectsTest, SemaphoreCountsWaits) {
  KSEMAPHORE semaphore;
  KeInitializeSemaphore(&semaphore, 2, 3);
  EXPECT_EQ(2, KeReadStateSemaphore(&semaphore));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&semaphore, kExpectNoCompletion));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&semaphore, kExpectNoCompletion));
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(&semaphore, kExpectNoCompletion));
  EXPECT_EQ(0, KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 3, FALSE));
  EXPECT_EQ(3, KeReadStateSemaphore(&semaphore));
}

TEST_F(SyncObjectsTest, SemaphoreLimitIsEnforcedAndReported) {
  KSEMAPHORE semaphore;
  KeInitializeSemaphore(&semaphore, 1, 1);
  EXPECT_EQ(1, KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE));
  EXPECT_EQ(&semaphore, ExpectViolation("Semaphore.LimitExceeded").Object);
  EXPECT_EQ(1, KeReadStateSemaphore(&semaphore));
  EXPECT_EQ(1, KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 0, FALSE));
  ExpectViolation("Semaphore.LimitExceeded");
}

TEST_F(SyncObjectsTest, SemaphoreReleaseWakesWaiter) {
  KSEMAPHORE semaphore;
  KeInitializeSemaphore(&semaphore, 0, 1);
  NTSTATUS status = STATUS_UNSUCCESSFUL;
  std::thread waiter([&] { status = WaitFor(&semaphore, kExpectCompletion); });
  KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE);
  waiter.join();
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, status);
  EXPECT_EQ(0, KeReadStateSemaphore(&semaphore));
}

TEST_F(SyncObjectsTest, FastMutexRaisesToApcAndExcludes) {
  FAST_MUTEX mutex;
  ExInitializeFastMutex(&mutex);
  ExAcquireFastMutex(&mutex);
  EXPECT_EQ(APC_LEVEL, KeGetCurrentIrql());
  BOOLEAN other_got_it = TRUE;
  std::thread([&] { other_got_it = ExTryToAcquireFastMutex(&mutex); }).join();
  EXPECT_FALSE(other_got_it);
  ExReleaseFastMutex(&mutex);
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
  EXPECT_TRUE(ExTryToAcquireFastMutex(&mutex));
  ExReleaseFastMutex(&mutex);
}

TEST_F(SyncObjectsTest, FastMutexProtectsACounter) {
  FAST_MUTEX mutex;
  ExInitializeFastMutex(&mutex);
  long counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        ExAcquireFastMutex(&mutex);
        long value = counter;
        counter = value + 1;
        ExReleaseFastMutex(&mutex);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(8000, counter);
}

TEST_F(SyncObjectsTest, FastMutexAtDispatchIsReported) {
  FAST_MUTEX mutex;
  ExInitializeFastMutex(&mutex);
  KIRQL old = KeRaiseIrqlToDpcLevel();
  ExAcquireFastMutex(&mutex);
  ExpectViolation("Irql.PassiveOnlyCallAtRaisedIrql");
  ExReleaseFastMutex(&mutex);
  KeLowerIrql(old);
}

TEST_F(SyncObjectsTest, ReleasingAFastMutexNotOwnedIsReported) {
  FAST_MUTEX mutex;
  ExInitializeFastMutex(&mutex);
  ExReleaseFastMutexUnsafe(&mutex);
  EXPECT_EQ(&mutex, ExpectViolation("Mutex.ReleasedNotOwned").Object);
  ExAcquireFastMutex(&mutex);
  ExReleaseFastMutex(&mutex);
  EXPECT_EQ(0u, WskconfGetViolationCount()) << "acquire then release is fine";
}

TEST_F(SyncObjectsTest, AcquiringAnOwnedFastMutexIsReportedThenDeadlocks) {
  ::wskconf::testing::ExpectReportThenDeadlock(
      "Mutex.FastMutexAcquiredRecursively", [] {
        FAST_MUTEX mutex;
        ExInitializeFastMutex(&mutex);
        ExAcquireFastMutex(&mutex);
        ExAcquireFastMutex(&mutex);
      });
}

TEST_F(SyncObjectsTest, UninitializedMutexAndSemaphoreAreReported) {
  KMUTEX mutex{};
  KSEMAPHORE semaphore{};
  EXPECT_EQ(0, KeReleaseMutex(&mutex, FALSE));
  ExpectViolation("Dispatcher.ObjectNotInitialized");
  EXPECT_EQ(0, KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE));
  ExpectViolation("Dispatcher.ObjectNotInitialized");
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WaitFor(&semaphore, kExpectNoCompletion));
  ExpectViolation("Dispatcher.ObjectNotInitialized");
  KeInitializeSemaphore(&semaphore, 0, 1);
  EXPECT_EQ(0, KeReleaseSemaphore(&semaphore, IO_NO_INCREMENT, 1, FALSE));
  EXPECT_EQ(0u, WskconfGetViolationCount()) << "initialised: silent";
}

}  // namespace
}  // namespace wskconf::kernel
