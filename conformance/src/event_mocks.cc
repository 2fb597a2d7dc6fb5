// The callback tables behind ClientEventMock (event_mocks.h): each callback
// finds its mock from the context, checks the call, and forwards.
#include "wskconf/conformance/event_mocks.h"

#include <mutex>
#include <set>

namespace wskconf::conformance {
namespace {

std::mutex g_mutex;
std::set<const ClientEventMock*>& LiveMocks() {
  static auto* live = new std::set<const ClientEventMock*>;
  return *live;
}

NTSTATUS WSKAPI OnAccept(PVOID context, ULONG flags, PSOCKADDR local,
                         PSOCKADDR remote, PWSK_SOCKET accept_socket,
                         PVOID* accept_context,
                         const WSK_CLIENT_CONNECTION_DISPATCH** accept_dispatch) {
  auto* mock = ClientEventMock::FromContext(context, "WskAcceptEvent");
  if (mock == nullptr) return STATUS_REQUEST_NOT_ACCEPTED;
  mock->OnCall("WskAcceptEvent", true, flags);
  return mock->Accept(flags, local, remote, accept_socket, accept_context,
                      accept_dispatch);
}

WSK_INSPECT_ACTION WSKAPI OnInspect(PVOID context, PSOCKADDR local,
                                    PSOCKADDR remote, PWSK_INSPECT_ID id) {
  auto* mock = ClientEventMock::FromContext(context, "WskInspectEvent");
  if (mock == nullptr) return WskInspectReject;
  mock->OnCall("WskInspectEvent", false, 0);
  return mock->Inspect(local, remote, id);
}

NTSTATUS WSKAPI OnAbort(PVOID context, PWSK_INSPECT_ID id) {
  auto* mock = ClientEventMock::FromContext(context, "WskAbortEvent");
  if (mock == nullptr) return STATUS_SUCCESS;
  mock->OnCall("WskAbortEvent", false, 0);
  return mock->Abort(id);
}

NTSTATUS WSKAPI OnReceive(PVOID context, ULONG flags, PWSK_DATA_INDICATION data,
                          SIZE_T indicated, SIZE_T* accepted) {
  auto* mock = ClientEventMock::FromContext(context, "WskReceiveEvent");
  if (mock == nullptr) return STATUS_DATA_NOT_ACCEPTED;
  mock->OnCall("WskReceiveEvent", true, flags);
  return mock->Receive(flags, data, indicated, accepted);
}

NTSTATUS WSKAPI OnDisconnect(PVOID context, ULONG flags) {
  auto* mock = ClientEventMock::FromContext(context, "WskDisconnectEvent");
  if (mock == nullptr) return STATUS_SUCCESS;
  mock->OnCall("WskDisconnectEvent", true, flags);
  return mock->Disconnect(flags);
}

NTSTATUS WSKAPI OnSendBacklog(PVOID context, SIZE_T ideal) {
  auto* mock = ClientEventMock::FromContext(context, "WskSendBacklogEvent");
  if (mock == nullptr) return STATUS_SUCCESS;
  mock->OnCall("WskSendBacklogEvent", false, 0);
  return mock->SendBacklog(ideal);
}

NTSTATUS WSKAPI OnReceiveFrom(PVOID context, ULONG flags,
                              PWSK_DATAGRAM_INDICATION data) {
  auto* mock = ClientEventMock::FromContext(context, "WskReceiveFromEvent");
  if (mock == nullptr) return STATUS_DATA_NOT_ACCEPTED;
  mock->OnCall("WskReceiveFromEvent", true, flags);
  return mock->ReceiveFrom(flags, data);
}

NTSTATUS WSKAPI OnClientEvent(PVOID context, ULONG event, PVOID information,
                              SIZE_T length) {
  auto* mock = ClientEventMock::FromContext(context, "WskClientEvent");
  if (mock == nullptr) return STATUS_NOT_IMPLEMENTED;
  mock->OnCall("WskClientEvent", false, 0);
  return mock->ClientEvent(event, information, length);
}

const WSK_CLIENT_LISTEN_DISPATCH kListen = {OnAccept, OnInspect, OnAbort};
const WSK_CLIENT_CONNECTION_DISPATCH kConnection = {OnReceive, OnDisconnect,
                                                    OnSendBacklog};
const WSK_CLIENT_DATAGRAM_DISPATCH kDatagram = {OnReceiveFrom};
const WSK_CLIENT_DISPATCH kClient = {MAKE_WSK_VERSION(1, 0), 0, OnClientEvent};

}  // namespace

ClientEventMock::ClientEventMock() {
  stream_.Listen = &kListen;
  stream_.Connect = &kConnection;
  std::lock_guard<std::mutex> lock(g_mutex);
  LiveMocks().insert(this);
}

ClientEventMock::~ClientEventMock() {
  std::lock_guard<std::mutex> lock(g_mutex);
  LiveMocks().erase(this);
}

const WSK_CLIENT_LISTEN_DISPATCH* ClientEventMock::listen_dispatch() const {
  return &kListen;
}
const WSK_CLIENT_CONNECTION_DISPATCH* ClientEventMock::connection_dispatch()
    const {
  return &kConnection;
}
const WSK_CLIENT_DATAGRAM_DISPATCH* ClientEventMock::datagram_dispatch() const {
  return &kDatagram;
}
const WSK_CLIENT_STREAM_DISPATCH* ClientEventMock::stream_dispatch() const {
  return &stream_;
}
const WSK_CLIENT_DISPATCH* ClientEventMock::client_dispatch() const {
  return &kClient;
}

const VOID* ClientEventMock::dispatch_for(bool listen, bool datagram,
                                          bool stream) const {
  if (stream) return stream_dispatch();
  if (listen) return listen_dispatch();
  if (datagram) return datagram_dispatch();
  return connection_dispatch();
}

ClientEventMock* ClientEventMock::FromContext(PVOID context,
                                              const char* callback) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto* mock = static_cast<ClientEventMock*>(context);
  if (LiveMocks().count(mock) == 0) {
    ADD_FAILURE() << callback << " was called with SocketContext " << context
                  << ", not the context the case gave "
                     "(Events.SocketContextPassedBack), or after the case "
                     "ended";
    return nullptr;
  }
  return mock;
}

void ClientEventMock::OnCall(const char* callback, bool has_flags,
                             ULONG flags) {
  ++calls_;
  const KIRQL irql = KeGetCurrentIrql();
  if (closed_) {
    ADD_FAILURE() << callback << " was called after the socket was closed "
                  << "(Close.WaitsForEventCallbacks)";
  }
  if (irql > DISPATCH_LEVEL) {
    ADD_FAILURE() << callback << " was called at IRQL " << int{irql}
                  << ", above DISPATCH_LEVEL (Events.CalledAtOrBelowDispatch)";
  }
  if (has_flags && (flags & WSK_FLAG_AT_DISPATCH_LEVEL) != 0 &&
      irql != DISPATCH_LEVEL) {
    ADD_FAILURE() << callback << " got WSK_FLAG_AT_DISPATCH_LEVEL at IRQL "
                  << int{irql} << " (Events.AtDispatchFlagMatchesIrql)";
  }
}

}  // namespace wskconf::conformance
