// WskCloseSocket: cancel every pending IRP, reset a connection the client
// never disconnected, wait for running callbacks, and only then complete
// the close IRP (Close.PendingIrpsCompleteBeforeClose).
#include "internal/ops.h"
#include "internal/client_checks.h"

namespace wskconf::reference::internal {

NTSTATUS WSKAPI CloseSocket(PWSK_SOCKET Socket, PIRP Irp) {
  if (IrpMissing(Irp, "WskCloseSocket")) return STATUS_INVALID_PARAMETER;
  internal::Socket* s = FromWsk(Socket);
  // The close IRP holds no socket hold: it completes when the last goes.
  if (!TakeIrp(Irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
  if (s == nullptr) {
    if (Socket != nullptr) {  // Close.NoCallsAfterClose
      ReportWrongState(Socket, "WskCloseSocket", "the socket was closed already");
    }
    return Finish(Irp, STATUS_INVALID_HANDLE, 0);
  }
  IrpList cancelled;
  std::unique_lock<std::mutex> lock(s->mu);
  if (s->closing) {  // a second close of the same socket
    lock.unlock();
    ReportWrongState(s, "WskCloseSocket", "the socket was closed already");
    return Finish(Irp, STATUS_INVALID_DEVICE_STATE, 0);
  }
  s->closing = true;  // no new IRPs, no new callbacks from here on
  s->close_irp = Irp;
  // Close.CancelsPendingIrps, Close.ListenClosePendingAccept
  ClaimAll(s->accept_queue, cancelled);
  ClaimAll(s->receive_queue, cancelled);
  ClaimAll(s->send_queue, cancelled);
  ClaimAll(s->connect_queue, cancelled);
  ClaimAll(s->disable_waiters, cancelled);
  ClaimAll(s->address_change_queue, cancelled);  // SIO_ADDRESS_LIST_CHANGE.CompletedOnClose
  // WskDisconnect.CloseWithoutDisconnectIsAbortive; Close.NoAbortWhenFullyDisconnected
  if ((s->state == State::kConnected && !s->send_shutdown) ||
      s->state == State::kConnecting) {
    AbortConnection(s);
  }
  bool candidates = s->candidates != nullptr;
  lock.unlock();
  CompleteAll(cancelled, STATUS_CANCELLED);
  // Conditional accept: connections the client never got are reset.
  if (candidates) DestroyCandidates(s);
  lock.lock();
  if (s->busy > 1) {
    // IRPs a cancel routine owns, or a callback, are still out: the last
    // Release completes the close IRP.
    IoMarkIrpPending(Irp);
    lock.unlock();
    Release(s);
    return STATUS_PENDING;
  }
  s->close_irp = nullptr;
  s->busy = 0;
  lock.unlock();
  FinishClose(s);
  NTSTATUS status = Finish(Irp, STATUS_SUCCESS, 0);
  FreeLater(s);
  return status;
}

}  // namespace wskconf::reference::internal
