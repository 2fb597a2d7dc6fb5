// WskControlClient on the reference provider: the transport list and its
// change notification, static event callbacks and the TDI codes (here) and
// the security descriptor cache (security_cache_test.cc).
#include <unistd.h>

#include <cstring>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

// A WskControlClient call with no IRP; returns its status.
NTSTATUS Control(WskClient* client, ULONG code, SIZE_T in_size, PVOID in,
                 SIZE_T out_size = 0, PVOID out = nullptr, SIZE_T* returned = nullptr) {
  return client->dispatch()->WskControlClient(client->client(), code, in_size, in, out_size,
                                              out, returned, nullptr);
}

// The transport list, queried as the guide describes (probe, then fill).
std::vector<WSK_TRANSPORT> QueryTransports(WskClient* client) {
  SIZE_T needed = 0;
  EXPECT_EQ(Control(client, WSK_TRANSPORT_LIST_QUERY, 0, nullptr, 0, nullptr, &needed),
            STATUS_BUFFER_OVERFLOW);
  std::vector<WSK_TRANSPORT> list(needed / sizeof(WSK_TRANSPORT));
  SIZE_T copied = 0;
  EXPECT_EQ(Control(client, WSK_TRANSPORT_LIST_QUERY, 0, nullptr, needed, list.data(),
                    &copied),
            STATUS_SUCCESS);
  EXPECT_EQ(copied, needed);
  return list;
}

using ClientControlTest = ReferenceTest;

TEST_F(ClientControlTest, TransportProbeReportsWholeSizeT) {
  RecordClause("WSK_TRANSPORT_LIST_QUERY.SizeProbe");
  // WskControlClient.OutputSizeReturnedIsSizeT: every byte is overwritten.
  SIZE_T needed = ~static_cast<SIZE_T>(0);
  EXPECT_EQ(Control(client(), WSK_TRANSPORT_LIST_QUERY, 0, nullptr, 0, nullptr, &needed),
            STATUS_BUFFER_OVERFLOW);
  EXPECT_GT(needed, 0u);
  EXPECT_LT(needed, 1024u);
  EXPECT_EQ(needed % sizeof(WSK_TRANSPORT), 0u);
  EXPECT_EQ(sizeof(WSK_TRANSPORT), 28u);
}

TEST_F(ClientControlTest, TransportBufferTooSmallReportsSize) {
  RecordClause("WskControlClient.BufferOverflowReportsSize");
  WSK_TRANSPORT one[1];
  std::memset(one, 0xAB, sizeof(one));
  SIZE_T needed = 0;
  EXPECT_EQ(Control(client(), WSK_TRANSPORT_LIST_QUERY, 0, nullptr, sizeof(one), one, &needed),
            STATUS_BUFFER_OVERFLOW);
  EXPECT_GT(needed, sizeof(one));
  EXPECT_EQ(one[0].SocketType, 0xABABu) << "nothing is written on overflow";
}

TEST_F(ClientControlTest, TransportQueryArgumentsChecked) {
  RecordClause("WskControlClient.IrpRuleFollowsCode");
  WSK_TRANSPORT list[8];
  SIZE_T copied = 0;
  // No OutputSizeReturned to report into, a size without a buffer, input
  // where the page says none.
  EXPECT_EQ(Control(client(), WSK_TRANSPORT_LIST_QUERY, 0, nullptr, sizeof(list), list),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Control(client(), WSK_TRANSPORT_LIST_QUERY, 0, nullptr, sizeof(list), nullptr,
                    &copied),
            STATUS_INVALID_PARAMETER);
  ULONG junk = 0;
  EXPECT_EQ(Control(client(), WSK_TRANSPORT_LIST_QUERY, sizeof(junk), &junk, sizeof(list),
                    list, &copied),
            STATUS_INVALID_PARAMETER);
  // An IRP where the code takes none is completed with the failure.
  IrpProbe probe;
  NTSTATUS returned = client()->dispatch()->WskControlClient(
      client()->client(), WSK_TRANSPORT_LIST_QUERY, 0, nullptr, sizeof(list), list, &copied,
      probe.Start());
  EXPECT_EQ(probe.Result(returned), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(probe.calls(), 1);
  // A NULL client.
  EXPECT_EQ(client()->dispatch()->WskControlClient(nullptr, WSK_TRANSPORT_LIST_QUERY, 0,
                                                   nullptr, sizeof(list), list, &copied,
                                                   nullptr),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpNotAllowed"), 1) << "the mistakes made on purpose";
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 3);
}

TEST_F(ClientControlTest, UnknownCodeFails) {
  RecordClause("WskControlClient.UnknownCodeFails");
  for (ULONG code : {0u, 1u, 9u, 0x80000000u}) {
    EXPECT_EQ(Control(client(), code, 0, nullptr), STATUS_NOT_SUPPORTED) << code;
    IrpProbe probe;
    NTSTATUS returned = client()->dispatch()->WskControlClient(
        client()->client(), code, 0, nullptr, 0, nullptr, nullptr, probe.Start());
    EXPECT_EQ(probe.Result(returned), STATUS_NOT_SUPPORTED) << code;
  }
}

// ---- The transport list per address family ----

class TransportListTest : public FamilyTest {};

TEST_P(TransportListTest, ListsTcpAndUdpThatCreateSockets) {
  RecordClause("WSK_TRANSPORT_LIST_QUERY.IncludesTcpAndUdp");
  std::vector<WSK_TRANSPORT> list = QueryTransports(client());
  bool tcp = false, udp = false;
  for (const WSK_TRANSPORT& t : list) {
    if (t.AddressFamily != family()) continue;
    if (t.SocketType == WS_SOCK_STREAM && t.Protocol == WS_IPPROTO_TCP) tcp = true;
    if (t.SocketType == WS_SOCK_DGRAM && t.Protocol == WS_IPPROTO_UDP) udp = true;
    // WSK_TRANSPORT.ValuesCreateSockets
    ULONG flags = t.SocketType == WS_SOCK_STREAM ? WSK_FLAG_CONNECTION_SOCKET
                                                 : WSK_FLAG_DATAGRAM_SOCKET;
    IrpProbe probe;
    NTSTATUS status = probe.Result(client()->dispatch()->WskSocket(
        client()->client(), t.AddressFamily, t.SocketType, t.Protocol, flags, nullptr,
        nullptr, nullptr, nullptr, nullptr, probe.Start()));
    ASSERT_EQ(status, STATUS_SUCCESS) << StatusName(status);
    EXPECT_EQ(CloseSocket(reinterpret_cast<PWSK_SOCKET>(probe.information())),
              STATUS_SUCCESS);
  }
  EXPECT_TRUE(tcp);
  EXPECT_TRUE(udp);
}

// ---- WSK_TRANSPORT_LIST_CHANGE ----

NTSTATUS WaitForChange(WskClient* client, PIRP irp) {
  return client->dispatch()->WskControlClient(client->client(), WSK_TRANSPORT_LIST_CHANGE, 0,
                                              nullptr, 0, nullptr, nullptr, irp);
}

TEST_F(ClientControlTest, TransportChangePendsUntilChange) {
  RecordClause("WSK_TRANSPORT_LIST_CHANGE.PendsUntilChange");
  IrpProbe probe;
  ASSERT_EQ(WaitForChange(client(), probe.Start()), STATUS_PENDING);
  EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
  // WSK_TRANSPORT_LIST_CHANGE.CompletesOnChange
  WskconfReferenceTransportListChanged();
  EXPECT_EQ(probe.Result(STATUS_PENDING), STATUS_SUCCESS);
  EXPECT_EQ(probe.calls(), 1);
}

TEST_F(ClientControlTest, TransportChangeCancelled) {
  IrpProbe probe;
  ASSERT_EQ(WaitForChange(client(), probe.Start()), STATUS_PENDING);
  IoCancelIrp(probe.irp());
  EXPECT_EQ(probe.Result(STATUS_PENDING), STATUS_CANCELLED);
  WskconfReferenceTransportListChanged();  // nothing left to complete
  EXPECT_EQ(probe.calls(), 1);
}

TEST_F(ClientControlTest, TransportChangeCancelledByDeregister) {
  RecordClause("WSK_TRANSPORT_LIST_CHANGE.CancelledByDeregister");
  IrpProbe first, second;
  ASSERT_EQ(WaitForChange(client(), first.Start()), STATUS_PENDING);
  ASSERT_EQ(WaitForChange(client(), second.Start()), STATUS_PENDING);
  Deregister();  // returns only once both IRPs completed
  EXPECT_TRUE(first.completed());
  EXPECT_TRUE(second.completed());
  EXPECT_EQ(first.status(), STATUS_CANCELLED);
  EXPECT_EQ(second.status(), STATUS_CANCELLED);
}

TEST_F(ClientControlTest, TransportChangeArgumentsChecked) {
  RecordClause("WSK_TRANSPORT_LIST_CHANGE.NullIrpFails");
  EXPECT_EQ(WaitForChange(client(), nullptr), STATUS_INVALID_PARAMETER);
  SIZE_T returned = 0;
  IrpProbe probe;
  NTSTATUS status = client()->dispatch()->WskControlClient(
      client()->client(), WSK_TRANSPORT_LIST_CHANGE, 0, nullptr, 0, nullptr, &returned,
      probe.Start());
  EXPECT_EQ(probe.Result(status), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1) << "the mistakes made on purpose";
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

// ---- WSK_SET_STATIC_EVENT_CALLBACKS ----

struct ReceiveRecorder {
  KEVENT called;
  std::string received;
  ReceiveRecorder() { KeInitializeEvent(&called, NotificationEvent, FALSE); }
  static NTSTATUS WSKAPI Receive(PVOID context, ULONG, PWSK_DATA_INDICATION data,
                                 SIZE_T indicated, SIZE_T*) {
    auto* self = static_cast<ReceiveRecorder*>(context);
    if (data != nullptr) {
      auto* base = static_cast<char*>(
          MmGetSystemAddressForMdlSafe(data->Buffer.Mdl, NormalPagePriority));
      self->received.append(base + data->Buffer.Offset, indicated);
    }
    KeSetEvent(&self->called, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
  }
};

NTSTATUS SetStatic(WskClient* client, ULONG mask, const NPIID* npi = &NPI_WSK_INTERFACE_ID) {
  WSK_EVENT_CALLBACK_CONTROL control{const_cast<PNPIID>(npi), mask};
  return Control(client, WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control), &control);
}

class StaticEventsTest : public FamilyTest {};

TEST_P(StaticEventsTest, EnabledOnEveryNewSocket) {
  RecordClause("WSK_SET_STATIC_EVENT_CALLBACKS.AppliesToNewSockets");
  // WSK_SET_STATIC_EVENT_CALLBACKS.MixedCategoryMaskAccepted
  ASSERT_EQ(SetStatic(client(), WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_RECEIVE_FROM),
            STATUS_SUCCESS);
  ReceiveRecorder recorder;
  WSK_CLIENT_CONNECTION_DISPATCH dispatch{&ReceiveRecorder::Receive, nullptr, nullptr};
  ConnectedPair pair = ConnectToHost(*client(), family(), &recorder, &dispatch);
  ASSERT_NE(pair.wsk, nullptr);
  HostWriteAll(pair.host, "static");
  LARGE_INTEGER timeout;
  timeout.QuadPart = -static_cast<LONGLONG>(kExpectCompletion) * 10000;
  ASSERT_EQ(KeWaitForSingleObject(&recorder.called, Executive, KernelMode, FALSE, &timeout),
            STATUS_SUCCESS)
      << "WskReceiveEvent was not called without SO_WSK_EVENT_CALLBACK";
  EXPECT_EQ(recorder.received, "static");
  // WSK_SET_STATIC_EVENT_CALLBACKS.StaticEventsFixed
  WSK_EVENT_CALLBACK_CONTROL disable{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID),
                                     WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE};
  EXPECT_EQ(ConnectionTable(pair.wsk)->Basic.WskControlSocket(
                pair.wsk, WskSetOption, SO_WSK_EVENT_CALLBACK, WS_SOL_SOCKET, sizeof(disable),
                &disable, 0, nullptr, nullptr, nullptr),
            STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
  close(pair.host);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(StaticEventsTest, RefusedOnceASocketExists) {
  RecordClause("WskControlClient.BeforeSocketCodesAfterSocketFail");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_BASIC_SOCKET);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  // Even after it closed: the codes belong before the first socket.
  EXPECT_EQ(SetStatic(client(), WSK_EVENT_RECEIVE), STATUS_INVALID_DEVICE_STATE);
  ULONG flags = WSK_TDI_BEHAVIOR_BYPASS_TDI;
  EXPECT_EQ(Control(client(), WSK_TDI_BEHAVIOR, sizeof(flags), &flags),
            STATUS_INVALID_DEVICE_STATE);
  WSK_TDI_MAP map{WS_SOCK_STREAM, family(), WS_IPPROTO_TCP, L"\\Device\\Tcp"};
  WSK_TDI_MAP_INFO info{1, &map};
  EXPECT_EQ(Control(client(), WSK_TDI_DEVICENAME_MAPPING, sizeof(info), &info),
            STATUS_INVALID_DEVICE_STATE);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 3);
}

TEST_F(ClientControlTest, StaticEventsArgumentsChecked) {
  EXPECT_EQ(SetStatic(client(), 0), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(SetStatic(client(), WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(SetStatic(client(), 0x00000001), STATUS_INVALID_PARAMETER);
  NPIID other{};
  EXPECT_EQ(SetStatic(client(), WSK_EVENT_RECEIVE, &other), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(SetStatic(client(), WSK_EVENT_RECEIVE, nullptr), STATUS_INVALID_PARAMETER);
  WSK_EVENT_CALLBACK_CONTROL control{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID),
                                     WSK_EVENT_RECEIVE};
  EXPECT_EQ(Control(client(), WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control) - 1, &control),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Control(client(), WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control), nullptr),
            STATUS_INVALID_PARAMETER);
  SIZE_T returned = 0;
  EXPECT_EQ(Control(client(), WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control), &control, 0,
                    nullptr, &returned),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Control(client(), WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control), &control),
            STATUS_SUCCESS);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 3);
}

// ---- The TDI codes ----

TEST_P(StaticEventsTest, TdiMappingLeavesNativeTransport) {
  RecordClause("WSK_TDI_DEVICENAME_MAPPING.NativeTransportWins");
  WSK_TDI_MAP map{WS_SOCK_STREAM, family(), WS_IPPROTO_TCP, L"\\Device\\Tcp"};
  WSK_TDI_MAP_INFO info{1, &map};
  ASSERT_EQ(Control(client(), WSK_TDI_DEVICENAME_MAPPING, sizeof(info), &info),
            STATUS_SUCCESS);
  ConnectedPair pair = ConnectToHost(*client(), family());
  ASSERT_NE(pair.wsk, nullptr);
  EXPECT_EQ(Send(pair.wsk, "native"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(pair.host, 6), "native");
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
  close(pair.host);
}

TEST_F(ClientControlTest, TdiArgumentsChecked) {
  ULONG flags = 2;  // not a WSK_TDI_BEHAVIOR_* flag
  EXPECT_EQ(Control(client(), WSK_TDI_BEHAVIOR, sizeof(flags), &flags),
            STATUS_INVALID_PARAMETER);
  flags = WSK_TDI_BEHAVIOR_BYPASS_TDI;
  EXPECT_EQ(Control(client(), WSK_TDI_BEHAVIOR, sizeof(USHORT), &flags),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Control(client(), WSK_TDI_BEHAVIOR, sizeof(flags), &flags), STATUS_SUCCESS);
  flags = 0;
  EXPECT_EQ(Control(client(), WSK_TDI_BEHAVIOR, sizeof(flags), &flags), STATUS_SUCCESS);
  WSK_TDI_MAP map{WS_SOCK_RAW, WS_AF_INET, 99, nullptr};  // no device name
  WSK_TDI_MAP_INFO info{1, &map};
  EXPECT_EQ(Control(client(), WSK_TDI_DEVICENAME_MAPPING, sizeof(info), &info),
            STATUS_INVALID_PARAMETER);
  WSK_TDI_MAP_INFO empty{0, nullptr};
  EXPECT_EQ(Control(client(), WSK_TDI_DEVICENAME_MAPPING, sizeof(empty), &empty),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Control(client(), WSK_TDI_DEVICENAME_MAPPING, sizeof(info) - 1, &info),
            STATUS_INVALID_PARAMETER);
}

WSKCONF_FAMILY_TESTS(TransportListTest);
WSKCONF_FAMILY_TESTS(StaticEventsTest);

}  // namespace
}  // namespace wskconf::reference::testing
