// AgentSession over TCP against a fake relay on Linux (label agent): the
// handshake, a call and its RETURN, shutdown, and a relay that hangs up or
// answers garbage ending the session with an error instead of a hang.
#include "wskconf/agent/session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "agent_test_util.h"

namespace wskconf::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr Millis kExpectAnswer{5000};

// A one-connection fake relay: `serve` gets the accepted socket.
class FakeRelay {
 public:
  explicit FakeRelay(std::function<void(int)> serve) {
    thread_ = std::thread([this, serve] {
      int fd = accept(listener_.fd(), nullptr, nullptr);
      if (fd >= 0) {
        serve(fd);
        close(fd);
      }
    });
  }
  ~FakeRelay() { thread_.join(); }
  uint16_t port() const { return listener_.port(); }

 private:
  LoopbackSocket listener_{LoopbackSocket::kStream, 1};
  std::thread thread_;
};

// Answers HELLO like an agent of protocol `version` does, after checking
// the versions the runner offers. An agent of version 1 stamps its
// messages with version 1 (so does one answering a version it cannot).
void AnswerHello(int fd, uint32_t version = WSKA_PROTOCOL_VERSION) {
  auto hello = Message::Decode(ReadFrame(fd));
  ASSERT_TRUE(hello.ok()) << hello.status().message();
  ASSERT_EQ((*hello)->type, WSKA_MSG_HELLO);
  EXPECT_EQ((*hello)->version_min, WSKA_PROTOCOL_VERSION_MIN);
  EXPECT_EQ((*hello)->version_max, WSKA_PROTOCOL_VERSION);
  MessageBuilder reply(WSKA_MSG_HELLO_REPLY, 0);
  reply.Set(WSKA_TAG_VERSION, version)
      .Set(WSKA_TAG_MAX_PAYLOAD, WSKA_MAX_PAYLOAD);
  SendMessage(fd, reply, (*hello)->request_id,
              version <= WSKA_PROTOCOL_VERSION ? version : 1);
}

// Answers one CALL with a RETURN of STATUS_SUCCESS in the version of the
// call's header, which goes to `header_version` if given. False at the end
// of the stream.
bool AnswerOneCall(int fd, uint32_t* header_version = nullptr) {
  Bytes frame = ReadFrame(fd);
  if (frame.size() < WSKA_HEADER_SIZE) return false;
  const uint32_t version = frame[4] | (frame[5] << 8);
  if (header_version != nullptr) *header_version = version;
  auto call = Message::Decode(frame);
  EXPECT_TRUE(call.ok()) << call.status().message();
  if (!call.ok()) return false;
  MessageBuilder ret(WSKA_MSG_RETURN, 0);
  ret.Set(WSKA_TAG_STATUS, 0).Set(WSKA_TAG_FUNCTION, (*call)->function);
  SendMessage(fd, ret, (*call)->request_id, version);
  return true;
}

// Answers each CALL until the session ends.
void AnswerCalls(int fd) {
  while (AnswerOneCall(fd)) {
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
  EXPECT_THAT(ret.status().message(), HasSubstr("connection closed"));
  EXPECT_FALSE((*session)->alive());
}

TEST(AgentSessionTcp, GarbageFromTheRelayEndsTheSessionWithTheReason) {
  FakeRelay relay([](int fd) {
    ReadFrame(fd);
    SendAll(fd, Bytes(WSKA_HEADER_SIZE, 'x'));
  });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_FALSE(session.ok());
  EXPECT_THAT(session.status().message(), HasSubstr("bad frame"));
}

// The version handshake: the runner offers versions 1..4 and speaks what
// the agent picks; an agent of protocol version 1 (older builds) is spoken
// to in version 1, and version-2 fields are refused before they leave.
struct VersionedAgent {
  explicit VersionedAgent(uint32_t version)
      : relay([this, version](int fd) {
          AnswerHello(fd, version);
          AnswerOneCall(fd, &first_call_version);
          AnswerCalls(fd);
        }) {}
  uint32_t first_call_version = 0;  // set before the relay starts
  FakeRelay relay;
};

// Connects to `agent` and makes one call: both sides must speak `version`.
std::unique_ptr<AgentSession> ConnectAndCall(VersionedAgent& agent,
                                             uint32_t version) {
  auto session = AgentSession::Connect("127.0.0.1", agent.relay.port());
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return nullptr;
  EXPECT_EQ((*session)->version(), version);
  auto ret = (*session)->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectAnswer);
  EXPECT_TRUE(ret.ok()) << ret.status().message();
  EXPECT_EQ(agent.first_call_version, version);
  return std::move(session).value();
}

TEST(AgentSessionTcp, AVersionTwoAgentIsSpokenToInVersionTwo) {
  VersionedAgent agent(2);
  auto session = ConnectAndCall(agent, 2);
  ASSERT_NE(session, nullptr);
  EXPECT_TRUE(session->Stop().ok());
}

TEST(AgentSessionTcp, AnOlderAgentIsSpokenToInVersionOne) {
  VersionedAgent agent(1);
  auto session = ConnectAndCall(agent, 1);
  ASSERT_NE(session, nullptr);
  // Version 2's ANSWERS cannot go to it: refused here, with the reason.
  WSKA_ANSWER keep{WSKA_EV_RECEIVE, 0x103, 0, 0};
  Bytes records(WSKA_ANSWER_RECORD_SIZE);
  uint32_t used = 0;
  ASSERT_TRUE(
      WskaPutAnswer(records.data(), WSKA_ANSWER_RECORD_SIZE, &used, &keep));
  auto refused = session->Call(MessageBuilder::Call(WSKA_FN_SOCKET)
                                   .Set(WSKA_TAG_REGISTRATION, 1)
                                   .Set(WSKA_TAG_FAMILY, 2)
                                   .Set(WSKA_TAG_SOCKET_TYPE, 1)
                                   .Set(WSKA_TAG_PROTOCOL, 6)
                                   .Set(WSKA_TAG_FLAGS, 2)
                                   .SetBlob(WSKA_TAG_ANSWERS, records),
                               kExpectAnswer);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              HasSubstr("needs protocol version 2"));
  EXPECT_TRUE(session->alive());
  EXPECT_TRUE(session->Stop().ok());
}

TEST(AgentSessionTcp, AnAgentChoosingAVersionNotOfferedIsRefused) {
  FakeRelay relay(
      [](int fd) { AnswerHello(fd, WSKA_PROTOCOL_VERSION + 1); });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_FALSE(session.ok());
  EXPECT_THAT(session.status().message(),
              HasSubstr(fmt::format("outside the offered 1..{}",
                                    WSKA_PROTOCOL_VERSION)));
}

// Protocol version 5: a COMPLETION's bytes over one message come in
// CHUNKs; the session hands out the COMPLETION with them as its DATA, and
// a broken chunk sequence ends the session with the reason.
Bytes Received(size_t size) {
  Bytes bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = uint8_t(i * 5 + i / 511);
  return bytes;
}

// Answers HELLO in `version`, then one CALL with a pending RETURN and the
// frames of a chunked receive COMPLETION, the one at `drop` left out and
// each stamped with `stamp` (0: as encoded).
void AnswerWithChunks(int fd, uint32_t version, size_t drop = SIZE_MAX,
                      uint8_t stamp = 0) {
  AnswerHello(fd, version);
  auto call = Message::Decode(ReadFrame(fd));
  ASSERT_TRUE(call.ok()) << call.status().message();
  MessageBuilder ret(WSKA_MSG_RETURN, 0);
  ret.Set(WSKA_TAG_STATUS, 0x103).Set(WSKA_TAG_FUNCTION, WSKA_FN_RECEIVE);
  SendMessage(fd, ret, (*call)->request_id, version);
  const size_t size = 2u * WSKA_MAX_DATA + 3;
  MessageBuilder done(WSKA_MSG_COMPLETION, 0);
  done.Set(WSKA_TAG_IRP_STATUS, 0)
      .Set(WSKA_TAG_INFORMATION, size)
      .Set(WSKA_TAG_ELAPSED, 1)
      .SetData(Received(size));
  auto stream = done.Encode((*call)->request_id, WSKA_PROTOCOL_VERSION);
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  size_t index = 0;
  for (size_t at = 0; at < stream->size(); ++index) {
    const size_t frame_size =
        WSKA_HEADER_SIZE + ((*stream)[at + 8] | ((*stream)[at + 9] << 8) |
                            ((*stream)[at + 10] << 16));
    Bytes frame(stream->begin() + long(at),
                stream->begin() + long(at + frame_size));
    if (stamp != 0) frame[4] = stamp;
    // The session may have hung up at a bad frame already: no check.
    if (index != drop) send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
    at += frame_size;
  }
  AnswerCalls(fd);  // SHUTDOWN, until the session closes
}

StatusOr<std::optional<Message>> ReceiveOnce(AgentSession& session) {
  auto ret = session.Call(MessageBuilder::Call(WSKA_FN_RECEIVE)
                              .Set(WSKA_TAG_SOCKET, 1)
                              .Set(WSKA_TAG_LENGTH, 2u * WSKA_MAX_DATA + 3),
                          kExpectAnswer);
  if (!ret.ok()) return ret.status();
  return session.WaitCompletion((*ret)->request_id, kExpectAnswer);
}

TEST(AgentSessionChunks, AChunkedCompletionArrivesWithItsBytes) {
  FakeRelay relay([](int fd) { AnswerWithChunks(fd, WSKA_PROTOCOL_VERSION); });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto done = ReceiveOnce(**session);
  ASSERT_TRUE(done.ok()) << done.status().message();
  ASSERT_TRUE(done->has_value()) << "no COMPLETION";
  EXPECT_TRUE((*done)->Blob(WSKA_TAG_DATA) == Received(2u * WSKA_MAX_DATA + 3))
      << "the assembled bytes differ";
  EXPECT_TRUE((*session)->Stop().ok());
}

TEST(AgentSessionChunks, ALostChunkEndsTheSessionNamingIt) {
  FakeRelay relay(
      [](int fd) { AnswerWithChunks(fd, WSKA_PROTOCOL_VERSION, 1); });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto done = ReceiveOnce(**session);
  ASSERT_FALSE(done.ok()) << "a COMPLETION with a chunk missing was taken";
  EXPECT_THAT(done.status().message(),
              HasSubstr("out of order or one lost, expected position"));
  EXPECT_FALSE((*session)->alive());
}

TEST(AgentSessionChunks, ChunksFromAVersionFourAgentEndTheSession) {
  FakeRelay relay([](int fd) { AnswerWithChunks(fd, 4, SIZE_MAX, 4); });
  auto session = AgentSession::Connect("127.0.0.1", relay.port());
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto done = ReceiveOnce(**session);
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.status().message(),
              HasSubstr("need protocol version 5, the session speaks 4"));
}

// A relay that does not stop is reported with what it said last.
TEST(AgentSessionStop, TheRelaysStderrTailKeepsWholeLastLines) {
  EXPECT_EQ(RelayTail(""), "the relay said nothing on stderr");
  EXPECT_EQ(RelayTail("relay: agent started\n"),
            "the relay's stderr: relay: agent started\n");
  std::string text;
  for (int i = 0; i < 100; ++i) text += fmt::format("relay: line {}\n", i);
  const std::string tail = RelayTail(text, 40);
  EXPECT_THAT(tail, HasSubstr("relay: line 99\n"));
  EXPECT_THAT(tail, Not(HasSubstr("relay: line 96")));
  EXPECT_THAT(tail, HasSubstr(fmt::format("of {} bytes): relay: line",
                                          text.size())));
}

TEST(AgentSessionTcp, AnAddressThatIsNotIpv4IsRefused) {
  auto session = AgentSession::Connect("not-an-address", 1);
  ASSERT_FALSE(session.ok());
  EXPECT_THAT(session.status().message(), HasSubstr("not an IPv4 address"));
}

}  // namespace
}  // namespace wskconf::agent
