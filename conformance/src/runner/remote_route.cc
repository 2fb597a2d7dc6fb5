// The route to a relay the runner did not start (remote_route.h).
#include "runner/remote_route.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ostream>

#include <fmt/format.h>

#include "wskconf/agent/message.h"

namespace wskconf::conformance::internal {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Closes the descriptor when the probe returns.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status ConnectWithin(int fd, const AgentAddress& address,
                     std::chrono::milliseconds timeout) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(address.port);
  inet_pton(AF_INET, address.host.c_str(), &sin.sin_addr);  // parsed before
  if (connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0) {
    return OkStatus();
  }
  if (errno != EINPROGRESS) {
    return FailedPreconditionError(fmt::format("cannot connect: {}", strerror(errno)));
  }
  pollfd pfd = {fd, POLLOUT, 0};
  const int ready = poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready == 0) {
    return FailedPreconditionError(
        fmt::format("no answer to the connection within {} ms", timeout.count()));
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (ready < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
    error = errno;
  }
  if (error != 0) {
    return FailedPreconditionError(fmt::format("cannot connect: {}", strerror(error)));
  }
  return OkStatus();
}

// Exactly `size` bytes into `out`, or an error once the peer closed or
// `deadline` passed.
Status ReadExactly(int fd, uint8_t* out, size_t size, Clock::time_point deadline,
                   std::chrono::milliseconds timeout) {
  size_t got = 0;
  while (got < size) {
    pollfd pfd = {fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, MillisLeft(deadline));
    if (ready == 0) {
      return FailedPreconditionError(fmt::format("no answer within {} ms", timeout.count()));
    }
    const ssize_t n = ready < 0 ? -1 : recv(fd, out + got, size - got, 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      return FailedPreconditionError("it closed the connection without answering");
    }
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return FailedPreconditionError(strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  return OkStatus();
}

// HELLO out, HELLO_REPLY back, on a connected socket.
Status Handshake(int fd, std::chrono::milliseconds timeout) {
  agent::MessageBuilder hello(WSKA_MSG_HELLO, 0);
  hello.Set(WSKA_TAG_VERSION_MIN, WSKA_PROTOCOL_VERSION_MIN)
      .Set(WSKA_TAG_VERSION_MAX, WSKA_PROTOCOL_VERSION);
  WSKCONF_ASSIGN_OR_RETURN(agent::Bytes frame, hello.Encode(1));
  if (send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(frame.size())) {
    return FailedPreconditionError(fmt::format("sending HELLO: {}", strerror(errno)));
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  agent::Bytes reply(WSKA_HEADER_SIZE);
  Status read = ReadExactly(fd, reply.data(), reply.size(), deadline, timeout);
  uint32_t payload = 0;
  WSKA_RESULT result;
  if (read.ok() &&
      WskaPeekHeader(reply.data(), reply.size(), &payload, &result) != WSKA_E_OK) {
    return FailedPreconditionError(
        "the answer to HELLO is not a message of the agent protocol (is this "
        "port a wskconf relay?)");
  }
  if (read.ok()) {
    reply.resize(WSKA_HEADER_SIZE + payload);
    read = ReadExactly(fd, reply.data() + WSKA_HEADER_SIZE, payload, deadline, timeout);
  }
  if (!read.ok()) {
    return FailedPreconditionError(
        fmt::format("protocol handshake (HELLO): {}", read.message()));
  }
  WSKCONF_ASSIGN_OR_RETURN(agent::Message message, agent::Message::Decode(reply));
  if (message->type != WSKA_MSG_HELLO_REPLY) {
    return FailedPreconditionError(
        fmt::format("the handshake was refused: {}", message.Describe()));
  }
  return OkStatus();
}

}  // namespace

std::string AgentAddress::ToString() const { return fmt::format("{}:{}", host, port); }

StatusOr<AgentAddress> ParseAgentAddress(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgumentError(fmt::format(
        "--agent '{}': {} (expected HOST:PORT, an IPv4 address and a TCP port "
        "1-65535, where wskconf_relay.exe --tcp PORT --any --serve listens)",
        text, why));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  AgentAddress address;
  address.host = std::string(text.substr(0, colon));
  const std::string_view port = text.substr(colon + 1);
  in_addr ignored;
  if (address.host.empty()) return bad("no host");
  if (inet_pton(AF_INET, address.host.c_str(), &ignored) != 1) {
    return bad(fmt::format("'{}' is not an IPv4 address", address.host));
  }
  if (port.empty()) return bad("no port");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return bad(fmt::format("port '{}' is not a number from 1 to 65535", port));
  }
  if (value == 0) return bad("port 0 is not a port a relay can listen on");
  address.port = static_cast<uint16_t>(value);
  return address;
}

Status ProbeRelay(const AgentAddress& address, std::chrono::milliseconds connect_timeout,
                  std::chrono::milliseconds answer_timeout) {
  Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  Status status = fd.get() < 0
                      ? FailedPreconditionError(fmt::format("socket: {}", strerror(errno)))
                      : ConnectWithin(fd.get(), address, connect_timeout);
  if (status.ok()) status = Handshake(fd.get(), answer_timeout);
  if (status.ok()) return status;
  return FailedPreconditionError(
      fmt::format("the relay at {} does not answer: {}", address.ToString(),
                  status.message()));
}

StatusOr<std::unique_ptr<RemoteRoute>> RemoteRoute::Start(const AgentAddress& address,
                                                          std::ostream& progress) {
  if (Status probe = ProbeRelay(address); !probe.ok()) {
    return FailedPreconditionError(fmt::format(
        "--agent: {}; start it there with wskconf_relay.exe --tcp {} --any "
        "--serve (agent/README.md); the runner cannot start or restart it",
        probe.message(), address.port));
  }
  progress << fmt::format("agent: the relay at {} answers; Wine is not started, "
                          "and the relay's side cannot be restarted by this run\n",
                          address.ToString());
  return std::unique_ptr<RemoteRoute>(new RemoteRoute(address));
}

std::string RemoteRoute::ChildEnvironmentEntry() const {
  return "WSKCONF_AGENT_ADDRESS=" + address_.ToString();
}

void RemoteRoute::AfterCase(const reports::CaseResult& result) {
  if (result.verdict != reports::Verdict::kError) return;
  {
    std::lock_guard lock(mu_);
    if (!gone_.empty()) return;
  }
  Status probe = ProbeRelay(address_);
  if (probe.ok()) return;
  std::lock_guard lock(mu_);
  gone_ = fmt::format("not run: {} (found after {} ended in ERROR); the "
                      "runner cannot restart a relay it did not start",
                      probe.message(), result.name);
  gone_after_ = result.name;
}

std::string RemoteRoute::NotRunReason() const {
  std::lock_guard lock(mu_);
  return gone_;
}

std::string RemoteRoute::Summary() const {
  std::lock_guard lock(mu_);
  if (gone_.empty()) {
    return fmt::format("agent: the relay at {} served the whole run\n",
                       address_.ToString());
  }
  return fmt::format("agent: the relay at {} went away during {}; the cases "
                     "after it were not run\n",
                     address_.ToString(), gone_after_);
}

}  // namespace wskconf::conformance::internal
