// WskDisconnect: graceful with and without a final buffer (the peer reads the
// data, then end of stream; receiving still works), abortive (the peer sees a
// reset; pending sends and receives fail; later calls fail).
#include <sys/socket.h>
#include <unistd.h>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

class DisconnectTest : public FamilyTest {
 protected:
  void SetUp() override {
    FamilyTest::SetUp();
    pair_ = ConnectToHost(*client(), family());
    ASSERT_NE(pair_.wsk, nullptr);
    ASSERT_GE(pair_.host, 0);
  }
  void TearDown() override {
    if (pair_.wsk != nullptr) {
      EXPECT_EQ(CloseSocket(pair_.wsk), STATUS_SUCCESS);
    }
    if (pair_.host >= 0) close(pair_.host);
    FamilyTest::TearDown();
  }
  const WSK_PROVIDER_CONNECTION_DISPATCH* table() { return ConnectionTable(pair_.wsk); }
  ConnectedPair pair_;
};

TEST_P(DisconnectTest, GracefulPeerSeesEndOfStream) {
  RecordClause("WskDisconnect.GracefulPeerSeesOrderlyEnd");
  EXPECT_EQ(Send(pair_.wsk, "data"), STATUS_SUCCESS);
  EXPECT_EQ(Disconnect(pair_.wsk, 0), STATUS_SUCCESS);
  std::string rest;
  EXPECT_TRUE(HostReadsEof(pair_.host, &rest));
  EXPECT_EQ(rest, "data");
}

TEST_P(DisconnectTest, FinalBufferSentFirst) {
  RecordClause("WskDisconnect.FinalBufferSentBeforeDisconnect");
  MdlBuffer buffer({3, 4});
  buffer.Write(0, "finalxx");
  WSK_BUF buf = buffer.Buf(0, 5);
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskDisconnect(pair_.wsk, &buf, 0, probe.Start())),
            STATUS_SUCCESS);
  std::string rest;
  EXPECT_TRUE(HostReadsEof(pair_.host, &rest));
  EXPECT_EQ(rest, "final");
}

TEST_P(DisconnectTest, GracefulWaitsForQueuedSends) {
  RecordClause("WskDisconnect.GracefulWaitsForQueuedSends");
  std::string big = Pattern(4 << 20, 13);
  MdlBuffer buffer(big.size());
  buffer.Write(0, big);
  WSK_BUF buf = buffer.Buf();
  IrpProbe send, disconnect;
  NTSTATUS send_returned = table()->WskSend(pair_.wsk, &buf, 0, send.Start());
  NTSTATUS disconnect_returned = table()->WskDisconnect(pair_.wsk, nullptr, 0, disconnect.Start());
  if (send_returned == STATUS_PENDING) {
    EXPECT_EQ(disconnect_returned, STATUS_PENDING);
  }
  std::string got;
  EXPECT_TRUE(HostReadsEof(pair_.host, &got));
  EXPECT_TRUE(got == big);
  EXPECT_EQ(send.Result(send_returned), STATUS_SUCCESS);
  EXPECT_EQ(disconnect.Result(disconnect_returned), STATUS_SUCCESS);
}

TEST_P(DisconnectTest, GracefulStillReceives) {
  RecordClause("WskDisconnect.GracefulAllowsFurtherReceive");
  EXPECT_EQ(Disconnect(pair_.wsk, 0), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "after");
  std::string in;
  EXPECT_EQ(Receive(pair_.wsk, 5, &in, WSK_FLAG_WAITALL), STATUS_SUCCESS);
  EXPECT_EQ(in, "after");
}

TEST_P(DisconnectTest, SendAfterGracefulFails) {
  RecordClause("WskSend.AfterGracefulDisconnectFails");
  EXPECT_EQ(Disconnect(pair_.wsk, 0), STATUS_SUCCESS);
  EXPECT_FALSE(NT_SUCCESS(Send(pair_.wsk, "late")));
  EXPECT_FALSE(NT_SUCCESS(Disconnect(pair_.wsk, 0)));
}

TEST_P(DisconnectTest, FullyDisconnectedCloseIsOrderly) {
  RecordClause("Close.NoAbortWhenFullyDisconnected");
  EXPECT_EQ(Disconnect(pair_.wsk, 0), STATUS_SUCCESS);
  shutdown(pair_.host, SHUT_WR);
  std::string in;
  EXPECT_EQ(Receive(pair_.wsk, 5, &in), STATUS_SUCCESS);
  EXPECT_EQ(in, "");
  EXPECT_EQ(CloseSocket(pair_.wsk), STATUS_SUCCESS);
  pair_.wsk = nullptr;
  EXPECT_TRUE(HostReadsEof(pair_.host));
}

TEST_P(DisconnectTest, AbortivePeerSeesReset) {
  RecordClause("WskDisconnect.AbortivePeerSeesReset");
  EXPECT_EQ(Disconnect(pair_.wsk, WSK_FLAG_ABORTIVE), STATUS_SUCCESS);
  EXPECT_FALSE(HostReadsEof(pair_.host));
  // WskDisconnect.AbortiveStopsSendAndReceive
  EXPECT_FALSE(NT_SUCCESS(Send(pair_.wsk, "x")));
  std::string in;
  EXPECT_FALSE(NT_SUCCESS(Receive(pair_.wsk, 1, &in)));
}

TEST_P(DisconnectTest, AbortiveFailsPendingSendAndReceive) {
  RecordClause("WskDisconnect.AbortiveCancelsPendingSends");
  MdlBuffer in(8);
  WSK_BUF in_buf = in.Buf();
  IrpProbe receive;
  NTSTATUS receive_returned = table()->WskReceive(pair_.wsk, &in_buf, 0, receive.Start());
  ASSERT_EQ(receive_returned, STATUS_PENDING);
  MdlBuffer out(16 << 20);  // more than the socket buffers hold; contents unread
  WSK_BUF out_buf = out.Buf();
  IrpProbe send;
  NTSTATUS send_returned = table()->WskSend(pair_.wsk, &out_buf, 0, send.Start());
  ASSERT_EQ(send_returned, STATUS_PENDING);  // the host reads nothing
  EXPECT_EQ(Disconnect(pair_.wsk, WSK_FLAG_ABORTIVE), STATUS_SUCCESS);
  EXPECT_FALSE(NT_SUCCESS(send.Result(send_returned)));
  EXPECT_FALSE(NT_SUCCESS(receive.Result(receive_returned)));
}

TEST_P(DisconnectTest, OwnAbortFailsWithConnectionAborted) {
  RecordClause("WskDisconnect.OwnAbortStatus");
  MdlBuffer in(8);
  WSK_BUF in_buf = in.Buf();
  IrpProbe receive;
  NTSTATUS receive_returned = table()->WskReceive(pair_.wsk, &in_buf, 0, receive.Start());
  ASSERT_EQ(receive_returned, STATUS_PENDING);
  EXPECT_EQ(Disconnect(pair_.wsk, WSK_FLAG_ABORTIVE), STATUS_SUCCESS);
  EXPECT_EQ(receive.Result(receive_returned), STATUS_CONNECTION_ABORTED);
  EXPECT_EQ(Send(pair_.wsk, "x"), STATUS_CONNECTION_ABORTED);
  std::string data;
  EXPECT_EQ(Receive(pair_.wsk, 1, &data), STATUS_CONNECTION_ABORTED);
}

TEST_P(DisconnectTest, AbortiveForcesAStuckGracefulDisconnect) {
  RecordClause("WskDisconnect.AbortiveForcesStuckGraceful");
  MdlBuffer out(16 << 20);  // more than the socket buffers hold; contents unread
  WSK_BUF out_buf = out.Buf();
  IrpProbe send, graceful;
  NTSTATUS send_returned = table()->WskSend(pair_.wsk, &out_buf, 0, send.Start());
  NTSTATUS graceful_returned = table()->WskDisconnect(pair_.wsk, nullptr, 0, graceful.Start());
  ASSERT_EQ(graceful_returned, STATUS_PENDING);
  EXPECT_EQ(Disconnect(pair_.wsk, WSK_FLAG_ABORTIVE), STATUS_SUCCESS);
  EXPECT_FALSE(NT_SUCCESS(graceful.Result(graceful_returned)));
  EXPECT_FALSE(NT_SUCCESS(send.Result(send_returned)));
}

TEST_P(DisconnectTest, BadArgumentsRefused) {
  RecordClause("WskDisconnect.AbortiveRequiresNullBuffer");
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskDisconnect(pair_.wsk, &buf, WSK_FLAG_ABORTIVE,
                                                probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(probe.Result(table()->WskDisconnect(pair_.wsk, nullptr, 0x10, probe.Start())),
            STATUS_NOT_SUPPORTED);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(DisconnectTest, UnconnectedSocketCannotDisconnect) {
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  EXPECT_EQ(Disconnect(s, 0), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(Disconnect(s, WSK_FLAG_ABORTIVE), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 2)
      << "the mistakes made on purpose";
}

WSKCONF_FAMILY_TESTS(DisconnectTest);

}  // namespace
}  // namespace wskconf::reference::testing
