// Conditional accept on the reference provider: SO_CONDITIONAL_ACCEPT,
// WskInspectEvent answering accept, reject and pend, WskInspectComplete,
// WskAbortEvent and SIO_WSK_QUERY_INSPECT_ID, for both address families.
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

LARGE_INTEGER Relative(ULONG ms) {
  LARGE_INTEGER t;
  t.QuadPart = -static_cast<LONGLONG>(ms) * 10000;
  return t;
}

bool WaitEvent(KEVENT* event, ULONG ms) {
  LARGE_INTEGER timeout = Relative(ms);
  return KeWaitForSingleObject(event, Executive, KernelMode, FALSE, &timeout) ==
         STATUS_SUCCESS;
}

// Records the listen callbacks; the inspect answer is set before each step.
struct ListenRecorder {
  std::mutex mu;
  WSK_INSPECT_ACTION answer = WskInspectAccept;
  int inspects = 0, aborts = 0, accepts = 0;
  WSK_INSPECT_ID inspected{}, aborted{};
  PWSK_INSPECT_ID given = nullptr;  // the provider's structure (compared only)
  NTSTATUS abort_answer = STATUS_SUCCESS;
  USHORT remote_port = 0;
  KIRQL irql = 0xff;
  PWSK_SOCKET accepted = nullptr;
  // When set, WskInspectEvent closes this listener with this IRP.
  PWSK_SOCKET close_socket = nullptr;
  PIRP close_irp = nullptr;
  NTSTATUS close_returned = STATUS_PENDING;
  // When not WskInspectMax, WskInspectEvent calls WskInspectComplete on
  // `listener` with this action and IRP before it returns its answer.
  WSK_INSPECT_ACTION complete_first = WskInspectMax;
  PWSK_SOCKET listener = nullptr;
  PIRP complete_irp = nullptr;
  NTSTATUS complete_returned = STATUS_PENDING;
  KEVENT inspect_called, abort_called, accept_called;

  ListenRecorder() {
    KeInitializeEvent(&inspect_called, SynchronizationEvent, FALSE);
    KeInitializeEvent(&abort_called, SynchronizationEvent, FALSE);
    KeInitializeEvent(&accept_called, SynchronizationEvent, FALSE);
  }

  static WSK_INSPECT_ACTION WSKAPI Inspect(PVOID context, PSOCKADDR, PSOCKADDR remote,
                                           PWSK_INSPECT_ID id) {
    auto* self = static_cast<ListenRecorder*>(context);
    std::lock_guard<std::mutex> lock(self->mu);
    ++self->inspects;
    self->irql = KeGetCurrentIrql();
    if (id != nullptr) self->inspected = *id;  // WskInspectEvent.CopyInspectIdBeforeReturn
    self->given = id;
    SOCKADDR_STORAGE copy{};
    std::memcpy(&copy, remote, remote->sa_family == WS_AF_INET6 ? 28 : 16);
    self->remote_port = PortOf(copy);
    if (self->complete_first != WskInspectMax) {
      WSK_INSPECT_ID copy_id = *id;
      self->complete_returned = ListenTable(self->listener)->WskInspectComplete(
          self->listener, &copy_id, self->complete_first, self->complete_irp);
    }
    if (self->close_socket != nullptr) {
      // WskCloseSocket may be called at DISPATCH_LEVEL, from a callback.
      self->close_returned = BasicTable(self->close_socket)->WskCloseSocket(
          self->close_socket, self->close_irp);
    }
    KeSetEvent(&self->inspect_called, IO_NO_INCREMENT, FALSE);
    return self->answer;
  }

  static NTSTATUS WSKAPI Abort(PVOID context, PWSK_INSPECT_ID id) {
    auto* self = static_cast<ListenRecorder*>(context);
    std::lock_guard<std::mutex> lock(self->mu);
    ++self->aborts;
    self->aborted = *id;
    KeSetEvent(&self->abort_called, IO_NO_INCREMENT, FALSE);
    return self->abort_answer;  // WskAbortEvent.ReturnsSuccess: STATUS_SUCCESS
  }

  static NTSTATUS WSKAPI Accept(PVOID context, ULONG, PSOCKADDR, PSOCKADDR,
                                PWSK_SOCKET socket, PVOID*,
                                const WSK_CLIENT_CONNECTION_DISPATCH**) {
    auto* self = static_cast<ListenRecorder*>(context);
    std::lock_guard<std::mutex> lock(self->mu);
    ++self->accepts;
    self->accepted = socket;
    KeSetEvent(&self->accept_called, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
  }
};

NTSTATUS ConditionalOption(PWSK_SOCKET s, WSK_CONTROL_SOCKET_TYPE type, ULONG* value) {
  IrpProbe probe;
  bool set = type == WskSetOption;
  return probe.Result(BasicTable(s)->WskControlSocket(
      s, type, WS_SO_CONDITIONAL_ACCEPT, WS_SOL_SOCKET, set ? sizeof(ULONG) : 0,
      set ? value : nullptr, set ? 0 : sizeof(ULONG), set ? nullptr : value, nullptr,
      probe.Start()));
}

NTSTATUS InspectComplete(PWSK_SOCKET l, WSK_INSPECT_ID* id, WSK_INSPECT_ACTION action) {
  IrpProbe probe;
  return probe.Result(ListenTable(l)->WskInspectComplete(l, id, action, probe.Start()));
}

// A listen socket with conditional accept on, bound to loopback.
class ConditionalAcceptTest : public FamilyTest {
 protected:
  PWSK_SOCKET Listener() {
    PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET, &recorder_, &dispatch_);
    ULONG on = 1;
    EXPECT_EQ(ConditionalOption(l, WskSetOption, &on), STATUS_SUCCESS);
    EXPECT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
    SOCKADDR_STORAGE local{};
    IrpProbe probe;
    EXPECT_EQ(probe.Result(ListenTable(l)->WskGetLocalAddress(
                  l, reinterpret_cast<PSOCKADDR>(&local), probe.Start())),
              STATUS_SUCCESS);
    port_ = PortOf(local);
    return l;
  }
  WSK_INSPECT_ID InspectedId() {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    return recorder_.inspected;
  }
  // Connects a host client and waits for the inspection.
  int ConnectAndInspect() {
    int host = HostConnect(family(), port_);
    EXPECT_TRUE(WaitEvent(&recorder_.inspect_called, kExpectCompletion));
    return host;
  }

  ListenRecorder recorder_;
  WSK_CLIENT_LISTEN_DISPATCH dispatch_{&ListenRecorder::Accept, &ListenRecorder::Inspect,
                                       &ListenRecorder::Abort};
  USHORT port_ = 0;
};

TEST_P(ConditionalAcceptTest, OptionDefaultOffAndSetBeforeBind) {
  RecordClause("SO_CONDITIONAL_ACCEPT.DefaultOff");
  PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
  ULONG value = 7;
  EXPECT_EQ(ConditionalOption(l, WskGetOption, &value), STATUS_SUCCESS);
  EXPECT_EQ(value, 0u);
  value = 1;
  EXPECT_EQ(ConditionalOption(l, WskSetOption, &value), STATUS_SUCCESS);
  EXPECT_EQ(ConditionalOption(l, WskGetOption, &value), STATUS_SUCCESS);
  EXPECT_EQ(value, 1u);
  value = 2;
  EXPECT_EQ(ConditionalOption(l, WskSetOption, &value), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
  // SO_CONDITIONAL_ACCEPT.ChangeAfterBindFails
  value = 0;
  EXPECT_EQ(ConditionalOption(l, WskSetOption, &value), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  // Only listening sockets have it.
  PWSK_SOCKET c = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  EXPECT_EQ(ConditionalOption(c, WskGetOption, &value), STATUS_NOT_SUPPORTED);
  EXPECT_EQ(CloseSocket(c), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 2) << "the mistakes made on purpose";
  // The mistake above, made on purpose, is a verifier finding too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(ConditionalAcceptTest, InspectAcceptDeliversThroughAcceptIrp) {
  RecordClause("WskInspectEvent.AcceptEstablishes");
  PWSK_SOCKET l = Listener();
  int host = ConnectAndInspect();
  sockaddr_storage host_local{};
  socklen_t length = sizeof(host_local);
  getsockname(host, reinterpret_cast<sockaddr*>(&host_local), &length);
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    EXPECT_EQ(recorder_.irql, DISPATCH_LEVEL);
    EXPECT_EQ(recorder_.remote_port,
              ntohs(reinterpret_cast<sockaddr_in*>(&host_local)->sin_port));
  }
  PWSK_SOCKET accepted = Accept(l);
  ASSERT_NE(accepted, nullptr);
  // SIO_WSK_QUERY_INSPECT_ID.ReturnsId
  WSK_INSPECT_ID id{};
  SIZE_T returned = 0;
  EXPECT_EQ(ConnectionTable(accepted)->Basic.WskControlSocket(
                accepted, WskIoctl, SIO_WSK_QUERY_INSPECT_ID, 0, 0, nullptr, sizeof(id), &id,
                &returned, nullptr),
            STATUS_SUCCESS);
  EXPECT_EQ(returned, sizeof(id));
  WSK_INSPECT_ID seen = InspectedId();
  EXPECT_EQ(id.Key, seen.Key);
  EXPECT_EQ(id.SerialNumber, seen.SerialNumber);
  HostWriteAll(host, "hello");
  std::string in;
  EXPECT_EQ(Receive(accepted, 5, &in), STATUS_SUCCESS);
  EXPECT_EQ(in, "hello");
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ConditionalAcceptTest, InspectRejectResetsPeer) {
  RecordClause("WskInspectEvent.RejectDrops");
  recorder_.answer = WskInspectReject;
  PWSK_SOCKET l = Listener();
  IrpProbe accept;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  int host = ConnectAndInspect();
  // Departure from Windows: the host's connect succeeded; the reject is a reset.
  EXPECT_FALSE(HostReadsEof(host)) << "a rejected connection ends with a reset";
  EXPECT_FALSE(accept.Wait(kExpectNoCompletion));
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_EQ(accept.Result(returned), STATUS_CANCELLED);
  close(host);
}

TEST_P(ConditionalAcceptTest, PendThenAcceptWithInspectComplete) {
  RecordClause("WskInspectComplete.AcceptDeliversSocket");
  recorder_.answer = WskInspectPend;
  PWSK_SOCKET l = Listener();
  IrpProbe accept;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  int host = ConnectAndInspect();
  EXPECT_FALSE(accept.Wait(kExpectNoCompletion)) << "a pended request was handed over";
  WSK_INSPECT_ID id = InspectedId();
  EXPECT_EQ(InspectComplete(l, &id, WskInspectAccept), STATUS_SUCCESS);
  ASSERT_EQ(accept.Result(returned), STATUS_SUCCESS);
  auto accepted = reinterpret_cast<PWSK_SOCKET>(accept.information());
  EXPECT_EQ(Send(accepted, "ok"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 2), "ok");
  // WskInspectComplete.OnlyAfterInspectPend: the request is no longer pending.
  EXPECT_EQ(InspectComplete(l, &id, WskInspectAccept), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
  // The mistake above, made on purpose, is a verifier finding too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(ConditionalAcceptTest, InspectCompleteBeforeTheCallbackReturns) {
  RecordClause("WskInspectComplete.AcceptDeliversSocket");
  recorder_.answer = WskInspectPend;
  PWSK_SOCKET l = Listener();
  IrpProbe complete;
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    recorder_.listener = l;
    recorder_.complete_first = WskInspectAccept;
    recorder_.complete_irp = complete.Start();
  }
  int host = ConnectAndInspect();
  NTSTATUS returned;
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    returned = recorder_.complete_returned;
  }
  EXPECT_EQ(complete.Result(returned), STATUS_SUCCESS);
  // The early decision applies once the callback has answered pend.
  PWSK_SOCKET accepted = Accept(l);
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(Send(accepted, "early"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 5), "early");
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ConditionalAcceptTest, PendThenRejectWithInspectComplete) {
  RecordClause("WskInspectComplete.RejectDropsRequest");
  recorder_.answer = WskInspectPend;
  PWSK_SOCKET l = Listener();
  int host = ConnectAndInspect();
  WSK_INSPECT_ID id = InspectedId();
  EXPECT_EQ(InspectComplete(l, &id, WskInspectReject), STATUS_SUCCESS);
  EXPECT_FALSE(HostReadsEof(host));
  IrpProbe accept;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
  EXPECT_EQ(returned, STATUS_PENDING);
  EXPECT_FALSE(accept.Wait(kExpectNoCompletion));
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_EQ(accept.Result(returned), STATUS_CANCELLED);
  close(host);
}

TEST_P(ConditionalAcceptTest, PeerResetWhilePendedRaisesAbortEvent) {
  RecordClause("WskInspectComplete.DroppedRequestCallsAbortEvent");
  recorder_.answer = WskInspectPend;
  PWSK_SOCKET l = Listener();
  int host = ConnectAndInspect();
  HostAbort(host);
  ASSERT_TRUE(WaitEvent(&recorder_.abort_called, kExpectCompletion));
  WSK_INSPECT_ID id = InspectedId();
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    // WskAbortEvent.IdentifiesRequest
    EXPECT_EQ(recorder_.aborted.Key, id.Key);
    EXPECT_EQ(recorder_.aborted.SerialNumber, id.SerialNumber);
  }
  // WskInspectComplete.AbortedRequestNotEstablished
  EXPECT_EQ(InspectComplete(l, &id, WskInspectAccept), STATUS_INVALID_PARAMETER);
  IrpProbe accept;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
  EXPECT_EQ(returned, STATUS_PENDING);
  EXPECT_FALSE(accept.Wait(kExpectNoCompletion));
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_EQ(accept.Result(returned), STATUS_CANCELLED);
  std::lock_guard<std::mutex> lock(recorder_.mu);
  EXPECT_EQ(recorder_.aborts, 1);
  // The mistake above, made on purpose, is a verifier finding too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(ConditionalAcceptTest, AbortEventReturningFailureIsReported) {
  RecordClause("WskAbortEvent.ReturnsSuccess");
  recorder_.answer = WskInspectPend;
  recorder_.abort_answer = STATUS_UNSUCCESSFUL;  // the mistake
  PWSK_SOCKET l = Listener();
  int host = ConnectAndInspect();
  HostAbort(host);
  ASSERT_TRUE(WaitEvent(&recorder_.abort_called, kExpectCompletion));
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);  // the callback has returned
  EXPECT_EQ(ConsumeViolations("ClientCall.CallbackReturnInvalid"), 1);
}

TEST_P(ConditionalAcceptTest, InspectCompleteWithTheProvidersIdIsReported) {
  RecordClause("WskInspectComplete.PassesCopiedInspectId");
  recorder_.answer = WskInspectPend;
  PWSK_SOCKET l = Listener();
  int host = ConnectAndInspect();
  PWSK_INSPECT_ID providers;
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    providers = recorder_.given;
  }
  // The provider's structure, not a copy: reported and refused (the pointer
  // is compared, never read).
  EXPECT_EQ(InspectComplete(l, providers, WskInspectReject), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
  WSK_INSPECT_ID copy = InspectedId();  // the client's own copy: silent
  EXPECT_EQ(InspectComplete(l, &copy, WskInspectReject), STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ConditionalAcceptTest, InspectAcceptThenAcceptEvent) {
  RecordClause("WskInspectEvent.AcceptEstablishes");
  PWSK_SOCKET l = Listener();
  ASSERT_EQ(EnableEvents(l, WSK_EVENT_ACCEPT), STATUS_SUCCESS);
  int host = ConnectAndInspect();
  ASSERT_TRUE(WaitEvent(&recorder_.accept_called, kExpectCompletion));
  PWSK_SOCKET accepted;
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    accepted = recorder_.accepted;
  }
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(Send(accepted, "ev"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host, 2), "ev");
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
}

TEST_P(ConditionalAcceptTest, CloseResetsPendedRequests) {
  recorder_.answer = WskInspectPend;
  PWSK_SOCKET l = Listener();
  int host = ConnectAndInspect();
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_FALSE(HostReadsEof(host));
  std::lock_guard<std::mutex> lock(recorder_.mu);
  EXPECT_EQ(recorder_.aborts, 0) << "no callback after close";
  close(host);
}

TEST_P(ConditionalAcceptTest, CloseFromInspectEventResetsRequest) {
  RecordClause("Close.WaitsForEventCallbacks");
  PWSK_SOCKET l = Listener();
  IrpProbe close_probe;
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    recorder_.close_socket = l;
    recorder_.close_irp = close_probe.Start();
  }
  int host = ConnectAndInspect();
  NTSTATUS returned;
  {
    std::lock_guard<std::mutex> lock(recorder_.mu);
    returned = recorder_.close_returned;
  }
  EXPECT_EQ(close_probe.Result(returned), STATUS_SUCCESS);
  // The request the closing listener was inspecting is never handed over.
  EXPECT_FALSE(HostReadsEof(host));
  std::lock_guard<std::mutex> lock(recorder_.mu);
  EXPECT_EQ(recorder_.accepts, 0);
  close(host);
}

TEST_P(ConditionalAcceptTest, InspectCompleteArgumentsChecked) {
  RecordClause("WskInspectComplete.OnlyAfterInspectPend");
  // Without conditional accept, nothing can be pending.
  PWSK_SOCKET plain = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
  EXPECT_EQ(Bind(plain, Loopback(family())), STATUS_SUCCESS);
  WSK_INSPECT_ID id{1, 1};
  EXPECT_EQ(InspectComplete(plain, &id, WskInspectAccept), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(plain), STATUS_SUCCESS);
  recorder_.answer = WskInspectPend;
  PWSK_SOCKET l = Listener();
  int host = ConnectAndInspect();
  id = InspectedId();
  // WskInspectComplete.ActionAcceptOrReject, a NULL id, an unknown id.
  EXPECT_EQ(InspectComplete(l, &id, WskInspectPend), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(InspectComplete(l, &id, WskInspectMax), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(InspectComplete(l, nullptr, WskInspectAccept), STATUS_INVALID_PARAMETER);
  WSK_INSPECT_ID other{id.Key, id.SerialNumber + 100};
  EXPECT_EQ(InspectComplete(l, &other, WskInspectAccept), STATUS_INVALID_PARAMETER);
  // The request is still pending after the refused calls.
  EXPECT_EQ(InspectComplete(l, &id, WskInspectAccept), STATUS_SUCCESS);
  PWSK_SOCKET accepted = Accept(l);
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  close(host);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1) << "the mistakes made on purpose";
  // The mistakes above, made on purpose, are verifier findings too: two
  // actions and the unknown ID.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 3);
}

WSKCONF_FAMILY_TESTS(ConditionalAcceptTest);

}  // namespace
}  // namespace wskconf::reference::testing
