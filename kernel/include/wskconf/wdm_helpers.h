/* Helpers drivers build their queues and lifetimes with: the cancel-safe
 * IRP queue (IoCsq*), remove locks, and a few routines WSK clients call
 * around the socket API (KeQueryPerformanceCounter,
 * MmMapLockedPagesSpecifyCache, ObReferenceObjectByPointer,
 * ExInitializeDriverRuntime). Included by wdm.h. */
#ifndef WSKCONF_WDM_HELPERS_H_
#define WSKCONF_WDM_HELPERS_H_

#include <wdm.h>

EXTERN_C_START

/* ------------------------------------------------------------------------
 * Cancel-safe queue. The driver keeps the IRPs (its own list and lock);
 * IoCsq* own the cancel routine, so an IRP is either removed by the driver
 * or completed as cancelled through CsqCompleteCanceledIrp, never both.
 * ---------------------------------------------------------------------- */
#define IO_TYPE_CSQ_IRP_CONTEXT 1
#define IO_TYPE_CSQ 2
#define IO_TYPE_CSQ_EX 3

typedef struct _IO_CSQ IO_CSQ, *PIO_CSQ;

typedef struct _IO_CSQ_IRP_CONTEXT {
  ULONG Type;
  PIRP Irp;
  PIO_CSQ Csq;
} IO_CSQ_IRP_CONTEXT, *PIO_CSQ_IRP_CONTEXT;

typedef VOID IO_CSQ_INSERT_IRP(PIO_CSQ Csq, PIRP Irp);
typedef IO_CSQ_INSERT_IRP *PIO_CSQ_INSERT_IRP;
typedef NTSTATUS IO_CSQ_INSERT_IRP_EX(PIO_CSQ Csq, PIRP Irp,
                                      PVOID InsertContext);
typedef IO_CSQ_INSERT_IRP_EX *PIO_CSQ_INSERT_IRP_EX;
typedef VOID IO_CSQ_REMOVE_IRP(PIO_CSQ Csq, PIRP Irp);
typedef IO_CSQ_REMOVE_IRP *PIO_CSQ_REMOVE_IRP;
/* The IRP after Irp (the first when Irp is NULL) that matches PeekContext,
 * or NULL. */
typedef PIRP IO_CSQ_PEEK_NEXT_IRP(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext);
typedef IO_CSQ_PEEK_NEXT_IRP *PIO_CSQ_PEEK_NEXT_IRP;
typedef VOID IO_CSQ_ACQUIRE_LOCK(PIO_CSQ Csq, PKIRQL Irql);
typedef IO_CSQ_ACQUIRE_LOCK *PIO_CSQ_ACQUIRE_LOCK;
typedef VOID IO_CSQ_RELEASE_LOCK(PIO_CSQ Csq, KIRQL Irql);
typedef IO_CSQ_RELEASE_LOCK *PIO_CSQ_RELEASE_LOCK;
typedef VOID IO_CSQ_COMPLETE_CANCELED_IRP(PIO_CSQ Csq, PIRP Irp);
typedef IO_CSQ_COMPLETE_CANCELED_IRP *PIO_CSQ_COMPLETE_CANCELED_IRP;

struct _IO_CSQ {
  ULONG Type;
  PIO_CSQ_INSERT_IRP CsqInsertIrp; /* or the _EX form, by Type */
  PIO_CSQ_REMOVE_IRP CsqRemoveIrp;
  PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp;
  PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock;
  PIO_CSQ_RELEASE_LOCK CsqReleaseLock;
  PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp;
  PVOID ReservePointer;
};

/* Fill in Csq. STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a NULL Csq
 * or callback. Any IRQL. */
NTKERNELAPI NTSTATUS IoCsqInitialize(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp,
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
NTKERNELAPI NTSTATUS IoCsqInitializeEx(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp,
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);

/* Queues Irp (CsqInsertIrp under the queue's lock), marks it pending and
 * makes it cancelable. An IRP already cancelled is taken out again and
 * handed to CsqCompleteCanceledIrp. Context (optional) lets IoCsqRemoveIrp
 * find this IRP later. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp,
                                PIO_CSQ_IRP_CONTEXT Context);
/* As IoCsqInsertIrp; returns what CsqInsertIrpEx returned, and on failure
 * leaves the IRP alone (not queued, not pending). */
NTKERNELAPI NTSTATUS IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp,
                                      PIO_CSQ_IRP_CONTEXT Context,
                                      PVOID InsertContext);
/* Takes out the first queued IRP matching PeekContext whose cancellation
 * has not begun, now not cancelable; NULL if none. */
NTKERNELAPI PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext);
/* Takes out the IRP Context was inserted with; NULL when it is gone or its
 * cancellation has begun. */
NTKERNELAPI PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context);

/* ------------------------------------------------------------------------
 * Remove locks: a count of the I/O a device has in progress, and a final
 * wait for it to drain before the device goes away.
 * ---------------------------------------------------------------------- */
typedef struct _IO_REMOVE_LOCK_COMMON_BLOCK {
  BOOLEAN Removed;
  BOOLEAN Reserved[3];
  volatile LONG IoCount; /* 1 + acquisitions, until removal */
  KEVENT RemoveEvent;
} IO_REMOVE_LOCK_COMMON_BLOCK;

typedef struct _IO_REMOVE_LOCK {
  IO_REMOVE_LOCK_COMMON_BLOCK Common;
} IO_REMOVE_LOCK, *PIO_REMOVE_LOCK;

/* AllocateTag, MaxLockedMinutes and HighWatermark are accepted (Windows
 * uses them in checked builds only). */
NTKERNELAPI VOID IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock,
                                          ULONG AllocateTag,
                                          ULONG MaxLockedMinutes,
                                          ULONG HighWatermark,
                                          ULONG RemlockSize);
/* STATUS_SUCCESS and one more holder, or STATUS_DELETE_PENDING once
 * IoReleaseRemoveLockAndWait has run. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI NTSTATUS IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock,
                                           PVOID Tag, PCSTR File, ULONG Line,
                                           ULONG RemlockSize);
/* Drops one holder; the last one after removal wakes the waiter. A release
 * with no holder is reported (RemoveLock.ReleasedMoreThanAcquired) and
 * ignored. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                       ULONG RemlockSize);
/* Marks the lock removed, drops the caller's own acquisition and waits
 * until every other holder has released. PASSIVE_LEVEL. */
NTKERNELAPI VOID IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock,
                                              PVOID Tag, ULONG RemlockSize);

#define IoInitializeRemoveLock(Lock, AllocateTag, MaxLockedMinutes, \
                               HighWatermark)                      \
  IoInitializeRemoveLockEx(Lock, AllocateTag, MaxLockedMinutes,     \
                           HighWatermark, sizeof(IO_REMOVE_LOCK))
#define IoAcquireRemoveLock(RemoveLock, Tag) \
  IoAcquireRemoveLockEx(RemoveLock, Tag, __FILE__, __LINE__, sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLock(RemoveLock, Tag) \
  IoReleaseRemoveLockEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLockAndWait(RemoveLock, Tag) \
  IoReleaseRemoveLockAndWaitEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))

/* ------------------------------------------------------------------------
 * Executive work items: caller-owned WORK_QUEUE_ITEMs run by a worker thread
 * at PASSIVE_LEVEL. ExQueueWorkItem of an item already queued
 * (WorkItem.QueuedTwice), or of one that ExInitializeWorkItem did not prepare
 * (WorkItem.NotInitialized), is reported and ignored.
 * ---------------------------------------------------------------------- */
typedef VOID WORKER_THREAD_ROUTINE(PVOID Parameter);
typedef WORKER_THREAD_ROUTINE *PWORKER_THREAD_ROUTINE;

typedef struct _WORK_QUEUE_ITEM {
  LIST_ENTRY List; /* Flink is non-NULL while the item is queued */
  PWORKER_THREAD_ROUTINE WorkerRoutine;
  PVOID volatile Parameter;
} WORK_QUEUE_ITEM, *PWORK_QUEUE_ITEM;

#define ExInitializeWorkItem(Item, Routine, Context) \
  do {                                               \
    (Item)->WorkerRoutine = (Routine);               \
    (Item)->Parameter = (Context);                   \
    (Item)->List.Flink = NULL;                       \
  } while (0)

/* Queues WorkItem; its routine may free or requeue it. IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI VOID ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem,
                                 WORK_QUEUE_TYPE QueueType);

/* ------------------------------------------------------------------------
 * An IRP for a device I/O control request to DeviceObject, ready for
 * IoCallDriver, owned by the I/O manager: when it completes, the buffered
 * output is copied to OutputBuffer (IoStatus.Information bytes at most), an
 * MDL for a direct output buffer is unlocked and freed, *IoStatusBlock is
 * filled in, Event (optional) is set and the IRP is freed; the caller never
 * frees it. The next stack location holds the major function
 * (IRP_MJ_[INTERNAL_]DEVICE_CONTROL) and the lengths and code; input is
 * copied to a system buffer for METHOD_BUFFERED/IN_DIRECT/OUT_DIRECT, the
 * output buffer is the system buffer (BUFFERED) or described by a locked
 * MDL (DIRECT), and METHOD_NEITHER passes both pointers as they are.
 * Returns NULL when memory runs out or the output buffer cannot be locked.
 * IRQL <= APC_LEVEL (PASSIVE_LEVEL to wait on Event).
 * ---------------------------------------------------------------------- */
NTKERNELAPI PIRP IoBuildDeviceIoControlRequest(
    ULONG IoControlCode, PDEVICE_OBJECT DeviceObject, PVOID InputBuffer,
    ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
    BOOLEAN InternalDeviceIoControl, PKEVENT Event,
    PIO_STATUS_BLOCK IoStatusBlock);

/* ------------------------------------------------------------------------
 * Around the socket API.
 * ---------------------------------------------------------------------- */

/* A monotonic counter and, in *PerformanceFrequency (optional), its ticks
 * per second (10 MHz, the value current Windows reports). Any IRQL. */
NTKERNELAPI LARGE_INTEGER KeQueryPerformanceCounter(
    PLARGE_INTEGER PerformanceFrequency);

typedef enum _MEMORY_CACHING_TYPE {
  MmNonCached = 0,
  MmCached = 1,
  MmWriteCombined = 2,
  MmHardwareCoherentCached = 3,
  MmNonCachedUnordered = 4,
  MmUSWCCached = 5,
  MmMaximumCacheType = 6,
  MmNotMapped = -1
} MEMORY_CACHING_TYPE;

/* Maps a locked MDL's pages into system space (KernelMode): as
 * MmGetSystemAddressForMdlSafe (the same checks and reports), the address
 * or NULL. UserMode mappings are not supported: NULL. CacheType,
 * RequestedAddress, BugCheckOnFailure and Priority are accepted. */
NTKERNELAPI PVOID MmMapLockedPagesSpecifyCache(
    PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
    MEMORY_CACHING_TYPE CacheType, PVOID RequestedAddress,
    ULONG BugCheckOnFailure, ULONG Priority);
/* Undoes MmMapLockedPagesSpecifyCache (BaseAddress must be its result). */
NTKERNELAPI VOID MmUnmapLockedPages(PVOID BaseAddress,
                                    PMDL MemoryDescriptorList);

/* One more reference on Object (the thread objects of this runtime):
 * STATUS_SUCCESS, or STATUS_OBJECT_TYPE_MISMATCH when ObjectType is given
 * and is not *PsThreadType. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI NTSTATUS ObReferenceObjectByPointer(PVOID Object,
                                                ACCESS_MASK DesiredAccess,
                                                POBJECT_TYPE ObjectType,
                                                KPROCESSOR_MODE AccessMode);

/* Opts the driver into non-executable pool: NonPagedPool then means
 * NonPagedPoolNx. Pool here is never executable, so the opt-in is recorded
 * (WskconfDriverRuntimeFlags) and changes nothing else. */
#define DrvRtPoolNxOptIn 0x00000001
NTKERNELAPI VOID ExInitializeDriverRuntime(ULONG RuntimeFlags);
NTKERNELAPI ULONG WskconfDriverRuntimeFlags(VOID);

EXTERN_C_END

#endif /* WSKCONF_WDM_HELPERS_H_ */
