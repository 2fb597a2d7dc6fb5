// The transport list's one moving part on Linux, IPv6 (a kernel without it,
// or IPv6 disabled for the namespace), and the rtnetlink watch that tells
// the provider to look again. Disabling IPv6 takes its addresses away and
// re-enabling it brings the link-local ones back, which the interface and
// address groups report; a message that leaves the list as it was changes
// nothing for the waiting clients.
#include "internal/transport_watch.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "internal/errno_status.h"
#include "internal/event_loop.h"

namespace wskconf::reference::internal {
namespace {

int g_fd = -1;               // the rtnetlink socket while watching
bool g_noted_ipv6 = false;   // the list as last noted

bool KernelHasIpv6() {
  static const bool has = [] {
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    close(fd);
    return true;
  }();
  return has;
}

}  // namespace

bool HostOffersIpv6() {
  if (!KernelHasIpv6()) return false;
  std::ifstream disabled("/proc/sys/net/ipv6/conf/all/disable_ipv6");
  int value = 0;
  // No such file (no sysctl tree here): IPv6 counts as offered.
  return !(disabled >> value) || value == 0;
}

NTSTATUS StartTransportWatch() {
  if (g_fd >= 0) return STATUS_SUCCESS;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return StatusFromErrno(errno);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_LINK | RTMGRP_IPV6_IFINFO | RTMGRP_IPV6_IFADDR;
  NTSTATUS status = STATUS_SUCCESS;
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    status = StatusFromErrno(errno);
  } else {
    status = LoopWatchTransports(fd);
  }
  if (!NT_SUCCESS(status)) {
    close(fd);
    return status;
  }
  g_fd = fd;
  // Noted after the watch starts, so a change from here on is seen.
  g_noted_ipv6 = HostOffersIpv6();
  return STATUS_SUCCESS;
}

void StopTransportWatch() {
  if (g_fd < 0) return;
  close(g_fd);  // also leaves the loop's epoll set
  g_fd = -1;
}

bool TransportsChanged() {
  if (g_fd < 0) return false;  // stopped after the loop saw it readable
  char buffer[8192];
  for (;;) {
    ssize_t n = recv(g_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) continue;
    // ENOBUFS: messages were lost; looking at the list again covers them.
    if (n < 0 && (errno == EINTR || errno == ENOBUFS)) continue;
    break;
  }
  const bool now = HostOffersIpv6();
  if (now == g_noted_ipv6) return false;
  g_noted_ipv6 = now;
  return true;
}

}  // namespace wskconf::reference::internal
