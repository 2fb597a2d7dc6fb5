// The mutants' wrapper around the reference's WskControlSocket: the option
// and IOCTL faults, and the faults that make a NULL-Irp call misbehave.
#include <string.h>

#include "internal/hooks.h"

namespace wskconf::mutants {
namespace {

using F = Fault;

bool IsEventCallbackSet(WSK_CONTROL_SOCKET_TYPE type, ULONG code, ULONG level) {
  return type == WskSetOption && code == SO_WSK_EVENT_CALLBACK && level == SOL_SOCKET;
}

bool IsDisable(SIZE_T input_size, PVOID input) {
  return input != nullptr && input_size >= sizeof(WSK_EVENT_CALLBACK_CONTROL) &&
         (static_cast<const WSK_EVENT_CALLBACK_CONTROL*>(input)->EventMask &
          WSK_EVENT_DISABLE) != 0;
}

// Faults decided before the reference sees the call; nullopt: go on.
std::optional<NTSTATUS> RefuseOrFake(WSK_CONTROL_SOCKET_TYPE type, ULONG code, ULONG level,
                                     SIZE_T input_size, PVOID input, PIRP irp) {
  if (Active(F::kIgnoresDisable) && IsEventCallbackSet(type, code, level) &&
      IsDisable(input_size, input)) {
    return FailIrp(irp, STATUS_SUCCESS);  // "disabled", but nothing changed
  }
  if (Active(F::kRegisterExtensionAccepted) && type == WskIoctl &&
      code == SIO_WSK_REGISTER_EXTENSION) {
    return FailIrp(irp, STATUS_SUCCESS);
  }
  if (Active(F::kUnknownRequestTypeSucceeds) && type != WskSetOption &&
      type != WskGetOption && type != WskIoctl) {
    return FailIrp(irp, STATUS_SUCCESS);
  }
  return std::nullopt;
}

}  // namespace

NTSTATUS WrapControlSocket(PWSK_SOCKET socket, WSK_CONTROL_SOCKET_TYPE type, ULONG code,
                           ULONG level, SIZE_T input_size, PVOID input, SIZE_T output_size,
                           PVOID output, SIZE_T* output_returned, PIRP irp)
    WSKCONF_WRAP(ControlSocket);
NTSTATUS WrapControlSocket(PWSK_SOCKET socket, WSK_CONTROL_SOCKET_TYPE type, ULONG code,
                           ULONG level, SIZE_T input_size, PVOID input, SIZE_T output_size,
                           PVOID output, SIZE_T* output_returned, PIRP irp) {
  if (std::optional<NTSTATUS> faked =
          RefuseOrFake(type, code, level, input_size, input, irp)) {
    return *faked;
  }
  ULONG padded = 0;
  if (Active(F::kSetOptionAcceptsBadSize) && type == WskSetOption &&
      !IsEventCallbackSet(type, code, level) && input != nullptr &&
      input_size < sizeof(ULONG)) {
    // The fault: a short option value is widened instead of refused.
    memcpy(&padded, input, input_size);
    input = &padded;
    input_size = sizeof(padded);
  }
  IrpNote note;
  note.op = Op::kControl;
  note.socket = socket;
  note.request = type;
  note.code = code;
  note.output = output;
  note.length = output_size;
  NoteIrp(irp, note);
  const NTSTATUS status = RealControlSocket(socket, type, code, level, input_size, input,
                                      output_size, output, output_returned, irp);
  ForgetIfFinal(irp, status);
  if (irp == nullptr) {
    if (Active(F::kNullIrpReturnsPending) && !IsDisable(input_size, input)) {
      return STATUS_PENDING;  // the fault: there is no IRP to complete
    }
    if (Active(F::kGetOptionInverted) && NT_SUCCESS(status) && type == WskGetOption &&
        output != nullptr && output_size >= sizeof(ULONG)) {
      *static_cast<ULONG*>(output) = !*static_cast<ULONG*>(output);
    }
  }
  return Returned(Op::kControl, status, type);
}

}  // namespace wskconf::mutants
