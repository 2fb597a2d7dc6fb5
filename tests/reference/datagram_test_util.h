// Helpers for datagram-socket tests: WSK datagram sockets bound to
// loopback, host UDP peers, and the datagram dispatch table.
#ifndef WSKCONF_TESTS_REFERENCE_DATAGRAM_TEST_UTIL_H_
#define WSKCONF_TESTS_REFERENCE_DATAGRAM_TEST_UTIL_H_

#include <string>

#include "reference_test_util.h"

namespace wskconf::reference::testing {

const WSK_PROVIDER_DATAGRAM_DISPATCH* DatagramTable(PWSK_SOCKET socket);

// WskSocket(WSK_FLAG_DATAGRAM_SOCKET) with `type`/`protocol`; the socket,
// or nullptr with *status set (a test failure when status is NULL).
PWSK_SOCKET DatagramSocket(WskClient& client, ADDRESS_FAMILY family,
                           PVOID context = nullptr, const void* dispatch = nullptr,
                           NTSTATUS* status = nullptr, USHORT type = WS_SOCK_DGRAM,
                           ULONG protocol = WS_IPPROTO_UDP);
// A datagram socket bound to loopback port 0; its address in *local.
PWSK_SOCKET BoundDatagramSocket(WskClient& client, ADDRESS_FAMILY family,
                                SOCKADDR_STORAGE* local, PVOID context = nullptr,
                                const void* dispatch = nullptr);
// WskGetLocalAddress through the datagram table.
NTSTATUS DatagramLocalAddress(PWSK_SOCKET socket, SOCKADDR_STORAGE* address);
// WskSendTo of `bytes` to `remote` (NULL: the socket's default).
NTSTATUS SendTo(PWSK_SOCKET socket, const std::string& bytes,
                const SOCKADDR_STORAGE* remote, ULONG_PTR* information = nullptr);

// A host UDP socket bound to loopback; its Windows-layout address in *address.
int HostUdp(ADDRESS_FAMILY family, SOCKADDR_STORAGE* address);
// Sends `bytes` from host socket `fd` to the Windows-layout `to`.
void HostSendTo(int fd, const std::string& bytes, const SOCKADDR_STORAGE& to);
// Receives one datagram (waiting up to `timeout_ms`); false on timeout.
bool HostReceive(int fd, std::string* bytes, ULONG timeout_ms = kExpectCompletion);

// True when two Windows-layout addresses name the same family, port and IP.
bool SameAddress(const SOCKADDR_STORAGE& a, const SOCKADDR_STORAGE& b);

}  // namespace wskconf::reference::testing

#endif  // WSKCONF_TESTS_REFERENCE_DATAGRAM_TEST_UTIL_H_
