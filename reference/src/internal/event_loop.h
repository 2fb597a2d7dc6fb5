// The provider's one event-loop thread: epoll over every socket (edge
// triggered), plus work handed to it by other threads (IRPs to complete
// under the pend policy, sockets to rescan or free). It runs while at least
// one client is registered.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_EVENT_LOOP_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_EVENT_LOOP_H_

#include <wsk.h>

#include "internal/socket.h"

namespace wskconf::reference::internal {

// Starts the loop for one more user (WskRegister); STATUS_SUCCESS or the
// status of the failed epoll/eventfd/thread creation.
NTSTATUS LoopAddUser();
// Drops a user; the last one stops and joins the thread (PASSIVE_LEVEL,
// never on the loop thread). Every socket must be freed by then.
void LoopRemoveUser();

// Watches s->fd for readiness (edge triggered, in and out). Returns the
// failing errno's status.
NTSTATUS LoopWatch(Socket* s);
// Stops watching s->fd; call before closing it.
void LoopUnwatch(Socket* s);
// Watches s->netlink_fd (SIO_ADDRESS_LIST_CHANGE, address_list.cc): the
// loop calls OnAddressesChanged(s) when it becomes readable. The unwatch
// comes before the descriptor is closed.
NTSTATUS LoopWatchAddresses(Socket* s);
void LoopUnwatchAddresses(Socket* s);
// Watches the transport watcher's rtnetlink socket (transport_watch.h): the
// loop calls OnTransportsReadable() when it is readable. Closing `fd` ends
// the watch.
NTSTATUS LoopWatchTransports(int fd);

// Hands `irp` (marked pending, IoStatus set) to the loop, which completes it
// and releases its socket hold.
void LoopPostCompletion(PIRP irp);
// Asks the loop to do `work` (LoopWork bits) for `s`.
void LoopPost(Socket* s, uint32_t work);
// Frees the closed socket `s` (FreeSocket): at once on this thread when the
// loop never watched it nor had work posted for it, else after the loop's
// current batch.
void LoopFree(Socket* s);

// True on the loop thread.
bool OnLoopThread();

// Called by the loop (defined by the socket operations): the socket became
// readable/writable or hung up (epoll bits), or was posted kLoopRescan.
void OnSocketReady(Socket* s, uint32_t epoll_events);
// Called by the loop: s->netlink_fd is readable (address_list.cc).
void OnAddressesChanged(Socket* s);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_EVENT_LOOP_H_
