// Tests of kernel/src/workitem.cc: work items run at PASSIVE_LEVEL on a
// worker thread with their device object and context; also ExQueueWorkItem
// (io_build.cc) and remove-lock misuse (io_csq.cc).
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <wskconf/ke.h>
#include <wskconf/wdm_helpers.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::kExpectCompletion;
using ::wskconf::testing::kExpectNoCompletion;
using ::wskconf::testing::RelativeTimeout;
using WorkItemTest = ::wskconf::testing::KernelTest;

NTSTATUS WaitFor(PVOID object, std::chrono::milliseconds timeout) {
  LARGE_INTEGER value = RelativeTimeout(timeout);
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &value);
}

// The runtime never looks inside a device object; any address will do.
struct FakeDevice {
  alignas(16) unsigned char bytes[64];
};
_DEVICE_OBJECT* AsDevice(FakeDevice* device) {
  return reinterpret_cast<_DEVICE_OBJECT*>(device);
}

struct Observed {
  KEVENT done;
  _DEVICE_OBJECT* device = nullptr;
  PVOID context = nullptr;
  PIO_WORKITEM item = nullptr;
  KIRQL irql = HIGH_LEVEL;
  std::thread::id thread;
  bool free_self = false;
  Observed() { KeInitializeEvent(&done, NotificationEvent, FALSE); }
};

void Record(_DEVICE_OBJECT* device, PVOID context) {
  auto* observed = static_cast<Observed*>(context);
  observed->device = device;
  observed->context = context;
  observed->irql = KeGetCurrentIrql();
  observed->thread = std::this_thread::get_id();
  if (observed->free_self) IoFreeWorkItem(observed->item);
  KeSetEvent(&observed->done, IO_NO_INCREMENT, FALSE);
}

TEST(WorkQueueValuesTest, MatchWindows) {
  EXPECT_EQ(0, CriticalWorkQueue);
  EXPECT_EQ(1, DelayedWorkQueue);
  EXPECT_EQ(2, HyperCriticalWorkQueue);
}

TEST_F(WorkItemTest, RoutineRunsAtPassiveOnWorkerWithArguments) {
  FakeDevice device;
  Observed observed;
  PIO_WORKITEM item = IoAllocateWorkItem(AsDevice(&device));
  ASSERT_NE(nullptr, item);
  IoQueueWorkItem(item, Record, DelayedWorkQueue, &observed);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&observed.done, kExpectCompletion));
  EXPECT_EQ(AsDevice(&device), observed.device);
  EXPECT_EQ(&observed, observed.context);
  EXPECT_EQ(PASSIVE_LEVEL, observed.irql);
  EXPECT_NE(std::this_thread::get_id(), observed.thread);
  IoFreeWorkItem(item);
}

TEST_F(WorkItemTest, QueueAtDispatchIsAllowedAndRunsAtPassive) {
  FakeDevice device;
  Observed observed;
  PIO_WORKITEM item = IoAllocateWorkItem(AsDevice(&device));
  ASSERT_NE(nullptr, item);
  KIRQL old = KeRaiseIrqlToDpcLevel();
  IoQueueWorkItem(item, Record, CriticalWorkQueue, &observed);
  KeLowerIrql(old);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&observed.done, kExpectCompletion));
  EXPECT_EQ(PASSIVE_LEVEL, observed.irql);
  IoFreeWorkItem(item);
  ExpectNoViolations();
}

TEST_F(WorkItemTest, RoutineMayFreeItsOwnItem) {
  FakeDevice device;
  Observed observed;
  observed.free_self = true;
  observed.item = IoAllocateWorkItem(AsDevice(&device));
  ASSERT_NE(nullptr, observed.item);
  IoQueueWorkItem(observed.item, Record, DelayedWorkQueue, &observed);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&observed.done, kExpectCompletion));
  // TearDown's leak check proves the item was freed.
}

void RecordEx(PVOID io_object, PVOID context, PIO_WORKITEM item) {
  auto* observed = static_cast<Observed*>(context);
  observed->device = static_cast<_DEVICE_OBJECT*>(io_object);
  observed->item = item;
  observed->irql = KeGetCurrentIrql();
  KeSetEvent(&observed->done, IO_NO_INCREMENT, FALSE);
}

TEST_F(WorkItemTest, QueueWorkItemExPassesTheItem) {
  FakeDevice device;
  Observed observed;
  PIO_WORKITEM item = IoAllocateWorkItem(AsDevice(&device));
  IoQueueWorkItemEx(item, RecordEx, DelayedWorkQueue, &observed);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&observed.done, kExpectCompletion));
  EXPECT_EQ(item, observed.item);
  EXPECT_EQ(AsDevice(&device), observed.device);
  IoFreeWorkItem(item);
}

struct Chain {
  KEVENT inner_done;
  KEVENT outer_done;
  PIO_WORKITEM inner;
  NTSTATUS inner_wait = STATUS_UNSUCCESSFUL;
};

void InnerRoutine(_DEVICE_OBJECT*, PVOID context) {
  KeSetEvent(&static_cast<Chain*>(context)->inner_done, IO_NO_INCREMENT, FALSE);
}

void OuterRoutine(_DEVICE_OBJECT*, PVOID context) {
  auto* chain = static_cast<Chain*>(context);
  IoQueueWorkItem(chain->inner, InnerRoutine, DelayedWorkQueue, chain);
  chain->inner_wait = WaitFor(&chain->inner_done, kExpectCompletion);
  KeSetEvent(&chain->outer_done, IO_NO_INCREMENT, FALSE);
}

TEST_F(WorkItemTest, RoutineWaitingForAnotherItemDoesNotStarveIt) {
  FakeDevice device;
  Chain chain;
  KeInitializeEvent(&chain.inner_done, NotificationEvent, FALSE);
  KeInitializeEvent(&chain.outer_done, NotificationEvent, FALSE);
  chain.inner = IoAllocateWorkItem(AsDevice(&device));
  PIO_WORKITEM outer = IoAllocateWorkItem(AsDevice(&device));
  IoQueueWorkItem(outer, OuterRoutine, DelayedWorkQueue, &chain);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&chain.outer_done, kExpectCompletion));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, chain.inner_wait);
  IoFreeWorkItem(chain.inner);
  IoFreeWorkItem(outer);
}

TEST_F(WorkItemTest, NullArgumentsAreReported) {
  EXPECT_EQ(nullptr, IoAllocateWorkItem(nullptr));
  ExpectViolation("Kernel.NullArgument");
  IoQueueWorkItem(nullptr, Record, DelayedWorkQueue, nullptr);
  ExpectViolation("Kernel.NullArgument");
  IoFreeWorkItem(nullptr);
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(WorkItemTest, LeakedWorkItemIsReportedAsPool) {
  FakeDevice device;
  PIO_WORKITEM item = IoAllocateWorkItem(AsDevice(&device));
  ASSERT_NE(nullptr, item);
  EXPECT_EQ(1u, WskconfCheckLeaks());
  ExpectViolation("Leak.Pool");
  IoFreeWorkItem(item);
}

TEST_F(WorkItemTest, FreeingTwiceIsReportedWithoutTouchingTheItem) {
  FakeDevice device;
  PIO_WORKITEM item = IoAllocateWorkItem(AsDevice(&device));
  IoFreeWorkItem(item);
  IoFreeWorkItem(item);
  ExpectViolation("Pool.FreedTwice");
}

// Keeps every worker of the runtime busy (it runs at most 64, one per
// routine that has not returned) so that the next item stays queued.
class BusyWorkers {
 public:
  static constexpr int kWorkerLimit = 64;

  explicit BusyWorkers(_DEVICE_OBJECT* device) {
    KeInitializeEvent(&release_, NotificationEvent, FALSE);
    KeInitializeEvent(&all_started_, NotificationEvent, FALSE);
    KeInitializeEvent(&all_finished_, NotificationEvent, FALSE);
    for (PIO_WORKITEM& item : items_) {
      item = IoAllocateWorkItem(device);
      IoQueueWorkItem(item, Block, DelayedWorkQueue, this);
    }
  }
  ~BusyWorkers() {
    KeSetEvent(&release_, IO_NO_INCREMENT, FALSE);
    EXPECT_NTSTATUS_EQ(STATUS_SUCCESS,
                       WaitFor(&all_finished_, kExpectCompletion));
    for (PIO_WORKITEM item : items_) IoFreeWorkItem(item);
  }
  NTSTATUS WaitAllStarted() { return WaitFor(&all_started_, kExpectCompletion); }

 private:
  static void Block(_DEVICE_OBJECT*, PVOID context) {
    auto* self = static_cast<BusyWorkers*>(context);
    if (++self->started_ == kWorkerLimit) {
      KeSetEvent(&self->all_started_, IO_NO_INCREMENT, FALSE);
    }
    WaitFor(&self->release_, kExpectCompletion);
    if (++self->finished_ == kWorkerLimit) {
      KeSetEvent(&self->all_finished_, IO_NO_INCREMENT, FALSE);
    }
  }

  KEVENT release_;
  KEVENT all_started_;
  KEVENT all_finished_;
  std::atomic<int> started_{0};
  std::atomic<int> finished_{0};
  PIO_WORKITEM items_[kWorkerLimit];
};

TEST_F(WorkItemTest, QueuingAQueuedItemOrFreeingItIsReportedAndRefused) {
  FakeDevice device;
  Observed observed;
  PIO_WORKITEM item = IoAllocateWorkItem(AsDevice(&device));
  ASSERT_NE(nullptr, item);
  {
    BusyWorkers busy(AsDevice(&device));
    ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, busy.WaitAllStarted());
    IoQueueWorkItem(item, Record, DelayedWorkQueue, &observed);
    IoQueueWorkItem(item, Record, DelayedWorkQueue, &observed);
    EXPECT_EQ(item, ExpectViolation("WorkItem.QueuedTwice").Object);
    IoFreeWorkItem(item);
    EXPECT_EQ(item, ExpectViolation("WorkItem.FreedWhileQueued").Object);
    EXPECT_NTSTATUS_EQ(STATUS_TIMEOUT,
                       WaitFor(&observed.done, kExpectNoCompletion))
        << "every worker is busy, so the item is still queued";
  }
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&observed.done, kExpectCompletion));
  IoFreeWorkItem(item);
}

TEST_F(WorkItemTest, RequeuingFromItsOwnRoutineIsSilent) {
  FakeDevice device;
  Chain chain;
  KeInitializeEvent(&chain.inner_done, NotificationEvent, FALSE);
  KeInitializeEvent(&chain.outer_done, NotificationEvent, FALSE);
  chain.inner = IoAllocateWorkItem(AsDevice(&device));
  // OuterRoutine queues chain.inner; here the item queues itself again.
  PIO_WORKITEM item = chain.inner;
  IoQueueWorkItem(item, OuterRoutine, DelayedWorkQueue, &chain);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&chain.outer_done, kExpectCompletion));
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, chain.inner_wait);
  IoFreeWorkItem(item);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

TEST_F(WorkItemTest, QueuingWhatIsNotAWorkItemIsReported) {
  FakeDevice device;
  PIO_WORKITEM freed = IoAllocateWorkItem(AsDevice(&device));
  IoFreeWorkItem(freed);
  IoQueueWorkItem(freed, Record, DelayedWorkQueue, nullptr);
  EXPECT_EQ(freed, ExpectViolation("WorkItem.NotAllocated").Object);
  alignas(16) unsigned char not_an_item[64] = {};
  IoQueueWorkItem(reinterpret_cast<PIO_WORKITEM>(not_an_item), Record,
                  DelayedWorkQueue, nullptr);
  ExpectViolation("WorkItem.NotAllocated");
}

TEST_F(WorkItemTest, AllocationFailureReturnsNull) {
  FakeDevice device;
  WskconfFailNthAllocation(WskconfAllocPool, 1);
  EXPECT_EQ(nullptr, IoAllocateWorkItem(AsDevice(&device)));
}

// ExQueueWorkItem: the executive's caller-owned work items.
struct ExecutiveItem {
  WORK_QUEUE_ITEM item;
  KEVENT done;
  int runs = 0;
  ExecutiveItem() { KeInitializeEvent(&done, NotificationEvent, FALSE); }
};

void RunExecutive(PVOID parameter) {
  auto* work = static_cast<ExecutiveItem*>(parameter);
  ++work->runs;
  KeSetEvent(&work->done, IO_NO_INCREMENT, FALSE);
}

TEST_F(WorkItemTest, ExecutiveItemRunsOnceAndIsSilent) {
  ExecutiveItem work;
  ExInitializeWorkItem(&work.item, RunExecutive, &work);
  ExQueueWorkItem(&work.item, DelayedWorkQueue);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&work.done, kExpectCompletion));
  EXPECT_EQ(1, work.runs);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

TEST_F(WorkItemTest, ExecutiveItemNotInitializedIsReportedAndNotQueued) {
  ExQueueWorkItem(nullptr, DelayedWorkQueue);
  EXPECT_EQ(nullptr, ExpectViolation("WorkItem.NotInitialized").Object);
  ExecutiveItem work;
  work.item = WORK_QUEUE_ITEM{};  // never given to ExInitializeWorkItem
  ExQueueWorkItem(&work.item, DelayedWorkQueue);
  EXPECT_EQ(&work.item, ExpectViolation("WorkItem.NotInitialized").Object);
  EXPECT_EQ(nullptr, work.item.List.Flink) << "not queued";
}

TEST_F(WorkItemTest, ExecutiveItemQueuedTwiceIsReportedAndRunsOnce) {
  FakeDevice device;
  ExecutiveItem work;
  ExInitializeWorkItem(&work.item, RunExecutive, &work);
  {
    BusyWorkers busy(AsDevice(&device));
    ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, busy.WaitAllStarted());
    ExQueueWorkItem(&work.item, DelayedWorkQueue);
    ExQueueWorkItem(&work.item, DelayedWorkQueue);
    EXPECT_EQ(&work.item, ExpectViolation("WorkItem.QueuedTwice").Object);
  }
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitFor(&work.done, kExpectCompletion));
  EXPECT_EQ(1, work.runs);
}

// Remove locks (io_csq.cc): IoInitializeRemoveLock holds no reference for
// the caller, so each release must match a successful acquire.
TEST_F(WorkItemTest, RemoveLockBalancedIsSilent) {
  IO_REMOVE_LOCK lock;
  IoInitializeRemoveLock(&lock, 'tLmR', 0, 0);
  int tag = 0;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag));
  IoReleaseRemoveLock(&lock, &tag);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag));
  IoReleaseRemoveLockAndWait(&lock, &tag);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

TEST_F(WorkItemTest, RemoveLockReleasedTooOftenIsReportedAndIgnored) {
  IO_REMOVE_LOCK lock;
  IoInitializeRemoveLock(&lock, 'tLmR', 0, 0);
  int tag = 0;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag));
  IoReleaseRemoveLock(&lock, &tag);
  IoReleaseRemoveLock(&lock, &tag);
  EXPECT_EQ(&lock,
            ExpectViolation("RemoveLock.ReleasedMoreThanAcquired").Object);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag))
      << "the extra release was ignored, so the lock still works";
  IoReleaseRemoveLockAndWait(&lock, &tag);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

}  // namespace
}  // namespace wskconf::kernel
