// Tests of kernel/src/thread.cc: PsCreateSystemThread, thread objects as
// waitable and reference-counted objects, handles and ZwClose.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::kExpectCompletion;
using ::wskconf::testing::kExpectNoCompletion;
using ::wskconf::testing::RelativeTimeout;
using ThreadTest = ::wskconf::testing::KernelTest;

NTSTATUS WaitFor(PVOID object, std::chrono::milliseconds timeout) {
  LARGE_INTEGER value = RelativeTimeout(timeout);
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &value);
}

struct StartState {
  KEVENT go;        // the thread waits for it before returning
  KIRQL irql = HIGH_LEVEL;
  PETHREAD self = nullptr;
  std::atomic<bool> ran{false};
  StartState() { KeInitializeEvent(&go, NotificationEvent, FALSE); }
};

void RecordAndWait(PVOID context) {
  auto* state = static_cast<StartState*>(context);
  state->irql = KeGetCurrentIrql();
  state->self = PsGetCurrentThread();
  state->ran = true;
  LARGE_INTEGER timeout = RelativeTimeout(kExpectCompletion);
  KeWaitForSingleObject(&state->go, Executive, KernelMode, FALSE, &timeout);
}

// The usual driver pattern: create, reference by handle, close the handle,
// wait for the thread object, dereference.
TEST_F(ThreadTest, DriverPatternCreateReferenceCloseWaitDereference) {
  StartState state;
  HANDLE handle = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr,
                                          nullptr, nullptr, RecordAndWait,
                                          &state));
  ASSERT_NE(nullptr, handle);
  PVOID thread = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS,
                                               *PsThreadType, KernelMode,
                                               &thread, nullptr));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, ZwClose(handle));
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(thread, kExpectNoCompletion))
      << "the thread object is signalled only when the thread ends";
  KeSetEvent(&state.go, IO_NO_INCREMENT, FALSE);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(thread, kExpectCompletion));
  EXPECT_TRUE(state.ran);
  EXPECT_EQ(PASSIVE_LEVEL, state.irql);
  EXPECT_EQ(thread, state.self);
  EXPECT_TRUE(PsIsSystemThread(static_cast<PETHREAD>(thread)));
  ObDereferenceObject(thread);
}

TEST_F(ThreadTest, ClientIdReceivesThreadId) {
  StartState state;
  KeSetEvent(&state.go, IO_NO_INCREMENT, FALSE);
  HANDLE handle = nullptr;
  CLIENT_ID client_id{};
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr,
                                          nullptr, &client_id, RecordAndWait,
                                          &state));
  PVOID thread = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     ObReferenceObjectByHandle(handle, SYNCHRONIZE, nullptr,
                                               KernelMode, &thread, nullptr));
  ZwClose(handle);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(thread, kExpectCompletion));
  EXPECT_NE(nullptr, client_id.UniqueThread);
  EXPECT_EQ(client_id.UniqueThread, PsGetThreadId(static_cast<PETHREAD>(thread)));
  ObDereferenceObject(thread);
}

void TerminateEarly(PVOID context) {
  auto* reached = static_cast<std::atomic<int>*>(context);
  *reached = 1;
  PsTerminateSystemThread(STATUS_SUCCESS);
  *reached = 2;  // never runs
}

TEST_F(ThreadTest, TerminateSystemThreadEndsTheThread) {
  std::atomic<int> reached{0};
  HANDLE handle = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr,
                                          nullptr, nullptr, TerminateEarly,
                                          &reached));
  PVOID thread = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     ObReferenceObjectByHandle(handle, SYNCHRONIZE,
                                               *PsThreadType, KernelMode,
                                               &thread, nullptr));
  ZwClose(handle);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(thread, kExpectCompletion));
  EXPECT_EQ(1, reached.load());
  ObDereferenceObject(thread);
}

TEST_F(ThreadTest, TerminateFromNonSystemThreadFails) {
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     PsTerminateSystemThread(STATUS_SUCCESS));
}

TEST_F(ThreadTest, CreateAtDispatchIsReported) {
  KIRQL old = KeRaiseIrqlToDpcLevel();
  HANDLE handle = nullptr;
  NTSTATUS status = PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr,
                                         nullptr, nullptr, RecordAndWait,
                                         nullptr);
  KeLowerIrql(old);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_DEVICE_REQUEST, status);
  ExpectViolation("Irql.PassiveOnlyCallAtRaisedIrql");
}

TEST_F(ThreadTest, CreateWithNullArgumentsFails) {
  HANDLE handle = nullptr;
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     PsCreateSystemThread(&handle, 0, nullptr, nullptr,
                                          nullptr, nullptr, nullptr));
  ExpectViolation("Kernel.NullArgument");
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     PsCreateSystemThread(nullptr, 0, nullptr, nullptr,
                                          nullptr, RecordAndWait, nullptr));
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(ThreadTest, ClosedHandleIsInvalid) {
  StartState state;
  KeSetEvent(&state.go, IO_NO_INCREMENT, FALSE);
  HANDLE handle = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr,
                                          nullptr, nullptr, RecordAndWait,
                                          &state));
  PVOID thread = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     ObReferenceObjectByHandle(handle, 0, nullptr, KernelMode,
                                               &thread, nullptr));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, ZwClose(handle));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_HANDLE, ZwClose(handle));
  PVOID object = &state;
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_HANDLE,
                     ObReferenceObjectByHandle(handle, 0, nullptr, KernelMode,
                                               &object, nullptr));
  EXPECT_EQ(nullptr, object);
  // `state` lives on this stack: let the thread finish first.
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(thread, kExpectCompletion));
  ObDereferenceObject(thread);
}

TEST_F(ThreadTest, WrongObjectTypeIsMismatch) {
  StartState state;
  KeSetEvent(&state.go, IO_NO_INCREMENT, FALSE);
  HANDLE handle = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr,
                                          nullptr, nullptr, RecordAndWait,
                                          &state));
  PVOID object = nullptr;
  POBJECT_TYPE other_type = reinterpret_cast<POBJECT_TYPE>(&state);
  EXPECT_NTSTATUS_EQ(STATUS_OBJECT_TYPE_MISMATCH,
                     ObReferenceObjectByHandle(handle, 0, other_type,
                                               KernelMode, &object, nullptr));
  EXPECT_EQ(nullptr, object);
  PVOID thread = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     ObReferenceObjectByHandle(handle, 0, *PsThreadType,
                                               KernelMode, &thread, nullptr));
  ZwClose(handle);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(thread, kExpectCompletion));
  ObDereferenceObject(thread);
}

TEST_F(ThreadTest, ReferenceCountsAddUp) {
  PETHREAD self = PsGetCurrentThread();
  ASSERT_NE(nullptr, self);
  LONG_PTR first = ObReferenceObject(self);
  EXPECT_EQ(first + 1, ObReferenceObject(self));
  EXPECT_EQ(first, ObDereferenceObject(self));
  EXPECT_EQ(first - 1, ObDereferenceObject(self));
}

TEST_F(ThreadTest, CurrentThreadPseudoHandleReferencesCaller) {
  PVOID object = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     ObReferenceObjectByHandle(NtCurrentThread(), 0,
                                               *PsThreadType, KernelMode,
                                               &object, nullptr));
  EXPECT_EQ(static_cast<PVOID>(PsGetCurrentThread()), object);
  EXPECT_EQ(static_cast<PVOID>(KeGetCurrentThread()), object);
  EXPECT_FALSE(PsIsSystemThread(PsGetCurrentThread()));
  EXPECT_EQ(PsGetCurrentThreadId(), PsGetThreadId(PsGetCurrentThread()));
  ObDereferenceObject(object);
}

TEST_F(ThreadTest, HostThreadObjectIsSignalledWhenItExits) {
  PETHREAD other = nullptr;
  KEVENT started;
  KeInitializeEvent(&started, NotificationEvent, FALSE);
  KEVENT release;
  KeInitializeEvent(&release, NotificationEvent, FALSE);
  std::thread host([&] {
    other = PsGetCurrentThread();
    ObReferenceObject(other);
    KeSetEvent(&started, IO_NO_INCREMENT, FALSE);
    WaitFor(&release, kExpectCompletion);
  });
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&started, kExpectCompletion));
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(other, kExpectNoCompletion));
  KeSetEvent(&release, IO_NO_INCREMENT, FALSE);
  host.join();
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(other, kExpectCompletion));
  ObDereferenceObject(other);
}

TEST_F(ThreadTest, UnknownObjectsAreLeftAlone) {
  int not_an_object = 0;
  EXPECT_EQ(1, ObReferenceObject(&not_an_object));
  EXPECT_EQ(1, ObDereferenceObject(&not_an_object));
  EXPECT_EQ(0, not_an_object);
}

TEST_F(ThreadTest, ZwCloseOfUnknownHandleFails) {
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_HANDLE,
                     ZwClose(reinterpret_cast<HANDLE>(uintptr_t{0x1234})));
}

// A host thread's object: one reference of ours, the thread's own released
// when the thread ends.
PVOID ReferencedObjectOfEndedHostThread() {
  PVOID object = nullptr;
  std::thread([&] {
    object = PsGetCurrentThread();
    ObReferenceObject(object);
  }).join();
  return object;
}

TEST_F(ThreadTest, DereferencingOnceTooOftenIsReported) {
  PVOID object = ReferencedObjectOfEndedHostThread();
  ObDereferenceObject(object);  // the last reference: deleted
  EXPECT_EQ(0u, WskconfGetViolationCount());
  ObDereferenceObject(object);
  EXPECT_EQ(object, ExpectViolation("Object.DereferencedTooOften").Object);
  ObReferenceObject(object);
  ExpectViolation("Object.DereferencedTooOften");
}

TEST_F(ThreadTest, BalancedReferencesAreSilent) {
  PVOID object = ReferencedObjectOfEndedHostThread();
  ObReferenceObject(object);
  ObDereferenceObject(object);
  ObDereferenceObject(object);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

}  // namespace
}  // namespace wskconf::kernel
