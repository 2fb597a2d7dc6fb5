// Client-level socket creation: WskSocket and WskSocketConnect, and the
// provider dispatch table a capture returns.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "internal/address.h"
#include "internal/address_sharing.h"
#include "internal/client_checks.h"
#include "internal/client_level.h"
#include "internal/control.h"
#include "internal/datagram.h"
#include "internal/errno_status.h"
#include "internal/ops.h"
#include "internal/registration.h"

namespace wskconf::reference::internal {
namespace {

// The category a WskSocket Flags value names, or false (combined flags or an
// unknown bit).
bool CategoryFromFlags(ULONG flags, Category* category) {
  switch (flags) {
    case WSK_FLAG_BASIC_SOCKET: *category = Category::kBasic; return true;
    case WSK_FLAG_LISTEN_SOCKET: *category = Category::kListen; return true;
    case WSK_FLAG_CONNECTION_SOCKET: *category = Category::kConnection; return true;
    case WSK_FLAG_STREAM_SOCKET: *category = Category::kStream; return true;
    case WSK_FLAG_DATAGRAM_SOCKET: *category = Category::kDatagram; return true;
    default: return false;
  }
}

// Whether the address-family pages list this type/protocol for the category
// (WskSocket.UnsupportedCombinationFails): TCP streams for every category
// but datagram; UDP and raw only for basic and datagram sockets.
bool CombinationSupported(Category category, USHORT type, ULONG protocol) {
  if (type == WS_SOCK_STREAM) {
    return protocol == WS_IPPROTO_TCP && category != Category::kDatagram;
  }
  if (category != Category::kBasic && category != Category::kDatagram) return false;
  if (type == WS_SOCK_DGRAM) return protocol == WS_IPPROTO_UDP;
  return type == WS_SOCK_RAW;
}

// WSK_CACHE_SD.UsableAtCreation: a socket's descriptor is NULL or a copy
// this client cached (WSK_CACHE_SD.OnlyCachedForSockets). The new socket
// carries it (AdoptSecurityDescriptor) for SO_WSK_SECURITY to report; this
// host applies no Windows security, so no access check reads it.
bool DescriptorUsable(Registration* registration, PSECURITY_DESCRIPTOR descriptor) {
  if (descriptor == nullptr || registration == nullptr ||
      IsCachedSecurityDescriptor(registration, descriptor)) {
    return true;
  }
  // WSK_CACHE_SD.OnlyCachedForSockets
  ReportInvalidRequest(registration, "WskSocket or WskSocketConnect: SecurityDescriptor "
                       "%p is not a copy cached with WSK_CACHE_SD", descriptor);
  return false;
}

// A non-blocking host socket; IPv6 sockets are IPv6-only, as on Windows.
int OpenHostSocket(ADDRESS_FAMILY family, USHORT type, ULONG protocol) {
  int host_type = type == WS_SOCK_STREAM ? SOCK_STREAM
                  : type == WS_SOCK_DGRAM ? SOCK_DGRAM
                                          : SOCK_RAW;
  int fd = socket(HostFamily(family), host_type | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  static_cast<int>(protocol));
  if (fd >= 0 && family == WS_AF_INET6) {
    int on = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
  }
  return fd;
}

NTSTATUS WSKAPI WskSocketImpl(PWSK_CLIENT Client, ADDRESS_FAMILY AddressFamily,
                              USHORT SocketType, ULONG Protocol, ULONG Flags,
                              PVOID SocketContext, const VOID* Dispatch,
                              PEPROCESS, PETHREAD,
                              PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp) {
  if (IrpMissing(Irp, "WskSocket")) return STATUS_INVALID_PARAMETER;
  if (!TakeIrp(Irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
  Registration* registration = Registration::ForCall(Client, "WskSocket");
  // WskSocket.OneCategoryFlag
  constexpr ULONG kCategoryFlags = WSK_FLAG_LISTEN_SOCKET | WSK_FLAG_CONNECTION_SOCKET |
                                   WSK_FLAG_DATAGRAM_SOCKET | WSK_FLAG_STREAM_SOCKET;
  if (((Flags & kCategoryFlags) & ((Flags & kCategoryFlags) - 1)) != 0) {
    ReportInvalidRequest(Client, "WskSocket: Flags 0x%lX combines socket categories",
                         static_cast<unsigned long>(Flags));
  }
  Category category;
  if (registration == nullptr || HostFamily(AddressFamily) < 0 ||
      !CategoryFromFlags(Flags, &category) ||
      !DescriptorUsable(registration, SecurityDescriptor)) {
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  if (!CombinationSupported(category, SocketType, Protocol)) {
    return Finish(Irp, STATUS_NOT_SUPPORTED, 0);
  }
  int fd = OpenHostSocket(AddressFamily, SocketType, Protocol);
  if (fd < 0) return Finish(Irp, StatusFromErrno(errno), 0);
  Socket* s = CreateSocket(registration, category, AddressFamily, fd, State::kUnbound,
                           SocketContext, Dispatch);
  if (s == nullptr) return Finish(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  if (!AdoptSecurityDescriptor(s, SecurityDescriptor)) {
    DestroyUnpublished(s);  // released by the client meanwhile
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  if (category == Category::kDatagram && !InitDatagram(s)) {
    DestroyUnpublished(s);
    return Finish(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  }
  // WskSocket.CategoryFromFlags: Information is the new socket.
  return Finish(Irp, STATUS_SUCCESS, reinterpret_cast<ULONG_PTR>(s));
}

NTSTATUS WSKAPI WskSocketConnectImpl(
    PWSK_CLIENT Client, USHORT SocketType, ULONG Protocol, PSOCKADDR LocalAddress,
    PSOCKADDR RemoteAddress, ULONG Flags, PVOID SocketContext,
    const WSK_CLIENT_CONNECTION_DISPATCH* Dispatch, PEPROCESS, PETHREAD,
    PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp) {
  if (IrpMissing(Irp, "WskSocketConnect")) return STATUS_INVALID_PARAMETER;
  if (!TakeIrp(Irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
  Registration* registration = Registration::ForCall(Client, "WskSocketConnect");
  if (SocketType != WS_SOCK_STREAM || Protocol != WS_IPPROTO_TCP) {
    // WskSocketConnect.StreamTcpOnly
    ReportInvalidRequest(Client, "WskSocketConnect: SocketType %u and Protocol %lu; "
                         "it is for SOCK_STREAM with IPPROTO_TCP",
                         static_cast<unsigned>(SocketType),
                         static_cast<unsigned long>(Protocol));
  }
  bool flags_set = ReservedFlagsSet(Flags, "WskSocketConnect", Client);
  if (registration == nullptr || !DescriptorUsable(registration, SecurityDescriptor) ||
      LocalAddress == nullptr || RemoteAddress == nullptr ||
      flags_set || HostFamily(LocalAddress->sa_family) < 0) {
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  if (!CombinationSupported(Category::kConnection, SocketType, Protocol)) {
    return Finish(Irp, STATUS_NOT_SUPPORTED, 0);
  }
  // WskSocketConnect.FamilyFromLocalAddress
  ADDRESS_FAMILY family = LocalAddress->sa_family;
  sockaddr_storage local;
  socklen_t local_length;
  NTSTATUS status = ToHost(LocalAddress, family, &local, &local_length);
  if (NT_SUCCESS(status) &&
      FamilyMismatch(RemoteAddress, family, "WskSocketConnect", Client)) {
    status = STATUS_INVALID_ADDRESS_COMPONENT;
  }
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  int fd = OpenHostSocket(family, SocketType, Protocol);
  if (fd < 0) return Finish(Irp, StatusFromErrno(errno), 0);
  Socket* s = CreateSocket(registration, Category::kConnection, family, fd, State::kUnbound,
                           SocketContext, Dispatch);
  if (s == nullptr) return Finish(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  if (!AdoptSecurityDescriptor(s, SecurityDescriptor)) {
    DestroyUnpublished(s);
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  IrpOp op(Irp);
  op.set_kind(OpKind::kSocketConnect);
  op.set_socket(s);  // from here a failure completing the IRP destroys s
  std::unique_lock<std::mutex> lock(s->mu);
  // The implicit bind shares addresses by the rules WskBind follows
  // (guide/sharing-transport-addresses.md), with no sharing option set (a
  // socket WskSocketConnect makes has had no chance to set one), and the
  // address stays listed against later binds until the close.
  status = BindShared(s, local, local_length);
  if (!NT_SUCCESS(status)) {
    lock.unlock();
    return Finish(Irp, status, 0);
  }
  s->state = State::kBound;
  HoldLocked(s);  // the IRP's hold, as BeginCall takes for socket calls
  return StartConnect(s, Irp, RemoteAddress, lock);
}

}  // namespace

const WSK_PROVIDER_DISPATCH kProviderDispatch = {
    .Version = MAKE_WSK_VERSION(1, 0),
    .Reserved = 0,
    .WskSocket = WskSocketImpl,
    .WskSocketConnect = WskSocketConnectImpl,
    .WskControlClient = ControlClient,
    .WskGetAddressInfo = GetAddressInfo,
    .WskFreeAddressInfo = FreeAddressInfo,
    .WskGetNameInfo = GetNameInfo,
};

}  // namespace wskconf::reference::internal
