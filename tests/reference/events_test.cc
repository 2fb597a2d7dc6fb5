// Connection event callbacks: WskReceiveEvent (all, part, none, retained and
// given back with WskRelease), WskDisconnectEvent (graceful, abortive),
// enabling and disabling through SO_WSK_EVENT_CALLBACK.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "control_test_util.h"

namespace wskconf::reference::testing {
namespace {

LARGE_INTEGER Relative(ULONG ms) {
  LARGE_INTEGER t;
  t.QuadPart = -static_cast<LONGLONG>(ms) * 10000;
  return t;
}

// Records connection callbacks; its answers are set before each test step.
struct ConnectionRecorder {
  std::mutex mu;
  std::string received;          // bytes the callback accepted
  int receive_calls = 0;
  int disconnect_calls = 0;
  ULONG disconnect_flags = 0;
  KIRQL irql = 0xff;
  ULONG receive_flags = 0;
  std::vector<std::pair<SIZE_T, ULONG>> indications;  // bytes and Flags of each call
  NTSTATUS answer = STATUS_SUCCESS;
  SIZE_T accept_at_most = SIZE_MAX;  // with STATUS_SUCCESS
  PWSK_DATA_INDICATION retained = nullptr;
  KEVENT receive_called, disconnect_called;

  ConnectionRecorder() {
    KeInitializeEvent(&receive_called, SynchronizationEvent, FALSE);
    KeInitializeEvent(&disconnect_called, NotificationEvent, FALSE);
    KeInitializeEvent(&backlog_called, NotificationEvent, FALSE);
  }

  static NTSTATUS WSKAPI Receive(PVOID context, ULONG flags, PWSK_DATA_INDICATION data,
                                 SIZE_T indicated, SIZE_T* accepted) {
    auto* self = static_cast<ConnectionRecorder*>(context);
    std::lock_guard<std::mutex> lock(self->mu);
    self->irql = KeGetCurrentIrql();
    self->receive_flags = flags;
    if (data != nullptr) self->indications.emplace_back(indicated, flags);
    ++self->receive_calls;
    NTSTATUS answer = self->answer;
    if (data != nullptr && answer != STATUS_DATA_NOT_ACCEPTED) {
      // WskReceiveEvent.BytesIndicatedIsListTotal
      SIZE_T total = 0;
      for (auto* d = data; d != nullptr; d = d->Next) total += d->Buffer.Length;
      EXPECT_EQ(total, indicated);
      SIZE_T take = answer == STATUS_SUCCESS && self->accept_at_most < indicated
                        ? self->accept_at_most
                        : indicated;
      auto* base = static_cast<char*>(
          MmGetSystemAddressForMdlSafe(data->Buffer.Mdl, NormalPagePriority));
      self->received.append(base + data->Buffer.Offset, take);
      if (take < indicated) *accepted = take;
      if (answer == STATUS_PENDING) self->retained = data;
    }
    KeSetEvent(&self->receive_called, IO_NO_INCREMENT, FALSE);
    return answer;
  }

  static NTSTATUS WSKAPI Disconnect(PVOID context, ULONG flags) {
    auto* self = static_cast<ConnectionRecorder*>(context);
    std::lock_guard<std::mutex> lock(self->mu);
    ++self->disconnect_calls;
    self->disconnect_flags = flags;
    self->irql = KeGetCurrentIrql();
    KeSetEvent(&self->disconnect_called, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
  }

  static NTSTATUS WSKAPI SendBacklog(PVOID context, SIZE_T ideal) {
    auto* self = static_cast<ConnectionRecorder*>(context);
    std::lock_guard<std::mutex> lock(self->mu);
    ++self->backlog_calls;
    self->ideal_backlog = ideal;
    self->irql = KeGetCurrentIrql();
    KeSetEvent(&self->backlog_called, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
  }
  int backlog_calls = 0;
  SIZE_T ideal_backlog = 0;
  KEVENT backlog_called;
  bool WaitBacklog(ULONG ms) {
    LARGE_INTEGER t = Relative(ms);
    return KeWaitForSingleObject(&backlog_called, Executive, KernelMode, FALSE, &t) ==
           STATUS_SUCCESS;
  }

  bool WaitReceive(ULONG ms) {
    LARGE_INTEGER t = Relative(ms);
    return KeWaitForSingleObject(&receive_called, Executive, KernelMode, FALSE, &t) ==
           STATUS_SUCCESS;
  }
  bool WaitDisconnect(ULONG ms) {
    LARGE_INTEGER t = Relative(ms);
    return KeWaitForSingleObject(&disconnect_called, Executive, KernelMode, FALSE, &t) ==
           STATUS_SUCCESS;
  }
  int ReceiveCalls() {
    std::lock_guard<std::mutex> lock(mu);
    return receive_calls;
  }
  // Whether WskReceiveEvent is called again within `ms` (a stale signal of
  // the event from an earlier call does not count).
  bool CalledAgainWithin(ULONG ms) {
    int before = ReceiveCalls();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return ReceiveCalls() > before;
      WaitReceive(static_cast<ULONG>(left.count()));
      if (ReceiveCalls() > before) return true;
    }
  }
  std::string Received() {
    std::lock_guard<std::mutex> lock(mu);
    return received;
  }
  // Waits until `length` bytes were accepted.
  bool WaitForBytes(size_t length) {
    while (Received().size() < length) {
      if (!WaitReceive(kExpectCompletion)) return false;
    }
    return true;
  }
};

const WSK_CLIENT_CONNECTION_DISPATCH kCallbacks = {
    ConnectionRecorder::Receive, ConnectionRecorder::Disconnect, ConnectionRecorder::SendBacklog};

class EventsTest : public FamilyTest {
 protected:
  void SetUp() override {
    FamilyTest::SetUp();
    pair_ = ConnectToHost(*client(), family(), &recorder_, &kCallbacks);
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
  ConnectionRecorder recorder_;
  ConnectedPair pair_;
};

TEST_P(EventsTest, NoCallbackUntilEnabled) {
  RecordClause("Events.DisabledOnNewSocket");
  HostWriteAll(pair_.host, "quiet");
  EXPECT_FALSE(recorder_.WaitReceive(kExpectNoCompletion));
  // Events.OnlyWhenEnabled: enabling delivers what already waited.
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  ASSERT_TRUE(recorder_.WaitForBytes(5));
  EXPECT_EQ(recorder_.Received(), "quiet");
  EXPECT_EQ(recorder_.irql, DISPATCH_LEVEL);  // Events.CalledAtOrBelowDispatch
  EXPECT_TRUE(recorder_.receive_flags & WSK_FLAG_AT_DISPATCH_LEVEL);
}

TEST_P(EventsTest, ReceiveEventTakesAStream) {
  RecordClause("WSK_EVENT_RECEIVE.SelectsReceiveEvent");
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  std::string bytes = Pattern(300000, 12);
  HostWriteAll(pair_.host, bytes);
  ASSERT_TRUE(recorder_.WaitForBytes(bytes.size()));
  EXPECT_TRUE(recorder_.Received() == bytes);
}

TEST_P(EventsTest, EntireMessageMarksTheEndOfWhatArrived) {
  RecordClause("WSK_FLAG_ENTIRE_MESSAGE.EndsMessage");
  // 70,000 bytes wait before the event is enabled: the first indication
  // (64 KiB, the most one carries) has more queued behind it, the second
  // ends with the sender's last, pushed, segment.
  const std::string bytes = Pattern(70000, 14);
  HostWriteAll(pair_.host, bytes);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kExpectCompletion);
  SIZE_T backlog = 0;
  while (backlog < bytes.size() && std::chrono::steady_clock::now() < deadline) {
    ASSERT_EQ(Ioctl(pair_.wsk, SIO_WSK_QUERY_RECEIVE_BACKLOG, 0, nullptr, sizeof(backlog),
                    &backlog),
              STATUS_SUCCESS);
    std::this_thread::yield();
  }
  ASSERT_EQ(backlog, bytes.size()) << "the host's bytes never all arrived";
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  ASSERT_TRUE(recorder_.WaitForBytes(bytes.size()));
  std::lock_guard<std::mutex> lock(recorder_.mu);
  ASSERT_EQ(recorder_.indications.size(), 2u);
  EXPECT_EQ(recorder_.indications[0].first, 65536u);
  EXPECT_EQ(recorder_.indications[0].second & WSK_FLAG_ENTIRE_MESSAGE, 0u);
  EXPECT_NE(recorder_.indications[1].second & WSK_FLAG_ENTIRE_MESSAGE, 0u);
}

TEST_P(EventsTest, SmallWriteIsAnEntireMessage) {
  RecordClause("WSK_FLAG_ENTIRE_MESSAGE.EndsMessage");
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "one segment");
  ASSERT_TRUE(recorder_.WaitForBytes(11));
  std::lock_guard<std::mutex> lock(recorder_.mu);
  ASSERT_EQ(recorder_.indications.size(), 1u);
  EXPECT_NE(recorder_.indications[0].second & WSK_FLAG_ENTIRE_MESSAGE, 0u);
}

TEST_P(EventsTest, PendingReceiveIrpGoesFirst) {
  RecordClause("WskReceive.PendingIrpBeforeReceiveEvent");
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = ConnectionTable(pair_.wsk)->WskReceive(pair_.wsk, &buf, WSK_FLAG_WAITALL,
                                                             probe.Start());
  HostWriteAll(pair_.host, "irp!");
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, 4), "irp!");
  HostWriteAll(pair_.host, "evt");
  ASSERT_TRUE(recorder_.WaitForBytes(3));
  EXPECT_EQ(recorder_.Received(), "evt");
}

TEST_P(EventsTest, NotAcceptedPausesUntilReceive) {
  RecordClause("WskReceiveEvent.NotAcceptedPausesIndications");
  recorder_.answer = STATUS_DATA_NOT_ACCEPTED;
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "first");
  ASSERT_TRUE(recorder_.WaitReceive(kExpectCompletion));
  HostWriteAll(pair_.host, "second");
  EXPECT_FALSE(recorder_.CalledAgainWithin(kExpectNoCompletion));  // paused
  // The data stayed with the provider; a WskReceive gets it.
  std::string in;
  ASSERT_EQ(Receive(pair_.wsk, 11, &in, WSK_FLAG_WAITALL), STATUS_SUCCESS);
  EXPECT_EQ(in, "firstsecond");
  recorder_.answer = STATUS_SUCCESS;
  HostWriteAll(pair_.host, "third");
  ASSERT_TRUE(recorder_.WaitForBytes(5));
  EXPECT_EQ(recorder_.Received(), "third");
}

TEST_P(EventsTest, PartialAcceptLeavesTheRestForReceive) {
  RecordClause("WskReceiveEvent.PartialAcceptPausesIndications");
  recorder_.accept_at_most = 2;
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "abcdef");
  ASSERT_TRUE(recorder_.WaitForBytes(2));
  EXPECT_FALSE(recorder_.CalledAgainWithin(kExpectNoCompletion));
  std::string in;
  ASSERT_EQ(Receive(pair_.wsk, 4, &in, WSK_FLAG_WAITALL), STATUS_SUCCESS);
  EXPECT_EQ(recorder_.Received() + in, "abcdef");
}

TEST_P(EventsTest, ZeroLengthReceiveResumesIndications) {
  RecordClause("WskReceiveEvent.ZeroLengthReceiveResumes");
  recorder_.answer = STATUS_DATA_NOT_ACCEPTED;
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "held");
  ASSERT_TRUE(recorder_.WaitReceive(kExpectCompletion));
  recorder_.answer = STATUS_SUCCESS;
  WSK_BUF empty{nullptr, 0, 0};
  IrpProbe probe;
  ASSERT_EQ(probe.Result(ConnectionTable(pair_.wsk)->WskReceive(pair_.wsk, &empty, 0,
                                                                probe.Start())),
            STATUS_SUCCESS);
  ASSERT_TRUE(recorder_.WaitForBytes(4));
  EXPECT_EQ(recorder_.Received(), "held");
}

TEST_P(EventsTest, RetainedIndicationReleasedWithWskRelease) {
  RecordClause("WskReleaseDataIndicationList.ReleasesRetainedList");
  recorder_.answer = STATUS_PENDING;
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "kept");
  ASSERT_TRUE(recorder_.WaitForBytes(4));
  PWSK_DATA_INDICATION retained;
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    retained = recorder_.retained;
    recorder_.answer = STATUS_SUCCESS;
  }
  ASSERT_NE(retained, nullptr);
  // A list that loops back on itself is refused, not followed forever.
  retained->Next = retained;
  EXPECT_EQ(ConnectionTable(pair_.wsk)->WskRelease(pair_.wsk, retained),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReleaseNotRetained"), 1) << "the looping list";
  retained->Next = nullptr;
  // Events.RetainedIndicationOwnedByClient: still readable after the callback.
  auto* base =
      static_cast<char*>(MmGetSystemAddressForMdlSafe(retained->Buffer.Mdl, NormalPagePriority));
  EXPECT_EQ(std::string(base + retained->Buffer.Offset, retained->Buffer.Length), "kept");
  // WskReceiveFromEvent-style "may call again after pending": more data flows.
  HostWriteAll(pair_.host, "more");
  ASSERT_TRUE(recorder_.WaitForBytes(8));
  EXPECT_EQ(ConnectionTable(pair_.wsk)->WskRelease(pair_.wsk, retained), STATUS_SUCCESS);
}

TEST_P(EventsTest, CloseWithARetainedIndicationIsReported) {
  RecordClause("ClientCall.RetainedIndicationAtClose");
  recorder_.answer = STATUS_PENDING;
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "kept");
  ASSERT_TRUE(recorder_.WaitForBytes(4));
  // The client closes without WskRelease (the correct order, release then
  // close, is RetainedIndicationReleasedWithWskRelease and stays silent).
  EXPECT_EQ(CloseSocket(pair_.wsk), STATUS_SUCCESS);
  pair_.wsk = nullptr;
  EXPECT_EQ(ConsumeViolations("ClientCall.RetainedIndicationAtClose"), 1);
}

TEST_P(EventsTest, ReleaseRefusesWhatIsNotAnIndication) {
  RecordClause("WskReleaseDataIndicationList.InvalidParameter");
  EXPECT_EQ(ConnectionTable(pair_.wsk)->WskRelease(pair_.wsk, nullptr),
            STATUS_INVALID_PARAMETER);
  WSK_DATA_INDICATION fake{};
  EXPECT_EQ(ConnectionTable(pair_.wsk)->WskRelease(pair_.wsk, &fake), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReleaseNotRetained"), 1) << "the made-up list";
}

TEST_P(EventsTest, GracefulDisconnectEvent) {
  RecordClause("WskDisconnectEvent.OnRemoteDisconnect");
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_DISCONNECT), STATUS_SUCCESS);
  shutdown(pair_.host, SHUT_WR);
  ASSERT_TRUE(recorder_.WaitDisconnect(kExpectCompletion));
  EXPECT_FALSE(recorder_.disconnect_flags & WSK_FLAG_ABORTIVE);
  EXPECT_EQ(recorder_.irql, DISPATCH_LEVEL);
  // WskDisconnectEvent.GracefulStillSends
  EXPECT_EQ(Send(pair_.wsk, "bye"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(pair_.host, 3), "bye");
}

TEST_P(EventsTest, GracefulDisconnectAfterTheData) {
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_DISCONNECT | WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "tail");
  shutdown(pair_.host, SHUT_WR);
  ASSERT_TRUE(recorder_.WaitDisconnect(kExpectCompletion));
  EXPECT_EQ(recorder_.Received(), "tail");
}

TEST_P(EventsTest, AbortiveDisconnectEvent) {
  RecordClause("WSK_FLAG_ABORTIVE.ReportsPeerAbort");
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_DISCONNECT), STATUS_SUCCESS);
  HostAbort(pair_.host);
  pair_.host = -1;
  ASSERT_TRUE(recorder_.WaitDisconnect(kExpectCompletion));
  EXPECT_TRUE(recorder_.disconnect_flags & WSK_FLAG_ABORTIVE);
  // WskDisconnectEvent.AbortiveEndsTraffic
  EXPECT_FALSE(NT_SUCCESS(Send(pair_.wsk, "x")));
}

TEST_P(EventsTest, SendBacklogReportedOnceEnabled) {
  RecordClause("WSK_EVENT_SEND_BACKLOG.SelectsSendBacklogEvent");
  EXPECT_EQ(Send(pair_.wsk, "x"), STATUS_SUCCESS);
  EXPECT_FALSE(recorder_.WaitBacklog(kExpectNoCompletion));  // not enabled
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_SEND_BACKLOG), STATUS_SUCCESS);
  ASSERT_TRUE(recorder_.WaitBacklog(kExpectCompletion));
  std::lock_guard<std::mutex> lock(recorder_.mu);
  EXPECT_GT(recorder_.ideal_backlog, 0u);  // WskSendBacklogEvent.OnChange
  EXPECT_EQ(recorder_.irql, DISPATCH_LEVEL);
}

TEST_P(EventsTest, DisabledCallbackNotCalled) {
  RecordClause("Events.NoCallAfterDisableCompletes");
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair_.host, "on");
  ASSERT_TRUE(recorder_.WaitForBytes(2));
  // STATUS_EVENT_PENDING when the callback that took "on" has not returned yet.
  NTSTATUS disabled = EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE);
  EXPECT_TRUE(disabled == STATUS_SUCCESS || disabled == STATUS_EVENT_PENDING)
      << StatusName(disabled);
  HostWriteAll(pair_.host, "off");
  EXPECT_FALSE(recorder_.CalledAgainWithin(kExpectNoCompletion));
  std::string in;
  ASSERT_EQ(Receive(pair_.wsk, 3, &in, WSK_FLAG_WAITALL), STATUS_SUCCESS);
  EXPECT_EQ(in, "off");
}

TEST_P(EventsTest, DisableWithIrpCompletes) {
  RecordClause("WSK_EVENT_DISABLE.TurnsRequestIntoDisable");
  ASSERT_EQ(EnableEvents(pair_.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  WSK_EVENT_CALLBACK_CONTROL control{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID),
                                     WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE};
  IrpProbe probe;
  EXPECT_EQ(probe.Result(BasicTable(pair_.wsk)->WskControlSocket(
                pair_.wsk, WskSetOption, SO_WSK_EVENT_CALLBACK, WS_SOL_SOCKET,
                sizeof(control), &control, 0, nullptr, nullptr, probe.Start())),
            STATUS_SUCCESS);
}

TEST_P(EventsTest, BadEventControlRefused) {
  RecordClause("WskControlSocket.UnknownOptionFails");
  const auto* basic = BasicTable(pair_.wsk);
  NPIID other{};
  WSK_EVENT_CALLBACK_CONTROL wrong_npi{&other, WSK_EVENT_RECEIVE};
  EXPECT_EQ(basic->WskControlSocket(pair_.wsk, WskSetOption, SO_WSK_EVENT_CALLBACK,
                                    WS_SOL_SOCKET, sizeof(wrong_npi), &wrong_npi, 0, nullptr,
                                    nullptr, nullptr),
            STATUS_INVALID_PARAMETER);
  WSK_EVENT_CALLBACK_CONTROL control{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID),
                                     WSK_EVENT_RECEIVE};
  EXPECT_EQ(basic->WskControlSocket(pair_.wsk, WskSetOption, SO_WSK_EVENT_CALLBACK,
                                    WS_SOL_SOCKET, sizeof(control) - 1, &control, 0, nullptr,
                                    nullptr, nullptr),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(basic->WskControlSocket(pair_.wsk, WskSetOption, 0x7777, WS_SOL_SOCKET, 0, nullptr,
                                    0, nullptr, nullptr, nullptr),
            STATUS_NOT_SUPPORTED);
  // WskControlSocket.UnknownRequestTypeFails
  EXPECT_EQ(basic->WskControlSocket(pair_.wsk, WskControlMax, SO_WSK_EVENT_CALLBACK,
                                    WS_SOL_SOCKET, sizeof(control), &control, 0, nullptr,
                                    nullptr, nullptr),
            STATUS_INVALID_PARAMETER);
  IrpProbe probe;
  EXPECT_EQ(probe.Result(basic->WskControlSocket(pair_.wsk, WskGetOption, SO_WSK_EVENT_CALLBACK,
                                                 WS_SOL_SOCKET, 0, nullptr, 4, &control,
                                                 nullptr, probe.Start())),
            STATUS_NOT_SUPPORTED);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 4);
}

WSKCONF_FAMILY_TESTS(EventsTest);

// ---- Propagation from a listener ----

struct Listener {
  explicit Listener(ConnectionRecorder* r) : recorder(r) {
    KeInitializeEvent(&called, NotificationEvent, FALSE);
  }
  ConnectionRecorder* recorder;
  static NTSTATUS WSKAPI Accept(PVOID context, ULONG, PSOCKADDR, PSOCKADDR, PWSK_SOCKET socket,
                                PVOID* accept_context,
                                const WSK_CLIENT_CONNECTION_DISPATCH** accept_dispatch) {
    auto* self = static_cast<Listener*>(context);
    *accept_context = self->recorder;
    *accept_dispatch = &kCallbacks;
    self->accepted = socket;
    KeSetEvent(&self->called, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
  }
  std::atomic<PWSK_SOCKET> accepted{nullptr};
  KEVENT called;
};

const WSK_CLIENT_LISTEN_DISPATCH kListenCallbacks = {Listener::Accept, nullptr, nullptr};

using PropagationTest = FamilyTest;

TEST_P(PropagationTest, ListenerEventsReachAcceptedSockets) {
  RecordClause("Events.ListenerPropagatesToAcceptEventSockets");
  ConnectionRecorder recorder;
  Listener listener(&recorder);
  PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET, &listener, &kListenCallbacks);
  ASSERT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_ACCEPT), STATUS_SUCCESS);
  SOCKADDR_STORAGE local{};
  IrpProbe probe;
  ASSERT_EQ(probe.Result(ListenTable(l)->WskGetLocalAddress(l, reinterpret_cast<PSOCKADDR>(&local),
                                                            probe.Start())),
            STATUS_SUCCESS);
  int host = HostConnect(family(), PortOf(local));
  HostWriteAll(host, "early");  // may arrive before the accept event returns
  LARGE_INTEGER t = Relative(kExpectCompletion);
  ASSERT_EQ(KeWaitForSingleObject(&listener.called, Executive, KernelMode, FALSE, &t),
            STATUS_SUCCESS);
  ASSERT_TRUE(recorder.WaitForBytes(5));
  EXPECT_EQ(recorder.Received(), "early");
  EXPECT_EQ(CloseSocket(listener.accepted.load()), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(PropagationTest, WskAcceptSocketsStartDisabled) {
  RecordClause("Events.WskAcceptDoesNotPropagate");
  ConnectionRecorder recorder;
  PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
  ASSERT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  SOCKADDR_STORAGE local{};
  IrpProbe probe;
  ASSERT_EQ(probe.Result(ListenTable(l)->WskGetLocalAddress(l, reinterpret_cast<PSOCKADDR>(&local),
                                                            probe.Start())),
            STATUS_SUCCESS);
  int host = HostConnect(family(), PortOf(local));
  ASSERT_EQ(probe.Result(ListenTable(l)->WskAccept(l, 0, &recorder, &kCallbacks, nullptr,
                                                   nullptr, probe.Start())),
            STATUS_SUCCESS);
  auto accepted = reinterpret_cast<PWSK_SOCKET>(probe.information());
  HostWriteAll(host, "data");
  // WskAccept.AcceptedCallbacksDisabled
  EXPECT_FALSE(recorder.WaitReceive(kExpectNoCompletion));
  // WskAccept.ContextPassedToCallbacks once enabled.
  ASSERT_EQ(EnableEvents(accepted, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  ASSERT_TRUE(recorder.WaitForBytes(4));
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

WSKCONF_FAMILY_TESTS(PropagationTest);

}  // namespace
}  // namespace wskconf::reference::testing
