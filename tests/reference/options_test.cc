// The ULONG SOL_SOCKET options through WskControlSocket: defaults, values
// round-tripping through the host, the IRP, size and category rules, and
// inheritance by accepted sockets (spec/options.xml).
#include <unistd.h>

#include <vector>

#include "control_test_util.h"
#include "datagram_test_util.h"

namespace wskconf::reference::testing {
namespace {

class OptionsTest : public KeepingFamilyTest {
 protected:
  PWSK_SOCKET Make(ULONG flags) { return Keep(client()->Socket(family(), flags)); }
  PWSK_SOCKET Datagram() { return Keep(DatagramSocket(*client(), family())); }
  // The option's value; a failed read fails the test and gives ~0u.
  ULONG Get(PWSK_SOCKET s, ULONG code) {
    ULONG value = ~0u;
    ULONG_PTR information = 0;
    EXPECT_EQ(GetUlong(s, code, &value, &information), STATUS_SUCCESS);
    EXPECT_EQ(information, sizeof(ULONG));  // WskGetOption.ReturnsOptionValue
    return value;
  }
};

TEST_P(OptionsTest, KeepAliveDefaultsOffAndRoundTrips) {
  RecordClause("SO_KEEPALIVE.DefaultOff");
  for (ULONG flags : {WSK_FLAG_CONNECTION_SOCKET, WSK_FLAG_LISTEN_SOCKET}) {
    PWSK_SOCKET s = Make(flags);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(Get(s, WS_SO_KEEPALIVE), 0u);
    ASSERT_EQ(SetUlong(s, WS_SO_KEEPALIVE, 1), STATUS_SUCCESS);
    EXPECT_EQ(Get(s, WS_SO_KEEPALIVE), 1u);
    ASSERT_EQ(SetUlong(s, WS_SO_KEEPALIVE, 0), STATUS_SUCCESS);
    EXPECT_EQ(Get(s, WS_SO_KEEPALIVE), 0u);
  }
}

TEST_P(OptionsTest, BroadcastDefaultsOffAndRoundTrips) {
  RecordClause("SO_BROADCAST.SetThenGet");
  PWSK_SOCKET s = Datagram();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(Get(s, WS_SO_BROADCAST), 0u);  // SO_BROADCAST.DefaultOff
  ASSERT_EQ(SetUlong(s, WS_SO_BROADCAST, 1), STATUS_SUCCESS);
  EXPECT_EQ(Get(s, WS_SO_BROADCAST), 1u);
  ASSERT_EQ(SetUlong(s, WS_SO_BROADCAST, 0), STATUS_SUCCESS);
  EXPECT_EQ(Get(s, WS_SO_BROADCAST), 0u);
}

TEST_P(OptionsTest, OptionsRefusedOutsideTheirCategories) {
  RecordClause("SO_BROADCAST.DatagramOnly");
  PWSK_SOCKET connection = Make(WSK_FLAG_CONNECTION_SOCKET);
  PWSK_SOCKET basic = Make(WSK_FLAG_BASIC_SOCKET);
  PWSK_SOCKET datagram = Datagram();
  ASSERT_NE(connection, nullptr);
  ASSERT_NE(basic, nullptr);
  ASSERT_NE(datagram, nullptr);
  EXPECT_EQ(SetUlong(connection, WS_SO_BROADCAST, 1), STATUS_NOT_SUPPORTED);
  EXPECT_EQ(SetUlong(datagram, WS_SO_KEEPALIVE, 1), STATUS_NOT_SUPPORTED);
  for (ULONG code : {ULONG{WS_SO_RCVBUF}, ULONG{WS_SO_REUSEADDR}, kExclusiveAddressUse}) {
    EXPECT_EQ(SetUlong(basic, code, 1), STATUS_NOT_SUPPORTED) << code;  // NotOnBasic
  }
  // The client mistakes this test makes on purpose (the verifier's ClientCall rules).
  ConsumeViolations("ClientCall.IrpMissing");
  ConsumeViolations("ClientCall.IrpNotAllowed");
  ConsumeViolations("ClientCall.WrongSocketState");
}

TEST_P(OptionsTest, ReceiveBufferRoundTrips) {
  RecordClause("SO_RCVBUF.DefaultTransportSpecific");
  PWSK_SOCKET s = Make(WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  EXPECT_GT(Get(s, WS_SO_RCVBUF), 0u);
  ASSERT_EQ(SetUlong(s, WS_SO_RCVBUF, 65536), STATUS_SUCCESS);
  EXPECT_EQ(Get(s, WS_SO_RCVBUF), 65536u);
  ASSERT_EQ(SetUlong(s, WS_SO_RCVBUF, 32768), STATUS_SUCCESS);
  EXPECT_EQ(Get(s, WS_SO_RCVBUF), 32768u);
}

TEST_P(OptionsTest, SharingOptionsDefaultOffAndRoundTrip) {
  RecordClause("SO_REUSEADDR.DefaultOff");
  for (ULONG flags : {WSK_FLAG_CONNECTION_SOCKET, WSK_FLAG_LISTEN_SOCKET}) {
    PWSK_SOCKET s = Make(flags);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(Get(s, WS_SO_REUSEADDR), 0u);
    EXPECT_EQ(Get(s, kExclusiveAddressUse), 0u);  // SO_EXCLUSIVEADDRUSE.DefaultOff
    ASSERT_EQ(SetUlong(s, WS_SO_REUSEADDR, 1), STATUS_SUCCESS);
    EXPECT_EQ(Get(s, WS_SO_REUSEADDR), 1u);
    EXPECT_EQ(Get(s, kExclusiveAddressUse), 0u);
    ASSERT_EQ(SetUlong(s, kExclusiveAddressUse, 1), STATUS_SUCCESS);
    EXPECT_EQ(Get(s, kExclusiveAddressUse), 1u);
  }
  PWSK_SOCKET datagram = Datagram();
  ASSERT_NE(datagram, nullptr);
  EXPECT_EQ(Get(datagram, WS_SO_REUSEADDR), 0u);
}

TEST_P(OptionsTest, OptionWithoutIrpFailsAndChangesNothing) {
  RecordClause("SO_KEEPALIVE.SetRequiresIrp");
  PWSK_SOCKET s = Make(WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  ULONG on = 1;
  EXPECT_EQ(BasicTable(s)->WskControlSocket(s, WskSetOption, WS_SO_KEEPALIVE, WS_SOL_SOCKET,
                                            sizeof(on), &on, 0, nullptr, nullptr, nullptr),
            STATUS_INVALID_PARAMETER);
  ULONG value = 7;
  SIZE_T returned = 0;
  EXPECT_EQ(BasicTable(s)->WskControlSocket(s, WskGetOption, WS_SO_KEEPALIVE, WS_SOL_SOCKET,
                                            0, nullptr, sizeof(value), &value, &returned,
                                            nullptr),
            STATUS_INVALID_PARAMETER);  // SO_KEEPALIVE.GetRequiresIrp
  EXPECT_EQ(value, 7u);
  EXPECT_EQ(Get(s, WS_SO_KEEPALIVE), 0u);
  // The client mistakes this test makes on purpose (the verifier's ClientCall rules).
  ConsumeViolations("ClientCall.IrpMissing");
  ConsumeViolations("ClientCall.IrpNotAllowed");
  ConsumeViolations("ClientCall.WrongSocketState");
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(OptionsTest, ShortBuffersFail) {
  RecordClause("Options.ShortBufferFails");
  PWSK_SOCKET s = Make(WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  USHORT small = 1;
  IrpProbe probe;
  EXPECT_EQ(probe.Result(BasicTable(s)->WskControlSocket(
                s, WskSetOption, WS_SO_KEEPALIVE, WS_SOL_SOCKET, sizeof(small), &small, 0,
                nullptr, nullptr, probe.Start())),
            STATUS_BUFFER_TOO_SMALL);
  EXPECT_EQ(probe.Result(BasicTable(s)->WskControlSocket(
                s, WskGetOption, WS_SO_RCVBUF, WS_SOL_SOCKET, 0, nullptr, sizeof(small),
                &small, nullptr, probe.Start())),
            STATUS_BUFFER_TOO_SMALL);
  EXPECT_EQ(small, 1);  // nothing written
  EXPECT_EQ(probe.Result(BasicTable(s)->WskControlSocket(
                s, WskSetOption, WS_SO_KEEPALIVE, WS_SOL_SOCKET, sizeof(ULONG), nullptr, 0,
                nullptr, nullptr, probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Get(s, WS_SO_KEEPALIVE), 0u);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 3);
}

TEST_P(OptionsTest, AcceptedSocketInheritsKeepAliveAndReceiveBuffer) {
  RecordClause("SO_KEEPALIVE.InheritedByAccepted");
  PWSK_SOCKET listener = Make(WSK_FLAG_LISTEN_SOCKET);
  ASSERT_NE(listener, nullptr);
  ASSERT_EQ(SetUlong(listener, WS_SO_KEEPALIVE, 1), STATUS_SUCCESS);
  ASSERT_EQ(SetUlong(listener, WS_SO_RCVBUF, 50000), STATUS_SUCCESS);
  ASSERT_EQ(Bind(listener, Loopback(family())), STATUS_SUCCESS);
  SOCKADDR_STORAGE address;
  IrpProbe probe;
  ASSERT_EQ(probe.Result(ListenTable(listener)->WskGetLocalAddress(
                listener, reinterpret_cast<PSOCKADDR>(&address), probe.Start())),
            STATUS_SUCCESS);
  KeepFd(HostConnect(family(), PortOf(address)));
  PWSK_SOCKET accepted = Keep(Accept(listener));
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(Get(accepted, WS_SO_KEEPALIVE), 1u);
  EXPECT_EQ(Get(accepted, WS_SO_RCVBUF), 50000u);  // SO_RCVBUF.InheritedByAccepted
  // SO_KEEPALIVE.AcceptedCanOverride, SO_RCVBUF.AcceptedCanOverride
  ASSERT_EQ(SetUlong(accepted, WS_SO_KEEPALIVE, 0), STATUS_SUCCESS);
  ASSERT_EQ(SetUlong(accepted, WS_SO_RCVBUF, 40000), STATUS_SUCCESS);
  EXPECT_EQ(Get(accepted, WS_SO_KEEPALIVE), 0u);
  EXPECT_EQ(Get(accepted, WS_SO_RCVBUF), 40000u);
  EXPECT_EQ(Get(listener, WS_SO_KEEPALIVE), 1u);
  EXPECT_EQ(Get(listener, WS_SO_RCVBUF), 50000u);
}

WSKCONF_FAMILY_TESTS(OptionsTest);

}  // namespace
}  // namespace wskconf::reference::testing
