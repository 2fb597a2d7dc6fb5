// WskListen (stream sockets), WskAccept by IRP, and the accepted socket.
// Conditional accept is conditional_accept.cc.
#include <sys/socket.h>

#include <cerrno>

#include "internal/address.h"
#include "internal/errno_status.h"
#include "internal/event_loop.h"
#include "internal/ops.h"
#include "internal/client_checks.h"

namespace wskconf::reference::internal {
namespace {

// Hands a candidate the client accepted under conditional accept to a
// WskAccept IRP.
Progress AcceptCandidate(Socket* l, PIRP irp) {
  IrpOp op(irp);
  Socket* c = TakeReadyCandidate(l);
  if (c == nullptr) return Progress::kWouldBlock;
  sockaddr_storage address;
  socklen_t length = sizeof(address);
  if (op.remote_out() != nullptr &&
      getpeername(c->fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    FromHost(reinterpret_cast<sockaddr*>(&address), op.remote_out());
  }
  length = sizeof(address);
  if (op.local_out() != nullptr &&
      getsockname(c->fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    FromHost(reinterpret_cast<sockaddr*>(&address), op.local_out());
  }
  AdoptCandidate(c, op.accept_context(), op.accept_dispatch(), 0);
  SetResult(irp, STATUS_SUCCESS, reinterpret_cast<ULONG_PTR>(c));
  return Progress::kDone;
}

Progress TryAccept(Socket* l, PIRP irp) {
  if (l->conditional_accept) return AcceptCandidate(l, irp);
  IrpOp op(irp);
  for (;;) {
    sockaddr_storage peer;
    socklen_t peer_length = sizeof(peer);
    int fd = accept4(l->fd, reinterpret_cast<sockaddr*>(&peer), &peer_length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::kWouldBlock;
      SetResult(irp, StatusFromErrno(errno), 0);
      return Progress::kDone;
    }
    Socket* accepted = CreateAccepted(l, fd, op.accept_context(), op.accept_dispatch());
    if (accepted == nullptr) {
      SetResult(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
      return Progress::kDone;
    }
    // WskAccept.AddressesFilled
    if (op.remote_out() != nullptr) {
      FromHost(reinterpret_cast<sockaddr*>(&peer), op.remote_out());
    }
    if (op.local_out() != nullptr) {
      sockaddr_storage local;
      socklen_t local_length = sizeof(local);
      if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) == 0) {
        FromHost(reinterpret_cast<sockaddr*>(&local), op.local_out());
      }
    }
    SetResult(irp, STATUS_SUCCESS, reinterpret_cast<ULONG_PTR>(accepted));
    return Progress::kDone;
  }
}

}  // namespace

Socket* CreateAccepted(Socket* l, int fd, PVOID context, const void* dispatch) {
  return CreateSocket(l->registration, Category::kConnection, l->family, fd,
                      State::kConnected, context, dispatch);
}

NTSTATUS ListenLocked(Socket* s) {
  if (s->conditional_accept) {
    NTSTATUS status = WatchLocked(s);
    if (!NT_SUCCESS(status)) return status;
  }
  if (listen(s->fd, SOMAXCONN) != 0) return StatusFromErrno(errno);
  s->state = State::kListening;
  return STATUS_SUCCESS;
}

void ProcessAccepts(Socket* s, IrpList& done) {
  if (s->state != State::kListening) return;
  ProcessQueue(s->accept_queue, done, [s](PIRP irp) { return TryAccept(s, irp); });
}

void UnwatchIdleListener(Socket* s) {
  if (!s->watched || s->closing || s->state != State::kListening || s->conditional_accept ||
      !s->accept_queue.empty() || (s->event_mask & WSK_EVENT_ACCEPT) != 0) {
    return;
  }
  LoopUnwatch(s);
  s->watched = false;
}

NTSTATUS WSKAPI Listen(PWSK_SOCKET Socket, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kNone, &s, &result, "WskListen")) return result;
  std::unique_lock<std::mutex> lock(s->mu);
  NTSTATUS status = STATUS_SUCCESS;
  // WskListen.UnboundSocketFails; WskListen.CommitsToListening: a stream
  // socket that connected (or is connecting) cannot listen.
  if (s->state != State::kBound) {  // WskListen.RequiresBoundSocket
    ReportWrongState(s, "WskListen", s->state == State::kUnbound
                                         ? "the socket is not bound"
                                         : "the socket is listening or connected");
    status = STATUS_INVALID_DEVICE_STATE;
  } else {
    status = ListenLocked(s);
  }
  lock.unlock();
  return Finish(Irp, status, 0);
}

NTSTATUS WSKAPI Accept(PWSK_SOCKET ListenSocket, ULONG Flags,
                       PVOID AcceptSocketContext,
                       const WSK_CLIENT_CONNECTION_DISPATCH* AcceptSocketDispatch,
                       PSOCKADDR LocalAddress, PSOCKADDR RemoteAddress, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(ListenSocket, Irp, OpKind::kAccept, &s,
                 &result, "WskAccept")) {
    return result;
  }
  if (ReservedFlagsSet(Flags, "WskAccept", ListenSocket)) {
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  IrpOp(Irp).set_accept(LocalAddress, RemoteAddress, AcceptSocketContext,
                        AcceptSocketDispatch);
  std::unique_lock<std::mutex> lock(s->mu);
  if (s->state != State::kListening) {  // WskAccept.StreamSocketAfterListen
    lock.unlock();
    ReportWrongState(s, "WskAccept", "the socket is not listening");
    return Finish(Irp, STATUS_INVALID_DEVICE_STATE, 0);
  }
  // WskAccept.NoConnectionPends / WaitingConnectionImmediate
  if (!s->accept_queue.empty() || TryAccept(s, Irp) == Progress::kWouldBlock) {
    return QueueAndUnlock(s, s->accept_queue, Irp, lock);
  }
  lock.unlock();
  return Finish(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
}

}  // namespace wskconf::reference::internal
