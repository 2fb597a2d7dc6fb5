// EVENT messages into the local client's callbacks, called at
// DISPATCH_LEVEL as a provider calls them. The agent answered the provider
// already (with the answer preset for that socket and callback, which
// answers.cc keeps in step with what the client answers): the local
// callback's return value cannot travel back in time, so it also decides
// what happens to the local copies (a receive indication the client keeps
// with STATUS_PENDING is freed by its WskRelease; a socket it refuses in
// WskAcceptEvent is closed in the agent).
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "forwarder.h"

namespace wskconf::agent::adapter {
namespace {

constexpr ULONG kTag = 'wAsW';

// A local copy of an indication list: entries, MDLs and bytes in pool.
struct LocalIndication {
  std::vector<PVOID> blocks;  // pool to free
  std::vector<PMDL> mdls;
  uint32_t agent_handle = 0;  // the agent's INDICATION, when it kept one
  uint32_t socket = 0;
};

std::mutex g_mu;
std::map<PVOID, LocalIndication> g_retained;  // by the list head

WSK_BUF CopyToPool(const uint8_t* data, size_t size, LocalIndication& owner) {
  WSK_BUF buf{};
  if (size == 0) return buf;
  PVOID block = ExAllocatePoolWithTag(NonPagedPool, size, kTag);
  if (block == nullptr) Forwarder::Fatal("out of pool for an indication");
  std::memcpy(block, data, size);
  PMDL mdl = IoAllocateMdl(block, static_cast<ULONG>(size), FALSE, FALSE,
                           nullptr);
  if (mdl == nullptr) Forwarder::Fatal("out of MDLs for an indication");
  MmBuildMdlForNonPagedPool(mdl);
  owner.blocks.push_back(block);
  owner.mdls.push_back(mdl);
  buf.Mdl = mdl;
  buf.Length = size;
  return buf;
}

void Free(LocalIndication& owner) {
  for (PMDL mdl : owner.mdls) IoFreeMdl(mdl);
  for (PVOID block : owner.blocks) ExFreePoolWithTag(block, kTag);
}

// Calls `callback` at DISPATCH_LEVEL.
template <typename F>
auto AtDispatch(F&& callback) {
  KIRQL old = KeRaiseIrqlToDpcLevel();
  auto result = callback();
  KeLowerIrql(old);
  return result;
}

// Keeps the copy when the client retained it, else frees it now.
void Settle(NTSTATUS answer, PVOID head, LocalIndication owner,
            const Message& event) {
  owner.agent_handle = event.Has(WSKA_TAG_INDICATION) ? event->indication : 0;
  owner.socket = event->socket;
  if (answer == STATUS_PENDING && head != nullptr) {
    std::lock_guard lock(g_mu);
    g_retained[head] = std::move(owner);
    return;
  }
  if (owner.agent_handle != 0) {  // the agent kept it for a release
    MessageBuilder call = MessageBuilder::Call(WSKA_FN_RELEASE);
    call.Set(WSKA_TAG_SOCKET, owner.socket)
        .Set(WSKA_TAG_INDICATION, owner.agent_handle);
    Forwarder::Get().CallNow("WskRelease", call);
  }
  Free(owner);
}

void Receive(ProxySocket* s, const Message& event) {
  auto* d = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(
      s->category == WSK_FLAG_STREAM_SOCKET
          ? static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(s->client_dispatch)
                ->Connect
          : s->client_dispatch);
  if (d == nullptr || d->WskReceiveEvent == nullptr) return;
  LocalIndication owner;
  PWSK_DATA_INDICATION head = nullptr;
  if (event.Has(WSKA_TAG_DATA)) {
    const Bytes data = event.Blob(WSKA_TAG_DATA);
    head = static_cast<PWSK_DATA_INDICATION>(
        ExAllocatePoolWithTag(NonPagedPool, sizeof(*head), kTag));
    if (head == nullptr) Forwarder::Fatal("out of pool for an indication");
    owner.blocks.push_back(head);
    head->Next = nullptr;
    head->Buffer = CopyToPool(data.data(), data.size(), owner);
  }
  SIZE_T accepted = 0;
  const NTSTATUS answer = AtDispatch([&] {
    return d->WskReceiveEvent(s->context, event->flags, head,
                              static_cast<SIZE_T>(event->length), &accepted);
  });
  LearnAnswer(Forwarder::Get(), *s, event, answer);
  Settle(answer, head, std::move(owner), event);
}

void ReceiveFrom(ProxySocket* s, const Message& event) {
  auto* d = static_cast<const WSK_CLIENT_DATAGRAM_DISPATCH*>(s->client_dispatch);
  if (d == nullptr || d->WskReceiveFromEvent == nullptr) return;
  LocalIndication owner;
  PWSK_DATAGRAM_INDICATION head = nullptr, *link = &head;
  WSKA_BLOB list{};
  WskaGetBlob(&event.raw(), WSKA_TAG_BUFFER_LIST, &list);
  uint32_t cursor = 0;
  WSKA_BLOB record;
  while (WskaNextBuffer(&list, &cursor, &record) == 1 && record.size >= 4) {
    uint32_t address_size = 0;
    std::memcpy(&address_size, record.data, 4);
    if (address_size > record.size - 4) break;
    auto* entry = static_cast<PWSK_DATAGRAM_INDICATION>(ExAllocatePoolWithTag(
        NonPagedPool, sizeof(WSK_DATAGRAM_INDICATION) + sizeof(SOCKADDR_STORAGE),
        kTag));
    if (entry == nullptr) Forwarder::Fatal("out of pool for an indication");
    std::memset(entry, 0, sizeof(*entry) + sizeof(SOCKADDR_STORAGE));
    owner.blocks.push_back(entry);
    entry->RemoteAddress = reinterpret_cast<PSOCKADDR>(entry + 1);
    std::memcpy(entry->RemoteAddress, record.data + 4,
                std::min<size_t>(address_size, sizeof(SOCKADDR_STORAGE)));
    entry->Buffer = CopyToPool(record.data + 4 + address_size,
                               record.size - 4 - address_size, owner);
    *link = entry;
    link = &entry->Next;
  }
  const NTSTATUS answer = AtDispatch(
      [&] { return d->WskReceiveFromEvent(s->context, event->flags, head); });
  LearnAnswer(Forwarder::Get(), *s, event, answer);
  Settle(answer, head, std::move(owner), event);
}

void Accept(Forwarder& forwarder, ProxySocket* s, const Message& event) {
  auto* d = static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(
      s->category == WSK_FLAG_STREAM_SOCKET
          ? static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(s->client_dispatch)
                ->Listen
          : s->client_dispatch);
  if (d == nullptr || d->WskAcceptEvent == nullptr) return;
  SOCKADDR_STORAGE local{}, remote{};
  CopyAddressOut(event.Blob(WSKA_TAG_LOCAL_ADDRESS),
                 reinterpret_cast<PSOCKADDR>(&local));
  CopyAddressOut(event.Blob(WSKA_TAG_REMOTE_ADDRESS),
                 reinterpret_cast<PSOCKADDR>(&remote));
  ProxySocket* accepted = nullptr;
  if (event.Has(WSKA_TAG_NEW_SOCKET)) {
    accepted = forwarder.NewSocket(event->new_socket,
                                   WSK_FLAG_CONNECTION_SOCKET, nullptr,
                                   nullptr, s->client);
  }
  PVOID context = nullptr;
  const WSK_CLIENT_CONNECTION_DISPATCH* dispatch = nullptr;
  const NTSTATUS answer = AtDispatch([&] {
    return d->WskAcceptEvent(s->context, event->flags,
                             reinterpret_cast<PSOCKADDR>(&local),
                             reinterpret_cast<PSOCKADDR>(&remote),
                             accepted != nullptr ? &accepted->wsk : nullptr,
                             &context, &dispatch);
  });
  LearnAnswer(forwarder, *s, event, answer,
              answer == STATUS_SUCCESS ? dispatch : nullptr);
  if (accepted == nullptr) return;
  if (answer == STATUS_SUCCESS) {
    accepted->context = context;
    accepted->client_dispatch = dispatch;
    return;
  }
  // The client refused what the agent already accepted: close it there.
  MessageBuilder close = MessageBuilder::Call(WSKA_FN_CLOSE_SOCKET);
  close.Set(WSKA_TAG_SOCKET, accepted->handle);
  forwarder.CallNow("WskCloseSocket (refused accept)", close);
  forwarder.ForgetSocket(accepted);
}

// WskClientEvent of the registration the event names.
void ClientEvent(Forwarder& forwarder, const Message& event) {
  ProxyClient* client = forwarder.FindClient(event->registration);
  if (client == nullptr || client->client.Dispatch == nullptr ||
      client->client.Dispatch->WskClientEvent == nullptr) {
    return;
  }
  Bytes info = event.Blob(WSKA_TAG_INPUT);
  AtDispatch([&] {
    return client->client.Dispatch->WskClientEvent(
        client->client.ClientContext, event->control_code,
        info.empty() ? nullptr : info.data(), info.size());
  });
}

}  // namespace

void DeliverEvent(Forwarder& forwarder, const Message& event) {
  if (event->event == WSKA_EV_CLIENT) return ClientEvent(forwarder, event);
  ProxySocket* s = forwarder.FindSocket(event->socket);
  if (s == nullptr) return;  // a socket this process never saw
  WSK_INSPECT_ID id{static_cast<ULONG_PTR>(event->inspect_key),
                    event->inspect_serial};
  switch (event->event) {
    case WSKA_EV_RECEIVE: return Receive(s, event);
    case WSKA_EV_RECEIVE_FROM: return ReceiveFrom(s, event);
    case WSKA_EV_ACCEPT: return Accept(forwarder, s, event);
    default: break;
  }
  const auto* listen = static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(
      s->category == WSK_FLAG_STREAM_SOCKET && s->client_dispatch != nullptr
          ? static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(s->client_dispatch)
                ->Listen
          : s->client_dispatch);
  const auto* conn = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(
      s->category == WSK_FLAG_STREAM_SOCKET && s->client_dispatch != nullptr
          ? static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(s->client_dispatch)
                ->Connect
          : s->client_dispatch);
  if (s->client_dispatch == nullptr) return;
  SOCKADDR_STORAGE local{}, remote{};
  CopyAddressOut(event.Blob(WSKA_TAG_LOCAL_ADDRESS),
                 reinterpret_cast<PSOCKADDR>(&local));
  CopyAddressOut(event.Blob(WSKA_TAG_REMOTE_ADDRESS),
                 reinterpret_cast<PSOCKADDR>(&remote));
  // The callback's answer, when there was a callback to answer.
  const std::optional<int32_t> answer = AtDispatch([&]() -> std::optional<int32_t> {
    switch (event->event) {
      case WSKA_EV_INSPECT:
        if (listen != nullptr && listen->WskInspectEvent != nullptr) {
          return listen->WskInspectEvent(s->context,
                                         reinterpret_cast<PSOCKADDR>(&local),
                                         reinterpret_cast<PSOCKADDR>(&remote),
                                         &id);
        }
        break;
      case WSKA_EV_ABORT:
        if (listen != nullptr && listen->WskAbortEvent != nullptr) {
          return listen->WskAbortEvent(s->context, &id);
        }
        break;
      case WSKA_EV_DISCONNECT:
        if (conn != nullptr && conn->WskDisconnectEvent != nullptr) {
          return conn->WskDisconnectEvent(s->context, event->flags);
        }
        break;
      case WSKA_EV_SEND_BACKLOG:
        if (conn != nullptr && conn->WskSendBacklogEvent != nullptr) {
          return conn->WskSendBacklogEvent(s->context,
                                           static_cast<SIZE_T>(event->length));
        }
        break;
      default:
        break;
    }
    return std::nullopt;
  });
  if (answer) LearnAnswer(forwarder, *s, event, *answer);
}

namespace {

// WskRelease of a NULL list: the provider answers for itself on the
// socket the client names (agent protocol version 4: INDICATION 0).
NTSTATUS ReleaseNothing(PWSK_SOCKET socket) {
  Forwarder& forwarder = Forwarder::Get();
  ProxySocket* proxy = forwarder.KnownSocket(socket);
  if (proxy == nullptr) {
    Forwarder::Fatal(fmt::format(
        "WskRelease of a NULL list on {}, which is none of this adapter's "
        "open sockets: the agent has no socket to name, so the call cannot "
        "be forwarded",
        static_cast<const void*>(socket)));
  }
  if (forwarder.protocol_version() < 4) {
    Forwarder::Fatal(fmt::format(
        "WskRelease of a NULL list: the agent speaks protocol version {}, "
        "which cannot name a NULL list (version 4 can), so the call cannot "
        "be forwarded",
        forwarder.protocol_version()));
  }
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_RELEASE);
  call.Set(WSKA_TAG_SOCKET, proxy->handle).Set(WSKA_TAG_INDICATION, 0u);
  return forwarder.CallNow("WskRelease", call)->status;
}

}  // namespace

NTSTATUS WSKAPI ReleaseData(PWSK_SOCKET socket, PWSK_DATA_INDICATION list) {
  return ReleaseDatagrams(socket,
                          reinterpret_cast<PWSK_DATAGRAM_INDICATION>(list));
}

// A list the adapter handed out goes back to the agent's copy (on the
// socket it was indicated on); a NULL list is forwarded as such. Any other
// pointer cannot be represented in the agent's address space.
NTSTATUS WSKAPI ReleaseDatagrams(PWSK_SOCKET socket,
                                 PWSK_DATAGRAM_INDICATION list) {
  if (list == nullptr) return ReleaseNothing(socket);
  LocalIndication owner;
  {
    std::lock_guard lock(g_mu);
    auto it = g_retained.find(list);
    if (it == g_retained.end()) {
      Forwarder::Fatal(fmt::format(
          "WskRelease of a list ({}) this adapter never indicated or has "
          "released already: the agent can only name the lists it "
          "retained, so the call cannot be forwarded",
          static_cast<const void*>(list)));
    }
    owner = std::move(it->second);
    g_retained.erase(it);
  }
  NTSTATUS status = STATUS_SUCCESS;
  if (owner.agent_handle != 0) {
    MessageBuilder call = MessageBuilder::Call(WSKA_FN_RELEASE);
    call.Set(WSKA_TAG_SOCKET, owner.socket)
        .Set(WSKA_TAG_INDICATION, owner.agent_handle);
    status = Forwarder::Get().CallNow("WskRelease", call)->status;
  }
  Free(owner);
  return status;
}

}  // namespace wskconf::agent::adapter
