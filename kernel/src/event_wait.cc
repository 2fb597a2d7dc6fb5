// Events and KeWaitForSingleObject. One dispatcher lock guards every object's
// state; each blocked thread links a wait block (with its own condition
// variable) into the object's WaitListHead, so signalling wakes exactly the
// waiters the object's type releases.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

// Lives on the waiter's stack while it is linked into an object's wait list.
struct WaitBlock {
  LIST_ENTRY entry;
  std::condition_variable wake;
  bool satisfied = false;
};

// A KEVENT the driver zeroed instead of initialising still works: its list
// head is made empty on first use.
void EnsureWaitListLocked(DISPATCHER_HEADER* header) {
  if (header->WaitListHead.Flink == nullptr) {
    InitializeListHead(&header->WaitListHead);
  }
}

// Satisfies and unlinks the first waiter; false when there is none.
bool WakeOneLocked(DISPATCHER_HEADER* header) {
  EnsureWaitListLocked(header);
  if (IsListEmpty(&header->WaitListHead)) return false;
  PLIST_ENTRY entry = RemoveHeadList(&header->WaitListHead);
  // `entry` is WaitBlock's first member.
  WaitBlock* block = reinterpret_cast<WaitBlock*>(entry);
  block->satisfied = true;
  block->wake.notify_one();
  return true;
}

bool IsKnownObjectType(UCHAR type) {
  return type == NotificationEvent || type == SynchronizationEvent ||
         type == kThreadObjectType;
}

// Takes the object's signal if it is signalled (a synchronization event is
// consumed by the wait it satisfies).
bool TryAcquireLocked(DISPATCHER_HEADER* header) {
  if (header->SignalState <= 0) return false;
  if (header->Type == SynchronizationEvent) header->SignalState = 0;
  return true;
}

NTSTATUS WaitLocked(std::unique_lock<std::mutex>& lock,
                    DISPATCHER_HEADER* header, const Deadline& deadline) {
  EnsureWaitListLocked(header);
  if (TryAcquireLocked(header)) return STATUS_SUCCESS;
  if (deadline.poll) return STATUS_TIMEOUT;
  WaitBlock block;
  InsertTailList(&header->WaitListHead, &block.entry);
  while (!block.satisfied) {
    if (!deadline.at.has_value()) {
      block.wake.wait(lock);
    } else if (block.wake.wait_until(lock, *deadline.at) ==
                   std::cv_status::timeout &&
               !block.satisfied) {
      RemoveEntryList(&block.entry);
      return STATUS_TIMEOUT;
    }
  }
  return STATUS_SUCCESS;
}

}  // namespace

std::mutex& DispatcherLock() {
  static std::mutex* lock = new std::mutex;  // never destroyed: used at exit
  return *lock;
}

void SignalNotificationLocked(DISPATCHER_HEADER* header) {
  header->SignalState = 1;
  while (WakeOneLocked(header)) {
  }
}

}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State) {
  if (!ki::RequireNonNull(Event, "KeInitializeEvent", "Event")) return;
  std::lock_guard lock(ki::DispatcherLock());
  DISPATCHER_HEADER* header = &Event->Header;
  header->Lock = 0;
  header->Type = static_cast<UCHAR>(Type);
  header->Size = static_cast<UCHAR>(sizeof(KEVENT) / sizeof(LONG));
  header->SignalState = State ? 1 : 0;
  InitializeListHead(&header->WaitListHead);
}

LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait) {
  (void)Increment;
  (void)Wait;
  if (!ki::RequireNonNull(Event, "KeSetEvent", "Event")) return 0;
  ki::RequireAtMost(DISPATCH_LEVEL, "KeSetEvent");
  std::lock_guard lock(ki::DispatcherLock());
  DISPATCHER_HEADER* header = &Event->Header;
  LONG previous = header->SignalState;
  if (header->Type == SynchronizationEvent) {
    // The woken waiter consumes the signal; with no waiter it stays set.
    if (!ki::WakeOneLocked(header)) header->SignalState = 1;
  } else {
    ki::SignalNotificationLocked(header);
  }
  return previous;
}

LONG KeResetEvent(PRKEVENT Event) {
  if (!ki::RequireNonNull(Event, "KeResetEvent", "Event")) return 0;
  ki::RequireAtMost(DISPATCH_LEVEL, "KeResetEvent");
  std::lock_guard lock(ki::DispatcherLock());
  LONG previous = Event->Header.SignalState;
  Event->Header.SignalState = 0;
  return previous;
}

VOID KeClearEvent(PRKEVENT Event) {
  if (!ki::RequireNonNull(Event, "KeClearEvent", "Event")) return;
  std::lock_guard lock(ki::DispatcherLock());
  Event->Header.SignalState = 0;
}

LONG KeReadStateEvent(PRKEVENT Event) {
  if (!ki::RequireNonNull(Event, "KeReadStateEvent", "Event")) return 0;
  std::lock_guard lock(ki::DispatcherLock());
  return Event->Header.SignalState;
}

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason,
                               KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                               PLARGE_INTEGER Timeout) {
  (void)WaitReason;
  (void)WaitMode;
  (void)Alertable;
  if (!ki::RequireNonNull(Object, "KeWaitForSingleObject", "Object")) {
    return STATUS_INVALID_PARAMETER;
  }
  const bool zero_timeout = Timeout != nullptr && Timeout->QuadPart == 0;
  if (KeGetCurrentIrql() >= DISPATCH_LEVEL && !zero_timeout) {
    WskconfReportViolation(
        WskconfRuleIrqlWaitAtDispatch, Object,
        "KeWaitForSingleObject(%p) with a %s timeout at IRQL %u", Object,
        Timeout == nullptr ? "infinite" : "non-zero",
        static_cast<unsigned>(KeGetCurrentIrql()));
  }
  auto* header = static_cast<DISPATCHER_HEADER*>(Object);
  ki::Deadline deadline = ki::DeadlineFromTimeout(Timeout);
  std::unique_lock lock(ki::DispatcherLock());
  if (!ki::IsKnownObjectType(header->Type)) {
    std::fprintf(stderr,
                 "wskconf: KeWaitForSingleObject: %p is not an event or a "
                 "thread (type %u)\n",
                 Object, static_cast<unsigned>(header->Type));
    return STATUS_INVALID_PARAMETER;
  }
  return ki::WaitLocked(lock, header, deadline);
}

}  // extern "C"
