// Socket object lifetime: creation, the per-category dispatch tables, holds,
// the end of a close, and a quarantine that keeps freed objects readable so
// a call on a closed socket fails instead of touching freed memory.
#include "internal/socket.h"

#include <wskconf/reference.h>

#include <unistd.h>

#include <atomic>
#include <deque>
#include <new>

#include "internal/address.h"
#include "internal/address_sharing.h"
#include "internal/control.h"
#include "internal/datagram.h"
#include "internal/event_loop.h"
#include "internal/ops.h"
#include "internal/registration.h"

namespace wskconf::reference::internal {
namespace {

std::atomic<ULONG> g_live_sockets{0};

// Freed sockets stay allocated (magic kClosedMagic) for the next
// kQuarantine frees.
constexpr size_t kQuarantine = 1024;
struct Quarantine {
  std::mutex mu;
  std::deque<Socket*> sockets;
  ~Quarantine() {
    for (Socket* s : sockets) delete s;
  }
} g_quarantine;

const WSK_PROVIDER_BASIC_DISPATCH kBasicDispatch = {
    .WskControlSocket = ControlSocket,
    .WskCloseSocket = CloseSocket,
};

const WSK_PROVIDER_LISTEN_DISPATCH kListenDispatch = {
    .Basic = {.WskControlSocket = ControlSocket, .WskCloseSocket = CloseSocket},
    .WskBind = Bind,
    .WskAccept = Accept,
    .WskInspectComplete = InspectComplete,
    .WskGetLocalAddress = GetLocalAddress,
};

const WSK_PROVIDER_CONNECTION_DISPATCH kConnectionDispatch = {
    .Basic = {.WskControlSocket = ControlSocket, .WskCloseSocket = CloseSocket},
    .WskBind = Bind,
    .WskConnect = Connect,
    .WskGetLocalAddress = GetLocalAddress,
    .WskGetRemoteAddress = GetRemoteAddress,
    .WskSend = Send,
    .WskReceive = Receive,
    .WskDisconnect = Disconnect,
    .WskRelease = ReleaseIndications,
    .WskConnectEx = ConnectEx,
    .WskSendEx = SendEx,
    .WskReceiveEx = ReceiveEx,
};

const WSK_PROVIDER_STREAM_DISPATCH kStreamDispatch = {
    .Basic = {.WskControlSocket = ControlSocket, .WskCloseSocket = CloseSocket},
    .WskBind = Bind,
    .WskAccept = Accept,
    .WskConnect = Connect,
    .WskListen = Listen,
    .WskSend = Send,
    .WskReceive = Receive,
    .WskDisconnect = Disconnect,
    .WskRelease = ReleaseIndications,
    .WskGetLocalAddress = GetLocalAddress,
    .WskGetRemoteAddress = GetRemoteAddress,
    .WskConnectEx = ConnectEx,
    .WskSendEx = SendEx,
    .WskReceiveEx = ReceiveEx,
};

const WSK_PROVIDER_DATAGRAM_DISPATCH kDatagramDispatch = {
    .Basic = {.WskControlSocket = ControlSocket, .WskCloseSocket = CloseSocket},
    .WskBind = Bind,
    .WskSendTo = SendTo,
    .WskReceiveFrom = ReceiveFrom,
    .WskRelease = ReleaseDatagrams,
    .WskGetLocalAddress = GetLocalAddress,
    .WskSendMessages = SendMessages,
};

}  // namespace

const void* ProviderDispatchFor(Category category) {
  switch (category) {
    case Category::kListen: return &kListenDispatch;
    case Category::kConnection: return &kConnectionDispatch;
    case Category::kStream: return &kStreamDispatch;
    case Category::kDatagram: return &kDatagramDispatch;
    case Category::kBasic: break;
  }
  return &kBasicDispatch;
}

Socket* FromWsk(PWSK_SOCKET wsk) {
  auto* s = reinterpret_cast<Socket*>(wsk);
  if (s == nullptr ||
      s->magic.load(std::memory_order_acquire) != Socket::kLiveMagic) {
    return nullptr;
  }
  return s;
}

Socket* CreateSocket(Registration* registration, Category category,
                     ADDRESS_FAMILY family, int fd, State state, PVOID context,
                     const void* client_dispatch) {
  auto* s = new (std::nothrow) Socket();
  if (s == nullptr) {
    close(fd);
    return nullptr;
  }
  s->wsk.Dispatch = ProviderDispatchFor(category);
  s->category = category;
  s->family = family;
  s->host_family = HostFamily(family);
  s->fd = fd;
  s->registration = registration;
  s->state = state;
  s->context = context;
  s->client_dispatch = client_dispatch;
  s->busy = 1;  // the client's own hold, dropped by WskCloseSocket
  // WSK_SET_STATIC_EVENT_CALLBACKS.AppliesToNewSockets: the events of the
  // static mask this category has are enabled from the start.
  s->static_events = registration->NoteSocketCreated() & AllowedEvents(category);
  s->event_mask = s->static_events;
  // Datagrams are read as they come; static callbacks may fire at once.
  if ((category == Category::kDatagram || s->static_events != 0) &&
      !NT_SUCCESS(WatchLocked(s))) {
    close(fd);
    delete s;
    return nullptr;
  }
  registration->AddObject();
  g_live_sockets.fetch_add(1);
  return s;
}

NTSTATUS WatchLocked(Socket* s) {
  // A silent socket left the loop for good (silent_mode.cc): what waits on
  // it waits for its close.
  if (s->watched || s->silent) return STATUS_SUCCESS;
  NTSTATUS status = LoopWatch(s);
  if (NT_SUCCESS(status)) s->watched = true;
  return status;
}

void FinishClose(Socket* s) {
  FreeDatagramBacklog(s);
  FreeRetainedIndications(s);
  StopWatchingAddresses(s);
  ReleaseSharedAddress(s);
  DropSecurityDescriptor(s);
  if (s->watched) LoopUnwatch(s);
  close(s->fd);
  s->fd = -1;
}

void FreeLater(Socket* s) { LoopFree(s); }

void Release(Socket* s) {
  PIRP close_irp;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    if (--s->busy != 0 || !s->closing) return;
    close_irp = s->close_irp;
    s->close_irp = nullptr;
  }
  // Last hold of a closing socket: nothing else can reach it any more. The
  // close IRP completes before the object is freed (and so before the
  // registration stops counting it): WskDeregister waits for both.
  FinishClose(s);
  if (close_irp != nullptr) CompletePending(close_irp, STATUS_SUCCESS, 0);
  FreeLater(s);
}

void DestroyUnpublished(Socket* s) {
  {
    std::lock_guard<std::mutex> lock(s->mu);
    s->closing = true;
    AbortConnection(s);
  }
  FinishClose(s);
  FreeLater(s);
}

void FreeSocket(Socket* s) {
  s->magic.store(Socket::kClosedMagic, std::memory_order_release);
  Registration* registration = s->registration;
  g_live_sockets.fetch_sub(1);
  Socket* oldest = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_quarantine.mu);
    g_quarantine.sockets.push_back(s);
    if (g_quarantine.sockets.size() > kQuarantine) {
      oldest = g_quarantine.sockets.front();
      g_quarantine.sockets.pop_front();
    }
  }
  delete oldest;
  registration->RemoveObject();
}

}  // namespace wskconf::reference::internal

EXTERN_C_START

ULONG WskconfReferenceLiveSocketCount(VOID) {
  return wskconf::reference::internal::g_live_sockets.load();
}

EXTERN_C_END
