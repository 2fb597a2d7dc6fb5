// DPCs and timers. One DPC thread runs queued DPCs in order at
// DISPATCH_LEVEL; one timer thread sleeps until the earliest due timer,
// signals it and queues its DPC. Lock order: timers, then the dispatcher
// lock or the DPC queue, so a cancelled timer is never touched again.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

using Clock = std::chrono::steady_clock;

struct DpcQueue {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<PKDPC> queue;
  uint64_t queued_total = 0;  // DPCs ever queued
  uint64_t done_total = 0;    // DPCs that ran or were removed
  bool thread_started = false;
};

DpcQueue& Dpcs() {
  static DpcQueue* dpcs = new DpcQueue;  // the thread outlives static dtors
  return *dpcs;
}

// Marks a queued DPC (DpcData is only compared, never dereferenced).
void* QueuedMarker() { return &Dpcs(); }

void DpcThreadMain() {
  SetCurrentIrql(DISPATCH_LEVEL);
  DpcQueue& dpcs = Dpcs();
  std::unique_lock lock(dpcs.mutex);
  for (;;) {
    dpcs.changed.wait(lock, [&] { return !dpcs.queue.empty(); });
    PKDPC dpc = dpcs.queue.front();
    dpcs.queue.pop_front();
    PKDEFERRED_ROUTINE routine = dpc->DeferredRoutine;
    PVOID context = dpc->DeferredContext;
    PVOID argument1 = dpc->SystemArgument1;
    PVOID argument2 = dpc->SystemArgument2;
    dpc->DpcData = nullptr;  // may be queued again from its own routine
    lock.unlock();
    if (routine != nullptr) routine(dpc, context, argument1, argument2);
    if (KeGetCurrentIrql() != DISPATCH_LEVEL) {
      WskconfReportViolation(WskconfRuleIrqlInvalidLower, dpc,
                             "DPC routine returned at IRQL %u, not "
                             "DISPATCH_LEVEL",
                             static_cast<unsigned>(KeGetCurrentIrql()));
      SetCurrentIrql(DISPATCH_LEVEL);
    }
    lock.lock();
    ++dpcs.done_total;
    dpcs.changed.notify_all();
  }
}

bool InsertDpc(PKDPC dpc, PVOID argument1, PVOID argument2) {
  DpcQueue& dpcs = Dpcs();
  std::lock_guard lock(dpcs.mutex);
  if (dpc->DpcData != nullptr) return false;
  dpc->SystemArgument1 = argument1;
  dpc->SystemArgument2 = argument2;
  dpc->DpcData = QueuedMarker();
  dpcs.queue.push_back(dpc);
  ++dpcs.queued_total;
  if (!dpcs.thread_started) {
    std::thread(DpcThreadMain).detach();
    dpcs.thread_started = true;
  }
  dpcs.changed.notify_all();
  return true;
}

struct TimerQueue {
  std::mutex mutex;
  std::condition_variable changed;
  std::multimap<Clock::time_point, PKTIMER> due;
  std::unordered_map<PKTIMER, std::multimap<Clock::time_point, PKTIMER>::iterator>
      set;
  bool thread_started = false;
};

TimerQueue& Timers() {
  static TimerQueue* timers = new TimerQueue;  // the thread outlives dtors
  return *timers;
}

bool RemoveTimerLocked(TimerQueue& timers, PKTIMER timer) {
  auto it = timers.set.find(timer);
  if (it == timers.set.end()) return false;
  timers.due.erase(it->second);
  timers.set.erase(it);
  return true;
}

void AddTimerLocked(TimerQueue& timers, PKTIMER timer, Clock::time_point at) {
  timers.set[timer] = timers.due.emplace(at, timer);
}

// Runs with the timer lock held: signal, queue the DPC, re-arm if periodic.
// The timer is read before it is signalled and never touched after: a
// waiter may free a one-shot timer as soon as its wait returns.
void ExpireLocked(TimerQueue& timers, PKTIMER timer) {
  PKDPC dpc = nullptr;
  ULONG period = 0;
  ULARGE_INTEGER when;
  when.QuadPart = static_cast<ULONGLONG>(SystemTimeNow());
  bool live;
  {
    std::lock_guard lock(DispatcherLock());
    live = ObjectStateLocked(&timer->Header) == ObjectState::kLive;
    if (live) {
      dpc = timer->Dpc;
      period = timer->Period;
      SignalNotificationLocked(&timer->Header);
    }
  }
  if (!live) {
    // Its memory was freed (or reinitialised away) while it was set.
    WskconfReportViolation(WskconfRuleDispatcherObjectFreed, timer,
                           "timer %p expired after its memory was freed "
                           "(KeCancelTimer it first); not signalled",
                           static_cast<void*>(timer));
    return;
  }
  if (dpc != nullptr) {
    InsertDpc(dpc, reinterpret_cast<PVOID>(uintptr_t{when.LowPart}),
              reinterpret_cast<PVOID>(uintptr_t{when.HighPart}));
  }
  if (period != 0) {
    AddTimerLocked(timers, timer,
                   Clock::now() + std::chrono::milliseconds(period));
  }
}

void TimerThreadMain() {
  TimerQueue& timers = Timers();
  std::unique_lock lock(timers.mutex);
  for (;;) {
    if (timers.due.empty()) {
      timers.changed.wait(lock);
      continue;
    }
    auto first = timers.due.begin();
    // A copy: the node may be erased (cancelled) while this thread waits.
    const Clock::time_point next_due = first->first;
    if (next_due > Clock::now()) {
      timers.changed.wait_until(lock, next_due);
      continue;
    }
    PKTIMER timer = first->second;
    timers.due.erase(first);
    timers.set.erase(timer);
    ExpireLocked(timers, timer);
  }
}

BOOLEAN SetTimer(PKTIMER timer, LARGE_INTEGER due_time, LONG period,
                 PKDPC dpc, const char* routine) {
  if (!RequireNonNull(timer, routine, "Timer") ||
      !RequireLiveObject(&timer->Header, routine)) {
    return FALSE;
  }
  RequireAtMost(DISPATCH_LEVEL, routine);
  Deadline deadline = DeadlineFromTimeout(&due_time);
  Clock::time_point at = deadline.poll ? Clock::now()
                         : deadline.at.has_value()
                             ? *deadline.at
                             : Clock::time_point::max();
  TimerQueue& timers = Timers();
  std::lock_guard lock(timers.mutex);
  bool was_set = RemoveTimerLocked(timers, timer);
  {
    std::lock_guard dispatcher(DispatcherLock());
    EnsureWaitListLocked(&timer->Header);
    timer->Header.SignalState = 0;
  }
  timer->Dpc = dpc;
  timer->Period = period > 0 ? static_cast<ULONG>(period) : 0;
  timer->DueTime.QuadPart = static_cast<ULONGLONG>(due_time.QuadPart);
  AddTimerLocked(timers, timer, at);
  if (!timers.thread_started) {
    std::thread(TimerThreadMain).detach();
    timers.thread_started = true;
  }
  timers.changed.notify_all();
  return was_set ? TRUE : FALSE;
}

void InitializeTimer(PKTIMER timer, TIMER_TYPE type, const char* routine) {
  if (!RequireNonNull(timer, routine, "Timer")) return;
  std::lock_guard lock(DispatcherLock());
  DISPATCHER_HEADER& header = timer->Header;
  RegisterObjectLocked(&header);
  header.Lock = 0;
  header.Type = type == SynchronizationTimer ? kTimerSynchronizationObjectType
                                             : kTimerNotificationObjectType;
  header.Size = static_cast<UCHAR>(sizeof(KTIMER) / sizeof(LONG));
  header.SignalState = 0;
  InitializeListHead(&header.WaitListHead);
  timer->DueTime.QuadPart = 0;
  InitializeListHead(&timer->TimerListEntry);
  timer->Dpc = nullptr;
  timer->Processor = 0;
  timer->Period = 0;
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                     PVOID DeferredContext) {
  if (!ki::RequireNonNull(Dpc, "KeInitializeDpc", "Dpc")) return;
  Dpc->Type = 19;  // DpcObject
  Dpc->Importance = MediumImportance;
  Dpc->Number = 0;
  Dpc->DpcListEntry.Next = nullptr;
  Dpc->ProcessorHistory = 0;
  Dpc->DeferredRoutine = DeferredRoutine;
  Dpc->DeferredContext = DeferredContext;
  Dpc->SystemArgument1 = nullptr;
  Dpc->SystemArgument2 = nullptr;
  Dpc->DpcData = nullptr;
}

BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
                         PVOID SystemArgument2) {
  if (!ki::RequireNonNull(Dpc, "KeInsertQueueDpc", "Dpc")) return FALSE;
  return ki::InsertDpc(Dpc, SystemArgument1, SystemArgument2) ? TRUE : FALSE;
}

BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc) {
  if (!ki::RequireNonNull(Dpc, "KeRemoveQueueDpc", "Dpc")) return FALSE;
  ki::DpcQueue& dpcs = ki::Dpcs();
  std::lock_guard lock(dpcs.mutex);
  if (Dpc->DpcData == nullptr) return FALSE;
  for (auto it = dpcs.queue.begin(); it != dpcs.queue.end(); ++it) {
    if (*it == Dpc) {
      dpcs.queue.erase(it);
      break;
    }
  }
  Dpc->DpcData = nullptr;
  ++dpcs.done_total;
  dpcs.changed.notify_all();
  return TRUE;
}

VOID KeFlushQueuedDpcs(VOID) {
  ki::RequirePassive("KeFlushQueuedDpcs");
  ki::DpcQueue& dpcs = ki::Dpcs();
  std::unique_lock lock(dpcs.mutex);
  const uint64_t target = dpcs.queued_total;
  dpcs.changed.wait(lock, [&] { return dpcs.done_total >= target; });
}

VOID KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance) {
  if (ki::RequireNonNull(Dpc, "KeSetImportanceDpc", "Dpc")) {
    Dpc->Importance = static_cast<UCHAR>(Importance);
  }
}

VOID KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number) {
  if (ki::RequireNonNull(Dpc, "KeSetTargetProcessorDpc", "Dpc")) {
    Dpc->Number = static_cast<USHORT>(Number);
  }
}

VOID KeInitializeTimer(PKTIMER Timer) {
  ki::InitializeTimer(Timer, NotificationTimer, "KeInitializeTimer");
}

VOID KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type) {
  ki::InitializeTimer(Timer, Type, "KeInitializeTimerEx");
}

BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc) {
  return ki::SetTimer(Timer, DueTime, 0, Dpc, "KeSetTimer");
}

BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period,
                     PKDPC Dpc) {
  return ki::SetTimer(Timer, DueTime, Period, Dpc, "KeSetTimerEx");
}

BOOLEAN KeCancelTimer(PKTIMER Timer) {
  if (!ki::RequireNonNull(Timer, "KeCancelTimer", "Timer")) return FALSE;
  ki::RequireAtMost(DISPATCH_LEVEL, "KeCancelTimer");
  ki::TimerQueue& timers = ki::Timers();
  std::lock_guard lock(timers.mutex);
  return ki::RemoveTimerLocked(timers, Timer) ? TRUE : FALSE;
}

BOOLEAN KeReadStateTimer(PKTIMER Timer) {
  if (!ki::RequireNonNull(Timer, "KeReadStateTimer", "Timer") ||
      !ki::RequireLiveObject(&Timer->Header, "KeReadStateTimer")) {
    return FALSE;
  }
  std::lock_guard lock(ki::DispatcherLock());
  return Timer->Header.SignalState > 0 ? TRUE : FALSE;
}

}  // extern "C"
