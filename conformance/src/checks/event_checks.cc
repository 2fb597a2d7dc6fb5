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
using ::testing::Return;

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

namespace {

// A second connected socket of the case's kind whose WskReceiveEvent is
// enabled: Pass() has its peer send one byte and waits until the callback
// was given it.
class ReceiveFence {
 public:
  explicit ReceiveFence(WskClientSession& session) : s_(session) {}

  ::testing::AssertionResult Arm(const CaseInfo& info) {
    auto connected = ConnectWithMock(s_, info, &pair_);
    if (!connected) return connected;
    std::shared_ptr<internal::Signal> seen = seen_;  // outlives a leaked mock
    EXPECT_CALL(*s_.mock, Receive(_, _, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([seen](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                               SIZE_T* accepted) {
          if (list == nullptr) return STATUS_SUCCESS;
          *accepted = indicated;
          seen->Set();
          return STATUS_SUCCESS;
        });
    const CallOutcome enabled = EnableEvents(s_.socket, WSK_EVENT_RECEIVE);
    if (!enabled.ok) return enabled.ok;
    if (!NT_SUCCESS(enabled.status)) {
      return ::testing::AssertionFailure()
             << "precondition: enabling WSK_EVENT_RECEIVE on a second socket gave "
             << StatusText(enabled.status);
    }
    return ::testing::AssertionSuccess();
  }

  ::testing::AssertionResult Pass() {
    if (!pair_.peer.SendAll("f")) {
      return ::testing::AssertionFailure() << "the second socket's peer could not send";
    }
    if (seen_->Wait(kExpectCompletion)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "precondition: the WskReceiveEvent enabled on a second socket was not "
              "given the byte its peer sent";
  }

 private:
  std::shared_ptr<internal::Signal> seen_ = std::make_shared<internal::Signal>();
  internal::ConnectedPair pair_;
  MockedSocket s_;
};

// WskReceive calls on `socket` until `count` bytes came (or one fails or
// brings nothing); the bytes.
std::string ReceiveCount(const CaseInfo& info, const WskSocketOwner& socket, size_t count) {
  std::string got;
  for (int call = 0; call < 8 && got.size() < count; ++call) {
    MdlBuffer buffer(count - got.size());
    WSK_BUF buf = buffer.Buf();
    TrackedIrp irp("WskReceive");
    const CallOutcome received = internal::Finish(
        irp, internal::FunctionsOf(socket).Receive(socket.get(), &buf, 0, irp.irp()));
    EXPECT_TRUE(received.ok);
    if (!received.ok || !ExpectClauseStatus(info, received.status, "WskReceive") ||
        received.information == 0) {
      break;
    }
    got += buffer.Contents(received.information);
  }
  return got;
}

// The WskReceive that takes the head of the data: fewer bytes than the peer
// sends, so some are left over once it completes.
constexpr size_t kHeadBytes = 10;

}  // namespace

// Whether the provider calls a callback nobody enabled shows only once it
// has dealt with the data that would trigger it, and a correct provider
// shows nothing then. The case makes that moment observable without a
// timed wait: a WskReceive pended before the data comes takes its head, so
// the provider handles the arrival with bytes left over for a callback;
// only after that completion does a second socket, whose WskReceiveEvent is
// enabled, get a byte, and the case waits for that callback. A provider
// that handles arrivals one after another on one thread (the reference's
// event loop does) has by then decided about the leftover bytes. The verdict for a correct provider does not depend on
// that order.
void NoReceiveEventUntilEnabled(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  // Declined, so the bytes stay for the WskReceive calls below.
  ON_CALL(*s.mock, Receive(_, _, _, _)).WillByDefault(Return(STATUS_DATA_NOT_ACCEPTED));
  EXPECT_CALL(*s.mock, Receive(_, _, _, _)).Times(0);
  ReceiveFence fence(session);
  ASSERT_TRUE(fence.Arm(info));
  const std::string data = Payload(50, 17);
  MdlBuffer head(kHeadBytes);
  WSK_BUF head_buf = head.Buf();
  TrackedIrp head_irp("WskReceive");
  const NTSTATUS returned = internal::FunctionsOf(s.socket).Receive(
      s.socket.get(), &head_buf, 0, head_irp.irp());
  ASSERT_TRUE(pair.peer.SendAll(data));
  const CallOutcome first = internal::Finish(head_irp, returned);
  ASSERT_TRUE(first.ok);
  if (!ExpectClauseStatus(info, first.status, "WskReceive")) return;
  ASSERT_LE(first.information, kHeadBytes) << "a WskReceive of " << kHeadBytes
                                           << " bytes reported more";
  ASSERT_TRUE(fence.Pass());
  EXPECT_EQ(s.mock->calls(), 0) << "a callback was made although none is enabled";
  // The data arrived (receives get all of it), and no callback was made for it.
  const std::string rest =
      ReceiveCount(info, s.socket, data.size() - first.information);
  EXPECT_EQ(head.Contents(first.information) + rest, data)
      << "the receives did not get the bytes the peer sent";
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
