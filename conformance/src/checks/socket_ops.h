// Calls on a socket of the provider under test, one per WSK function, each
// with a tracked IRP whose completion contract is checked (private to
// conformance/src/checks). The function is taken from the socket's dispatch
// table by category, since the tables place them differently.
#ifndef WSKCONF_CONFORMANCE_SRC_CHECKS_SOCKET_OPS_H_
#define WSKCONF_CONFORMANCE_SRC_CHECKS_SOCKET_OPS_H_

#include <wsk.h>

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "wskconf/conformance/host_peer.h"
#include "wskconf/conformance/irp_harness.h"
#include "wskconf/conformance/wsk_client.h"

namespace wskconf::conformance::checks::internal {

// The socket functions of one socket (NULL where its category has none).
struct SocketFunctions {
  PFN_WSK_BIND Bind = nullptr;
  PFN_WSK_CONNECT Connect = nullptr;
  PFN_WSK_CONNECT_EX ConnectEx = nullptr;
  PFN_WSK_LISTEN Listen = nullptr;
  PFN_WSK_ACCEPT Accept = nullptr;
  PFN_WSK_GET_LOCAL_ADDRESS GetLocalAddress = nullptr;
  PFN_WSK_GET_REMOTE_ADDRESS GetRemoteAddress = nullptr;
  PFN_WSK_SEND Send = nullptr;
  PFN_WSK_RECEIVE Receive = nullptr;
  PFN_WSK_DISCONNECT Disconnect = nullptr;
  PFN_WSK_SEND_TO SendTo = nullptr;
  PFN_WSK_RECEIVE_FROM ReceiveFrom = nullptr;
};
SocketFunctions FunctionsOf(const WskSocketOwner& socket);

// The outcome of one call: the final status and Information once the IRP
// completed, or `ok` false with the harness's message.
struct CallOutcome {
  ::testing::AssertionResult ok = ::testing::AssertionSuccess();
  NTSTATUS returned = STATUS_PENDING;
  NTSTATUS status = STATUS_PENDING;
  ULONG_PTR information = 0;
};

// Finishes `irp` after the call returned `returned`.
CallOutcome Finish(TrackedIrp& irp, NTSTATUS returned);

// A buffer with an MDL over it (nonpaged-style, built once), for WSK_BUF.
class MdlBuffer {
 public:
  explicit MdlBuffer(std::string content);
  explicit MdlBuffer(size_t size) : MdlBuffer(std::string(size, '\0')) {}
  ~MdlBuffer();
  MdlBuffer(const MdlBuffer&) = delete;
  MdlBuffer& operator=(const MdlBuffer&) = delete;

  WSK_BUF Buf(size_t offset = 0) const;
  WSK_BUF Buf(size_t offset, size_t length) const;
  PMDL mdl() const { return mdl_; }
  std::string Contents(size_t length) const { return data_.substr(0, length); }
  size_t size() const { return data_.size(); }

 private:
  std::string data_;
  PMDL mdl_ = nullptr;
};

// Deterministic payload of `size` bytes, different per `seed`.
std::string Payload(size_t size, int seed = 0);

// Steps shared by the helpers. Each checks the IRP contract and returns the
// outcome; the helper decides what the status means for its clause.
CallOutcome BindTo(const WskSocketOwner& socket, const SOCKADDR_STORAGE& address);
CallOutcome GetLocalAddress(const WskSocketOwner& socket, SOCKADDR_STORAGE* out);
CallOutcome GetRemoteAddress(const WskSocketOwner& socket, SOCKADDR_STORAGE* out);
CallOutcome ConnectTo(const WskSocketOwner& socket, const SOCKADDR_STORAGE& remote);
CallOutcome Send(const WskSocketOwner& socket, const MdlBuffer& buffer,
                 size_t length, ULONG flags = 0);
CallOutcome Disconnect(const WskSocketOwner& socket, ULONG flags);
CallOutcome Listen(const WskSocketOwner& socket);

// A connection- or stream-category socket of the case's family, bound to
// loopback and connected to a host listener, with the host's end accepted.
struct ConnectedPair {
  std::unique_ptr<HostTcpListener> listener;
  HostConnection peer;
};
::testing::AssertionResult Connect(WskSocketOwner& socket, SocketCategory category,
                                   ADDRESS_FAMILY family, ConnectedPair* pair);

// A socket bound to loopback port 0 (listen/datagram/connection/stream).
::testing::AssertionResult CreateBound(WskSocketOwner& socket,
                                       SocketCategory category,
                                       ADDRESS_FAMILY family);

inline bool IsIpv6(ADDRESS_FAMILY family) { return family == AF_INET6; }

}  // namespace wskconf::conformance::checks::internal

#endif  // WSKCONF_CONFORMANCE_SRC_CHECKS_SOCKET_OPS_H_
