// The host's transports as WSK_TRANSPORT_LIST_QUERY lists them, and a
// watcher that notices when that list changes (WSK_TRANSPORT_LIST_CHANGE):
// an rtnetlink socket, open only while a client waits, watched by the
// event loop.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_TRANSPORT_WATCH_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_TRANSPORT_WATCH_H_

#include <wsk.h>

namespace wskconf::reference::internal {

// Whether the host offers IPv6 now: it has AF_INET6 sockets and IPv6 is not
// disabled for the provider's network namespace
// (net.ipv6.conf.all.disable_ipv6). TCP and UDP over IPv4 are always listed.
bool HostOffersIpv6();

// The watcher. The caller serialises these three (client_control.cc holds
// its waiters' lock). Start opens the rtnetlink socket (link and IPv6
// interface and address groups), has the loop watch it and notes the
// current list; STATUS_SUCCESS when it runs, else the failing call's
// status. Stop closes it (the loop forgets it with the descriptor).
NTSTATUS StartTransportWatch();
void StopTransportWatch();
// Reads every pending message; true when the list now differs from the
// one noted (which becomes the noted one). False when not running.
bool TransportsChanged();

// Called by the event loop when the watcher's socket is readable
// (client_control.cc): completes the waiting IRPs if the list changed.
void OnTransportsReadable();

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_TRANSPORT_WATCH_H_
