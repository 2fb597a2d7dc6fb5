// SIO_ADDRESS_LIST_QUERY and SIO_ADDRESS_LIST_CHANGE: the host's local
// addresses of the socket's family, in Windows layout, and a notification
// IRP completed when the kernel reports an address of that family added or
// removed (an rtnetlink socket per waiting socket, watched by the event loop).
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "internal/address.h"
#include "internal/control.h"
#include "internal/errno_status.h"
#include "internal/event_loop.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

constexpr SIZE_T kAlign = 8;  // each SOCKADDR starts pointer-aligned

SIZE_T AlignUp(SIZE_T n) { return (n + kAlign - 1) & ~(kAlign - 1); }

// The addresses of interfaces that are up, of host family `host_family`.
NTSTATUS HostAddresses(int host_family, std::vector<sockaddr_storage>* out) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return StatusFromErrno(errno);
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != host_family) continue;
    if ((it->ifa_flags & IFF_UP) == 0) continue;
    sockaddr_storage address{};
    std::memcpy(&address, it->ifa_addr,
                host_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
    out->push_back(address);
  }
  freeifaddrs(list);
  return STATUS_SUCCESS;
}

// Bytes the list needs: the SOCKET_ADDRESS_LIST (never less than the
// structure itself, even when empty) and the SOCKADDRs after it.
SIZE_T ListSize(SIZE_T count, SIZE_T address_length) {
  SIZE_T head = SIZEOF_SOCKET_ADDRESS_LIST(count);
  if (head < sizeof(SOCKET_ADDRESS_LIST)) head = sizeof(SOCKET_ADDRESS_LIST);
  return AlignUp(head) + count * AlignUp(address_length);
}

// Writes the list into `out` (ListSize bytes): entries point into it.
void WriteList(const std::vector<sockaddr_storage>& addresses, SIZE_T address_length,
               unsigned char* out) {
  const SIZE_T total = ListSize(addresses.size(), address_length);
  std::memset(out, 0, total);
  auto* list = reinterpret_cast<SOCKET_ADDRESS_LIST*>(out);
  list->iAddressCount = static_cast<INT>(addresses.size());
  unsigned char* next = out + AlignUp(ListSize(addresses.size(), 0));
  for (SIZE_T i = 0; i < addresses.size(); ++i) {
    auto* address = reinterpret_cast<SOCKADDR*>(next);
    FromHost(reinterpret_cast<const sockaddr*>(&addresses[i]), address);
    list->Address[i].lpSockaddr = address;
    list->Address[i].iSockaddrLength = static_cast<INT>(address_length);
    next += AlignUp(address_length);
  }
}

// The rtnetlink groups that report address changes of `host_family`.
unsigned GroupsFor(int host_family) {
  return host_family == AF_INET6 ? RTMGRP_IPV6_IFADDR : RTMGRP_IPV4_IFADDR;
}

// Opens s's rtnetlink socket and has the loop watch it. Caller holds s->mu.
NTSTATUS WatchAddresses(Socket* s) {
  if (s->netlink_fd >= 0) return STATUS_SUCCESS;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return StatusFromErrno(errno);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = GroupsFor(s->host_family);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    NTSTATUS status = StatusFromErrno(errno);
    close(fd);
    return status;
  }
  s->netlink_fd = fd;
  NTSTATUS status = LoopWatchAddresses(s);
  if (!NT_SUCCESS(status)) {
    close(fd);
    s->netlink_fd = -1;
  }
  return status;
}

// Reads every pending rtnetlink message; true when one reports an address
// added or removed.
bool DrainAddressMessages(int fd) {
  bool changed = false;
  alignas(nlmsghdr) char buffer[8192];
  for (;;) {
    ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      // ENOBUFS: messages were lost, so something changed.
      if (errno == ENOBUFS) changed = true;
      return changed;
    }
    int length = static_cast<int>(got);
    for (auto* m = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(m, length);
         m = NLMSG_NEXT(m, length)) {
      if (m->nlmsg_type == RTM_NEWADDR || m->nlmsg_type == RTM_DELADDR) changed = true;
    }
  }
}

}  // namespace

NTSTATUS QueryAddressList(const ControlRequest& req, SIZE_T* output_bytes) {
  if (req.irp != nullptr) return STATUS_INVALID_PARAMETER;  // SIO_ADDRESS_LIST_QUERY.NoIrp
  std::vector<sockaddr_storage> addresses;
  NTSTATUS status = HostAddresses(req.socket->host_family, &addresses);
  if (!NT_SUCCESS(status)) return status;
  const SIZE_T address_length = WindowsAddressLength(req.socket->family);
  const SIZE_T needed = ListSize(addresses.size(), address_length);
  *output_bytes = needed;
  if (req.output == nullptr || req.output_size < needed) {
    return STATUS_BUFFER_OVERFLOW;  // SIO_ADDRESS_LIST_QUERY.OverflowReportsSize
  }
  WriteList(addresses, address_length, static_cast<unsigned char*>(req.output));
  return STATUS_SUCCESS;  // SIO_ADDRESS_LIST_QUERY.OutputLayout
}

NTSTATUS WaitAddressListChange(const ControlRequest& req, SIZE_T*) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;  // IrpRequired
  Socket* s = req.socket;
  std::unique_lock<std::mutex> lock(s->mu);
  NTSTATUS status = WatchAddresses(s);
  if (!NT_SUCCESS(status)) return status;
  // SIO_ADDRESS_LIST_CHANGE.QueuesAndPends; WskCloseSocket cancels it
  // (CompletedOnClose).
  return QueueAndUnlock(s, s->address_change_queue, req.irp, lock);
}

void OnAddressesChanged(Socket* s) {
  IrpList done;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    // A closing socket's queue is the close's to complete, and its
    // descriptor may be closed at any moment (FinishClose).
    if (s->closing || s->netlink_fd < 0 || !DrainAddressMessages(s->netlink_fd)) return;
    ClaimAll(s->address_change_queue, done);  // SIO_ADDRESS_LIST_CHANGE.CompletesOnChange
  }
  CompleteAll(done, STATUS_SUCCESS);
}

void StopWatchingAddresses(Socket* s) {
  if (s->netlink_fd < 0) return;
  LoopUnwatchAddresses(s);
  close(s->netlink_fd);
  s->netlink_fd = -1;
}

}  // namespace wskconf::reference::internal
