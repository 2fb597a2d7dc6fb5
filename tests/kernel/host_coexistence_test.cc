// <wsk.h> and the host's socket headers in one translation unit, as the
// reference provider's translation edge needs them: with WSKCONF_WS_PREFIX
// the Windows constants are WS_*, the host's keep their Linux values. This TU
// includes <wsk.h> first; host_coexistence_order_test.cc the other order.
#define WSKCONF_WS_PREFIX 1
#include <wsk.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cstring>

namespace {

TEST(HostCoexistenceTest, WindowsAndHostConstantsKeepTheirOwnValues) {
  EXPECT_EQ(WS_AF_INET6, 23);
  EXPECT_EQ(AF_INET6, 10);
  EXPECT_EQ(WS_SOL_SOCKET, 0xffff);
  EXPECT_EQ(SOL_SOCKET, 1);
  EXPECT_EQ(WS_IPPROTO_TCP, IPPROTO_TCP);  // same number, two names
  EXPECT_EQ(WS_TCP_FASTOPEN, 15);
  EXPECT_EQ(TCP_FASTOPEN, 23);
  EXPECT_EQ(static_cast<ULONG>(WS_SO_EXCLUSIVEADDRUSE), 0xFFFFFFFBu);
  EXPECT_EQ(SIO_WSK_SET_REMOTE_ADDRESS, 0x8F000001u);
}

TEST(HostCoexistenceTest, AddressesTranslateFieldByField) {
  SOCKADDR_IN6 windows{};
  windows.sin6_family = WS_AF_INET6;
  windows.sin6_port = htons(4242);
  windows.sin6_addr.u.Byte[15] = 1;
  windows.sin6_scope_id = 7;

  sockaddr_in6 host{};
  host.sin6_family = AF_INET6;
  host.sin6_port = windows.sin6_port;
  static_assert(sizeof(host.sin6_addr) == sizeof(windows.sin6_addr));
  std::memcpy(&host.sin6_addr, &windows.sin6_addr, sizeof(host.sin6_addr));
  host.sin6_scope_id = windows.sin6_scope_id;

  EXPECT_EQ(sizeof(SOCKADDR_IN6), sizeof(sockaddr_in6));
  EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&host.sin6_addr));
  EXPECT_EQ(ntohs(host.sin6_port), 4242);
  // Distinct tags: the Windows struct is WS_sockaddr_in6, not the host's.
  static_assert(!std::is_same_v<SOCKADDR_IN6, sockaddr_in6>);
  static_assert(std::is_same_v<SOCKADDR_IN6, struct WS_sockaddr_in6>);
}

}  // namespace
