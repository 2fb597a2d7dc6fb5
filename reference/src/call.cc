// The start and end every socket call shares: argument checks, taking the
// IRP and a hold on the socket, queueing, completing what the loop finished.
#include "internal/ops.h"

#include "internal/client_checks.h"

namespace wskconf::reference::internal {

bool BeginCall(PWSK_SOCKET socket, PIRP irp, OpKind kind, Socket** s,
               NTSTATUS* result, const char* routine) {
  if (IrpMissing(irp, routine)) {
    *result = STATUS_INVALID_PARAMETER;
    return false;
  }
  Socket* target = FromWsk(socket);
  if (!TakeIrp(irp, nullptr, kind)) {
    *result = STATUS_INVALID_PARAMETER;
    return false;
  }
  if (target == nullptr) {
    // NULL, or a socket whose close already completed.
    if (socket != nullptr) {  // Close.NoCallsAfterClose
      ReportWrongState(socket, routine, "the socket was closed with WskCloseSocket");
    }
    *result = Finish(irp, STATUS_INVALID_HANDLE, 0);
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(target->mu);
    if (!target->closing) {
      HoldLocked(target);
      IrpOp(irp).set_socket(target);
      *s = target;
      return true;
    }
  }
  // Close.RacingRequestForcedClosed: a request racing WskCloseSocket.
  ReportWrongState(socket, routine, "WskCloseSocket was called on the socket");
  *result = Finish(irp, STATUS_FILE_FORCED_CLOSED, 0);
  return false;
}

NTSTATUS QueueAndUnlock(Socket* s, IrpList& list, PIRP irp,
                        std::unique_lock<std::mutex>& lock) {
  // An IRP that waits for the host socket needs the loop to watch it
  // (event disables and address-change waits do not).
  if (&list != &s->disable_waiters && &list != &s->address_change_queue) {
    NTSTATUS status = WatchLocked(s);
    if (!NT_SUCCESS(status)) {
      lock.unlock();
      return Finish(irp, status, 0);
    }
  }
  bool queued = QueueCancelable(list, irp);
  lock.unlock();
  if (!queued) CompletePending(irp, STATUS_CANCELLED, 0);
  return STATUS_PENDING;
}

void CompleteDone(IrpList& done) {
  while (!done.empty()) {
    PIRP irp = done.PopFront();
    CompletePending(irp, irp->IoStatus.Status, irp->IoStatus.Information);
  }
}

}  // namespace wskconf::reference::internal
