// Connection sockets: bind, connect, send, receive, addresses and close
// against a host peer, and the statuses of the failure cases.
#include <unistd.h>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

using ConnectionTest = FamilyTest;

TEST_P(ConnectionTest, SendAndReceiveBothWays) {
  RecordClause("WskSend.DataArrivesInOrder");
  ConnectedPair pair = ConnectToHost(*client(), family());
  ASSERT_NE(pair.wsk, nullptr);
  ASSERT_GE(pair.host, 0);
  std::string out = Pattern(3000, 1);
  EXPECT_EQ(Send(pair.wsk, out), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(pair.host, out.size()), out);
  HostWriteAll(pair.host, "reply");
  std::string in;
  EXPECT_EQ(Receive(pair.wsk, 100, &in), STATUS_SUCCESS);
  EXPECT_EQ(in, "reply");
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
  close(pair.host);
}

TEST_P(ConnectionTest, AddressesOfAConnection) {
  RecordClause("WskGetRemoteAddress.ReturnsPeerAddress");
  USHORT port;
  int listener = HostListener(family(), &port);
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  SOCKADDR_STORAGE address{};
  // WskGetLocalAddress.UnboundInvalidDeviceState
  EXPECT_EQ(GetLocalAddress(s, &address), STATUS_INVALID_DEVICE_STATE);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  // WskBind.PortZeroAssignsPort, WskGetLocalAddress.ReturnsBoundAddress
  ASSERT_EQ(GetLocalAddress(s, &address), STATUS_SUCCESS);
  EXPECT_EQ(address.ss_family, family());
  EXPECT_NE(PortOf(address), 0);
  // WskGetRemoteAddress.NotConnectedInvalidDeviceState
  EXPECT_EQ(GetRemoteAddress(s, &address), STATUS_INVALID_DEVICE_STATE);
  ASSERT_EQ(Connect(s, Loopback(family(), port)), STATUS_SUCCESS);
  ASSERT_EQ(GetRemoteAddress(s, &address), STATUS_SUCCESS);
  EXPECT_EQ(address.ss_family, family());
  EXPECT_EQ(PortOf(address), port);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(listener);
}

TEST_P(ConnectionTest, ConnectUnboundFails) {
  RecordClause("WskConnect.UnboundSocketFails");  // and WskConnect.UnboundSocketStatus
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  EXPECT_EQ(Connect(s, Loopback(family(), 9)), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1)
      << "the mistakes made on purpose";
}

TEST_P(ConnectionTest, ConnectRefused) {
  RecordClause("WskConnect.RefusedCompletesWithFailure");
  USHORT port;
  close(HostListener(family(), &port));
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  EXPECT_EQ(Connect(s, Loopback(family(), port)), STATUS_CONNECTION_REFUSED);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(ConnectionTest, SecondConnectFails) {
  ConnectedPair pair = ConnectToHost(*client(), family());
  ASSERT_NE(pair.wsk, nullptr);
  EXPECT_EQ(Connect(pair.wsk, Loopback(family(), 9)), STATUS_CONNECTION_ACTIVE);
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
  close(pair.host);
}

TEST_P(ConnectionTest, ConnectFlagsMustBeZero) {
  RecordClause("WskConnect.FlagsMustBeZero");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  SOCKADDR_STORAGE remote = Loopback(family(), 9);
  IrpProbe probe;
  EXPECT_EQ(probe.Result(ConnectionTable(s)->WskConnect(
                s, reinterpret_cast<PSOCKADDR>(&remote), 1, probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1) << "the mistake made on purpose";
}

TEST_P(ConnectionTest, BindTwiceFails) {
  RecordClause("WskBind.SecondBindFails");  // and WskBind.SecondBindStatus
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  EXPECT_EQ(Bind(s, Loopback(family())), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(ConnectionTest, BindAddressInUse) {
  RecordClause("WskBind.AddressInUseStatus");
  USHORT port;
  int listener = HostListener(family(), &port);
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  EXPECT_EQ(Bind(s, Loopback(family(), port)), STATUS_ADDRESS_ALREADY_EXISTS);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(listener);
}

TEST_P(ConnectionTest, BindWrongFamilyOrNull) {
  RecordClause("WskBind.AddressFamilyMatchesSocket");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ADDRESS_FAMILY other = family() == WS_AF_INET ? WS_AF_INET6 : WS_AF_INET;
  EXPECT_EQ(Bind(s, Loopback(other)), STATUS_INVALID_ADDRESS_COMPONENT);
  IrpProbe probe;
  EXPECT_EQ(probe.Result(ConnectionTable(s)->WskBind(s, nullptr, 0, probe.Start())),
            STATUS_INVALID_PARAMETER);
  SOCKADDR_STORAGE address = Loopback(family());
  EXPECT_EQ(probe.Result(ConnectionTable(s)->WskBind(
                s, reinterpret_cast<PSOCKADDR>(&address), 4, probe.Start())),
            STATUS_INVALID_PARAMETER);  // WskBind.FlagsMustBeZero
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressFamilyMismatch"), 1) << "the mistake made on purpose";
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1) << "the mistake made on purpose";
}

TEST_P(ConnectionTest, SendAndReceiveNeedAConnection) {
  RecordClause("WskSend.UnconnectedSocketFails");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  EXPECT_EQ(Send(s, "x"), STATUS_INVALID_DEVICE_STATE);
  std::string in;
  EXPECT_EQ(Receive(s, 10, &in), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 2)
      << "the mistakes made on purpose";
}

TEST_P(ConnectionTest, NullIrpRefusedEverywhere) {
  RecordClause("WskSend.IrpRequired");
  ConnectedPair pair = ConnectToHost(*client(), family());
  ASSERT_NE(pair.wsk, nullptr);
  const auto* table = ConnectionTable(pair.wsk);
  MdlBuffer buffer(8);
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE address{};
  auto* a = reinterpret_cast<PSOCKADDR>(&address);
  EXPECT_EQ(table->WskSend(pair.wsk, &buf, 0, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(table->WskReceive(pair.wsk, &buf, 0, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(table->WskBind(pair.wsk, a, 0, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(table->WskConnect(pair.wsk, a, 0, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(table->WskGetLocalAddress(pair.wsk, a, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(table->WskGetRemoteAddress(pair.wsk, a, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(table->WskDisconnect(pair.wsk, nullptr, 0, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(table->WskCloseSocket(pair.wsk, nullptr), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 8) << "one finding per call";
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
  close(pair.host);
}

TEST_P(ConnectionTest, CallsOnAClosedSocketFail) {
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  const auto* table = ConnectionTable(s);
  ASSERT_EQ(CloseSocket(s), STATUS_SUCCESS);
  // The object stays readable for a while after close; calls fail cleanly.
  SOCKADDR_STORAGE address = Loopback(family());
  IrpProbe probe;
  NTSTATUS status = probe.Result(
      table->WskBind(s, reinterpret_cast<PSOCKADDR>(&address), 0, probe.Start()));
  EXPECT_FALSE(NT_SUCCESS(status)) << StatusName(status);
  EXPECT_EQ(probe.Result(table->WskCloseSocket(nullptr, probe.Start())), STATUS_INVALID_HANDLE);
  // Close.NoCallsAfterClose: the call after close is a finding too.
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);
}

TEST_P(ConnectionTest, PeerCloseEndsReceiveGracefully) {
  RecordClause("WskReceive.InformationIsBytesReceived");
  ConnectedPair pair = ConnectToHost(*client(), family());
  ASSERT_NE(pair.wsk, nullptr);
  HostWriteAll(pair.host, "last");
  close(pair.host);
  std::string in;
  EXPECT_EQ(Receive(pair.wsk, 100, &in), STATUS_SUCCESS);
  EXPECT_EQ(in, "last");
  EXPECT_EQ(Receive(pair.wsk, 100, &in), STATUS_SUCCESS);
  EXPECT_EQ(in, "");
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
}

TEST_P(ConnectionTest, PeerResetFailsReceive) {
  ConnectedPair pair = ConnectToHost(*client(), family());
  ASSERT_NE(pair.wsk, nullptr);
  HostAbort(pair.host);
  std::string in;
  EXPECT_EQ(Receive(pair.wsk, 100, &in), STATUS_CONNECTION_RESET);
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
}

TEST_P(ConnectionTest, CloseWithoutDisconnectResetsPeer) {
  RecordClause("WskDisconnect.CloseWithoutDisconnectIsAbortive");
  ConnectedPair pair = ConnectToHost(*client(), family());
  ASSERT_NE(pair.wsk, nullptr);
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
  EXPECT_FALSE(HostReadsEof(pair.host));
  close(pair.host);
}

WSKCONF_FAMILY_TESTS(ConnectionTest);

}  // namespace
}  // namespace wskconf::reference::testing
