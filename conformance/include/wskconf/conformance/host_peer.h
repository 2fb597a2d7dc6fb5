// The far end of a conformance case: plain host sockets on the loopback
// interface (TCP listener, TCP connection, UDP socket), so a case can check
// what the implementation under test put on the wire without trusting it.
// No Windows types here: ports are host-order integers, `ipv6` picks the
// family. Every wait is bounded by the limit it is given (poll), never a
// sleep.
#ifndef WSKCONF_CONFORMANCE_HOST_PEER_H_
#define WSKCONF_CONFORMANCE_HOST_PEER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wskconf::conformance {

// How a connection's incoming direction ended, as the peer saw it.
enum class PeerEnd {
  kOrderly,  // read returned 0: FIN
  kReset,    // ECONNRESET
  kTimeout,  // nothing within the limit
  kData,     // data arrived instead
  kError,    // another error
};
std::string_view PeerEndName(PeerEnd end);

// One connected TCP socket of the host.
class HostConnection {
 public:
  HostConnection() = default;
  explicit HostConnection(int fd) : fd_(fd) {}
  ~HostConnection();
  HostConnection(HostConnection&& other) noexcept;
  HostConnection& operator=(HostConnection&& other) noexcept;

  // Connects to the loopback address of the family at `port`.
  static HostConnection Connect(bool ipv6, uint16_t port,
                                std::chrono::milliseconds limit);

  bool ok() const { return fd_ >= 0; }
  uint16_t local_port() const;
  // Sends everything; false on error.
  bool SendAll(std::string_view data);
  // Reads until `count` bytes arrived, the stream ended or `limit` passed.
  std::string Receive(size_t count, std::chrono::milliseconds limit);
  // Reads (and discards) until the incoming direction ends or `limit`.
  PeerEnd WaitForEnd(std::chrono::milliseconds limit);
  // Half-closes the sending direction (FIN).
  void ShutdownSend();
  // Closes with a reset (SO_LINGER 0).
  void CloseWithReset();

 private:
  int fd_ = -1;
};

// A TCP socket of the host listening on loopback, port chosen by the host.
class HostTcpListener {
 public:
  explicit HostTcpListener(bool ipv6);
  ~HostTcpListener();
  HostTcpListener(const HostTcpListener&) = delete;
  HostTcpListener& operator=(const HostTcpListener&) = delete;

  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }
  // Accepts one connection within `limit` (not ok() if none came).
  HostConnection Accept(std::chrono::milliseconds limit);

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A UDP socket of the host bound to loopback, port chosen by the host.
class HostUdpSocket {
 public:
  explicit HostUdpSocket(bool ipv6);
  ~HostUdpSocket();
  HostUdpSocket(const HostUdpSocket&) = delete;
  HostUdpSocket& operator=(const HostUdpSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }
  bool SendTo(uint16_t port, std::string_view data);
  struct Datagram {
    std::string data;
    uint16_t from_port = 0;
  };
  // One datagram within `limit`, or nullopt.
  std::optional<Datagram> Receive(std::chrono::milliseconds limit);

 private:
  bool ipv6_;
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A loopback TCP port that refuses connections: a host socket is bound
// there and never listens, for as long as this object lives. Holding the
// port (rather than closing it) keeps a socket the case binds to port 0 from
// being given the same port and connecting to itself, which succeeds.
class HostRefusingTcpPort {
 public:
  explicit HostRefusingTcpPort(bool ipv6);
  ~HostRefusingTcpPort();
  HostRefusingTcpPort(const HostRefusingTcpPort&) = delete;
  HostRefusingTcpPort& operator=(const HostRefusingTcpPort&) = delete;

  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace wskconf::conformance

#endif  // WSKCONF_CONFORMANCE_HOST_PEER_H_
