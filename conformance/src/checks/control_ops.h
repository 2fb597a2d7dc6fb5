// WskControlSocket calls of the check helpers (private to
// conformance/src/checks): one request with or without an IRP, and ULONG
// option reads and writes. The option or IOCTL code of a case comes from the
// spec element's `value` (CodeOf).
#ifndef WSKCONF_CONFORMANCE_SRC_CHECKS_CONTROL_OPS_H_
#define WSKCONF_CONFORMANCE_SRC_CHECKS_CONTROL_OPS_H_

#include <wsk.h>

#include "checks/socket_ops.h"
#include "wskconf/conformance/case_info.h"

namespace wskconf::conformance::checks::internal {

// The element's `value` as a number (0 when it has none).
ULONG CodeOf(const CaseInfo& info);

// One WskControlSocket request.
struct Control {
  WSK_CONTROL_SOCKET_TYPE type = WskGetOption;
  ULONG code = 0;
  ULONG level = SOL_SOCKET;
  const void* input = nullptr;
  SIZE_T input_size = 0;
  void* output = nullptr;
  SIZE_T output_size = 0;
  bool with_irp = true;
};

// One WskControlSocket call. Without an IRP the returned status is the
// outcome and `returned_size` receives *OutputSizeReturned.
CallOutcome ControlCall(const WskSocketOwner& socket, const Control& c,
                        SIZE_T* returned_size = nullptr);

// WskSetOption / WskGetOption of a ULONG option at SOL_SOCKET, with an IRP.
CallOutcome SetUlong(const WskSocketOwner& socket, ULONG code, ULONG value);
CallOutcome GetUlong(const WskSocketOwner& socket, ULONG code, ULONG* value);

// A WskIoctl request with an IRP (Level 0).
CallOutcome Ioctl(const WskSocketOwner& socket, ULONG code, const void* input,
                  SIZE_T input_size, void* output = nullptr,
                  SIZE_T output_size = 0);

}  // namespace wskconf::conformance::checks::internal

#endif  // WSKCONF_CONFORMANCE_SRC_CHECKS_CONTROL_OPS_H_
