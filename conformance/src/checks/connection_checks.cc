// Check helpers for connecting, sending, receiving and disconnecting on
// connection and stream sockets, with a host peer at the far end
// (spec/socket-connection.xml, socket-basic.xml Close.*, irp.xml, buffers.xml).
#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

// A flag bit no transport defines for send or receive.
constexpr ULONG kUnknownFlag = 0x40000000;
constexpr size_t kPayloadSize = 1000;

// Opens a session and a connected socket of the case (ASSERTs inside).
#define WSKCONF_CONNECTED(session, socket, pair)                           \
  WSKCONF_OPEN_SESSION(session);                                           \
  WskSocketOwner socket(session);                                          \
  internal::ConnectedPair pair;                                            \
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, \
                                &pair))

}  // namespace

void ConnectToPeer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  HostTcpListener listener(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(listener.ok());
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  const CallOutcome connected = internal::ConnectTo(
      socket, LoopbackAddress(info.address_family, listener.port()));
  ASSERT_TRUE(connected.ok);
  if (!ExpectClauseStatus(info, connected.status, "WskConnect")) return;
  EXPECT_TRUE(listener.Accept(kExpectCompletion).ok())
      << "the host listener saw no connection";
}

void ConnectRefused(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const HostRefusingTcpPort refusing(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(refusing.ok()) << "the host could not bind a loopback TCP port";
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  const CallOutcome connected = internal::ConnectTo(
      socket, LoopbackAddress(info.address_family, refusing.port()));
  ASSERT_TRUE(connected.ok);
  ExpectClauseStatus(info, connected.status, "WskConnect to a closed port");
}

void ConnectUnbound(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  HostTcpListener listener(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(listener.ok());
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  const CallOutcome connected = internal::ConnectTo(
      socket, LoopbackAddress(info.address_family, listener.port()));
  ASSERT_TRUE(connected.ok);
  ExpectClauseStatus(info, connected.status, "WskConnect on an unbound socket");
}

void SendBytes(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const std::string data = Payload(kPayloadSize);
  MdlBuffer buffer(data);
  const CallOutcome sent = internal::Send(socket, buffer, data.size());
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSend")) return;
  RecordExpectedActual(std::to_string(data.size()) + " bytes",
                       std::to_string(sent.information) + " bytes");
  EXPECT_EQ(sent.information, data.size())
      << "IoStatus.Information is not the number of bytes sent";
  EXPECT_EQ(pair.peer.Receive(data.size(), kExpectCompletion), data)
      << "the peer did not receive the bytes sent";
}

void SendWithNodelay(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const std::string data = Payload(64, 1);
  MdlBuffer buffer(data);
  const CallOutcome sent =
      internal::Send(socket, buffer, data.size(), WSK_FLAG_NODELAY);
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSend(WSK_FLAG_NODELAY)")) return;
  EXPECT_EQ(pair.peer.Receive(data.size(), kExpectCompletion), data);
}

void SendInOrderFromOffset(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  // Three sends, each starting 7 bytes into its MDL: the peer must see the
  // described bytes only, in order.
  std::string expected;
  for (int i = 0; i < 3; ++i) {
    const std::string data = Payload(300 + i, i);
    MdlBuffer buffer(data);
    WSK_BUF buf = buffer.Buf(7);
    TrackedIrp irp("WskSend");
    const CallOutcome sent = internal::Finish(
        irp, internal::FunctionsOf(socket).Send(socket.get(), &buf, 0, irp.irp()));
    ASSERT_TRUE(sent.ok);
    if (!ExpectClauseStatus(info, sent.status, "WskSend")) return;
    expected += data.substr(7);
  }
  EXPECT_EQ(pair.peer.Receive(expected.size(), kExpectCompletion), expected)
      << "the peer did not receive the described bytes in order";
}

void SendChainedMdls(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const std::string first = Payload(100, 3);
  const std::string second = Payload(150, 4);
  MdlBuffer head(first);
  MdlBuffer tail(second);
  head.mdl()->Next = tail.mdl();
  WSK_BUF buf = head.Buf(10, first.size() - 10 + second.size());
  TrackedIrp irp("WskSend");
  const CallOutcome sent = internal::Finish(
      irp, internal::FunctionsOf(socket).Send(socket.get(), &buf, 0, irp.irp()));
  head.mdl()->Next = nullptr;
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSend over two MDLs")) return;
  const std::string expected = first.substr(10) + second;
  EXPECT_EQ(sent.information, expected.size());
  EXPECT_EQ(pair.peer.Receive(expected.size(), kExpectCompletion), expected);
}

void SendZeroLength(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  MdlBuffer buffer(16);
  const CallOutcome sent = internal::Send(socket, buffer, 0);
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSend of 0 bytes")) return;
  EXPECT_EQ(sent.information, 0u);
}

void SendUnconnected(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  MdlBuffer buffer(Payload(32));
  const CallOutcome sent = internal::Send(socket, buffer, 32);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSend on an unconnected socket");
}

void SendUnsupportedFlag(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  MdlBuffer buffer(Payload(32));
  const CallOutcome sent = internal::Send(socket, buffer, 32, kUnknownFlag);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSend with flag 0x40000000");
}

void SendAfterDisconnect(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const CallOutcome disconnected = internal::Disconnect(socket, 0);
  ASSERT_TRUE(disconnected.ok);
  ASSERT_EQ(disconnected.status, STATUS_SUCCESS)
      << "precondition: WskDisconnect gave " << StatusText(disconnected.status);
  MdlBuffer buffer(Payload(32));
  const CallOutcome sent = internal::Send(socket, buffer, 32);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSend after WskDisconnect");
}

void DisconnectGraceful(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const CallOutcome disconnected = internal::Disconnect(socket, 0);
  ASSERT_TRUE(disconnected.ok);
  if (!ExpectClauseStatus(info, disconnected.status, "WskDisconnect")) return;
  const PeerEnd end = pair.peer.WaitForEnd(kExpectCompletion);
  EXPECT_EQ(end, PeerEnd::kOrderly)
      << "the peer saw " << PeerEndName(end) << " instead of an orderly end";
}

void DisconnectAbortive(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const CallOutcome disconnected =
      internal::Disconnect(socket, WSK_FLAG_ABORTIVE);
  ASSERT_TRUE(disconnected.ok);
  if (!ExpectClauseStatus(info, disconnected.status,
                          "WskDisconnect(WSK_FLAG_ABORTIVE)")) {
    return;
  }
  const PeerEnd end = pair.peer.WaitForEnd(kExpectCompletion);
  EXPECT_EQ(end, PeerEnd::kReset)
      << "the peer saw " << PeerEndName(end) << " instead of a reset";
}

void SendAfterAbortiveDisconnect(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const CallOutcome disconnected =
      internal::Disconnect(socket, WSK_FLAG_ABORTIVE);
  ASSERT_TRUE(disconnected.ok);
  ASSERT_TRUE(NT_SUCCESS(disconnected.status))
      << "precondition: abortive WskDisconnect gave "
      << StatusText(disconnected.status);
  MdlBuffer buffer(Payload(32));
  const CallOutcome sent = internal::Send(socket, buffer, 32);
  ASSERT_TRUE(sent.ok);
  ExpectClauseStatus(info, sent.status, "WskSend after an abortive disconnect");
}

void CloseConnectedAborts(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  auto closed = socket.Close();
  ASSERT_TRUE(closed);
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskCloseSocket");
  const PeerEnd end = pair.peer.WaitForEnd(kExpectCompletion);
  EXPECT_EQ(end, PeerEnd::kReset)
      << "closing a connected socket: the peer saw " << PeerEndName(end)
      << " instead of a reset";
}

}  // namespace wskconf::conformance::checks
