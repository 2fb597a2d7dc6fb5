// Helpers for datagram-socket tests (see datagram_test_util.h).
#include "datagram_test_util.h"

#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>

namespace wskconf::reference::testing {
namespace {

// Windows-layout loopback address to the host's; only family, port and IP.
socklen_t ToHostAddress(const SOCKADDR_STORAGE& in, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  if (in.ss_family == WS_AF_INET6) {
    const auto* w = reinterpret_cast<const SOCKADDR_IN6*>(&in);
    auto* h = reinterpret_cast<sockaddr_in6*>(out);
    h->sin6_family = AF_INET6;
    h->sin6_port = w->sin6_port;
    std::memcpy(&h->sin6_addr, &w->sin6_addr, 16);
    return sizeof(sockaddr_in6);
  }
  const auto* w = reinterpret_cast<const SOCKADDR_IN*>(&in);
  auto* h = reinterpret_cast<sockaddr_in*>(out);
  h->sin_family = AF_INET;
  h->sin_port = w->sin_port;
  std::memcpy(&h->sin_addr, &w->sin_addr, 4);
  return sizeof(sockaddr_in);
}

}  // namespace

const WSK_PROVIDER_DATAGRAM_DISPATCH* DatagramTable(PWSK_SOCKET s) {
  return static_cast<const WSK_PROVIDER_DATAGRAM_DISPATCH*>(s->Dispatch);
}

PWSK_SOCKET DatagramSocket(WskClient& client, ADDRESS_FAMILY family, PVOID context,
                           const void* dispatch, NTSTATUS* status_out, USHORT type,
                           ULONG protocol) {
  IrpProbe probe;
  NTSTATUS status = probe.Result(client.dispatch()->WskSocket(
      client.client(), family, type, protocol, WSK_FLAG_DATAGRAM_SOCKET, context,
      dispatch, nullptr, nullptr, nullptr, probe.Start()));
  if (status_out != nullptr) {
    *status_out = status;
  } else {
    EXPECT_EQ(status, STATUS_SUCCESS) << StatusName(status);
  }
  return NT_SUCCESS(status) ? reinterpret_cast<PWSK_SOCKET>(probe.information()) : nullptr;
}

PWSK_SOCKET BoundDatagramSocket(WskClient& client, ADDRESS_FAMILY family,
                                SOCKADDR_STORAGE* local, PVOID context,
                                const void* dispatch) {
  PWSK_SOCKET s = DatagramSocket(client, family, context, dispatch);
  if (s == nullptr) return nullptr;
  EXPECT_EQ(Bind(s, Loopback(family)), STATUS_SUCCESS);
  EXPECT_EQ(DatagramLocalAddress(s, local), STATUS_SUCCESS);
  return s;
}

NTSTATUS DatagramLocalAddress(PWSK_SOCKET s, SOCKADDR_STORAGE* address) {
  IrpProbe probe;
  return probe.Result(DatagramTable(s)->WskGetLocalAddress(
      s, reinterpret_cast<PSOCKADDR>(address), probe.Start()));
}

NTSTATUS SendTo(PWSK_SOCKET s, const std::string& bytes, const SOCKADDR_STORAGE* remote,
                ULONG_PTR* information) {
  MdlBuffer buffer(bytes.size() > 0 ? bytes.size() : 1);
  buffer.Write(0, bytes);
  WSK_BUF buf = buffer.Buf(0, bytes.size());
  if (bytes.empty()) buf.Mdl = nullptr;
  IrpProbe probe;
  NTSTATUS status = probe.Result(DatagramTable(s)->WskSendTo(
      s, &buf, 0, reinterpret_cast<PSOCKADDR>(const_cast<SOCKADDR_STORAGE*>(remote)), 0,
      nullptr, probe.Start()));
  if (information != nullptr) *information = probe.information();
  return status;
}

int HostUdp(ADDRESS_FAMILY family, SOCKADDR_STORAGE* address) {
  int fd = socket(HostFamily(family), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  if (family == WS_AF_INET6) {
    int on = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
  }
  sockaddr_storage host;
  socklen_t length = ToHostAddress(Loopback(family), &host);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&host), length), 0);
  length = sizeof(host);
  getsockname(fd, reinterpret_cast<sockaddr*>(&host), &length);
  *address = Loopback(family, ntohs(family == WS_AF_INET6
                                        ? reinterpret_cast<sockaddr_in6*>(&host)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&host)->sin_port));
  return fd;
}

void HostSendTo(int fd, const std::string& bytes, const SOCKADDR_STORAGE& to) {
  sockaddr_storage host;
  socklen_t length = ToHostAddress(to, &host);
  EXPECT_EQ(sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&host),
                   length),
            static_cast<ssize_t>(bytes.size()));
}

bool HostReceive(int fd, std::string* bytes, ULONG timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout_ms)) != 1) return false;
  char data[65536];
  ssize_t n = recv(fd, data, sizeof(data), MSG_DONTWAIT);
  if (n < 0) return false;
  bytes->assign(data, static_cast<size_t>(n));
  return true;
}

bool SameAddress(const SOCKADDR_STORAGE& a, const SOCKADDR_STORAGE& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == WS_AF_INET6) {
    const auto* x = reinterpret_cast<const SOCKADDR_IN6*>(&a);
    const auto* y = reinterpret_cast<const SOCKADDR_IN6*>(&b);
    return x->sin6_port == y->sin6_port &&
           std::memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
  }
  const auto* x = reinterpret_cast<const SOCKADDR_IN*>(&a);
  const auto* y = reinterpret_cast<const SOCKADDR_IN*>(&b);
  return x->sin_port == y->sin_port && std::memcmp(&x->sin_addr, &y->sin_addr, 4) == 0;
}

}  // namespace wskconf::reference::testing
