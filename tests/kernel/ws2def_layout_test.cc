// C++20 half of the ws2def layout test: the facts of ws2def_layout_test.h as
// static asserts, then one test per type and per VALUES.md table comparing
// the C11 view (ws2def_layout_test.c) and this one with Windows x64.
#include "ws2def_layout_test.h"

#include <gtest/gtest.h>

#include <iterator>

namespace {

WSKCONF_WS2DEF_LAYOUTS(WSKCONF_ASSERT_SIZE, WSKCONF_ASSERT_ALIGN,
                       WSKCONF_ASSERT_OFFSET)
WSKCONF_WS2DEF_VALUES(WSKCONF_ASSERT_VALUE)

const WskconfLayoutRow kLayoutRows[] = {WSKCONF_WS2DEF_LAYOUTS(
    WSKCONF_ROW_SIZE, WSKCONF_ROW_ALIGN, WSKCONF_ROW_OFFSET)};
const WskconfLayoutRow kValueRows[] = {
    WSKCONF_WS2DEF_VALUES(WSKCONF_ROW_VALUE)};

class Ws2defLayoutTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Ws2defLayoutTest, MatchesWindowsX64InCAndCxx) {
  size_t c_count = 0;
  const WskconfLayoutRow* c_rows = WskconfWs2defLayoutRowsC(&c_count);
  wskconf::testing::ExpectLayoutGroup(GetParam(), c_rows, c_count, kLayoutRows,
                                      std::size(kLayoutRows));
}

INSTANTIATE_TEST_SUITE_P(Types, Ws2defLayoutTest,
                         ::testing::ValuesIn(wskconf::testing::LayoutGroups(
                             kLayoutRows, std::size(kLayoutRows))),
                         wskconf::testing::LayoutGroupName());

class Ws2defValuesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Ws2defValuesTest, MatchWindowsInCAndCxx) {
  size_t c_count = 0;
  const WskconfLayoutRow* c_rows = WskconfWs2defValueRowsC(&c_count);
  wskconf::testing::ExpectLayoutGroup(GetParam(), c_rows, c_count, kValueRows,
                                      std::size(kValueRows));
}

INSTANTIATE_TEST_SUITE_P(Tables, Ws2defValuesTest,
                         ::testing::ValuesIn(wskconf::testing::LayoutGroups(
                             kValueRows, std::size(kValueRows))),
                         wskconf::testing::LayoutGroupName());

TEST(Ws2defTest, ExclusiveAddrUseIsTheIntComplementOfReuseAddr) {
  static_assert(std::is_same_v<decltype(SO_EXCLUSIVEADDRUSE), int>);
  EXPECT_EQ(SO_EXCLUSIVEADDRUSE, -5);
  EXPECT_EQ(SO_EXCLUSIVEADDRUSE, ~SO_REUSEADDR);
}

TEST(Ws2defTest, ProtocolsAreEnumeratorsOfIpproto) {
  IPPROTO protocol = IPPROTO_TCP;
  EXPECT_EQ(protocol, 6);
  static_assert(std::is_same_v<decltype(IPPROTO_UDP), IPPROTO>);
}

TEST(Ws2defTest, AccessorMacrosReachTheUnionViews) {
  SOCKADDR_IN6 v6{};
  v6.sin6_addr.s6_addr[15] = 1;
  EXPECT_EQ(v6.sin6_addr.u.Byte[15], 1);
  v6.sin6_scope_struct.Zone = 7;
  v6.sin6_scope_struct.Level = 2;
  EXPECT_EQ(v6.sin6_scope_id, 0x20000007u);
  SOCKADDR_IN v4{};
  v4.sin_addr.s_addr = 0x0100007F;
  EXPECT_EQ(v4.sin_addr.S_un.S_un_b.s_b1, 0x7F);
  EXPECT_EQ(v4.sin_addr.s_impno, 1);
}

TEST(Ws2defTest, ControlMessageMacrosWalkAControlBuffer) {
  alignas(8) UCHAR buffer[64] = {};
  auto* first = reinterpret_cast<PWSACMSGHDR>(buffer);
  first->cmsg_len = WSA_CMSG_LEN(4);
  EXPECT_EQ(first->cmsg_len, 20u);
  EXPECT_EQ(WSA_CMSG_SPACE(4), 24u);
  EXPECT_EQ(WSA_CMSG_DATA(first), buffer + 16);
  EXPECT_EQ(WSKCONF_CMSG_FIRSTHDR(buffer, sizeof(buffer)), first);
  EXPECT_EQ(WSKCONF_CMSG_FIRSTHDR(buffer, 8), nullptr);
  PWSACMSGHDR second = WSKCONF_CMSG_NXTHDR(buffer, sizeof(buffer), first);
  EXPECT_EQ(reinterpret_cast<PUCHAR>(second), buffer + 24);
  EXPECT_EQ(WSKCONF_CMSG_NXTHDR(buffer, 30, first), nullptr);
}

TEST(Ws2defTest, SocketAddressListSizeCountsTheAddresses) {
  EXPECT_EQ(SIZEOF_SOCKET_ADDRESS_LIST(1), 24u);
  EXPECT_EQ(SIZEOF_SOCKET_ADDRESS_LIST(3), 56u);
}

TEST(MstcpipTest, InetAddrHelpersRedirectAnIpv4Connection) {
  // The guide's WFP redirection: a wildcard local address sends the
  // connection to loopback, otherwise to the local address, on a new port.
  SOCKADDR_STORAGE local{}, remote{};
  local.ss_family = AF_INET;
  remote.ss_family = AF_INET;
  auto* local_sa = reinterpret_cast<PSOCKADDR>(&local);
  auto* remote_sa = reinterpret_cast<PSOCKADDR>(&remote);
  INETADDR_SET_PORT(remote_sa, 0x5000);
  EXPECT_TRUE(INETADDR_ISANY(local_sa));
  INETADDR_SETLOOPBACK(remote_sa);
  const auto* remote_in = reinterpret_cast<const SOCKADDR_IN*>(&remote);
  EXPECT_EQ(remote_in->sin_addr.S_un.S_un_b.s_b1, 127);
  EXPECT_EQ(remote_in->sin_addr.S_un.S_un_b.s_b4, 1);
  EXPECT_EQ(remote_in->sin_port, 0);
  const UCHAR address[4] = {10, 1, 2, 3};
  INETADDR_SET_ADDRESS(local_sa, address);
  EXPECT_FALSE(INETADDR_ISANY(local_sa));
  INETADDR_SET_ADDRESS(remote_sa, INETADDR_ADDRESS(local_sa));
  INETADDR_SET_PORT(remote_sa, 0x1234);
  EXPECT_EQ(remote_in->sin_addr.S_un.S_un_b.s_b1, 10);
  EXPECT_EQ(remote_in->sin_addr.S_un.S_un_b.s_b4, 3);
  EXPECT_EQ(remote_in->sin_port, 0x1234);
}

TEST(MstcpipTest, InetAddrHelpersHandleIpv6AndIgnoreOtherFamilies) {
  SOCKADDR_IN6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_scope_id = 9;
  auto* sa = reinterpret_cast<PSOCKADDR>(&v6);
  EXPECT_TRUE(INETADDR_ISANY(sa));
  INETADDR_SETLOOPBACK(sa);
  EXPECT_EQ(v6.sin6_addr.u.Byte[15], 1);
  EXPECT_EQ(v6.sin6_scope_id, 0u);
  EXPECT_FALSE(INETADDR_ISANY(sa));
  EXPECT_EQ(INETADDR_ADDRESS(sa), v6.sin6_addr.u.Byte);
  // Storage-sized, as callers pass it: GCC's -Warray-bounds would flag the
  // (unreached) IPv6 branch on a 16-byte SOCKADDR.
  SOCKADDR_STORAGE storage{};
  storage.ss_family = AF_UNSPEC;
  auto* other = reinterpret_cast<PSOCKADDR>(&storage);
  EXPECT_EQ(INETADDR_ADDRESS(other), nullptr);
  EXPECT_FALSE(INETADDR_ISANY(other));
  INETADDR_SETLOOPBACK(other);  // left untouched
  EXPECT_EQ(other->sa_data[0], 0);
}

}  // namespace
