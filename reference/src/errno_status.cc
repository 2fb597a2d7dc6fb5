// The errno -> NTSTATUS table: what Windows' TCP/IP stack reports for the
// condition the host's errno names.
#include "internal/errno_status.h"

#include <cerrno>

namespace wskconf::reference::internal {

NTSTATUS StatusFromErrno(int err) {
  switch (err) {
    case 0: return STATUS_SUCCESS;
    // guide/sharing-transport-addresses.md: a bind to an address in use
    // fails with STATUS_ADDRESS_ALREADY_EXISTS (WskBind.AddressInUseStatus).
    case EADDRINUSE: return STATUS_ADDRESS_ALREADY_EXISTS;
    case EADDRNOTAVAIL: return STATUS_INVALID_ADDRESS_COMPONENT;
    case EAFNOSUPPORT: return STATUS_INVALID_ADDRESS_COMPONENT;
    case ECONNREFUSED: return STATUS_CONNECTION_REFUSED;
    case ECONNRESET: return STATUS_CONNECTION_RESET;
    case ECONNABORTED: return STATUS_CONNECTION_ABORTED;
    case EPIPE: return STATUS_CONNECTION_RESET;
    case ENOTCONN: return STATUS_INVALID_CONNECTION;
    case EISCONN: return STATUS_CONNECTION_ACTIVE;
    case EALREADY: return STATUS_INVALID_DEVICE_STATE;
    case ENETUNREACH: return STATUS_NETWORK_UNREACHABLE;
    case EHOSTUNREACH: return STATUS_HOST_UNREACHABLE;
    case ENETDOWN: return STATUS_NETWORK_UNREACHABLE;
    case ETIMEDOUT: return STATUS_IO_TIMEOUT;
    case EACCES: return STATUS_ACCESS_DENIED;
    case EPERM: return STATUS_ACCESS_DENIED;
    case ENOMEM: return STATUS_INSUFFICIENT_RESOURCES;
    case ENOBUFS: return STATUS_INSUFFICIENT_RESOURCES;
    case EMFILE: return STATUS_TOO_MANY_ADDRESSES;
    case ENFILE: return STATUS_INSUFFICIENT_RESOURCES;
    case EINVAL: return STATUS_INVALID_PARAMETER;
    case EPROTONOSUPPORT: return STATUS_NOT_SUPPORTED;
    case ESOCKTNOSUPPORT: return STATUS_NOT_SUPPORTED;
    case EOPNOTSUPP: return STATUS_NOT_SUPPORTED;
    case EMSGSIZE: return STATUS_INVALID_BUFFER_SIZE;
    case EBADF: return STATUS_INVALID_HANDLE;
    case ENOPROTOOPT: return STATUS_NOT_SUPPORTED;
    default: return STATUS_UNSUCCESSFUL;
  }
}

}  // namespace wskconf::reference::internal
