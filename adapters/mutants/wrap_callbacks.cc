// The mutants' interposition on the client's callback tables: the provider
// is handed a table of trampolines that forward to the client's own, so a
// fault can alter what a callback is told (cb-disconnect-abortive-flag-
// inverted).
#include <map>
#include <mutex>

#include "internal/hooks.h"

namespace wskconf::mutants {
namespace {

std::mutex g_mu;
// The client's connection table per socket context.
std::map<PVOID, const WSK_CLIENT_CONNECTION_DISPATCH*> g_tables;
// Stream tables handed out, per client stream table (kept for the process).
std::map<const WSK_CLIENT_STREAM_DISPATCH*, WSK_CLIENT_STREAM_DISPATCH*> g_streams;

const WSK_CLIENT_CONNECTION_DISPATCH* ClientTable(PVOID context) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_tables.find(context);
  return it == g_tables.end() ? nullptr : it->second;
}

NTSTATUS WSKAPI OnReceive(PVOID context, ULONG flags, PWSK_DATA_INDICATION data,
                          SIZE_T indicated, SIZE_T* accepted) {
  const WSK_CLIENT_CONNECTION_DISPATCH* t = ClientTable(context);
  if (t == nullptr || t->WskReceiveEvent == nullptr) return STATUS_DATA_NOT_ACCEPTED;
  return t->WskReceiveEvent(context, flags, data, indicated, accepted);
}

NTSTATUS WSKAPI OnDisconnect(PVOID context, ULONG flags) {
  const WSK_CLIENT_CONNECTION_DISPATCH* t = ClientTable(context);
  if (t == nullptr || t->WskDisconnectEvent == nullptr) return STATUS_SUCCESS;
  if (Active(Fault::kDisconnectAbortiveFlagInverted)) flags ^= WSK_FLAG_ABORTIVE;
  return t->WskDisconnectEvent(context, flags);
}

NTSTATUS WSKAPI OnSendBacklog(PVOID context, SIZE_T ideal) {
  const WSK_CLIENT_CONNECTION_DISPATCH* t = ClientTable(context);
  if (t == nullptr || t->WskSendBacklogEvent == nullptr) return STATUS_SUCCESS;
  return t->WskSendBacklogEvent(context, ideal);
}

// One table per client table would be tidier; the callbacks look the
// client's table up by context instead, so one table serves every socket
// whose client table has each callback (a NULL member stays NULL).
const WSK_CLIENT_CONNECTION_DISPATCH* Trampolines(const WSK_CLIENT_CONNECTION_DISPATCH* client) {
  static const WSK_CLIENT_CONNECTION_DISPATCH kAll = {OnReceive, OnDisconnect, OnSendBacklog};
  static std::map<int, WSK_CLIENT_CONNECTION_DISPATCH*> by_shape;
  const int shape = (client->WskReceiveEvent != nullptr) |
                    (client->WskDisconnectEvent != nullptr) << 1 |
                    (client->WskSendBacklogEvent != nullptr) << 2;
  std::lock_guard<std::mutex> lock(g_mu);
  WSK_CLIENT_CONNECTION_DISPATCH*& table = by_shape[shape];
  if (table == nullptr) {
    table = new WSK_CLIENT_CONNECTION_DISPATCH{
        client->WskReceiveEvent ? kAll.WskReceiveEvent : nullptr,
        client->WskDisconnectEvent ? kAll.WskDisconnectEvent : nullptr,
        client->WskSendBacklogEvent ? kAll.WskSendBacklogEvent : nullptr};
  }
  return table;
}

}  // namespace

const VOID* InterposeClientDispatch(ULONG flags, PVOID context, const VOID* dispatch) {
  if (!Active(Fault::kDisconnectAbortiveFlagInverted) || dispatch == nullptr) return dispatch;
  if (flags & WSK_FLAG_CONNECTION_SOCKET) {
    const auto* client = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(dispatch);
    {
      std::lock_guard<std::mutex> lock(g_mu);
      g_tables[context] = client;
    }
    return Trampolines(client);
  }
  if (flags & WSK_FLAG_STREAM_SOCKET) {
    const auto* client = static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(dispatch);
    if (client->Connect == nullptr) return dispatch;
    const WSK_CLIENT_CONNECTION_DISPATCH* connect = Trampolines(client->Connect);
    std::lock_guard<std::mutex> lock(g_mu);
    g_tables[context] = client->Connect;
    WSK_CLIENT_STREAM_DISPATCH*& table = g_streams[client];
    if (table == nullptr) table = new WSK_CLIENT_STREAM_DISPATCH{client->Listen, connect};
    return table;
  }
  return dispatch;
}

}  // namespace wskconf::mutants
