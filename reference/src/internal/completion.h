// Taking, queueing and completing client IRPs under the completion policy,
// with cancellation that races completion safely.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_COMPLETION_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_COMPLETION_H_

#include <wsk.h>

#include "internal/irp_op.h"
#include "internal/socket.h"

namespace wskconf::reference::internal {

// Takes the client's IRP: makes its next stack location current (the WSK
// guide says the provider does this itself) and clears the provider fields.
// FALSE when the IRP has no stack location left (the runtime reports
// Irp.NoStackLocation): the caller returns STATUS_INVALID_PARAMETER without
// completing it, since it was never sent.
bool TakeIrp(PIRP irp, Socket* s, OpKind kind);

// True when this call should complete inline under the current policy.
bool CompleteInlineNow();

// Completes `irp` with `status`/`information` now (IoCompleteRequest; the
// completion routine runs at DISPATCH_LEVEL). The caller holds no lock.
void CompleteNow(PIRP irp, NTSTATUS status, ULONG_PTR information);

// Ends a call whose result is known: completes inline and returns `status`,
// or (policy pend) marks the IRP pending, hands it to the event loop to
// complete and returns STATUS_PENDING. Releases the IRP's hold on its
// socket, if any, after completion. No lock held.
NTSTATUS Finish(PIRP irp, NTSTATUS status, ULONG_PTR information);

// Completes an IRP that was already marked pending (queued, or posted), then
// releases its hold on its socket. No lock held.
void CompletePending(PIRP irp, NTSTATUS status, ULONG_PTR information);

// Queues `irp` on `list` with a cancel routine, after marking it pending.
// Returns false when the IRP was cancelled before the routine was set: the
// caller then completes it with STATUS_CANCELLED (it is not queued). Caller
// holds s->mu.
bool QueueCancelable(IrpList& list, PIRP irp);

// Removes `irp` from its queue for completion by the caller: clears its
// cancel routine. False when a cancel routine already owns it (leave it in
// the queue: the routine removes and completes it). Caller holds s->mu.
bool ClaimQueued(PIRP irp);

// Gives a claimed IRP that must keep waiting its cancel routine back.
// False when it was cancelled meanwhile: the caller completes it with
// STATUS_CANCELLED. Caller holds s->mu.
bool Rearm(PIRP irp);

// Sets the result an IRP will complete with (IoStatus).
inline void SetResult(PIRP irp, NTSTATUS status, ULONG_PTR information) {
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = information;
}

enum class Progress { kDone, kWouldBlock };

// Works through `queue` in order: claims each IRP, runs `attempt` on it
// (which sets IoStatus when it returns kDone) and moves finished IRPs to
// `done`; stops at the first that would block (re-armed for cancel). IRPs a
// cancel routine owns are skipped. Caller holds s->mu.
template <typename Attempt>
void ProcessQueue(IrpList& queue, IrpList& done, Attempt attempt) {
  PLIST_ENTRY entry = queue.head.Flink;
  while (entry != &queue.head) {
    PLIST_ENTRY next = entry->Flink;
    PIRP irp = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
    if (!ClaimQueued(irp)) {
      entry = next;
      continue;
    }
    if (attempt(irp) == Progress::kWouldBlock) {
      if (Rearm(irp)) return;
      SetResult(irp, STATUS_CANCELLED, 0);
    }
    RemoveEntryList(entry);
    done.PushBack(irp);
    entry = next;
  }
}

// Moves every claimable IRP of `from` to `to` (for close/abort), leaving
// those a cancel routine owns. Caller holds s->mu.
void ClaimAll(IrpList& from, IrpList& to);

// Completes every IRP of `list` (already claimed and pending) with `status`
// and no information. No lock held.
void CompleteAll(IrpList& list, NTSTATUS status);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_COMPLETION_H_
