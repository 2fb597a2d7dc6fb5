/* More dispatcher objects and waits: KeWaitForMultipleObjects, mutexes
 * (KMUTEX), semaphores (KSEMAPHORE) and fast mutexes. They share the wait
 * engine of events and threads. Included by <wskconf/ke.h>. */
#ifndef WSKCONF_KE_SYNC_H_
#define WSKCONF_KE_SYNC_H_

#include <ntdef.h>
#include <wskconf/ke.h> /* the whole surface, whichever header comes first */

EXTERN_C_START

typedef enum _WAIT_TYPE {
  WaitAll = 0,
  WaitAny = 1,
  WaitNotification = 2,
  WaitDequeue = 3,
  WaitDpc = 4
} WAIT_TYPE;

/* Up to THREAD_WAIT_OBJECTS objects need no caller-supplied wait blocks. */
#define THREAD_WAIT_OBJECTS 3
#define MAXIMUM_WAIT_OBJECTS 64

/* Wait block (x64 layout, 48 bytes). This runtime keeps its own wait blocks;
 * the caller's array is checked for presence only. */
typedef struct _KWAIT_BLOCK {
  LIST_ENTRY WaitListEntry;
  UCHAR WaitType;
  volatile UCHAR BlockState;
  USHORT WaitKey;
  LONG SpareLong;
  struct _KTHREAD *Thread;
  PVOID Object;
  PVOID SparePtr;
} KWAIT_BLOCK, *PKWAIT_BLOCK, *PRKWAIT_BLOCK;

/* Waits until any (WaitAny) or all (WaitAll) of Count objects are
 * signalled; Timeout as for KeWaitForSingleObject. Returns STATUS_WAIT_0 + i
 * for WaitAny (i: the object that satisfied the wait), STATUS_WAIT_0 for
 * WaitAll (every object is acquired at once, atomically), or STATUS_TIMEOUT.
 * Count must be 1..MAXIMUM_WAIT_OBJECTS and WaitBlockArray non-NULL when
 * Count > THREAD_WAIT_OBJECTS; otherwise, or for another WaitType, the call
 * reports Kernel.InvalidParameter and returns STATUS_INVALID_PARAMETER. IRQL
 * rules (and the Irql.WaitAtDispatch report) as for KeWaitForSingleObject. */
NTKERNELAPI NTSTATUS KeWaitForMultipleObjects(
    ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
    KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
    PKWAIT_BLOCK WaitBlockArray);

/* ------------------------------------------------------------------------
 * Mutexes: owned by the thread whose wait acquired them, recursively
 * acquirable by the owner, signalled when free.
 * ---------------------------------------------------------------------- */
typedef struct _KMUTANT {
  DISPATCHER_HEADER Header; /* SignalState 1: free; <= 0: owned */
  LIST_ENTRY MutantListEntry;
  struct _KTHREAD *OwnerThread;
  BOOLEAN Abandoned;
  UCHAR ApcDisable;
} KMUTANT, *PKMUTANT, *PRKMUTANT, KMUTEX, *PKMUTEX, *PRKMUTEX;

/* Initializes Mutex as free. Level is ignored. Any IRQL. */
NTKERNELAPI VOID KeInitializeMutex(PRKMUTEX Mutex, ULONG Level);

/* Releases one level of ownership; returns the previous SignalState. A
 * release by a thread that does not own the mutex is reported
 * (Mutex.ReleasedNotOwned) and ignored (a bug check on Windows). Wait is ignored. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI LONG KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait);

/* 1 when the mutex is free. */
NTKERNELAPI LONG KeReadStateMutex(PRKMUTEX Mutex);

#define KeWaitForMutexObject KeWaitForSingleObject

/* ------------------------------------------------------------------------
 * Semaphores: signalled while the count is above zero; each satisfied wait
 * takes one.
 * ---------------------------------------------------------------------- */
typedef struct _KSEMAPHORE {
  DISPATCHER_HEADER Header; /* SignalState: the count */
  LONG Limit;
} KSEMAPHORE, *PKSEMAPHORE, *PRKSEMAPHORE;

/* Initializes the count to Count (0 <= Count <= Limit). Any IRQL. */
NTKERNELAPI VOID KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count,
                                       LONG Limit);

/* Adds Adjustment to the count, releasing waiters; returns the previous
 * count. An Adjustment that is not positive or would pass the limit is
 * reported (Semaphore.LimitExceeded) and ignored (Windows raises
 * STATUS_SEMAPHORE_LIMIT_EXCEEDED).
 * IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI LONG KeReleaseSemaphore(PRKSEMAPHORE Semaphore,
                                    KPRIORITY Increment, LONG Adjustment,
                                    BOOLEAN Wait);

NTKERNELAPI LONG KeReadStateSemaphore(PRKSEMAPHORE Semaphore);

/* ------------------------------------------------------------------------
 * Fast mutexes: not recursive; acquiring raises to APC_LEVEL and releasing
 * restores the IRQL saved at acquire time. The *Unsafe variants leave the
 * IRQL alone (the caller is in a critical region or at APC_LEVEL).
 * ---------------------------------------------------------------------- */
typedef struct _FAST_MUTEX {
  LONG_PTR Count; /* 1: free */
  PVOID Owner;
  ULONG Contention;
  KEVENT Event;
  ULONG OldIrql;
} FAST_MUTEX, *PFAST_MUTEX, KGUARDED_MUTEX, *PKGUARDED_MUTEX;

/* Any IRQL. */
NTKERNELAPI VOID ExInitializeFastMutex(PFAST_MUTEX FastMutex);
/* IRQL <= APC_LEVEL (else Irql.PassiveOnlyCallAtRaisedIrql; the mutex is
 * still acquired). Acquiring a fast mutex the caller already owns is
 * reported (Mutex.FastMutexAcquiredRecursively) and then waits for ever, as
 * on Windows. */
NTKERNELAPI VOID ExAcquireFastMutex(PFAST_MUTEX FastMutex);
/* TRUE when acquired without waiting. */
NTKERNELAPI BOOLEAN ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex);
/* Release by a thread that does not own the mutex is reported
 * (Mutex.ReleasedNotOwned) and ignored. */
NTKERNELAPI VOID ExReleaseFastMutex(PFAST_MUTEX FastMutex);
NTKERNELAPI VOID ExAcquireFastMutexUnsafe(PFAST_MUTEX FastMutex);
NTKERNELAPI VOID ExReleaseFastMutexUnsafe(PFAST_MUTEX FastMutex);

#define KeInitializeGuardedMutex(m) ExInitializeFastMutex(m)
#define KeAcquireGuardedMutex(m) ExAcquireFastMutex(m)
#define KeReleaseGuardedMutex(m) ExReleaseFastMutex(m)
#define KeTryToAcquireGuardedMutex(m) ExTryToAcquireFastMutex(m)

EXTERN_C_END

#endif /* WSKCONF_KE_SYNC_H_ */
