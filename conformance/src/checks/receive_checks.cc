// Check helpers for WskReceive and for what closing does to pending IRPs
// (spec/socket-connection.xml, socket-basic.xml Close.*, irp.xml).
#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

constexpr ULONG kUnknownFlag = 0x40000000;

#define WSKCONF_CONNECTED(session, socket, pair)                           \
  WSKCONF_OPEN_SESSION(session);                                           \
  WskSocketOwner socket(session);                                          \
  internal::ConnectedPair pair;                                            \
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, \
                                &pair))

// Starts a WskReceive into `buffer`; the IRP stays with the caller.
NTSTATUS StartReceive(const WskSocketOwner& socket, const MdlBuffer& buffer,
                      ULONG flags, TrackedIrp& irp) {
  WSK_BUF buf = buffer.Buf();
  return internal::FunctionsOf(socket).Receive(socket.get(), &buf, flags,
                                               irp.irp());
}

}  // namespace

void ReceiveBytes(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const std::string data = Payload(500, 5);
  ASSERT_TRUE(pair.peer.SendAll(data));
  MdlBuffer buffer(4096);
  TrackedIrp irp("WskReceive");
  const CallOutcome received =
      internal::Finish(irp, StartReceive(socket, buffer, 0, irp));
  ASSERT_TRUE(received.ok);
  if (!ExpectClauseStatus(info, received.status, "WskReceive")) return;
  RecordExpectedActual("1..500 bytes", std::to_string(received.information));
  ASSERT_GT(received.information, 0u);
  ASSERT_LE(received.information, data.size());
  EXPECT_EQ(buffer.Contents(received.information),
            data.substr(0, received.information))
      << "IoStatus.Information does not match the bytes placed in Buffer";
}

void ReceiveAtMostBufferLength(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const std::string data = Payload(500, 6);
  ASSERT_TRUE(pair.peer.SendAll(data));
  MdlBuffer buffer(100);
  TrackedIrp irp("WskReceive");
  const CallOutcome received =
      internal::Finish(irp, StartReceive(socket, buffer, 0, irp));
  ASSERT_TRUE(received.ok);
  if (!ExpectClauseStatus(info, received.status, "WskReceive")) return;
  EXPECT_LE(received.information, 100u)
      << "more bytes than Buffer.Length were reported";
  EXPECT_EQ(buffer.Contents(received.information),
            data.substr(0, received.information));
}

void ReceiveWithinDescription(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  // The WSK_BUF starts 37 bytes into a 300-byte MDL and describes 200 bytes;
  // every byte outside [37, 37 + received) keeps its guard value.
  constexpr size_t kOffset = 37;
  constexpr size_t kLength = 200;
  constexpr char kGuard = '#';  // never in a Payload
  const std::string data = Payload(kLength, 11);
  ASSERT_TRUE(pair.peer.SendAll(data));
  MdlBuffer buffer(std::string(300, kGuard));
  WSK_BUF buf = buffer.Buf(kOffset, kLength);
  TrackedIrp irp("WskReceive(Offset 37)");
  const CallOutcome received = internal::Finish(
      irp, internal::FunctionsOf(socket).Receive(socket.get(), &buf, 0,
                                                 irp.irp()));
  ASSERT_TRUE(received.ok);
  if (!ExpectClauseStatus(info, received.status, "WskReceive(Offset 37)")) {
    return;
  }
  ASSERT_GT(received.information, 0u);
  ASSERT_LE(received.information, kLength);
  const std::string memory = buffer.Contents(buffer.size());
  const size_t end = kOffset + received.information;
  EXPECT_EQ(memory.substr(kOffset, received.information),
            data.substr(0, received.information))
      << "the received bytes are not at WSK_BUF.Offset " << kOffset;
  EXPECT_EQ(memory.substr(0, kOffset), std::string(kOffset, kGuard))
      << "the provider wrote before WSK_BUF.Offset";
  EXPECT_EQ(memory.substr(end), std::string(memory.size() - end, kGuard))
      << "the provider wrote past the " << received.information
      << " bytes it reported";
}

void ReceivePendsUntilData(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  MdlBuffer buffer(256);
  TrackedIrp irp("WskReceive");
  const NTSTATUS returned = StartReceive(socket, buffer, 0, irp);
  ExpectClauseStatus(info, returned, "WskReceive with no data queued");
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  const std::string data = Payload(40, 7);
  ASSERT_TRUE(pair.peer.SendAll(data));
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  EXPECT_EQ(received.status, STATUS_SUCCESS)
      << "the pending receive completed with " << StatusText(received.status);
  EXPECT_EQ(buffer.Contents(received.information),
            data.substr(0, received.information));
}

void ReceiveWaitAll(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const std::string data = Payload(300, 8);
  MdlBuffer buffer(data.size());
  TrackedIrp irp("WskReceive(WSK_FLAG_WAITALL)");
  ASSERT_TRUE(pair.peer.SendAll(data.substr(0, 100)));
  const NTSTATUS returned = StartReceive(socket, buffer, WSK_FLAG_WAITALL, irp);
  // A partial arrival must not complete it.
  EXPECT_FALSE(irp.WaitForCompletion(kExpectNoCompletion))
      << "a WAITALL receive completed after 100 of 300 bytes";
  ASSERT_TRUE(pair.peer.SendAll(data.substr(100)));
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  if (!ExpectClauseStatus(info, received.status, "WskReceive(WAITALL)")) return;
  EXPECT_EQ(received.information, data.size());
  EXPECT_EQ(buffer.Contents(data.size()), data);
}

void ReceiveWaitAllPeerDisconnects(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  MdlBuffer buffer(300);
  TrackedIrp irp("WskReceive(WSK_FLAG_WAITALL)");
  const NTSTATUS returned = StartReceive(socket, buffer, WSK_FLAG_WAITALL, irp);
  ASSERT_TRUE(pair.peer.SendAll(Payload(50, 9)));
  pair.peer.ShutdownSend();
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  ExpectClauseStatus(info, received.status,
                     "WskReceive(WAITALL) after the peer's graceful end");
  EXPECT_LT(received.information, 300u);
}

void ReceiveUnsupportedFlag(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  ASSERT_TRUE(pair.peer.SendAll(Payload(16)));
  MdlBuffer buffer(64);
  TrackedIrp irp("WskReceive(0x40000000)");
  const CallOutcome received =
      internal::Finish(irp, StartReceive(socket, buffer, kUnknownFlag, irp));
  ASSERT_TRUE(received.ok);
  ExpectClauseStatus(info, received.status, "WskReceive with flag 0x40000000");
}

void ReceiveCancelled(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  MdlBuffer buffer(64);
  TrackedIrp irp("WskReceive");
  const NTSTATUS returned = StartReceive(socket, buffer, 0, irp);
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  ASSERT_TRUE(irp.CancelAndWait())
      << "IoCancelIrp did not complete the pending receive within "
      << kExpectCompletion.count() << " ms";
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  ExpectClauseStatus(info, received.status, "the cancelled WskReceive",
                     StatusClass::kFailure);
  EXPECT_EQ(received.information, 0u)
      << "a failed receive left IoStatus.Information non-zero";
}

void CloseCancelsPendingReceive(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  MdlBuffer buffer(64);
  TrackedIrp irp("WskReceive");
  const NTSTATUS returned = StartReceive(socket, buffer, 0, irp);
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  ASSERT_TRUE(socket.Close());
  // Close.PendingIrpsCompleteBeforeClose: already complete when the close
  // completed, so no waiting here.
  EXPECT_TRUE(irp.completed())
      << "the pending receive was not completed before the close completed";
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  ExpectClauseStatus(info, received.status, "the receive pending at close",
                     StatusClass::kFailure);
}

void DisconnectThenReceive(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  const CallOutcome disconnected = internal::Disconnect(socket, 0);
  ASSERT_TRUE(disconnected.ok);
  ASSERT_EQ(disconnected.status, STATUS_SUCCESS);
  const std::string data = Payload(60, 10);
  ASSERT_TRUE(pair.peer.SendAll(data));
  MdlBuffer buffer(128);
  TrackedIrp irp("WskReceive");
  const CallOutcome received =
      internal::Finish(irp, StartReceive(socket, buffer, 0, irp));
  ASSERT_TRUE(received.ok);
  if (!ExpectClauseStatus(info, received.status,
                          "WskReceive after a graceful disconnect")) {
    return;
  }
  EXPECT_EQ(buffer.Contents(received.information),
            data.substr(0, received.information));
  EXPECT_GT(received.information, 0u);
}

}  // namespace wskconf::conformance::checks
