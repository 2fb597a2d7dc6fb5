// Spin locks with real mutual exclusion between host threads: the lock word
// holds the owner's token while held. Acquiring raises the modelled IRQL to
// DISPATCH_LEVEL as on Windows.
#include <cstdint>
#include <thread>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

// A distinct non-zero value per thread: the address of a thread-local.
ULONG_PTR OwnerToken() {
  static thread_local char token;
  return reinterpret_cast<ULONG_PTR>(&token);
}

// Spins, then yields: host threads at "DISPATCH_LEVEL" can be preempted, so
// pure spinning on two cores would waste the holder's time slice. A thread
// that already holds the lock is reported and then spins for ever, as it does
// on Windows: the caller's time limit turns the hang into a failure.
void Acquire(PKSPIN_LOCK lock, const char* routine) {
  const ULONG_PTR self = OwnerToken();
  CheckNoWaitAfterSet(routine);
  if (__atomic_load_n(lock, __ATOMIC_RELAXED) == self) {
    WskconfReportViolation(WskconfRuleSpinLockAcquiredRecursively, lock,
                           "%s: spin lock %p is already held by this thread; "
                           "it now deadlocks, as on Windows",
                           routine, static_cast<void*>(lock));
  }
  for (unsigned spins = 0;; ++spins) {
    ULONG_PTR expected = 0;
    if (__atomic_compare_exchange_n(lock, &expected, self, false,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
      return;
    }
    if (spins >= 64) std::this_thread::yield();
  }
}

// Releasing a lock this thread does not hold is reported and leaves the lock
// as it is: freeing another thread's lock would break its exclusion.
void Release(PKSPIN_LOCK lock, const char* routine) {
  CheckNoWaitAfterSet(routine);
  const ULONG_PTR holder = __atomic_load_n(lock, __ATOMIC_RELAXED);
  if (holder != OwnerToken()) {
    WskconfReportViolation(WskconfRuleSpinLockReleasedNotHeld, lock,
                           "%s: spin lock %p is %s; left as it is", routine,
                           static_cast<void*>(lock),
                           holder == 0 ? "not held"
                                       : "held by another thread");
    return;
  }
  __atomic_store_n(lock, ULONG_PTR{0}, __ATOMIC_RELEASE);
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock) {
  if (!ki::RequireNonNull(SpinLock, "KeInitializeSpinLock", "SpinLock")) return;
  __atomic_store_n(SpinLock, ULONG_PTR{0}, __ATOMIC_RELEASE);
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock) {
  KIRQL old = KfRaiseIrql(DISPATCH_LEVEL);
  if (ki::RequireNonNull(SpinLock, "KeAcquireSpinLock", "SpinLock")) {
    ki::Acquire(SpinLock, "KeAcquireSpinLock");
  }
  return old;
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql) {
  if (ki::RequireNonNull(SpinLock, "KeReleaseSpinLock", "SpinLock")) {
    ki::Release(SpinLock, "KeReleaseSpinLock");
  }
  KeLowerIrql(NewIrql);
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock) {
  if (!ki::RequireNonNull(SpinLock, "KeAcquireSpinLockAtDpcLevel",
                          "SpinLock")) {
    return;
  }
  ki::Acquire(SpinLock, "KeAcquireSpinLockAtDpcLevel");
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock) {
  if (!ki::RequireNonNull(SpinLock, "KeReleaseSpinLockFromDpcLevel",
                          "SpinLock")) {
    return;
  }
  ki::Release(SpinLock, "KeReleaseSpinLockFromDpcLevel");
}

BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock) {
  if (!ki::RequireNonNull(SpinLock, "KeTryToAcquireSpinLockAtDpcLevel",
                          "SpinLock")) {
    return FALSE;
  }
  ULONG_PTR expected = 0;
  return __atomic_compare_exchange_n(SpinLock, &expected, ki::OwnerToken(),
                                     false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED)
             ? TRUE
             : FALSE;
}

VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock,
                                    PKLOCK_QUEUE_HANDLE LockHandle) {
  if (!ki::RequireNonNull(LockHandle, "KeAcquireInStackQueuedSpinLock",
                          "LockHandle")) {
    return;
  }
  LockHandle->LockQueue.Next = nullptr;
  LockHandle->LockQueue.Lock = SpinLock;
  LockHandle->OldIrql = KeAcquireSpinLockRaiseToDpc(SpinLock);
}

VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle) {
  if (!ki::RequireNonNull(LockHandle, "KeReleaseInStackQueuedSpinLock",
                          "LockHandle")) {
    return;
  }
  KeReleaseSpinLock(LockHandle->LockQueue.Lock, LockHandle->OldIrql);
}

}  // extern "C"
