// Check helpers for listening and accepting (spec/socket-listen.xml,
// socket-address.xml) and for datagram sockets (spec/socket-datagram.xml),
// with host sockets as the peers.
#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

// A bound, listening socket of the case's category (listen or stream).
::testing::AssertionResult Listening(WskSocketOwner& socket,
                                     const CaseInfo& info, uint16_t* port) {
  auto bound = internal::CreateBound(socket, info.category, info.address_family);
  if (!bound) return bound;
  const CallOutcome listened = internal::Listen(socket);
  if (!listened.ok) return listened.ok;
  if (listened.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "precondition: WskListen gave " << StatusText(listened.status);
  }
  SOCKADDR_STORAGE local;
  const CallOutcome query = internal::GetLocalAddress(socket, &local);
  if (!query.ok) return query.ok;
  *port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
  return ::testing::AssertionSuccess();
}

struct Accepted {
  CallOutcome outcome;
  SOCKADDR_STORAGE local{};
  SOCKADDR_STORAGE remote{};
};

NTSTATUS StartAccept(const WskSocketOwner& socket, Accepted& accepted,
                     TrackedIrp& irp) {
  return internal::FunctionsOf(socket).Accept(
      socket.get(), 0, nullptr, nullptr,
      reinterpret_cast<PSOCKADDR>(&accepted.local),
      reinterpret_cast<PSOCKADDR>(&accepted.remote), irp.irp());
}

}  // namespace

void ListenSucceeds(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  const CallOutcome listened = internal::Listen(socket);
  ASSERT_TRUE(listened.ok);
  ExpectClauseStatus(info, listened.status, "WskListen");
}

void ListenUnbound(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  const CallOutcome listened = internal::Listen(socket);
  ASSERT_TRUE(listened.ok);
  ExpectClauseStatus(info, listened.status, "WskListen on an unbound socket");
}

void AcceptWaitingConnection(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner listener(session);
  uint16_t port = 0;
  ASSERT_TRUE(Listening(listener, info, &port));
  HostConnection peer = HostConnection::Connect(
      internal::IsIpv6(info.address_family), port, kExpectCompletion);
  ASSERT_TRUE(peer.ok()) << "a host peer could not connect to the listener";
  Accepted accepted;
  TrackedIrp irp("WskAccept");
  accepted.outcome = internal::Finish(irp, StartAccept(listener, accepted, irp));
  ASSERT_TRUE(accepted.outcome.ok);
  if (!ExpectClauseStatus(info, accepted.outcome.status, "WskAccept")) return;
  auto* socket = reinterpret_cast<PWSK_SOCKET>(accepted.outcome.information);
  ASSERT_NE(socket, nullptr) << "WskAccept succeeded without a socket";
  WskSocketOwner owner(session);
  owner.Adopt(socket, SocketCategory::kConnection);
  ASSERT_NE(socket->Dispatch, nullptr);
  // Addresses: both in the listener's family, the remote one the peer's.
  EXPECT_EQ(accepted.local.ss_family, info.address_family);
  EXPECT_EQ(accepted.remote.ss_family, info.address_family);
  EXPECT_EQ(PortOf(reinterpret_cast<SOCKADDR*>(&accepted.remote)),
            peer.local_port());
  // A connected connection socket: data flows at once.
  const std::string data = Payload(20, 11);
  MdlBuffer buffer(data);
  const CallOutcome sent = internal::Send(owner, buffer, data.size());
  ASSERT_TRUE(sent.ok);
  EXPECT_EQ(sent.status, STATUS_SUCCESS)
      << "WskSend on the accepted socket gave " << StatusText(sent.status);
  EXPECT_EQ(peer.Receive(data.size(), kExpectCompletion), data);
}

void AcceptedSocketAddresses(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner listener(session);
  uint16_t port = 0;
  ASSERT_TRUE(Listening(listener, info, &port));
  HostConnection peer = HostConnection::Connect(
      internal::IsIpv6(info.address_family), port, kExpectCompletion);
  ASSERT_TRUE(peer.ok());
  Accepted accepted;
  TrackedIrp irp("WskAccept");
  accepted.outcome = internal::Finish(irp, StartAccept(listener, accepted, irp));
  ASSERT_TRUE(accepted.outcome.ok);
  ASSERT_EQ(accepted.outcome.status, STATUS_SUCCESS);
  WskSocketOwner owner(session);
  owner.Adopt(reinterpret_cast<PWSK_SOCKET>(accepted.outcome.information),
              SocketCategory::kConnection);
  SOCKADDR_STORAGE local;
  SOCKADDR_STORAGE remote;
  const CallOutcome local_query = internal::GetLocalAddress(owner, &local);
  const CallOutcome remote_query = internal::GetRemoteAddress(owner, &remote);
  ASSERT_TRUE(local_query.ok);
  ASSERT_TRUE(remote_query.ok);
  ExpectClauseStatus(info, local_query.status, "WskGetLocalAddress (accepted)");
  ExpectClauseStatus(info, remote_query.status, "WskGetRemoteAddress (accepted)");
  EXPECT_EQ(local.ss_family, info.address_family);
  EXPECT_EQ(PortOf(reinterpret_cast<SOCKADDR*>(&local)), port);
  EXPECT_EQ(PortOf(reinterpret_cast<SOCKADDR*>(&remote)), peer.local_port());
}

void AcceptPendsUntilConnection(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner listener(session);
  uint16_t port = 0;
  ASSERT_TRUE(Listening(listener, info, &port));
  Accepted accepted;
  TrackedIrp irp("WskAccept");
  const NTSTATUS returned = StartAccept(listener, accepted, irp);
  ExpectClauseStatus(info, returned, "WskAccept with no connection waiting");
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  HostConnection peer = HostConnection::Connect(
      internal::IsIpv6(info.address_family), port, kExpectCompletion);
  ASSERT_TRUE(peer.ok());
  accepted.outcome = internal::Finish(irp, returned);
  ASSERT_TRUE(accepted.outcome.ok);
  EXPECT_EQ(accepted.outcome.status, STATUS_SUCCESS);
  if (accepted.outcome.status == STATUS_SUCCESS) {
    WskSocketOwner owner(session);
    owner.Adopt(reinterpret_cast<PWSK_SOCKET>(accepted.outcome.information),
                SocketCategory::kConnection);
  }
}

void CloseListenerWithPendingAccept(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner listener(session);
  uint16_t port = 0;
  ASSERT_TRUE(Listening(listener, info, &port));
  Accepted accepted;
  TrackedIrp irp("WskAccept");
  const NTSTATUS returned = StartAccept(listener, accepted, irp);
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  ASSERT_TRUE(listener.Close());
  accepted.outcome = internal::Finish(irp, returned);
  ASSERT_TRUE(accepted.outcome.ok);
  ExpectClauseStatus(info, accepted.outcome.status,
                     "the WskAccept pending at close",
                     StatusClass::kFailure);
  EXPECT_EQ(accepted.outcome.information, 0u)
      << "the failed accept delivered a socket";
}

namespace {

CallOutcome SendTo(const WskSocketOwner& socket, const MdlBuffer& buffer,
                   const SOCKADDR_STORAGE* remote) {
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE copy = remote ? *remote : SOCKADDR_STORAGE{};
  TrackedIrp irp("WskSendTo");
  return internal::Finish(
      irp, internal::FunctionsOf(socket).SendTo(
               socket.get(), &buf, 0,
               remote ? reinterpret_cast<PSOCKADDR>(&copy) : nullptr, 0,
               nullptr, irp.irp()));
}

NTSTATUS StartReceiveFrom(const WskSocketOwner& socket, const MdlBuffer& buffer,
                          SOCKADDR_STORAGE* from, TrackedIrp& irp) {
  WSK_BUF buf = buffer.Buf();
  return internal::FunctionsOf(socket).ReceiveFrom(
      socket.get(), &buf, 0, reinterpret_cast<PSOCKADDR>(from), nullptr,
      nullptr, nullptr, irp.irp());
}

#define WSKCONF_DATAGRAM(session, socket, peer)                            \
  WSKCONF_OPEN_SESSION(session);                                           \
  HostUdpSocket peer(internal::IsIpv6(info.address_family));               \
  ASSERT_TRUE(peer.ok());                                                  \
  WskSocketOwner socket(session);                                          \
  ASSERT_TRUE(internal::CreateBound(socket, SocketCategory::kDatagram,     \
                                    info.address_family))

}  // namespace

void SendDatagram(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM(session, socket, peer);
  const std::string data = Payload(200, 12);
  MdlBuffer buffer(data);
  const SOCKADDR_STORAGE to = LoopbackAddress(info.address_family, peer.port());
  const CallOutcome sent = SendTo(socket, buffer, &to);
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSendTo")) return;
  EXPECT_EQ(sent.information, data.size());
  auto datagram = peer.Receive(kExpectCompletion);
  ASSERT_TRUE(datagram.has_value()) << "the peer received no datagram";
  EXPECT_EQ(datagram->data, data) << "not one datagram with exactly the bytes";
}

void SendDatagramUnbound(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  HostUdpSocket peer(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(peer.ok());
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(SocketCategory::kDatagram, info.address_family));
  MdlBuffer buffer(Payload(10));
  const SOCKADDR_STORAGE to = LoopbackAddress(info.address_family, peer.port());
  const CallOutcome sent = SendTo(socket, buffer, &to);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSendTo on an unbound socket");
}

void SendDatagramNoRemote(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM(session, socket, peer);
  MdlBuffer buffer(Payload(10));
  const CallOutcome sent = SendTo(socket, buffer, nullptr);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status,
                     "WskSendTo with no RemoteAddress and no fixed address");
}

void ReceiveDatagram(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM(session, socket, peer);
  SOCKADDR_STORAGE local;
  ASSERT_TRUE(internal::GetLocalAddress(socket, &local).ok);
  const uint16_t port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
  const std::string first = Payload(120, 13);
  const std::string second = Payload(80, 14);
  ASSERT_TRUE(peer.SendTo(port, first));
  ASSERT_TRUE(peer.SendTo(port, second));
  for (const std::string* expected : {&first, &second}) {
    MdlBuffer buffer(1024);
    SOCKADDR_STORAGE from{};
    TrackedIrp irp("WskReceiveFrom");
    const CallOutcome received =
        internal::Finish(irp, StartReceiveFrom(socket, buffer, &from, irp));
    ASSERT_TRUE(received.ok);
    if (!ExpectClauseStatus(info, received.status, "WskReceiveFrom")) return;
    EXPECT_EQ(received.information, expected->size())
        << "a receive did not deliver exactly one datagram";
    EXPECT_EQ(buffer.Contents(received.information), *expected);
    EXPECT_EQ(from.ss_family, info.address_family);
    EXPECT_EQ(PortOf(reinterpret_cast<SOCKADDR*>(&from)), peer.port())
        << "RemoteAddress is not the sender";
  }
}

void ReceiveDatagramPends(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM(session, socket, peer);
  SOCKADDR_STORAGE local;
  ASSERT_TRUE(internal::GetLocalAddress(socket, &local).ok);
  MdlBuffer buffer(256);
  SOCKADDR_STORAGE from{};
  TrackedIrp irp("WskReceiveFrom");
  const NTSTATUS returned = StartReceiveFrom(socket, buffer, &from, irp);
  ExpectClauseStatus(info, returned, "WskReceiveFrom with nothing queued");
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  ASSERT_TRUE(peer.SendTo(PortOf(reinterpret_cast<SOCKADDR*>(&local)),
                          Payload(30, 15)));
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  EXPECT_EQ(received.status, STATUS_SUCCESS);
  EXPECT_EQ(received.information, 30u);
}

void CloseCancelsPendingReceiveFrom(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM(session, socket, peer);
  MdlBuffer buffer(256);
  SOCKADDR_STORAGE from{};
  TrackedIrp irp("WskReceiveFrom");
  const NTSTATUS returned = StartReceiveFrom(socket, buffer, &from, irp);
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  ASSERT_TRUE(socket.Close());
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  ExpectClauseStatus(info, received.status, "the WskReceiveFrom pending at close",
                     StatusClass::kFailure);
}

}  // namespace wskconf::conformance::checks
