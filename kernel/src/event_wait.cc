// The wait engine and events. One dispatcher lock guards every object's
// state. A blocked thread links one wait block per object into the objects'
// WaitListHead; whoever raises an object's state walks that list and
// completes the waiters that can now run, in order, consuming the object as
// its type requires (a synchronization event resets, a semaphore count
// drops, a mutex gets an owner).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

struct Waiter;

// The event this thread signalled with KeSetEvent(..., Wait TRUE) and has not
// yet waited after, or null.
thread_local const KEVENT* set_with_wait = nullptr;

// `entry` must stay first: list entries are cast back to blocks.
struct WaitBlock {
  LIST_ENTRY entry;
  Waiter* waiter;
};

// A blocked thread's wait, on its own stack: the objects and one wait block
// per object in fixed arrays (as a KTHREAD carries its wait blocks), so a
// wait allocates nothing. Only the first `count` entries are used.
struct Waiter {
  PKTHREAD thread;
  WAIT_TYPE type;
  ULONG count = 0;
  DISPATCHER_HEADER* objects[MAXIMUM_WAIT_OBJECTS];
  WaitBlock blocks[MAXIMUM_WAIT_OBJECTS];  // linked only while blocked
  std::condition_variable wake;
  bool satisfied = false;
  NTSTATUS result = STATUS_TIMEOUT;
};

PKMUTANT AsMutant(DISPATCHER_HEADER* header) {
  return reinterpret_cast<PKMUTANT>(header);
}

bool IsSignalledFor(DISPATCHER_HEADER* header, PKTHREAD thread) {
  if (header->Type == kMutantObjectType) {
    return header->SignalState > 0 || AsMutant(header)->OwnerThread == thread;
  }
  return header->SignalState > 0;
}

void Consume(DISPATCHER_HEADER* header, PKTHREAD thread) {
  switch (header->Type) {
    case SynchronizationEvent:
    case kTimerSynchronizationObjectType:
      header->SignalState = 0;
      break;
    case kSemaphoreObjectType:
      --header->SignalState;
      break;
    case kMutantObjectType:
      --header->SignalState;
      AsMutant(header)->OwnerThread = thread;
      break;
    default:
      break;  // notification events and timers, threads stay signalled
  }
}

// Completes the wait now if it can be satisfied, consuming what it takes.
std::optional<NTSTATUS> TryCompleteLocked(const Waiter& waiter) {
  if (waiter.type == WaitAny) {
    for (ULONG i = 0; i < waiter.count; ++i) {
      if (IsSignalledFor(waiter.objects[i], waiter.thread)) {
        Consume(waiter.objects[i], waiter.thread);
        return static_cast<NTSTATUS>(STATUS_WAIT_0 + i);
      }
    }
    return std::nullopt;
  }
  for (ULONG i = 0; i < waiter.count; ++i) {
    if (!IsSignalledFor(waiter.objects[i], waiter.thread)) return std::nullopt;
  }
  for (ULONG i = 0; i < waiter.count; ++i) Consume(waiter.objects[i], waiter.thread);
  return STATUS_WAIT_0;
}

void UnlinkAllLocked(Waiter* waiter) {
  for (ULONG i = 0; i < waiter->count; ++i) RemoveEntryList(&waiter->blocks[i].entry);
}

NTSTATUS WaitLocked(std::unique_lock<std::mutex>& lock, Waiter& waiter,
                    const Deadline& deadline) {
  for (ULONG i = 0; i < waiter.count; ++i) EnsureWaitListLocked(waiter.objects[i]);
  if (auto done = TryCompleteLocked(waiter)) return *done;
  if (deadline.poll) return STATUS_TIMEOUT;
  for (ULONG i = 0; i < waiter.count; ++i) {
    waiter.blocks[i].waiter = &waiter;
    InsertTailList(&waiter.objects[i]->WaitListHead, &waiter.blocks[i].entry);
  }
  while (!waiter.satisfied) {
    if (!deadline.at.has_value()) {
      waiter.wake.wait(lock);
    } else if (waiter.wake.wait_until(lock, *deadline.at) ==
                   std::cv_status::timeout &&
               !waiter.satisfied) {
      UnlinkAllLocked(&waiter);
      return STATUS_TIMEOUT;
    }
  }
  return waiter.result;
}

// Shared checks of KeWaitForSingleObject and KeWaitForMultipleObjects.
void CheckWaitIrql(const char* routine, const void* object,
                   const LARGE_INTEGER* timeout) {
  const bool zero_timeout = timeout != nullptr && timeout->QuadPart == 0;
  if (KeGetCurrentIrql() >= DISPATCH_LEVEL && !zero_timeout) {
    WskconfReportViolation(WskconfRuleIrqlWaitAtDispatch, object,
                           "%s with %s timeout at IRQL %u", routine,
                           timeout == nullptr ? "an infinite" : "a non-zero",
                           static_cast<unsigned>(KeGetCurrentIrql()));
  }
}

// `objects` holds 1..MAXIMUM_WAIT_OBJECTS non-NULL entries (the callers
// checked); they are copied into the stack's Waiter.
NTSTATUS Wait(const char* routine, PVOID const* objects, ULONG count,
              WAIT_TYPE type, PLARGE_INTEGER timeout) {
  Waiter waiter;
  waiter.thread = KeGetCurrentThread();  // before the lock: may allocate
  waiter.type = type;
  waiter.count = count;
  for (ULONG i = 0; i < count; ++i) {
    waiter.objects[i] = static_cast<DISPATCHER_HEADER*>(objects[i]);
  }
  Deadline deadline = DeadlineFromTimeout(timeout);
  std::unique_lock lock(DispatcherLock());
  for (ULONG i = 0; i < count; ++i) {
    DISPATCHER_HEADER* object = waiter.objects[i];
    ObjectState state = ObjectStateLocked(object);
    if (state != ObjectState::kLive || !IsKnownObjectType(object->Type)) {
      lock.unlock();
      if (state == ObjectState::kLive) state = ObjectState::kNeverInitialized;
      ReportUnlessLive(state, object, routine);
      return STATUS_INVALID_PARAMETER;
    }
  }
  return WaitLocked(lock, waiter, deadline);
}

}  // namespace

std::mutex& DispatcherLock() {
  static std::mutex* lock = new std::mutex;  // never destroyed: used at exit
  return *lock;
}

void EnsureWaitListLocked(DISPATCHER_HEADER* header) {
  if (header->WaitListHead.Flink == nullptr) {
    InitializeListHead(&header->WaitListHead);
  }
}

void WakeWaitersLocked(DISPATCHER_HEADER* header) {
  EnsureWaitListLocked(header);
  PLIST_ENTRY head = &header->WaitListHead;
  PLIST_ENTRY entry = head->Flink;
  while (entry != head && header->SignalState > 0) {
    Waiter* waiter = reinterpret_cast<WaitBlock*>(entry)->waiter;
    auto done = TryCompleteLocked(*waiter);
    if (!done.has_value()) {
      entry = entry->Flink;
      continue;
    }
    waiter->result = *done;
    waiter->satisfied = true;
    UnlinkAllLocked(waiter);
    waiter->wake.notify_one();
    entry = head->Flink;  // the unlinked blocks may have included the next
  }
}

void CheckNoWaitAfterSet(const char* routine) {
  const KEVENT* event = set_with_wait;
  if (event == nullptr) return;
  set_with_wait = nullptr;
  WskconfReportViolation(WskconfRuleEventSetWaitNotFollowedByWait, event,
                         "KeSetEvent(%p, Wait TRUE) was followed by %s "
                         "instead of a KeWaitXxx call",
                         static_cast<const void*>(event), routine);
}

NTSTATUS WaitUnchecked(DISPATCHER_HEADER* object, PLARGE_INTEGER timeout) {
  PVOID objects[] = {object};
  return Wait("wait", objects, 1, WaitAny, timeout);
}

void SignalNotificationLocked(DISPATCHER_HEADER* header) {
  header->SignalState = 1;
  WakeWaitersLocked(header);
}

}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State) {
  if (!ki::RequireNonNull(Event, "KeInitializeEvent", "Event")) return;
  std::lock_guard lock(ki::DispatcherLock());
  DISPATCHER_HEADER* header = &Event->Header;
  ki::RegisterObjectLocked(header);
  header->Lock = 0;
  header->Type = static_cast<UCHAR>(Type);
  header->Size = static_cast<UCHAR>(sizeof(KEVENT) / sizeof(LONG));
  header->SignalState = State ? 1 : 0;
  InitializeListHead(&header->WaitListHead);
}

LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait) {
  (void)Increment;
  ki::CheckNoWaitAfterSet("KeSetEvent");
  if (!ki::RequireNonNull(Event, "KeSetEvent", "Event")) return 0;
  ki::RequireAtMost(DISPATCH_LEVEL, "KeSetEvent");
  LONG previous;
  {
    std::unique_lock lock(ki::DispatcherLock());
    if (ki::ObjectState state = ki::ObjectStateLocked(&Event->Header);
        state != ki::ObjectState::kLive) {
      lock.unlock();
      ki::ReportUnlessLive(state, Event, "KeSetEvent");
      return 0;
    }
    previous = Event->Header.SignalState;
    // A synchronization event is reset again by the first waiter it releases.
    ki::SignalNotificationLocked(&Event->Header);
  }
  if (Wait) ki::set_with_wait = Event;
  return previous;
}

LONG KeResetEvent(PRKEVENT Event) {
  ki::CheckNoWaitAfterSet("KeResetEvent");
  if (!ki::RequireNonNull(Event, "KeResetEvent", "Event")) return 0;
  ki::RequireAtMost(DISPATCH_LEVEL, "KeResetEvent");
  if (!ki::RequireLiveObject(&Event->Header, "KeResetEvent")) return 0;
  std::lock_guard lock(ki::DispatcherLock());
  LONG previous = Event->Header.SignalState;
  Event->Header.SignalState = 0;
  return previous;
}

VOID KeClearEvent(PRKEVENT Event) {
  ki::CheckNoWaitAfterSet("KeClearEvent");
  if (!ki::RequireNonNull(Event, "KeClearEvent", "Event") ||
      !ki::RequireLiveObject(&Event->Header, "KeClearEvent")) {
    return;
  }
  std::lock_guard lock(ki::DispatcherLock());
  Event->Header.SignalState = 0;
}

LONG KeReadStateEvent(PRKEVENT Event) {
  if (!ki::RequireNonNull(Event, "KeReadStateEvent", "Event") ||
      !ki::RequireLiveObject(&Event->Header, "KeReadStateEvent")) {
    return 0;
  }
  std::lock_guard lock(ki::DispatcherLock());
  return Event->Header.SignalState;
}

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason,
                               KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                               PLARGE_INTEGER Timeout) {
  (void)WaitReason;
  (void)WaitMode;
  (void)Alertable;
  ki::set_with_wait = nullptr;  // the wait KeSetEvent(..., TRUE) promised
  if (!ki::RequireNonNull(Object, "KeWaitForSingleObject", "Object")) {
    return STATUS_INVALID_PARAMETER;
  }
  ki::CheckWaitIrql("KeWaitForSingleObject", Object, Timeout);
  return ki::Wait("KeWaitForSingleObject", &Object, 1, WaitAny, Timeout);
}

NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[],
                                  WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                  KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                  PLARGE_INTEGER Timeout,
                                  PKWAIT_BLOCK WaitBlockArray) {
  (void)WaitReason;
  (void)WaitMode;
  (void)Alertable;
  ki::set_with_wait = nullptr;
  if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS ||
      (Count > THREAD_WAIT_OBJECTS && WaitBlockArray == nullptr) ||
      (WaitType != WaitAll && WaitType != WaitAny)) {
    WskconfReportViolation(WskconfRuleKernelInvalidParameter, Object,
                           "KeWaitForMultipleObjects: Count %u, WaitType %d "
                           "and WaitBlockArray %p do not fit together",
                           Count, static_cast<int>(WaitType),
                           static_cast<void*>(WaitBlockArray));
    return STATUS_INVALID_PARAMETER;
  }
  if (!ki::RequireNonNull(Object, "KeWaitForMultipleObjects", "Object")) {
    return STATUS_INVALID_PARAMETER;
  }
  for (ULONG i = 0; i < Count; ++i) {
    if (!ki::RequireNonNull(Object[i], "KeWaitForMultipleObjects",
                            "Object[i]")) {
      return STATUS_INVALID_PARAMETER;
    }
  }
  ki::CheckWaitIrql("KeWaitForMultipleObjects", Object[0], Timeout);
  return ki::Wait("KeWaitForMultipleObjects", Object, Count, WaitType, Timeout);
}

}  // extern "C"
