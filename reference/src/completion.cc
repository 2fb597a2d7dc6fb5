// Taking, queueing and completing client IRPs. Cancellation follows the
// usual WDM pattern: a queued IRP has a cancel routine; whoever clears it
// (IoSetCancelRoutine(NULL) returning non-NULL) owns the IRP.
#include "internal/completion.h"

#include "internal/datagram.h"
#include "internal/event_loop.h"
#include "internal/registration.h"

namespace wskconf::reference::internal {
namespace {

// Cancel routine of every queued socket IRP: unlink it and complete it.
VOID CancelQueued(PDEVICE_OBJECT, PIRP irp) {
  IoReleaseCancelSpinLock(irp->CancelIrql);
  Socket* s = IrpOp(irp).socket();
  {
    std::lock_guard<std::mutex> lock(s->mu);
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
  }
  CompletePending(irp, STATUS_CANCELLED, 0);
}

}  // namespace

bool TakeIrp(PIRP irp, Socket* s, OpKind kind) {
  if (irp->CurrentLocation <= 1) {
    // Let the runtime report Irp.NoStackLocation; the IRP stays untouched.
    IoSetNextIrpStackLocation(irp);
    return false;
  }
  IoSetNextIrpStackLocation(irp);
  irp->IoStatus.Status = STATUS_PENDING;
  irp->IoStatus.Information = 0;
  IrpOp op(irp);
  op.set_socket(s);
  op.set_kind(kind);
  op.set_done(0);
  op.set_flags(0);
  op.set_buffer(nullptr);
  IoGetCurrentIrpStackLocation(irp)->Parameters.Others.Argument4 = nullptr;
  return true;
}

void CompleteNow(PIRP irp, NTSTATUS status, ULONG_PTR information) {
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = NT_SUCCESS(status) ? information : 0;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

void CompletePending(PIRP irp, NTSTATUS status, ULONG_PTR information) {
  IrpOp op(irp);
  Socket* s = op.socket();
  if (op.kind() == OpKind::kSocketConnect) {
    // The socket was never handed to the client: on failure it goes away,
    // on success the IRP carries it.
    if (NT_SUCCESS(status)) {
      information = reinterpret_cast<ULONG_PTR>(s);
      Release(s);  // the IRP's hold; the client's hold stays
    } else {
      DestroyUnpublished(s);
    }
    CompleteNow(irp, status, information);
    return;
  }
  FreeDatagramArgs(irp);  // what a queued datagram call kept, if anything
  CompleteNow(irp, status, information);
  if (s != nullptr) Release(s);
}

NTSTATUS Finish(PIRP irp, NTSTATUS status, ULONG_PTR information) {
  if (CompleteInlineNow()) {
    CompletePending(irp, status, information);
    return status;
  }
  IoMarkIrpPending(irp);
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = NT_SUCCESS(status) ? information : 0;
  LoopPostCompletion(irp);
  return STATUS_PENDING;
}

bool QueueCancelable(IrpList& list, PIRP irp) {
  IoMarkIrpPending(irp);
  IoSetCancelRoutine(irp, &CancelQueued);
  if (irp->Cancel && IoSetCancelRoutine(irp, nullptr) != nullptr) {
    return false;  // cancelled before the routine could run: caller completes
  }
  list.PushBack(irp);
  return true;
}

bool Rearm(PIRP irp) {
  IoSetCancelRoutine(irp, &CancelQueued);
  return !(irp->Cancel && IoSetCancelRoutine(irp, nullptr) != nullptr);
}

bool ClaimQueued(PIRP irp) { return IoSetCancelRoutine(irp, nullptr) != nullptr; }

void ClaimAll(IrpList& from, IrpList& to) {
  PLIST_ENTRY entry = from.head.Flink;
  while (entry != &from.head) {
    PLIST_ENTRY next = entry->Flink;
    PIRP irp = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
    if (ClaimQueued(irp)) {
      RemoveEntryList(entry);
      to.PushBack(irp);
    }
    entry = next;
  }
}

void CompleteAll(IrpList& list, NTSTATUS status) {
  while (!list.empty()) CompletePending(list.PopFront(), status, 0);
}

}  // namespace wskconf::reference::internal
