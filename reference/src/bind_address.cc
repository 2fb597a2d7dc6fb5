// WskBind, WskGetLocalAddress, WskGetRemoteAddress. A listen-category
// socket starts listening when it is bound (the WSK listening-socket model).
#include <sys/socket.h>

#include <cerrno>

#include "internal/address.h"
#include "internal/address_sharing.h"
#include "internal/errno_status.h"
#include "internal/ops.h"
#include "internal/client_checks.h"

namespace wskconf::reference::internal {
namespace {

// Reads an address with getsockname/getpeername into the client's buffer.
NTSTATUS CopyAddress(Socket* s, PSOCKADDR out, bool peer) {
  if (out == nullptr) return STATUS_INVALID_PARAMETER;
  sockaddr_storage host;
  socklen_t length = sizeof(host);
  sockaddr* address = reinterpret_cast<sockaddr*>(&host);
  int rc = peer ? getpeername(s->fd, address, &length)
                : getsockname(s->fd, address, &length);
  if (rc != 0) return StatusFromErrno(errno);
  FromHost(address, out);
  return STATUS_SUCCESS;
}

}  // namespace

NTSTATUS WSKAPI Bind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags,
                     PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kNone, &s, &result, "WskBind")) return result;
  if (ReservedFlagsSet(Flags, "WskBind", Socket)) {
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  FamilyMismatch(LocalAddress, s->family, "WskBind", Socket);
  sockaddr_storage host;
  socklen_t length;
  NTSTATUS status = ToHost(LocalAddress, s->family, &host, &length);
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  std::unique_lock<std::mutex> lock(s->mu);
  if (s->state != State::kUnbound) {
    status = STATUS_INVALID_DEVICE_STATE;  // WskBind.SecondBindFails
  } else {
    // WskBind.AddressInUseFails, as the sharing options decide it
    status = BindShared(s, host, length);
  }
  if (NT_SUCCESS(status) && s->category == Category::kListen) {
    status = ListenLocked(s);
  } else if (NT_SUCCESS(status)) {
    s->state = State::kBound;
  }
  lock.unlock();
  return Finish(Irp, status, 0);
}

NTSTATUS WSKAPI GetLocalAddress(PWSK_SOCKET Socket, PSOCKADDR LocalAddress,
                                PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kNone, &s,
                 &result, "WskGetLocalAddress")) {
    return result;
  }
  WskconfIrpHoldBuffer(Irp, LocalAddress, sizeof(SOCKADDR));
  std::unique_lock<std::mutex> lock(s->mu);
  NTSTATUS status = s->state == State::kUnbound
                        ? STATUS_INVALID_DEVICE_STATE  // UnboundInvalidDeviceState
                        : CopyAddress(s, LocalAddress, /*peer=*/false);
  lock.unlock();
  return Finish(Irp, status, 0);
}

NTSTATUS WSKAPI GetRemoteAddress(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress,
                                 PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kNone, &s,
                 &result, "WskGetRemoteAddress")) {
    return result;
  }
  WskconfIrpHoldBuffer(Irp, RemoteAddress, sizeof(SOCKADDR));
  std::unique_lock<std::mutex> lock(s->mu);
  NTSTATUS status = s->state != State::kConnected
                        ? STATUS_INVALID_DEVICE_STATE  // NotConnectedInvalidDeviceState
                        : CopyAddress(s, RemoteAddress, /*peer=*/true);
  lock.unlock();
  return Finish(Irp, status, 0);
}

}  // namespace wskconf::reference::internal
