// The mutants' wrappers around host socket calls of the reference: sendmsg
// (buf-reads-past-mdl-chain) and shutdown (disc-graceful-shuts-both-ways). Host headers only,
// so this file does not include the WDK-shaped ones.
#include <sys/socket.h>
#include <sys/uio.h>

#include <vector>

// Set by support.cc's fault selection; see internal/hooks.h.
namespace wskconf::mutants {
bool ReadsPastMdlChain();
bool GracefulShutsBothWays();
}  // namespace wskconf::mutants

extern "C" int __real_shutdown(int fd, int how);

// disc-graceful-shuts-both-ways: SHUT_WR (a graceful disconnect) becomes
// SHUT_RDWR, so the socket cannot receive what the peer still sends.
extern "C" int __wrap_shutdown(int fd, int how) {
  if (wskconf::mutants::GracefulShutsBothWays() && how == SHUT_WR) how = SHUT_RDWR;
  return __real_shutdown(fd, how);
}

extern "C" ssize_t __real_sendmsg(int fd, const struct msghdr* message, int flags);

extern "C" ssize_t __wrap_sendmsg(int fd, const struct msghdr* message, int flags) {
  if (!wskconf::mutants::ReadsPastMdlChain() || message == nullptr ||
      message->msg_iovlen == 0) {
    return __real_sendmsg(fd, message, flags);
  }
  // The fault: the last piece of the chain is taken 16 bytes longer than
  // its MDL describes, so bytes past the chain go out on the wire. The count
  // reported stays within what the client asked to send.
  size_t asked = 0;
  std::vector<iovec> pieces(message->msg_iov, message->msg_iov + message->msg_iovlen);
  for (const iovec& piece : pieces) asked += piece.iov_len;
  pieces.back().iov_len += 16;
  msghdr longer = *message;
  longer.msg_iov = pieces.data();
  const ssize_t sent = __real_sendmsg(fd, &longer, flags);
  return sent > static_cast<ssize_t>(asked) ? static_cast<ssize_t>(asked) : sent;
}
