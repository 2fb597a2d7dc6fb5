// Check helpers for socket event callbacks, with GMock mocks as the client
// (spec/events.xml, options.xml SO_WSK_EVENT_CALLBACK).
#include <memory>

#include "checks/check_support.h"
#include "checks/event_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"
#include "wskconf/conformance/event_mocks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;
using ::testing::_;
using ::testing::AnyNumber;

using internal::ConnectWithMock;
using internal::CreateWithMock;
using internal::EnableEvents;
using internal::IndicationTotal;
using internal::MockedSocket;

void ReceiveEventOnData(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  KEVENT all_seen;
  KeInitializeEvent(&all_seen, NotificationEvent, FALSE);
  const std::string data = Payload(700, 16);
  std::atomic<SIZE_T> seen{0};
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        EXPECT_EQ(indicated, IndicationTotal(list))
            << "BytesIndicated is not the total of the indication list";
        if (list == nullptr) return STATUS_SUCCESS;
        *accepted = indicated;
        if ((seen += indicated) >= data.size()) {
          KeSetEvent(&all_seen, IO_NO_INCREMENT, FALSE);
        }
        return STATUS_SUCCESS;
      });
  const CallOutcome enabled = EnableEvents(s.socket, WSK_EVENT_RECEIVE);
  ASSERT_TRUE(enabled.ok);
  if (!ExpectClauseStatus(info, enabled.status,
                          "SO_WSK_EVENT_CALLBACK enabling WSK_EVENT_RECEIVE",
                          StatusClass::kSuccessOrPending)) {
    return;
  }
  ASSERT_TRUE(pair.peer.SendAll(data));
  EXPECT_TRUE(WaitForEvent(&all_seen, kExpectCompletion))
      << "WskReceiveEvent indicated " << seen.load() << " of " << data.size()
      << " bytes the peer sent";
}

void NoReceiveEventUntilEnabled(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  EXPECT_CALL(*s.mock, Receive(_, _, _, _)).Times(0);
  const std::string data = Payload(50, 17);
  ASSERT_TRUE(pair.peer.SendAll(data));
  // The data arrived (a receive gets it), and no callback was made for it.
  MdlBuffer buffer(128);
  WSK_BUF buf = buffer.Buf();
  TrackedIrp irp("WskReceive");
  const CallOutcome received = internal::Finish(
      irp, internal::FunctionsOf(s.socket).Receive(s.socket.get(), &buf, 0,
                                                   irp.irp()));
  ASSERT_TRUE(received.ok);
  ExpectClauseStatus(info, received.status, "WskReceive");
  EXPECT_EQ(s.mock->calls(), 0) << "a callback was made although none is enabled";
}

namespace {

void DisconnectEvent(const CaseInfo& info, bool abortive) {
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  KEVENT called;
  KeInitializeEvent(&called, NotificationEvent, FALSE);
  std::atomic<ULONG> flags{0xFFFFFFFF};
  EXPECT_CALL(*s.mock, Disconnect(_)).WillOnce([&](ULONG f) {
    flags = f;
    KeSetEvent(&called, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
  });
  const CallOutcome enabled = EnableEvents(s.socket, WSK_EVENT_DISCONNECT);
  ASSERT_TRUE(enabled.ok);
  ASSERT_TRUE(NT_SUCCESS(enabled.status))
      << "enabling WSK_EVENT_DISCONNECT gave " << StatusText(enabled.status);
  if (abortive) {
    pair.peer.CloseWithReset();
  } else {
    pair.peer.ShutdownSend();
  }
  ASSERT_TRUE(WaitForEvent(&called, kExpectCompletion))
      << "WskDisconnectEvent was not called after the peer's "
      << (abortive ? "reset" : "graceful close");
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskDisconnectEvent");
  EXPECT_EQ((flags.load() & WSK_FLAG_ABORTIVE) != 0, abortive)
      << "Flags 0x" << std::hex << flags.load();
}

}  // namespace

void DisconnectEventGraceful(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  DisconnectEvent(info, false);
}

void DisconnectEventAbortive(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  DisconnectEvent(info, true);
}

void AcceptEventOnConnect(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  ASSERT_TRUE(CreateWithMock(s, info));
  const CallOutcome bound =
      internal::BindTo(s.socket, LoopbackAddress(info.address_family));
  ASSERT_TRUE(bound.ok);
  ASSERT_EQ(bound.status, STATUS_SUCCESS);
  KEVENT called;
  KeInitializeEvent(&called, NotificationEvent, FALSE);
  std::atomic<PWSK_SOCKET> accepted{nullptr};
  EXPECT_CALL(*s.mock, Accept(_, _, _, _, _, _))
      .WillOnce([&](ULONG, PSOCKADDR local, PSOCKADDR remote,
                    PWSK_SOCKET socket, PVOID* context,
                    const WSK_CLIENT_CONNECTION_DISPATCH** dispatch) {
        EXPECT_EQ(local->sa_family, info.address_family);
        EXPECT_EQ(remote->sa_family, info.address_family);
        *context = nullptr;
        *dispatch = nullptr;
        accepted = socket;
        KeSetEvent(&called, IO_NO_INCREMENT, FALSE);
        return STATUS_SUCCESS;
      });
  const CallOutcome enabled = EnableEvents(s.socket, WSK_EVENT_ACCEPT);
  ASSERT_TRUE(enabled.ok);
  ASSERT_TRUE(NT_SUCCESS(enabled.status))
      << "enabling WSK_EVENT_ACCEPT gave " << StatusText(enabled.status);
  if (info.category == SocketCategory::kStream) {
    const CallOutcome listened = internal::Listen(s.socket);
    ASSERT_TRUE(listened.ok);
    ASSERT_EQ(listened.status, STATUS_SUCCESS);
  }
  SOCKADDR_STORAGE local;
  ASSERT_TRUE(internal::GetLocalAddress(s.socket, &local).ok);
  HostConnection peer = HostConnection::Connect(
      internal::IsIpv6(info.address_family),
      PortOf(reinterpret_cast<SOCKADDR*>(&local)), kExpectCompletion);
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(WaitForEvent(&called, kExpectCompletion))
      << "WskAcceptEvent was not called for the peer's connection";
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskAcceptEvent");
  ASSERT_NE(accepted.load(), nullptr) << "WskAcceptEvent got no AcceptSocket";
  WskSocketOwner owner(session);
  owner.Adopt(accepted.load(), SocketCategory::kConnection);
}

}  // namespace wskconf::conformance::checks
