// WskConnect and WskConnectEx: a non-blocking connect finished by the event
// loop; WskConnectEx then sends its buffer before completing.
#include <sys/socket.h>

#include <cerrno>

#include "internal/address.h"
#include "internal/errno_status.h"
#include "internal/ops.h"
#include "internal/client_checks.h"
#include "internal/wsk_buf.h"

namespace wskconf::reference::internal {
namespace {

// WskConnectEx.BufferOver65535Overflows
constexpr SIZE_T kMaxConnectExBuffer = 65535;

// The connection is up: WskConnectEx's buffer goes out first (queued at
// the head of the send queue if it cannot all go now).
Progress Connected(Socket* s, PIRP irp) {
  s->state = State::kConnected;
  if (IrpOp(irp).buffer().Length == 0) {
    SetResult(irp, STATUS_SUCCESS, 0);
    return Progress::kDone;
  }
  return TrySend(s, irp);
}

}  // namespace

NTSTATUS StartConnect(Socket* s, PIRP irp, const SOCKADDR* remote,
                      std::unique_lock<std::mutex>& lock) {
  sockaddr_storage host;
  socklen_t length;
  NTSTATUS status = ToHost(remote, s->family, &host, &length);
  // Watched before the connect starts: a connect that pends must not be
  // left kConnecting with nothing to finish it if epoll refuses.
  if (NT_SUCCESS(status)) status = WatchLocked(s);
  if (NT_SUCCESS(status)) {
    int rc;
    do {
      rc = connect(s->fd, reinterpret_cast<sockaddr*>(&host), length);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0 && errno == EINPROGRESS) {
      s->state = State::kConnecting;
      return QueueAndUnlock(s, s->connect_queue, irp, lock);
    }
    if (rc == 0) {
      if (Connected(s, irp) == Progress::kWouldBlock) {
        return QueueAndUnlock(s, s->send_queue, irp, lock);
      }
      status = irp->IoStatus.Status;
    } else {
      status = StatusFromErrno(errno);
    }
  }
  lock.unlock();
  return Finish(irp, status, 0);
}

void ProcessConnect(Socket* s, IrpList& done) {
  if (s->state != State::kConnecting) return;
  int err = 0;
  socklen_t length = sizeof(err);
  getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &length);
  if (err == 0) {
    sockaddr_storage peer;
    socklen_t peer_length = sizeof(peer);
    if (getpeername(s->fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
      if (errno == ENOTCONN) return;  // still in progress
      err = errno;
    }
  }
  if (err != 0) s->state = State::kBound;
  ProcessQueue(s->connect_queue, done, [s, err](PIRP irp) {
    if (err != 0) {
      SetResult(irp, StatusFromErrno(err), 0);
      return Progress::kDone;
    }
    return Connected(s, irp);
  });
  // A WskConnectEx whose buffer could not all go yet moves to the head of
  // the send queue (it is the first send of the connection).
  while (!s->connect_queue.empty() && s->state == State::kConnected) {
    PIRP irp = s->connect_queue.PopFront();
    InsertHeadList(&s->send_queue.head, &irp->Tail.Overlay.ListEntry);
  }
}

NTSTATUS WSKAPI Connect(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress,
                        ULONG Flags, PIRP Irp) {
  return ConnectEx(Socket, RemoteAddress, nullptr, Flags, Irp);
}

NTSTATUS WSKAPI ConnectEx(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress,
                          PWSK_BUF Buffer, ULONG Flags, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kConnect, &s, &result,
                 "WskConnect or WskConnectEx")) {
    return result;
  }
  // WskConnectEx.NonZeroFlagsInvalid (Flags is reserved for WskConnect too).
  if (ReservedFlagsSet(Flags, "WskConnect or WskConnectEx", Socket)) {
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  FamilyMismatch(RemoteAddress, s->family, "WskConnect or WskConnectEx", Socket);
  if (Buffer != nullptr) {
    if (Buffer->Length > kMaxConnectExBuffer) {
      return Finish(Irp, STATUS_BUFFER_OVERFLOW, 0);
    }
    NTSTATUS status = CheckWskBuf(Buffer, "WskConnectEx");
    if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
    IrpOp(Irp).set_buffer(Buffer);
  }
  std::unique_lock<std::mutex> lock(s->mu);
  NTSTATUS status = STATUS_SUCCESS;
  switch (s->state) {
    case State::kBound: break;
    // WskConnect.UnboundSocketFails; a second connect or a listening
    // stream socket (WskConnect.StreamCommitsToConnection) fail too.
    case State::kUnbound: status = STATUS_INVALID_DEVICE_STATE; break;
    case State::kConnecting:
    case State::kConnected: status = STATUS_CONNECTION_ACTIVE; break;
    case State::kListening: status = STATUS_INVALID_DEVICE_STATE; break;
  }
  // WskConnect.RequiresBoundSocket, WskConnectEx.RequiresBoundSocket
  if (status == STATUS_INVALID_DEVICE_STATE) {
    ReportWrongState(s, "WskConnect or WskConnectEx",
                     s->state == State::kUnbound ? "the socket is not bound"
                                                 : "the socket is listening");
  }
  if (!NT_SUCCESS(status)) {
    lock.unlock();
    return Finish(Irp, status, 0);
  }
  return StartConnect(s, Irp, RemoteAddress, lock);
}

}  // namespace wskconf::reference::internal
