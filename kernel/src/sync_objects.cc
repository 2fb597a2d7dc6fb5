// Mutexes, semaphores and fast mutexes on top of the wait engine in
// event_wait.cc: they differ from events only in how a wait consumes them
// and in how they are released.
#include <mutex>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

void InitializeHeaderLocked(DISPATCHER_HEADER* header, UCHAR type,
                            size_t object_size, LONG state) {
  RegisterObjectLocked(header);
  header->Lock = 0;
  header->Type = type;
  header->Size = static_cast<UCHAR>(object_size / sizeof(LONG));
  header->SignalState = state;
  InitializeListHead(&header->WaitListHead);
}

// The caller (ExAcquireFastMutex) checked the IRQL already.
NTSTATUS WaitForever(PKEVENT event) {
  return WaitUnchecked(&event->Header, nullptr);
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID KeInitializeMutex(PRKMUTEX Mutex, ULONG Level) {
  (void)Level;
  if (!ki::RequireNonNull(Mutex, "KeInitializeMutex", "Mutex")) return;
  std::lock_guard lock(ki::DispatcherLock());
  ki::InitializeHeaderLocked(&Mutex->Header, ki::kMutantObjectType,
                             sizeof(KMUTEX), 1);
  InitializeListHead(&Mutex->MutantListEntry);
  Mutex->OwnerThread = nullptr;
  Mutex->Abandoned = FALSE;
  Mutex->ApcDisable = 1;
}

LONG KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait) {
  (void)Wait;
  ki::CheckNoWaitAfterSet("KeReleaseMutex");
  if (!ki::RequireNonNull(Mutex, "KeReleaseMutex", "Mutex")) return 0;
  ki::RequireAtMost(DISPATCH_LEVEL, "KeReleaseMutex");
  if (!ki::RequireLiveObject(&Mutex->Header, "KeReleaseMutex")) return 0;
  PKTHREAD self = KeGetCurrentThread();
  std::lock_guard lock(ki::DispatcherLock());
  DISPATCHER_HEADER* header = &Mutex->Header;
  LONG previous = header->SignalState;
  if (Mutex->OwnerThread != self || previous > 0) {
    WskconfReportViolation(WskconfRuleMutexReleasedNotOwned, Mutex,
                           "KeReleaseMutex(%p): the calling thread does not "
                           "own it (STATUS_MUTANT_NOT_OWNED on Windows); "
                           "ignored",
                           static_cast<void*>(Mutex));
    return previous;
  }
  if (++header->SignalState == 1) {
    Mutex->OwnerThread = nullptr;
    ki::WakeWaitersLocked(header);
  }
  return previous;
}

LONG KeReadStateMutex(PRKMUTEX Mutex) {
  if (!ki::RequireNonNull(Mutex, "KeReadStateMutex", "Mutex") ||
      !ki::RequireLiveObject(&Mutex->Header, "KeReadStateMutex")) {
    return 0;
  }
  std::lock_guard lock(ki::DispatcherLock());
  return Mutex->Header.SignalState;
}

VOID KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit) {
  if (!ki::RequireNonNull(Semaphore, "KeInitializeSemaphore", "Semaphore")) {
    return;
  }
  std::lock_guard lock(ki::DispatcherLock());
  ki::InitializeHeaderLocked(&Semaphore->Header, ki::kSemaphoreObjectType,
                             sizeof(KSEMAPHORE), Count);
  Semaphore->Limit = Limit;
}

LONG KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment,
                        LONG Adjustment, BOOLEAN Wait) {
  (void)Increment;
  (void)Wait;
  ki::CheckNoWaitAfterSet("KeReleaseSemaphore");
  if (!ki::RequireNonNull(Semaphore, "KeReleaseSemaphore", "Semaphore")) {
    return 0;
  }
  ki::RequireAtMost(DISPATCH_LEVEL, "KeReleaseSemaphore");
  if (!ki::RequireLiveObject(&Semaphore->Header, "KeReleaseSemaphore")) {
    return 0;
  }
  std::lock_guard lock(ki::DispatcherLock());
  DISPATCHER_HEADER* header = &Semaphore->Header;
  LONG previous = header->SignalState;
  if (Adjustment <= 0 || previous > Semaphore->Limit - Adjustment) {
    WskconfReportViolation(WskconfRuleSemaphoreLimitExceeded, Semaphore,
                           "KeReleaseSemaphore(%p, %d): count %d would pass "
                           "the limit %d (STATUS_SEMAPHORE_LIMIT_EXCEEDED); "
                           "ignored",
                           static_cast<void*>(Semaphore), Adjustment, previous,
                           Semaphore->Limit);
    return previous;
  }
  header->SignalState = previous + Adjustment;
  ki::WakeWaitersLocked(header);
  return previous;
}

LONG KeReadStateSemaphore(PRKSEMAPHORE Semaphore) {
  if (!ki::RequireNonNull(Semaphore, "KeReadStateSemaphore", "Semaphore") ||
      !ki::RequireLiveObject(&Semaphore->Header, "KeReadStateSemaphore")) {
    return 0;
  }
  std::lock_guard lock(ki::DispatcherLock());
  return Semaphore->Header.SignalState;
}

// A fast mutex is a synchronization event that starts signalled: a wait
// takes the mutex, KeSetEvent hands it to the next waiter.
VOID ExInitializeFastMutex(PFAST_MUTEX FastMutex) {
  if (!ki::RequireNonNull(FastMutex, "ExInitializeFastMutex", "FastMutex")) {
    return;
  }
  FastMutex->Count = 1;
  FastMutex->Owner = nullptr;
  FastMutex->Contention = 0;
  FastMutex->OldIrql = PASSIVE_LEVEL;
  KeInitializeEvent(&FastMutex->Event, SynchronizationEvent, TRUE);
}

VOID ExAcquireFastMutexUnsafe(PFAST_MUTEX FastMutex) {
  if (!ki::RequireNonNull(FastMutex, "ExAcquireFastMutex", "FastMutex")) {
    return;
  }
  PKTHREAD self = KeGetCurrentThread();
  if (__atomic_load_n(&FastMutex->Owner, __ATOMIC_ACQUIRE) == self) {
    // Then wait for ever on the mutex this thread holds, as Windows does.
    WskconfReportViolation(WskconfRuleMutexAcquiredRecursively, FastMutex,
                           "ExAcquireFastMutex(%p): already owned by the "
                           "calling thread; it now deadlocks, as on Windows",
                           static_cast<void*>(FastMutex));
  }
  if (ki::WaitForever(&FastMutex->Event) == STATUS_SUCCESS) {
    __atomic_store_n(&FastMutex->Count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&FastMutex->Owner, static_cast<PVOID>(self),
                     __ATOMIC_RELEASE);
  }
}

VOID ExReleaseFastMutexUnsafe(PFAST_MUTEX FastMutex) {
  if (!ki::RequireNonNull(FastMutex, "ExReleaseFastMutex", "FastMutex")) {
    return;
  }
  if (__atomic_load_n(&FastMutex->Owner, __ATOMIC_ACQUIRE) !=
      static_cast<PVOID>(KeGetCurrentThread())) {
    WskconfReportViolation(WskconfRuleMutexReleasedNotOwned, FastMutex,
                           "ExReleaseFastMutex(%p): not owned by the calling "
                           "thread; ignored",
                           static_cast<void*>(FastMutex));
    return;
  }
  __atomic_store_n(&FastMutex->Owner, static_cast<PVOID>(nullptr),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&FastMutex->Count, 1, __ATOMIC_RELAXED);
  KeSetEvent(&FastMutex->Event, IO_NO_INCREMENT, FALSE);
}

VOID ExAcquireFastMutex(PFAST_MUTEX FastMutex) {
  ki::RequireAtMost(APC_LEVEL, "ExAcquireFastMutex");
  KIRQL old = KeGetCurrentIrql();
  ExAcquireFastMutexUnsafe(FastMutex);
  if (FastMutex == nullptr) return;
  if (old < APC_LEVEL) KfRaiseIrql(APC_LEVEL);
  FastMutex->OldIrql = old;
}

BOOLEAN ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex) {
  if (!ki::RequireNonNull(FastMutex, "ExTryToAcquireFastMutex",
                          "FastMutex")) {
    return FALSE;
  }
  ki::RequireAtMost(APC_LEVEL, "ExTryToAcquireFastMutex");
  LARGE_INTEGER zero;
  zero.QuadPart = 0;
  if (KeWaitForSingleObject(&FastMutex->Event, Executive, KernelMode, FALSE,
                            &zero) != STATUS_SUCCESS) {
    return FALSE;
  }
  KIRQL old = KeGetCurrentIrql();
  __atomic_store_n(&FastMutex->Count, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&FastMutex->Owner, static_cast<PVOID>(KeGetCurrentThread()),
                   __ATOMIC_RELEASE);
  if (old < APC_LEVEL) KfRaiseIrql(APC_LEVEL);
  FastMutex->OldIrql = old;
  return TRUE;
}

VOID ExReleaseFastMutex(PFAST_MUTEX FastMutex) {
  if (FastMutex == nullptr) {
    ki::RequireNonNull(FastMutex, "ExReleaseFastMutex", "FastMutex");
    return;
  }
  const bool owned = __atomic_load_n(&FastMutex->Owner, __ATOMIC_ACQUIRE) ==
                     static_cast<PVOID>(KeGetCurrentThread());
  KIRQL old = static_cast<KIRQL>(FastMutex->OldIrql);
  ExReleaseFastMutexUnsafe(FastMutex);
  if (owned) KeLowerIrql(old);
}

}  // extern "C"
