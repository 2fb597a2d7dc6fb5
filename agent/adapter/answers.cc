// Callback answers ahead of time. The agent's callbacks answer the provider
// at once, at DISPATCH_LEVEL, with the answer preset for their socket and
// event, before the local client's callback has run. The adapter cannot
// read a case's callback (a GoogleMock action is code), so it presets what
// it can know ahead: what the same client dispatch table answered for that
// event before. After each local callback whose answer differs from the
// one the agent gave, the socket's answer is set to the client's
// (SET_ANSWER), and sockets made later with that table start with it
// (protocol version 2: ANSWERS on WskSocket, WskSocketConnect, WskAccept,
// and on SET_ANSWER of accept for the sockets an accept callback takes).
// So a client that answers consistently (STATUS_PENDING to keep every
// indication, say) is answered for from its second callback on, and from
// its first on sockets made after that.
#include <map>
#include <mutex>
#include <utility>

#include "forwarder.h"

namespace wskconf::agent::adapter {
namespace {

std::mutex g_mu;
// (client dispatch table, WSKA_EV_*) -> the answer it gave last.
std::map<std::pair<const VOID*, uint32_t>, WSKA_ANSWER> g_book;

Bytes RecordsFor(const VOID* dispatch) {
  Bytes out;
  std::lock_guard lock(g_mu);
  for (auto it = g_book.lower_bound({dispatch, 0});
       it != g_book.end() && it->first.first == dispatch; ++it) {
    const size_t at = out.size();
    out.resize(at + WSKA_ANSWER_RECORD_SIZE);
    uint32_t used = static_cast<uint32_t>(at);
    WskaPutAnswer(out.data(), static_cast<uint32_t>(out.size()), &used,
                  &it->second);
  }
  return out;
}

}  // namespace

void PresetAnswers(Forwarder& forwarder, MessageBuilder& call,
                   const VOID* dispatch) {
  if (dispatch == nullptr || forwarder.protocol_version() < 2) return;
  Bytes records = RecordsFor(dispatch);
  if (!records.empty()) call.SetBlob(WSKA_TAG_ANSWERS, std::move(records));
}

void LearnAnswer(Forwarder& forwarder, const ProxySocket& socket,
                 const Message& event, int32_t answer,
                 const VOID* accepted_dispatch) {
  const uint32_t kind = event->event;
  WSKA_ANSWER learned{kind, answer, 0, 0};
  if (kind == WSKA_EV_ACCEPT) {
    learned.dispatch_mask =
        DispatchMask(WSK_FLAG_CONNECTION_SOCKET, accepted_dispatch);
  }
  {
    std::lock_guard lock(g_mu);
    g_book[{socket.client_dispatch, kind}] = learned;
  }
  const bool same = event.Has(WSKA_TAG_STATUS) && event->status == answer;
  const bool accept_presets =
      kind == WSKA_EV_ACCEPT && forwarder.protocol_version() >= 2 &&
      accepted_dispatch != nullptr;
  if (kind != WSKA_EV_ACCEPT && same) return;
  MessageBuilder set = MessageBuilder::Call(WSKA_FN_SET_ANSWER);
  set.Set(WSKA_TAG_SOCKET, socket.handle)
      .Set(WSKA_TAG_EVENT, kind)
      .Set(WSKA_TAG_ANSWER, static_cast<uint32_t>(answer));
  if (kind == WSKA_EV_ACCEPT) {
    set.Set(WSKA_TAG_DISPATCH_MASK, learned.dispatch_mask);
    if (accept_presets) {
      Bytes records = RecordsFor(accepted_dispatch);
      if (!records.empty()) set.SetBlob(WSKA_TAG_ANSWERS, std::move(records));
    }
  }
  // The socket may be closed by now; the agent then refuses, which only
  // means there is nothing left to answer for.
  forwarder.CallQuietly("SET_ANSWER", set);
}

}  // namespace wskconf::agent::adapter
