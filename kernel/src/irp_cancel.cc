// IRP cancellation: the global cancel spin lock, IoSetCancelRoutine and
// IoCancelIrp, with the check that a cancel routine releases the lock.
#include <wdm.h>

#include <atomic>
#include <thread>

#include "internal/irp_dispatch.h"
#include "internal/irp_tracker.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

KSPIN_LOCK cancel_lock = 0;
// Which thread holds the cancel lock, so IoCancelIrp can tell whether a
// cancel routine forgot to release it (which would hang the next caller).
std::atomic<std::thread::id> cancel_lock_owner{};

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

EXTERN_C_START

VOID IoAcquireCancelSpinLock(PKIRQL Irql) {
  if (!internal::RequireNonNull(Irql, "IoAcquireCancelSpinLock", "Irql")) {
    return;
  }
  KeAcquireSpinLock(&internal::cancel_lock, Irql);
  internal::cancel_lock_owner.store(std::this_thread::get_id());
}

VOID IoReleaseCancelSpinLock(KIRQL Irql) {
  internal::cancel_lock_owner.store(std::thread::id());
  KeReleaseSpinLock(&internal::cancel_lock, Irql);
}

PDRIVER_CANCEL IoSetCancelRoutine(PIRP Irp, PDRIVER_CANCEL CancelRoutine) {
  if (!internal::RequireNonNull(Irp, "IoSetCancelRoutine", "Irp") ||
      !internal::CheckIrpStillOwned(Irp, "IoSetCancelRoutine")) {
    return nullptr;
  }
  if (internal::IsIrpFreed(Irp)) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, Irp,
                           "IoSetCancelRoutine: IRP %p was freed with "
                           "IoFreeIrp",
                           static_cast<void*>(Irp));
    return nullptr;
  }
  return __atomic_exchange_n(&Irp->CancelRoutine, CancelRoutine,
                             __ATOMIC_SEQ_CST);
}

BOOLEAN IoCancelIrp(PIRP Irp) {
  if (!internal::RequireNonNull(Irp, "IoCancelIrp", "Irp")) return FALSE;
  if (internal::IsIrpFreed(Irp)) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, Irp,
                           "IoCancelIrp: IRP %p was freed with IoFreeIrp",
                           static_cast<void*>(Irp));
    return FALSE;
  }
  KIRQL irql;
  IoAcquireCancelSpinLock(&irql);
  Irp->Cancel = TRUE;
  PDRIVER_CANCEL routine = __atomic_exchange_n(
      &Irp->CancelRoutine, static_cast<PDRIVER_CANCEL>(nullptr),
      __ATOMIC_SEQ_CST);
  if (routine == nullptr) {
    IoReleaseCancelSpinLock(irql);
    return FALSE;
  }
  Irp->CancelIrql = irql;
  PDEVICE_OBJECT device = Irp->CurrentLocation <= Irp->StackCount
                              ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject
                              : nullptr;
  // After this call the IRP may be completed and freed: do not touch it.
  routine(device, Irp);
  if (internal::cancel_lock_owner.load() == std::this_thread::get_id()) {
    WskconfReportViolation(WskconfRuleIrpCancelLockNotReleased, Irp,
                           "IoCancelIrp: cancel routine %p returned without "
                           "calling IoReleaseCancelSpinLock (released for it)",
                           reinterpret_cast<void*>(routine));
    IoReleaseCancelSpinLock(irql);
  }
  return TRUE;
}

EXTERN_C_END
