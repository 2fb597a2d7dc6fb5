// The one table that turns a host errno into the NTSTATUS Windows reports.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_ERRNO_STATUS_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_ERRNO_STATUS_H_

#include <wsk.h>

namespace wskconf::reference::internal {

// The NTSTATUS for host error `err` (an errno value); STATUS_UNSUCCESSFUL
// for errors the table does not know.
NTSTATUS StatusFromErrno(int err);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_ERRNO_STATUS_H_
