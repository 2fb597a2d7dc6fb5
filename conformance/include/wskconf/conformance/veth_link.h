// Two fresh network namespaces joined by a veth link, so a test can open a
// TCP connection that crosses a network device instead of loopback: what
// SIO_WSK_SET_TCP_SILENT_MODE needs, as its page rules loopback out. The
// namespaces are private to the process and vanish with their last socket.
// Needs CAP_SYS_ADMIN and CAP_NET_ADMIN; Create() says why it cannot. No
// host socket headers here, so code built on the WDK headers can use it.
#ifndef WSKCONF_CONFORMANCE_VETH_LINK_H_
#define WSKCONF_CONFORMANCE_VETH_LINK_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace wskconf::conformance {

class VethLink {
 public:
  // The two ends: "near" for the implementation under test, "far" for the
  // test's own peer. Addresses 10.201.0.1 / fd57:7773::1 (near) and
  // 10.201.0.2 / fd57:7773::2 (far), each on its own side of the link.
  enum class End { kNear, kFar };

  VethLink() = default;
  ~VethLink();
  VethLink(const VethLink&) = delete;
  VethLink& operator=(const VethLink&) = delete;

  // Creates both namespaces and the configured link, leaving the calling
  // thread in its own namespace. False, with the reason in *why (the failing
  // call and its errno), when the host does not allow it.
  bool Create(std::string* why);

  // Runs `body` with the calling thread in the namespace of `end` (host
  // sockets it creates live there), then puts the thread back in the
  // namespace it had at Create(). False (body not run) if entering failed.
  bool RunIn(End end, const std::function<void()>& body) const;

  // The address of `end`, network order: 16 bytes when `ipv6`, else 4.
  static const uint8_t* AddressBytes(End end, bool ipv6);

  // A TCP socket listening at the address of `end` (inside its namespace),
  // port chosen by the host and written to *port; -1 on failure.
  int ListenTcp(End end, bool ipv6, uint16_t* port) const;
  // Accepts one connection on `listener` within `limit`; -1 if none came.
  static int AcceptTcp(int listener, std::chrono::milliseconds limit);

 private:
  bool Configure(End end, std::string* why) const;

  int own_fd_ = -1;
  int near_fd_ = -1;
  int far_fd_ = -1;
};

}  // namespace wskconf::conformance

#endif  // WSKCONF_CONFORMANCE_VETH_LINK_H_
