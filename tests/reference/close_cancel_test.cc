// WskCloseSocket with IRPs pending (each completes, with a failure, before
// the close IRP), IoCancelIrp of every operation that can pend, and
// cancellation and close racing completion.
#include <unistd.h>

#include <thread>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

class CloseCancelTest : public FamilyTest {
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
  // Closes pair_.wsk and checks that `pending` completed, failed, before it.
  void CloseWith(IrpProbe& pending, NTSTATUS returned) {
    IrpProbe close_probe;
    EXPECT_EQ(close_probe.Result(table()->WskCloseSocket(pair_.wsk, close_probe.Start())),
              STATUS_SUCCESS);
    pair_.wsk = nullptr;
    EXPECT_TRUE(pending.completed()) << "Close.PendingIrpsCompleteBeforeClose";
    EXPECT_FALSE(NT_SUCCESS(pending.Result(returned)));
  }
  ConnectedPair pair_;
};

TEST_P(CloseCancelTest, CloseCompletesPendingReceive) {
  RecordClause("Close.CancelsPendingIrps");  // and Close.CancelledIrpsStatus
  MdlBuffer buffer(8);
  WSK_BUF buf = buffer.Buf();
  IrpProbe receive;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, 0, receive.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  CloseWith(receive, returned);
}

TEST_P(CloseCancelTest, CloseCompletesPendingSend) {
  RecordClause("Close.PendingIrpsCompleteBeforeClose");
  MdlBuffer buffer(16 << 20);  // more than the socket buffers hold; contents unread
  WSK_BUF buf = buffer.Buf();
  IrpProbe send;
  NTSTATUS returned = table()->WskSend(pair_.wsk, &buf, 0, send.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  CloseWith(send, returned);
}

TEST_P(CloseCancelTest, CloseCompletesPendingDrain) {
  WSK_BUF buf{nullptr, 0, 0};
  IrpProbe drain;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, WSK_FLAG_DRAIN, drain.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  CloseWith(drain, returned);
}

TEST_P(CloseCancelTest, CancelPendingReceive) {
  RecordClause("WskReceive.CancelCompletesIrp");
  MdlBuffer buffer(8);
  WSK_BUF buf = buffer.Buf();
  IrpProbe receive;
  NTSTATUS returned =
      table()->WskReceive(pair_.wsk, &buf, WSK_FLAG_WAITALL, receive.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  EXPECT_TRUE(IoCancelIrp(receive.irp()));
  EXPECT_EQ(receive.Result(returned), STATUS_CANCELLED);
  // The socket still works after a cancelled receive.
  HostWriteAll(pair_.host, "ok");
  std::string in;
  EXPECT_EQ(Receive(pair_.wsk, 2, &in, WSK_FLAG_WAITALL), STATUS_SUCCESS);
  EXPECT_EQ(in, "ok");
}

TEST_P(CloseCancelTest, CancelPendingSend) {
  MdlBuffer buffer(16 << 20);  // more than the socket buffers hold; contents unread
  WSK_BUF buf = buffer.Buf();
  IrpProbe send;
  NTSTATUS returned = table()->WskSend(pair_.wsk, &buf, 0, send.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  IoCancelIrp(send.irp());
  EXPECT_EQ(send.Result(returned), STATUS_CANCELLED);
}

TEST_P(CloseCancelTest, CancelPendingAcceptAndConnect) {
  PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
  ASSERT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
  IrpProbe accept;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  IoCancelIrp(accept.irp());
  EXPECT_EQ(accept.Result(returned), STATUS_CANCELLED);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
}

TEST_P(CloseCancelTest, CancelRacesCompletion) {
  RecordClause("Irp.CompletionContract.CompletedExactlyOnce");
  // Data arrives while the receive is being cancelled: either outcome is
  // fine, but exactly one completion, with a consistent result.
  for (int round = 0; round < 200; ++round) {
    MdlBuffer buffer(1);
    WSK_BUF buf = buffer.Buf();
    IrpProbe receive;
    NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, 0, receive.Start());
    std::thread writer([&] { HostWriteAll(pair_.host, "z"); });
    IoCancelIrp(receive.irp());
    writer.join();
    NTSTATUS status = receive.Result(returned);
    ASSERT_TRUE(status == STATUS_SUCCESS || status == STATUS_CANCELLED) << StatusName(status);
    EXPECT_EQ(receive.calls(), 1);
    if (status == STATUS_CANCELLED) {
      std::string in;  // the byte is still there for the next receive
      ASSERT_EQ(Receive(pair_.wsk, 1, &in), STATUS_SUCCESS);
      EXPECT_EQ(in, "z");
    } else {
      EXPECT_EQ(buffer.Read(0, 1), "z");
    }
  }
}

TEST_P(CloseCancelTest, CloseRacesPendingReceiveCompletion) {
  RecordClause("Close.RacingRequestForcedClosed");
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  IrpProbe receive;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, 0, receive.Start());
  std::thread writer([&] { HostTryWrite(pair_.host, "race"); });
  IrpProbe close_probe;
  NTSTATUS closed = close_probe.Result(table()->WskCloseSocket(pair_.wsk, close_probe.Start()));
  pair_.wsk = nullptr;
  writer.join();
  EXPECT_EQ(closed, STATUS_SUCCESS);
  EXPECT_TRUE(receive.completed());
  NTSTATUS status = receive.Result(returned);
  EXPECT_TRUE(status == STATUS_SUCCESS || status == STATUS_CANCELLED) << StatusName(status);
}

TEST_P(CloseCancelTest, CloseTwiceFailsTheSecond) {
  const auto* t = table();
  IrpProbe first, second;
  NTSTATUS returned = t->WskCloseSocket(pair_.wsk, first.Start());
  EXPECT_EQ(first.Result(returned), STATUS_SUCCESS);
  EXPECT_FALSE(NT_SUCCESS(second.Result(t->WskCloseSocket(pair_.wsk, second.Start()))));
  pair_.wsk = nullptr;
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);  // Close.NoCallsAfterClose
}

WSKCONF_FAMILY_TESTS(CloseCancelTest);

// Close racing pending operations from several threads (thread sanitizer).
using CloseRaceTest = FamilyTest;

TEST_P(CloseRaceTest, ManySocketsClosedWithIrpsInFlight) {
  RecordClause("Close.ProviderFreesSocketObject");
  for (int round = 0; round < 20; ++round) {
    ConnectedPair pair = ConnectToHost(*client(), family());
    ASSERT_NE(pair.wsk, nullptr);
    MdlBuffer in(16), out(1 << 20);
    WSK_BUF in_buf = in.Buf(), out_buf = out.Buf();
    IrpProbe receive, send;
    NTSTATUS r = ConnectionTable(pair.wsk)->WskReceive(pair.wsk, &in_buf, 0, receive.Start());
    NTSTATUS s = ConnectionTable(pair.wsk)->WskSend(pair.wsk, &out_buf, 0, send.Start());
    std::thread writer([&] { HostTryWrite(pair.host, Pattern(64, round)); });
    std::thread closer([&] { EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS); });
    closer.join();
    writer.join();
    EXPECT_TRUE(receive.completed());
    EXPECT_TRUE(send.completed());
    receive.Result(r);
    send.Result(s);
    close(pair.host);
  }
}

WSKCONF_FAMILY_TESTS(CloseRaceTest);

}  // namespace
}  // namespace wskconf::reference::testing
