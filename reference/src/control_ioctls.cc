// The socket IOCTLs of WskControlSocket (spec/ioctls.xml) but the address
// lists (address_list.cc) and the inspect id (conditional_accept.cc): fixed
// datagram addresses, the receive and ideal send backlogs, and the codes the
// host cannot serve (extensions, the loopback fast path, WFP redirection),
// each refused with the status its page documents for it. Silent mode
// lives in silent_mode.cc.
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "internal/address.h"
#include "internal/client_checks.h"
#include "internal/control.h"
#include "internal/datagram.h"
#include "internal/errno_status.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

bool IsConnectionLike(const Socket* s) {
  return s->category == Category::kConnection || s->category == Category::kStream;
}

// SIO_WSK_SET_SENDTO_ADDRESS / SIO_WSK_SET_REMOTE_ADDRESS input: a SOCKADDR
// of the socket's family, or nothing (size 0, NULL) to clear (*length 0).
NTSTATUS ReadFixedAddress(const ControlRequest& req, sockaddr_storage* host,
                          socklen_t* length) {
  *length = 0;
  if (req.input_size == 0 && req.input == nullptr) return STATUS_SUCCESS;
  if (req.input == nullptr || req.input_size < WindowsAddressLength(req.socket->family)) {
    ReportInvalidRequest(req.socket, "WskControlSocket: a fixed address is set with a "
                         "SOCKADDR of the socket's family (InputSize %zu) or cleared with "
                         "NULL and 0; InputBuffer %p, InputSize %zu",
                         WindowsAddressLength(req.socket->family), req.input,
                         static_cast<size_t>(req.input_size));
    return STATUS_INVALID_PARAMETER;  // InputMatchesFamily
  }
  FamilyMismatch(static_cast<const SOCKADDR*>(req.input), req.socket->family,
                 "WskControlSocket", req.socket);
  return ToHost(static_cast<const SOCKADDR*>(req.input), req.socket->family, host, length);
}

// Both fixed-address codes: an IRP, a datagram socket, already bound.
NTSTATUS CheckDatagramAddressRequest(const ControlRequest& req) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;  // IrpRequired
  if (req.socket->category != Category::kDatagram) return STATUS_NOT_SUPPORTED;
  std::lock_guard<std::mutex> lock(req.socket->mu);
  return req.socket->state == State::kUnbound ? STATUS_INVALID_DEVICE_STATE  // AfterBind
                                              : STATUS_SUCCESS;
}

NTSTATUS SetSendToAddress(const ControlRequest& req, SIZE_T*) {
  NTSTATUS status = CheckDatagramAddressRequest(req);
  sockaddr_storage host;
  socklen_t length = 0;
  if (NT_SUCCESS(status)) status = ReadFixedAddress(req, &host, &length);
  if (!NT_SUCCESS(status)) return status;
  std::lock_guard<std::mutex> lock(req.socket->mu);
  DatagramState* state = req.socket->datagram.get();
  state->sendto = host;
  state->sendto_length = length;
  return STATUS_SUCCESS;
}

// Dissolves the host association with an AF_UNSPEC connect. Linux then
// also gives up a port the host chose (a bind to port 0), so the socket is
// bound to its old address again: the client's local address never changes.
// Caller holds s->mu.
NTSTATUS ClearRemote(Socket* s) {
  sockaddr_storage local;
  socklen_t local_length = sizeof(local);
  if (getsockname(s->fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    return StatusFromErrno(errno);
  }
  sockaddr unspecified{};
  unspecified.sa_family = AF_UNSPEC;
  if (connect(s->fd, &unspecified, sizeof(unspecified)) != 0) return StatusFromErrno(errno);
  sockaddr_storage now;
  socklen_t now_length = sizeof(now);
  if (getsockname(s->fd, reinterpret_cast<sockaddr*>(&now), &now_length) != 0) {
    return StatusFromErrno(errno);
  }
  const auto port = [](const sockaddr_storage& a) {
    return a.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6&>(a).sin6_port
                                   : reinterpret_cast<const sockaddr_in&>(a).sin_port;
  };
  if (port(now) == 0 && bind(s->fd, reinterpret_cast<sockaddr*>(&local), local_length) != 0) {
    return StatusFromErrno(errno);
  }
  return STATUS_SUCCESS;
}

// The host socket is connected to the fixed remote address, so the host
// filters receives (SIO_WSK_SET_REMOTE_ADDRESS.FiltersReceives); clearing
// dissolves it (ClearRestoresAny).
NTSTATUS SetRemoteAddress(const ControlRequest& req, SIZE_T*) {
  NTSTATUS status = CheckDatagramAddressRequest(req);
  sockaddr_storage host;
  socklen_t length = 0;
  if (NT_SUCCESS(status)) status = ReadFixedAddress(req, &host, &length);
  if (!NT_SUCCESS(status)) return status;
  std::lock_guard<std::mutex> lock(req.socket->mu);
  if (length == 0) {
    status = ClearRemote(req.socket);
  } else if (connect(req.socket->fd, reinterpret_cast<sockaddr*>(&host), length) != 0) {
    status = StatusFromErrno(errno);
  }
  if (NT_SUCCESS(status)) req.socket->datagram->remote_fixed = length != 0;
  return status;
}

// The two SIZE_T queries: an IRP, a connection-oriented socket, room for a
// SIZE_T, connected (AfterConnect).
NTSTATUS CheckBacklogQuery(const ControlRequest& req) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;  // IrpRequired
  if (!IsConnectionLike(req.socket)) return STATUS_NOT_SUPPORTED;
  if (req.output == nullptr) return STATUS_INVALID_PARAMETER;
  if (req.output_size < sizeof(SIZE_T)) return STATUS_BUFFER_TOO_SMALL;
  std::lock_guard<std::mutex> lock(req.socket->mu);
  return req.socket->state == State::kConnected ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_STATE;
}

NTSTATUS OutputSize(const ControlRequest& req, SIZE_T value, SIZE_T* output_bytes) {
  std::memcpy(req.output, &value, sizeof(value));
  *output_bytes = sizeof(SIZE_T);  // the pages' Information: sizeof(SIZE_T)
  return STATUS_SUCCESS;
}

// Bytes received and not yet taken by WskReceive or WskReceiveEvent
// (SIO_WSK_QUERY_RECEIVE_BACKLOG.ReportsUnreadBytes).
NTSTATUS QueryReceiveBacklog(const ControlRequest& req, SIZE_T* output_bytes) {
  NTSTATUS status = CheckBacklogQuery(req);
  if (!NT_SUCCESS(status)) return status;
  int queued = 0;
  if (ioctl(req.socket->fd, SIOCINQ, &queued) != 0) return StatusFromErrno(errno);
  return OutputSize(req, static_cast<SIZE_T>(queued), output_bytes);
}

// The figure WskSendBacklogEvent reports too (send_backlog.cc), so the two
// agree (SIO_WSK_QUERY_IDEAL_SEND_BACKLOG.ReturnsSize). While the event is
// enabled the ideal backlog is the figure last indicated: it changes only
// when the client is told, not whenever the host's congestion window moves
// between two loop passes (WskSendBacklogEvent.MatchesQuery).
NTSTATUS QueryIdealSendBacklog(const ControlRequest& req, SIZE_T* output_bytes) {
  NTSTATUS status = CheckBacklogQuery(req);
  if (!NT_SUCCESS(status)) return status;
  SIZE_T ideal;
  {
    std::lock_guard<std::mutex> lock(req.socket->mu);
    const Socket* s = req.socket;
    ideal = (s->event_mask & WSK_EVENT_SEND_BACKLOG) && s->reported_backlog != 0
                ? s->reported_backlog
                : IdealSendBacklog(req.socket);
  }
  return OutputSize(req, ideal, output_bytes);
}

// No extension interface is defined, so none is known here
// (SIO_WSK_REGISTER_EXTENSION.NoneDefinedToday).
NTSTATUS RegisterExtension(const ControlRequest& req, SIZE_T*) {
  if (req.irp != nullptr) return STATUS_INVALID_PARAMETER;  // irp="none"
  return STATUS_NOT_SUPPORTED;
}

// The host has no loopback fast path to turn on: after the size check the
// request fails with the page's other failure status.
NTSTATUS LoopbackFastPath(const ControlRequest& req, SIZE_T*) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;  // IrpAndCompletionRequired
  if (req.input == nullptr || req.input_size != sizeof(BOOLEAN)) {
    return STATUS_INVALID_BUFFER_SIZE;  // SIO_LOOPBACK_FAST_PATH.FailureStatuses
  }
  return STATUS_NOT_SUPPORTED;
}

// No WFP callout runs on the host, so no connection was ever redirected and
// none has records or a context to report
// (SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS.NotRedirectedFails).
NTSTATUS QueryRedirect(const ControlRequest& req, SIZE_T*) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;
  if (!IsConnectionLike(req.socket)) return STATUS_NOT_SUPPORTED;
  return STATUS_NOT_FOUND;
}

// Records can only be applied by a WFP redirect service, which the host
// lacks: refused with the page's access-denied failure
// (SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS.FailureStatuses).
NTSTATUS SetRedirect(const ControlRequest& req, SIZE_T*) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;
  if (!IsConnectionLike(req.socket)) return STATUS_NOT_SUPPORTED;
  return STATUS_ACCESS_DENIED;
}

// The unpublished receive-ex callback has no published contract: refused.
NTSTATUS NotOnThisHost(const ControlRequest& req, SIZE_T*) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;
  return STATUS_NOT_SUPPORTED;
}

const ControlEntry kIoctlTable[] = {
    {WskIoctl, 0, SIO_WSK_SET_SENDTO_ADDRESS, SetSendToAddress},
    {WskIoctl, 0, SIO_WSK_SET_REMOTE_ADDRESS, SetRemoteAddress},
    {WskIoctl, 0, SIO_WSK_QUERY_RECEIVE_BACKLOG, QueryReceiveBacklog},
    {WskIoctl, 0, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, QueryIdealSendBacklog},
    {WskIoctl, 0, SIO_WSK_REGISTER_EXTENSION, RegisterExtension},
    {WskIoctl, 0, SIO_WSK_SET_TCP_SILENT_MODE, SetSilentMode},
    {WskIoctl, 0, SIO_WSK_SET_RECEIVE_EX_CALLBACK, NotOnThisHost},
    {WskIoctl, 0, WS_SIO_LOOPBACK_FAST_PATH, LoopbackFastPath},
    {WskIoctl, 0, WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS, QueryRedirect},
    {WskIoctl, 0, WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT, QueryRedirect},
    {WskIoctl, 0, WS_SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS, SetRedirect},
    {WskIoctl, 0, WS_SIO_ADDRESS_LIST_QUERY, QueryAddressList},
    {WskIoctl, 0, WS_SIO_ADDRESS_LIST_CHANGE, WaitAddressListChange},
};

}  // namespace

const ControlEntry* FindIoctl(ULONG code) {
  for (const ControlEntry& entry : kIoctlTable) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace wskconf::reference::internal
