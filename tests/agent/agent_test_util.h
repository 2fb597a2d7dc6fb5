// Loopback sockets and frame I/O shared by the agent tests (labels agent and
// wine): fake agents and relays, Linux peers of sockets made in Wine. Host
// socket headers stay in agent_test_util.cc, away from <wsk.h>.
#ifndef WSKCONF_TESTS_AGENT_AGENT_TEST_UTIL_H_
#define WSKCONF_TESTS_AGENT_AGENT_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "wskconf/agent/message.h"
#include "wskconf/agent/wine.h"

namespace wskconf::agent {

// A socket bound to 127.0.0.1 on a port the kernel chose; a stream socket
// also listens. Bind or listen failing is a test failure. Closed when
// destroyed, or earlier by Close.
class LoopbackSocket {
 public:
  enum Kind { kStream, kDatagram };
  explicit LoopbackSocket(Kind kind = kStream, int backlog = 4);
  ~LoopbackSocket() { Close(); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  void Close();

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A port nothing listens on: a listener's, closed again at once, so that
// whoever binds next (Wine, a relay) gets it.
uint16_t FreeLoopbackPort();

// A TCP connection to 127.0.0.1:port: its descriptor, or -1.
int ConnectLoopback(uint16_t port);

// The next connection to a listening socket: its descriptor, or -1.
int AcceptLoopback(int listener_fd);

// Reads one whole frame (header and payload) from fd; empty at end of
// stream or when the header is not one.
Bytes ReadFrame(int fd);

// Sends all of `bytes`; anything less is a test failure.
void SendAll(int fd, const Bytes& bytes);

// Encodes `m` with `request_id` in protocol `version` and sends it.
void SendMessage(int fd, const MessageBuilder& m, uint32_t request_id,
                 uint32_t version = WSKA_PROTOCOL_VERSION);

// Finds Wine and opens the prefix in `dir` (creating it on first use).
conformance::StatusOr<std::unique_ptr<WinePrefix>> OpenWinePrefix(
    const std::string& dir);

}  // namespace wskconf::agent

#endif  // WSKCONF_TESTS_AGENT_AGENT_TEST_UTIL_H_
