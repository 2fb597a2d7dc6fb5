// Socket addresses at the provider's edge: Windows SOCKADDR_IN/SOCKADDR_IN6
// (AF_INET6 = 23, ws2def.h/ws2ipdef.h) to and from the host's sockaddr.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_ADDRESS_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_ADDRESS_H_

#include <wsk.h>
#include <sys/socket.h>

namespace wskconf::reference::internal {

// The host address family for a Windows one (WS_AF_INET/WS_AF_INET6), or -1.
int HostFamily(ADDRESS_FAMILY family);

// Converts `address` (Windows layout) into `out`. It must be of `family`
// (the socket's Windows family): STATUS_INVALID_PARAMETER for NULL,
// STATUS_INVALID_ADDRESS_COMPONENT for another family.
NTSTATUS ToHost(const SOCKADDR* address, ADDRESS_FAMILY family,
                sockaddr_storage* out, socklen_t* out_length);

// Writes host address `address` in Windows layout to `out` (room for a
// SOCKADDR_IN6 when the family is AF_INET6, a SOCKADDR_IN otherwise).
void FromHost(const sockaddr* address, SOCKADDR* out);

// Bytes a Windows address of `family` occupies (16 or 28).
size_t WindowsAddressLength(ADDRESS_FAMILY family);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_ADDRESS_H_
