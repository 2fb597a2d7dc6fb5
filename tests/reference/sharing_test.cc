// WskBind of a second socket to an address a first one holds, for every
// cell of the table in guide/sharing-transport-addresses.md, for TCP
// (listening and connection sockets) and UDP, and both families; and
// WskSocketConnect's implicit bind, which the same table decides.
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "control_test_util.h"
#include "datagram_test_util.h"

namespace wskconf::reference::testing {
namespace {

enum Options { kNone, kReuse, kExclusive };

// The guide's table: rows the second bind, columns the first, each indexed
// options * 2 + (specific ? 1 : 0). CHECK cells are denied: no socket here
// carries a security descriptor that permits sharing.
constexpr NTSTATUS S = STATUS_SUCCESS;
constexpr NTSTATUS U = STATUS_ADDRESS_ALREADY_EXISTS;
constexpr NTSTATUS D = STATUS_ACCESS_DENIED;
constexpr NTSTATUS C = STATUS_ACCESS_DENIED;
constexpr NTSTATUS kExpected[6][6] = {
    {U, S, U, S, U, S}, {C, U, C, D, D, U}, {D, S, S, S, D, S},
    {C, D, S, S, D, D}, {U, U, U, U, U, U}, {C, U, C, U, D, U},
};

struct Kind {
  const char* name;
  ULONG flags;  // 0: a datagram socket
};

const Kind kKinds[] = {{"listen", WSK_FLAG_LISTEN_SOCKET},
                       {"connection", WSK_FLAG_CONNECTION_SOCKET},
                       {"datagram", 0}};

const char* const kOptionNames[] = {"no options", "SO_REUSEADDR", "SO_EXCLUSIVEADDRUSE"};

class SharingTest : public FamilyTest {
 protected:
  PWSK_SOCKET Open(const Kind& kind, int options) {
    PWSK_SOCKET s = kind.flags == 0 ? DatagramSocket(*client(), family())
                                    : client()->Socket(family(), kind.flags);
    if (s == nullptr) return nullptr;
    if (options == kReuse) {
      EXPECT_EQ(SetUlong(s, WS_SO_REUSEADDR, 1), STATUS_SUCCESS);
    } else if (options == kExclusive) {
      EXPECT_EQ(SetUlong(s, kExclusiveAddressUse, 1), STATUS_SUCCESS);
    }
    return s;
  }

  SOCKADDR_STORAGE Wildcard(USHORT port) {
    SOCKADDR_STORAGE any = Loopback(family(), port);
    if (family() == WS_AF_INET6) {
      auto* in6 = reinterpret_cast<SOCKADDR_IN6*>(&any);
      std::memset(&in6->sin6_addr, 0, sizeof(in6->sin6_addr));
    } else {
      reinterpret_cast<SOCKADDR_IN*>(&any)->sin_addr.S_un.S_addr = 0;
    }
    return any;
  }

  // WskGetLocalAddress through the table of the socket's category.
  static NTSTATUS LocalAddress(const Kind& kind, PWSK_SOCKET s, SOCKADDR_STORAGE* address) {
    if (kind.flags == 0) return DatagramLocalAddress(s, address);
    if (kind.flags == WSK_FLAG_CONNECTION_SOCKET) return GetLocalAddress(s, address);
    IrpProbe probe;
    return probe.Result(ListenTable(s)->WskGetLocalAddress(
        s, reinterpret_cast<PSOCKADDR>(address), probe.Start()));
  }

  // The second bind's status for one cell; the first socket binds port 0.
  NTSTATUS SecondBind(const Kind& kind, int first, bool first_specific, int second,
                      bool second_specific) {
    PWSK_SOCKET a = Open(kind, first);
    PWSK_SOCKET b = Open(kind, second);
    NTSTATUS status = STATUS_UNSUCCESSFUL;
    SOCKADDR_STORAGE bound;
    if (a != nullptr && b != nullptr &&
        Bind(a, first_specific ? Loopback(family()) : Wildcard(0)) == STATUS_SUCCESS &&
        LocalAddress(kind, a, &bound) == STATUS_SUCCESS) {
      const USHORT port = PortOf(bound);
      status = Bind(b, second_specific ? Loopback(family(), port) : Wildcard(port));
    } else {
      ADD_FAILURE() << "precondition: the first socket did not bind";
    }
    for (PWSK_SOCKET s : {a, b}) {
      if (s != nullptr) {
        EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
      }
    }
    return status;
  }
};

TEST_P(SharingTest, EveryCellOfTheTable) {
  RecordClause("SO_REUSEADDR.BothReuseWildcardShares");
  for (const Kind& kind : kKinds) {
    for (int row = 0; row < 6; ++row) {
      for (int column = 0; column < 6; ++column) {
        const NTSTATUS got = SecondBind(kind, column / 2, column % 2 == 1, row / 2, row % 2 == 1);
        EXPECT_EQ(got, kExpected[row][column])
            << kind.name << ": second bind " << kOptionNames[row / 2]
            << (row % 2 ? " specific" : " wildcard") << " after first "
            << kOptionNames[column / 2] << (column % 2 ? " specific" : " wildcard")
            << " gave " << StatusName(got);
      }
    }
  }
}

TEST_P(SharingTest, AddressFreedByCloseBindsAgain) {
  RecordClause("WskBind.AddressInUseFails");
  PWSK_SOCKET a = Open(kKinds[2], kNone);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(Bind(a, Loopback(family())), STATUS_SUCCESS);
  SOCKADDR_STORAGE bound;
  ASSERT_EQ(DatagramLocalAddress(a, &bound), STATUS_SUCCESS);
  PWSK_SOCKET b = Open(kKinds[2], kNone);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Bind(b, bound), STATUS_ADDRESS_ALREADY_EXISTS);
  ASSERT_EQ(CloseSocket(a), STATUS_SUCCESS);
  PWSK_SOCKET c = Open(kKinds[2], kNone);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Bind(c, bound), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(b), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(c), STATUS_SUCCESS);
}

TEST_P(SharingTest, SharedUdpPortStillDelivers) {
  RecordClause("SO_REUSEADDR.BothReuseSpecificShares");
  PWSK_SOCKET a = Open(kKinds[2], kReuse);
  PWSK_SOCKET b = Open(kKinds[2], kReuse);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(Bind(a, Loopback(family())), STATUS_SUCCESS);
  SOCKADDR_STORAGE bound;
  ASSERT_EQ(DatagramLocalAddress(a, &bound), STATUS_SUCCESS);
  ASSERT_EQ(Bind(b, bound), STATUS_SUCCESS);
  // The two sockets really share the port: a datagram sent from one to the
  // port arrives at one of them (the host picks which).
  SOCKADDR_STORAGE from;
  int host = HostUdp(family(), &from);
  HostSendTo(host, "shared", bound);
  MdlBuffer buffer(16);
  WSK_BUF buf = buffer.Buf();
  IrpProbe first, second;
  const NTSTATUS returned_a = DatagramTable(a)->WskReceiveFrom(
      a, &buf, 0, nullptr, nullptr, nullptr, nullptr, first.Start());
  const NTSTATUS returned_b = DatagramTable(b)->WskReceiveFrom(
      b, &buf, 0, nullptr, nullptr, nullptr, nullptr, second.Start());
  EXPECT_TRUE(returned_a == STATUS_PENDING || returned_a == STATUS_SUCCESS);
  EXPECT_TRUE(returned_b == STATUS_PENDING || returned_b == STATUS_SUCCESS);
  // Either receive may take it: look at both in turns until one completed.
  constexpr ULONG kTurn = 20;
  for (ULONG waited = 0; waited < kExpectCompletion; waited += 2 * kTurn) {
    if (first.Wait(kTurn) || second.Wait(kTurn)) break;
  }
  ASSERT_TRUE(first.completed() || second.completed()) << "the datagram reached neither socket";
  EXPECT_NE(first.completed(), second.completed()) << "one datagram, two receives completed";
  EXPECT_EQ(buffer.Read(0, first.completed() ? first.information() : second.information()),
            "shared");
  close(host);
  EXPECT_EQ(CloseSocket(a), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(b), STATUS_SUCCESS);
}

// WskSocketConnect's implicit bind goes through the same table as WskBind,
// as a socket with no sharing option, and its address stays listed.
class SocketConnectSharingTest : public SharingTest {
 protected:
  // WskSocketConnect from `local` to a host listener; the connected socket
  // (nullptr on failure, with the status in *status).
  PWSK_SOCKET SocketConnect(const SOCKADDR_STORAGE& local, NTSTATUS* status) {
    USHORT port;
    int listener = HostListener(family(), &port);
    SOCKADDR_STORAGE from = local, remote = Loopback(family(), port);
    IrpProbe probe;
    *status = probe.Result(client()->dispatch()->WskSocketConnect(
        client()->client(), WS_SOCK_STREAM, WS_IPPROTO_TCP, reinterpret_cast<PSOCKADDR>(&from),
        reinterpret_cast<PSOCKADDR>(&remote), 0, nullptr, nullptr, nullptr, nullptr, nullptr,
        probe.Start()));
    close(listener);
    return reinterpret_cast<PWSK_SOCKET>(probe.information());
  }

  // A connection socket with `options`, bound to the wildcard or loopback
  // with port 0; its port in *port.
  PWSK_SOCKET Holder(int options, bool specific, USHORT* port) {
    PWSK_SOCKET s = Open(kKinds[1], options);
    SOCKADDR_STORAGE bound{};
    EXPECT_EQ(Bind(s, specific ? Loopback(family()) : Wildcard(0)), STATUS_SUCCESS);
    EXPECT_EQ(GetLocalAddress(s, &bound), STATUS_SUCCESS);
    *port = PortOf(bound);
    return s;
  }
};

TEST_P(SocketConnectSharingTest, ImplicitBindFollowsTheTable) {
  RecordClause("WskBind.AddressInUseFails");
  USHORT port;
  // CHECK: no options, specific, after SO_REUSEADDR on the wildcard (the
  // host alone would say in use).
  PWSK_SOCKET reuse = Holder(kReuse, false, &port);
  NTSTATUS status;
  PWSK_SOCKET s = SocketConnect(Loopback(family(), port), &status);
  EXPECT_EQ(status, STATUS_ACCESS_DENIED) << StatusName(status);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(CloseSocket(reuse), STATUS_SUCCESS);
  // SUCCESS: no options, wildcard, after no options on a specific address
  // (the host alone would refuse it).
  PWSK_SOCKET specific = Holder(kNone, true, &port);
  s = SocketConnect(Wildcard(port), &status);
  EXPECT_EQ(status, STATUS_SUCCESS) << StatusName(status);
  SOCKADDR_STORAGE local{};
  if (s != nullptr) {
    EXPECT_EQ(GetLocalAddress(s, &local), STATUS_SUCCESS);
    EXPECT_EQ(PortOf(local), port);
    EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  }
  EXPECT_EQ(CloseSocket(specific), STATUS_SUCCESS);
}

TEST_P(SocketConnectSharingTest, ImplicitBindHoldsItsAddress) {
  RecordClause("WskBind.AddressInUseFails");
  NTSTATUS status;
  PWSK_SOCKET s = SocketConnect(Loopback(family()), &status);
  ASSERT_EQ(status, STATUS_SUCCESS) << StatusName(status);
  SOCKADDR_STORAGE local{};
  EXPECT_EQ(GetLocalAddress(s, &local), STATUS_SUCCESS);
  // DENIED: SO_REUSEADDR, specific, after no options on the same address
  // (the host alone would say in use).
  PWSK_SOCKET second = Open(kKinds[1], kReuse);
  EXPECT_EQ(Bind(second, local), STATUS_ACCESS_DENIED);
  EXPECT_EQ(CloseSocket(second), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  // Released by the close.
  PWSK_SOCKET third = Open(kKinds[1], kReuse);
  EXPECT_EQ(Bind(third, local), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(third), STATUS_SUCCESS);
}

WSKCONF_FAMILY_TESTS(SharingTest);
WSKCONF_FAMILY_TESTS(SocketConnectSharingTest);

}  // namespace
}  // namespace wskconf::reference::testing
