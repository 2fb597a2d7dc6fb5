// WskReceive: copy into the client's MDL chain as data arrives, honouring
// WSK_FLAG_WAITALL (complete only when full) and WSK_FLAG_DRAIN (discard
// until the connection ends). Receives complete in call order.
#include <sys/socket.h>

#include <cerrno>

#include "internal/errno_status.h"
#include "internal/event_loop.h"
#include "internal/client_checks.h"
#include "internal/ops.h"
#include "internal/wsk_buf.h"

namespace wskconf::reference::internal {
namespace {

constexpr ULONG kReceiveFlags = WSK_FLAG_WAITALL | WSK_FLAG_DRAIN;

// The connection ended under a receive: graceful (0 bytes read) or reset.
Progress EndOfStream(Socket* s, PIRP irp, int err) {
  if (err == 0) {
    s->peer_closed = true;
    SetResult(irp, STATUS_SUCCESS, IrpOp(irp).done());
    return Progress::kDone;
  }
  NTSTATUS status = StatusFromErrno(err);
  if (err == ECONNRESET || err == EPIPE) {
    s->aborted = true;
    s->abort_status = STATUS_CONNECTION_RESET;
    status = STATUS_CONNECTION_RESET;
  }
  SetResult(irp, status, 0);
  return Progress::kDone;
}

// WSK_FLAG_DRAIN: throw every arriving byte away.
Progress Drain(Socket* s, PIRP irp) {
  for (;;) {
    ssize_t n = recv(s->fd, nullptr, 1 << 20, MSG_TRUNC | MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return EndOfStream(s, irp, 0);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::kWouldBlock;
    return EndOfStream(s, irp, errno);
  }
}

}  // namespace

Progress TryReceive(Socket* s, PIRP irp) {
  IrpOp op(irp);
  if (s->aborted) {
    SetResult(irp, s->abort_status, 0);
    return Progress::kDone;
  }
  if (op.flags() & WSK_FLAG_DRAIN) return Drain(s, irp);
  WSK_BUF buffer = op.buffer();
  bool wait_all = (op.flags() & WSK_FLAG_WAITALL) != 0;
  for (;;) {
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
    ssize_t n = recvmsg(s->fd, &message, MSG_DONTWAIT);
    if (n > 0) {
      op.set_done(op.done() + static_cast<SIZE_T>(n));
      if (!wait_all || op.done() >= buffer.Length) {
        SetResult(irp, STATUS_SUCCESS, op.done());
        return Progress::kDone;
      }
      continue;
    }
    if (n == 0) return EndOfStream(s, irp, 0);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::kWouldBlock;
    return EndOfStream(s, irp, errno);
  }
}

void ProcessReceives(Socket* s, IrpList& done) {
  // SIO_WSK_SET_TCP_SILENT_MODE.IncomingDiscarded: receives wait for the close.
  if (s->state != State::kConnected || s->silent) return;
  ProcessQueue(s->receive_queue, done, [s](PIRP irp) { return TryReceive(s, irp); });
}

NTSTATUS WSKAPI Receive(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                        PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kReceive, &s, &result, "WskReceive")) return result;
  // WskReceive.UnsupportedFlagNotSupported
  if ((Flags & ~kReceiveFlags) != 0) return Finish(Irp, STATUS_NOT_SUPPORTED, 0);
  if ((Flags & WSK_FLAG_DRAIN) && (Flags & WSK_FLAG_WAITALL)) {
    ReportInvalidRequest(s, "WskReceive: WSK_FLAG_WAITALL and WSK_FLAG_DRAIN together");
  }
  if ((Flags & WSK_FLAG_DRAIN) && (Buffer == nullptr || Buffer->Length != 0)) {
    ReportInvalidRequest(s, "WskReceive: WSK_FLAG_DRAIN takes a Buffer of Length 0");
  }
  NTSTATUS status = CheckWskBuf(Buffer, "WskReceive");
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  std::unique_lock<std::mutex> lock(s->mu);
  if (s->state != State::kConnected) {  // WskReceive.RequiresConnectedSocket
    lock.unlock();
    ReportWrongState(s, "WskReceive", "the socket is not connected");
    return Finish(Irp, STATUS_INVALID_DEVICE_STATE, 0);
  }
  IrpOp op(Irp);
  op.set_buffer(Buffer);
  op.set_flags(Flags);
  // WskReceiveEvent.PartialAcceptPausesIndications / ZeroLengthReceiveResumes:
  // a WskReceive (of any length) lets indications start again, and a FIN
  // seen behind the data this call reads may be the next thing to report.
  bool rescan = s->receive_paused ||
                (s->peer_fin_seen && (s->event_mask & WSK_EVENT_DISCONNECT));
  s->receive_paused = false;
  // A receive made while WskReceiveEvent runs counts once that callback
  // returns (it may be about to decline the data it was shown).
  if (s->callback_running) s->receive_during_callback = true;
  if (Buffer->Length == 0 && !(Flags & WSK_FLAG_DRAIN)) {
    SetResult(Irp, STATUS_SUCCESS, 0);
  } else if (!s->receive_queue.empty() || s->callback_running || s->silent ||
             TryReceive(s, Irp) == Progress::kWouldBlock) {
    // While WskReceiveEvent runs, the bytes it was shown are still queued
    // on the host socket (peeked): a receive then waits for the loop.
    return QueueAndUnlock(s, s->receive_queue, Irp, lock);
  }
  lock.unlock();
  if (rescan) LoopPost(s, kLoopRescan);
  return Finish(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
}

NTSTATUS WSKAPI ReceiveEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                          PULONG ControlInfoLength, PCMSGHDR ControlInfo,
                          PULONG ControlFlags, PIRP Irp) {
  (void)Buffer;
  (void)Flags;
  (void)ControlInfoLength;
  (void)ControlInfo;
  (void)ControlFlags;
  // Reserved, unpublished member: refused rather than guessed at.
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kReceive, &s,
                 &result, "WskReceiveEx")) {
    return result;
  }
  // WSK_PROVIDER_CONNECTION_DISPATCH.ReservedMembersNotCalled
  ReportInvalidRequest(s, "WskReceiveEx is reserved for system use; clients never call it");
  return Finish(Irp, STATUS_NOT_SUPPORTED, 0);
}

}  // namespace wskconf::reference::internal
