// Work items: IoQueueWorkItem hands the item to a pool of worker threads that
// run routines at PASSIVE_LEVEL. A worker is added whenever every worker is
// busy, so a routine that waits for another work item cannot starve it.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <set>
#include <system_error>
#include <thread>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/pool.h"
#include "internal/verifier.h"

struct _IO_WORKITEM {
  struct _DEVICE_OBJECT* device;
  PIO_WORKITEM_ROUTINE routine;
  PIO_WORKITEM_ROUTINE_EX routine_ex;
  PVOID context;
  bool queued;  // guarded by the worker pool's lock
};

namespace wskconf::kernel::internal {
namespace {

constexpr ULONG kWorkItemTag = 0x6B576F49;  // 'kWoI': "IoWk" in memory
constexpr unsigned kMaxWorkers = 64;

struct WorkerPool {
  std::mutex mutex;
  std::condition_variable work_ready;
  std::deque<_IO_WORKITEM*> queue;
  std::set<const _IO_WORKITEM*> caller_items;  // from IoInitializeWorkItem
  unsigned workers = 0;
  unsigned idle = 0;
};

WorkerPool& Pool() {
  static WorkerPool* pool = new WorkerPool;  // workers outlive static dtors
  return *pool;
}

void RunItem(_IO_WORKITEM* item, std::unique_lock<std::mutex>& lock) {
  // Copy out and unqueue first: the routine may free or requeue the item.
  struct _DEVICE_OBJECT* device = item->device;
  PIO_WORKITEM_ROUTINE routine = item->routine;
  PIO_WORKITEM_ROUTINE_EX routine_ex = item->routine_ex;
  PVOID context = item->context;
  item->queued = false;
  lock.unlock();
  SetCurrentIrql(PASSIVE_LEVEL);
  if (routine != nullptr) {
    routine(device, context);
  } else {
    routine_ex(device, context, item);
  }
  CheckNoWaitAfterSet("the end of a work item routine");
  if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
    WskconfReportViolation(WskconfRuleIrqlInvalidLower, nullptr,
                           "work item routine returned at IRQL %u, not "
                           "PASSIVE_LEVEL",
                           static_cast<unsigned>(KeGetCurrentIrql()));
    SetCurrentIrql(PASSIVE_LEVEL);
  }
  lock.lock();
}

void WorkerMain() {
  WorkerPool& pool = Pool();
  std::unique_lock lock(pool.mutex);
  for (;;) {
    ++pool.idle;
    pool.work_ready.wait(lock, [&] { return !pool.queue.empty(); });
    --pool.idle;
    _IO_WORKITEM* item = pool.queue.front();
    pool.queue.pop_front();
    RunItem(item, lock);
  }
}

bool IsCallerItem(const _IO_WORKITEM* item) {
  WorkerPool& pool = Pool();
  std::lock_guard lock(pool.mutex);
  return pool.caller_items.count(item) != 0;
}

void Enqueue(PIO_WORKITEM item, PIO_WORKITEM_ROUTINE routine,
             PIO_WORKITEM_ROUTINE_EX routine_ex, PVOID context,
             const char* name) {
  RequireAtMost(DISPATCH_LEVEL, name);
  if (!IsLivePoolBlock(item) && !IsCallerItem(item)) {
    WskconfReportViolation(WskconfRuleWorkItemNotAllocated, item,
                           "%s: %p is not a work item from IoAllocateWorkItem "
                           "or IoInitializeWorkItem (never allocated, or "
                           "freed); not queued",
                           name, static_cast<void*>(item));
    return;
  }
  WorkerPool& pool = Pool();
  std::lock_guard lock(pool.mutex);
  if (item->queued) {
    WskconfReportViolation(WskconfRuleWorkItemQueuedTwice, item,
                           "%s: work item %p is already queued and its routine "
                           "has not started; not queued again",
                           name, static_cast<void*>(item));
    return;
  }
  item->routine = routine;
  item->routine_ex = routine_ex;
  item->context = context;
  item->queued = true;
  pool.queue.push_back(item);
  if (pool.idle < pool.queue.size() && pool.workers < kMaxWorkers) {
    try {
      std::thread(WorkerMain).detach();
      ++pool.workers;
    } catch (const std::system_error&) {
      // The existing workers will get to it.
    }
  }
  pool.work_ready.notify_one();
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

PIO_WORKITEM IoAllocateWorkItem(struct _DEVICE_OBJECT* DeviceObject) {
  if (!ki::RequireNonNull(DeviceObject, "IoAllocateWorkItem",
                          "DeviceObject")) {
    return nullptr;
  }
  ki::RequireAtMost(DISPATCH_LEVEL, "IoAllocateWorkItem");
  void* memory =
      ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(_IO_WORKITEM), ki::kWorkItemTag);
  if (memory == nullptr) return nullptr;
  return new (memory) _IO_WORKITEM{DeviceObject, nullptr, nullptr, nullptr, false};
}

VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                     WORK_QUEUE_TYPE QueueType, PVOID Context) {
  (void)QueueType;
  if (!ki::RequireNonNull(IoWorkItem, "IoQueueWorkItem", "IoWorkItem") ||
      !ki::RequireNonNull(reinterpret_cast<void*>(WorkerRoutine),
                          "IoQueueWorkItem", "WorkerRoutine")) {
    return;
  }
  ki::Enqueue(IoWorkItem, WorkerRoutine, nullptr, Context, "IoQueueWorkItem");
}

VOID IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
                       PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                       WORK_QUEUE_TYPE QueueType, PVOID Context) {
  (void)QueueType;
  if (!ki::RequireNonNull(IoWorkItem, "IoQueueWorkItemEx", "IoWorkItem") ||
      !ki::RequireNonNull(reinterpret_cast<void*>(WorkerRoutine),
                          "IoQueueWorkItemEx", "WorkerRoutine")) {
    return;
  }
  ki::Enqueue(IoWorkItem, nullptr, WorkerRoutine, Context,
              "IoQueueWorkItemEx");
}

VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem) {
  if (!ki::RequireNonNull(IoWorkItem, "IoFreeWorkItem", "IoWorkItem")) return;
  if (ki::IsLivePoolBlock(IoWorkItem)) {
    ki::WorkerPool& pool = ki::Pool();
    std::lock_guard lock(pool.mutex);
    if (IoWorkItem->queued) {
      WskconfReportViolation(WskconfRuleWorkItemFreedWhileQueued, IoWorkItem,
                             "IoFreeWorkItem: work item %p is still queued; "
                             "not freed",
                             static_cast<void*>(IoWorkItem));
      return;
    }
  }
  ExFreePoolWithTag(IoWorkItem, ki::kWorkItemTag);
}

ULONG IoSizeofWorkItem(VOID) { return sizeof(_IO_WORKITEM); }

VOID IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem) {
  if (!ki::RequireNonNull(IoWorkItem, "IoInitializeWorkItem", "IoWorkItem")) {
    return;
  }
  *IoWorkItem = _IO_WORKITEM{static_cast<struct _DEVICE_OBJECT*>(IoObject),
                             nullptr, nullptr, nullptr, false};
  ki::WorkerPool& pool = ki::Pool();
  std::lock_guard lock(pool.mutex);
  pool.caller_items.insert(IoWorkItem);
}

VOID IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem) {
  if (!ki::RequireNonNull(IoWorkItem, "IoUninitializeWorkItem",
                          "IoWorkItem")) {
    return;
  }
  ki::WorkerPool& pool = ki::Pool();
  std::lock_guard lock(pool.mutex);
  if (IoWorkItem->queued) {
    WskconfReportViolation(WskconfRuleWorkItemFreedWhileQueued, IoWorkItem,
                           "IoUninitializeWorkItem: work item %p is still "
                           "queued; left initialized",
                           static_cast<void*>(IoWorkItem));
    return;
  }
  pool.caller_items.erase(IoWorkItem);
}

}  // extern "C"
