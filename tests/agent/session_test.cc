// AgentSession over TCP against a fake relay on Linux (label agent): the
// handshake, a call and its RETURN, shutdown, and a relay that hangs up or
// answers garbage ending the session with an error instead of a hang.
#include "wskconf/agent/session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

namespace wskconf::agent {
namespace {

constexpr Millis kExpectAnswer{5000};

// Reads one frame from fd; empty at end of stream.
Bytes ReadFrame(int fd) {
  Bytes frame(WSKA_HEADER_SIZE);
  if (recv(fd, frame.data(), frame.size(), MSG_WAITALL) !=
      static_cast<ssize_t>(frame.size())) {
    return {};
  }
  uint32_t payload = 0;
  WSKA_RESULT r;
  if (WskaPeekHeader(frame.data(), frame.size(), &payload, &r) != WSKA_E_OK) {
    return {};
  }
  frame.resize(WSKA_HEADER_SIZE + payload);
  if (payload != 0 &&
      recv(fd, frame.data() + WSKA_HEADER_SIZE, payload, MSG_WAITALL) !=
          static_cast<ssize_t>(payload)) {
    return {};
  }
  return frame;
}

void SendAll(int fd, const Bytes& bytes) {
  ASSERT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(bytes.size()));
}

// A one-connection fake relay: `serve` gets the accepted socket.
class FakeRelay {
 public:
  explicit FakeRelay(std::function<void(int)> serve) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(a);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(listen(listener_, 1), 0);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &size);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, serve] {
      int fd = accept(listener_, nullptr, nullptr);
      if (fd >= 0) {
        serve(fd);
        close(fd);
      }
    });
  }
  ~FakeRelay() {
    thread_.join();
    close(listener_);
  }
  uint16_t port() const { return port_; }

 private:
  int listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  uint16_t port_ = 0;
  std::thread thread_;
};

// Answers HELLO like the agent does.
void AnswerHello(int fd) {
  auto hello = Message::Decode(ReadFrame(fd));
  ASSERT_TRUE(hello.ok()) << hello.status().message();
  ASSERT_EQ((*hello)->type, WSKA_MSG_HELLO);
  MessageBuilder reply(WSKA_MSG_HELLO_REPLY, 0);
  reply.Set(WSKA_TAG_VERSION, WSKA_PROTOCOL_VERSION)
      .Set(WSKA_TAG_MAX_PAYLOAD, WSKA_MAX_PAYLOAD);
  auto frame = reply.Encode((*hello)->request_id);
  ASSERT_TRUE(frame.ok());
  SendAll(fd, *frame);
}

// Answers each CALL with a RETURN of STATUS_SUCCESS until the session ends.
void AnswerCalls(int fd) {
  for (Bytes frame = ReadFrame(fd); !frame.empty(); frame = ReadFrame(fd)) {
    auto call = Message::Decode(frame);
    ASSERT_TRUE(call.ok());
    MessageBuilder ret(WSKA_MSG_RETURN, 0);
    ret.Set(WSKA_TAG_STATUS, 0).Set(WSKA_TAG_FUNCTION, (*call)->function);
    auto out = ret.Encode((*call)->request_id);
    ASSERT_TRUE(out.ok());
    SendAll(fd, *out);
  }
}

TEST(AgentSessionTcp, HandshakeCallAndStopOverTcp) {
  FakeRelay relay([](int fd) {
    AnswerHello(fd);
    AnswerCalls(fd);
  });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ((*session)->hello()->protocol_version, WSKA_PROTOCOL_VERSION);
  auto ret = (*session)->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectAnswer);
  ASSERT_TRUE(ret.ok()) << ret.status().message();
  EXPECT_EQ((*ret)->type, WSKA_MSG_RETURN);
  EXPECT_EQ((*ret)->function, WSKA_FN_REGISTER);
  EXPECT_TRUE((*session)->Stop().ok());
  EXPECT_EQ((*session)->relay_pid(), -1);
}

TEST(AgentSessionTcp, ARelayThatHangsUpEndsTheSessionWithAnError) {
  FakeRelay relay([](int fd) { AnswerHello(fd); });  // then closes
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto ret = (*session)->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectAnswer);
  ASSERT_FALSE(ret.ok());
  EXPECT_NE(ret.status().message().find("connection closed"),
            std::string::npos)
      << ret.status().message();
  EXPECT_FALSE((*session)->alive());
}

TEST(AgentSessionTcp, GarbageFromTheRelayEndsTheSessionWithTheReason) {
  FakeRelay relay([](int fd) {
    ReadFrame(fd);
    SendAll(fd, Bytes(WSKA_HEADER_SIZE, 'x'));
  });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("bad frame"), std::string::npos)
      << session.status().message();
}

// The version handshake: the runner offers versions 1..2 and speaks what
// the agent picks; an agent of protocol version 1 (older builds) is spoken
// to in version 1, and version-2 fields are refused before they leave.
void AnswerHelloWith(int fd, uint32_t version) {
  auto hello = Message::Decode(ReadFrame(fd));
  ASSERT_TRUE(hello.ok()) << hello.status().message();
  EXPECT_EQ((*hello)->version_min, WSKA_PROTOCOL_VERSION_MIN);
  EXPECT_EQ((*hello)->version_max, WSKA_PROTOCOL_VERSION);
  MessageBuilder reply(WSKA_MSG_HELLO_REPLY, 0);
  reply.Set(WSKA_TAG_VERSION, version).Set(WSKA_TAG_MAX_PAYLOAD, WSKA_MAX_PAYLOAD);
  // An agent of version 1 stamps its messages with version 1.
  auto frame = reply.Encode((*hello)->request_id, version <= 2 ? version : 1);
  ASSERT_TRUE(frame.ok());
  SendAll(fd, *frame);
}

// Answers one CALL, recording the version in its header.
void AnswerOneCall(int fd, uint32_t* header_version) {
  Bytes frame = ReadFrame(fd);
  ASSERT_GE(frame.size(), WSKA_HEADER_SIZE);
  *header_version = frame[4] | (frame[5] << 8);
  auto call = Message::Decode(frame);
  ASSERT_TRUE(call.ok()) << call.status().message();
  MessageBuilder ret(WSKA_MSG_RETURN, 0);
  ret.Set(WSKA_TAG_STATUS, 0).Set(WSKA_TAG_FUNCTION, (*call)->function);
  auto out = ret.Encode((*call)->request_id, *header_version);
  ASSERT_TRUE(out.ok());
  SendAll(fd, *out);
}

TEST(AgentSessionTcp, AVersionTwoAgentIsSpokenToInVersionTwo) {
  uint32_t seen = 0;
  FakeRelay relay([&seen](int fd) {
    AnswerHelloWith(fd, 2);
    AnswerOneCall(fd, &seen);
    AnswerCalls(fd);
  });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ((*session)->version(), 2u);
  auto ret = (*session)->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectAnswer);
  ASSERT_TRUE(ret.ok()) << ret.status().message();
  EXPECT_EQ(seen, 2u);
  EXPECT_TRUE((*session)->Stop().ok());
}

TEST(AgentSessionTcp, AnOlderAgentIsSpokenToInVersionOne) {
  uint32_t seen = 0;
  FakeRelay relay([&seen](int fd) {
    AnswerHelloWith(fd, 1);
    AnswerOneCall(fd, &seen);
    AnswerCalls(fd);
  });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ((*session)->version(), 1u);
  auto ret = (*session)->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectAnswer);
  ASSERT_TRUE(ret.ok()) << ret.status().message();
  EXPECT_EQ(seen, 1u);
  // Version 2's ANSWERS cannot go to it: refused here, with the reason.
  WSKA_ANSWER keep{WSKA_EV_RECEIVE, 0x103, 0, 0};
  Bytes records(WSKA_ANSWER_RECORD_SIZE);
  uint32_t used = 0;
  ASSERT_TRUE(WskaPutAnswer(records.data(), WSKA_ANSWER_RECORD_SIZE, &used, &keep));
  auto refused = (*session)->Call(MessageBuilder::Call(WSKA_FN_SOCKET)
                                      .Set(WSKA_TAG_REGISTRATION, 1)
                                      .Set(WSKA_TAG_FAMILY, 2)
                                      .Set(WSKA_TAG_SOCKET_TYPE, 1)
                                      .Set(WSKA_TAG_PROTOCOL, 6)
                                      .Set(WSKA_TAG_FLAGS, 2)
                                      .SetBlob(WSKA_TAG_ANSWERS, records),
                                  kExpectAnswer);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("needs protocol version 2"),
            std::string::npos)
      << refused.status().message();
  EXPECT_TRUE((*session)->alive());
  EXPECT_TRUE((*session)->Stop().ok());
}

TEST(AgentSessionTcp, AnAgentChoosingAVersionNotOfferedIsRefused) {
  FakeRelay relay([](int fd) { AnswerHelloWith(fd, 4); });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("outside the offered 1..3"),
            std::string::npos)
      << session.status().message();
}

// A relay that does not stop is reported with what it said last.
TEST(AgentSessionStop, TheRelaysStderrTailKeepsWholeLastLines) {
  EXPECT_EQ(RelayTail(""), "the relay said nothing on stderr");
  EXPECT_EQ(RelayTail("relay: agent started\n"),
            "the relay's stderr: relay: agent started\n");
  std::string text;
  for (int i = 0; i < 100; ++i) text += fmt::format("relay: line {}\n", i);
  const std::string tail = RelayTail(text, 40);
  EXPECT_NE(tail.find("relay: line 99\n"), std::string::npos) << tail;
  EXPECT_EQ(tail.find("relay: line 96"), std::string::npos) << tail;
  EXPECT_NE(tail.find(fmt::format("of {} bytes): relay: line", text.size())),
            std::string::npos)
      << tail;
}

TEST(AgentSessionTcp, AnAddressThatIsNotIpv4IsRefused) {
  auto session = AgentSession::Connect("not-an-address", 1);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("not an IPv4 address"),
            std::string::npos);
}

}  // namespace
}  // namespace wskconf::agent
