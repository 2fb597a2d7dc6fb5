// Loopback sockets and frame I/O of agent_test_util.h.
#include "agent_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace wskconf::agent {
namespace {

sockaddr_in LoopbackAddress(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

}  // namespace

LoopbackSocket::LoopbackSocket(Kind kind, int backlog) {
  fd_ = socket(AF_INET,
               (kind == kStream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd_, 0) << "socket: " << std::strerror(errno);
  sockaddr_in a = LoopbackAddress(0);
  socklen_t size = sizeof(a);
  EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0)
      << "bind: " << std::strerror(errno);
  if (kind == kStream) {
    EXPECT_EQ(listen(fd_, backlog), 0) << "listen: " << std::strerror(errno);
  }
  EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size), 0);
  port_ = ntohs(a.sin_port);
}

void LoopbackSocket::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

uint16_t FreeLoopbackPort() { return LoopbackSocket().port(); }

int ConnectLoopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = LoopbackAddress(port);
  if (fd >= 0 &&
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

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

int AcceptLoopback(int listener_fd) {
  return accept(listener_fd, nullptr, nullptr);
}

void SendAll(int fd, const Bytes& bytes) {
  ASSERT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(bytes.size()));
}

void SendMessage(int fd, const MessageBuilder& m, uint32_t request_id,
                 uint32_t version) {
  auto frame = m.Encode(request_id, version);
  ASSERT_TRUE(frame.ok()) << frame.status().message();
  SendAll(fd, *frame);
}

conformance::StatusOr<std::unique_ptr<WinePrefix>> OpenWinePrefix(
    const std::string& dir) {
  auto tools = FindWine();
  if (!tools.ok()) return tools.status();
  return WinePrefix::Open(*tools, dir);
}

}  // namespace wskconf::agent
