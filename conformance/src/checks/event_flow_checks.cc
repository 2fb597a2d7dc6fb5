// Check helpers for event callbacks of listening and datagram sockets, for
// callbacks enabled statically or inherited by accepted sockets, and for
// disabling or closing while a callback runs (spec/events.xml, options.xml,
// socket-listen.xml, socket-datagram.xml, socket-basic.xml).
#include <condition_variable>
#include <memory>
#include <mutex>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/event_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::CreateWithMock;
using internal::EnableEvents;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::MockedSocket;
using internal::Payload;
using internal::Signal;
using ::testing::_;
using ::testing::AnyNumber;
using NiceMock = ::testing::NiceMock<ClientEventMock>;

namespace {

::testing::AssertionResult Enable(const WskSocketOwner& socket, ULONG mask) {
  const CallOutcome enabled = EnableEvents(socket, mask);
  if (!enabled.ok) return enabled.ok;
  if (!NT_SUCCESS(enabled.status)) {
    return ::testing::AssertionFailure()
           << "precondition: SO_WSK_EVENT_CALLBACK 0x" << std::hex << mask
           << " gave " << StatusText(enabled.status);
  }
  return ::testing::AssertionSuccess();
}

// A mocked listening socket of the case (listen or stream), bound to
// loopback and listening; `port` is where a host peer connects.
::testing::AssertionResult MockedListener(MockedSocket& s, const CaseInfo& info,
                                          ULONG events, uint16_t* port) {
  auto created = CreateWithMock(s, info);
  if (!created) return created;
  const CallOutcome bound =
      internal::BindTo(s.socket, LoopbackAddress(info.address_family));
  if (!bound.ok || bound.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure() << "precondition: WskBind failed";
  }
  if (events != 0) {
    auto enabled = Enable(s.socket, events);
    if (!enabled) return enabled;
  }
  const CallOutcome listened = internal::Listen(s.socket);
  if (!listened.ok || listened.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure() << "precondition: WskListen failed";
  }
  SOCKADDR_STORAGE local;
  const CallOutcome query = internal::GetLocalAddress(s.socket, &local);
  if (!query.ok) return query.ok;
  *port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
  return ::testing::AssertionSuccess();
}

HostConnection ConnectPeer(const CaseInfo& info, uint16_t port) {
  return HostConnection::Connect(internal::IsIpv6(info.address_family), port,
                                 kExpectCompletion);
}

// A socket the provider handed over (accept event or WskAccept), closed by
// the case, with the mock its callbacks go to.
struct AcceptedSocket {
  explicit AcceptedSocket(WskClientSession& session)
      : mock(new NiceMock), owner(session) {}
  ~AcceptedSocket() {
    if (owner.get() != nullptr) {
      EXPECT_TRUE(owner.Close());
    }
    mock->MarkClosed();
    if (LeakedObjectCount() == 0) delete mock;
  }
  NiceMock* mock;
  WskSocketOwner owner;
};

// Expects the accepted socket's mock to get the peer's bytes as receive
// indications (or, with `expect_none`, none within kExpectNoCompletion).
void ExpectReceiveEvents(NiceMock* mock, HostConnection& peer, bool expect_none) {
  Signal seen;
  EXPECT_CALL(*mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&seen](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                              SIZE_T* accepted) {
        if (list != nullptr) *accepted = indicated;
        seen.Set();
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(peer.SendAll(Payload(64, 70)));
  if (expect_none) {
    EXPECT_FALSE(seen.Wait(kExpectNoCompletion))
        << "the accepted socket's WskReceiveEvent was called though no "
           "callback of it was enabled";
  } else {
    EXPECT_TRUE(seen.Wait(kExpectCompletion))
        << "the accepted socket's WskReceiveEvent was not called";
  }
  ::testing::Mock::VerifyAndClearExpectations(mock);
}

// The accept event hands the socket to `accepted` with its mock's table.
void AcceptInto(MockedSocket& listener, AcceptedSocket& accepted, Signal& called) {
  EXPECT_CALL(*listener.mock, Accept(_, _, _, _, _, _))
      .WillOnce([&](ULONG, PSOCKADDR, PSOCKADDR, PWSK_SOCKET socket,
                    PVOID* context,
                    const WSK_CLIENT_CONNECTION_DISPATCH** dispatch) {
        accepted.owner.Adopt(socket, SocketCategory::kConnection);
        *context = accepted.mock->context();
        *dispatch = accepted.mock->connection_dispatch();
        called.Set();
        return STATUS_SUCCESS;
      });
}

void AcceptEventSocketInheritsCallbacks(const CaseInfo& info, bool reenable) {
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Signal called;
  MockedSocket listener(session);
  AcceptedSocket accepted(session);
  AcceptInto(listener, accepted, called);
  uint16_t port = 0;
  ASSERT_TRUE(MockedListener(listener, info, WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE,
                             &port));
  if (reenable) {
    ASSERT_TRUE(Enable(listener.socket, WSK_EVENT_ACCEPT | WSK_EVENT_DISABLE));
    ASSERT_TRUE(Enable(listener.socket, WSK_EVENT_ACCEPT));
  }
  HostConnection peer = ConnectPeer(info, port);
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(called.Wait(kExpectCompletion)) << "WskAcceptEvent was not called";
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskAcceptEvent");
  ExpectReceiveEvents(accepted.mock, peer, false);
}

}  // namespace

void AcceptEventPropagates(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  AcceptEventSocketInheritsCallbacks(info, false);
}

void AcceptEventPropagatesAfterReenable(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  AcceptEventSocketInheritsCallbacks(info, true);
}

namespace {

// WskAccept with `accepted`'s mock as the socket's client; the listener has
// `listener_events` enabled.
void AcceptWithIrp(const CaseInfo& info, ULONG listener_events,
                   bool enable_on_accepted) {
  WSKCONF_OPEN_SESSION(session);
  MockedSocket listener(session);
  AcceptedSocket accepted(session);
  EXPECT_CALL(*listener.mock, Accept(_, _, _, _, _, _)).Times(0);
  uint16_t port = 0;
  ASSERT_TRUE(MockedListener(listener, info, listener_events, &port));
  SOCKADDR_STORAGE local{};
  SOCKADDR_STORAGE remote{};
  TrackedIrp irp("WskAccept");
  const NTSTATUS returned = internal::FunctionsOf(listener.socket).Accept(
      listener.socket.get(), 0, accepted.mock->context(),
      accepted.mock->connection_dispatch(), reinterpret_cast<PSOCKADDR>(&local),
      reinterpret_cast<PSOCKADDR>(&remote), irp.irp());
  HostConnection peer = ConnectPeer(info, port);
  ASSERT_TRUE(peer.ok());
  const CallOutcome done = internal::Finish(irp, returned);
  ASSERT_TRUE(done.ok);
  if (!ExpectClauseStatus(info, done.status, "WskAccept")) return;
  accepted.owner.Adopt(reinterpret_cast<PWSK_SOCKET>(done.information),
                       SocketCategory::kConnection);
  ASSERT_NE(accepted.owner.get(), nullptr) << "WskAccept delivered no socket";
  if (enable_on_accepted) {
    ASSERT_TRUE(Enable(accepted.owner, WSK_EVENT_RECEIVE));
  }
  ExpectReceiveEvents(accepted.mock, peer, !enable_on_accepted);
}

}  // namespace

void WskAcceptSocketStartsDisabled(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  AcceptWithIrp(info, WSK_EVENT_RECEIVE, false);
}

void WskAcceptContextUsed(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  AcceptWithIrp(info, 0, true);
}

void QueuedAcceptBeforeAcceptEvent(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  AcceptWithIrp(info, WSK_EVENT_ACCEPT, false);
}

void AcceptEventReject(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Signal called;
  MockedSocket listener(session);
  EXPECT_CALL(*listener.mock, Accept(_, _, _, _, _, _))
      .WillOnce([&](ULONG, PSOCKADDR, PSOCKADDR, PWSK_SOCKET, PVOID*,
                    const WSK_CLIENT_CONNECTION_DISPATCH**) {
        called.Set();
        return STATUS_REQUEST_NOT_ACCEPTED;
      });
  uint16_t port = 0;
  ASSERT_TRUE(MockedListener(listener, info, WSK_EVENT_ACCEPT, &port));
  HostConnection peer = ConnectPeer(info, port);
  ASSERT_TRUE(called.Wait(kExpectCompletion)) << "WskAcceptEvent was not called";
  ExpectClauseStatus(info, STATUS_REQUEST_NOT_ACCEPTED, "WskAcceptEvent's answer");
  // The close may come so fast that the peer's connect already fails.
  if (!peer.ok()) return;
  const PeerEnd end = peer.WaitForEnd(kExpectCompletion);
  EXPECT_TRUE(end == PeerEnd::kReset || end == PeerEnd::kOrderly)
      << "the rejected connection was not closed: the peer saw "
      << PeerEndName(end);
}

// ---- Datagram sockets. ----

namespace {

struct MockedDatagram {
  explicit MockedDatagram(WskClientSession& session, const CaseInfo& info)
      : s(session), peer(internal::IsIpv6(info.address_family)) {}
  ::testing::AssertionResult Open(const CaseInfo& info) {
    auto created = CreateWithMock(s, info);
    if (!created) return created;
    const CallOutcome bound =
        internal::BindTo(s.socket, LoopbackAddress(info.address_family));
    if (!bound.ok || bound.status != STATUS_SUCCESS) {
      return ::testing::AssertionFailure() << "precondition: WskBind failed";
    }
    SOCKADDR_STORAGE local;
    const CallOutcome query = internal::GetLocalAddress(s.socket, &local);
    if (!query.ok) return query.ok;
    port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
    return ::testing::AssertionSuccess();
  }
  MockedSocket s;
  HostUdpSocket peer;
  uint16_t port = 0;
};

std::string DatagramBytes(PWSK_DATAGRAM_INDICATION d) {
  WSK_DATA_INDICATION as_data{nullptr, d->Buffer};
  return internal::IndicationBytes(&as_data);
}

}  // namespace

void ReceiveFromEventOnDatagram(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Signal seen;
  std::mutex mu;
  std::string got;
  ULONG flags = 0;
  MockedDatagram d(session, info);
  ASSERT_TRUE(d.Open(info));
  EXPECT_CALL(*d.s.mock, ReceiveFrom(_, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG f, PWSK_DATAGRAM_INDICATION list) {
        std::lock_guard<std::mutex> lock(mu);
        flags |= f;
        if (list != nullptr && got.empty()) got = DatagramBytes(list);
        seen.Set();
        return STATUS_SUCCESS;
      });
  const CallOutcome enabled = EnableEvents(d.s.socket, WSK_EVENT_RECEIVE_FROM);
  ASSERT_TRUE(enabled.ok);
  if (!ExpectClauseStatus(info, enabled.status, "enabling WSK_EVENT_RECEIVE_FROM",
                          StatusClass::kSuccessOrPending)) {
    return;
  }
  const std::string data = Payload(90, 71);
  ASSERT_TRUE(d.peer.SendTo(d.port, data));
  ASSERT_TRUE(seen.Wait(kExpectCompletion)) << "WskReceiveFromEvent not called";
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(got, data);
  EXPECT_EQ(flags & (MSG_BCAST | MSG_MCAST), 0u)
      << "a unicast datagram was indicated with MSG_BCAST or MSG_MCAST (Flags 0x"
      << std::hex << flags << ")";
}

void ReceiveFromEventRetainedList(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  std::atomic<PWSK_DATAGRAM_INDICATION> retained{nullptr};
  Signal first_seen;
  Signal again;
  MockedDatagram d(session, info);
  ASSERT_TRUE(d.Open(info));
  EXPECT_CALL(*d.s.mock, ReceiveFrom(_, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATAGRAM_INDICATION list) {
        if (list == nullptr) return STATUS_SUCCESS;
        if (retained.load() == nullptr) {
          retained = list;
          first_seen.Set();
          return STATUS_PENDING;
        }
        again.Set();
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(Enable(d.s.socket, WSK_EVENT_RECEIVE_FROM));
  const std::string first = Payload(70, 72);
  ASSERT_TRUE(d.peer.SendTo(d.port, first));
  ASSERT_TRUE(first_seen.Wait(kExpectCompletion)) << "no indication came";
  ASSERT_EQ(DatagramBytes(retained.load()), first);
  ASSERT_TRUE(d.peer.SendTo(d.port, Payload(50, 73)));
  EXPECT_TRUE(again.Wait(kExpectCompletion))
      << "no indication came while the client retained a list";
  EXPECT_EQ(DatagramBytes(retained.load()), first)
      << "the provider changed a list the client still holds";
  const NTSTATUS released =
      d.s.socket.table<WSK_PROVIDER_DATAGRAM_DISPATCH>()->WskRelease(
          d.s.socket.get(), retained.load());
  internal::ExpectAnswerOrStatus(info, STATUS_PENDING, released,
                                 "WskRelease of the retained list");
}

void ReceiveFromEventNotAccepted(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  std::atomic<int> stage{0};
  Signal refused;
  Signal early;
  Signal resumed;
  const std::string second = Payload(40, 75);
  MockedDatagram d(session, info);
  ASSERT_TRUE(d.Open(info));
  EXPECT_CALL(*d.s.mock, ReceiveFrom(_, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATAGRAM_INDICATION list) {
        if (list == nullptr) return STATUS_SUCCESS;
        if (stage.load() == 0) {
          stage = 1;
          refused.Set();
          return STATUS_DATA_NOT_ACCEPTED;
        }
        if (stage.load() == 1) early.Set();
        for (auto* d2 = list; d2 != nullptr; d2 = d2->Next) {
          if (DatagramBytes(d2) == second) resumed.Set();
        }
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(Enable(d.s.socket, WSK_EVENT_RECEIVE_FROM));
  ASSERT_TRUE(d.peer.SendTo(d.port, Payload(30, 74)));
  ASSERT_TRUE(refused.Wait(kExpectCompletion)) << "no indication came";
  ExpectClauseStatus(info, STATUS_DATA_NOT_ACCEPTED, "the callback's answer");
  ASSERT_TRUE(d.peer.SendTo(d.port, second));
  EXPECT_FALSE(early.Wait(kExpectNoCompletion))
      << "WskReceiveFromEvent was called again after STATUS_DATA_NOT_ACCEPTED "
         "without being enabled again";
  stage = 2;
  ASSERT_TRUE(Enable(d.s.socket, WSK_EVENT_RECEIVE_FROM));
  EXPECT_TRUE(resumed.Wait(kExpectCompletion))
      << "the datagram that arrived while disabled was not indicated after "
         "enabling again";
}

void QueuedReceiveFromBeforeEvent(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedDatagram d(session, info);
  ASSERT_TRUE(d.Open(info));
  EXPECT_CALL(*d.s.mock, ReceiveFrom(_, _)).Times(0);
  ASSERT_TRUE(Enable(d.s.socket, WSK_EVENT_RECEIVE_FROM));
  MdlBuffer buffer(256);
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE from{};
  TrackedIrp irp("WskReceiveFrom");
  const NTSTATUS returned =
      d.s.socket.table<WSK_PROVIDER_DATAGRAM_DISPATCH>()->WskReceiveFrom(
          d.s.socket.get(), &buf, 0, reinterpret_cast<PSOCKADDR>(&from),
          nullptr, nullptr, nullptr, irp.irp());
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  const std::string data = Payload(44, 76);
  ASSERT_TRUE(d.peer.SendTo(d.port, data));
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  if (!ExpectClauseStatus(info, received.status, "the queued WskReceiveFrom")) {
    return;
  }
  EXPECT_EQ(buffer.Contents(received.information), data);
}

}  // namespace wskconf::conformance::checks
