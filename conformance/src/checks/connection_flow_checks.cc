// Check helpers for connection-oriented sockets beyond one send and one
// receive (spec/socket-connection.xml, socket-listen.xml, socket-basic.xml,
// events.xml): WskConnectEx, what a stream socket commits to, WSK_FLAG_DRAIN,
// disconnects with data queued, and traffic after the peer's end.
#include <cstring>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

// More than loopback TCP buffers hold while the peer reads nothing, so a
// send of it stays pending (Linux autotunes to a few MiB at most).
constexpr size_t kBacklogBytes = 48u << 20;
// How long the peer may take to read kBacklogBytes on a loaded machine.
constexpr std::chrono::seconds kReadBacklog{20};

// WskConnectEx to a host listener with `buffer` (NULL when empty optional).
struct ConnectExRun {
  CallOutcome outcome;
  std::unique_ptr<HostTcpListener> listener;
  HostConnection peer;
};

ConnectExRun ConnectEx(WskSocketOwner& socket, const CaseInfo& info,
                       const std::string* data, ULONG flags) {
  ConnectExRun run;
  run.listener = std::make_unique<HostTcpListener>(
      internal::IsIpv6(info.address_family));
  auto bound =
      internal::CreateBound(socket, info.category, info.address_family);
  if (!bound) {
    run.outcome.ok = bound;
    return run;
  }
  const auto f = internal::FunctionsOf(socket);
  if (f.ConnectEx == nullptr) {
    run.outcome.ok = ::testing::AssertionFailure()
                     << "the socket's dispatch table has no WskConnectEx";
    return run;
  }
  std::unique_ptr<MdlBuffer> buffer;
  WSK_BUF buf{};
  if (data != nullptr) {
    buffer = std::make_unique<MdlBuffer>(*data);
    buf = buffer->Buf();
  }
  SOCKADDR_STORAGE remote =
      LoopbackAddress(info.address_family, run.listener->port());
  TrackedIrp irp("WskConnectEx");
  run.outcome = internal::Finish(
      irp, f.ConnectEx(socket.get(), reinterpret_cast<PSOCKADDR>(&remote),
                       data != nullptr ? &buf : nullptr, flags, irp.irp()));
  if (run.outcome.ok && run.outcome.status == STATUS_SUCCESS) {
    run.peer = run.listener->Accept(kExpectCompletion);
  }
  return run;
}

}  // namespace

void ConnectExNonZeroFlags(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  const ConnectExRun run = ConnectEx(socket, info, nullptr, 0x1);
  ASSERT_TRUE(run.outcome.ok);
  ExpectClauseStatus(info, run.outcome.status, "WskConnectEx with Flags 0x1");
}

void ConnectExOversizedBuffer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  const std::string data = Payload(65536, 40);
  const ConnectExRun run = ConnectEx(socket, info, &data, 0);
  ASSERT_TRUE(run.outcome.ok);
  ExpectClauseStatus(info, run.outcome.status,
                     "WskConnectEx with a 65,536-byte buffer");
}

namespace {

void ConnectExWithBuffer(const CaseInfo& info, size_t size) {
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  const std::string data = Payload(size, 41);
  ConnectExRun run = ConnectEx(socket, info, &data, 0);
  ASSERT_TRUE(run.outcome.ok);
  if (!ExpectClauseStatus(info, run.outcome.status, "WskConnectEx with a buffer",
                          StatusClass::kSuccess)) {
    return;
  }
  ASSERT_TRUE(run.peer.ok()) << "the host listener saw no connection";
  EXPECT_EQ(run.peer.Receive(data.size(), kExpectCompletion), data)
      << "the peer's first data is not the WskConnectEx buffer";
}

}  // namespace

void ConnectExMaxBuffer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  ConnectExWithBuffer(info, 65535);
}

void ConnectExSendsBuffer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  ConnectExWithBuffer(info, 300);
}

void ConnectExNoBuffer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ConnectExRun run = ConnectEx(socket, info, nullptr, 0);
  ASSERT_TRUE(run.outcome.ok);
  if (!ExpectClauseStatus(info, run.outcome.status, "WskConnectEx, Buffer NULL",
                          StatusClass::kSuccess)) {
    return;
  }
  ASSERT_TRUE(run.peer.ok()) << "the host listener saw no connection";
  // Connected as by WskConnect: no data came with it, and data flows.
  EXPECT_EQ(run.peer.WaitForEnd(kExpectNoCompletion), PeerEnd::kTimeout)
      << "the peer saw data or an end after a connect without a buffer";
  const std::string data = Payload(40, 42);
  MdlBuffer buffer(data);
  const CallOutcome sent = internal::Send(socket, buffer, data.size());
  ASSERT_TRUE(sent.ok);
  EXPECT_EQ(sent.status, STATUS_SUCCESS);
  EXPECT_EQ(run.peer.Receive(data.size(), kExpectCompletion), data);
}

namespace {

void ListenAfterConnectFails(const CaseInfo& info, bool with_connect_ex) {
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  if (with_connect_ex) {
    ConnectExRun run = ConnectEx(socket, info, nullptr, 0);
    ASSERT_TRUE(run.outcome.ok);
    ASSERT_EQ(run.outcome.status, STATUS_SUCCESS)
        << "precondition: WskConnectEx gave " << StatusText(run.outcome.status);
    pair.peer = std::move(run.peer);
  } else {
    ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  }
  const CallOutcome listened = internal::Listen(socket);
  ASSERT_TRUE(listened.ok);
  ExpectClauseStatus(info, listened.status, "WskListen on a connected stream socket",
                     StatusClass::kFailure);
}

}  // namespace

void ListenAfterConnect(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  ListenAfterConnectFails(info, false);
}

void ListenAfterConnectEx(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  ListenAfterConnectFails(info, true);
}

void ConnectAfterListen(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  const CallOutcome listened = internal::Listen(socket);
  ASSERT_TRUE(listened.ok);
  ASSERT_EQ(listened.status, STATUS_SUCCESS)
      << "precondition: WskListen gave " << StatusText(listened.status);
  HostTcpListener target(internal::IsIpv6(info.address_family));
  const CallOutcome connected = internal::ConnectTo(
      socket, LoopbackAddress(info.address_family, target.port()));
  ASSERT_TRUE(connected.ok);
  ExpectClauseStatus(info, connected.status, "WskConnect on a listening socket",
                     StatusClass::kFailure);
  MdlBuffer buffer(Payload(10, 43));
  const CallOutcome sent = internal::Send(socket, buffer, 10);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSend on a listening socket",
                     StatusClass::kFailure);
}

void ReceiveDrain(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  MdlBuffer buffer(std::string(256, '\xCC'));
  WSK_BUF buf = buffer.Buf();
  TrackedIrp irp("WskReceive(WSK_FLAG_DRAIN)");
  const NTSTATUS returned = internal::FunctionsOf(socket).Receive(
      socket.get(), &buf, WSK_FLAG_DRAIN, irp.irp());
  ExpectClauseStatus(info, returned, "WskReceive with WSK_FLAG_DRAIN");
  ASSERT_TRUE(pair.peer.SendAll(Payload(1000, 44)));
  ASSERT_TRUE(irp.ExpectStillPending(returned))
      << "a draining receive completed while the peer only sent data";
  pair.peer.ShutdownSend();
  const CallOutcome drained = internal::Finish(irp, returned);
  ASSERT_TRUE(drained.ok) << "the draining receive did not complete at the "
                             "peer's graceful disconnect";
  EXPECT_EQ(buffer.Contents(256), std::string(256, '\xCC'))
      << "WSK_FLAG_DRAIN copied data into Buffer";
}

void DisconnectWithFinalBuffer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  const std::string data = Payload(500, 45);
  MdlBuffer buffer(data);
  WSK_BUF buf = buffer.Buf();
  TrackedIrp irp("WskDisconnect with a buffer");
  const CallOutcome done = internal::Finish(
      irp, internal::FunctionsOf(socket).Disconnect(socket.get(), &buf, 0,
                                                    irp.irp()));
  ASSERT_TRUE(done.ok);
  if (!ExpectClauseStatus(info, done.status, "WskDisconnect with a buffer")) return;
  EXPECT_EQ(pair.peer.Receive(data.size(), kExpectCompletion), data)
      << "the peer did not get the final buffer";
  EXPECT_EQ(pair.peer.WaitForEnd(kExpectCompletion), PeerEnd::kOrderly)
      << "the peer saw no orderly end after the final buffer";
}

namespace {

// A connected socket with a send of kBacklogBytes pending: the peer reads
// nothing until the case says so.
struct Backlogged {
  explicit Backlogged(WskClientSession& session)
      : socket(session), data(Payload(kBacklogBytes, 46)), buffer(data),
        send_irp("WskSend (backlogged)") {}
  ::testing::AssertionResult Start(const CaseInfo& info) {
    auto connected =
        internal::Connect(socket, info.category, info.address_family, &pair);
    if (!connected) return connected;
    WSK_BUF buf = buffer.Buf();
    send_returned = internal::FunctionsOf(socket).Send(socket.get(), &buf, 0,
                                                       send_irp.irp());
    if (send_returned != STATUS_PENDING ||
        send_irp.WaitForCompletion(kExpectNoCompletion)) {
      return ::testing::AssertionFailure()
             << "precondition: a send of " << kBacklogBytes
             << " bytes to a peer that reads nothing did not stay pending ("
             << StatusText(send_returned) << ")";
    }
    return ::testing::AssertionSuccess();
  }
  WskSocketOwner socket;
  internal::ConnectedPair pair;
  std::string data;
  MdlBuffer buffer;
  TrackedIrp send_irp;
  NTSTATUS send_returned = STATUS_PENDING;
};

NTSTATUS StartDisconnect(const WskSocketOwner& socket, ULONG flags,
                         TrackedIrp& irp) {
  return internal::FunctionsOf(socket).Disconnect(socket.get(), nullptr, flags,
                                                  irp.irp());
}

}  // namespace

void GracefulDisconnectAfterQueuedSend(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Backlogged b(session);
  ASSERT_TRUE(b.Start(info));
  TrackedIrp disconnect("WskDisconnect (graceful)");
  const NTSTATUS returned = StartDisconnect(b.socket, 0, disconnect);
  ASSERT_TRUE(disconnect.ExpectStillPending(returned))
      << "the graceful disconnect completed while queued data was unsent";
  EXPECT_EQ(b.pair.peer.Receive(b.data.size(), kReadBacklog), b.data)
      << "the peer did not get all the queued data";
  EXPECT_EQ(b.pair.peer.WaitForEnd(kExpectCompletion), PeerEnd::kOrderly);
  const CallOutcome sent = internal::Finish(b.send_irp, b.send_returned);
  ASSERT_TRUE(sent.ok);
  EXPECT_EQ(sent.status, STATUS_SUCCESS);
  const CallOutcome done = internal::Finish(disconnect, returned);
  ASSERT_TRUE(done.ok);
  ExpectClauseStatus(info, done.status, "the graceful WskDisconnect");
}

void AbortiveDisconnectCancelsSend(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Backlogged b(session);
  ASSERT_TRUE(b.Start(info));
  TrackedIrp disconnect("WskDisconnect (abortive)");
  const CallOutcome done =
      internal::Finish(disconnect, StartDisconnect(b.socket, WSK_FLAG_ABORTIVE,
                                                   disconnect));
  ASSERT_TRUE(done.ok) << "the abortive disconnect waited for the pending send";
  const CallOutcome sent = internal::Finish(b.send_irp, b.send_returned);
  ASSERT_TRUE(sent.ok) << "the pending send was not completed by the abortive "
                          "disconnect";
  ExpectClauseStatus(info, sent.status, "the send pending at the abortive disconnect",
                     StatusClass::kFailure);
}

void AbortiveDisconnectForcesGraceful(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Backlogged b(session);
  ASSERT_TRUE(b.Start(info));
  TrackedIrp graceful("WskDisconnect (graceful)");
  const NTSTATUS returned = StartDisconnect(b.socket, 0, graceful);
  ASSERT_TRUE(graceful.ExpectStillPending(returned))
      << "precondition: the graceful disconnect did not wait for the queued data";
  TrackedIrp abortive("WskDisconnect (abortive)");
  const CallOutcome aborted = internal::Finish(
      abortive, StartDisconnect(b.socket, WSK_FLAG_ABORTIVE, abortive));
  ASSERT_TRUE(aborted.ok);
  const CallOutcome forced = internal::Finish(graceful, returned);
  ASSERT_TRUE(forced.ok) << "the stuck graceful disconnect was not forced to "
                            "complete by the abortive one";
  ExpectClauseStatus(info, forced.status, "the forced graceful disconnect",
                     StatusClass::kFailure);
  internal::Finish(b.send_irp, b.send_returned);
}

namespace {

// A WskReceive that completes at the peer's end: Information 0 / failure.
CallOutcome ReceiveOnce(const WskSocketOwner& socket, size_t size) {
  MdlBuffer buffer(size);
  WSK_BUF buf = buffer.Buf();
  TrackedIrp irp("WskReceive");
  return internal::Finish(
      irp, internal::FunctionsOf(socket).Receive(socket.get(), &buf, 0, irp.irp()));
}

}  // namespace

void SendAfterPeerGracefulEnd(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  pair.peer.ShutdownSend();
  const CallOutcome end = ReceiveOnce(socket, 64);
  ASSERT_TRUE(end.ok);
  ASSERT_EQ(end.status, STATUS_SUCCESS);
  ASSERT_EQ(end.information, 0u) << "precondition: the peer's end was not seen";
  const std::string data = Payload(80, 47);
  MdlBuffer buffer(data);
  const CallOutcome sent = internal::Send(socket, buffer, data.size());
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status,
                          "WskSend after the peer's graceful disconnect")) {
    return;
  }
  EXPECT_EQ(pair.peer.Receive(data.size(), kExpectCompletion), data);
}

void SendAfterPeerReset(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  pair.peer.CloseWithReset();
  const CallOutcome end = ReceiveOnce(socket, 64);
  ASSERT_TRUE(end.ok);
  ASSERT_FALSE(NT_SUCCESS(end.status))
      << "precondition: the peer's reset did not fail a receive ("
      << StatusText(end.status) << ")";
  MdlBuffer buffer(Payload(80, 48));
  const CallOutcome sent = internal::Send(socket, buffer, 80);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSend after the peer's reset",
                     StatusClass::kFailure);
}

void CloseAfterFullDisconnect(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  pair.peer.ShutdownSend();
  const CallOutcome end = ReceiveOnce(socket, 64);
  ASSERT_TRUE(end.ok);
  ASSERT_EQ(end.information, 0u) << "precondition: the peer's end was not seen";
  const CallOutcome done = internal::Disconnect(socket, 0);
  ASSERT_TRUE(done.ok);
  ASSERT_EQ(done.status, STATUS_SUCCESS);
  ASSERT_EQ(pair.peer.WaitForEnd(kExpectCompletion), PeerEnd::kOrderly);
  TrackedIrp irp("WskCloseSocket");
  const CallOutcome closed = internal::Finish(
      irp, socket.basic()->WskCloseSocket(socket.get(), irp.irp()));
  socket.Adopt(nullptr, SocketCategory::kNone);
  ASSERT_TRUE(closed.ok);
  ExpectClauseStatus(info, closed.status, "WskCloseSocket");
  const PeerEnd after = pair.peer.WaitForEnd(kExpectNoCompletion);
  EXPECT_NE(after, PeerEnd::kReset) << "the close sent a reset";
}

}  // namespace wskconf::conformance::checks
