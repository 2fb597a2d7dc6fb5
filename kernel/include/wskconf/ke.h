/* Kernel executive surface of the runtime: IRQL, spin locks, events and
 * waits, system threads and object references, work items. The headers
 * included at the end add the rest: Interlocked and lists (ke_interlocked.h),
 * mutexes/semaphores/multiple waits (ke_sync.h), DPCs and timers
 * (ke_timer.h), pool (ke_pool.h), rundown/lookaside/misc (ke_executive.h),
 * Rtl/time/debug (ke_rtl.h). Included by <wdm.h>; C11 and C++20. */
#ifndef WSKCONF_KE_H_
#define WSKCONF_KE_H_

#include <ntdef.h>
#include <ntstatus.h>

EXTERN_C_START

/* ------------------------------------------------------------------------
 * IRQL. Every thread has its own current IRQL, PASSIVE_LEVEL when it starts.
 * Raising and lowering only changes the model: host threads stay preemptible.
 * ---------------------------------------------------------------------- */
typedef UCHAR KIRQL, *PKIRQL;

#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

/* The calling thread's current IRQL. Any IRQL. */
NTKERNELAPI KIRQL KeGetCurrentIrql(VOID);

/* Raises the current IRQL to NewIrql and returns the previous one. Raising to
 * a level below the current one (or above HIGH_LEVEL) is reported as
 * Irql.InvalidRaiseOrLower and leaves the IRQL unchanged. */
NTKERNELAPI KIRQL KfRaiseIrql(KIRQL NewIrql);
#define KeRaiseIrql(NewIrql, OldIrql) (*(OldIrql) = KfRaiseIrql(NewIrql))

/* Lowers the current IRQL to NewIrql (normally the value KeRaiseIrql saved).
 * Lowering to a level above the current one is reported as
 * Irql.InvalidRaiseOrLower and leaves the IRQL unchanged. */
NTKERNELAPI VOID KeLowerIrql(KIRQL NewIrql);

/* Raises to DISPATCH_LEVEL and returns the previous IRQL; reports
 * Irql.InvalidRaiseOrLower if the caller is already above DISPATCH_LEVEL. */
NTKERNELAPI KIRQL KeRaiseIrqlToDpcLevel(VOID);

/* Critical and guarded regions: counted per thread, no other effect (no APCs
 * exist in this runtime). */
NTKERNELAPI VOID KeEnterCriticalRegion(VOID);
NTKERNELAPI VOID KeLeaveCriticalRegion(VOID);
NTKERNELAPI BOOLEAN KeAreApcsDisabled(VOID);

/* ------------------------------------------------------------------------
 * Spin locks: real mutual exclusion between host threads. The lock word is 0
 * when free.
 * ---------------------------------------------------------------------- */
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

/* Sets *SpinLock to the free state. Any IRQL. NULL: Kernel.NullArgument. */
NTKERNELAPI VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock);

/* Raises to DISPATCH_LEVEL, acquires SpinLock and returns the previous IRQL.
 * IRQL <= DISPATCH_LEVEL. KeAcquireSpinLock stores the previous IRQL through
 * its second argument, as the WDK macro does. A thread that already holds
 * SpinLock is reported (SpinLock.AcquiredRecursively) and then spins for
 * ever, as on Windows. */
NTKERNELAPI KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock);
#define KeAcquireSpinLock(SpinLock, OldIrql) \
  (*(OldIrql) = KeAcquireSpinLockRaiseToDpc(SpinLock))

/* Releases SpinLock and lowers the IRQL to NewIrql (the value saved by
 * KeAcquireSpinLock). IRQL == DISPATCH_LEVEL. A lock the calling thread
 * does not hold is reported (SpinLock.ReleasedNotHeld) and left as it is;
 * the IRQL is lowered all the same. */
NTKERNELAPI VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);

/* Acquire/release without changing the IRQL. The caller is at
 * DISPATCH_LEVEL already (a DPC or a routine that raised). */
NTKERNELAPI VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock);

/* Tries once to acquire SpinLock at DISPATCH_LEVEL; TRUE when acquired. */
NTKERNELAPI BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);

/* In-stack queued spin locks. The handle lives on the caller's stack between
 * acquire and release and records the lock and the previous IRQL. */
typedef struct _KSPIN_LOCK_QUEUE {
  struct _KSPIN_LOCK_QUEUE *volatile Next;
  PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;
typedef struct _KLOCK_QUEUE_HANDLE {
  KSPIN_LOCK_QUEUE LockQueue;
  KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

/* IRQL <= DISPATCH_LEVEL; raises to DISPATCH_LEVEL. */
NTKERNELAPI VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock,
                                                PKLOCK_QUEUE_HANDLE LockHandle);
/* Releases and restores LockHandle->OldIrql. */
NTKERNELAPI VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle);

/* ------------------------------------------------------------------------
 * Dispatcher objects: events and threads are waitable. KEVENT has the x64
 * Windows size (24 bytes). WaitListHead links the wait blocks of the threads
 * blocked on the object (under the runtime's dispatcher lock).
 * ---------------------------------------------------------------------- */
typedef struct _DISPATCHER_HEADER {
  union {
    struct {
      UCHAR Type; /* EVENT_TYPE for events, 6 for threads */
      UCHAR Signalling;
      UCHAR Size; /* in ULONGs */
      UCHAR Reserved1;
    };
    LONG Lock;
  };
  LONG SignalState;
  LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER, *PDISPATCHER_HEADER;

typedef enum _EVENT_TYPE {
  NotificationEvent = 0,   /* stays signalled until reset; wakes all waiters */
  SynchronizationEvent = 1 /* auto-resets when it satisfies one wait */
} EVENT_TYPE;

typedef struct _KEVENT {
  DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

typedef CCHAR KPROCESSOR_MODE;
typedef enum _MODE { KernelMode = 0, UserMode = 1, MaximumMode } MODE;

typedef enum _KWAIT_REASON {
  Executive = 0,
  FreePage,
  PageIn,
  PoolAllocation,
  DelayExecution,
  Suspended,
  UserRequest,
  WrExecutive,
  WrFreePage,
  WrPageIn,
  WrPoolAllocation,
  WrDelayExecution,
  WrSuspended,
  WrUserRequest,
  WrEventPair,
  WrQueue
} KWAIT_REASON;

typedef LONG KPRIORITY_INCREMENT;
#ifndef EVENT_INCREMENT
#define EVENT_INCREMENT 1
#endif
#ifndef IO_NO_INCREMENT
#define IO_NO_INCREMENT 0
#endif

/* Initializes Event as non-signalled (State FALSE) or signalled (TRUE).
 * Any IRQL. NULL Event: Kernel.NullArgument. */
NTKERNELAPI VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type,
                                   BOOLEAN State);

/* Signals Event and returns its previous state (0 or 1). A notification event
 * releases every waiter; a synchronization event releases one waiter and
 * stays non-signalled, or stays signalled when nobody waits. Increment is
 * ignored. Wait TRUE does not keep the dispatcher lock, but the thread must
 * call KeWaitXxx next: reaching another routine of the runtime (KeSetEvent,
 * spin locks, IRQL changes, IoCallDriver, IoCompleteRequest, pool, ...), the
 * end of a work item or system thread, or WskconfCheckLeaks first reports
 * Event.SetWithWaitNotFollowedByWait. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait);

/* Sets Event non-signalled and returns its previous state. IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI LONG KeResetEvent(PRKEVENT Event);

/* Sets Event non-signalled. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID KeClearEvent(PRKEVENT Event);

/* The current state of Event (nonzero: signalled). Any IRQL. */
NTKERNELAPI LONG KeReadStateEvent(PRKEVENT Event);

/* Waits until Object (a KEVENT, KMUTEX, KSEMAPHORE or thread object) is
 * signalled; a satisfied wait acquires a mutex and takes one semaphore
 * count.
 * Timeout: NULL waits forever; negative is relative, in 100 ns units;
 * positive is an absolute system time (KeQuerySystemTime); zero polls.
 * Returns STATUS_SUCCESS (== STATUS_WAIT_0) when the object was signalled
 * (a synchronization event is reset by the wait it satisfies) or
 * STATUS_TIMEOUT. IRQL <= APC_LEVEL, or DISPATCH_LEVEL with a zero timeout;
 * a non-zero timeout at DISPATCH_LEVEL is reported as Irql.WaitAtDispatch
 * (the wait still happens). NULL Object: Kernel.NullArgument and
 * STATUS_INVALID_PARAMETER. WaitReason, WaitMode and Alertable are accepted;
 * no APC or alert ever ends a wait here. */
NTKERNELAPI NTSTATUS KeWaitForSingleObject(PVOID Object,
                                           KWAIT_REASON WaitReason,
                                           KPROCESSOR_MODE WaitMode,
                                           BOOLEAN Alertable,
                                           PLARGE_INTEGER Timeout);

/* ------------------------------------------------------------------------
 * Objects, handles and system threads. Thread objects are waitable (they are
 * signalled when the thread ends) and reference-counted: the handle counts as
 * one reference, and ObReferenceObjectByHandle/ObReferenceObject add more.
 * ---------------------------------------------------------------------- */
typedef struct _OBJECT_TYPE *POBJECT_TYPE;
typedef struct _KTHREAD *PKTHREAD, *PRKTHREAD;
typedef struct _ETHREAD *PETHREAD;
typedef struct _KPROCESS *PKPROCESS, *PRKPROCESS;
typedef struct _EPROCESS *PEPROCESS;

/* Object type of thread objects, for ObReferenceObjectByHandle. */
extern NTKERNELAPI POBJECT_TYPE *PsThreadType;

typedef struct _OBJECT_HANDLE_INFORMATION {
  ULONG HandleAttributes;
  ACCESS_MASK GrantedAccess;
} OBJECT_HANDLE_INFORMATION, *POBJECT_HANDLE_INFORMATION;

#ifndef DELETE
#define DELETE 0x00010000L
#endif
#ifndef READ_CONTROL
#define READ_CONTROL 0x00020000L
#endif
#ifndef SYNCHRONIZE
#define SYNCHRONIZE 0x00100000L
#endif
#ifndef STANDARD_RIGHTS_REQUIRED
#define STANDARD_RIGHTS_REQUIRED 0x000F0000L
#endif
#ifndef GENERIC_ALL
#define GENERIC_ALL 0x10000000L
#endif
#define THREAD_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define ZwCurrentProcess() NtCurrentProcess()
#define NtCurrentThread() ((HANDLE)(LONG_PTR)-2)
#define ZwCurrentThread() NtCurrentThread()

typedef VOID KSTART_ROUTINE(PVOID StartContext);
typedef KSTART_ROUTINE *PKSTART_ROUTINE;

/* Starts a system thread that runs StartRoutine(StartContext) at
 * PASSIVE_LEVEL on a new host thread, and returns a kernel handle to it in
 * *ThreadHandle (close it with ZwClose). ClientId, when not NULL, receives
 * the thread id. DesiredAccess, ObjectAttributes and ProcessHandle are
 * accepted and ignored. PASSIVE_LEVEL only (else
 * Irql.PassiveOnlyCallAtRaisedIrql and STATUS_INVALID_DEVICE_REQUEST).
 * Returns STATUS_SUCCESS, STATUS_INVALID_PARAMETER (NULL ThreadHandle or
 * StartRoutine, also reported as Kernel.NullArgument) or
 * STATUS_INSUFFICIENT_RESOURCES. */
NTKERNELAPI NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle,
                                          ULONG DesiredAccess,
                                          POBJECT_ATTRIBUTES ObjectAttributes,
                                          HANDLE ProcessHandle,
                                          PCLIENT_ID ClientId,
                                          PKSTART_ROUTINE StartRoutine,
                                          PVOID StartContext);

/* Ends the calling system thread (does not return). Called from a thread not
 * made by PsCreateSystemThread it returns STATUS_INVALID_PARAMETER. */
NTKERNELAPI NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus);

/* The calling thread's object (threads not made by PsCreateSystemThread get
 * one on first use). The pointer holds no reference. Any IRQL. */
NTKERNELAPI PETHREAD PsGetCurrentThread(VOID);
NTKERNELAPI PKTHREAD KeGetCurrentThread(VOID);
NTKERNELAPI HANDLE PsGetCurrentThreadId(VOID);
NTKERNELAPI HANDLE PsGetThreadId(PETHREAD Thread);
/* TRUE when Thread was created by PsCreateSystemThread. */
NTKERNELAPI BOOLEAN PsIsSystemThread(PETHREAD Thread);

/* Looks Handle up and returns its object in *Object with one more reference
 * (release it with ObDereferenceObject). ObjectType NULL accepts any type.
 * Returns STATUS_SUCCESS, STATUS_INVALID_HANDLE (unknown or closed handle),
 * STATUS_OBJECT_TYPE_MISMATCH, or STATUS_INVALID_PARAMETER (NULL Object).
 * IRQL == PASSIVE_LEVEL. */
NTKERNELAPI NTSTATUS ObReferenceObjectByHandle(
    HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
    KPROCESSOR_MODE AccessMode, PVOID *Object,
    POBJECT_HANDLE_INFORMATION HandleInformation);

/* Add / drop one reference; the object is deleted when the last reference
 * (handles included) goes. Return the new count. Objects the runtime did not
 * create are left alone (return 1). Either call on an object whose last
 * reference is already gone (its memory still quarantined) is reported as
 * Object.DereferencedTooOften and returns 0. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI LONG_PTR ObfReferenceObject(PVOID Object);
NTKERNELAPI LONG_PTR ObfDereferenceObject(PVOID Object);
#define ObReferenceObject(Object) ObfReferenceObject(Object)
#define ObDereferenceObject(Object) ObfDereferenceObject(Object)

/* Closes a kernel handle (drops the handle's reference). Returns
 * STATUS_SUCCESS or STATUS_INVALID_HANDLE. PASSIVE_LEVEL. */
NTSYSAPI NTSTATUS ZwClose(HANDLE Handle);

/* ------------------------------------------------------------------------
 * Work items: routines run at PASSIVE_LEVEL on the runtime's worker threads.
 * ---------------------------------------------------------------------- */
struct _DEVICE_OBJECT;
typedef struct _IO_WORKITEM *PIO_WORKITEM;

typedef VOID IO_WORKITEM_ROUTINE(struct _DEVICE_OBJECT *DeviceObject,
                                 PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
typedef VOID IO_WORKITEM_ROUTINE_EX(PVOID IoObject, PVOID Context,
                                    PIO_WORKITEM IoWorkItem);
typedef IO_WORKITEM_ROUTINE_EX *PIO_WORKITEM_ROUTINE_EX;

typedef enum _WORK_QUEUE_TYPE {
  CriticalWorkQueue = 0,
  DelayedWorkQueue = 1,
  HyperCriticalWorkQueue = 2,
  NormalWorkQueue = 3,
  BackgroundWorkQueue = 4,
  RealTimeWorkQueue = 5,
  SuperCriticalWorkQueue = 6,
  MaximumWorkQueue = 7,
  CustomPriorityWorkQueue = 32
} WORK_QUEUE_TYPE;

/* Allocates a work item bound to DeviceObject, or NULL when out of memory
 * (pool fault injection applies: the item is nonpaged pool tagged 'IoWk').
 * NULL DeviceObject: Kernel.NullArgument and NULL. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PIO_WORKITEM IoAllocateWorkItem(struct _DEVICE_OBJECT *DeviceObject);

/* Queues IoWorkItem: a worker thread later calls
 * WorkerRoutine(DeviceObject, Context) at PASSIVE_LEVEL. The routine may free
 * the item. A NULL item or routine is reported as Kernel.NullArgument and
 * ignored; queuing an item that is still queued (WorkItem.QueuedTwice) or a
 * pointer that is not a live work item (WorkItem.NotAllocated) is reported
 * and ignored. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem,
                                 PIO_WORKITEM_ROUTINE WorkerRoutine,
                                 WORK_QUEUE_TYPE QueueType, PVOID Context);

/* As IoQueueWorkItem; the routine receives the I/O object, Context and the
 * work item. */
NTKERNELAPI VOID IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
                                   PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                                   WORK_QUEUE_TYPE QueueType, PVOID Context);

/* Frees a work item that is not queued (a routine may free its own item).
 * A queued item is reported (WorkItem.FreedWhileQueued) and not freed.
 * IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem);

/* Caller-allocated work items: IoSizeofWorkItem() bytes of the caller's
 * nonpaged memory, prepared by IoInitializeWorkItem (IoObject: the device
 * or driver object the routine receives), queued with IoQueueWorkItem[Ex],
 * and released with IoUninitializeWorkItem once not queued (a still-queued
 * item is printed and left alone). IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI ULONG IoSizeofWorkItem(VOID);
NTKERNELAPI VOID IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem);
NTKERNELAPI VOID IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem);

EXTERN_C_END

#include <wskconf/ke_interlocked.h>
#include <wskconf/ke_sync.h>
#include <wskconf/ke_timer.h>
#include <wskconf/ke_pool.h>
#include <wskconf/ke_executive.h>
#include <wskconf/ke_rtl.h>

#endif /* WSKCONF_KE_H_ */
