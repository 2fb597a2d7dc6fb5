// Check helpers for WSK_BUF, WSK_BUF_LIST, the receive flags and the
// stream table's commitment (spec/buffers.xml, dispatch.xml; checks_core.h).
#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"
#include "wskconf/conformance/checks_core.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

#define WSKCONF_CONNECTED(session, socket, pair)                           \
  WSKCONF_OPEN_SESSION(session);                                           \
  WskSocketOwner socket(session);                                          \
  internal::ConnectedPair pair;                                            \
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, \
                                &pair))

NTSTATUS StartReceive(const WskSocketOwner& socket, WSK_BUF* buf, ULONG flags,
                      TrackedIrp& irp) {
  return internal::FunctionsOf(socket).Receive(socket.get(), buf, flags,
                                               irp.irp());
}

// A WAITALL receive of 200 bytes after the peer sent 50: still pending.
::testing::AssertionResult StartPartialWaitAll(
    const WskSocketOwner& socket, internal::ConnectedPair& pair,
    MdlBuffer& buffer, TrackedIrp& irp, NTSTATUS* returned) {
  if (!pair.peer.SendAll(Payload(50, 4))) {
    return ::testing::AssertionFailure() << "the host peer could not send";
  }
  WSK_BUF buf = buffer.Buf();
  *returned = StartReceive(socket, &buf, WSK_FLAG_WAITALL, irp);
  if (irp.WaitForCompletion(kExpectNoCompletion)) {
    return ::testing::AssertionFailure()
           << "a WAITALL receive of 200 bytes completed after 50 arrived";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

void SendNullMdlAnyOffset(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  WSK_BUF buf{nullptr, 0xFFFFu, 0};  // no MDL: Offset is meaningless
  TrackedIrp irp("WskSend(Mdl NULL, Offset 0xFFFF, Length 0)");
  const CallOutcome sent = internal::Finish(
      irp, internal::FunctionsOf(socket).Send(socket.get(), &buf, 0, irp.irp()));
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSend")) return;
  EXPECT_EQ(sent.information, 0u);
  // The socket still carries data afterwards.
  MdlBuffer data(Payload(20, 1));
  const CallOutcome after = internal::Send(socket, data, 20);
  ASSERT_TRUE(after.ok);
  EXPECT_EQ(after.status, STATUS_SUCCESS);
  EXPECT_EQ(pair.peer.Receive(20, kExpectCompletion), data.Contents(20));
}

void WaitAllCompletionEvents(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  // 1. Buffer full (also WskReceive.WaitAllFillsBuffer); 2. the peer's
  // graceful end; 3. the peer's abort; 4. cancel.
  for (int event = 1; event <= 4; ++event) {
    SCOPED_TRACE(fmt::format("completion event {}", event));
    WSKCONF_CONNECTED(session, socket, pair);
    MdlBuffer buffer(200);
    TrackedIrp irp("WskReceive(WSK_FLAG_WAITALL)");
    NTSTATUS returned = STATUS_PENDING;
    ASSERT_TRUE(StartPartialWaitAll(socket, pair, buffer, irp, &returned));
    switch (event) {
      case 1: ASSERT_TRUE(pair.peer.SendAll(Payload(150, 5))); break;
      case 2: pair.peer.ShutdownSend(); break;
      case 3: pair.peer.CloseWithReset(); break;
      case 4: ASSERT_TRUE(irp.CancelAndWait()) << "cancel did not complete it"; break;
    }
    ASSERT_TRUE(irp.WaitForCompletion(kExpectCompletion))
        << "the WAITALL receive did not complete on event " << event;
    const IrpCompletion done = irp.completion();
    RecordExpectedActual("completed", StatusText(done.status));
    if (event == 1) {
      EXPECT_EQ(done.status, STATUS_SUCCESS);
      EXPECT_EQ(done.information, 200u);
    } else if (event == 2) {
      EXPECT_EQ(done.status, STATUS_SUCCESS);
      EXPECT_EQ(done.information, 50u);
    } else {
      EXPECT_FALSE(NT_SUCCESS(done.status)) << StatusText(done.status);
    }
    EXPECT_EQ(done.calls, 1);
  }
}

void DrainDiscards(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  WSK_BUF none{nullptr, 0, 0};  // DRAIN takes a zero-length buffer
  TrackedIrp drain("WskReceive(WSK_FLAG_DRAIN)");
  const NTSTATUS returned = StartReceive(socket, &none, WSK_FLAG_DRAIN, drain);
  ASSERT_TRUE(pair.peer.SendAll(Payload(300, 6)));
  ASSERT_TRUE(drain.ExpectStillPending(returned))
      << "a DRAIN receive completed while the connection was still up";
  pair.peer.ShutdownSend();
  ASSERT_TRUE(drain.Finish(returned));
  RecordExpectedActual("0 bytes copied, none left for a later receive",
                       fmt::format("{} with Information {}",
                                   StatusText(drain.completion().status),
                                   drain.completion().information));
  EXPECT_TRUE(NT_SUCCESS(drain.completion().status));
  // The drained bytes are gone: a later receive sees the end of the stream.
  MdlBuffer later(400);
  WSK_BUF buf = later.Buf();
  TrackedIrp next("WskReceive after DRAIN");
  const CallOutcome got =
      internal::Finish(next, StartReceive(socket, &buf, 0, next));
  ASSERT_TRUE(got.ok);
  EXPECT_EQ(got.information, 0u)
      << "data that arrived during the DRAIN receive was delivered later";
}

void StreamCommitsOnFirstUse(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Listening first: a connect through the same table then fails.
  {
    WskSocketOwner socket(session);
    ASSERT_TRUE(internal::CreateBound(socket, SocketCategory::kStream,
                                      info.address_family));
    const CallOutcome listened = internal::Listen(socket);
    ASSERT_TRUE(listened.ok);
    ASSERT_EQ(listened.status, STATUS_SUCCESS);
    HostTcpListener target(internal::IsIpv6(info.address_family));
    const CallOutcome connected = internal::ConnectTo(
        socket, LoopbackAddress(info.address_family, target.port()));
    ASSERT_TRUE(connected.ok);
    ExpectClauseStatus(info, connected.status, "WskConnect on a listening socket");
  }
  // Connected first: listening then fails.
  {
    WskSocketOwner socket(session);
    internal::ConnectedPair pair;
    ASSERT_TRUE(internal::Connect(socket, SocketCategory::kStream,
                                  info.address_family, &pair));
    const CallOutcome listened = internal::Listen(socket);
    ASSERT_TRUE(listened.ok);
    ExpectClauseStatus(info, listened.status, "WskListen on a connected socket");
  }
}

void SendMessagesListEnds(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, SocketCategory::kDatagram,
                                    info.address_family));
  HostUdpSocket peer(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(peer.ok());
  MdlBuffer one(Payload(30, 1));
  MdlBuffer two(Payload(40, 2));
  MdlBuffer three(Payload(50, 3));
  WSK_BUF_LIST third{nullptr, three.Buf()};
  WSK_BUF_LIST second{&third, two.Buf()};
  WSK_BUF_LIST first{&second, one.Buf()};
  SOCKADDR_STORAGE remote = LoopbackAddress(info.address_family, peer.port());
  const auto* table = socket.table<WSK_PROVIDER_DATAGRAM_DISPATCH>();
  ASSERT_NE(table->WskSendMessages, nullptr);
  TrackedIrp irp("WskSendMessages");
  const CallOutcome sent = internal::Finish(
      irp, table->WskSendMessages(socket.get(), &first, 0,
                                  reinterpret_cast<PSOCKADDR>(&remote), 0,
                                  nullptr, irp.irp()));
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSendMessages")) return;
  // One datagram per entry, in list order, and none after the NULL Next.
  const std::string expected[] = {one.Contents(30), two.Contents(40),
                                  three.Contents(50)};
  for (const std::string& data : expected) {
    auto got = peer.Receive(kExpectCompletion);
    ASSERT_TRUE(got.has_value()) << "fewer datagrams than list entries";
    EXPECT_EQ(got->data, data);
  }
  EXPECT_FALSE(peer.Receive(kExpectNoCompletion).has_value())
      << "a datagram was sent past the entry whose Next is NULL";
  EXPECT_EQ(sent.information, 120u);
}

void DisconnectEventFlagBothWays(const CaseInfo& info) {
  // WSK_FLAG_ABORTIVE set on the peer's reset, clear on its graceful end.
  DisconnectEventAbortive(info);
  if (::testing::Test::HasFatalFailure()) return;
  DisconnectEventGraceful(info);
}

}  // namespace wskconf::conformance::checks
