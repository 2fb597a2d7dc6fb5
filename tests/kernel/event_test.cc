// Tests of kernel/src/event_wait.cc: KEVENT state changes, notification vs
// synchronization release, KeWaitForSingleObject timeouts and the
// Irql.WaitAtDispatch rule.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::kExpectCompletion;
using ::wskconf::testing::kExpectNoCompletion;
using ::wskconf::testing::RelativeTimeout;
using EventTest = ::wskconf::testing::KernelTest;

NTSTATUS WaitFor(PVOID object, std::chrono::milliseconds timeout) {
  LARGE_INTEGER value = RelativeTimeout(timeout);
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &value);
}

NTSTATUS Poll(PVOID object) {
  LARGE_INTEGER zero;
  zero.QuadPart = 0;
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &zero);
}

TEST(EventLayoutTest, MatchesWindowsX64) {
  EXPECT_EQ(24u, sizeof(KEVENT));
  EXPECT_EQ(24u, sizeof(DISPATCHER_HEADER));
  EXPECT_EQ(4u, offsetof(DISPATCHER_HEADER, SignalState));
  EXPECT_EQ(8u, offsetof(DISPATCHER_HEADER, WaitListHead));
  EXPECT_EQ(0, NotificationEvent);
  EXPECT_EQ(1, SynchronizationEvent);
  EXPECT_EQ(0, Executive);
  EXPECT_EQ(0, KernelMode);
  EXPECT_EQ(1, UserMode);
}

TEST_F(EventTest, InitializeSetsState) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  EXPECT_EQ(1, KeReadStateEvent(&event));
  KeInitializeEvent(&event, SynchronizationEvent, FALSE);
  EXPECT_EQ(0, KeReadStateEvent(&event));
}

TEST_F(EventTest, SetReturnsPreviousState) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  EXPECT_EQ(0, KeSetEvent(&event, IO_NO_INCREMENT, FALSE));
  EXPECT_EQ(1, KeSetEvent(&event, IO_NO_INCREMENT, FALSE));
}

TEST_F(EventTest, ResetReturnsPreviousStateAndClearClears) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  EXPECT_EQ(1, KeResetEvent(&event));
  EXPECT_EQ(0, KeResetEvent(&event));
  KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
  KeClearEvent(&event);
  EXPECT_EQ(0, KeReadStateEvent(&event));
}

TEST_F(EventTest, NotificationEventStaysSignalledAfterWait) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Poll(&event));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Poll(&event));
  EXPECT_EQ(1, KeReadStateEvent(&event));
}

TEST_F(EventTest, SynchronizationEventResetsOnWait) {
  KEVENT event;
  KeInitializeEvent(&event, SynchronizationEvent, TRUE);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Poll(&event));
  EXPECT_EQ(0, KeReadStateEvent(&event));
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, Poll(&event));
}

TEST_F(EventTest, RelativeTimeoutExpires) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  auto start = std::chrono::steady_clock::now();
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(&event, kExpectNoCompletion));
  EXPECT_GE(std::chrono::steady_clock::now() - start, kExpectNoCompletion);
}

TEST_F(EventTest, AbsoluteTimeoutExpires) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  LARGE_INTEGER deadline;
  KeQuerySystemTime(&deadline);
  deadline.QuadPart += kExpectNoCompletion.count() * 10000;
  auto start = std::chrono::steady_clock::now();
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, KeWaitForSingleObject(&event, Executive,
                                                           KernelMode, FALSE,
                                                           &deadline));
  // System and steady clocks may differ slightly; allow a few ms.
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            kExpectNoCompletion - std::chrono::milliseconds(5));
}

TEST_F(EventTest, AbsoluteTimeInThePastPolls) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  LARGE_INTEGER past;
  past.QuadPart = 1;
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, KeWaitForSingleObject(&event, Executive,
                                                           KernelMode, FALSE,
                                                           &past));
}

TEST_F(EventTest, SetFromAnotherThreadWakesInfiniteWait) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  std::thread setter([&] { KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, KeWaitForSingleObject(&event, Executive,
                                                           KernelMode, FALSE,
                                                           nullptr));
  setter.join();
}

// Each waiter thread waits on `event` and signals `done` once released.
struct Waiters {
  KEVENT done;
  std::atomic<int> released{0};
  std::vector<std::thread> threads;
  Waiters() { KeInitializeEvent(&done, SynchronizationEvent, FALSE); }
  void Start(PKEVENT event, int count) {
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([this, event] {
        if (WaitFor(event, kExpectCompletion) == STATUS_SUCCESS) {
          ++released;
          KeSetEvent(&done, IO_NO_INCREMENT, FALSE);
        }
      });
    }
  }
  void Join() {
    for (auto& t : threads) t.join();
  }
};

TEST_F(EventTest, NotificationEventReleasesAllWaiters) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  Waiters waiters;
  waiters.Start(&event, 3);
  KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
  waiters.Join();
  EXPECT_EQ(3, waiters.released.load());
}

TEST_F(EventTest, SynchronizationEventReleasesOneWaiterPerSet) {
  KEVENT event;
  KeInitializeEvent(&event, SynchronizationEvent, FALSE);
  Waiters waiters;
  waiters.Start(&event, 2);
  KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&waiters.done, kExpectCompletion));
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT,
                     WaitFor(&waiters.done, kExpectNoCompletion))
      << "one set released two waiters";
  EXPECT_EQ(1, waiters.released.load());
  KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&waiters.done, kExpectCompletion));
  waiters.Join();
  EXPECT_EQ(2, waiters.released.load());
  EXPECT_EQ(0, KeReadStateEvent(&event));
}

TEST_F(EventTest, WaitAtDispatchWithZeroTimeoutIsAllowed) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  KIRQL old = KeRaiseIrqlToDpcLevel();
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Poll(&event));
  KeLowerIrql(old);
  ExpectNoViolations();
}

TEST_F(EventTest, WaitAtDispatchWithTimeoutIsReported) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  KIRQL old = KeRaiseIrqlToDpcLevel();
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&event, kExpectCompletion));
  KeLowerIrql(old);
  ExpectViolation("Irql.WaitAtDispatch");
}

TEST_F(EventTest, SetAtDispatchIsAllowed) {
  KEVENT event;
  KeInitializeEvent(&event, SynchronizationEvent, FALSE);
  KIRQL old = KeRaiseIrqlToDpcLevel();
  KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
  KeLowerIrql(old);
  EXPECT_EQ(1, KeReadStateEvent(&event));
}

TEST_F(EventTest, EventNeverInitializedIsReportedAndNotTouched) {
  KEVENT event;
  std::memset(&event, 0x5A, sizeof(event));  // garbage, as on a stack
  EXPECT_EQ(0, KeSetEvent(&event, IO_NO_INCREMENT, FALSE));
  EXPECT_EQ(&event, ExpectViolation("Dispatcher.ObjectNotInitialized").Object);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WaitFor(&event, kExpectNoCompletion));
  ExpectViolation("Dispatcher.ObjectNotInitialized");
  KeResetEvent(&event);
  KeClearEvent(&event);
  EXPECT_EQ(0, KeReadStateEvent(&event));
  for (int i = 0; i < 3; ++i) ExpectViolation("Dispatcher.ObjectNotInitialized");
  const unsigned char* bytes = reinterpret_cast<unsigned char*>(&event);
  for (size_t i = 0; i < sizeof(event); ++i) EXPECT_EQ(0x5A, bytes[i]) << i;
}

// A stack frame or heap block the registry never saw freed: the address
// was an initialised event, the memory now holds one nobody initialised.
TEST_F(EventTest, UninitializedEventAtAReusedAddressIsReported) {
  KEVENT event;
  for (int fill : {0x00, 0x5A}) {
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    EXPECT_EQ(0u, WskconfGetViolationCount()) << "initialised: silent";
    std::memset(&event, fill, sizeof(event));
    EXPECT_EQ(0, KeSetEvent(&event, IO_NO_INCREMENT, FALSE)) << fill;
    EXPECT_EQ(&event, ExpectViolation("Dispatcher.ObjectNotInitialized").Object);
    EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER, Poll(&event));
    ExpectViolation("Dispatcher.ObjectNotInitialized");
  }
}

TEST_F(EventTest, EventInFreedPoolIsReportedAsFreed) {
  auto* event = static_cast<PKEVENT>(
      ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KEVENT), 'tvEK'));
  ASSERT_NE(nullptr, event);
  KeInitializeEvent(event, NotificationEvent, FALSE);
  KeSetEvent(event, IO_NO_INCREMENT, FALSE);
  ExFreePoolWithTag(event, 'tvEK');
  EXPECT_EQ(0u, WskconfGetViolationCount()) << "used while alive: silent";
  KeSetEvent(event, IO_NO_INCREMENT, FALSE);
  EXPECT_EQ(event, ExpectViolation("Dispatcher.ObjectFreed").Object);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER, Poll(event));
  ExpectViolation("Dispatcher.ObjectFreed");
}

TEST_F(EventTest, NullObjectIsReported) {
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER, Poll(nullptr));
  ExpectViolation("Kernel.NullArgument");
  KeSetEvent(nullptr, IO_NO_INCREMENT, FALSE);
  ExpectViolation("Kernel.NullArgument");
}

TEST(WaitValuesTest, MatchWindows) {
  EXPECT_EQ(0, WaitAll);
  EXPECT_EQ(1, WaitAny);
  EXPECT_EQ(3, THREAD_WAIT_OBJECTS);
  EXPECT_EQ(64, MAXIMUM_WAIT_OBJECTS);
  EXPECT_EQ(48u, sizeof(KWAIT_BLOCK));
}

NTSTATUS WaitMultiple(std::vector<PVOID> objects, WAIT_TYPE type,
                      std::chrono::milliseconds timeout,
                      PKWAIT_BLOCK blocks = nullptr) {
  LARGE_INTEGER value = RelativeTimeout(timeout);
  return KeWaitForMultipleObjects(static_cast<ULONG>(objects.size()),
                                  objects.data(), type, Executive, KernelMode,
                                  FALSE, &value, blocks);
}

TEST_F(EventTest, WaitAnyReturnsIndexOfSignalledObject) {
  KEVENT a;
  KEVENT b;
  KeInitializeEvent(&a, NotificationEvent, FALSE);
  KeInitializeEvent(&b, SynchronizationEvent, TRUE);
  EXPECT_NTSTATUS_EQ(STATUS_WAIT_0 + 1,
                     WaitMultiple({&a, &b}, WaitAny, kExpectNoCompletion));
  EXPECT_EQ(0, KeReadStateEvent(&b)) << "the wait consumed b";
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT,
                     WaitMultiple({&a, &b}, WaitAny, kExpectNoCompletion));
}

TEST_F(EventTest, WaitAnyIsWokenBySecondObject) {
  KEVENT a;
  KEVENT b;
  KeInitializeEvent(&a, NotificationEvent, FALSE);
  KeInitializeEvent(&b, NotificationEvent, FALSE);
  std::thread setter([&] { KeSetEvent(&b, IO_NO_INCREMENT, FALSE); });
  EXPECT_NTSTATUS_EQ(STATUS_WAIT_0 + 1,
                     WaitMultiple({&a, &b}, WaitAny, kExpectCompletion));
  setter.join();
}

TEST_F(EventTest, WaitAllNeedsEveryObjectAndTakesThemTogether) {
  KEVENT a;
  KEVENT b;
  KeInitializeEvent(&a, SynchronizationEvent, TRUE);
  KeInitializeEvent(&b, SynchronizationEvent, FALSE);
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT,
                     WaitMultiple({&a, &b}, WaitAll, kExpectNoCompletion));
  EXPECT_EQ(1, KeReadStateEvent(&a)) << "a failed WaitAll consumes nothing";
  std::thread setter([&] { KeSetEvent(&b, IO_NO_INCREMENT, FALSE); });
  EXPECT_NTSTATUS_EQ(STATUS_WAIT_0,
                     WaitMultiple({&a, &b}, WaitAll, kExpectCompletion));
  setter.join();
  EXPECT_EQ(0, KeReadStateEvent(&a));
  EXPECT_EQ(0, KeReadStateEvent(&b));
}

TEST_F(EventTest, WaitMultipleChecksCountAndWaitBlocks) {
  KEVENT events[4];
  std::vector<PVOID> objects;
  for (auto& event : events) {
    KeInitializeEvent(&event, NotificationEvent, TRUE);
    objects.push_back(&event);
  }
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WaitMultiple(objects, WaitAny, kExpectNoCompletion))
      << "more than THREAD_WAIT_OBJECTS need a wait block array";
  ExpectViolation("Kernel.InvalidParameter");
  KWAIT_BLOCK blocks[4];
  EXPECT_NTSTATUS_EQ(STATUS_WAIT_0,
                     WaitMultiple(objects, WaitAny, kExpectNoCompletion, blocks));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     WaitMultiple({}, WaitAny, kExpectNoCompletion));
  ExpectViolation("Kernel.InvalidParameter");
}

TEST_F(EventTest, WaitMultipleAtDispatchIsReported) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  KIRQL old = KeRaiseIrqlToDpcLevel();
  EXPECT_NTSTATUS_EQ(STATUS_WAIT_0,
                     WaitMultiple({&event}, WaitAny, kExpectCompletion));
  KeLowerIrql(old);
  ExpectViolation("Irql.WaitAtDispatch");
}

TEST_F(EventTest, SetWithWaitFollowedByAWaitIsSilent) {
  KEVENT signalled;
  KEVENT other;
  KeInitializeEvent(&signalled, NotificationEvent, FALSE);
  KeInitializeEvent(&other, NotificationEvent, TRUE);
  KeSetEvent(&signalled, IO_NO_INCREMENT, TRUE);
  LARGE_INTEGER timeout = RelativeTimeout(kExpectNoCompletion);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS,
                     KeWaitForSingleObject(&other, Executive, KernelMode,
                                           FALSE, &timeout));
  KeSetEvent(&signalled, IO_NO_INCREMENT, FALSE);  // no wait promised
  KeResetEvent(&signalled);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

TEST_F(EventTest, SetWithWaitFollowedBySomethingElseIsReported) {
  KEVENT first;
  KEVENT second;
  KeInitializeEvent(&first, NotificationEvent, FALSE);
  KeInitializeEvent(&second, NotificationEvent, FALSE);
  KeSetEvent(&first, IO_NO_INCREMENT, TRUE);
  KeSetEvent(&second, IO_NO_INCREMENT, FALSE);
  WSKCONF_VIOLATION violation =
      ExpectViolation("Event.SetWithWaitNotFollowedByWait");
  EXPECT_EQ(&first, violation.Object);
  EXPECT_NE(std::string(violation.Message).find("KeSetEvent"),
            std::string::npos)
      << violation.Message;
}

TEST_F(EventTest, SetWithWaitAtTheEndOfAThreadIsReported) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  KeSetEvent(&event, IO_NO_INCREMENT, TRUE);
  EXPECT_EQ(0u, WskconfCheckLeaks());
  ExpectViolation("Event.SetWithWaitNotFollowedByWait");
}

TEST_F(EventTest, WaitForMultipleWithImpossibleParametersIsReported) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  PVOID objects[1] = {&event};
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     KeWaitForMultipleObjects(0, objects, WaitAny, Executive,
                                              KernelMode, FALSE, nullptr,
                                              nullptr));
  ExpectViolation("Kernel.InvalidParameter");
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     KeWaitForMultipleObjects(1, objects,
                                              static_cast<WAIT_TYPE>(7),
                                              Executive, KernelMode, FALSE,
                                              nullptr, nullptr));
  ExpectViolation("Kernel.InvalidParameter");
  EXPECT_NTSTATUS_EQ(STATUS_WAIT_0,
                     KeWaitForMultipleObjects(1, objects, WaitAny, Executive,
                                              KernelMode, FALSE, nullptr,
                                              nullptr));
}

}  // namespace
}  // namespace wskconf::kernel
