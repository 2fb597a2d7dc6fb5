// WskDisconnect: graceful (FIN after every queued send and the optional
// final buffer) or abortive (reset now; pending sends and receives fail).
#include <sys/socket.h>

#include <cerrno>

#include "internal/client_checks.h"
#include "internal/ops.h"
#include "internal/wsk_buf.h"

namespace wskconf::reference::internal {
namespace {

// Moves every claimable IRP of `queue` to `done` with `status`.
void FailQueue(IrpList& queue, IrpList& done, NTSTATUS status) {
  IrpList claimed;
  ClaimAll(queue, claimed);
  while (!claimed.empty()) {
    PIRP irp = claimed.PopFront();
    SetResult(irp, status, 0);
    done.PushBack(irp);
  }
}

NTSTATUS Abortive(Socket* s, PIRP irp, std::unique_lock<std::mutex>& lock) {
  if (s->state != State::kConnected) {  // WskDisconnect.RequiresConnectedSocket
    lock.unlock();
    ReportWrongState(s, "WskDisconnect", "the socket is not connected");
    return Finish(irp, STATUS_INVALID_DEVICE_STATE, 0);
  }
  if (s->silent) {  // SIO_WSK_SET_TCP_SILENT_MODE.SendDisconnectFail, OnlyCloseAfter
    lock.unlock();
    ReportWrongState(s, "WskDisconnect",
                     "the socket is in silent mode, where only WskCloseSocket is allowed");
    return Finish(irp, STATUS_INVALID_DEVICE_STATE, 0);
  }
  AbortConnection(s);
  // WskDisconnect.AbortiveCancelsPendingSends, AbortiveStopsSendAndReceive,
  // AbortiveForcesStuckGraceful.
  IrpList done;
  FailQueue(s->send_queue, done, STATUS_CONNECTION_ABORTED);
  FailQueue(s->receive_queue, done, STATUS_CONNECTION_ABORTED);
  lock.unlock();
  CompleteDone(done);
  return Finish(irp, STATUS_SUCCESS, 0);
}

}  // namespace

void AbortConnection(Socket* s) {
  // A silent connection ends without a packet (SuccessWhenOn): the host
  // socket, in repair mode, is simply closed.
  if (s->fd < 0 || s->aborted || s->silent) return;
  linger hard{1, 0};
  setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  if (s->state == State::kConnected || s->state == State::kConnecting) {
    // connect(AF_UNSPEC) disconnects a TCP socket, with a reset when the
    // connection is up, and leaves the descriptor open.
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    connect(s->fd, &unspec, sizeof(unspec));
  }
  s->aborted = true;
  s->abort_status = STATUS_CONNECTION_ABORTED;
}

NTSTATUS WSKAPI Disconnect(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                           PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kDisconnect, &s,
                 &result, "WskDisconnect")) {
    return result;
  }
  if ((Flags & ~static_cast<ULONG>(WSK_FLAG_ABORTIVE)) != 0) {
    return Finish(Irp, STATUS_NOT_SUPPORTED, 0);
  }
  bool abortive = (Flags & WSK_FLAG_ABORTIVE) != 0;
  // WskDisconnect.AbortiveRequiresNullBuffer
  if (abortive && Buffer != nullptr) {
    ReportInvalidRequest(s, "WskDisconnect: WSK_FLAG_ABORTIVE takes Buffer NULL");
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  if (Buffer != nullptr) {
    NTSTATUS status = CheckWskBuf(Buffer, "WskDisconnect");
    if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
    IrpOp(Irp).set_buffer(Buffer);
  }
  std::unique_lock<std::mutex> lock(s->mu);
  if (abortive) return Abortive(s, Irp, lock);
  NTSTATUS status = SendableState(s);
  if (!NT_SUCCESS(status)) {
    lock.unlock();
    return Finish(Irp, status, 0);
  }
  // WskDisconnect.GracefulWaitsForQueuedSends / FinalBufferSentBeforeDisconnect
  return StartSend(s, Irp, lock);
}

}  // namespace wskconf::reference::internal
