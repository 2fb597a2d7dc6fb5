// Host-socket peers for the conformance cases (host_peer.h). This file sees
// only the host's socket headers, never the Windows ones.
#include "wskconf/conformance/host_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wskconf::conformance {
namespace {

using Clock = std::chrono::steady_clock;

// Loopback address of the family with `port`; `length` receives its size.
sockaddr_storage Loopback(bool ipv6, uint16_t port, socklen_t* length) {
  sockaddr_storage storage{};
  if (ipv6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    in6->sin6_port = htons(port);
    *length = sizeof(sockaddr_in6);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    in->sin_port = htons(port);
    *length = sizeof(sockaddr_in);
  }
  return storage;
}

uint16_t PortOfFd(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return 0;
  }
  if (storage.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
}

// A bound socket of `type` on loopback port 0, or -1.
int BoundSocket(bool ipv6, int type) {
  const int fd = socket(ipv6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  socklen_t length;
  sockaddr_storage address = Loopback(ipv6, 0, &length);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Waits for `events` on `fd` until `deadline`; true if ready.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  pollfd entry{fd, events, 0};
  const int timeout = left.count() > 0 ? static_cast<int>(left.count()) : 0;
  return poll(&entry, 1, timeout) > 0;
}

}  // namespace

std::string_view PeerEndName(PeerEnd end) {
  switch (end) {
    case PeerEnd::kOrderly:
      return "an orderly end (FIN)";
    case PeerEnd::kReset:
      return "a reset";
    case PeerEnd::kTimeout:
      return "nothing";
    case PeerEnd::kData:
      return "more data";
    case PeerEnd::kError:
      return "an error";
  }
  return "?";
}

HostConnection::~HostConnection() {
  if (fd_ >= 0) close(fd_);
}

HostConnection::HostConnection(HostConnection&& other) noexcept
    : fd_(other.fd_) {
  other.fd_ = -1;
}

HostConnection& HostConnection::operator=(HostConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

HostConnection HostConnection::Connect(bool ipv6, uint16_t port,
                                       std::chrono::milliseconds limit) {
  const int fd =
      socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return HostConnection();
  socklen_t length;
  sockaddr_storage address = Loopback(ipv6, port, &length);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 &&
      errno != EINPROGRESS) {
    close(fd);
    return HostConnection();
  }
  int error = 0;
  socklen_t error_length = sizeof error;
  if (!WaitFor(fd, POLLOUT, Clock::now() + limit) ||
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_length) != 0 ||
      error != 0) {
    close(fd);
    return HostConnection();
  }
  return HostConnection(fd);
}

uint16_t HostConnection::local_port() const { return PortOfFd(fd_); }

bool HostConnection::SendAll(std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        WaitFor(fd_, POLLOUT, Clock::now() + std::chrono::seconds(1));
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

std::string HostConnection::Receive(size_t count,
                                    std::chrono::milliseconds limit) {
  std::string data;
  const auto deadline = Clock::now() + limit;
  while (data.size() < count && WaitFor(fd_, POLLIN, deadline)) {
    char buffer[4096];
    const size_t want = std::min(sizeof buffer, count - data.size());
    const ssize_t got = recv(fd_, buffer, want, MSG_DONTWAIT);
    if (got <= 0) {
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      break;
    }
    data.append(buffer, static_cast<size_t>(got));
  }
  return data;
}

PeerEnd HostConnection::WaitForEnd(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (WaitFor(fd_, POLLIN, deadline)) {
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got == 0) return PeerEnd::kOrderly;
    if (got > 0) return PeerEnd::kData;
    if (errno == EAGAIN || errno == EINTR) continue;
    return errno == ECONNRESET ? PeerEnd::kReset : PeerEnd::kError;
  }
  return PeerEnd::kTimeout;
}

void HostConnection::ShutdownSend() { shutdown(fd_, SHUT_WR); }

void HostConnection::CloseWithReset() {
  if (fd_ < 0) return;
  linger option{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof option);
  close(fd_);
  fd_ = -1;
}

HostTcpListener::HostTcpListener(bool ipv6) {
  fd_ = BoundSocket(ipv6, SOCK_STREAM);
  if (fd_ >= 0 && listen(fd_, 16) != 0) {
    close(fd_);
    fd_ = -1;
  }
  if (fd_ >= 0) port_ = PortOfFd(fd_);
}

HostTcpListener::~HostTcpListener() {
  if (fd_ >= 0) close(fd_);
}

HostConnection HostTcpListener::Accept(std::chrono::milliseconds limit) {
  if (!WaitFor(fd_, POLLIN, Clock::now() + limit)) return HostConnection();
  const int fd = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  return HostConnection(fd);
}

HostUdpSocket::HostUdpSocket(bool ipv6) : ipv6_(ipv6) {
  fd_ = BoundSocket(ipv6, SOCK_DGRAM);
  if (fd_ >= 0) port_ = PortOfFd(fd_);
}

HostUdpSocket::~HostUdpSocket() {
  if (fd_ >= 0) close(fd_);
}

bool HostUdpSocket::SendTo(uint16_t port, std::string_view data) {
  socklen_t length;
  sockaddr_storage address = Loopback(ipv6_, port, &length);
  return sendto(fd_, data.data(), data.size(), 0,
                reinterpret_cast<sockaddr*>(&address),
                length) == static_cast<ssize_t>(data.size());
}

std::optional<HostUdpSocket::Datagram> HostUdpSocket::Receive(
    std::chrono::milliseconds limit) {
  if (!WaitFor(fd_, POLLIN, Clock::now() + limit)) return std::nullopt;
  char buffer[65536];
  sockaddr_storage from{};
  socklen_t length = sizeof from;
  const ssize_t got = recvfrom(fd_, buffer, sizeof buffer, MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &length);
  if (got < 0) return std::nullopt;
  Datagram datagram;
  datagram.data.assign(buffer, static_cast<size_t>(got));
  datagram.from_port =
      from.ss_family == AF_INET6
          ? ntohs(reinterpret_cast<sockaddr_in6*>(&from)->sin6_port)
          : ntohs(reinterpret_cast<sockaddr_in*>(&from)->sin_port);
  return datagram;
}

HostRefusingTcpPort::HostRefusingTcpPort(bool ipv6)
    : fd_(BoundSocket(ipv6, SOCK_STREAM)) {
  if (fd_ >= 0) port_ = PortOfFd(fd_);
}

HostRefusingTcpPort::~HostRefusingTcpPort() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace wskconf::conformance
