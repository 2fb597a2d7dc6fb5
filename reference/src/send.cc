// WskSend, and the sending half that graceful WskDisconnect and WskConnectEx
// share: bytes leave in call order; a send completes when all are out.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "internal/errno_status.h"
#include "internal/client_checks.h"
#include "internal/ops.h"
#include "internal/wsk_buf.h"

namespace wskconf::reference::internal {
namespace {

// WSK_FLAG_NODELAY.SendsImmediately: push what is queued now, without
// turning Nagle off for later sends (unless the client set TCP_NODELAY).
void PushNow(Socket* s) {
  if (s->nodelay_option) return;
  int on = 1, off = 0;
  setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &off, sizeof(off));
}

// What the IRP completes with once its bytes are out.
void FinishSent(Socket* s, PIRP irp) {
  IrpOp op(irp);
  switch (op.kind()) {
    case OpKind::kDisconnect:
      shutdown(s->fd, SHUT_WR);
      s->send_shutdown = true;
      SetResult(irp, STATUS_SUCCESS, 0);
      return;
    case OpKind::kConnect:
      SetResult(irp, STATUS_SUCCESS, 0);
      return;
    default:
      if (op.flags() & WSK_FLAG_NODELAY) PushNow(s);
      SetResult(irp, STATUS_SUCCESS, op.done());
      return;
  }
}

}  // namespace

// Sends what is left of the IRP's buffer. Caller holds s->mu.
Progress TrySend(Socket* s, PIRP irp) {
  IrpOp op(irp);
  WSK_BUF buffer = op.buffer();
  if (s->aborted) {
    SetResult(irp, s->abort_status, 0);
    return Progress::kDone;
  }
  while (op.done() < buffer.Length) {
    iovec iov[kMaxIovecs];
    bool mapped;
    int count = BuildIovecs(buffer, op.done(), iov, &mapped);
    if (!mapped) {  // Mdl.ProviderHandlesMappingFailure
      SetResult(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
      return Progress::kDone;
    }
    msghdr message{};
    message.msg_iov = iov;
    message.msg_iovlen = count;
    ssize_t sent = sendmsg(s->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::kWouldBlock;
      NTSTATUS status = StatusFromErrno(errno);
      if (errno == ECONNRESET || errno == EPIPE) {
        s->aborted = true;
        s->abort_status = STATUS_CONNECTION_RESET;
        status = STATUS_CONNECTION_RESET;
      }
      SetResult(irp, status, 0);
      return Progress::kDone;
    }
    op.set_done(op.done() + static_cast<SIZE_T>(sent));
  }
  FinishSent(s, irp);
  return Progress::kDone;
}

void ProcessSends(Socket* s, IrpList& done) {
  if (s->state != State::kConnected) return;
  ProcessQueue(s->send_queue, done, [s](PIRP irp) { return TrySend(s, irp); });
}

// Queues (or sends at once) an IRP whose buffer is set; the send queue keeps
// call order. Caller holds s->mu through `lock`; returns the call's status.
NTSTATUS StartSend(Socket* s, PIRP irp, std::unique_lock<std::mutex>& lock) {
  if (!s->send_queue.empty() || TrySend(s, irp) == Progress::kWouldBlock) {
    return QueueAndUnlock(s, s->send_queue, irp, lock);
  }
  lock.unlock();
  return Finish(irp, irp->IoStatus.Status, irp->IoStatus.Information);
}

// The state checks a send-side call makes; STATUS_SUCCESS when it may go on.
NTSTATUS SendableState(Socket* s) {
  if (s->state != State::kConnected) {  // WskSend.RequiresConnectedSocket
    ReportWrongState(s, "WskSend or WskDisconnect", "the socket is not connected");
    return STATUS_INVALID_DEVICE_STATE;
  }
  // SIO_WSK_SET_TCP_SILENT_MODE.SendDisconnectFail; the client broke OnlyCloseAfter.
  if (s->silent) {
    ReportWrongState(s, "WskSend or WskDisconnect",
                     "the socket is in silent mode, where only WskCloseSocket is allowed");
    return STATUS_INVALID_DEVICE_STATE;
  }
  if (s->aborted) return s->abort_status;
  // WskSend.AfterGracefulDisconnectFails
  if (s->send_shutdown) return STATUS_INVALID_DEVICE_STATE;
  for (PLIST_ENTRY e = s->send_queue.head.Flink; e != &s->send_queue.head;
       e = e->Flink) {
    PIRP queued = CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry);
    if (IrpOp(queued).kind() == OpKind::kDisconnect) return STATUS_INVALID_DEVICE_STATE;
  }
  return STATUS_SUCCESS;
}

NTSTATUS WSKAPI Send(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kSend, &s, &result, "WskSend")) return result;
  // WskSend.UnsupportedFlagNotSupported: only WSK_FLAG_NODELAY is defined.
  if ((Flags & ~static_cast<ULONG>(WSK_FLAG_NODELAY)) != 0) {
    return Finish(Irp, STATUS_NOT_SUPPORTED, 0);
  }
  NTSTATUS status = CheckWskBuf(Buffer, "WskSend");
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  std::unique_lock<std::mutex> lock(s->mu);
  status = SendableState(s);
  if (!NT_SUCCESS(status)) {
    lock.unlock();
    return Finish(Irp, status, 0);
  }
  IrpOp op(Irp);
  op.set_buffer(Buffer);
  op.set_flags(Flags);
  return StartSend(s, Irp, lock);
}

NTSTATUS WSKAPI SendEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                       ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp) {
  (void)Buffer;
  (void)Flags;
  (void)ControlInfoLength;
  (void)ControlInfo;
  // Reserved, unpublished member: refused rather than guessed at.
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kSend, &s, &result, "WskSendEx")) return result;
  // WSK_PROVIDER_CONNECTION_DISPATCH.ReservedMembersNotCalled
  ReportInvalidRequest(s, "WskSendEx is reserved for system use; clients never call it");
  return Finish(Irp, STATUS_NOT_SUPPORTED, 0);
}

}  // namespace wskconf::reference::internal
