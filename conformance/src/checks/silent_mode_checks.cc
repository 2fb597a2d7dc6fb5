// Check helpers for SIO_WSK_SET_TCP_SILENT_MODE (spec/ioctls.xml). Its page
// says silent mode "is not supported on loopback", so these cases connect
// over a veth link between two private network namespaces: the
// implementation's socket is opened while the case's thread is in the near
// one (an in-process provider opens its host socket there), the peer
// listens in the far one. A host that cannot make namespaces, or a provider
// whose sockets live elsewhere, makes the case SKIP with the reason.
#include <unistd.h>

#include <cstring>
#include <string>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"
#include "wskconf/conformance/veth_link.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

// A connection across the link, and why there is none when `skip` is set.
struct LinkedPair {
  VethLink link;
  HostConnection peer;
  std::string skip;
};

// The address of one end of the link in Windows' layout.
SOCKADDR_STORAGE LinkAddress(ADDRESS_FAMILY family, VethLink::End end, USHORT port = 0) {
  SOCKADDR_STORAGE address = LoopbackAddress(family, port);
  const bool ipv6 = internal::IsIpv6(family);
  void* bytes = ipv6 ? static_cast<void*>(&reinterpret_cast<SOCKADDR_IN6*>(&address)->sin6_addr)
                     : static_cast<void*>(&reinterpret_cast<SOCKADDR_IN*>(&address)->sin_addr);
  std::memcpy(bytes, VethLink::AddressBytes(end, ipv6), ipv6 ? 16 : 4);
  return address;
}

// Binds and connects the implementation's socket across the link. A status
// other than success from bind or connect means the implementation does not
// open its sockets in the case thread's namespace: pair->skip says so.
::testing::AssertionResult ConnectAcross(WskSocketOwner& socket, const CaseInfo& info,
                                         int listener, uint16_t port, LinkedPair* pair) {
  ::testing::AssertionResult created = ::testing::AssertionSuccess();
  if (!pair->link.RunIn(VethLink::End::kNear,
                        [&] { created = socket.Create(info.category, info.address_family); })) {
    return ::testing::AssertionFailure() << "harness: could not enter the near namespace";
  }
  if (!created) return created;
  const CallOutcome bound =
      internal::BindTo(socket, LinkAddress(info.address_family, VethLink::End::kNear));
  if (!bound.ok) return bound.ok;
  const CallOutcome connected = bound.status == STATUS_SUCCESS
      ? internal::ConnectTo(socket, LinkAddress(info.address_family, VethLink::End::kFar, port))
      : bound;
  if (!connected.ok) return connected.ok;
  if (connected.status != STATUS_SUCCESS) {
    pair->skip = "the implementation's socket cannot reach the far end of the veth link (" +
                 StatusText(connected.status) +
                 "): it does not open its host sockets in the calling thread's network "
                 "namespace (a provider in another process)";
    return ::testing::AssertionSuccess();
  }
  const int fd = VethLink::AcceptTcp(listener, kExpectCompletion);
  if (fd < 0) {
    return ::testing::AssertionFailure()
           << "the peer at the far end saw no connection after WskConnect succeeded";
  }
  pair->peer = HostConnection(fd);
  return ::testing::AssertionSuccess();
}

// Connects across the link and asks for silent mode; *status is its result
// (pair->skip set instead when this run offers no non-loopback connection).
::testing::AssertionResult EnterSilentMode(WskSocketOwner& socket, const CaseInfo& info,
                                           LinkedPair* pair, NTSTATUS* status) {
  std::string why;
  if (!pair->link.Create(&why)) {
    pair->skip = "silent mode is not supported on loopback, and this host gives the case "
                 "no other connection (two network namespaces joined by veth): " + why;
    return ::testing::AssertionSuccess();
  }
  uint16_t port = 0;
  const int listener =
      pair->link.ListenTcp(VethLink::End::kFar, internal::IsIpv6(info.address_family), &port);
  if (listener < 0) {
    return ::testing::AssertionFailure() << "harness: no listener at the far end of the link";
  }
  auto connected = ConnectAcross(socket, info, listener, port, pair);
  close(listener);
  if (!connected || !pair->skip.empty()) return connected;
  const CallOutcome set = internal::Ioctl(socket, SIO_WSK_SET_TCP_SILENT_MODE, nullptr, 0);
  if (!set.ok) return set.ok;
  *status = set.status;
  return ::testing::AssertionSuccess();
}

}  // namespace

void SilentModeRefusedOnLoopback(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  const CallOutcome set = internal::Ioctl(socket, SIO_WSK_SET_TCP_SILENT_MODE, nullptr, 0);
  ASSERT_TRUE(set.ok);
  if (!ExpectClauseStatus(info, set.status, "SIO_WSK_SET_TCP_SILENT_MODE on loopback")) return;
  // Refused, so nothing changed: the connection still carries data.
  const std::string data = Payload(24, 94);
  MdlBuffer buffer(data);
  const CallOutcome sent = internal::Send(socket, buffer, data.size());
  ASSERT_TRUE(sent.ok);
  EXPECT_EQ(sent.status, STATUS_SUCCESS) << "WskSend after the refusal gave "
                                         << StatusText(sent.status);
  EXPECT_EQ(pair.peer.Receive(data.size(), kExpectCompletion), data);
}

void SilentModeOn(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  LinkedPair pair;  // outlives the socket: its namespaces hold the connection
  WskSocketOwner socket(session);
  NTSTATUS status = STATUS_PENDING;
  ASSERT_TRUE(EnterSilentMode(socket, info, &pair, &status));
  if (!pair.skip.empty()) GTEST_SKIP() << pair.skip;
  if (!ExpectClauseStatus(info, status, "SIO_WSK_SET_TCP_SILENT_MODE")) return;
  MdlBuffer buffer(Payload(30, 91));
  internal::Send(socket, buffer, 30);
  internal::Disconnect(socket, 0);
  EXPECT_EQ(pair.peer.WaitForEnd(kExpectNoCompletion), PeerEnd::kTimeout)
      << "the peer saw data or an end from a socket in silent mode";
}

void SilentModeSendFails(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  LinkedPair pair;
  WskSocketOwner socket(session);
  NTSTATUS status = STATUS_PENDING;
  ASSERT_TRUE(EnterSilentMode(socket, info, &pair, &status));
  if (!pair.skip.empty()) GTEST_SKIP() << pair.skip;
  ASSERT_EQ(status, STATUS_SUCCESS)
      << "precondition: SIO_WSK_SET_TCP_SILENT_MODE gave " << StatusText(status);
  MdlBuffer buffer(Payload(30, 92));
  const CallOutcome sent = internal::Send(socket, buffer, 30);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSend in silent mode");
  const CallOutcome done = internal::Disconnect(socket, 0);
  ASSERT_TRUE(done.ok);
  ExpectClauseStatus(info, done.status, "WskDisconnect in silent mode");
}

void SilentModeDropsIncoming(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  LinkedPair pair;
  WskSocketOwner socket(session);
  NTSTATUS status = STATUS_PENDING;
  ASSERT_TRUE(EnterSilentMode(socket, info, &pair, &status));
  if (!pair.skip.empty()) GTEST_SKIP() << pair.skip;
  ASSERT_EQ(status, STATUS_SUCCESS)
      << "precondition: SIO_WSK_SET_TCP_SILENT_MODE gave " << StatusText(status);
  ASSERT_TRUE(pair.peer.SendAll(Payload(40, 93)));
  MdlBuffer buffer(128);
  WSK_BUF buf = buffer.Buf();
  TrackedIrp irp("WskReceive in silent mode");
  const NTSTATUS returned = internal::FunctionsOf(socket).Receive(
      socket.get(), &buf, 0, irp.irp());
  EXPECT_TRUE(irp.ExpectStillPending(returned))
      << "data sent to a socket in silent mode was delivered";
  ExpectClauseStatus(info, STATUS_SUCCESS, "silent mode");
}

}  // namespace wskconf::conformance::checks
