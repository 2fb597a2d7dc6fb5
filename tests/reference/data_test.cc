// Moving data: WSK_BUF over MDL chains with offsets, receive flags
// (WAITALL, DRAIN), unsupported flags, pending receives and sends, a send
// and a receive outstanding at once, WskConnectEx with data.
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

class DataTest : public FamilyTest {
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

TEST_P(DataTest, SendFromChainWithOffset) {
  RecordClause("WSK_BUF.ChainSpansMdls");
  MdlBuffer buffer({7, 1, 300, 4096, 5});
  std::string bytes = Pattern(buffer.size(), 3);
  buffer.Write(0, bytes);
  WSK_BUF buf = buffer.Buf(5, buffer.size() - 9);  // WSK_BUF.SendLengthIsExact
  IrpProbe probe;
  ASSERT_EQ(probe.Result(table()->WskSend(pair_.wsk, &buf, 0, probe.Start())), STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), buf.Length);  // WskSend.InformationIsBytesSent
  EXPECT_EQ(HostReadAll(pair_.host, buf.Length), bytes.substr(5, buf.Length));
}

TEST_P(DataTest, ReceiveIntoChainWithOffset) {
  RecordClause("Mdl.DescriptionHonoured");
  std::string bytes = Pattern(2000, 4);
  HostWriteAll(pair_.host, bytes);
  MdlBuffer buffer({3, 1000, 1, 1500});
  WSK_BUF buf = buffer.Buf(2, 2000);
  IrpProbe probe;
  ASSERT_EQ(probe.Result(table()->WskReceive(pair_.wsk, &buf, WSK_FLAG_WAITALL, probe.Start())),
            STATUS_SUCCESS);
  ASSERT_EQ(probe.information(), 2000u);
  EXPECT_EQ(buffer.Read(2, 2000), bytes);
  EXPECT_TRUE(buffer.GuardsIntact());
}

TEST_P(DataTest, ReceiveReturnsWhatArrivedUpToLength) {
  RecordClause("WSK_BUF.ReceiveLengthIsMaximum");
  HostWriteAll(pair_.host, "abc");
  MdlBuffer buffer(100);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, 0, probe.Start());
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "abc");
}

TEST_P(DataTest, ReceivePendsUntilDataArrives) {
  RecordClause("WskReceive.PendsUntilDataArrives");
  MdlBuffer buffer(16);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, 0, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
  HostWriteAll(pair_.host, "late");
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "late");
}

TEST_P(DataTest, WaitAllWaitsForAFullBuffer) {
  RecordClause("WskReceive.WaitAllFillsBuffer");
  MdlBuffer buffer(10);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, WSK_FLAG_WAITALL, probe.Start());
  HostWriteAll(pair_.host, "12345");
  if (returned == STATUS_PENDING) {
    EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
  }
  HostWriteAll(pair_.host, "67890");
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 10u);
  EXPECT_EQ(buffer.Read(0, 10), "1234567890");
}

TEST_P(DataTest, WaitAllEndsOnGracefulDisconnect) {
  RecordClause("WskReceive.WaitAllPartialOnGracefulDisconnect");
  MdlBuffer buffer(10);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, WSK_FLAG_WAITALL, probe.Start());
  HostWriteAll(pair_.host, "123");
  shutdown(pair_.host, SHUT_WR);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 3u);
}

TEST_P(DataTest, DrainDiscardsUntilDisconnect) {
  RecordClause("WskReceive.DrainDiscardsUntilDisconnect");
  WSK_BUF buf{nullptr, 0, 0};
  IrpProbe probe;
  NTSTATUS returned = table()->WskReceive(pair_.wsk, &buf, WSK_FLAG_DRAIN, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  HostWriteAll(pair_.host, Pattern(5000, 5));
  EXPECT_FALSE(probe.Wait(kExpectNoCompletion));  // WSK_FLAG_DRAIN.NothingCopied
  shutdown(pair_.host, SHUT_WR);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 0u);
  std::string rest;
  EXPECT_EQ(Receive(pair_.wsk, 100, &rest), STATUS_SUCCESS);
  EXPECT_EQ(rest, "");  // the drained bytes are gone
}

TEST_P(DataTest, ZeroLengthReceiveCompletes) {
  RecordClause("WskReceive.ZeroLengthAllowed");
  WSK_BUF buf{nullptr, 0, 0};
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskReceive(pair_.wsk, &buf, 0, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 0u);
}

TEST_P(DataTest, ZeroLengthSendCompletes) {
  RecordClause("WskSend.ZeroLengthCompletes");
  WSK_BUF buf{nullptr, 0, 0};
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskSend(pair_.wsk, &buf, 0, probe.Start())), STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 0u);
}

TEST_P(DataTest, UnsupportedFlagsNotSupported) {
  RecordClause("WskSend.UnsupportedFlagNotSupported");
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskSend(pair_.wsk, &buf, WSK_FLAG_OOB, probe.Start())),
            STATUS_NOT_SUPPORTED);
  EXPECT_EQ(probe.Result(table()->WskSend(pair_.wsk, &buf, 0x100, probe.Start())),
            STATUS_NOT_SUPPORTED);
  // WskReceive.UnsupportedFlagNotSupported
  EXPECT_EQ(probe.Result(table()->WskReceive(pair_.wsk, &buf, 0x100, probe.Start())),
            STATUS_NOT_SUPPORTED);
}

TEST_P(DataTest, NodelayAccepted) {
  RecordClause("WskSend.NodelayAccepted");
  EXPECT_EQ(Send(pair_.wsk, "x", WSK_FLAG_NODELAY), STATUS_SUCCESS);
  EXPECT_EQ(Send(pair_.wsk, "y", WSK_FLAG_NODELAY), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(pair_.host, 2), "xy");
}

TEST_P(DataTest, BadBuffersRefused) {
  RecordClause("WSK_BUF.NullMdlOnlyWithZeroLength");
  IrpProbe probe;
  WSK_BUF no_mdl{nullptr, 0, 10};
  EXPECT_EQ(probe.Result(table()->WskSend(pair_.wsk, &no_mdl, 0, probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(probe.Result(table()->WskSend(pair_.wsk, nullptr, 0, probe.Start())),
            STATUS_INVALID_PARAMETER);
  MdlBuffer buffer(8);
  WSK_BUF too_long = buffer.Buf(0, 9);
  EXPECT_EQ(probe.Result(table()->WskReceive(pair_.wsk, &too_long, 0, probe.Start())),
            STATUS_INVALID_PARAMETER);
  WSK_BUF bad_offset = buffer.Buf(8, 0);
  bad_offset.Length = 1;
  EXPECT_EQ(probe.Result(table()->WskSend(pair_.wsk, &bad_offset, 0, probe.Start())),
            STATUS_INVALID_PARAMETER);
  // Each mistake is a finding of the kernel verifier too.
  EXPECT_EQ(ConsumeViolations("ClientCall.WskBufInvalid"), 4);
}

TEST_P(DataTest, ReceivesCompleteInOrder) {
  MdlBuffer first(4), second(4);
  WSK_BUF b1 = first.Buf(), b2 = second.Buf();
  IrpProbe p1, p2;
  NTSTATUS r1 = table()->WskReceive(pair_.wsk, &b1, WSK_FLAG_WAITALL, p1.Start());
  NTSTATUS r2 = table()->WskReceive(pair_.wsk, &b2, WSK_FLAG_WAITALL, p2.Start());
  HostWriteAll(pair_.host, "aaaabbbb");
  ASSERT_EQ(p1.Result(r1), STATUS_SUCCESS);
  ASSERT_EQ(p2.Result(r2), STATUS_SUCCESS);
  EXPECT_EQ(first.Read(0, 4), "aaaa");
  EXPECT_EQ(second.Read(0, 4), "bbbb");
}

TEST_P(DataTest, SendAndReceiveOutstandingTogether) {
  RecordClause("WskSend.MdlLockedUntilCompletion");
  MdlBuffer in(8);
  WSK_BUF in_buf = in.Buf();
  IrpProbe receive;
  NTSTATUS receive_returned = table()->WskReceive(pair_.wsk, &in_buf, WSK_FLAG_WAITALL,
                                                  receive.Start());
  // Fill the host's receive window so the send has to wait.
  std::string big = Pattern(8 << 20, 6);
  MdlBuffer out(big.size());
  out.Write(0, big);
  WSK_BUF out_buf = out.Buf();
  IrpProbe send;
  NTSTATUS send_returned = table()->WskSend(pair_.wsk, &out_buf, 0, send.Start());
  EXPECT_EQ(send_returned, STATUS_PENDING);
  HostWriteAll(pair_.host, "12345678");
  ASSERT_EQ(receive.Result(receive_returned), STATUS_SUCCESS);
  EXPECT_EQ(in.Read(0, 8), "12345678");
  EXPECT_FALSE(send.completed());
  EXPECT_EQ(HostReadAll(pair_.host, big.size()), big);
  ASSERT_EQ(send.Result(send_returned), STATUS_SUCCESS);
  EXPECT_EQ(send.information(), big.size());  // WskSend.CompletesOnlyWhenAllSent
}

TEST_P(DataTest, QueuedSendsKeepOrder) {
  std::string a = Pattern(3 << 20, 7), b = Pattern(1000, 8);
  MdlBuffer ba(a.size()), bb(b.size());
  ba.Write(0, a);
  bb.Write(0, b);
  WSK_BUF wa = ba.Buf(), wb = bb.Buf();
  IrpProbe pa, pb;
  NTSTATUS ra = table()->WskSend(pair_.wsk, &wa, 0, pa.Start());
  NTSTATUS rb = table()->WskSend(pair_.wsk, &wb, 0, pb.Start());
  std::string got;
  std::thread reader([&] { got = HostReadAll(pair_.host, a.size() + b.size()); });
  EXPECT_EQ(pa.Result(ra), STATUS_SUCCESS);
  EXPECT_EQ(pb.Result(rb), STATUS_SUCCESS);
  reader.join();
  EXPECT_TRUE(got == a + b) << "bytes out of order";
}

TEST_P(DataTest, SendAfterPeerResetFails) {
  HostAbort(pair_.host);
  pair_.host = -1;
  NTSTATUS status = STATUS_SUCCESS;
  // The reset may take a send to be noticed; it then sticks.
  for (int i = 0; i < 20 && NT_SUCCESS(status); ++i) status = Send(pair_.wsk, Pattern(1000));
  EXPECT_EQ(status, STATUS_CONNECTION_RESET) << StatusName(status);
}

WSKCONF_FAMILY_TESTS(DataTest);

// ---- WskConnectEx ----

using ConnectExTest = FamilyTest;

TEST_P(ConnectExTest, BufferDeliveredWithConnect) {
  RecordClause("WskConnectEx.BufferDataDeliveredToPeer");
  USHORT port;
  int listener = HostListener(family(), &port);
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  MdlBuffer buffer(65535);  // WskConnectEx.Buffer65535Accepted
  std::string bytes = Pattern(65535, 9);
  buffer.Write(0, bytes);
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE remote = Loopback(family(), port);
  IrpProbe probe;
  NTSTATUS returned = ConnectionTable(s)->WskConnectEx(
      s, reinterpret_cast<PSOCKADDR>(&remote), &buf, 0, probe.Start());
  int host = HostAccept(listener);
  std::string got = HostReadAll(host, bytes.size());
  EXPECT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_TRUE(got == bytes);
  EXPECT_EQ(Send(s, "after"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 5), "after");
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(host);
  close(listener);
}

TEST_P(ConnectExTest, NullBufferIsAConnect) {
  RecordClause("WskConnectEx.NullBufferBehavesAsConnect");
  USHORT port;
  int listener = HostListener(family(), &port);
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  SOCKADDR_STORAGE remote = Loopback(family(), port);
  IrpProbe probe;
  EXPECT_EQ(probe.Result(ConnectionTable(s)->WskConnectEx(
                s, reinterpret_cast<PSOCKADDR>(&remote), nullptr, 0, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(listener);
}

TEST_P(ConnectExTest, BadArgumentsRefused) {
  RecordClause("WskConnectEx.BufferOver65535Overflows");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  SOCKADDR_STORAGE remote = Loopback(family(), 9);
  MdlBuffer buffer(65536);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  EXPECT_EQ(probe.Result(ConnectionTable(s)->WskConnectEx(
                s, reinterpret_cast<PSOCKADDR>(&remote), &buf, 0, probe.Start())),
            STATUS_BUFFER_OVERFLOW);
  // WskConnectEx.NonZeroFlagsInvalid
  EXPECT_EQ(probe.Result(ConnectionTable(s)->WskConnectEx(
                s, reinterpret_cast<PSOCKADDR>(&remote), nullptr, 1, probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1) << "the mistake made on purpose";
}

WSKCONF_FAMILY_TESTS(ConnectExTest);

}  // namespace
}  // namespace wskconf::reference::testing
