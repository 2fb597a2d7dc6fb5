// Check helpers for turning event callbacks on and off (spec/events.xml,
// options.xml SO_WSK_EVENT_CALLBACK, socket-basic.xml Close.*): disabling
// or closing while a callback runs, callbacks enabled statically with
// WSK_SET_STATIC_EVENT_CALLBACKS, WskSendBacklogEvent.
#include <condition_variable>
#include <mutex>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/event_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ConnectWithMock;
using internal::CreateWithMock;
using internal::EnableEvents;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::MockedSocket;
using internal::Payload;
using internal::Signal;
using ::testing::_;
using ::testing::AnyNumber;

namespace {

// How long a blocked callback waits for the case to let it go; the case
// releases it long before unless the provider deadlocked against it.
constexpr std::chrono::milliseconds kHoldCallback{3000};

// Holds the first WskReceiveEvent call inside the callback until Release().
// A host mutex, not a KEVENT: the callback runs at DISPATCH_LEVEL, where a
// kernel wait is itself a rule violation.
class HeldCallback {
 public:
  NTSTATUS Hold() {
    entered_.Set();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, kHoldCallback, [this] { return released_; });
    returned_ = true;
    return STATUS_SUCCESS;
  }
  bool WaitEntered() { return entered_.Wait(kExpectCompletion); }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }
  bool returned() const { return returned_.load(); }

 private:
  Signal entered_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::atomic<bool> returned_{false};
};

// A connected mocked socket whose first receive indication is held.
struct Running {
  explicit Running(WskClientSession& session) : s(session) {}
  // Members the callback uses come first: they outlive the socket.
  HeldCallback held;
  std::atomic<int> calls{0};
  ::testing::AssertionResult Start(const CaseInfo& info) {
    auto connected = ConnectWithMock(s, info, &pair);
    if (!connected) return connected;
    EXPECT_CALL(*s.mock, Receive(_, _, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([this](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                               SIZE_T* accepted) {
          if (list != nullptr) *accepted = indicated;
          if (calls.fetch_add(1) == 0) return held.Hold();
          return STATUS_SUCCESS;
        });
    const CallOutcome enabled = EnableEvents(s.socket, WSK_EVENT_RECEIVE);
    if (!enabled.ok) return enabled.ok;
    if (!NT_SUCCESS(enabled.status)) {
      return ::testing::AssertionFailure() << "precondition: enabling gave "
                                           << StatusText(enabled.status);
    }
    if (!pair.peer.SendAll(Payload(50, 80))) {
      return ::testing::AssertionFailure() << "the peer could not send";
    }
    if (!held.WaitEntered()) {
      return ::testing::AssertionFailure() << "WskReceiveEvent was not called";
    }
    return ::testing::AssertionSuccess();
  }
  MockedSocket s;
  internal::ConnectedPair pair;
};

NTSTATUS StartDisable(const WskSocketOwner& socket, PIRP irp,
                      WSK_EVENT_CALLBACK_CONTROL* control) {
  *control = {&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE};
  return socket.basic()->WskControlSocket(
      socket.get(), WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET,
      sizeof *control, control, 0, nullptr, nullptr, irp);
}

}  // namespace

void DisableWhileCallbackRunsWithIrp(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Running r(session);
  ASSERT_TRUE(r.Start(info));
  WSK_EVENT_CALLBACK_CONTROL control;
  TrackedIrp irp("SO_WSK_EVENT_CALLBACK disable");
  const NTSTATUS returned = StartDisable(r.s.socket, irp.irp(), &control);
  ExpectClauseStatus(info, returned, "disabling a running callback with an IRP");
  EXPECT_TRUE(irp.ExpectStillPending(returned))
      << "the disable completed while the callback was still running";
  r.held.Release();
  const CallOutcome done = internal::Finish(irp, returned);
  ASSERT_TRUE(done.ok);
  EXPECT_EQ(done.status, STATUS_SUCCESS);
  EXPECT_TRUE(r.held.returned()) << "the disable completed before the callback returned";
}

void DisableWhileCallbackRunsNoIrp(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Running r(session);
  ASSERT_TRUE(r.Start(info));
  WSK_EVENT_CALLBACK_CONTROL control;
  const NTSTATUS returned = StartDisable(r.s.socket, nullptr, &control);
  r.held.Release();
  ExpectClauseStatus(info, returned, "disabling a running callback, Irp NULL");
}

void CloseWhileCallbackRuns(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Running r(session);
  ASSERT_TRUE(r.Start(info));
  PWSK_SOCKET socket = r.s.socket.get();
  const auto* basic = r.s.socket.basic();
  r.s.socket.Adopt(nullptr, SocketCategory::kNone);
  TrackedIrp irp("WskCloseSocket");
  const NTSTATUS returned = basic->WskCloseSocket(socket, irp.irp());
  EXPECT_TRUE(irp.ExpectStillPending(returned))
      << "the close completed while a callback for the socket was running";
  r.held.Release();
  const CallOutcome closed = internal::Finish(irp, returned);
  ASSERT_TRUE(closed.ok);
  ExpectClauseStatus(info, closed.status, "WskCloseSocket");
  EXPECT_TRUE(r.held.returned()) << "the close completed before the callback returned";
}

void RequestDuringClose(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Running r(session);
  ASSERT_TRUE(r.Start(info));
  PWSK_SOCKET socket = r.s.socket.get();
  const auto receive = internal::FunctionsOf(r.s.socket).Receive;
  const auto* basic = r.s.socket.basic();
  r.s.socket.Adopt(nullptr, SocketCategory::kNone);
  TrackedIrp close_irp("WskCloseSocket");
  const NTSTATUS close_returned = basic->WskCloseSocket(socket, close_irp.irp());
  const bool close_pending = close_returned == STATUS_PENDING &&
                             !close_irp.WaitForCompletion(kExpectNoCompletion);
  if (close_pending) {
    // The close has started and waits for the callback: a request now races it.
    MdlBuffer buffer(64);
    WSK_BUF buf = buffer.Buf();
    TrackedIrp irp("WskReceive during WskCloseSocket");
    const NTSTATUS raced_returned = receive(socket, &buf, 0, irp.irp());
    // The callback goes on before the wait: a provider may complete the
    // request from the thread the held callback occupies (the reference's
    // pend policy does), so waiting first would wait for ever.
    r.held.Release();
    const CallOutcome raced = internal::Finish(irp, raced_returned);
    EXPECT_TRUE(raced.ok);
    if (raced.ok) ExpectClauseStatus(info, raced.status, "WskReceive during the close");
  } else {
    r.held.Release();
    ADD_FAILURE() << "precondition: the close did not wait for the running "
                     "callback, so no request could race it";
  }
  EXPECT_TRUE(internal::Finish(close_irp, close_returned).ok);
}

// ---- Static callbacks (WskControlClient WSK_SET_STATIC_EVENT_CALLBACKS). ----

namespace {

::testing::AssertionResult SetStatic(WskClientSession& session, ULONG mask) {
  WSK_EVENT_CALLBACK_CONTROL control{&NPI_WSK_INTERFACE_ID, mask};
  const NTSTATUS status = session.dispatch()->WskControlClient(
      session.client(), WSK_SET_STATIC_EVENT_CALLBACKS, sizeof control, &control,
      0, nullptr, nullptr, nullptr);
  if (status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "WskControlClient(WSK_SET_STATIC_EVENT_CALLBACKS) gave "
           << StatusText(status);
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

void StaticReceiveEvent(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Signal seen;
  ASSERT_TRUE(SetStatic(session, WSK_EVENT_RECEIVE | WSK_EVENT_RECEIVE_FROM));
  MockedSocket s(session);
  internal::ConnectedPair pair;
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (list != nullptr) *accepted = indicated;
        seen.Set();
        return STATUS_SUCCESS;
      });
  // The mask's datagram flag does not apply to a connection socket.
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  ASSERT_TRUE(pair.peer.SendAll(Payload(40, 81)));
  EXPECT_TRUE(seen.Wait(kExpectCompletion))
      << "WskReceiveEvent was not called on a socket created after "
         "WSK_SET_STATIC_EVENT_CALLBACKS named it";
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskReceiveEvent");
}

void StaticReceiveFromNotAccepted(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  std::atomic<int> calls{0};
  Signal first;
  Signal second;
  ASSERT_TRUE(SetStatic(session, WSK_EVENT_RECEIVE_FROM));
  MockedSocket s(session);
  HostUdpSocket peer(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(CreateWithMock(s, info));
  ASSERT_TRUE(internal::BindTo(s.socket, LoopbackAddress(info.address_family)).ok);
  SOCKADDR_STORAGE local;
  ASSERT_TRUE(internal::GetLocalAddress(s.socket, &local).ok);
  const uint16_t port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
  EXPECT_CALL(*s.mock, ReceiveFrom(_, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATAGRAM_INDICATION) {
        if (calls.fetch_add(1) == 0) {
          first.Set();
          return STATUS_DATA_NOT_ACCEPTED;
        }
        second.Set();
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(peer.SendTo(port, Payload(20, 82)));
  ASSERT_TRUE(first.Wait(kExpectCompletion)) << "no indication came";
  // A datagram that arrives after the refusal is indicated again.
  ASSERT_TRUE(peer.SendTo(port, Payload(20, 83)));
  EXPECT_TRUE(second.Wait(kExpectCompletion))
      << "a statically enabled WskReceiveFromEvent was not called again after "
         "it returned STATUS_DATA_NOT_ACCEPTED";
  ExpectClauseStatus(info, STATUS_DATA_NOT_ACCEPTED, "the first answer");
}

void SendBacklogEventMatchesQuery(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Signal seen;
  std::atomic<SIZE_T> reported{0};
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  EXPECT_CALL(*s.mock, SendBacklog(_)).Times(AnyNumber()).WillRepeatedly([&](SIZE_T size) {
    reported = size;
    seen.Set();
    return STATUS_SUCCESS;
  });
  const CallOutcome enabled = EnableEvents(s.socket, WSK_EVENT_SEND_BACKLOG);
  ASSERT_TRUE(enabled.ok);
  if (!ExpectClauseStatus(info, enabled.status, "enabling WSK_EVENT_SEND_BACKLOG",
                          StatusClass::kSuccessOrPending)) {
    return;
  }
  // Traffic gives the transport a figure to report (the first one counts as
  // a change from "unknown").
  const std::string data = Payload(64 * 1024, 84);
  MdlBuffer buffer(data);
  ASSERT_TRUE(internal::Send(s.socket, buffer, data.size()).ok);
  ASSERT_TRUE(seen.Wait(kExpectCompletion)) << "WskSendBacklogEvent was not called";
  EXPECT_GT(reported.load(), 0u) << "IdealBacklogSize 0";
  SIZE_T queried = 0;
  const CallOutcome query = internal::Ioctl(
      s.socket, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, nullptr, 0, &queried, sizeof queried);
  ASSERT_TRUE(query.ok);
  ASSERT_EQ(query.status, STATUS_SUCCESS)
      << "SIO_WSK_QUERY_IDEAL_SEND_BACKLOG gave " << StatusText(query.status);
  EXPECT_EQ(queried, reported.load())
      << "the query right after the callback reports another size";
}

}  // namespace wskconf::conformance::checks
