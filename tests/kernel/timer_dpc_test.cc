// Tests of kernel/src/timer_dpc.cc: DPCs run at DISPATCH_LEVEL with their
// arguments, queue once, can be removed and flushed; timers signal, queue
// their DPC, repeat, and stop when cancelled.
#include <atomic>
#include <chrono>
#include <cstddef>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::kExpectCompletion;
using ::wskconf::testing::kExpectNoCompletion;
using ::wskconf::testing::RelativeTimeout;
using TimerDpcTest = ::wskconf::testing::KernelTest;

NTSTATUS WaitFor(PVOID object, std::chrono::milliseconds timeout) {
  LARGE_INTEGER value = RelativeTimeout(timeout);
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &value);
}

LARGE_INTEGER In(std::chrono::milliseconds delay) {
  return RelativeTimeout(delay);
}

struct DpcRecord {
  KEVENT ran;  // synchronization: one signal per run
  std::atomic<int> runs{0};
  KIRQL irql = PASSIVE_LEVEL;
  PKDPC dpc = nullptr;
  PVOID context = nullptr;
  PVOID argument1 = nullptr;
  PVOID argument2 = nullptr;
  DpcRecord() { KeInitializeEvent(&ran, SynchronizationEvent, FALSE); }
};

void RecordDpc(PKDPC dpc, PVOID context, PVOID argument1, PVOID argument2) {
  auto* record = static_cast<DpcRecord*>(context);
  record->irql = KeGetCurrentIrql();
  record->dpc = dpc;
  record->context = context;
  record->argument1 = argument1;
  record->argument2 = argument2;
  ++record->runs;
  KeSetEvent(&record->ran, IO_NO_INCREMENT, FALSE);
}

TEST(TimerDpcLayoutTest, MatchesWindowsX64) {
  EXPECT_EQ(64u, sizeof(KDPC));
  EXPECT_EQ(64u, sizeof(KTIMER));
  EXPECT_EQ(24u, offsetof(KDPC, DeferredRoutine));
  EXPECT_EQ(48u, offsetof(KTIMER, Dpc));
  EXPECT_EQ(60u, offsetof(KTIMER, Period));
}

TEST_F(TimerDpcTest, DpcRunsAtDispatchWithItsArguments) {
  DpcRecord record;
  KDPC dpc;
  KeInitializeDpc(&dpc, RecordDpc, &record);
  int a = 0;
  int b = 0;
  EXPECT_TRUE(KeInsertQueueDpc(&dpc, &a, &b));
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&record.ran, kExpectCompletion));
  KeFlushQueuedDpcs();
  EXPECT_EQ(DISPATCH_LEVEL, record.irql);
  EXPECT_EQ(&dpc, record.dpc);
  EXPECT_EQ(&record, record.context);
  EXPECT_EQ(&a, record.argument1);
  EXPECT_EQ(&b, record.argument2);
}

// Holds the DPC thread until `release` is set, so later DPCs stay queued.
void BlockDpc(PKDPC, PVOID context, PVOID, PVOID) {
  auto* release = static_cast<PKEVENT>(context);
  LARGE_INTEGER zero;
  zero.QuadPart = 0;
  // Poll (a wait with a timeout at DISPATCH_LEVEL would be a violation).
  while (KeWaitForSingleObject(release, Executive, KernelMode, FALSE, &zero) ==
         STATUS_TIMEOUT) {
    YieldProcessor();
  }
}

TEST_F(TimerDpcTest, QueuedDpcIsQueuedOnceAndCanBeRemoved) {
  KEVENT release;
  KeInitializeEvent(&release, NotificationEvent, FALSE);
  KDPC blocker;
  KeInitializeDpc(&blocker, BlockDpc, &release);
  DpcRecord record;
  KDPC dpc;
  KeInitializeDpc(&dpc, RecordDpc, &record);
  ASSERT_TRUE(KeInsertQueueDpc(&blocker, nullptr, nullptr));
  EXPECT_TRUE(KeInsertQueueDpc(&dpc, nullptr, nullptr));
  EXPECT_FALSE(KeInsertQueueDpc(&dpc, nullptr, nullptr)) << "already queued";
  EXPECT_TRUE(KeRemoveQueueDpc(&dpc));
  EXPECT_FALSE(KeRemoveQueueDpc(&dpc));
  KeSetEvent(&release, IO_NO_INCREMENT, FALSE);
  KeFlushQueuedDpcs();
  EXPECT_EQ(0, record.runs.load()) << "a removed DPC does not run";
}

TEST_F(TimerDpcTest, TimerSignalsWhenDue) {
  KTIMER timer;
  KeInitializeTimer(&timer);
  EXPECT_FALSE(KeReadStateTimer(&timer));
  EXPECT_FALSE(KeSetTimer(&timer, In(std::chrono::milliseconds(10)), nullptr));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&timer, kExpectCompletion));
  EXPECT_TRUE(KeReadStateTimer(&timer)) << "a notification timer stays set";
  EXPECT_FALSE(KeCancelTimer(&timer)) << "an expired timer is no longer set";
}

TEST_F(TimerDpcTest, SynchronizationTimerResetsOnWait) {
  KTIMER timer;
  KeInitializeTimerEx(&timer, SynchronizationTimer);
  KeSetTimer(&timer, In(std::chrono::milliseconds(1)), nullptr);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&timer, kExpectCompletion));
  EXPECT_FALSE(KeReadStateTimer(&timer));
}

TEST_F(TimerDpcTest, TimerQueuesItsDpc) {
  DpcRecord record;
  KDPC dpc;
  KeInitializeDpc(&dpc, RecordDpc, &record);
  KTIMER timer;
  KeInitializeTimer(&timer);
  KeSetTimer(&timer, In(std::chrono::milliseconds(1)), &dpc);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&record.ran, kExpectCompletion));
  KeFlushQueuedDpcs();
  EXPECT_EQ(DISPATCH_LEVEL, record.irql);
  EXPECT_EQ(1, record.runs.load());
}

TEST_F(TimerDpcTest, PeriodicTimerRepeatsUntilCancelled) {
  DpcRecord record;
  KDPC dpc;
  KeInitializeDpc(&dpc, RecordDpc, &record);
  KTIMER timer;
  KeInitializeTimer(&timer);
  KeSetTimerEx(&timer, In(std::chrono::milliseconds(1)), 5, &dpc);
  for (int i = 0; i < 3; ++i) {
    ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&record.ran, kExpectCompletion));
  }
  EXPECT_TRUE(KeCancelTimer(&timer));
  KeFlushQueuedDpcs();
  KeClearEvent(&record.ran);  // drop a signal from a run before the cancel
  int runs = record.runs.load();
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(&record.ran, kExpectNoCompletion))
      << "a cancelled timer stays quiet";
  EXPECT_EQ(runs, record.runs.load());
}

TEST_F(TimerDpcTest, CancelledTimerNeverFires) {
  KTIMER timer;
  KeInitializeTimer(&timer);
  KeSetTimer(&timer, In(kExpectNoCompletion), nullptr);
  EXPECT_TRUE(KeSetTimer(&timer, In(kExpectNoCompletion), nullptr))
      << "setting a set timer replaces it";
  EXPECT_TRUE(KeCancelTimer(&timer));
  EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT, WaitFor(&timer, 2 * kExpectNoCompletion));
}

TEST_F(TimerDpcTest, WaitWithTimeoutInsideDpcIsReported) {
  struct Context {
    KEVENT done;
    KEVENT never;
  } context;
  KeInitializeEvent(&context.done, NotificationEvent, FALSE);
  KeInitializeEvent(&context.never, NotificationEvent, FALSE);
  KDPC dpc;
  KeInitializeDpc(
      &dpc,
      [](PKDPC, PVOID raw, PVOID, PVOID) {
        auto* c = static_cast<Context*>(raw);
        LARGE_INTEGER timeout = RelativeTimeout(std::chrono::milliseconds(1));
        KeWaitForSingleObject(&c->never, Executive, KernelMode, FALSE,
                              &timeout);
        KeSetEvent(&c->done, IO_NO_INCREMENT, FALSE);
      },
      &context);
  KeInsertQueueDpc(&dpc, nullptr, nullptr);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&context.done, kExpectCompletion));
  KeFlushQueuedDpcs();
  ExpectViolation("Irql.WaitAtDispatch");
}

TEST_F(TimerDpcTest, TimerFreedWhileSetIsReportedWhenDueNotSignalled) {
  auto* doomed = static_cast<PKTIMER>(
      ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KTIMER), 'mTeK'));
  ASSERT_NE(nullptr, doomed);
  KeInitializeTimer(doomed);
  KTIMER later;
  KeInitializeTimer(&later);
  LARGE_INTEGER soon = RelativeTimeout(std::chrono::milliseconds(1));
  LARGE_INTEGER after = RelativeTimeout(std::chrono::milliseconds(2));
  KeSetTimer(doomed, soon, nullptr);
  KeSetTimer(&later, after, nullptr);
  ExFreePoolWithTag(doomed, 'mTeK');  // bug: still set
  // Timers expire in due order: once `later` fired, `doomed` was due.
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&later, kExpectCompletion));
  EXPECT_EQ(doomed, ExpectViolation("Dispatcher.ObjectFreed").Object);
  EXPECT_EQ(0u, WskconfCheckLeaks()) << "and nothing wrote into it";
}

TEST_F(TimerDpcTest, UninitializedTimerIsReportedAndNotSet) {
  KTIMER timer{};
  LARGE_INTEGER soon = RelativeTimeout(std::chrono::milliseconds(1));
  EXPECT_FALSE(KeSetTimer(&timer, soon, nullptr));
  ExpectViolation("Dispatcher.ObjectNotInitialized");
  EXPECT_FALSE(KeReadStateTimer(&timer));
  ExpectViolation("Dispatcher.ObjectNotInitialized");
}

}  // namespace
}  // namespace wskconf::kernel
