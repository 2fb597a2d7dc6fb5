// WskReceiveFromEvent: datagrams are read from the host into pool blocks and
// handed over as a WSK_DATAGRAM_INDICATION chain, from the event loop thread
// at DISPATCH_LEVEL. STATUS_PENDING leaves the chain with the client until
// WskRelease; STATUS_DATA_NOT_ACCEPTED keeps it first in line and disables
// the callback (WskReceiveFromEvent.NotAcceptedDisablesDynamic), unless
// WSK_SET_STATIC_EVENT_CALLBACKS enabled it.
#include <netinet/in.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "internal/address.h"
#include "internal/client_checks.h"
#include "internal/datagram.h"
#include "internal/event_loop.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {

// One datagram as the client sees it, its MDL, sender and bytes, in one
// pool block.
struct DatagramIndication {
  WSK_DATAGRAM_INDICATION wsk;  // first: the client's pointer is this object
  ULONG cast_flags;  // MSG_BCAST / MSG_MCAST
  PMDL mdl;
  DatagramIndication* next_retained;  // DatagramState::retained
  bool kept;  // retained because the callback returned STATUS_PENDING
  SOCKADDR_STORAGE remote;  // Windows layout
  char data[1];
};

namespace {

constexpr ULONG kDatagramTag = 'gDsW';
// Datagrams handed over in one callback at most.
constexpr uint32_t kChain = 16;

DatagramIndication* AllocateDatagram(SIZE_T length) {
  SIZE_T bytes = offsetof(DatagramIndication, data) + (length > 0 ? length : 1);
  auto* d = static_cast<DatagramIndication*>(
      ExAllocatePool2(POOL_FLAG_NON_PAGED, bytes, kDatagramTag));
  if (d == nullptr) return nullptr;
  d->mdl = nullptr;
  if (length > 0) {
    d->mdl = IoAllocateMdl(d->data, static_cast<ULONG>(length), FALSE, FALSE, nullptr);
    if (d->mdl == nullptr) {
      ExFreePoolWithTag(d, kDatagramTag);
      return nullptr;
    }
    MmBuildMdlForNonPagedPool(d->mdl);
  }
  d->next_retained = nullptr;
  d->kept = false;
  d->cast_flags = 0;
  d->wsk.Next = nullptr;
  d->wsk.Buffer.Mdl = d->mdl;  // WSK_BUF: no MDL for an empty datagram
  d->wsk.Buffer.Offset = 0;
  d->wsk.Buffer.Length = length;
  // WSK_DATAGRAM_INDICATION.NoControlInfoIsNullAndZero
  d->wsk.ControlInfo = nullptr;
  d->wsk.ControlInfoLength = 0;
  d->wsk.RemoteAddress = reinterpret_cast<PSOCKADDR>(&d->remote);
  return d;
}

void FreeDatagram(DatagramIndication* d) {
  if (d->mdl != nullptr) IoFreeMdl(d->mdl);
  ExFreePoolWithTag(d, kDatagramTag);
}

void FreeChain(DatagramIndication* d) {
  while (d != nullptr) {
    auto* next = reinterpret_cast<DatagramIndication*>(d->wsk.Next);
    FreeDatagram(d);
    d = next;
  }
}

// Reads the next datagram from the host; nullptr when none is waiting (or
// memory ran out: the datagram then stays queued on the host).
DatagramIndication* ReadDatagram(Socket* s) {
  for (;;) {
    ssize_t size = recv(s->fd, nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (size < 0) {
      if (errno == EINTR || errno == ECONNREFUSED) continue;  // see TryReceiveDatagram
      return nullptr;
    }
    DatagramIndication* d = AllocateDatagram(static_cast<SIZE_T>(size));
    if (d == nullptr) return nullptr;
    sockaddr_storage from;
    alignas(cmsghdr) char control[64];
    iovec iov{d->data, static_cast<size_t>(size)};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof(from);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    if (recvmsg(s->fd, &message, MSG_DONTWAIT) < 0) {
      FreeDatagram(d);
      if (errno == EINTR || errno == ECONNREFUSED) continue;
      return nullptr;
    }
    FromHost(reinterpret_cast<sockaddr*>(&from), reinterpret_cast<PSOCKADDR>(&d->remote));
    d->cast_flags = CastFlags(&message);
    return d;
  }
}

void PushBacklog(DatagramState* state, DatagramIndication* d) {
  d->wsk.Next = nullptr;
  if (state->backlog_tail != nullptr) {
    state->backlog_tail->wsk.Next = &d->wsk;
  } else {
    state->backlog = d;
  }
  state->backlog_tail = d;
  ++state->backlog_count;
}

DatagramIndication* TakeBacklog(DatagramState* state, uint32_t* count) {
  DatagramIndication* chain = state->backlog;
  *count = state->backlog_count;
  state->backlog = state->backlog_tail = nullptr;
  state->backlog_count = 0;
  return chain;
}

// Puts a refused chain back in front of whatever arrived meanwhile.
void ReturnToBacklog(DatagramState* state, DatagramIndication* chain, uint32_t count) {
  DatagramIndication* rest = state->backlog;
  DatagramIndication* tail = chain;
  while (tail->wsk.Next != nullptr) tail = reinterpret_cast<DatagramIndication*>(tail->wsk.Next);
  tail->wsk.Next = rest != nullptr ? &rest->wsk : nullptr;
  state->backlog = chain;
  if (rest == nullptr) state->backlog_tail = tail;
  state->backlog_count += count;
}

// MSG_BCAST/MSG_MCAST when every datagram of the chain has it.
ULONG ChainCastFlags(DatagramIndication* chain) {
  ULONG flags = chain->cast_flags;
  for (auto* d = chain; d != nullptr; d = reinterpret_cast<DatagramIndication*>(d->wsk.Next)) {
    flags &= d->cast_flags;
  }
  return flags;
}

const WSK_CLIENT_DATAGRAM_DISPATCH* DatagramCallbacks(Socket* s) {
  if (s->closing) return nullptr;  // the client's table may be gone
  return static_cast<const WSK_CLIENT_DATAGRAM_DISPATCH*>(s->client_dispatch);
}

bool CanIndicate(Socket* s) {
  const WSK_CLIENT_DATAGRAM_DISPATCH* callbacks = DatagramCallbacks(s);
  // WskReceiveFrom.PendingIrpBeforeReceiveFromEvent: queued receives first.
  return !s->closing && s->state != State::kUnbound && s->receive_queue.empty() &&
         (s->event_mask & WSK_EVENT_RECEIVE_FROM) != 0 && callbacks != nullptr &&
         callbacks->WskReceiveFromEvent != nullptr;
}

// The retained datagram `entry` points at, found by address only (a pointer
// the client made up is never dereferenced), or nullptr.
DatagramIndication* FindRetained(DatagramState* state, PWSK_DATAGRAM_INDICATION entry) {
  for (DatagramIndication* d = state->retained; d != nullptr; d = d->next_retained) {
    if (&d->wsk == entry) return d;
  }
  return nullptr;
}

void Unretain(DatagramState* state, DatagramIndication* target) {
  for (DatagramIndication** link = &state->retained; *link != nullptr;
       link = &(*link)->next_retained) {
    if (*link == target) {
      *link = target->next_retained;
      return;
    }
  }
}

// Links the chain into the retained list before the callback runs, so the
// client may release it at once (even from another thread) after returning
// STATUS_PENDING; `items` keeps the chain's own order.
uint32_t RetainChain(DatagramState* state, DatagramIndication* chain,
                     DatagramIndication** items) {
  uint32_t n = 0;
  for (auto* d = chain; d != nullptr; d = reinterpret_cast<DatagramIndication*>(d->wsk.Next)) {
    items[n++] = d;
    d->next_retained = state->retained;
    state->retained = d;
  }
  return n;
}

// Takes back a chain the callback did not keep. False when the client
// released part of it although it did not return STATUS_PENDING: what is
// left is then freed rather than indicated again.
bool UnretainChain(DatagramState* state, DatagramIndication** items, uint32_t n) {
  bool intact = true;
  for (uint32_t i = 0; i < n; ++i) {
    if (FindRetained(state, &items[i]->wsk) == nullptr) {
      intact = false;
      items[i] = nullptr;
      continue;
    }
    Unretain(state, items[i]);
  }
  for (uint32_t i = 0; i < n; ++i) {  // relink in order (the client may have touched Next)
    if (items[i] == nullptr) continue;
    items[i]->wsk.Next = nullptr;
    for (uint32_t j = i + 1; j < n; ++j) {
      if (items[j] != nullptr) {
        items[i]->wsk.Next = &items[j]->wsk;
        break;
      }
    }
  }
  if (!intact) {
    for (uint32_t i = 0; i < n; ++i) {
      if (items[i] != nullptr) FreeDatagram(items[i]);
    }
  }
  return intact;
}

// Marks what the client kept, before the callback's hold goes (a close
// then reports it: ClientCall.RetainedIndicationAtClose). Items it already
// released are found by address only, never read.
void MarkKept(Socket* s, DatagramIndication** items, uint32_t n) {
  std::lock_guard<std::mutex> lock(s->mu);
  for (uint32_t i = 0; i < n; ++i) {
    DatagramIndication* d = FindRetained(s->datagram.get(), &items[i]->wsk);
    if (d != nullptr) d->kept = true;
  }
}

void IndicateDatagrams(Socket* s, std::unique_lock<std::mutex>& lock) {
  DatagramState* state = s->datagram.get();
  while (CanIndicate(s)) {
    while (state->backlog_count < kChain) {
      DatagramIndication* d = ReadDatagram(s);
      if (d == nullptr) break;
      PushBacklog(state, d);
    }
    if (state->backlog_count == 0) return;
    uint32_t count;
    DatagramIndication* chain = TakeBacklog(state, &count);
    if (s->closing) {
      ReturnToBacklog(state, chain, count);
      return;
    }
    PFN_WSK_RECEIVE_FROM_EVENT callback = DatagramCallbacks(s)->WskReceiveFromEvent;
    PVOID context = s->context;
    ULONG flags = WSK_FLAG_AT_DISPATCH_LEVEL | ChainCastFlags(chain);
    DatagramIndication* items[kChain];
    uint32_t n = RetainChain(state, chain, items);
    if (!EnterCallback(s, lock)) return;  // closing: see the check above
    KIRQL irql = KeRaiseIrqlToDpcLevel();
    NTSTATUS status = callback(context, flags, &chain->wsk);
    KeLowerIrql(irql);
    if (status == STATUS_PENDING) MarkKept(s, items, n);
    LeaveCallback(s, lock);
    // STATUS_PENDING: WskReceiveFromEvent.MayCallAgainAfterPending.
    if (status == STATUS_PENDING || !UnretainChain(state, items, n)) continue;
    DatagramIndication* first = nullptr;
    for (uint32_t i = 0; i < n && first == nullptr; ++i) first = items[i];
    if (status == STATUS_SUCCESS) {
      FreeChain(first);
    } else {
      ReturnToBacklog(state, first, n);
      // A statically enabled callback stays enabled and is called again
      // when new datagrams arrive (WskReceiveFromEvent.NotAcceptedStaticStays).
      if (!(s->static_events & WSK_EVENT_RECEIVE_FROM)) {
        s->event_mask &= ~static_cast<ULONG>(WSK_EVENT_RECEIVE_FROM);
      }
      return;
    }
  }
}

}  // namespace

bool ReceiveFromBacklog(Socket* s, PIRP irp, const DatagramArgs& args) {
  DatagramState* state = s->datagram.get();
  DatagramIndication* d = state->backlog;
  if (d == nullptr) return false;
  state->backlog = reinterpret_cast<DatagramIndication*>(d->wsk.Next);
  if (state->backlog == nullptr) state->backlog_tail = nullptr;
  --state->backlog_count;
  DeliverBacklogged(irp, args, d->data, d->wsk.Buffer.Length,
                    reinterpret_cast<const SOCKADDR*>(&d->remote), d->cast_flags);
  FreeDatagram(d);
  return true;
}

void FreeDatagramBacklog(Socket* s) {
  if (!s->datagram) return;
  uint32_t count;
  FreeChain(TakeBacklog(s->datagram.get(), &count));
}

bool FreeRetainedDatagrams(Socket* s) {
  if (!s->datagram) return false;
  DatagramIndication* d;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    d = s->datagram->retained;
    s->datagram->retained = nullptr;
  }
  bool any = false;
  while (d != nullptr) {
    any = any || d->kept;
    DatagramIndication* next = d->next_retained;
    FreeDatagram(d);
    d = next;
  }
  return any;
}

void OnDatagramReady(Socket* s, std::unique_lock<std::mutex>& lock) {
  if (!s->datagram) return;  // still being created
  auto args_of = [](PIRP irp) {
    return *static_cast<DatagramArgs*>(
        IoGetCurrentIrpStackLocation(irp)->Parameters.Others.Argument4);
  };
  // Twice at most: receives queued while a callback ran (it held the
  // datagrams they wait for) are served once it has returned.
  for (int pass = 0; pass < 2; ++pass) {
    IrpList done;
    ProcessQueue(s->receive_queue, done, [&](PIRP irp) {
      DatagramArgs args = args_of(irp);
      if (ReceiveFromBacklog(s, irp, args)) return Progress::kDone;
      return TryReceiveDatagram(s, irp, args);
    });
    if (pass == 0) {
      ProcessQueue(s->send_queue, done,
                   [&](PIRP irp) { return TrySendDatagram(s, irp, args_of(irp)); });
    }
    lock.unlock();
    CompleteDone(done);
    lock.lock();
    if (pass == 0) IndicateDatagrams(s, lock);
    if (s->closing || s->receive_queue.empty()) return;
  }
}

NTSTATUS WSKAPI ReleaseDatagrams(PWSK_SOCKET Socket, PWSK_DATAGRAM_INDICATION list) {
  internal::Socket* s = FromWsk(Socket);
  if (s == nullptr || list == nullptr || !s->datagram) return STATUS_INVALID_PARAMETER;
  std::unique_lock<std::mutex> lock(s->mu);
  DatagramState* state = s->datagram.get();
  // WskReleaseDatagramIndicationList.InvalidParameter: the whole list is
  // checked before any of it is released.
  size_t held = 0;
  for (DatagramIndication* d = state->retained; d != nullptr; d = d->next_retained) ++held;
  size_t listed = 0;
  for (PWSK_DATAGRAM_INDICATION e = list; e != nullptr; ++listed) {
    DatagramIndication* d = FindRetained(state, e);
    if (d == nullptr || listed == held) {  // not ours, or a loop
      lock.unlock();
      ReportNotRetained("WskRelease", Socket, e);
      return STATUS_INVALID_PARAMETER;
    }
    e = d->wsk.Next;
  }
  DatagramIndication* released = nullptr;
  for (PWSK_DATAGRAM_INDICATION e = list; e != nullptr;) {
    DatagramIndication* d = FindRetained(state, e);
    e = d->wsk.Next;
    Unretain(state, d);
    d->next_retained = released;
    released = d;
  }
  lock.unlock();
  while (released != nullptr) {
    DatagramIndication* next = released->next_retained;
    FreeDatagram(released);
    released = next;
  }
  return STATUS_SUCCESS;
}

}  // namespace wskconf::reference::internal
