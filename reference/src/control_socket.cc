// WskControlSocket: argument checks shared by every option and IOCTL, then
// the handler the table names. Unknown requests fail with
// STATUS_NOT_SUPPORTED (WskControlSocket.UnknownOptionFails).
#include <iterator>

#include "internal/client_checks.h"
#include "internal/control.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

const ControlEntry kControlTable[] = {
    {WskSetOption, WS_SOL_SOCKET, SO_WSK_EVENT_CALLBACK, SetEventCallbacks},
    {WskSetOption, WS_SOL_SOCKET, WS_SO_CONDITIONAL_ACCEPT, ConditionalAcceptOption},
    {WskGetOption, WS_SOL_SOCKET, WS_SO_CONDITIONAL_ACCEPT, ConditionalAcceptOption},
    {WskSetOption, WS_SOL_SOCKET, SO_WSK_SECURITY, SecurityOption},
    {WskGetOption, WS_SOL_SOCKET, SO_WSK_SECURITY, SecurityOption},
    {WskIoctl, 0, SIO_WSK_QUERY_INSPECT_ID, QueryInspectId},
};

const ControlEntry* FindControl(WSK_CONTROL_SOCKET_TYPE type, ULONG level, ULONG code) {
  for (const ControlEntry& entry : kControlTable) {
    if (entry.type == type && entry.code == code &&
        (type == WskIoctl || entry.level == level)) {
      return &entry;
    }
  }
  return type == WskIoctl ? FindIoctl(code) : FindOption(type, level, code);
}

// The call without an IRP: the socket must be alive and not closing.
NTSTATUS CheckSocketNoIrp(PWSK_SOCKET socket, internal::Socket** s) {
  *s = FromWsk(socket);
  if (*s == nullptr) return STATUS_INVALID_HANDLE;
  std::lock_guard<std::mutex> lock((*s)->mu);
  return (*s)->closing ? STATUS_FILE_FORCED_CLOSED : STATUS_SUCCESS;
}

}  // namespace

NTSTATUS WSKAPI ControlSocket(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType,
                              ULONG ControlCode, ULONG Level, SIZE_T InputSize,
                              PVOID InputBuffer, SIZE_T OutputSize,
                              PVOID OutputBuffer, SIZE_T* OutputSizeReturned,
                              PIRP Irp) {
  internal::Socket* s = nullptr;
  CheckControlSocketIrp(RequestType, Level, ControlCode, InputBuffer, InputSize, Irp);
  CheckControlSocketArgs(Socket, RequestType, Level, ControlCode, InputSize, InputBuffer,
                         OutputSize, OutputBuffer, OutputSizeReturned, Irp);
  CheckControlSocketIrql(RequestType, ControlCode);
  if (Irp != nullptr) {
    NTSTATUS result;
    if (!BeginCall(Socket, Irp, OpKind::kNone, &s,
                   &result, "WskControlSocket")) {
      return result;
    }
    // WskControlSocket.BuffersValidUntilCompletion, Ioctls.PendingBuffersStayValid
    WskconfIrpHoldBuffer(Irp, InputBuffer, InputSize);
    WskconfIrpHoldBuffer(Irp, OutputBuffer, OutputSize);
  } else {
    NTSTATUS status = CheckSocketNoIrp(Socket, &s);
    if (!NT_SUCCESS(status)) return status;
  }
  CheckControlSocketTarget(s, RequestType, Level, ControlCode);
  NTSTATUS status;
  SIZE_T output_bytes = 0;
  const ControlEntry* entry = nullptr;
  if (RequestType < WskSetOption || RequestType >= WskControlMax) {
    status = STATUS_INVALID_PARAMETER;  // WskControlSocket.UnknownRequestTypeFails
  } else if ((entry = FindControl(RequestType, Level, ControlCode)) == nullptr) {
    status = STATUS_NOT_SUPPORTED;
  } else {
    ControlRequest request{s, RequestType, ControlCode, Level, InputSize,
                           InputBuffer, OutputSize, OutputBuffer, Irp};
    status = entry->handler(request, &output_bytes);
    if (status == STATUS_PENDING) return status;  // the handler queued Irp
  }
  if (Irp != nullptr) return Finish(Irp, status, output_bytes);
  // WskControlSocket.OutputSizeReturnedWithoutIrp; on STATUS_BUFFER_OVERFLOW
  // the size the output needs (SIO_ADDRESS_LIST_QUERY.OverflowReportsSize).
  if (OutputSizeReturned != nullptr &&
      (NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW)) {
    *OutputSizeReturned = output_bytes;
  }
  return status;
}

}  // namespace wskconf::reference::internal
