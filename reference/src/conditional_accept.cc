// Conditional accept: SO_CONDITIONAL_ACCEPT, WskInspectEvent,
// WskInspectComplete, WskAbortEvent and SIO_WSK_QUERY_INSPECT_ID.
//
// Linux completes the TCP handshake in the kernel before user space can
// decide, so this provider inspects after the fact: it accepts the host
// connection, keeps it as a candidate socket the client has not seen, and
// offers it to WskInspectEvent. Reject resets it (SO_LINGER 0, close);
// pend holds it until WskInspectComplete; accept queues it for WskAccept or
// WskAcceptEvent. A pended candidate whose peer resets or closes is dropped
// and reported through WskAbortEvent. Unlike on Windows, the peer's connect
// has already succeeded when the client decides, and a rejected peer sees a
// reset instead of a refused connection.
#include <sys/socket.h>

#include <cerrno>

#include "internal/address.h"
#include "internal/client_checks.h"
#include "internal/control.h"
#include "internal/event_loop.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

void AppendCandidate(Socket* l, Socket* c) {
  Socket** link = &l->candidates;
  while (*link != nullptr) link = &(*link)->candidate_next;
  c->candidate_next = nullptr;
  *link = c;
}

void UnlinkCandidate(Socket* l, Socket* c) {
  for (Socket** link = &l->candidates; *link != nullptr; link = &(*link)->candidate_next) {
    if (*link == c) {
      *link = c->candidate_next;
      c->candidate_next = nullptr;
      return;
    }
  }
}

// A pended candidate whose peer reset or closed: the request was dropped.
// Nothing is read (data a peer sent stays for the client). c->fd is stable
// while the candidate is linked.
bool PeerDropped(Socket* c) {
  char byte;
  ssize_t n = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

// Reports every dropped pended candidate through WskAbortEvent, then
// destroys it (WskInspectComplete.DroppedRequestCallsAbortEvent).
void ReapDropped(Socket* l, std::unique_lock<std::mutex>& lock) {
  for (;;) {
    Socket* dropped = nullptr;
    for (Socket* c = l->candidates; c != nullptr; c = c->candidate_next) {
      if (c->inspect_pended && PeerDropped(c)) {
        dropped = c;
        break;
      }
    }
    if (dropped == nullptr) return;
    UnlinkCandidate(l, dropped);
    WSK_INSPECT_ID id = dropped->inspect_id;  // WskAbortEvent.IdentifiesRequest
    const WSK_CLIENT_LISTEN_DISPATCH* callbacks = ListenCallbacks(l);
    PVOID context = l->context;
    if (callbacks != nullptr && callbacks->WskAbortEvent != nullptr &&
        EnterCallback(l, lock)) {
      KIRQL irql = KeRaiseIrqlToDpcLevel();
      NTSTATUS status = callbacks->WskAbortEvent(context, &id);
      CheckCallbackReturn("WskAbortEvent", status, false, l);  // WskAbortEvent.ReturnsSuccess
      KeLowerIrql(irql);
      LeaveCallback(l, lock);
    }
    lock.unlock();
    DestroyUnpublished(dropped);
    lock.lock();
  }
}

// A candidate's hang-up or reset must reach its listener (OnCandidateReady).
bool WatchCandidate(Socket* c) {
  std::lock_guard<std::mutex> lock(c->mu);
  return NT_SUCCESS(WatchLocked(c));
}

bool IsLinked(Socket* l, Socket* c) {
  for (Socket* e = l->candidates; e != nullptr; e = e->candidate_next) {
    if (e == c) return true;
  }
  return false;
}

// Offers one new host connection to WskInspectEvent. The candidate is
// listed (as pended) before the call, so a WskInspectComplete from another
// thread that races the callback's return finds it. l->mu held through
// `lock`; false when the listener stopped (closing) meanwhile.
bool Inspect(Socket* l, Socket* c, const sockaddr_storage& local,
             const sockaddr_storage& peer, std::unique_lock<std::mutex>& lock) {
  c->candidate_of = l;
  c->has_inspect_id = true;
  c->inspect_id.Key = reinterpret_cast<ULONG_PTR>(l);
  c->inspect_id.SerialNumber = ++l->inspect_serial;
  SOCKADDR_STORAGE local_wsk{}, remote_wsk{};
  FromHost(reinterpret_cast<const sockaddr*>(&local), reinterpret_cast<PSOCKADDR>(&local_wsk));
  FromHost(reinterpret_cast<const sockaddr*>(&peer), reinterpret_cast<PSOCKADDR>(&remote_wsk));
  // The provider's copy; the client copies it if it pends.
  WSK_INSPECT_ID id = c->inspect_id;
  const WSK_CLIENT_LISTEN_DISPATCH* callbacks = ListenCallbacks(l);
  PVOID context = l->context;
  WSK_INSPECT_ACTION action = WskInspectAccept;  // no callback: nothing to ask
  if (callbacks != nullptr && callbacks->WskInspectEvent != nullptr) {
    c->inspect_pended = true;  // not handed over while the callback runs
    c->inspecting = true;
    c->inspect_id_given = &id;
    AppendCandidate(l, c);
    if (!EnterCallback(l, lock)) {
      UnlinkCandidate(l, c);
      DestroyUnpublished(c);
      return false;
    }
    KIRQL irql = KeRaiseIrqlToDpcLevel();
    action = callbacks->WskInspectEvent(context, reinterpret_cast<PSOCKADDR>(&local_wsk),
                                        reinterpret_cast<PSOCKADDR>(&remote_wsk), &id);
    KeLowerIrql(irql);
    LeaveCallback(l, lock);
    // A close during the callback took (and reset) every candidate.
    if (!IsLinked(l, c)) return false;
    c->inspecting = false;
    if (action == WskInspectPend && c->early_action != WskInspectMax) {
      action = c->early_action;  // WskInspectComplete came first
    }
    UnlinkCandidate(l, c);
  }
  if (l->closing || (action != WskInspectAccept && action != WskInspectPend)) {
    // WskInspectEvent.RejectDrops (an unknown answer counts as a reject).
    lock.unlock();
    DestroyUnpublished(c);
    lock.lock();
    return !l->closing;
  }
  c->inspect_pended = action == WskInspectPend;
  AppendCandidate(l, c);  // WskInspectEvent.AcceptEstablishes: ready for handover
  return true;
}

}  // namespace

void InspectIncoming(Socket* l, std::unique_lock<std::mutex>& lock) {
  ReapDropped(l, lock);
  while (!l->closing && l->state == State::kListening) {
    sockaddr_storage peer, local;
    socklen_t peer_length = sizeof(peer), local_length = sizeof(local);
    int fd = accept4(l->fd, reinterpret_cast<sockaddr*>(&peer), &peer_length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length);
    Socket* c = CreateAccepted(l, fd, nullptr, nullptr);
    if (c == nullptr) continue;
    if (!WatchCandidate(c)) {
      DestroyUnpublished(c);  // refused as if out of memory: a reset
      continue;
    }
    if (!Inspect(l, c, local, peer, lock)) return;
  }
}

Socket* TakeReadyCandidate(Socket* l) {
  for (Socket* c = l->candidates; c != nullptr; c = c->candidate_next) {
    if (c->inspect_pended) continue;
    UnlinkCandidate(l, c);
    std::lock_guard<std::mutex> lock(c->mu);
    c->candidate_of = nullptr;
    return c;
  }
  return nullptr;
}

void AdoptCandidate(Socket* c, PVOID context, const void* dispatch, ULONG events) {
  ULONG mask;
  {
    std::lock_guard<std::mutex> lock(c->mu);
    c->context = context;
    c->client_dispatch = dispatch;
    mask = c->event_mask = events | c->static_events;
    // Callbacks follow readiness. Should epoll refuse, the callbacks come
    // with the next IRP that waits on the socket (which watches it again).
    if (mask != 0) (void)WatchLocked(c);
  }
  // Data or a FIN that came before the callbacks were set (or while it was
  // a candidate) was not indicated yet.
  if (mask != 0) LoopPost(c, kLoopRescan);
}

void OnCandidateReady(Socket* c, std::unique_lock<std::mutex>& lock) {
  Socket* l = c->candidate_of;
  lock.unlock();
  LoopPost(l, kLoopRescan);  // the listener checks its pended candidates
}

void DestroyCandidates(Socket* l) {
  Socket* list;
  {
    std::lock_guard<std::mutex> lock(l->mu);
    list = l->candidates;
    l->candidates = nullptr;
  }
  while (list != nullptr) {
    Socket* next = list->candidate_next;
    DestroyUnpublished(list);  // a reset: the client never saw it
    list = next;
  }
}

NTSTATUS ConditionalAcceptOption(const ControlRequest& req, SIZE_T* output_bytes) {
  *output_bytes = 0;
  Socket* s = req.socket;
  // SO_CONDITIONAL_ACCEPT.ListenOnly
  if (s->category != Category::kListen) return STATUS_NOT_SUPPORTED;
  std::lock_guard<std::mutex> lock(s->mu);
  if (req.type == WskGetOption) {
    if (req.output == nullptr || req.output_size < sizeof(ULONG)) {
      return STATUS_INVALID_PARAMETER;
    }
    *static_cast<ULONG*>(req.output) = s->conditional_accept ? 1 : 0;  // DefaultOff
    *output_bytes = sizeof(ULONG);
    return STATUS_SUCCESS;
  }
  if (req.input == nullptr || req.input_size != sizeof(ULONG)) return STATUS_INVALID_PARAMETER;
  ULONG value = *static_cast<const ULONG*>(req.input);
  if (value > 1) return STATUS_INVALID_PARAMETER;
  // SO_CONDITIONAL_ACCEPT.SetBeforeBind: a bound listen socket already
  // accepts (SO_CONDITIONAL_ACCEPT.ChangeAfterBindFails).
  if (s->state != State::kUnbound) return STATUS_INVALID_DEVICE_STATE;
  const WSK_CLIENT_LISTEN_DISPATCH* callbacks = ListenCallbacks(s);
  if (value == 1 && (callbacks == nullptr || callbacks->WskInspectEvent == nullptr ||
                     callbacks->WskAbortEvent == nullptr)) {
    // WskInspectEvent.CannotBeDisabled: conditional accept switches both on.
    ReportInvalidRequest(s, "WskControlSocket: SO_CONDITIONAL_ACCEPT on a listening "
                         "socket whose dispatch table lacks WskInspectEvent or "
                         "WskAbortEvent");
  }
  s->conditional_accept = value == 1;
  return STATUS_SUCCESS;
}

NTSTATUS QueryInspectId(const ControlRequest& req, SIZE_T* output_bytes) {
  *output_bytes = 0;
  Socket* s = req.socket;
  std::lock_guard<std::mutex> lock(s->mu);
  // SIO_WSK_QUERY_INSPECT_ID.OtherSocketsRejected
  if (!s->has_inspect_id || s->candidate_of != nullptr) return STATUS_INVALID_DEVICE_REQUEST;
  if (req.output == nullptr || req.output_size < sizeof(WSK_INSPECT_ID)) {
    return STATUS_INVALID_PARAMETER;
  }
  *static_cast<WSK_INSPECT_ID*>(req.output) = s->inspect_id;  // ReturnsId
  *output_bytes = sizeof(WSK_INSPECT_ID);
  return STATUS_SUCCESS;
}

NTSTATUS WSKAPI InspectComplete(PWSK_SOCKET ListenSocket, PWSK_INSPECT_ID InspectID,
                                WSK_INSPECT_ACTION Action, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(ListenSocket, Irp, OpKind::kNone, &s, &result,
                 "WskInspectComplete")) {
    return result;
  }
  std::unique_lock<std::mutex> lock(s->mu);
  // WskInspectComplete.OnlyAfterInspectPend: no inspection can be pending
  // without conditional accept on a listening socket.
  if (!s->conditional_accept || s->state != State::kListening) {
    lock.unlock();
    // WskInspectComplete.ConditionalAcceptOnly
    ReportWrongState(s, "WskInspectComplete",
                     "the socket is not a listening socket in conditional accept mode");
    return Finish(Irp, STATUS_INVALID_DEVICE_STATE, 0);
  }
  if (Action != WskInspectAccept && Action != WskInspectReject) {
    // WskInspectComplete.ActionAcceptOrReject, WskInspectPend.OnlyFromInspectEvent
    ReportInvalidRequest(s, "WskInspectComplete: Action %d is neither WskInspectAccept "
                         "nor WskInspectReject", static_cast<int>(Action));
  }
  Socket* c = nullptr;
  if (InspectID != nullptr && (Action == WskInspectAccept || Action == WskInspectReject)) {
    for (c = s->candidates; c != nullptr; c = c->candidate_next) {
      // Compared by contents: the client passes its own copy.
      if (InspectID == c->inspect_id_given) {
        // WskInspectComplete.PassesCopiedInspectId: the provider's structure,
        // found by address only (it may be gone), not the client's copy.
        lock.unlock();
        ReportInvalidRequest(s, "WskInspectComplete: InspectID %p is the provider's "
                             "WSK_INSPECT_ID from WskInspectEvent, not the client's copy",
                             static_cast<void*>(InspectID));
        return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
      }
      if (c->inspect_pended && c->inspect_id.Key == InspectID->Key &&
          c->inspect_id.SerialNumber == InspectID->SerialNumber) {
        break;
      }
    }
  }
  // Not a pending request (never pended, completed, or already reported
  // through WskAbortEvent: WskInspectComplete.AbortedRequestNotEstablished).
  if (c == nullptr) {
    lock.unlock();
    if (InspectID != nullptr && (Action == WskInspectAccept || Action == WskInspectReject)) {
      // WskInspectComplete.OnlyAfterInspectPend: once per pended request.
      ReportInvalidRequest(s, "WskInspectComplete: no pended request has this "
                           "WSK_INSPECT_ID (never pended, completed already, or "
                           "dropped and reported through WskAbortEvent)");
    }
    return Finish(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  if (c->inspecting) {
    c->early_action = Action;  // applied once WskInspectEvent returns
    lock.unlock();
  } else if (Action == WskInspectAccept) {
    c->inspect_pended = false;  // WskInspectComplete.AcceptDeliversSocket
    lock.unlock();
    LoopPost(s, kLoopRescan);
  } else {
    UnlinkCandidate(s, c);  // WskInspectComplete.RejectDropsRequest
    lock.unlock();
    DestroyUnpublished(c);
  }
  return Finish(Irp, STATUS_SUCCESS, 0);
}

}  // namespace wskconf::reference::internal
