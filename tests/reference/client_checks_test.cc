// Client mistakes the reference provider reports to the kernel verifier
// (reference/src/client_checks.cc; rules ClientCall.* in spec/irp.xml): each
// test makes the mistake once and expects its finding and the documented
// status, and makes the same call correctly and expects silence (the
// fixture fails a test that leaves any finding unconsumed).
#include <unistd.h>

#include <string>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

using ClientChecksTest = FamilyTest;

// The other family's loopback address, for a socket of family().
SOCKADDR_STORAGE OtherFamily(ADDRESS_FAMILY family) {
  return Loopback(family == WS_AF_INET ? WS_AF_INET6 : WS_AF_INET);
}

std::string LastMessage(const char* rule_id) {
  WSKCONF_VIOLATION v;
  std::string message;
  for (ULONG i = 0; WskconfGetViolation(i, &v); ++i) {
    if (std::string(v.RuleId) == rule_id) message = v.Message;
  }
  return message;
}

TEST_P(ClientChecksTest, SocketWithoutIrpIsReported) {
  RecordClause("ClientCall.IrpMissing");
  const WSK_PROVIDER_DISPATCH* provider = client()->dispatch();
  EXPECT_EQ(provider->WskSocket(client()->client(), family(), WS_SOCK_STREAM,
                                WS_IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, nullptr,
                                nullptr, nullptr, nullptr, nullptr, nullptr),
            STATUS_INVALID_PARAMETER);
  EXPECT_NE(LastMessage("ClientCall.IrpMissing").find("WskSocket"), std::string::npos);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1);
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "WskSocket with an IRP is silent";
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(ClientChecksTest, ReservedBindFlagsAreReported) {
  RecordClause("ClientCall.ReservedFlagsNotZero");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  SOCKADDR_STORAGE address = Loopback(family());
  IrpProbe probe;
  EXPECT_EQ(probe.Result(ConnectionTable(s)->WskBind(
                s, reinterpret_cast<PSOCKADDR>(&address), 0x10, probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_NE(LastMessage("ClientCall.ReservedFlagsNotZero").find("WskBind"),
            std::string::npos);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1);
  EXPECT_EQ(Bind(s, address), STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "Flags 0 is silent";
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(ClientChecksTest, BindToTheOtherFamilyIsReported) {
  RecordClause("ClientCall.AddressFamilyMismatch");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  NTSTATUS status = Bind(s, OtherFamily(family()));
  EXPECT_FALSE(NT_SUCCESS(status)) << StatusName(status);
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressFamilyMismatch"), 1);
  EXPECT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "the socket's own family is silent";
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(ClientChecksTest, SocketConnectWithMixedFamiliesIsReported) {
  RecordClause("ClientCall.AddressFamilyMismatch");
  SOCKADDR_STORAGE local = Loopback(family());
  SOCKADDR_STORAGE remote = OtherFamily(family());
  IrpProbe probe;
  NTSTATUS status = probe.Result(client()->dispatch()->WskSocketConnect(
      client()->client(), WS_SOCK_STREAM, WS_IPPROTO_TCP,
      reinterpret_cast<PSOCKADDR>(&local), reinterpret_cast<PSOCKADDR>(&remote), 0,
      nullptr, nullptr, nullptr, nullptr, nullptr, probe.Start()));
  EXPECT_FALSE(NT_SUCCESS(status)) << StatusName(status);
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressFamilyMismatch"), 1);
}

TEST_P(ClientChecksTest, ControlSocketIrpRulesAreReported) {
  RecordClause("ClientCall.IrpNotAllowed");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  const WSK_PROVIDER_BASIC_DISPATCH* table = BasicTable(s);
  ULONG on = 1;
  // SO_KEEPALIVE is set with an IRP; without one it is a client mistake.
  table->WskControlSocket(s, WskSetOption, WS_SO_KEEPALIVE, WS_SOL_SOCKET, sizeof(on),
                          &on, 0, nullptr, nullptr, nullptr);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1);
  IrpProbe probe;
  probe.Result(table->WskControlSocket(s, WskSetOption, WS_SO_KEEPALIVE, WS_SOL_SOCKET,
                                       sizeof(on), &on, 0, nullptr, nullptr,
                                       probe.Start()));
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "SO_KEEPALIVE with an IRP is silent";
  // Enabling callbacks takes no IRP.
  WSK_EVENT_CALLBACK_CONTROL control{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID),
                                     WSK_EVENT_ACCEPT};
  probe.Result(table->WskControlSocket(s, WskSetOption, SO_WSK_EVENT_CALLBACK,
                                       WS_SOL_SOCKET, sizeof(control), &control, 0,
                                       nullptr, nullptr, probe.Start()));
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpNotAllowed"), 1);
  EXPECT_EQ(EnableEvents(s, WSK_EVENT_ACCEPT), STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "enabling without an IRP is silent";
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

// Sets SO_REUSEADDR on `s` with an IRP; returns the final status.
NTSTATUS SetReuseAddress(PWSK_SOCKET s) {
  ULONG on = 1;
  IrpProbe probe;
  return probe.Result(BasicTable(s)->WskControlSocket(
      s, WskSetOption, WS_SO_REUSEADDR, WS_SOL_SOCKET, sizeof(on), &on, 0, nullptr,
      nullptr, probe.Start()));
}

TEST_P(ClientChecksTest, OptionsOnTheWrongSocketAreReported) {
  RecordClause("ClientCall.WrongSocketState");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  SetReuseAddress(s);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "before bind is the documented time";
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  SetReuseAddress(s);
  EXPECT_NE(LastMessage("ClientCall.WrongSocketState").find("before the socket is bound"),
            std::string::npos);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1) << "set after bind";
  EXPECT_EQ(EnableEvents(s, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1)
      << "callbacks enabled before the connection socket is connected";
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  PWSK_SOCKET basic = client()->Socket(family(), 0);
  ASSERT_NE(basic, nullptr);
  SetReuseAddress(basic);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1) << "not on basic sockets";
  EXPECT_EQ(EnableEvents(basic, WSK_EVENT_RECEIVE), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1)
      << "a basic socket has no callbacks without an extension";
  EXPECT_EQ(CloseSocket(basic), STATUS_SUCCESS);
}

TEST_P(ClientChecksTest, DisablingListenerConnectionEventsIsReported) {
  RecordClause("Events.ListenerConnectionEventsStay");
  PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
  ASSERT_NE(l, nullptr);
  ASSERT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
  EXPECT_EQ(EnableEvents(l, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "enabling them for accepted sockets is fine";
  EnableEvents(l, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
}

TEST_P(ClientChecksTest, SendOnAnUnconnectedSocketIsReported) {
  RecordClause("ClientCall.WrongSocketState");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(Send(s, "x"), STATUS_INVALID_DEVICE_STATE);
  EXPECT_NE(LastMessage("ClientCall.WrongSocketState").find("not connected"),
            std::string::npos);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(ClientChecksTest, ControlClientIrpRulesAreReported) {
  RecordClause("ClientCall.IrpNotAllowed");
  PFN_WSK_CONTROL_CLIENT control = client()->dispatch()->WskControlClient;
  PSECURITY_DESCRIPTOR cached = nullptr;
  IrpProbe probe;
  probe.Result(control(client()->client(), WSK_CACHE_SD, sizeof(cached), &cached,
                       sizeof(cached), &cached, nullptr, probe.Start()));
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpNotAllowed"), 1);
  control(client()->client(), WSK_TRANSPORT_LIST_CHANGE, 0, nullptr, 0, nullptr,
          nullptr, nullptr);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1);
  SIZE_T returned = 0;
  control(client()->client(), WSK_TRANSPORT_LIST_QUERY, 0, nullptr, 0, nullptr,
          &returned, nullptr);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "a query without an IRP is silent";
}

TEST_P(ClientChecksTest, PassiveOnlyIoctlAtDispatchIsReported) {
  RecordClause("Ioctls.PassiveOnlyCodes");
  PWSK_SOCKET s = client()->Socket(family(), 0);
  ASSERT_NE(s, nullptr);
  SIZE_T returned = 0;
  BasicTable(s)->WskControlSocket(s, WskIoctl, WS_SIO_ADDRESS_LIST_QUERY, 0, 0, nullptr,
                                  0, nullptr, &returned, nullptr);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "at PASSIVE_LEVEL it is silent";
  KIRQL old = KeRaiseIrqlToDpcLevel();
  BasicTable(s)->WskControlSocket(s, WskIoctl, WS_SIO_ADDRESS_LIST_QUERY, 0, 0, nullptr,
                                  0, nullptr, &returned, nullptr);
  KeLowerIrql(old);
  EXPECT_EQ(ConsumeViolations("Irql.PassiveOnlyCallAtRaisedIrql"), 1);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

WSKCONF_FAMILY_TESTS(ClientChecksTest);

}  // namespace
}  // namespace wskconf::reference::testing
