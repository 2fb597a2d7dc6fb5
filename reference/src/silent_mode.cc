// SIO_WSK_SET_TCP_SILENT_MODE (spec/ioctls.xml, guide/sio-wsk-set-tcp-silent-mode.md):
// a connected TCP socket stops putting anything on the wire and drops what
// arrives; sends and disconnects then fail with STATUS_INVALID_DEVICE_STATE
// and only WskCloseSocket is left. On Linux:
//  - TCP_REPAIR (CAP_NET_ADMIN): the kernel sends no new data and closes
//    the socket without a FIN or a reset;
//  - a socket filter that accepts nothing: arriving segments are dropped
//    before TCP sees them, so not even an ACK answers them;
//  - SO_KEEPALIVE off, so no keep-alive probe leaves;
//  - the provider stops watching the socket: no receive completes, no
//    callback is made, until the close cancels what waits.
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "internal/client_checks.h"
#include "internal/control.h"
#include "internal/errno_status.h"
#include "internal/event_loop.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

// The address bytes of a host address (4 or 16), and whether it is a
// loopback one (127/8, ::1, ::ffff:127/104).
struct HostAddress {
  unsigned char bytes[16] = {};
  size_t size = 0;
  bool loopback = false;
};

bool ReadAddress(int fd, bool peer, HostAddress* out) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  const int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length)
                      : getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  if (rc != 0) return false;
  if (storage.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(storage);
    std::memcpy(out->bytes, &in.sin_addr, 4);
    out->size = 4;
    out->loopback = out->bytes[0] == 127;
    return true;
  }
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(storage);
  std::memcpy(out->bytes, &in6.sin6_addr, 16);
  out->size = 16;
  out->loopback = IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr) ||
                  (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr) && out->bytes[12] == 127);
  return true;
}

// "It is not supported on loopback": a peer at a loopback address, or at
// the socket's own address (a connection within this host, which Linux
// routes over its loopback device as well).
bool IsLoopbackConnection(int fd) {
  HostAddress local, peer;
  if (!ReadAddress(fd, false, &local) || !ReadAddress(fd, true, &peer)) return false;
  return peer.loopback ||
         (peer.size == local.size && std::memcmp(peer.bytes, local.bytes, peer.size) == 0);
}

bool SendOrDisconnectPending(const Socket* s) { return !s->send_queue.empty(); }

// The host side: a filter dropping every arriving segment, keep-alives off,
// then repair mode. On failure nothing stays changed.
NTSTATUS SilenceHost(int fd) {
  static sock_filter drop_all[] = {{BPF_RET | BPF_K, 0, 0, 0}};
  sock_fprog program{1, drop_all};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) != 0) {
    return StatusFromErrno(errno);
  }
  int keepalive = 0;
  socklen_t size = sizeof(keepalive);
  getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &keepalive, &size);
  const int off = 0;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &off, sizeof(off));
  const int on = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)) != 0) {
    // EPERM without CAP_NET_ADMIN: this host cannot silence a connection.
    const int dummy = 0;
    setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof(dummy));
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &keepalive, sizeof(keepalive));
    return STATUS_NOT_SUPPORTED;
  }
  return STATUS_SUCCESS;
}

}  // namespace

NTSTATUS SetSilentMode(const ControlRequest& req, SIZE_T*) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;  // IrpRequired
  Socket* s = req.socket;
  if (s->category != Category::kConnection && s->category != Category::kStream) {
    return STATUS_NOT_SUPPORTED;  // a TCP connection's request
  }
  std::unique_lock<std::mutex> lock(s->mu);
  if (s->silent) return STATUS_SUCCESS;
  const char* mistake = nullptr;
  NTSTATUS status = STATUS_SUCCESS;
  if (s->state != State::kConnected || s->aborted) {
    mistake = "the socket has no connection";  // ConnectedTcpOnly
    status = STATUS_INVALID_DEVICE_STATE;
  } else if (SendOrDisconnectPending(s)) {
    mistake = "a send or disconnect is still pending";  // NoPendingSendOrDisconnect
    status = STATUS_INVALID_DEVICE_STATE;
  } else if (IsLoopbackConnection(s->fd)) {
    mistake = "the connection is a loopback one, where silent mode is not supported";
    status = STATUS_NOT_SUPPORTED;  // ConnectedTcpOnly
  } else {
    status = SilenceHost(s->fd);
    if (NT_SUCCESS(status)) {
      s->silent = true;  // SuccessWhenOn; WatchLocked never adds it again
      if (s->watched) {  // IncomingDiscarded: the loop forgets it
        LoopUnwatch(s);
        s->watched = false;
      }
    }
  }
  lock.unlock();
  if (mistake != nullptr) ReportWrongState(s, "SIO_WSK_SET_TCP_SILENT_MODE", mistake);
  return status;
}

}  // namespace wskconf::reference::internal
