// The WineRoute fixture of wine_route_fixture.h.
#include "wine_route_fixture.h"

#include <sys/socket.h>

#include <cstdio>

namespace wskconf::agent {

std::string Hex(int32_t status) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08X", static_cast<uint32_t>(status));
  return text;
}

Bytes Loopback(uint16_t port) {  // the port in network order
  return Bytes{2, 0, uint8_t(port >> 8), uint8_t(port), 127, 0, 0, 1,
               0, 0, 0, 0, 0, 0, 0, 0};
}

std::string TextOf(const Message& m) {
  Bytes text = m.Blob(WSKA_TAG_TEXT);
  return std::string(text.begin(), text.end());
}

void WineRoute::SetUp() {
  auto prefix = OpenWinePrefix(WSKCONF_TEST_WINE_PREFIX);
  ASSERT_TRUE(prefix.ok()) << prefix.status().message();
  prefix_ = std::move(prefix).value();
  auto session = AgentSession::Start(*prefix_, WSKCONF_TEST_AGENT_DIR);
  ASSERT_TRUE(session.ok()) << session.status().message();
  session_ = std::move(session).value();
}

void WineRoute::TearDown() {
  if (session_ != nullptr) {
    Status stopped = session_->Stop();
    if (expect_clean_stop_) {
      EXPECT_TRUE(stopped.ok()) << stopped.message();
    }
  }
  session_.reset();
}

Message WineRoute::Call(const MessageBuilder& call) {
  auto answer = session_->Call(call);
  EXPECT_TRUE(answer.ok()) << answer.status().message() << "\nrelay: "
                           << session_->diagnostics();
  return answer.ok() ? *answer : Message();
}

std::optional<Message> WineRoute::Completion(const Message& ret,
                                             Millis timeout) {
  auto completion = session_->WaitCompletion(ret->request_id, timeout);
  EXPECT_TRUE(completion.ok()) << completion.status().message();
  return completion.ok() ? *completion : std::nullopt;
}

uint32_t WineRoute::Attach() {
  Message reg = Call(MessageBuilder::Call(WSKA_FN_REGISTER));
  EXPECT_EQ(static_cast<uint32_t>(reg->status), kStatusSuccess);
  Message capture = Call(MessageBuilder::Call(WSKA_FN_CAPTURE_PROVIDER_NPI)
                             .Set(WSKA_TAG_REGISTRATION, reg->handle)
                             .Set(WSKA_TAG_TIMEOUT, 0xffffffffu));
  EXPECT_EQ(static_cast<uint32_t>(capture->status), kStatusSuccess);
  RecordProperty("provider_version", capture->protocol_version);
  return reg->handle;
}

MessageBuilder WineRoute::SocketCall(uint32_t registration, uint32_t flags,
                                     uint32_t type, uint32_t protocol) {
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_SOCKET);
  call.Set(WSKA_TAG_REGISTRATION, registration)
      .Set(WSKA_TAG_FAMILY, kAfInet)
      .Set(WSKA_TAG_SOCKET_TYPE, type)
      .Set(WSKA_TAG_PROTOCOL, protocol)
      .Set(WSKA_TAG_FLAGS, flags);
  return call;
}

uint32_t WineRoute::NewSocket(uint32_t registration, uint32_t flags) {
  Message ret = Call(SocketCall(registration, flags));
  auto done = Completion(ret, kExpectCompletion);
  Record("WskSocket(flags " + std::to_string(flags) + ")", ret, done);
  if (!done) return 0;
  EXPECT_EQ((*done)->information, 0u) << "a pointer left the agent";
  EXPECT_EQ(done->Has(WSKA_TAG_NEW_SOCKET), (*done)->irp_status >= 0);
  return done->Has(WSKA_TAG_NEW_SOCKET) ? (*done)->new_socket : 0;
}

void WineRoute::Record(const std::string& name, const Message& ret,
                       const std::optional<Message>& done) {
  RecordProperty(name, Hex(ret->status) + " / " +
                           (done ? Hex((*done)->irp_status)
                                 : std::string("never completed")));
}

std::optional<Message> WineRoute::Run(const std::string& name,
                                      const MessageBuilder& call,
                                      Millis timeout) {
  Message ret = Call(call);
  std::optional<Message> done = Completion(ret, timeout);
  Record(name, ret, done);
  return done;
}

void WineRoute::CloseSocket(uint32_t socket) {
  Run("WskCloseSocket",
      MessageBuilder::Call(WSKA_FN_CLOSE_SOCKET).Set(WSKA_TAG_SOCKET, socket));
}

WineRoute::StreamPair WineRoute::ConnectTo(const LoopbackSocket& peer) {
  StreamPair pair;
  uint32_t registration = Attach();
  pair.socket = NewSocket(registration, kFlagConnection);
  EXPECT_NE(pair.socket, 0u);
  if (pair.socket == 0) return pair;
  Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                     .Set(WSKA_TAG_SOCKET, pair.socket)
                     .SetBlob(WSKA_TAG_LOCAL_ADDRESS, Loopback(0)));
  auto connected = Run("WskConnect", MessageBuilder::Call(WSKA_FN_CONNECT)
                                         .Set(WSKA_TAG_SOCKET, pair.socket)
                                         .SetBlob(WSKA_TAG_REMOTE_ADDRESS,
                                                  Loopback(peer.port())));
  EXPECT_TRUE(connected && (*connected)->irp_status == 0);
  if (!connected || (*connected)->irp_status != 0) return pair;
  pair.accepted = accept4(peer.fd(), nullptr, nullptr, SOCK_CLOEXEC);
  EXPECT_GE(pair.accepted, 0);
  return pair;
}

}  // namespace wskconf::agent
