// WskSocket and WskSocketConnect: categories, refused combinations, bad
// arguments, and what the IRP carries.
#include <unistd.h>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

class SocketTest : public FamilyTest {
 protected:
  // WskSocket with explicit type/protocol/flags; the completion status.
  NTSTATUS Create(USHORT type, ULONG protocol, ULONG flags, PWSK_SOCKET* out,
                  ADDRESS_FAMILY family_override = 0) {
    IrpProbe probe;
    NTSTATUS status = probe.Result(client()->dispatch()->WskSocket(
        client()->client(), family_override ? family_override : family(), type, protocol,
        flags, nullptr, nullptr, nullptr, nullptr, nullptr, probe.Start()));
    *out = reinterpret_cast<PWSK_SOCKET>(probe.information());
    if (!NT_SUCCESS(status)) {
      // WskSocket.FailureDeliversNoSocket
      EXPECT_EQ(probe.information(), 0u);
    }
    return status;
  }
};

TEST_P(SocketTest, EachCategoryGetsItsTable) {
  RecordClause("WskSocket.CategoryFromFlags");
  struct {
    ULONG flags;
    size_t table_size;
  } cases[] = {{WSK_FLAG_BASIC_SOCKET, sizeof(WSK_PROVIDER_BASIC_DISPATCH)},
               {WSK_FLAG_LISTEN_SOCKET, sizeof(WSK_PROVIDER_LISTEN_DISPATCH)},
               {WSK_FLAG_CONNECTION_SOCKET, sizeof(WSK_PROVIDER_CONNECTION_DISPATCH)},
               {WSK_FLAG_STREAM_SOCKET, sizeof(WSK_PROVIDER_STREAM_DISPATCH)}};
  for (const auto& c : cases) {
    PWSK_SOCKET s = nullptr;
    ASSERT_EQ(Create(WS_SOCK_STREAM, WS_IPPROTO_TCP, c.flags, &s), STATUS_SUCCESS);
    ASSERT_NE(s, nullptr);
    ASSERT_NE(s->Dispatch, nullptr);
    // Every member of the category's table is filled in.
    auto* members = static_cast<void* const*>(s->Dispatch);
    for (size_t i = 0; i < c.table_size / sizeof(void*); ++i) {
      EXPECT_NE(members[i], nullptr) << "flags " << c.flags << " member " << i;
    }
    // WskCloseSocket.AllCategories
    EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  }
}

TEST_P(SocketTest, CategoriesDifferInTheirTables) {
  RecordClause("WSK_SOCKET.DispatchMatchesCategory");
  PWSK_SOCKET listen = nullptr, connection = nullptr;
  ASSERT_EQ(Create(WS_SOCK_STREAM, WS_IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET, &listen),
            STATUS_SUCCESS);
  ASSERT_EQ(Create(WS_SOCK_STREAM, WS_IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, &connection),
            STATUS_SUCCESS);
  EXPECT_NE(listen->Dispatch, connection->Dispatch);
  EXPECT_EQ(CloseSocket(listen), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(connection), STATUS_SUCCESS);
}

TEST_P(SocketTest, UnsupportedCombinationsFail) {
  RecordClause("WskSocket.UnsupportedCombinationFails");
  PWSK_SOCKET s;
  EXPECT_FALSE(NT_SUCCESS(Create(WS_SOCK_DGRAM, WS_IPPROTO_UDP, WSK_FLAG_LISTEN_SOCKET, &s)));
  EXPECT_FALSE(
      NT_SUCCESS(Create(WS_SOCK_DGRAM, WS_IPPROTO_UDP, WSK_FLAG_CONNECTION_SOCKET, &s)));
  EXPECT_FALSE(NT_SUCCESS(Create(WS_SOCK_STREAM, WS_IPPROTO_UDP, WSK_FLAG_STREAM_SOCKET, &s)));
  EXPECT_FALSE(NT_SUCCESS(Create(WS_SOCK_RAW, WS_IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, &s)));
}

TEST_P(SocketTest, BadFlagsAndFamilyFail) {
  PWSK_SOCKET s;
  // WskSocket.OneCategoryFlag: combined categories are refused.
  EXPECT_EQ(Create(WS_SOCK_STREAM, WS_IPPROTO_TCP,
                   WSK_FLAG_LISTEN_SOCKET | WSK_FLAG_CONNECTION_SOCKET, &s),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Create(WS_SOCK_STREAM, WS_IPPROTO_TCP, 0x100, &s), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Create(WS_SOCK_STREAM, WS_IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET, &s, 10),
            STATUS_INVALID_PARAMETER);  // Linux's AF_INET6 value is not Windows'
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(SocketTest, BasicUdpSocket) {
  PWSK_SOCKET s = nullptr;
  ASSERT_EQ(Create(WS_SOCK_DGRAM, WS_IPPROTO_UDP, WSK_FLAG_BASIC_SOCKET, &s), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(SocketTest, NullIrpRefused) {
  RecordClause("WskSocket.IrpRequired");
  EXPECT_EQ(client()->dispatch()->WskSocket(client()->client(), family(), WS_SOCK_STREAM,
                                            WS_IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET,
                                            nullptr, nullptr, nullptr, nullptr, nullptr,
                                            nullptr),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1) << "the mistake made on purpose";
}

TEST_P(SocketTest, NullClientFailsThroughTheIrp) {
  IrpProbe probe;
  EXPECT_EQ(probe.Result(client()->dispatch()->WskSocket(
                nullptr, family(), WS_SOCK_STREAM, WS_IPPROTO_TCP,
                WSK_FLAG_CONNECTION_SOCKET, nullptr, nullptr, nullptr, nullptr, nullptr,
                probe.Start())),
            STATUS_INVALID_PARAMETER);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(SocketTest, CompletionAtDispatchLevel) {
  RecordClause("Irp.CompletionAtOrBelowDispatch");
  IrpProbe probe;
  ASSERT_EQ(probe.Result(client()->dispatch()->WskSocket(
                client()->client(), family(), WS_SOCK_STREAM, WS_IPPROTO_TCP,
                WSK_FLAG_CONNECTION_SOCKET, nullptr, nullptr, nullptr, nullptr, nullptr,
                probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(probe.irql(), DISPATCH_LEVEL);
  EXPECT_EQ(CloseSocket(reinterpret_cast<PWSK_SOCKET>(probe.information())), STATUS_SUCCESS);
}

TEST_P(SocketTest, CallableAtDispatchLevel) {
  RecordClause("Irql.DispatchLevelFunctionsAccepted");
  IrpProbe probe;
  KIRQL irql = KeRaiseIrqlToDpcLevel();
  NTSTATUS returned = client()->dispatch()->WskSocket(
      client()->client(), family(), WS_SOCK_STREAM, WS_IPPROTO_TCP,
      WSK_FLAG_CONNECTION_SOCKET, nullptr, nullptr, nullptr, nullptr, nullptr, probe.Start());
  // Irql.ReturnsAtCallerIrql
  EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
  KeLowerIrql(irql);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(reinterpret_cast<PWSK_SOCKET>(probe.information())), STATUS_SUCCESS);
}

TEST_P(SocketTest, SocketConnectDeliversConnectedSocket) {
  RecordClause("WskSocketConnect.DeliversConnectedSocket");
  USHORT port;
  int listener = HostListener(family(), &port);
  SOCKADDR_STORAGE local = Loopback(family()), remote = Loopback(family(), port);
  IrpProbe probe;
  NTSTATUS status = probe.Result(client()->dispatch()->WskSocketConnect(
      client()->client(), WS_SOCK_STREAM, WS_IPPROTO_TCP, reinterpret_cast<PSOCKADDR>(&local),
      reinterpret_cast<PSOCKADDR>(&remote), 0, nullptr, nullptr, nullptr, nullptr, nullptr,
      probe.Start()));
  ASSERT_EQ(status, STATUS_SUCCESS) << StatusName(status);
  auto s = reinterpret_cast<PWSK_SOCKET>(probe.information());
  ASSERT_NE(s, nullptr);
  int host = HostAccept(listener);
  ASSERT_GE(host, 0);
  EXPECT_EQ(Send(s, "hello"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 5), "hello");
  SOCKADDR_STORAGE peer{};
  EXPECT_EQ(GetRemoteAddress(s, &peer), STATUS_SUCCESS);
  EXPECT_EQ(PortOf(peer), port);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(host);
  close(listener);
}

TEST_P(SocketTest, SocketConnectRefusedFails) {
  RecordClause("WskSocketConnect.ConnectFailureFailsCall");
  USHORT port;
  int listener = HostListener(family(), &port);
  close(listener);  // nothing listens on port now
  SOCKADDR_STORAGE local = Loopback(family()), remote = Loopback(family(), port);
  IrpProbe probe;
  NTSTATUS status = probe.Result(client()->dispatch()->WskSocketConnect(
      client()->client(), WS_SOCK_STREAM, WS_IPPROTO_TCP, reinterpret_cast<PSOCKADDR>(&local),
      reinterpret_cast<PSOCKADDR>(&remote), 0, nullptr, nullptr, nullptr, nullptr, nullptr,
      probe.Start()));
  EXPECT_EQ(status, STATUS_CONNECTION_REFUSED) << StatusName(status);
  EXPECT_EQ(probe.information(), 0u);
}

TEST_P(SocketTest, SocketConnectBadArguments) {
  SOCKADDR_STORAGE local = Loopback(family());
  SOCKADDR_STORAGE other = Loopback(family() == WS_AF_INET ? WS_AF_INET6 : WS_AF_INET, 1);
  auto call = [&](PSOCKADDR l, PSOCKADDR r, ULONG flags, USHORT type) {
    IrpProbe probe;
    return probe.Result(client()->dispatch()->WskSocketConnect(
        client()->client(), type, WS_IPPROTO_TCP, l, r, flags, nullptr, nullptr, nullptr,
        nullptr, nullptr, probe.Start()));
  };
  auto* l = reinterpret_cast<PSOCKADDR>(&local);
  auto* o = reinterpret_cast<PSOCKADDR>(&other);
  EXPECT_EQ(call(nullptr, l, 0, WS_SOCK_STREAM), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(call(l, nullptr, 0, WS_SOCK_STREAM), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(call(l, o, 0, WS_SOCK_STREAM), STATUS_INVALID_ADDRESS_COMPONENT);
  EXPECT_EQ(call(l, l, 1, WS_SOCK_STREAM), STATUS_INVALID_PARAMETER);  // FlagsZero
  EXPECT_EQ(call(l, l, 0, WS_SOCK_DGRAM), STATUS_NOT_SUPPORTED);  // StreamTcpOnly
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressFamilyMismatch"), 1) << "the mistake made on purpose";
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1) << "the mistake made on purpose";
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

WSKCONF_FAMILY_TESTS(SocketTest);

}  // namespace
}  // namespace wskconf::reference::testing
