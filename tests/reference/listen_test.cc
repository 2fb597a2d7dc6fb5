// Listening: the listen category (listening once bound) and stream sockets
// (WskListen), accepting by IRP (immediate and pending) and by WskAcceptEvent.
#include <unistd.h>

#include <atomic>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

// A listen-category socket bound to loopback; its port in port_.
class ListenTest : public FamilyTest {
 protected:
  PWSK_SOCKET Listener(PVOID context = nullptr, const void* dispatch = nullptr) {
    PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET, context, dispatch);
    EXPECT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
    SOCKADDR_STORAGE local{};
    IrpProbe probe;
    EXPECT_EQ(probe.Result(ListenTable(l)->WskGetLocalAddress(
                  l, reinterpret_cast<PSOCKADDR>(&local), probe.Start())),
              STATUS_SUCCESS);
    port_ = PortOf(local);
    return l;
  }
  USHORT port_ = 0;
};

TEST_P(ListenTest, AcceptWaitingConnection) {
  RecordClause("WskAccept.WaitingConnectionImmediate");
  PWSK_SOCKET l = Listener();
  int host = HostConnect(family(), port_);
  SOCKADDR_STORAGE local{}, remote{};
  IrpProbe probe;
  NTSTATUS status = probe.Result(ListenTable(l)->WskAccept(
      l, 0, nullptr, nullptr, reinterpret_cast<PSOCKADDR>(&local),
      reinterpret_cast<PSOCKADDR>(&remote), probe.Start()));
  ASSERT_EQ(status, STATUS_SUCCESS) << StatusName(status);
  // WskAccept.InformationIsAcceptedSocket, AcceptedSocketIsConnectionSocket
  auto accepted = reinterpret_cast<PWSK_SOCKET>(probe.information());
  ASSERT_NE(accepted, nullptr);
  // WskAccept.AddressesFilled
  EXPECT_EQ(local.ss_family, family());
  EXPECT_EQ(PortOf(local), port_);
  EXPECT_EQ(remote.ss_family, family());
  HostWriteAll(host, "ping");
  std::string in;
  EXPECT_EQ(Receive(accepted, 10, &in), STATUS_SUCCESS);
  EXPECT_EQ(in, "ping");
  // WskGetLocalAddress.AcceptedSocketIsBound, WskGetRemoteAddress.AcceptedSocketHasPeer
  SOCKADDR_STORAGE address{};
  EXPECT_EQ(GetLocalAddress(accepted, &address), STATUS_SUCCESS);
  EXPECT_EQ(PortOf(address), port_);
  EXPECT_EQ(GetRemoteAddress(accepted, &address), STATUS_SUCCESS);
  EXPECT_EQ(PortOf(address), PortOf(remote));
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ListenTest, AcceptPendsUntilAConnectionArrives) {
  RecordClause("WskAccept.NoConnectionPends");
  PWSK_SOCKET l = Listener();
  IrpProbe probe;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
  int host = HostConnect(family(), port_);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  auto accepted = reinterpret_cast<PWSK_SOCKET>(probe.information());
  EXPECT_EQ(Send(accepted, "hi"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 2), "hi");
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ListenTest, AcceptBeforeBindFails) {
  PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
  NTSTATUS status;
  EXPECT_EQ(Accept(l, &status), nullptr);
  EXPECT_EQ(status, STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1)
      << "the mistakes made on purpose";
}

TEST_P(ListenTest, AcceptFlagsMustBeZero) {
  RecordClause("WskAccept.FlagsMustBeZero");
  PWSK_SOCKET l = Listener();
  IrpProbe probe;
  EXPECT_EQ(probe.Result(ListenTable(l)->WskAccept(l, 1, nullptr, nullptr, nullptr, nullptr,
                                                   probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1) << "the mistake made on purpose";
}

TEST_P(ListenTest, CloseCompletesPendingAccept) {
  RecordClause("Close.ListenClosePendingAccept");
  PWSK_SOCKET l = Listener();
  IrpProbe probe;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  IrpProbe close_probe;
  NTSTATUS closed = close_probe.Result(BasicTable(l)->WskCloseSocket(l, close_probe.Start()));
  EXPECT_EQ(closed, STATUS_SUCCESS);
  // Close.PendingIrpsCompleteBeforeClose: the accept completed first.
  EXPECT_TRUE(probe.completed());
  EXPECT_FALSE(NT_SUCCESS(probe.Result(returned)));
}

TEST_P(ListenTest, StreamSocketListensAfterWskListen) {
  RecordClause("WskListen.CompletesOnceListening");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_STREAM_SOCKET);
  // WskListen.UnboundSocketFails, WskListen.UnboundSocketStatus
  EXPECT_EQ(Listen(s), STATUS_INVALID_DEVICE_STATE);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  ASSERT_EQ(Listen(s), STATUS_SUCCESS);
  SOCKADDR_STORAGE local{};
  IrpProbe probe;
  ASSERT_EQ(probe.Result(StreamTable(s)->WskGetLocalAddress(
                s, reinterpret_cast<PSOCKADDR>(&local), probe.Start())),
            STATUS_SUCCESS);
  // WskListen.PeerCanConnect
  int host = HostConnect(family(), PortOf(local));
  PWSK_SOCKET accepted = Accept(s);
  ASSERT_NE(accepted, nullptr);
  // WskListen.CommitsToListening: no connect on a listening stream socket.
  SOCKADDR_STORAGE remote = Loopback(family(), 9);
  EXPECT_EQ(probe.Result(StreamTable(s)->WskConnect(s, reinterpret_cast<PSOCKADDR>(&remote),
                                                    0, probe.Start())),
            STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(host);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 2)
      << "the mistakes made on purpose";
}

TEST_P(ListenTest, StreamSocketConnects) {
  RecordClause("WskConnect.StreamCommitsToConnection");
  USHORT port;
  int listener = HostListener(family(), &port);
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_STREAM_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  SOCKADDR_STORAGE remote = Loopback(family(), port);
  IrpProbe probe;
  ASSERT_EQ(probe.Result(StreamTable(s)->WskConnect(s, reinterpret_cast<PSOCKADDR>(&remote),
                                                    0, probe.Start())),
            STATUS_SUCCESS);
  int host = HostAccept(listener);
  MdlBuffer buffer(5);
  buffer.Write(0, "abcde");
  WSK_BUF buf = buffer.Buf();
  EXPECT_EQ(probe.Result(StreamTable(s)->WskSend(s, &buf, 0, probe.Start())), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 5), "abcde");
  EXPECT_EQ(Listen(s), STATUS_INVALID_DEVICE_STATE);  // WskListen.CommitsToListening
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(host);
  close(listener);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1)
      << "the mistakes made on purpose";
}

// ---- WskAcceptEvent ----

struct AcceptRecorder {
  std::atomic<int> calls{0};
  NTSTATUS answer = STATUS_SUCCESS;
  KIRQL irql = 0xff;
  ULONG flags = 0;
  PVOID context_seen = nullptr;
  ADDRESS_FAMILY local_family = 0, remote_family = 0;
  std::atomic<PWSK_SOCKET> accepted{nullptr};
  KEVENT called;
  AcceptRecorder() { KeInitializeEvent(&called, NotificationEvent, FALSE); }

  static NTSTATUS WSKAPI Event(PVOID context, ULONG flags, PSOCKADDR local, PSOCKADDR remote,
                               PWSK_SOCKET socket, PVOID* accept_context,
                               const WSK_CLIENT_CONNECTION_DISPATCH** accept_dispatch) {
    auto* self = static_cast<AcceptRecorder*>(context);
    self->irql = KeGetCurrentIrql();
    self->flags = flags;
    self->context_seen = context;
    self->local_family = local->sa_family;
    self->remote_family = remote->sa_family;
    *accept_context = nullptr;
    *accept_dispatch = nullptr;
    if (self->answer == STATUS_SUCCESS) self->accepted = socket;
    self->calls.fetch_add(1);
    KeSetEvent(&self->called, IO_NO_INCREMENT, FALSE);
    return self->answer;
  }
  bool Wait(ULONG ms) {
    LARGE_INTEGER timeout;
    timeout.QuadPart = -static_cast<LONGLONG>(ms) * 10000;
    return KeWaitForSingleObject(&called, Executive, KernelMode, FALSE, &timeout) ==
           STATUS_SUCCESS;
  }
};

const WSK_CLIENT_LISTEN_DISPATCH kAcceptDispatch = {AcceptRecorder::Event, nullptr, nullptr};

TEST_P(ListenTest, AcceptEventDeliversConnections) {
  RecordClause("WSK_EVENT_ACCEPT.SelectsAcceptEvent");
  AcceptRecorder recorder;
  PWSK_SOCKET l = Listener(&recorder, &kAcceptDispatch);
  int host = HostConnect(family(), port_);
  // Events.DisabledOnNewSocket: nothing until enabled.
  EXPECT_FALSE(recorder.Wait(kExpectNoCompletion));
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_ACCEPT), STATUS_SUCCESS);
  ASSERT_TRUE(recorder.Wait(kExpectCompletion));
  // Events.CalledAtOrBelowDispatch, Events.AtDispatchFlagMatchesIrql,
  // Events.SocketContextPassedBack, WskAcceptEvent.AddressesMatchFamily
  EXPECT_EQ(recorder.irql, DISPATCH_LEVEL);
  EXPECT_TRUE(recorder.flags & WSK_FLAG_AT_DISPATCH_LEVEL);
  EXPECT_EQ(recorder.context_seen, &recorder);
  EXPECT_EQ(recorder.local_family, family());
  EXPECT_EQ(recorder.remote_family, family());
  PWSK_SOCKET accepted = recorder.accepted.load();
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(Send(accepted, "evt"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 3), "evt");
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ListenTest, AcceptEventRejectClosesConnection) {
  RecordClause("WskAcceptEvent.RejectClosesSocket");
  AcceptRecorder recorder;
  recorder.answer = STATUS_REQUEST_NOT_ACCEPTED;
  PWSK_SOCKET l = Listener(&recorder, &kAcceptDispatch);
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_ACCEPT), STATUS_SUCCESS);
  int host = HostConnect(family(), port_);
  ASSERT_TRUE(recorder.Wait(kExpectCompletion));
  EXPECT_FALSE(HostReadsEof(host));  // reset, not an orderly end
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ListenTest, AcceptEventOtherStatusIsReported) {
  RecordClause("ClientCall.CallbackReturnInvalid");
  AcceptRecorder recorder;
  recorder.answer = STATUS_UNSUCCESSFUL;  // WskAcceptEvent.ReturnsSuccessOrNotAccepted
  PWSK_SOCKET l = Listener(&recorder, &kAcceptDispatch);
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_ACCEPT), STATUS_SUCCESS);
  int host = HostConnect(family(), port_);
  ASSERT_TRUE(recorder.Wait(kExpectCompletion));
  // The close waits for the running callback, so its return has been checked.
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.CallbackReturnInvalid"), 1);
  close(host);
}

TEST_P(ListenTest, PendingAcceptIrpBeforeAcceptEvent) {
  RecordClause("WskAccept.PendingIrpBeforeAcceptEvent");
  AcceptRecorder recorder;
  PWSK_SOCKET l = Listener(&recorder, &kAcceptDispatch);
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_ACCEPT), STATUS_SUCCESS);
  IrpProbe probe;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, probe.Start());
  int host = HostConnect(family(), port_);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(recorder.calls.load(), 0);
  EXPECT_EQ(CloseSocket(reinterpret_cast<PWSK_SOCKET>(probe.information())), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ListenTest, AcceptEventOnlyOnListenCategories) {
  RecordClause("Events.BasicSocketsHaveNone");
  PWSK_SOCKET basic = client()->Socket(family(), WSK_FLAG_BASIC_SOCKET);
  EXPECT_EQ(EnableEvents(basic, WSK_EVENT_ACCEPT), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(EnableEvents(basic, WSK_EVENT_RECEIVE), STATUS_INVALID_PARAMETER);
  PWSK_SOCKET connection = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  EXPECT_EQ(EnableEvents(connection, WSK_EVENT_ACCEPT), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(CloseSocket(basic), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(connection), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 3)
      << "the mistakes made on purpose";
}

WSKCONF_FAMILY_TESTS(ListenTest);

}  // namespace
}  // namespace wskconf::reference::testing
