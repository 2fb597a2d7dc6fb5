// The cancel-safe IRP queue (IoCsq*) and remove locks
// (<wskconf/wdm_helpers.h>). The queue keeps its association with an IRP in
// Irp->Tail.Overlay.DriverContext[3], as Windows does: the IO_CSQ itself, or
// the caller's IO_CSQ_IRP_CONTEXT.

#include <wskconf/verifier.h>
#include <wskconf/wdm_helpers.h>

namespace wskconf::kernel::internal {
namespace {

constexpr int kCsqSlot = 3;

PIO_CSQ CsqOfIrp(PIRP irp) {
  auto* slot = static_cast<PIO_CSQ_IRP_CONTEXT>(
      irp->Tail.Overlay.DriverContext[kCsqSlot]);
  if (slot == nullptr) return nullptr;
  if (slot->Type == IO_TYPE_CSQ_IRP_CONTEXT) return slot->Csq;
  return reinterpret_cast<PIO_CSQ>(slot);
}

// Forgets the IRP's association (the caller holds the queue's lock).
void Disassociate(PIRP irp) {
  auto* slot = static_cast<PIO_CSQ_IRP_CONTEXT>(
      irp->Tail.Overlay.DriverContext[kCsqSlot]);
  if (slot != nullptr && slot->Type == IO_TYPE_CSQ_IRP_CONTEXT) {
    slot->Irp = nullptr;
  }
  irp->Tail.Overlay.DriverContext[kCsqSlot] = nullptr;
}

// The cancel routine of every queued IRP: runs with the cancel spin lock
// held, takes the IRP out under the queue's lock, hands it to the driver.
VOID CsqCancelRoutine(PDEVICE_OBJECT device, PIRP irp) {
  (void)device;
  PIO_CSQ csq = CsqOfIrp(irp);
  IoReleaseCancelSpinLock(irp->CancelIrql);
  if (csq == nullptr) return;
  KIRQL irql;
  csq->CsqAcquireLock(csq, &irql);
  csq->CsqRemoveIrp(csq, irp);
  Disassociate(irp);
  csq->CsqReleaseLock(csq, irql);
  csq->CsqCompleteCanceledIrp(csq, irp);
}

NTSTATUS Initialize(PIO_CSQ csq, ULONG type, void (*insert)(),
                    PIO_CSQ_REMOVE_IRP remove, PIO_CSQ_PEEK_NEXT_IRP peek,
                    PIO_CSQ_ACQUIRE_LOCK acquire, PIO_CSQ_RELEASE_LOCK release,
                    PIO_CSQ_COMPLETE_CANCELED_IRP complete) {
  if (csq == nullptr || insert == nullptr || remove == nullptr ||
      peek == nullptr || acquire == nullptr || release == nullptr ||
      complete == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  csq->Type = type;
  csq->CsqInsertIrp = reinterpret_cast<PIO_CSQ_INSERT_IRP>(insert);
  csq->CsqRemoveIrp = remove;
  csq->CsqPeekNextIrp = peek;
  csq->CsqAcquireLock = acquire;
  csq->CsqReleaseLock = release;
  csq->CsqCompleteCanceledIrp = complete;
  csq->ReservePointer = nullptr;
  return STATUS_SUCCESS;
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp,
                         PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                         PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
                         PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                         PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                         PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp) {
  return internal::Initialize(Csq, IO_TYPE_CSQ,
                              reinterpret_cast<void (*)()>(CsqInsertIrp),
                              CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock,
                              CsqReleaseLock, CsqCompleteCanceledIrp);
}

NTSTATUS IoCsqInitializeEx(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp,
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp) {
  return internal::Initialize(Csq, IO_TYPE_CSQ_EX,
                              reinterpret_cast<void (*)()>(CsqInsertIrp),
                              CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock,
                              CsqReleaseLock, CsqCompleteCanceledIrp);
}

NTSTATUS IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context,
                          PVOID InsertContext) {
  if (Csq == nullptr || Irp == nullptr) return STATUS_INVALID_PARAMETER;
  KIRQL irql;
  Csq->CsqAcquireLock(Csq, &irql);
  if (Csq->Type == IO_TYPE_CSQ_EX) {
    // Type says which of the two signatures the slot holds.
    auto insert = reinterpret_cast<PIO_CSQ_INSERT_IRP_EX>(
        reinterpret_cast<void (*)()>(Csq->CsqInsertIrp));
    NTSTATUS status = insert(Csq, Irp, InsertContext);
    if (!NT_SUCCESS(status)) {
      Csq->CsqReleaseLock(Csq, irql);
      return status;
    }
  } else {
    Csq->CsqInsertIrp(Csq, Irp);
  }
  if (Context != nullptr) {
    Context->Type = IO_TYPE_CSQ_IRP_CONTEXT;
    Context->Irp = Irp;
    Context->Csq = Csq;
    Irp->Tail.Overlay.DriverContext[internal::kCsqSlot] = Context;
  } else {
    Irp->Tail.Overlay.DriverContext[internal::kCsqSlot] = Csq;
  }
  IoMarkIrpPending(Irp);
  IoSetCancelRoutine(Irp, internal::CsqCancelRoutine);
  // Cancelled before the routine was set, and nobody else claimed it: the
  // IRP goes straight to the driver's cancelled-IRP completion.
  if (Irp->Cancel && IoSetCancelRoutine(Irp, nullptr) != nullptr) {
    Csq->CsqRemoveIrp(Csq, Irp);
    internal::Disassociate(Irp);
    Csq->CsqReleaseLock(Csq, irql);
    Csq->CsqCompleteCanceledIrp(Csq, Irp);
    return STATUS_SUCCESS;
  }
  Csq->CsqReleaseLock(Csq, irql);
  return STATUS_SUCCESS;
}

VOID IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context) {
  (void)IoCsqInsertIrpEx(Csq, Irp, Context, nullptr);
}

PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext) {
  if (Csq == nullptr) return nullptr;
  KIRQL irql;
  Csq->CsqAcquireLock(Csq, &irql);
  PIRP irp = Csq->CsqPeekNextIrp(Csq, nullptr, PeekContext);
  while (irp != nullptr) {
    // NULL back means the cancel routine has claimed this one: skip it.
    if (IoSetCancelRoutine(irp, nullptr) != nullptr) {
      Csq->CsqRemoveIrp(Csq, irp);
      internal::Disassociate(irp);
      break;
    }
    irp = Csq->CsqPeekNextIrp(Csq, irp, PeekContext);
  }
  Csq->CsqReleaseLock(Csq, irql);
  return irp;
}

PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context) {
  if (Csq == nullptr || Context == nullptr) return nullptr;
  KIRQL irql;
  Csq->CsqAcquireLock(Csq, &irql);
  PIRP irp = Context->Irp;
  if (irp != nullptr) {
    if (IoSetCancelRoutine(irp, nullptr) != nullptr) {
      Csq->CsqRemoveIrp(Csq, irp);
      internal::Disassociate(irp);
    } else {
      irp = nullptr;  // its cancellation has begun
    }
  }
  Csq->CsqReleaseLock(Csq, irql);
  return irp;
}

// --- Remove locks ----------------------------------------------------------

VOID IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock, ULONG AllocateTag,
                              ULONG MaxLockedMinutes, ULONG HighWatermark,
                              ULONG RemlockSize) {
  (void)AllocateTag;
  (void)MaxLockedMinutes;
  (void)HighWatermark;
  (void)RemlockSize;
  if (Lock == nullptr) return;
  Lock->Common.Removed = FALSE;
  Lock->Common.IoCount = 1;
  KeInitializeEvent(&Lock->Common.RemoveEvent, NotificationEvent, FALSE);
}

NTSTATUS IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                               PCSTR File, ULONG Line, ULONG RemlockSize) {
  (void)Tag;
  (void)File;
  (void)Line;
  (void)RemlockSize;
  InterlockedIncrement(&RemoveLock->Common.IoCount);
  if (RemoveLock->Common.Removed) {
    if (InterlockedDecrement(&RemoveLock->Common.IoCount) == 0) {
      KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
    }
    return STATUS_DELETE_PENDING;
  }
  return STATUS_SUCCESS;
}

VOID IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                           ULONG RemlockSize) {
  (void)Tag;
  (void)RemlockSize;
  LONG count = InterlockedDecrement(&RemoveLock->Common.IoCount);
  if (count > 0) return;
  if (count < 0 || !RemoveLock->Common.Removed) {
    WskconfReportViolation(WskconfRuleRemoveLockReleasedTooOften, RemoveLock,
                           "IoReleaseRemoveLock: remove lock %p released more "
                           "often than acquired; ignored",
                           static_cast<void*>(RemoveLock));
    InterlockedIncrement(&RemoveLock->Common.IoCount);
    return;
  }
  KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
}

VOID IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                  ULONG RemlockSize) {
  (void)Tag;
  (void)RemlockSize;
  PAGED_CODE();
  RemoveLock->Common.Removed = TRUE;
  InterlockedDecrement(&RemoveLock->Common.IoCount);  // the caller's own
  if (InterlockedDecrement(&RemoveLock->Common.IoCount) > 0) {
    KeWaitForSingleObject(&RemoveLock->Common.RemoveEvent, Executive,
                          KernelMode, FALSE, nullptr);
  }
}
