// A scripted fake agent for tests of the wine adapter (label agent): it
// listens on loopback TCP, speaks protocol `version`, answers every call;
// WskSocket completes with a new socket, and after the first one an EVENT
// (receive, which "the agent" answered STATUS_SUCCESS) goes out for it;
// WskGetNameInfo returns STATUS_NOT_IMPLEMENTED (as Wine's does); CHUNK
// messages are assembled and WskSend completes with the bytes it got;
// WskReceive completes with LENGTH bytes of ReceivedPattern (version 5: in
// CHUNKs when they are more than one message carries).
// Registrations get handles 1, 2, ...; WskCaptureProviderNPI on a
// deregistered one answers STATUS_DEVICE_NOT_READY (until SHUTDOWN), and
// WskRelease of a NULL list (INDICATION 0) STATUS_INVALID_PARAMETER.
// Host socket headers stay in fake_agent.cc, away from <wsk.h>.
#ifndef WSKCONF_TESTS_AGENT_FAKE_AGENT_H_
#define WSKCONF_TESTS_AGENT_FAKE_AGENT_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent_test_util.h"
#include "wskconf/agent/message.h"

namespace wskconf::agent {

inline constexpr uint32_t kFakeSocketHandle = 10;
inline constexpr uint32_t kFakeSecondSocketHandle = 11;

// The bytes the fake agent's WskReceive of `length` bytes completes with.
Bytes ReceivedPattern(size_t length);

// A CALL as the fake agent saw it (its scalar fields).
struct SeenCall {
  uint32_t function = 0, registration = 0, socket = 0, indication = 0;
  bool has_indication = false;
};

// What the fake agent does with WskDeregister: answer at once, keep the
// RETURN until a WskReleaseProviderNPI has been answered (a provider that
// waits for the capture to go), or never answer.
enum class FakeDeregister { kAnswer, kHoldUntilRelease, kNever };

// What the fake agent saw, for the test to check.
struct Seen {
  std::vector<SeenCall> calls;  // every CALL, in arrival order
  bool first_socket_had_answers = true;
  std::vector<WSKA_ANSWER> second_socket_answers;
  bool second_socket_had_answers = false;
  int set_answer_calls = 0;
  WSKA_ANSWER set_answer{};
  int name_info_calls = 0;
  bool name_info_had_outputs = false;
  uint32_t name_info_outputs = 0;
  // WskSend (version 3): the bytes that arrived, how (CHUNKED or DATA),
  // and the reason a chunked send was refused.
  Bytes sent;
  bool sent_chunked = false;
  std::string chunk_error;
};

class FakeAgent {
 public:
  explicit FakeAgent(uint32_t version);
  ~FakeAgent() = delete;  // lives until its process's _exit
  uint16_t port() const { return listener_.port(); }
  // Until the adapter's SET_ANSWER arrived (it learns the answer first).
  bool WaitSetAnswer(std::chrono::milliseconds timeout);
  Seen seen();
  // Until a CALL of `function` arrived.
  bool WaitForCall(uint32_t function, std::chrono::milliseconds timeout);
  // Set before the adapter connects.
  void SetDeregister(FakeDeregister mode) { deregister_ = mode; }

 private:
  void Send(int fd, const MessageBuilder& m, uint32_t id);
  void OnSocket(int fd, const Message& call);
  void OnChunk(const Message& chunk);
  void OnSend(int fd, const Message& call);
  void OnReceive(int fd, const Message& call);
  // The registration calls; false when the answer is held back.
  bool OnRegistration(int fd, const Message& call, MessageBuilder& ret);
  void Serve();

  const uint32_t version_;
  LoopbackSocket listener_{LoopbackSocket::kStream, 1};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  Seen seen_;
  int sockets_ = 0;
  WSKA_ASSEMBLY assembly_{};
  Bytes assembling_;
  FakeDeregister deregister_ = FakeDeregister::kAnswer;
  uint32_t registrations_ = 0;
  std::vector<uint32_t> deregistered_;
  uint32_t held_deregister_ = 0;  // request id of a held RETURN
};

}  // namespace wskconf::agent

#endif  // WSKCONF_TESTS_AGENT_FAKE_AGENT_H_
