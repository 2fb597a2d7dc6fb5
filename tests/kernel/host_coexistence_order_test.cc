// The host's socket headers first, then <wsk.h> with WSKCONF_WS_PREFIX: the
// other include order of host_coexistence_test.cc.
#include <netinet/in.h>
#include <sys/socket.h>

#define WSKCONF_WS_PREFIX 1
#include <wsk.h>

#include <gtest/gtest.h>

namespace {

TEST(HostCoexistenceTest, HostHeadersFirstAlsoCompile) {
  SOCKADDR_IN windows{};
  windows.sin_family = WS_AF_INET;
  windows.sin_addr.S_un.S_addr = htonl(WS_INADDR_LOOPBACK);
  sockaddr_in host{};
  host.sin_family = AF_INET;
  host.sin_addr.s_addr = windows.sin_addr.S_un.S_addr;
  EXPECT_EQ(host.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
  EXPECT_EQ(sizeof(SOCKADDR_IN), sizeof(sockaddr_in));
  EXPECT_EQ(sizeof(SOCKADDR_STORAGE), sizeof(sockaddr_storage));
}

}  // namespace
