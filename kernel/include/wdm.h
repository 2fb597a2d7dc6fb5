/* The I/O manager surface of the runtime, shaped like the WDK's wdm.h: IRPs
 * and their stack locations, device and driver objects, completion and
 * cancellation, and MDLs (<wskconf/wdm_mdl.h>). Misuse is reported through
 * the verifier (<wskconf/verifier.h>) rather than by crashing. */
#ifndef WSKCONF_WDM_H_
#define WSKCONF_WDM_H_

#include <intrin.h>
#include <ntdef.h>
#include <ntstatus.h>
#include <wskconf/ke.h>
#include <wskconf/seh.h>
#include <wskconf/verifier.h>

EXTERN_C_START

/* ------------------------------------------------------------------------
 * Constants (VALUES.md section 4).
 * ---------------------------------------------------------------------- */
#define IRP_MJ_CREATE 0x00
#define IRP_MJ_CLOSE 0x02
#define IRP_MJ_READ 0x03
#define IRP_MJ_WRITE 0x04
#define IRP_MJ_DEVICE_CONTROL 0x0e
#define IRP_MJ_INTERNAL_DEVICE_CONTROL 0x0f
#define IRP_MJ_CLEANUP 0x12
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

/* IO_STACK_LOCATION.Control bits. */
#define SL_PENDING_RETURNED 0x01
#define SL_ERROR_RETURNED 0x02
#define SL_INVOKE_ON_CANCEL 0x20
#define SL_INVOKE_ON_SUCCESS 0x40
#define SL_INVOKE_ON_ERROR 0x80

/* Priority boosts for IoCompleteRequest (accepted and ignored). */
#ifndef IO_NO_INCREMENT
#define IO_NO_INCREMENT 0
#endif
#define IO_NETWORK_INCREMENT 2

#define IO_TYPE_IRP 6

/* IOCTL transfer methods and the code builder. */
#define METHOD_BUFFERED 0
#define METHOD_IN_DIRECT 1
#define METHOD_OUT_DIRECT 2
#define METHOD_NEITHER 3
#define FILE_ANY_ACCESS 0
#define FILE_READ_ACCESS 0x0001
#define FILE_WRITE_ACCESS 0x0002
#define CTL_CODE(DeviceType, Function, Method, Access) \
  (((ULONG)(DeviceType) << 16) | ((ULONG)(Access) << 14) | \
   ((ULONG)(Function) << 2) | (ULONG)(Method))

/* The result of an I/O request: 16 bytes on x64. Status and Pointer share
 * storage; Information is request-specific (often a byte count). */
typedef struct _IO_STATUS_BLOCK {
  union {
    NTSTATUS Status;
    PVOID Pointer;
  };
  ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

struct _IRP;
struct _DEVICE_OBJECT;
struct _DRIVER_OBJECT;
typedef struct _FILE_OBJECT *PFILE_OBJECT; /* opaque here */
typedef struct _MDL *PMDL;

/* ------------------------------------------------------------------------
 * Driver role types.
 * ---------------------------------------------------------------------- */
typedef NTSTATUS DRIVER_INITIALIZE(struct _DRIVER_OBJECT *DriverObject,
                                   PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;
typedef VOID DRIVER_UNLOAD(struct _DRIVER_OBJECT *DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;
typedef NTSTATUS DRIVER_DISPATCH(struct _DEVICE_OBJECT *DeviceObject,
                                 struct _IRP *Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;
typedef VOID DRIVER_STARTIO(struct _DEVICE_OBJECT *DeviceObject,
                            struct _IRP *Irp);
typedef DRIVER_STARTIO *PDRIVER_STARTIO;

/* An IoCompletion routine runs at DISPATCH_LEVEL (IRQL <= DISPATCH_LEVEL on
 * Windows; always DISPATCH_LEVEL here, to expose IRQL bugs). DeviceObject is
 * the caller's device object, or NULL when the caller owns no stack location
 * in the IRP (it allocated the IRP for the lower driver only). Returning
 * STATUS_MORE_PROCESSING_REQUIRED stops completion processing; the IRP then
 * belongs to the routine's driver again. */
typedef NTSTATUS IO_COMPLETION_ROUTINE(struct _DEVICE_OBJECT *DeviceObject,
                                       struct _IRP *Irp, PVOID Context);
typedef IO_COMPLETION_ROUTINE *PIO_COMPLETION_ROUTINE;

/* A Cancel routine is called with the cancel spin lock held at
 * DISPATCH_LEVEL and must release it with
 * IoReleaseCancelSpinLock(Irp->CancelIrql). */
typedef VOID DRIVER_CANCEL(struct _DEVICE_OBJECT *DeviceObject,
                           struct _IRP *Irp);
typedef DRIVER_CANCEL *PDRIVER_CANCEL;

/* ------------------------------------------------------------------------
 * Device and driver objects. Test code and providers fill these in
 * themselves (there is no IoCreateDevice): IoCallDriver needs
 * DeviceObject->DriverObject->MajorFunction[...].
 * ---------------------------------------------------------------------- */
typedef struct _DEVICE_OBJECT {
  CSHORT Type;
  USHORT Size;
  LONG ReferenceCount;
  struct _DRIVER_OBJECT *DriverObject;
  struct _DEVICE_OBJECT *NextDevice;
  struct _DEVICE_OBJECT *AttachedDevice;
  struct _IRP *CurrentIrp;
  PVOID Timer;
  ULONG Flags;
  ULONG Characteristics;
  PVOID Vpb;
  PVOID DeviceExtension;
  ULONG DeviceType;
  CCHAR StackSize;
  ULONG AlignmentRequirement;
} DEVICE_OBJECT, *PDEVICE_OBJECT;

typedef struct _DRIVER_OBJECT {
  CSHORT Type;
  CSHORT Size;
  PDEVICE_OBJECT DeviceObject;
  ULONG Flags;
  PVOID DriverStart;
  ULONG DriverSize;
  PVOID DriverSection;
  PVOID DriverExtension;
  UNICODE_STRING DriverName;
  PUNICODE_STRING HardwareDatabase;
  PVOID FastIoDispatch;
  PDRIVER_INITIALIZE DriverInit;
  PDRIVER_STARTIO DriverStartIo;
  PDRIVER_UNLOAD DriverUnload;
  PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

/* ------------------------------------------------------------------------
 * I/O stack location: one per driver layer (72 bytes on x64). A driver
 * reads its own with IoGetCurrentIrpStackLocation and sets up the lower
 * driver's with IoGetNextIrpStackLocation.
 * ---------------------------------------------------------------------- */
typedef struct _IO_STACK_LOCATION {
  UCHAR MajorFunction;
  UCHAR MinorFunction;
  UCHAR Flags;
  UCHAR Control; /* SL_* */
  union {
    struct {
      ULONG Length;
      ULONG DECLSPEC_ALIGN(8) Key;
      LARGE_INTEGER ByteOffset;
    } Read;
    struct {
      ULONG Length;
      ULONG DECLSPEC_ALIGN(8) Key;
      LARGE_INTEGER ByteOffset;
    } Write;
    struct {
      ULONG OutputBufferLength;
      ULONG DECLSPEC_ALIGN(8) InputBufferLength;
      ULONG DECLSPEC_ALIGN(8) IoControlCode;
      PVOID Type3InputBuffer;
    } DeviceIoControl;
    struct {
      PVOID Argument1;
      PVOID Argument2;
      PVOID Argument3;
      PVOID Argument4;
    } Others;
  } Parameters;
  PDEVICE_OBJECT DeviceObject;
  PFILE_OBJECT FileObject;
  PIO_COMPLETION_ROUTINE CompletionRoutine;
  PVOID Context;
} IO_STACK_LOCATION, *PIO_STACK_LOCATION;

/* ------------------------------------------------------------------------
 * The IRP header (208 bytes on x64), followed in memory by StackCount
 * IO_STACK_LOCATIONs. Fields a driver does not touch are kept for layout.
 * CurrentLocation counts from StackCount + 1 (nothing sent yet) down to 1
 * (the lowest driver); Tail.Overlay.CurrentStackLocation follows it.
 * ---------------------------------------------------------------------- */
typedef struct _IRP {
  CSHORT Type;
  USHORT Size;
  USHORT AllocationProcessorNumber;
  USHORT Reserved;
  PMDL MdlAddress;
  ULONG Flags;
  union {
    struct _IRP *MasterIrp;
    LONG IrpCount;
    PVOID SystemBuffer;
  } AssociatedIrp;
  LIST_ENTRY ThreadListEntry;
  IO_STATUS_BLOCK IoStatus;
  KPROCESSOR_MODE RequestorMode;
  BOOLEAN PendingReturned;
  CHAR StackCount;
  CHAR CurrentLocation;
  BOOLEAN Cancel;
  KIRQL CancelIrql;
  CCHAR ApcEnvironment;
  UCHAR AllocationFlags;
  PIO_STATUS_BLOCK UserIosb;
  PKEVENT UserEvent;
  union {
    struct {
      PVOID UserApcRoutine;
      PVOID UserApcContext;
    } AsynchronousParameters;
    LARGE_INTEGER AllocationSize;
  } Overlay;
  PDRIVER_CANCEL volatile CancelRoutine;
  PVOID UserBuffer;
  union {
    struct {
      union {
        UCHAR DeviceQueueEntry[24];
        struct {
          PVOID DriverContext[4];
        };
      };
      PETHREAD Thread;
      PCHAR AuxiliaryBuffer;
      struct {
        LIST_ENTRY ListEntry;
        union {
          struct _IO_STACK_LOCATION *CurrentStackLocation;
          ULONG PacketType;
        };
      };
      PFILE_OBJECT OriginalFileObject;
    } Overlay;
    UCHAR Apc[88];
    PVOID CompletionKey;
  } Tail;
} IRP, *PIRP;

C_ASSERT(sizeof(IO_STATUS_BLOCK) == 16);
C_ASSERT(sizeof(IO_STACK_LOCATION) == 72);
C_ASSERT(sizeof(IRP) == 208);

/* Bytes an IRP with StackSize stack locations occupies. */
#define IoSizeOfIrp(StackSize) \
  ((USHORT)(sizeof(IRP) + ((StackSize) * (sizeof(IO_STACK_LOCATION)))))

/* ------------------------------------------------------------------------
 * IRP allocation and reuse.
 * ---------------------------------------------------------------------- */

/* Allocates and initializes an IRP with StackSize stack locations (the
 * caller needs none for itself). Returns NULL when StackSize is negative or
 * the allocation fails (fault injection: WskconfAllocIrp). The caller owns
 * the IRP and must free it with IoFreeIrp; WskconfCheckLeaks reports it as
 * Leak.Irp until then. ChargeQuota is accepted and ignored. IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);

/* Frees an IRP from IoAllocateIrp. Reported: Irp.FreedTwice (already freed,
 * or not from IoAllocateIrp: nothing is freed), Irp.FreedWhilePending (sent
 * and not yet completed: freed anyway, so a later completion is reported as
 * Irp.CompletedAfterFree), Kernel.NullArgument. MDLs at Irp->MdlAddress are
 * not freed. Freed memory is quarantined, never reused at once. IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI VOID IoFreeIrp(PIRP Irp);

/* Initializes caller-provided memory of PacketSize bytes as an IRP with
 * StackSize stack locations, or reinitializes an IRP from IoAllocateIrp.
 * The IRP counts as caller-allocated (its top completion routine must return
 * STATUS_MORE_PROCESSING_REQUIRED). PacketSize below IoSizeOfIrp(StackSize)
 * is reported as Irp.NoStackLocation and the memory is left untouched.
 * Any IRQL. */
NTKERNELAPI VOID IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize);

/* Reinitializes a completed IRP for another request, keeping its size and
 * stack count, and sets Irp->IoStatus.Status = Iostatus. A freed IRP is
 * reported as Irp.SentAfterFree and left untouched. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoReuseIrp(PIRP Irp, NTSTATUS Iostatus);

/* ------------------------------------------------------------------------
 * Stack locations.
 * ---------------------------------------------------------------------- */
FORCEINLINE PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp) {
  return Irp->Tail.Overlay.CurrentStackLocation;
}

FORCEINLINE PIO_STACK_LOCATION IoGetNextIrpStackLocation(PIRP Irp) {
  return Irp->Tail.Overlay.CurrentStackLocation - 1;
}

/* Makes the next stack location current without calling a driver: a WSK
 * provider calls it when it takes an IRP from a client. Like IoCallDriver,
 * it marks the IRP in flight and reports Irp.SentAfterFree or
 * Irp.NoStackLocation (leaving the IRP untouched) on misuse. */
NTKERNELAPI VOID IoSetNextIrpStackLocation(PIRP Irp);

/* Gives the lower driver the caller's own stack location. */
FORCEINLINE VOID IoSkipCurrentIrpStackLocation(PIRP Irp) {
  Irp->CurrentLocation++;
  Irp->Tail.Overlay.CurrentStackLocation++;
}

/* Copies the current stack location to the next one, except the completion
 * routine and its context, and clears the next one's Control. */
FORCEINLINE VOID IoCopyCurrentIrpStackLocationToNext(PIRP Irp) {
  PIO_STACK_LOCATION current = IoGetCurrentIrpStackLocation(Irp);
  PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(Irp);
  __builtin_memcpy(next, current,
                   FIELD_OFFSET(IO_STACK_LOCATION, CompletionRoutine));
  next->Control = 0;
}

/* Reports Irp.NoStackLocation for Routine when Irp has no next stack
 * location; returns TRUE when it has one. Used by the inline helpers. */
NTKERNELAPI BOOLEAN WskconfIrpHasNextStackLocation(PIRP Irp,
                                                   const char *Routine);

/* Registers CompletionRoutine in the next stack location, to run when the
 * lower driver completes the IRP with success (InvokeOnSuccess), failure
 * (InvokeOnError) or after IoCancelIrp (InvokeOnCancel). An IRP without a
 * next stack location is reported as Irp.NoStackLocation and left alone. */
FORCEINLINE VOID IoSetCompletionRoutine(PIRP Irp,
                                        PIO_COMPLETION_ROUTINE CompletionRoutine,
                                        PVOID Context, BOOLEAN InvokeOnSuccess,
                                        BOOLEAN InvokeOnError,
                                        BOOLEAN InvokeOnCancel) {
  PIO_STACK_LOCATION next;
  if (!WskconfIrpHasNextStackLocation(Irp, "IoSetCompletionRoutine")) return;
  next = IoGetNextIrpStackLocation(Irp);
  next->CompletionRoutine = CompletionRoutine;
  next->Context = Context;
  next->Control = 0;
  if (InvokeOnSuccess) next->Control |= SL_INVOKE_ON_SUCCESS;
  if (InvokeOnError) next->Control |= SL_INVOKE_ON_ERROR;
  if (InvokeOnCancel) next->Control |= SL_INVOKE_ON_CANCEL;
}

/* As IoSetCompletionRoutine, returning STATUS_SUCCESS, or
 * STATUS_INSUFFICIENT_RESOURCES when the bookkeeping allocation fails (pool
 * fault injection), or STATUS_INVALID_PARAMETER after reporting
 * Kernel.NullArgument (NULL Irp or CompletionRoutine) or Irp.NoStackLocation.
 * IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI NTSTATUS IoSetCompletionRoutineEx(
    PDEVICE_OBJECT DeviceObject, PIRP Irp,
    PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
    BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel);

/* Marks the current stack location pending (SL_PENDING_RETURNED); the
 * dispatch routine must then return STATUS_PENDING (checked when IoCallDriver
 * runs it: Irp.MarkedPendingButNotReturned). Reported, leaving the IRP
 * alone: an IRP whose creator owns no stack location (Irp.NoStackLocation),
 * a freed IRP (Irp.SentAfterFree), an IRP the calling dispatch routine has
 * already passed on or completed (Irp.TouchedAfterHandOff). Any IRQL. */
NTKERNELAPI VOID WskconfIoMarkIrpPending(PIRP Irp);
FORCEINLINE VOID IoMarkIrpPending(PIRP Irp) { WskconfIoMarkIrpPending(Irp); }

/* ------------------------------------------------------------------------
 * Sending and completing.
 * ---------------------------------------------------------------------- */

/* Sends Irp to DeviceObject's driver: makes the next stack location current,
 * records DeviceObject in it and calls
 * DeviceObject->DriverObject->MajorFunction[MajorFunction], returning its
 * status. A missing dispatch routine completes the IRP with
 * STATUS_INVALID_DEVICE_REQUEST and returns that. Reported (the IRP is left
 * untouched and STATUS_INVALID_PARAMETER returned): Irp.SentAfterFree,
 * Irp.NoStackLocation, Kernel.NullArgument. IRQL <= DISPATCH_LEVEL (above
 * it: Irql.PassiveOnlyCallAtRaisedIrql, and the call goes on). */
NTKERNELAPI NTSTATUS IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp);
#define IoCallDriver(DeviceObject, Irp) IofCallDriver(DeviceObject, Irp)

/* Completes Irp with the status already in Irp->IoStatus: walks the stack
 * locations upward, calling each completion routine whose SL_INVOKE_ON_*
 * condition holds, at DISPATCH_LEVEL, and propagating PendingReturned.
 * Stops when a routine returns STATUS_MORE_PROCESSING_REQUIRED. When the
 * walk ends, copies IoStatus to *UserIosb and signals UserEvent if set.
 * Reported: Irp.CompletedTwice, Irp.CompletedAfterFree, Irp.NoStackLocation
 * (never sent), Irp.CallerAllocatedCompletionReturnsMoreProcessing (the walk
 * ended on a caller-allocated IRP without UserIosb/UserEvent),
 * Kernel.NullArgument. PriorityBoost is ignored. IRQL <= DISPATCH_LEVEL
 * (above it: Irql.PassiveOnlyCallAtRaisedIrql; routines then run at the
 * caller's IRQL). */
NTKERNELAPI VOID IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost);
#define IoCompleteRequest(Irp, PriorityBoost) \
  IofCompleteRequest(Irp, PriorityBoost)

/* ------------------------------------------------------------------------
 * Cancellation.
 * ---------------------------------------------------------------------- */

/* The global cancel spin lock. Acquire raises to DISPATCH_LEVEL and stores
 * the previous IRQL in *Irql; release lowers back to Irql. */
NTKERNELAPI VOID IoAcquireCancelSpinLock(PKIRQL Irql);
NTKERNELAPI VOID IoReleaseCancelSpinLock(KIRQL Irql);

/* Atomically sets Irp->CancelRoutine and returns the previous one. NULL
 * makes the IRP non-cancelable. Any IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PDRIVER_CANCEL IoSetCancelRoutine(PIRP Irp,
                                              PDRIVER_CANCEL CancelRoutine);

/* Sets Irp->Cancel and, if the IRP has a cancel routine, clears it and calls
 * it with the cancel spin lock held (Irp->CancelIrql holds the IRQL to
 * release it to); returns TRUE when a routine was called. A routine that
 * returns still holding the lock is reported as Irp.CancelLockNotReleased
 * and the lock is released for it. A freed IRP is reported as
 * Irp.SentAfterFree and FALSE returned. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI BOOLEAN IoCancelIrp(PIRP Irp);

EXTERN_C_END

#include <wskconf/wdm_mdl.h>
#include <wskconf/wdm_helpers.h>
#include <wskconf/rtl_strings.h>
#include <wskconf/rtl_avl.h>

#endif /* WSKCONF_WDM_H_ */
