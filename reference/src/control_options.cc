// The ULONG-valued SOL_SOCKET options of WskControlSocket (spec/options.xml):
// every set and get takes an IRP (<set>/<get irp="required">) and applies to
// the categories its guide page names. The host keeps SO_BROADCAST,
// SO_KEEPALIVE and SO_RCVBUF, so those round-trip through it (and accepted
// sockets inherit them as Linux copies them from the listener); the sharing
// options are the provider's own and decide WskBind (address_sharing.cc).
// SO_CONDITIONAL_ACCEPT lives with conditional accept (conditional_accept.cc).
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "internal/control.h"
#include "internal/errno_status.h"

namespace wskconf::reference::internal {
namespace {

// Category sets, as bits of 1 << Category. A stream socket is both a
// listening and a connection-oriented socket.
constexpr unsigned Bit(Category c) { return 1u << static_cast<unsigned>(c); }
constexpr unsigned kListenLike = Bit(Category::kListen) | Bit(Category::kStream);
constexpr unsigned kConnectionLike = Bit(Category::kConnection) | Bit(Category::kStream);
constexpr unsigned kNotBasic = kListenLike | kConnectionLike | Bit(Category::kDatagram);

// Checks every ULONG option shares: the IRP, the category (an option the
// category has no use for is not supported there), and the buffer of the
// direction asked for. A buffer shorter than a ULONG fails with
// STATUS_BUFFER_TOO_SMALL (Options.ShortBufferFails); a larger one is
// accepted and only its first ULONG used, as Winsock does.
NTSTATUS CheckUlongRequest(const ControlRequest& req, unsigned categories) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;  // <set|get irp="required">
  if ((Bit(req.socket->category) & categories) == 0) return STATUS_NOT_SUPPORTED;
  const bool set = req.type == WskSetOption;
  const PVOID buffer = set ? req.input : req.output;
  const SIZE_T size = set ? req.input_size : req.output_size;
  if (buffer == nullptr) return STATUS_INVALID_PARAMETER;
  if (size < sizeof(ULONG)) return STATUS_BUFFER_TOO_SMALL;
  return STATUS_SUCCESS;
}

ULONG InputUlong(const ControlRequest& req) {
  ULONG value;
  std::memcpy(&value, req.input, sizeof(value));
  return value;
}

NTSTATUS OutputUlong(const ControlRequest& req, ULONG value, SIZE_T* output_bytes) {
  std::memcpy(req.output, &value, sizeof(value));
  *output_bytes = sizeof(ULONG);  // WskGetOption.ReturnsOptionValue
  return STATUS_SUCCESS;
}

// SO_RCVBUF through the host. Linux doubles the size it is given to leave
// room for its own bookkeeping and reports the doubled figure, so the
// client's value is half of what the host reports: the size it set (within
// the host's limits, which clamp it as a transport may).
int HostReceiveBuffer(ULONG value) {
  return value > static_cast<ULONG>(INT_MAX / 2) ? INT_MAX / 2 : static_cast<int>(value);
}

// An option the host socket keeps; booleans read back as 0 or 1.
NTSTATUS HostOption(const ControlRequest& req, SIZE_T* output_bytes, int name,
                    unsigned categories) {
  NTSTATUS status = CheckUlongRequest(req, categories);
  if (!NT_SUCCESS(status)) return status;
  const bool boolean = name != SO_RCVBUF;
  if (req.type == WskSetOption) {
    const ULONG value = InputUlong(req);
    const int host = boolean ? (value != 0 ? 1 : 0) : HostReceiveBuffer(value);
    if (setsockopt(req.socket->fd, SOL_SOCKET, name, &host, sizeof(host)) != 0) {
      return StatusFromErrno(errno);
    }
    return STATUS_SUCCESS;
  }
  int host = 0;
  socklen_t length = sizeof(host);
  if (getsockopt(req.socket->fd, SOL_SOCKET, name, &host, &length) != 0) {
    return StatusFromErrno(errno);
  }
  const ULONG value = boolean ? (host != 0 ? 1u : 0u) : static_cast<ULONG>(host / 2);
  return OutputUlong(req, value, output_bytes);
}

NTSTATUS Broadcast(const ControlRequest& req, SIZE_T* out) {
  // SO_BROADCAST.DatagramOnly; SO_BROADCAST.DefaultOff is the host's default.
  return HostOption(req, out, SO_BROADCAST, Bit(Category::kDatagram));
}

NTSTATUS KeepAlive(const ControlRequest& req, SIZE_T* out) {
  // SO_KEEPALIVE.ListenAndConnectionOnly; InheritedByAccepted through accept().
  return HostOption(req, out, SO_KEEPALIVE, kListenLike | kConnectionLike);
}

NTSTATUS ReceiveBuffer(const ControlRequest& req, SIZE_T* out) {
  return HostOption(req, out, SO_RCVBUF, kNotBasic);  // SO_RCVBUF.NotOnBasic
}

// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE, remembered for WskBind, which is
// the only moment they matter (a client sets them before binding:
// SO_REUSEADDR.SetBeforeBind).
NTSTATUS SharingOption(const ControlRequest& req, SIZE_T* out, bool Socket::*member) {
  NTSTATUS status = CheckUlongRequest(req, kNotBasic);
  if (!NT_SUCCESS(status)) return status;
  std::lock_guard<std::mutex> lock(req.socket->mu);
  if (req.type == WskGetOption) return OutputUlong(req, req.socket->*member ? 1 : 0, out);
  req.socket->*member = InputUlong(req) != 0;
  return STATUS_SUCCESS;
}

NTSTATUS ReuseAddress(const ControlRequest& req, SIZE_T* out) {
  return SharingOption(req, out, &Socket::reuse_address);
}

NTSTATUS ExclusiveAddress(const ControlRequest& req, SIZE_T* out) {
  return SharingOption(req, out, &Socket::exclusive_address);
}

constexpr ULONG kExclusiveAddressUse = static_cast<ULONG>(WS_SO_EXCLUSIVEADDRUSE);

const ControlEntry kOptionTable[] = {
    {WskSetOption, WS_SOL_SOCKET, WS_SO_BROADCAST, Broadcast},
    {WskGetOption, WS_SOL_SOCKET, WS_SO_BROADCAST, Broadcast},
    {WskSetOption, WS_SOL_SOCKET, WS_SO_KEEPALIVE, KeepAlive},
    {WskGetOption, WS_SOL_SOCKET, WS_SO_KEEPALIVE, KeepAlive},
    {WskSetOption, WS_SOL_SOCKET, WS_SO_RCVBUF, ReceiveBuffer},
    {WskGetOption, WS_SOL_SOCKET, WS_SO_RCVBUF, ReceiveBuffer},
    {WskSetOption, WS_SOL_SOCKET, WS_SO_REUSEADDR, ReuseAddress},
    {WskGetOption, WS_SOL_SOCKET, WS_SO_REUSEADDR, ReuseAddress},
    {WskSetOption, WS_SOL_SOCKET, kExclusiveAddressUse, ExclusiveAddress},
    {WskGetOption, WS_SOL_SOCKET, kExclusiveAddressUse, ExclusiveAddress},
};

}  // namespace

const ControlEntry* FindOption(WSK_CONTROL_SOCKET_TYPE type, ULONG level, ULONG code) {
  for (const ControlEntry& entry : kOptionTable) {
    if (entry.type == type && entry.level == level && entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace wskconf::reference::internal
