// WskControlClient and name resolution. This provider offers none of the
// client control codes and no resolver yet: each call says so with
// STATUS_NOT_SUPPORTED (completing the IRP it was given) rather than
// pretending to succeed.
#include "internal/client_level.h"
#include "internal/completion.h"

namespace wskconf::reference::internal {
namespace {

NTSTATUS Refuse(PIRP irp) {
  if (irp == nullptr) return STATUS_NOT_SUPPORTED;
  if (!TakeIrp(irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
  return Finish(irp, STATUS_NOT_SUPPORTED, 0);
}

}  // namespace

NTSTATUS WSKAPI ControlClient(PWSK_CLIENT, ULONG, SIZE_T, PVOID, SIZE_T, PVOID,
                              SIZE_T*, PIRP Irp) {
  return Refuse(Irp);  // WskControlClient.UnknownCodeFails
}

NTSTATUS WSKAPI GetAddressInfo(PWSK_CLIENT, PUNICODE_STRING, PUNICODE_STRING,
                               ULONG, GUID*, PADDRINFOEXW, PADDRINFOEXW* Result,
                               PEPROCESS, PETHREAD, PIRP Irp) {
  if (Irp == nullptr) return STATUS_INVALID_PARAMETER;
  if (Result != nullptr) *Result = nullptr;
  return Refuse(Irp);
}

VOID WSKAPI FreeAddressInfo(PWSK_CLIENT, PADDRINFOEXW) {
  // GetAddressInfo never returns a list, so there is nothing to free.
}

NTSTATUS WSKAPI GetNameInfo(PWSK_CLIENT, PSOCKADDR, ULONG, PUNICODE_STRING,
                            PUNICODE_STRING, ULONG, PEPROCESS, PETHREAD, PIRP Irp) {
  if (Irp == nullptr) return STATUS_INVALID_PARAMETER;
  return Refuse(Irp);
}

}  // namespace wskconf::reference::internal
