// IoCompleteRequest: the walk up the stack locations that calls completion
// routines at DISPATCH_LEVEL, and the verifier checks around it.
#include <wdm.h>
#include <wskconf/ntstatus_names.h>

#include <cstdint>

#include "internal/buffer_holds.h"
#include "internal/dispatcher.h"
#include "internal/irp_dispatch.h"
#include "internal/irp_tracker.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

// The checks made before completion touches the IRP; false means stop.
bool CheckCompletable(PIRP irp, const std::optional<IrpInfo>& info) {
  if (info && info->state == IrpState::kFreed) {
    WskconfReportViolation(WskconfRuleIrpCompletedAfterFree, irp,
                           "IoCompleteRequest: IRP %p was freed with IoFreeIrp",
                           static_cast<void*>(irp));
    return false;
  }
  if (irp->CurrentLocation <= irp->StackCount) return true;
  if (info && (info->state == IrpState::kCompleted ||
               info->state == IrpState::kCompleting)) {
    WskconfReportViolation(WskconfRuleIrpCompletedTwice, irp,
                           "IoCompleteRequest: IRP %p was already completed "
                           "(and not reused since)",
                           static_cast<void*>(irp));
  } else {
    WskconfReportViolation(WskconfRuleIrpNoStackLocation, irp,
                           "IoCompleteRequest: IRP %p has no current stack "
                           "location: it was never sent to a driver",
                           static_cast<void*>(irp));
  }
  return false;
}

struct StatusText {
  explicit StatusText(NTSTATUS status) {
    WskconfFormatNtStatus(status, text, sizeof(text));
  }
  char text[80];
};

bool ShouldInvoke(PIRP irp, UCHAR control) {
  if (irp->Cancel && (control & SL_INVOKE_ON_CANCEL)) return true;
  if (NT_SUCCESS(irp->IoStatus.Status)) {
    return (control & SL_INVOKE_ON_SUCCESS) != 0;
  }
  return (control & SL_INVOKE_ON_ERROR) != 0;
}

// The I/O manager's own checks of an IRP handed to IoCompleteRequest; the
// completion goes on after them, as it does on Windows.
void CheckCompletionStatus(PIRP irp) {
  if (irp->IoStatus.Status == STATUS_PENDING) {
    WskconfReportViolation(WskconfRuleIrpCompletedWithStatusPending, irp,
                           "IoCompleteRequest: IRP %p is completed with "
                           "IoStatus.Status STATUS_PENDING",
                           static_cast<void*>(irp));
  }
  PDRIVER_CANCEL cancel = __atomic_load_n(&irp->CancelRoutine, __ATOMIC_ACQUIRE);
  if (cancel != nullptr) {
    WskconfReportViolation(WskconfRuleIrpCompletedWithCancelRoutine, irp,
                           "IoCompleteRequest: IRP %p still has cancel routine "
                           "%p set (clear it with IoSetCancelRoutine(Irp, "
                           "NULL) first)",
                           static_cast<void*>(irp),
                           reinterpret_cast<void*>(cancel));
  }
}

// A completion routine of a driver that owns a stack location saw
// PendingReturned and did not stop completion: it must have marked its own
// location pending, or the drivers above never learn that the IRP pended.
void CheckPendingPropagated(PIRP irp, PIO_COMPLETION_ROUTINE routine) {
  if (IsIrpFreed(irp)) return;
  if (IoGetCurrentIrpStackLocation(irp)->Control & SL_PENDING_RETURNED) return;
  WskconfReportViolation(
      WskconfRuleIrpPendingNotPropagated, irp,
      "IoCompleteRequest: completion routine %p saw PendingReturned on IRP %p "
      "and returned without calling IoMarkIrpPending",
      reinterpret_cast<void*>(routine), static_cast<void*>(irp));
}

// Completion routines run at DISPATCH_LEVEL, as on Windows.
NTSTATUS CallAtDispatch(PIO_COMPLETION_ROUTINE routine, PDEVICE_OBJECT device,
                        PIRP irp, PVOID context) {
  ScopedCompletionRoutine owner(irp);
  KIRQL old_irql = KeGetCurrentIrql();
  if (old_irql < DISPATCH_LEVEL) KeRaiseIrql(DISPATCH_LEVEL, &old_irql);
  NTSTATUS status = routine(device, irp, context);
  if (old_irql < DISPATCH_LEVEL) KeLowerIrql(old_irql);
  return status;
}

// What the walk saw: the routine that ran last, wherever it sits, and the
// creator's routine (the one that runs with no stack location of its own),
// if it ran.
struct WalkResult {
  PIO_COMPLETION_ROUTINE last_routine = nullptr;
  NTSTATUS last_result = STATUS_SUCCESS;
  PIO_COMPLETION_ROUTINE top_routine = nullptr;
  NTSTATUS top_result = STATUS_SUCCESS;
};

// The end of the walk with no STATUS_MORE_PROCESSING_REQUIRED: hand the
// result to whoever waits for it, or report a caller-allocated IRP that
// nobody stopped.
void FinishCompletion(PIRP irp, bool known, std::uint64_t generation,
                      const WalkResult& walk) {
  if (known && IsIrpFreed(irp)) {
    WskconfReportViolation(
        WskconfRuleIrpCompletionMustReturnMoreProcessing, irp,
        "IoCompleteRequest: completion routine %p freed caller-allocated IRP "
        "%p and returned %s instead of STATUS_MORE_PROCESSING_REQUIRED",
        reinterpret_cast<void*>(walk.last_routine), static_cast<void*>(irp),
        StatusText(walk.last_result).text);
    return;
  }
  // Windows hands a completed IRP nobody stopped to its thread's final
  // completion; a caller-allocated IRP has no thread, so that step faults
  // there. UserIosb and UserEvent do not change that: report, then still
  // deliver the result so the client's wait ends.
  if (known && walk.top_routine != nullptr) {
    WskconfReportViolation(
        WskconfRuleIrpCompletionMustReturnMoreProcessing, irp,
        "IoCompleteRequest: completion routine %p of caller-allocated IRP "
        "%p returned %s instead of STATUS_MORE_PROCESSING_REQUIRED",
        reinterpret_cast<void*>(walk.top_routine), static_cast<void*>(irp),
        StatusText(walk.top_result).text);
  } else if (known) {
    WskconfReportViolation(
        WskconfRuleIrpCompletionMustReturnMoreProcessing, irp,
        "IoCompleteRequest: caller-allocated IRP %p has no completion "
        "routine that returns STATUS_MORE_PROCESSING_REQUIRED (none ran "
        "for its creator)",
        static_cast<void*>(irp));
  }
  SetIrpStateIf(irp, generation, IrpState::kCompleted);
  if (irp->UserIosb != nullptr) *irp->UserIosb = irp->IoStatus;
  if (irp->UserEvent != nullptr) {
    KeSetEvent(irp->UserEvent, IO_NO_INCREMENT, FALSE);
  }
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;
using internal::IrpState;

EXTERN_C_START

VOID IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost) {
  UNREFERENCED_PARAMETER(PriorityBoost);
  internal::CheckNoWaitAfterSet("IoCompleteRequest");
  if (!internal::RequireNonNull(Irp, "IoCompleteRequest", "Irp") ||
      !internal::CheckIrpStillOwned(Irp, "IoCompleteRequest")) {
    return;
  }
  internal::RequireAtMost(DISPATCH_LEVEL, "IoCompleteRequest");
  std::optional<internal::IrpInfo> info = internal::LookupIrp(Irp);
  if (!internal::CheckCompletable(Irp, info)) return;
  internal::CheckCompletionStatus(Irp);
  // The request is over: its completion routines may free its buffers.
  internal::ReleaseIrpHolds(Irp);
  internal::NoteIrpHandedOff(Irp, /*forwarded=*/false);
  std::uint64_t generation = internal::SetIrpState(Irp, IrpState::kCompleting);
  internal::WalkResult walk;
  while (Irp->CurrentLocation <= Irp->StackCount) {
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    Irp->PendingReturned = (stack->Control & SL_PENDING_RETURNED) != 0;
    PIO_COMPLETION_ROUTINE routine = stack->CompletionRoutine;
    PVOID context = stack->Context;
    UCHAR control = stack->Control;
    stack->CompletionRoutine = nullptr;
    stack->Context = nullptr;
    stack->Control = 0;
    // Step up to the caller's stack location before calling its routine.
    Irp->CurrentLocation++;
    Irp->Tail.Overlay.CurrentStackLocation++;
    bool caller_has_location = Irp->CurrentLocation <= Irp->StackCount;
    if (routine != nullptr && internal::ShouldInvoke(Irp, control)) {
      PDEVICE_OBJECT device =
          caller_has_location ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject
                              : nullptr;
      walk.last_routine = routine;
      const CHAR location = Irp->CurrentLocation;
      const bool pending_returned = Irp->PendingReturned != FALSE;
      // The routine's driver owns the IRP while the routine runs; a dispatch
      // routine of that driver waiting on another thread may act on it as
      // soon as the routine signals, before it returns.
      internal::SetIrpHandedOff(Irp, location, false);
      walk.last_result =
          internal::CallAtDispatch(routine, device, Irp, context);
      if (!caller_has_location) {
        walk.top_routine = routine;
        walk.top_result = walk.last_result;
      }
      if (walk.last_result == STATUS_MORE_PROCESSING_REQUIRED) {
        // The IRP belongs to the routine's driver again (it may be freed or
        // resent already); only its record may be touched, and only if
        // nothing happened to it since. Freeing it now is no longer "while
        // pending"; a driver with a location left may still complete it on.
        internal::SetIrpStateIf(Irp, generation, IrpState::kCompleted);
        return;
      }
      internal::SetIrpHandedOff(Irp, location, true);
      if (pending_returned && caller_has_location) {
        internal::CheckPendingPropagated(Irp, routine);
      }
      if (internal::IsIrpFreed(Irp)) break;
    } else if (Irp->PendingReturned && caller_has_location) {
      IoGetCurrentIrpStackLocation(Irp)->Control |= SL_PENDING_RETURNED;
    }
    if (!caller_has_location) break;
  }
  internal::FinishCompletion(Irp, info.has_value(), generation, walk);
}

EXTERN_C_END
