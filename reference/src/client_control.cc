// WskControlClient. This provider offers none of the client control codes
// yet: each call says so with STATUS_NOT_SUPPORTED (completing the IRP it was
// given) rather than pretending to succeed. Name resolution: resolver.cc.
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

}  // namespace wskconf::reference::internal
