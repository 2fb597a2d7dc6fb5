// Event callbacks (WskAcceptEvent, WskReceiveEvent, WskDisconnectEvent),
// called only from the event loop thread, at DISPATCH_LEVEL, one at a time
// per socket; retained receive indications come back through WskRelease.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include <wskconf/verifier.h>

#include "internal/address.h"
#include "internal/client_checks.h"
#include "internal/datagram.h"
#include "internal/errno_status.h"
#include "internal/event_loop.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

constexpr ULONG kIndicationTag = 'iRsW';
constexpr SIZE_T kIndicationBytes = 64 * 1024;
// Freed indications kept for reuse: each is a 64 KiB pool block, which the
// pool fills when it is allocated and again when it is freed.
constexpr size_t kIndicationCacheSize = 4;

}  // namespace

// One received chunk handed to WskReceiveEvent: the WSK_DATA_INDICATION the
// client sees, the MDL over the data, and the data, in one pool block. A
// retained one is linked on its socket's list until WskRelease.
struct Indication {
  WSK_DATA_INDICATION wsk;  // first: the client's pointer is this object
  Indication* next_retained;
  PMDL mdl;
  char data[kIndicationBytes];
};

namespace {

std::mutex g_cache_mu;
Indication* g_cache[kIndicationCacheSize];
size_t g_cached = 0;

void PrepareIndication(Indication* ind) {
  ind->next_retained = nullptr;
  ind->wsk.Next = nullptr;
  ind->wsk.Buffer.Mdl = ind->mdl;
  ind->wsk.Buffer.Offset = 0;
  ind->wsk.Buffer.Length = 0;
}

void DestroyIndication(Indication* ind) {
  IoFreeMdl(ind->mdl);
  ExFreePoolWithTag(ind, kIndicationTag);
}

Indication* AllocateIndication() {
  {
    std::lock_guard<std::mutex> lock(g_cache_mu);
    if (g_cached > 0) {
      Indication* ind = g_cache[--g_cached];
      PrepareIndication(ind);
      return ind;
    }
  }
  auto* ind = static_cast<Indication*>(
      ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(Indication), kIndicationTag));
  if (ind == nullptr) return nullptr;
  ind->mdl = IoAllocateMdl(ind->data, kIndicationBytes, FALSE, FALSE, nullptr);
  if (ind->mdl == nullptr) {
    ExFreePoolWithTag(ind, kIndicationTag);
    return nullptr;
  }
  MmBuildMdlForNonPagedPool(ind->mdl);
  PrepareIndication(ind);
  return ind;
}

void FreeIndication(Indication* ind) {
  {
    std::lock_guard<std::mutex> lock(g_cache_mu);
    if (g_cached < kIndicationCacheSize) {
      g_cache[g_cached++] = ind;
      return;
    }
  }
  DestroyIndication(ind);
}

// Throws away `bytes` the client took from an indication (they were
// peeked, so they are still queued on the host socket).
void Discard(Socket* s, SIZE_T bytes) {
  while (bytes > 0) {
    ssize_t n = recv(s->fd, nullptr, bytes, MSG_TRUNC | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes -= static_cast<SIZE_T>(n);
  }
}


// Reads SO_ERROR after epoll reported an error or hang-up on a connection.
void NoteConnectionError(Socket* s) {
  int err = 0;
  socklen_t length = sizeof(err);
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0 || err == 0) return;
  if (!s->aborted) {
    s->aborted = true;
    s->abort_status = StatusFromErrno(err);
  }
}

}  // namespace

// The client's tables are its own again once a close may have completed:
// a closing socket's tables are never read (Close.WaitsForEventCallbacks).
const WSK_CLIENT_LISTEN_DISPATCH* ListenCallbacks(Socket* s) {
  if (s->closing || s->client_dispatch == nullptr) return nullptr;
  if (s->category == Category::kListen) {
    return static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(s->client_dispatch);
  }
  if (s->category == Category::kStream) {
    return static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(s->client_dispatch)->Listen;
  }
  return nullptr;
}

const WSK_CLIENT_CONNECTION_DISPATCH* ConnectionCallbacks(Socket* s) {
  if (s->closing || s->client_dispatch == nullptr) return nullptr;  // as above
  if (s->category == Category::kConnection) {
    return static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(s->client_dispatch);
  }
  if (s->category == Category::kStream) {
    return static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(s->client_dispatch)->Connect;
  }
  return nullptr;
}

bool EnterCallback(Socket* s, std::unique_lock<std::mutex>& lock) {
  if (s->closing) return false;  // Close: no callback once closing
  HoldLocked(s);
  s->callback_running = true;
  lock.unlock();
  return true;
}

void LeaveCallback(Socket* s, std::unique_lock<std::mutex>& lock) {
  IrpList waiters;
  lock.lock();
  s->callback_running = false;
  // Disables that waited for this callback to return (Events.NoCallAfterDisableCompletes).
  ClaimAll(s->disable_waiters, waiters);
  lock.unlock();
  while (!waiters.empty()) CompletePending(waiters.PopFront(), STATUS_SUCCESS, 0);
  Release(s);
  lock.lock();
}

// WSK_FLAG_ENTIRE_MESSAGE.EndsMessage: for TCP the flag means a segment of
// the data carried the push bit, which Linux never shows a receiver. Senders
// (Linux's and Windows') push the segment that ends each send call or
// empties their send buffer, so data that ends where the host's receive
// queue ended (the peek took less than it could) ends with the newest
// segment, normally a pushed one; an indication cut at kIndicationBytes with
// more queued behind it does not. An approximation, listed in the README:
// a burst still arriving can end between two segments without a push.
namespace {
ULONG MessageFlags(SIZE_T indicated) {
  return indicated < kIndicationBytes ? WSK_FLAG_ENTIRE_MESSAGE : 0;
}

// What an answer of WskReceiveEvent took out of `indicated` bytes: all of a
// retained indication, *BytesAccepted (at most all) of STATUS_SUCCESS,
// nothing otherwise (WskReceiveEvent.BytesAcceptedIgnoredUnlessSuccess).
SIZE_T ConsumedBytes(NTSTATUS status, SIZE_T accepted, SIZE_T indicated) {
  if (status == STATUS_PENDING) return indicated;
  if (status != STATUS_SUCCESS) return 0;
  return accepted < indicated ? accepted : indicated;
}
}  // namespace

void IndicateReceives(Socket* s, std::unique_lock<std::mutex>& lock) {
  for (;;) {
    const WSK_CLIENT_CONNECTION_DISPATCH* callbacks = ConnectionCallbacks(s);
    if (s->closing || s->state != State::kConnected || s->aborted || s->silent ||
        s->peer_closed || s->receive_paused || !s->receive_queue.empty() ||
        !(s->event_mask & WSK_EVENT_RECEIVE) || callbacks == nullptr ||
        callbacks->WskReceiveEvent == nullptr) {
      return;
    }
    Indication* ind = AllocateIndication();
    if (ind == nullptr) return;
    ssize_t n = recv(s->fd, ind->data, kIndicationBytes, MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) {
      FreeIndication(ind);
      if (n == 0) {
        s->peer_closed = true;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        NoteConnectionError(s);
        if (!s->aborted) {
          s->aborted = true;
          s->abort_status = StatusFromErrno(errno);
        }
      }
      return;
    }
    ind->wsk.Buffer.Length = static_cast<SIZE_T>(n);
    SIZE_T accepted = static_cast<SIZE_T>(n);  // untouched means "all of it"
    PVOID context = s->context;
    s->receive_during_callback = false;
    if (!EnterCallback(s, lock)) {
      FreeIndication(ind);
      return;
    }
    KIRQL irql = KeRaiseIrqlToDpcLevel();
    NTSTATUS status = callbacks->WskReceiveEvent(
        context, WSK_FLAG_AT_DISPATCH_LEVEL | MessageFlags(static_cast<SIZE_T>(n)), &ind->wsk,
        static_cast<SIZE_T>(n), &accepted);
    KeLowerIrql(irql);
    lock.lock();
    // The bytes the client took leave the host socket before the callback
    // counts as returned: until then every WskReceive queues behind it, so
    // none (from a disable's completion, say) can read them a second time.
    Discard(s, ConsumedBytes(status, accepted, static_cast<SIZE_T>(n)));
    if (status == STATUS_PENDING) {  // retained: the client owns it now
      // Linked before the callback's hold goes, so a close that waited for
      // the callback finds it (ClientCall.RetainedIndicationAtClose).
      ind->next_retained = s->retained;
      s->retained = ind;
    }
    lock.unlock();
    LeaveCallback(s, lock);
    if (status == STATUS_PENDING) continue;
    FreeIndication(ind);
    // A WskReceive made during the callback already lifted the pause the
    // answer below asks for.
    bool resumed = s->receive_during_callback;
    if (status != STATUS_SUCCESS) {  // STATUS_DATA_NOT_ACCEPTED
      if (resumed) {
        LoopPost(s, kLoopRescan);  // offer the data again, after other sockets
        return;
      }
      s->receive_paused = true;  // WskReceiveEvent.NotAcceptedPausesIndications
      return;
    }
    if (accepted < static_cast<SIZE_T>(n) && !resumed) {
      s->receive_paused = true;  // WskReceiveEvent.PartialAcceptPausesIndications
      return;
    }
  }
}

void IndicateDisconnect(Socket* s, std::unique_lock<std::mutex>& lock) {
  const WSK_CLIENT_CONNECTION_DISPATCH* callbacks = ConnectionCallbacks(s);
  if (s->closing || s->disconnect_indicated || s->state != State::kConnected ||
      !(s->event_mask & WSK_EVENT_DISCONNECT) || callbacks == nullptr ||
      callbacks->WskDisconnectEvent == nullptr) {
    return;
  }
  if (!s->peer_closed && !s->aborted && s->peer_fin_seen && s->receive_queue.empty()) {
    char byte;
    ssize_t n = recv(s->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) s->peer_closed = true;
  }
  // Our own abortive disconnect is not an event; a peer's reset is.
  bool peer_reset = s->aborted && s->abort_status == STATUS_CONNECTION_RESET;
  if (!s->peer_closed && !peer_reset) return;
  s->disconnect_indicated = true;
  PVOID context = s->context;
  if (!EnterCallback(s, lock)) return;
  KIRQL irql = KeRaiseIrqlToDpcLevel();
  // WSK_FLAG_ABORTIVE.ReportsPeerAbort
  NTSTATUS status = callbacks->WskDisconnectEvent(
      context, WSK_FLAG_AT_DISPATCH_LEVEL | (peer_reset ? WSK_FLAG_ABORTIVE : 0));
  KeLowerIrql(irql);
  CheckCallbackReturn("WskDisconnectEvent", status, false, s);
  LeaveCallback(s, lock);
}

// The next connection for WskAcceptEvent, with its addresses (host
// layout): a candidate the client accepted under conditional accept, else
// a new host connection; nullptr when none waits. l->mu held.
Socket* NextAcceptEventSocket(Socket* l, sockaddr_storage* local, sockaddr_storage* peer) {
  socklen_t peer_length = sizeof(*peer), local_length = sizeof(*local);
  if (l->conditional_accept) {
    Socket* c = TakeReadyCandidate(l);
    if (c != nullptr) {
      getpeername(c->fd, reinterpret_cast<sockaddr*>(peer), &peer_length);
      getsockname(c->fd, reinterpret_cast<sockaddr*>(local), &local_length);
    }
    return c;
  }
  for (;;) {
    int fd = accept4(l->fd, reinterpret_cast<sockaddr*>(peer), &peer_length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return nullptr;
    }
    getsockname(fd, reinterpret_cast<sockaddr*>(local), &local_length);
    Socket* accepted = CreateAccepted(l, fd, nullptr, nullptr);
    if (accepted != nullptr) return accepted;
    peer_length = sizeof(*peer);
  }
}

void IndicateAccepts(Socket* l, std::unique_lock<std::mutex>& lock) {
  for (;;) {
    const WSK_CLIENT_LISTEN_DISPATCH* callbacks = ListenCallbacks(l);
    if (l->closing || l->state != State::kListening || !l->accept_queue.empty() ||
        !(l->event_mask & WSK_EVENT_ACCEPT) || callbacks == nullptr ||
        callbacks->WskAcceptEvent == nullptr) {
      return;
    }
    sockaddr_storage peer, local;
    Socket* accepted = NextAcceptEventSocket(l, &local, &peer);
    if (accepted == nullptr) return;
    SOCKADDR_STORAGE local_wsk{}, remote_wsk{};
    FromHost(reinterpret_cast<sockaddr*>(&local), reinterpret_cast<PSOCKADDR>(&local_wsk));
    FromHost(reinterpret_cast<sockaddr*>(&peer), reinterpret_cast<PSOCKADDR>(&remote_wsk));
    // Events.ListenerPropagatesToAcceptEventSockets
    ULONG inherited = l->event_mask & (WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT |
                                       WSK_EVENT_SEND_BACKLOG);
    PVOID context = l->context;
    if (!EnterCallback(l, lock)) {
      DestroyUnpublished(accepted);
      return;
    }
    PVOID accepted_context = nullptr;
    const WSK_CLIENT_CONNECTION_DISPATCH* accepted_dispatch = nullptr;
    KIRQL irql = KeRaiseIrqlToDpcLevel();
    NTSTATUS status = callbacks->WskAcceptEvent(
        context, WSK_FLAG_AT_DISPATCH_LEVEL, reinterpret_cast<PSOCKADDR>(&local_wsk),
        reinterpret_cast<PSOCKADDR>(&remote_wsk), &accepted->wsk, &accepted_context,
        &accepted_dispatch);
    KeLowerIrql(irql);
    CheckCallbackReturn("WskAcceptEvent", status, true, l);
    if (status == STATUS_SUCCESS) {
      // Data (or a FIN) may have arrived before the callbacks were set.
      AdoptCandidate(accepted, accepted_context, accepted_dispatch, inherited);
    } else {
      DestroyUnpublished(accepted);  // WskAcceptEvent.RejectClosesSocket
    }
    LeaveCallback(l, lock);
  }
}

void OnSocketReady(Socket* s, uint32_t events) {
  IrpList done;
  std::unique_lock<std::mutex> lock(s->mu);
  if (s->closing || s->silent) return;  // a silent socket waits for its close
  if (s->candidate_of != nullptr) {
    OnCandidateReady(s, lock);
    return;
  }
  if (s->category == Category::kDatagram) {
    OnDatagramReady(s, lock);
    return;
  }
  if (s->state == State::kListening) {
    if (s->conditional_accept) InspectIncoming(s, lock);
    ProcessAccepts(s, done);
    lock.unlock();
    CompleteDone(done);
    lock.lock();
    IndicateAccepts(s, lock);
    // After the completions, whose routines may have queued the next accept.
    UnwatchIdleListener(s);
    return;
  }
  if (s->state == State::kConnected && (events & (EPOLLERR | EPOLLHUP))) {
    NoteConnectionError(s);
  }
  if (events & EPOLLRDHUP) s->peer_fin_seen = true;
  ProcessConnect(s, done);
  ProcessSends(s, done);
  ProcessReceives(s, done);
  if (s->event_mask == 0) {
    // No callback to make: finish with the socket before completing, so a
    // client woken by its completion does not find the lock still held.
    lock.unlock();
    CompleteDone(done);
    return;
  }
  lock.unlock();
  CompleteDone(done);
  lock.lock();
  IndicateReceives(s, lock);
  ProcessReceives(s, done);  // receives queued while a callback ran
  IndicateDisconnect(s, lock);
  IndicateSendBacklog(s, lock);
  lock.unlock();
  CompleteDone(done);
}

void FreeRetainedIndications(Socket* s) {
  Indication* ind;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    ind = s->retained;
    s->retained = nullptr;
  }
  // Close.RetainedIndicationsNotReleased: closing does not give them back.
  // Checked once the close is done and no callback can be running (a
  // datagram chain is linked as retained while its callback runs).
  if (FreeRetainedDatagrams(s) || ind != nullptr) {
    WskconfReportViolation(WskconfRuleClientCallRetainedIndicationAtClose, s,
                           "WskCloseSocket: socket %p still had indications the "
                           "client retained and never released with WskRelease",
                           static_cast<void*>(s));
  }
  while (ind != nullptr) {
    Indication* next = ind->next_retained;
    FreeIndication(ind);
    ind = next;
  }
}

void DrainIndicationCache() {
  Indication* drained[kIndicationCacheSize];
  size_t count;
  {
    std::lock_guard<std::mutex> lock(g_cache_mu);
    count = g_cached;
    for (size_t i = 0; i < count; ++i) drained[i] = g_cache[i];
    g_cached = 0;
  }
  for (size_t i = 0; i < count; ++i) DestroyIndication(drained[i]);
}

// The retained indication `entry` points at, found by address only (a
// pointer the client made up is never dereferenced), or nullptr.
Indication* FindRetained(Socket* s, PWSK_DATA_INDICATION entry) {
  for (Indication* ind = s->retained; ind != nullptr; ind = ind->next_retained) {
    if (&ind->wsk == entry) return ind;
  }
  return nullptr;
}

void Unretain(Socket* s, Indication* target) {
  for (Indication** link = &s->retained; *link != nullptr; link = &(*link)->next_retained) {
    if (*link == target) {
      *link = target->next_retained;
      return;
    }
  }
}

NTSTATUS WSKAPI ReleaseIndications(PWSK_SOCKET Socket,
                                   PWSK_DATA_INDICATION DataIndication) {
  internal::Socket* s = FromWsk(Socket);
  if (s == nullptr || DataIndication == nullptr) return STATUS_INVALID_PARAMETER;
  std::unique_lock<std::mutex> lock(s->mu);
  // WskReleaseDataIndicationList.InvalidParameter: check the whole list
  // before releasing any of it.
  size_t held = 0;
  for (Indication* ind = s->retained; ind != nullptr; ind = ind->next_retained) ++held;
  size_t listed = 0;
  for (PWSK_DATA_INDICATION entry = DataIndication; entry != nullptr; ++listed) {
    Indication* ind = FindRetained(s, entry);
    // Not ours, or a list longer than what is retained (a loop).
    if (ind == nullptr || listed == held) {
      lock.unlock();
      ReportNotRetained("WskRelease", Socket, entry);
      return STATUS_INVALID_PARAMETER;
    }
    entry = ind->wsk.Next;
  }
  Indication* released = nullptr;
  for (PWSK_DATA_INDICATION entry = DataIndication; entry != nullptr;) {
    Indication* ind = FindRetained(s, entry);
    entry = ind->wsk.Next;
    Unretain(s, ind);
    ind->next_retained = released;
    released = ind;
  }
  lock.unlock();
  while (released != nullptr) {
    Indication* next = released->next_retained;
    FreeIndication(released);
    released = next;
  }
  return STATUS_SUCCESS;
}

}  // namespace wskconf::reference::internal
