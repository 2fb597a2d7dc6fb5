// Windows <-> host socket addresses. Windows' layouts differ from Linux's in
// the AF_INET6 value (23 against 10); SOCKADDR_IN6 is 28 bytes on both, with
// the same field order, so the conversion is field by field.
#include "internal/address.h"

#include <netinet/in.h>

#include <cstring>

namespace wskconf::reference::internal {

int HostFamily(ADDRESS_FAMILY family) {
  if (family == WS_AF_INET) return AF_INET;
  if (family == WS_AF_INET6) return AF_INET6;
  return -1;
}

size_t WindowsAddressLength(ADDRESS_FAMILY family) {
  return family == WS_AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
}

NTSTATUS ToHost(const SOCKADDR* address, ADDRESS_FAMILY family,
                sockaddr_storage* out, socklen_t* out_length) {
  if (address == nullptr) return STATUS_INVALID_PARAMETER;
  if (address->sa_family != family) return STATUS_INVALID_ADDRESS_COMPONENT;
  std::memset(out, 0, sizeof(*out));
  if (family == WS_AF_INET) {
    const auto* in = reinterpret_cast<const SOCKADDR_IN*>(address);
    auto* host = reinterpret_cast<sockaddr_in*>(out);
    host->sin_family = AF_INET;
    host->sin_port = in->sin_port;
    std::memcpy(&host->sin_addr, &in->sin_addr, 4);
    *out_length = sizeof(sockaddr_in);
    return STATUS_SUCCESS;
  }
  const auto* in6 = reinterpret_cast<const SOCKADDR_IN6*>(address);
  auto* host = reinterpret_cast<sockaddr_in6*>(out);
  host->sin6_family = AF_INET6;
  host->sin6_port = in6->sin6_port;
  host->sin6_flowinfo = in6->sin6_flowinfo;
  std::memcpy(&host->sin6_addr, &in6->sin6_addr, 16);
  host->sin6_scope_id = in6->sin6_scope_id;
  *out_length = sizeof(sockaddr_in6);
  return STATUS_SUCCESS;
}

void FromHost(const sockaddr* address, SOCKADDR* out) {
  if (address->sa_family == AF_INET6) {
    const auto* host = reinterpret_cast<const sockaddr_in6*>(address);
    SOCKADDR_IN6 in6;
    std::memset(&in6, 0, sizeof(in6));
    in6.sin6_family = WS_AF_INET6;
    in6.sin6_port = host->sin6_port;
    in6.sin6_flowinfo = host->sin6_flowinfo;
    std::memcpy(&in6.sin6_addr, &host->sin6_addr, 16);
    in6.sin6_scope_id = host->sin6_scope_id;
    std::memcpy(out, &in6, sizeof(in6));
    return;
  }
  const auto* host = reinterpret_cast<const sockaddr_in*>(address);
  SOCKADDR_IN in;
  std::memset(&in, 0, sizeof(in));
  in.sin_family = WS_AF_INET;
  in.sin_port = host->sin_port;
  std::memcpy(&in.sin_addr, &host->sin_addr, 4);
  std::memcpy(out, &in, sizeof(in));
}

}  // namespace wskconf::reference::internal
