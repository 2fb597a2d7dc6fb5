// The fixture of the Wine route tests (label wine): a session with the real
// agent inside the build tree's Wine prefix, and the steps the tests share
// (register and capture, make a socket, run an IRP-taking call, connect to
// a Linux peer). What Wine answers is recorded (RecordProperty), not
// judged: conformance is the suite's job.
#ifndef WSKCONF_TESTS_AGENT_WINE_ROUTE_FIXTURE_H_
#define WSKCONF_TESTS_AGENT_WINE_ROUTE_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "agent_test_util.h"
#include "wskconf/agent/session.h"

namespace wskconf::agent {

// A COMPLETION the provider owes within this time (generous: the CI
// machine is shared and loaded); beyond it the IRP counts as never
// completed.
inline constexpr Millis kExpectCompletion{20000};
inline constexpr Millis kExpectNoCompletion{1500};
inline constexpr Millis kExpectDeath{30000};

inline constexpr uint32_t kStatusSuccess = 0;
inline constexpr uint32_t kStatusPending = 0x103;
inline constexpr uint32_t kAfInet = 2, kSockStream = 1, kIpprotoTcp = 6;
inline constexpr uint32_t kFlagListen = 1, kFlagConnection = 2,
                          kFlagStream = 8;

// "0xC0000002".
std::string Hex(int32_t status);

// A Windows SOCKADDR_IN for 127.0.0.1:port.
Bytes Loopback(uint16_t port);

// The TEXT field of a message (an ERROR's reason), as text.
std::string TextOf(const Message& m);

class WineRoute : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Sends `call`, expects a RETURN; returns it.
  Message Call(const MessageBuilder& call);
  // The COMPLETION of `ret`'s request, which must come when it pended.
  std::optional<Message> Completion(const Message& ret, Millis timeout);
  // Register + capture; returns the registration handle.
  uint32_t Attach();
  // A WskSocket call (stream TCP unless said otherwise), to add to.
  static MessageBuilder SocketCall(uint32_t registration, uint32_t flags,
                                   uint32_t type = kSockStream,
                                   uint32_t protocol = kIpprotoTcp);
  // WskSocket, waiting for its completion; returns the new socket id, or
  // 0 (recorded) when the provider refused the socket.
  uint32_t NewSocket(uint32_t registration, uint32_t flags);
  // Records "RETURN status / COMPLETION status" (or "never completed").
  void Record(const std::string& name, const Message& ret,
              const std::optional<Message>& done);
  // A socket call that takes an IRP: RETURN, then (maybe) COMPLETION.
  // Records both under `name`; returns the completion if one came.
  std::optional<Message> Run(const std::string& name,
                             const MessageBuilder& call,
                             Millis timeout = kExpectCompletion);
  void CloseSocket(uint32_t socket);

  // A connection socket of a new registration, bound and connected to
  // `peer`, and the Linux end of it; socket 0 or accepted -1 (with a test
  // failure) when a step did not work.
  struct StreamPair {
    uint32_t socket = 0;
    int accepted = -1;
  };
  StreamPair ConnectTo(const LoopbackSocket& peer);

  std::unique_ptr<WinePrefix> prefix_;
  std::unique_ptr<AgentSession> session_;
  bool expect_clean_stop_ = true;
};

}  // namespace wskconf::agent

#endif  // WSKCONF_TESTS_AGENT_WINE_ROUTE_FIXTURE_H_
