// Sharing of local transport addresses between this provider's sockets
// (guide/sharing-transport-addresses.md): WskBind asks here whether a
// second bind to an address another socket holds succeeds, from both
// sockets' SO_REUSEADDR / SO_EXCLUSIVEADDRUSE and whether each address is
// the wildcard or a specific one. Linux's own rules differ, so the host
// socket is only asked to share where Windows' table allows it.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_ADDRESS_SHARING_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_ADDRESS_SHARING_H_

#include <wsk.h>
#include <sys/socket.h>

#include "internal/socket.h"

namespace wskconf::reference::internal {

// Binds s->fd to `host` (length bytes) if the table allows it against every
// socket holding an overlapping address: STATUS_SUCCESS (s now holds the
// address it got), STATUS_ADDRESS_ALREADY_EXISTS (INUSE),
// STATUS_ACCESS_DENIED (DENIED, and CHECK: every socket has the default
// security descriptor, which forbids sharing), or the host's bind error.
// Caller holds s->mu.
NTSTATUS BindShared(Socket* s, const sockaddr_storage& host, socklen_t length);

// Forgets the address s holds, if any; before s->fd is closed.
void ReleaseSharedAddress(Socket* s);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_ADDRESS_SHARING_H_
