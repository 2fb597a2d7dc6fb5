// The Wine route end to end (label wine): the relay starts the agent inside
// Wine's kernel, the handshake works, real WSK calls reach Wine's netio.sys
// and their results come back, bad requests are refused with a reason, and
// a dead relay or winedevice.exe is an error, not a hang. What Wine answers
// is recorded (RecordProperty), not judged: conformance is the suite's job.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wskconf/agent/session.h"

namespace wskconf::agent {
namespace {

// A COMPLETION the provider owes within this time (generous: the CI
// machine is shared and loaded); beyond it the IRP counts as never
// completed.
constexpr Millis kExpectCompletion{20000};
constexpr Millis kExpectNoCompletion{1500};
constexpr Millis kExpectDeath{30000};

constexpr uint32_t kStatusSuccess = 0;
constexpr uint32_t kStatusPending = 0x103;
constexpr uint32_t kAfInet = 2, kSockStream = 1, kIpprotoTcp = 6;
constexpr uint32_t kFlagListen = 1, kFlagConnection = 2, kFlagStream = 8;

std::string Hex(int32_t status) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08X", static_cast<uint32_t>(status));
  return text;
}

// A Windows SOCKADDR_IN for 127.0.0.1:port (port in network order).
Bytes Loopback(uint16_t port) {
  return Bytes{2, 0, uint8_t(port >> 8), uint8_t(port), 127, 0, 0, 1,
               0, 0, 0, 0, 0, 0, 0, 0};
}

// A Linux TCP listener on 127.0.0.1 with a kernel-chosen port.
struct LinuxListener {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  uint16_t port = 0;
  LinuxListener() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(a);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(listen(fd, 4), 0);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
    port = ntohs(a.sin_port);
  }
  ~LinuxListener() { close(fd); }
};

uint16_t FreePort() {
  LinuxListener probe;
  return probe.port;  // closed again at once; Wine binds it next
}

class WineRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tools = FindWine();
    ASSERT_TRUE(tools.ok()) << tools.status().message();
    auto prefix = WinePrefix::Open(*tools, WSKCONF_TEST_WINE_PREFIX);
    ASSERT_TRUE(prefix.ok()) << prefix.status().message();
    prefix_ = std::move(prefix).value();
    auto session = AgentSession::Start(*prefix_, WSKCONF_TEST_AGENT_DIR);
    ASSERT_TRUE(session.ok()) << session.status().message();
    session_ = std::move(session).value();
  }

  void TearDown() override {
    if (session_ != nullptr) {
      Status stopped = session_->Stop();
      if (expect_clean_stop_) {
        EXPECT_TRUE(stopped.ok()) << stopped.message();
      }
    }
    session_.reset();
  }

  // Sends `call`, expects a RETURN; returns it.
  Message Call(const MessageBuilder& call) {
    auto answer = session_->Call(call);
    EXPECT_TRUE(answer.ok()) << answer.status().message() << "\nrelay: "
                             << session_->diagnostics();
    return answer.ok() ? *answer : Message();
  }

  // The COMPLETION of `ret`'s request, which must come when it pended.
  std::optional<Message> Completion(const Message& ret, Millis timeout) {
    auto completion = session_->WaitCompletion(ret->request_id, timeout);
    EXPECT_TRUE(completion.ok()) << completion.status().message();
    return completion.ok() ? *completion : std::nullopt;
  }

  // Register + capture; returns the registration handle.
  uint32_t Attach() {
    Message reg = Call(MessageBuilder::Call(WSKA_FN_REGISTER));
    EXPECT_EQ(static_cast<uint32_t>(reg->status), kStatusSuccess);
    Message capture = Call(MessageBuilder::Call(WSKA_FN_CAPTURE_PROVIDER_NPI)
                               .Set(WSKA_TAG_REGISTRATION, reg->handle)
                               .Set(WSKA_TAG_TIMEOUT, 0xffffffffu));
    EXPECT_EQ(static_cast<uint32_t>(capture->status), kStatusSuccess);
    RecordProperty("provider_version", capture->protocol_version);
    return reg->handle;
  }

  // WskSocket, waiting for its completion; returns the new socket id, or
  // 0 (recorded) when the provider refused the socket.
  uint32_t NewSocket(uint32_t registration, uint32_t flags) {
    Message ret = Call(MessageBuilder::Call(WSKA_FN_SOCKET)
                           .Set(WSKA_TAG_REGISTRATION, registration)
                           .Set(WSKA_TAG_FAMILY, kAfInet)
                           .Set(WSKA_TAG_SOCKET_TYPE, kSockStream)
                           .Set(WSKA_TAG_PROTOCOL, kIpprotoTcp)
                           .Set(WSKA_TAG_FLAGS, flags));
    auto done = Completion(ret, kExpectCompletion);
    const std::string name = "WskSocket(flags " + std::to_string(flags) + ")";
    RecordProperty(name, Hex(ret->status) + " / " +
                             (done ? Hex((*done)->irp_status)
                                   : std::string("never completed")));
    if (!done) return 0;
    EXPECT_EQ((*done)->information, 0u) << "a pointer left the agent";
    EXPECT_EQ(done->Has(WSKA_TAG_NEW_SOCKET), (*done)->irp_status >= 0);
    return done->Has(WSKA_TAG_NEW_SOCKET) ? (*done)->new_socket : 0;
  }

  // A socket call that takes an IRP: RETURN, then (maybe) COMPLETION.
  // Records both under `name`; returns the completion if one came.
  std::optional<Message> Run(const std::string& name,
                             const MessageBuilder& call,
                             Millis timeout = kExpectCompletion) {
    Message ret = Call(call);
    std::optional<Message> done = Completion(ret, timeout);
    RecordProperty(name, Hex(ret->status) + " / " +
                             (done ? Hex((*done)->irp_status)
                                   : std::string("never completed")));
    return done;
  }

  std::unique_ptr<WinePrefix> prefix_;
  std::unique_ptr<AgentSession> session_;
  bool expect_clean_stop_ = true;
};

TEST_F(WineRoute, HandshakeAgreesOnTheProtocolVersion) {
  EXPECT_EQ(session_->hello()->type, WSKA_MSG_HELLO_REPLY);
  EXPECT_EQ(session_->hello()->protocol_version, WSKA_PROTOCOL_VERSION);
  EXPECT_EQ(session_->hello()->max_payload, WSKA_MAX_PAYLOAD);
}

TEST_F(WineRoute, RegisterSocketBindListenCloseReachNetio) {
  uint32_t registration = Attach();
  uint32_t listener = NewSocket(registration, kFlagListen);
  ASSERT_NE(listener, 0u);
  const uint16_t port = FreePort();
  auto bound = Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                                  .Set(WSKA_TAG_SOCKET, listener)
                                  .SetBlob(WSKA_TAG_LOCAL_ADDRESS,
                                           Loopback(port)));
  ASSERT_TRUE(bound.has_value());
  ASSERT_EQ(static_cast<uint32_t>((*bound)->irp_status), kStatusSuccess);
  // The listening socket exists in the host's network stack: Linux can
  // connect to it.
  int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(probe, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0)
      << "nothing listens on 127.0.0.1:" << port;
  close(probe);
  // WskListen exists on stream sockets only; Wine 8 may refuse those.
  uint32_t stream = NewSocket(registration, kFlagStream);
  if (stream != 0) {
    Run("WskListen(stream socket, unbound)",
        MessageBuilder::Call(WSKA_FN_LISTEN).Set(WSKA_TAG_SOCKET, stream),
        kExpectNoCompletion);
  }
  for (uint32_t socket : {listener, stream}) {
    if (socket == 0) continue;
    auto closed = Run("WskCloseSocket", MessageBuilder::Call(
                                            WSKA_FN_CLOSE_SOCKET)
                                            .Set(WSKA_TAG_SOCKET, socket));
    ASSERT_TRUE(closed.has_value());
  }
  // A closed socket's id is gone: the agent refuses it.
  auto again = session_->Call(
      MessageBuilder::Call(WSKA_FN_LISTEN).Set(WSKA_TAG_SOCKET, listener));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("BAD_HANDLE"), std::string::npos)
      << again.status().message();
}

TEST_F(WineRoute, StreamBytesFlowBothWaysThroughNetio) {
  LinuxListener peer;
  uint32_t registration = Attach();
  uint32_t socket = NewSocket(registration, kFlagConnection);
  ASSERT_NE(socket, 0u);
  Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                     .Set(WSKA_TAG_SOCKET, socket)
                     .SetBlob(WSKA_TAG_LOCAL_ADDRESS, Loopback(0)));
  auto connected = Run("WskConnect", MessageBuilder::Call(WSKA_FN_CONNECT)
                                         .Set(WSKA_TAG_SOCKET, socket)
                                         .SetBlob(WSKA_TAG_REMOTE_ADDRESS,
                                                  Loopback(peer.port)));
  ASSERT_TRUE(connected && (*connected)->irp_status == 0);
  int accepted = accept4(peer.fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);
  auto sent = Run("WskSend", MessageBuilder::Call(WSKA_FN_SEND)
                                 .Set(WSKA_TAG_SOCKET, socket)
                                 .SetBlob(WSKA_TAG_DATA, "ping"));
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ((*sent)->information, 4u);
  char got[4] = {};
  EXPECT_EQ(recv(accepted, got, sizeof(got), MSG_WAITALL), 4);
  EXPECT_EQ(std::string(got, 4), "ping");
  ASSERT_EQ(send(accepted, "pong", 4, MSG_NOSIGNAL), 4);
  auto received = Run("WskReceive", MessageBuilder::Call(WSKA_FN_RECEIVE)
                                        .Set(WSKA_TAG_SOCKET, socket)
                                        .Set(WSKA_TAG_LENGTH, 4)
                                        .Set(WSKA_TAG_FLAGS, 2 /*WAITALL*/));
  ASSERT_TRUE(received.has_value());
  Bytes data = received->Blob(WSKA_TAG_DATA);
  EXPECT_EQ(std::string(data.begin(), data.end()), "pong");
  close(accepted);
  Run("WskCloseSocket",
      MessageBuilder::Call(WSKA_FN_CLOSE_SOCKET).Set(WSKA_TAG_SOCKET, socket));
}

// The frames of a byte stream (chunks and a call), one by one.
std::vector<Bytes> SplitFrames(const Bytes& stream) {
  std::vector<Bytes> frames;
  for (size_t at = 0; at + WSKA_HEADER_SIZE <= stream.size();) {
    uint32_t payload = 0;
    WSKA_RESULT r;
    if (WskaPeekHeader(stream.data() + at, WSKA_HEADER_SIZE, &payload, &r) !=
        WSKA_E_OK) {
      break;
    }
    const size_t size = WSKA_HEADER_SIZE + payload;
    frames.emplace_back(stream.begin() + long(at),
                        stream.begin() + long(at + size));
    at += size;
  }
  return frames;
}

// Protocol version 3: a send larger than one message travels in CHUNKs and
// reaches Linux intact; chunks out of order are refused with the reason,
// for the call they belong to, and the agent goes on.
TEST_F(WineRoute, ALargeSendTravelsInChunksAndBadChunksAreRefused) {
  LinuxListener peer;
  uint32_t registration = Attach();
  uint32_t socket = NewSocket(registration, kFlagConnection);
  ASSERT_NE(socket, 0u);
  Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                     .Set(WSKA_TAG_SOCKET, socket)
                     .SetBlob(WSKA_TAG_LOCAL_ADDRESS, Loopback(0)));
  auto connected = Run("WskConnect", MessageBuilder::Call(WSKA_FN_CONNECT)
                                         .Set(WSKA_TAG_SOCKET, socket)
                                         .SetBlob(WSKA_TAG_REMOTE_ADDRESS,
                                                  Loopback(peer.port)));
  ASSERT_TRUE(connected && (*connected)->irp_status == 0);
  int accepted = accept4(peer.fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);
  Bytes data(3u * WSKA_MAX_DATA + 17);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 31 + 7);
  Bytes got(data.size());
  ssize_t read_bytes = -1;
  std::thread reader([&] {
    read_bytes = recv(accepted, got.data(), got.size(), MSG_WAITALL);
  });
  auto sent = Run("WskSend (chunked)", MessageBuilder::Call(WSKA_FN_SEND)
                                           .Set(WSKA_TAG_SOCKET, socket)
                                           .SetData(data));
  reader.join();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ((*sent)->irp_status, 0);
  EXPECT_EQ((*sent)->information, data.size());
  EXPECT_EQ(read_bytes, static_cast<ssize_t>(data.size()));
  EXPECT_TRUE(got == data) << "the bytes Linux received differ";
  // The second chunk left out: the call is refused, naming the position.
  const uint32_t id = session_->NextRequestId();
  auto stream = MessageBuilder::Call(WSKA_FN_SEND)
                    .Set(WSKA_TAG_SOCKET, socket)
                    .SetData(data)
                    .Encode(id, session_->version());
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  std::vector<Bytes> frames = SplitFrames(*stream);
  ASSERT_EQ(frames.size(), 5u);  // four chunks and the call
  Bytes skipping;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i != 1) skipping.insert(skipping.end(), frames[i].begin(),
                                frames[i].end());
  }
  auto refused = session_->SendRaw(skipping, id);
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  EXPECT_EQ((*refused)->type, WSKA_MSG_ERROR);
  EXPECT_EQ((*refused)->error_code, WSKA_E_BAD_VALUE);
  Bytes text = refused->Blob(WSKA_TAG_TEXT);
  EXPECT_NE(std::string(text.begin(), text.end()).find("out of order"),
            std::string::npos)
      << std::string(text.begin(), text.end());
  close(accepted);
  Run("WskCloseSocket",
      MessageBuilder::Call(WSKA_FN_CLOSE_SOCKET).Set(WSKA_TAG_SOCKET, socket));
}

// The agent bounds the pool its chunked buffers take together
// (AGENT_CHUNKED_LIMIT, 128 MiB): two 64 MiB sends a peer that reads
// nothing keeps pending hold all of it, and a third is refused with the
// limit named, without reaching the provider.
TEST_F(WineRoute, ChunkedBuffersBeyondTheAgentsLimitAreRefused) {
  LinuxListener peer;
  uint32_t registration = Attach();
  uint32_t socket = NewSocket(registration, kFlagConnection);
  ASSERT_NE(socket, 0u);
  Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                     .Set(WSKA_TAG_SOCKET, socket)
                     .SetBlob(WSKA_TAG_LOCAL_ADDRESS, Loopback(0)));
  auto connected = Run("WskConnect", MessageBuilder::Call(WSKA_FN_CONNECT)
                                         .Set(WSKA_TAG_SOCKET, socket)
                                         .SetBlob(WSKA_TAG_REMOTE_ADDRESS,
                                                  Loopback(peer.port)));
  ASSERT_TRUE(connected && (*connected)->irp_status == 0);
  int accepted = accept4(peer.fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);  // and never read from
  const Bytes full(WSKA_MAX_CHUNKED, 0x42);
  for (int i = 0; i < 2; ++i) {
    Message ret = Call(MessageBuilder::Call(WSKA_FN_SEND)
                           .Set(WSKA_TAG_SOCKET, socket)
                           .SetData(full));
    ASSERT_EQ(static_cast<uint32_t>(ret->status), 0x103u)
        << "precondition: a 64 MiB send to a peer that reads nothing pends";
  }
  auto refused = session_->Call(MessageBuilder::Call(WSKA_FN_SEND)
                                    .Set(WSKA_TAG_SOCKET, socket)
                                    .SetData(Bytes(2 * WSKA_MAX_DATA, 1)));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("NO_RESOURCES"),
            std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("limit of 128 MiB"),
            std::string::npos)
      << refused.status().message();
  close(accepted);
}

// A Linux UDP socket on 127.0.0.1 with a kernel-chosen port.
struct LinuxUdp {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  uint16_t port = 0;
  LinuxUdp() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(a);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
    port = ntohs(a.sin_port);
    timeval limit{20, 0};  // kExpectCompletion: a datagram that never comes
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  }
  ~LinuxUdp() { close(fd); }
};

TEST_F(WineRoute, DatagramsLeaveThroughNetioWithTheirBytes) {
  LinuxUdp peer;
  uint32_t registration = Attach();
  Message ret = Call(MessageBuilder::Call(WSKA_FN_SOCKET)
                         .Set(WSKA_TAG_REGISTRATION, registration)
                         .Set(WSKA_TAG_FAMILY, kAfInet)
                         .Set(WSKA_TAG_SOCKET_TYPE, 2 /*SOCK_DGRAM*/)
                         .Set(WSKA_TAG_PROTOCOL, 17 /*IPPROTO_UDP*/)
                         .Set(WSKA_TAG_FLAGS, 4 /*WSK_FLAG_DATAGRAM_SOCKET*/));
  auto created = Completion(ret, kExpectCompletion);
  RecordProperty("WskSocket(datagram)",
                 Hex(ret->status) + " / " +
                     (created ? Hex((*created)->irp_status) : "never completed"));
  if (!created || !created->Has(WSKA_TAG_NEW_SOCKET)) {
    GTEST_SKIP() << "netio.sys refused a datagram socket: "
                 << Hex(ret->status);
  }
  const uint32_t socket = (*created)->new_socket;
  Run("WskBind(datagram)", MessageBuilder::Call(WSKA_FN_BIND)
                               .Set(WSKA_TAG_SOCKET, socket)
                               .SetBlob(WSKA_TAG_LOCAL_ADDRESS, Loopback(0)));
  auto sent = Run("WskSendTo", MessageBuilder::Call(WSKA_FN_SEND_TO)
                                   .Set(WSKA_TAG_SOCKET, socket)
                                   .Set(WSKA_TAG_OFFSET, 3)
                                   .SetBlob(WSKA_TAG_DATA, "datagram")
                                   .SetBlob(WSKA_TAG_REMOTE_ADDRESS,
                                            Loopback(peer.port)));
  if (sent && (*sent)->irp_status == 0) {  // what was sent must arrive
    char got[16] = {};
    EXPECT_EQ(recv(peer.fd, got, sizeof(got), 0), 8);
    EXPECT_EQ(std::string(got, 8), "datagram");
  }
  Run("WskGetLocalAddress(datagram)",
                   MessageBuilder::Call(WSKA_FN_GET_LOCAL_ADDRESS)
                       .Set(WSKA_TAG_SOCKET, socket),
                   kExpectNoCompletion);
  Run("WskCloseSocket", MessageBuilder::Call(WSKA_FN_CLOSE_SOCKET)
                            .Set(WSKA_TAG_SOCKET, socket));
}

TEST_F(WineRoute, ControlNameAndEventCallsAnswer) {
  uint32_t registration = Attach();
  Message control = Call(MessageBuilder::Call(WSKA_FN_CONTROL_CLIENT)
                             .Set(WSKA_TAG_REGISTRATION, registration)
                             .Set(WSKA_TAG_CONTROL_CODE, 2 /*TRANSPORT_LIST*/)
                             .Set(WSKA_TAG_OUTPUT_SIZE, 256)
                             .Set(WSKA_TAG_USE_IRP, 0));
  RecordProperty("WskControlClient(WSK_TRANSPORT_LIST_QUERY)",
                 Hex(control->status));
  EXPECT_TRUE(control.Has(WSKA_TAG_OUTPUT_SIZE_RETURNED));
  Bytes localhost;  // UTF-16LE
  for (char c : std::string("localhost")) {
    localhost.insert(localhost.end(), {uint8_t(c), 0});
  }
  Run("WskGetAddressInfo(localhost)",
      MessageBuilder::Call(WSKA_FN_GET_ADDRESS_INFO)
          .Set(WSKA_TAG_REGISTRATION, registration)
          .SetBlob(WSKA_TAG_NODE_NAME, localhost));
  // A listening socket whose accept callback the agent provides: a Linux
  // connection to it must reach the callback, which reports it.
  Message ret = Call(MessageBuilder::Call(WSKA_FN_SOCKET)
                         .Set(WSKA_TAG_REGISTRATION, registration)
                         .Set(WSKA_TAG_FAMILY, kAfInet)
                         .Set(WSKA_TAG_SOCKET_TYPE, kSockStream)
                         .Set(WSKA_TAG_PROTOCOL, kIpprotoTcp)
                         .Set(WSKA_TAG_FLAGS, kFlagListen)
                         .Set(WSKA_TAG_DISPATCH_MASK, 1u << WSKA_EV_ACCEPT));
  auto created = Completion(ret, kExpectCompletion);
  ASSERT_TRUE(created && created->Has(WSKA_TAG_NEW_SOCKET));
  const uint32_t listener = (*created)->new_socket;
  Message option = Call(MessageBuilder::Call(WSKA_FN_CONTROL_SOCKET)
                            .Set(WSKA_TAG_SOCKET, listener)
                            .Set(WSKA_TAG_REQUEST_TYPE, 0 /*WskSetOption*/)
                            .Set(WSKA_TAG_CONTROL_CODE, 0x4002 /*EVENT_CB*/)
                            .Set(WSKA_TAG_LEVEL, 0xffff)
                            .SetBlob(WSKA_TAG_INPUT, Bytes{0, 2, 0, 0})
                            .Set(WSKA_TAG_OUTPUT_SIZE, 0)
                            .Set(WSKA_TAG_USE_IRP, 0));
  RecordProperty("WskControlSocket(SO_WSK_EVENT_CALLBACK accept)",
                 Hex(option->status));
  const uint16_t port = FreePort();
  auto bound = Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                                  .Set(WSKA_TAG_SOCKET, listener)
                                  .SetBlob(WSKA_TAG_LOCAL_ADDRESS,
                                           Loopback(port)));
  ASSERT_TRUE(bound && (*bound)->irp_status == 0);
  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  auto event = session_->WaitEvent(kExpectNoCompletion);
  ASSERT_TRUE(event.ok()) << event.status().message();
  RecordProperty("WskAcceptEvent", *event ? (*event)->Describe()
                                          : std::string("not called"));
  if (*event) {  // a reported accept carries what the callback was given
    EXPECT_EQ((**event)->event, WSKA_EV_ACCEPT);
    EXPECT_EQ((**event)->socket, listener);
    EXPECT_TRUE((*event)->Has(WSKA_TAG_REMOTE_ADDRESS));
  }
  close(client);
}

// Raw frames the encoder would refuse to produce.
Bytes Frame(uint32_t type, uint32_t request_id, const Bytes& fields) {
  Bytes out{'W', 'S', 'K', 'A', 1, 0, uint8_t(type), 0};
  for (uint32_t v : {static_cast<uint32_t>(fields.size()), request_id}) {
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
  }
  out.insert(out.end(), fields.begin(), fields.end());
  return out;
}

Bytes U32Field(uint16_t tag, uint32_t v) {
  return Bytes{uint8_t(tag), uint8_t(tag >> 8), 4, 0, 0, 0, uint8_t(v),
               uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}

TEST_F(WineRoute, TheAgentRefusesBadRequestsWithAReasonAndGoesOn) {
  const uint32_t id = session_->NextRequestId();
  auto missing = session_->SendRaw(
      Frame(WSKA_MSG_CALL, id, U32Field(WSKA_TAG_FUNCTION, WSKA_FN_BIND)), id);
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_EQ((*missing)->type, WSKA_MSG_ERROR);
  EXPECT_EQ((*missing)->error_code, WSKA_E_MISSING_FIELD);
  Bytes text = missing->Blob(WSKA_TAG_TEXT);
  EXPECT_NE(std::string(text.begin(), text.end()).find("SOCKET"),
            std::string::npos);
  Bytes bad_size = U32Field(WSKA_TAG_FUNCTION, WSKA_FN_LISTEN);
  Bytes short_socket{WSKA_TAG_SOCKET, 0, 2, 0, 0, 0, 1, 0};
  bad_size.insert(bad_size.end(), short_socket.begin(), short_socket.end());
  const uint32_t id2 = session_->NextRequestId();
  auto refused = session_->SendRaw(Frame(WSKA_MSG_CALL, id2, bad_size), id2);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)->error_code, WSKA_E_BAD_FIELD_SIZE);
  auto unknown = session_->Call(MessageBuilder::Call(WSKA_FN_BIND)
                                    .Set(WSKA_TAG_SOCKET, 424242)
                                    .SetBlob(WSKA_TAG_LOCAL_ADDRESS,
                                             Loopback(0)));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("BAD_HANDLE"), std::string::npos);
  // Still serving: a good call works after the bad ones.
  Message reg = Call(MessageBuilder::Call(WSKA_FN_REGISTER));
  EXPECT_EQ(reg->type, WSKA_MSG_RETURN);
}

// Protocol versions against the real agent: a runner that speaks version
// 1 only (an older build) is answered in version 1; a message in another
// version than the one agreed is refused; versions 2 and 3 are agreed
// again after.
TEST_F(WineRoute, AnOlderRunnerIsAnsweredInVersionOne) {
  EXPECT_EQ(session_->version(), WSKA_PROTOCOL_VERSION);
  auto hello = [&](uint32_t max) {
    MessageBuilder h(WSKA_MSG_HELLO, 0);
    h.Set(WSKA_TAG_VERSION_MIN, 1).Set(WSKA_TAG_VERSION_MAX, max);
    const uint32_t id = session_->NextRequestId();
    auto frame = h.Encode(id, max);
    EXPECT_TRUE(frame.ok());
    return session_->SendRaw(*frame, id);
  };
  auto v1 = hello(1);
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ((*v1)->type, WSKA_MSG_HELLO_REPLY);
  EXPECT_EQ((*v1)->protocol_version, 1u);
  EXPECT_EQ((*v1)->version, 1u);  // the header too
  const uint32_t id = session_->NextRequestId();
  auto reg = session_->SendRaw(
      *MessageBuilder::Call(WSKA_FN_REGISTER).Encode(id, 1), id);
  ASSERT_TRUE(reg.ok()) << reg.status().message();
  EXPECT_EQ((*reg)->type, WSKA_MSG_RETURN);
  EXPECT_EQ((*reg)->version, 1u);
  const uint32_t id2 = session_->NextRequestId();
  auto v2call = session_->SendRaw(
      *MessageBuilder::Call(WSKA_FN_REGISTER).Encode(id2, 2), id2);
  ASSERT_TRUE(v2call.ok());
  EXPECT_EQ((*v2call)->type, WSKA_MSG_ERROR);
  EXPECT_EQ((*v2call)->error_code, WSKA_E_BAD_VERSION);
  auto v2 = hello(2);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ((*v2)->protocol_version, 2u);  // a version-2 runner
  auto current = hello(WSKA_PROTOCOL_VERSION);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ((*current)->protocol_version, WSKA_PROTOCOL_VERSION);
  Attach();  // the session's own calls work again
}

// Version 2's ANSWERS reach the agent: a socket made with preset answers,
// and the answers of the sockets a listening socket's accept callback
// takes. (Wine's netio.sys never calls a callback, so what the agent then
// answers cannot be observed here.)
TEST_F(WineRoute, VersionTwoPresetsCallbackAnswers) {
  uint32_t registration = Attach();
  WSKA_ANSWER records[2] = {{WSKA_EV_RECEIVE, 0x103, 0, 0},
                            {WSKA_EV_DISCONNECT, 0, 0, 0}};
  Bytes answers(2 * WSKA_ANSWER_RECORD_SIZE);
  uint32_t used = 0;
  for (const WSKA_ANSWER& a : records) {
    ASSERT_TRUE(WskaPutAnswer(answers.data(), answers.size(), &used, &a));
  }
  Message ret = Call(MessageBuilder::Call(WSKA_FN_SOCKET)
                         .Set(WSKA_TAG_REGISTRATION, registration)
                         .Set(WSKA_TAG_FAMILY, kAfInet)
                         .Set(WSKA_TAG_SOCKET_TYPE, kSockStream)
                         .Set(WSKA_TAG_PROTOCOL, kIpprotoTcp)
                         .Set(WSKA_TAG_FLAGS, kFlagListen)
                         .Set(WSKA_TAG_DISPATCH_MASK, 1u << WSKA_EV_ACCEPT)
                         .SetBlob(WSKA_TAG_ANSWERS, answers));
  ASSERT_EQ(ret->type, WSKA_MSG_RETURN);
  auto done = Completion(ret, kExpectCompletion);
  ASSERT_TRUE(done.has_value());
  ASSERT_TRUE(done->Has(WSKA_TAG_NEW_SOCKET));
  Message set = Call(MessageBuilder::Call(WSKA_FN_SET_ANSWER)
                         .Set(WSKA_TAG_SOCKET, (*done)->new_socket)
                         .Set(WSKA_TAG_EVENT, WSKA_EV_ACCEPT)
                         .Set(WSKA_TAG_ANSWER, 0)
                         .Set(WSKA_TAG_DISPATCH_MASK, 1u << WSKA_EV_RECEIVE)
                         .SetBlob(WSKA_TAG_ANSWERS, answers));
  EXPECT_EQ(static_cast<uint32_t>(set->status), kStatusSuccess);
  // Accepted-socket answers need a listening socket to belong to.
  Message nowhere = Call(MessageBuilder::Call(WSKA_FN_SET_ANSWER)
                             .Set(WSKA_TAG_SOCKET, 0)
                             .Set(WSKA_TAG_EVENT, WSKA_EV_ACCEPT)
                             .Set(WSKA_TAG_ANSWER, 0)
                             .SetBlob(WSKA_TAG_ANSWERS, answers));
  EXPECT_EQ(static_cast<uint32_t>(nowhere->status), 0xC000000Du);
}

// Wine 8's netio.sys exports WskQueryProviderCharacteristics only as an
// unimplemented-function stub, which ended winedevice.exe when the agent
// imported and called it. The agent now looks the routine up and answers
// STATUS_NOT_IMPLEMENTED itself, with the reason, and goes on serving.
TEST_F(WineRoute, AnAbsentQueryRoutineIsRefusedWithoutEndingWine) {
  constexpr uint32_t kStatusNotImplemented = 0xC0000002;
  uint32_t registration = Attach();
  Message query =
      Call(MessageBuilder::Call(WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS)
               .Set(WSKA_TAG_REGISTRATION, registration));
  ASSERT_EQ(query->type, WSKA_MSG_RETURN);
  EXPECT_EQ(static_cast<uint32_t>(query->status), kStatusNotImplemented);
  Bytes why = query.Blob(WSKA_TAG_TEXT);
  RecordProperty("WskQueryProviderCharacteristics",
                 std::string(why.begin(), why.end()));
  EXPECT_NE(std::string(why.begin(), why.end())
                .find("WskQueryProviderCharacteristics"),
            std::string::npos);
  EXPECT_FALSE(query.Has(WSKA_TAG_VERSION_MIN));
  // winedevice.exe is still there: a socket can be made after the query.
  EXPECT_NE(NewSocket(registration, kFlagListen), 0u)
      << session_->diagnostics();
  EXPECT_TRUE(session_->alive());
}

TEST_F(WineRoute, AnIrpNetioNeverCompletesIsReportedAsNoCompletion) {
  uint32_t registration = Attach();
  uint32_t listener = NewSocket(registration, kFlagListen);
  ASSERT_NE(listener, 0u);
  Message ret = Call(MessageBuilder::Call(WSKA_FN_GET_LOCAL_ADDRESS)
                         .Set(WSKA_TAG_SOCKET, listener));
  auto done = Completion(ret, kExpectNoCompletion);
  RecordProperty("WskGetLocalAddress",
                 Hex(ret->status) + (done ? " completed" : " never completed"));
  if (!done) {  // Cancel reaches the IRP; the session stays usable
    Message cancel = Call(MessageBuilder::Call(WSKA_FN_CANCEL)
                              .Set(WSKA_TAG_TARGET, ret->request_id));
    EXPECT_EQ(static_cast<uint32_t>(cancel->status), kStatusSuccess);
  }
  EXPECT_TRUE(session_->alive());
}

TEST_F(WineRoute, TheRelayServesTheSameProtocolOverTcp) {
  ASSERT_TRUE(session_->Stop().ok());  // one relay (one service) at a time
  session_.reset();
  const uint16_t port = FreePort();
  auto tcp = AgentSession::Start(*prefix_, WSKCONF_TEST_AGENT_DIR,
                                 RelayChannel{port});
  ASSERT_TRUE(tcp.ok()) << tcp.status().message();
  session_ = std::move(tcp).value();
  EXPECT_EQ(session_->hello()->protocol_version, WSKA_PROTOCOL_VERSION);
  Attach();
}

// The Linux pid of this prefix's winedevice.exe, or 0.
pid_t FindWinedevice(const std::string& prefix) {
  DIR* proc = opendir("/proc");
  pid_t found = 0;
  for (dirent* e; proc != nullptr && (e = readdir(proc)) != nullptr;) {
    std::string base = std::string("/proc/") + e->d_name;
    std::ifstream cmd(base + "/cmdline"), env(base + "/environ");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), {});
    std::string environ((std::istreambuf_iterator<char>(env)), {});
    if (cmdline.find("winedevice.exe") != std::string::npos &&
        environ.find("WINEPREFIX=" + prefix + '\0') != std::string::npos) {
      found = static_cast<pid_t>(std::atoi(e->d_name));
    }
  }
  if (proc != nullptr) closedir(proc);
  return found;
}

TEST_F(WineRoute, ACrashOfWinedeviceIsAnErrorNotAHang) {
  expect_clean_stop_ = false;
  pid_t winedevice = FindWinedevice(WSKCONF_TEST_WINE_PREFIX);
  ASSERT_GT(winedevice, 0) << "no winedevice.exe in the test prefix";
  ASSERT_EQ(kill(winedevice, SIGKILL), 0);
  auto after = session_->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectDeath);
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("relay ended"), std::string::npos)
      << after.status().message();
  EXPECT_FALSE(session_->alive());
}

TEST_F(WineRoute, ACrashOfTheRelayIsAnErrorNotAHang) {
  expect_clean_stop_ = false;
  ASSERT_EQ(kill(session_->relay_pid(), SIGKILL), 0);
  auto after = session_->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectDeath);
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("killed by signal 9"),
            std::string::npos)
      << after.status().message();
}

}  // namespace
}  // namespace wskconf::agent
