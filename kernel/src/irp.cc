// IRP allocation, initialization, reuse and freeing, and the two "send"
// points (IoCallDriver, IoSetNextIrpStackLocation) with their checks.
#include <wdm.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include "internal/buffer_holds.h"
#include "internal/dispatcher.h"
#include "internal/irp_dispatch.h"
#include "internal/irp_tracker.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

// Lays out a fresh IRP over `size` bytes: nothing sent yet, so the current
// stack location is one past the last.
void InitializeIrpMemory(PIRP irp, USHORT size, CCHAR stack_size) {
  std::memset(irp, 0, size);
  irp->Type = IO_TYPE_IRP;
  irp->Size = size;
  irp->StackCount = stack_size;
  irp->CurrentLocation = static_cast<CHAR>(stack_size + 1);
  irp->ApcEnvironment = 0;
  InitializeListHead(&irp->ThreadListEntry);
  irp->Tail.Overlay.CurrentStackLocation =
      reinterpret_cast<PIO_STACK_LOCATION>(irp + 1) + stack_size;
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;
using internal::IrpState;

EXTERN_C_START

PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota) {
  UNREFERENCED_PARAMETER(ChargeQuota);
  internal::RequireAtMost(DISPATCH_LEVEL, "IoAllocateIrp");
  if (StackSize < 0) return nullptr;
  if (internal::ShouldFailAllocation(WskconfAllocIrp)) return nullptr;
  // One spare, zeroed stack location past the end: a creator that reads its
  // (nonexistent) current location reads zeros instead of a neighbour.
  USHORT size = IoSizeOfIrp(StackSize);
  void* memory = std::calloc(1, size + sizeof(IO_STACK_LOCATION));
  if (memory == nullptr) return nullptr;
  PIRP irp = static_cast<PIRP>(memory);
  internal::InitializeIrpMemory(irp, size, StackSize);
  internal::TrackIrp(irp, /*owns_memory=*/true);
  internal::SetIrpAllocationBytes(irp, size + sizeof(IO_STACK_LOCATION));
  return irp;
}

VOID IoFreeIrp(PIRP Irp) {
  if (!internal::RequireNonNull(Irp, "IoFreeIrp", "Irp")) return;
  std::optional<internal::IrpInfo> before = internal::MarkIrpFreed(Irp);
  if (!before || !before->owns_memory) {
    WskconfReportViolation(WskconfRuleIrpFreedTwice, Irp,
                           "IoFreeIrp: %p is not an IRP from IoAllocateIrp "
                           "(never allocated, freed long ago, or caller "
                           "memory given to IoInitializeIrp); not freed",
                           static_cast<void*>(Irp));
    return;
  }
  if (before->state == IrpState::kFreed) {
    WskconfReportViolation(WskconfRuleIrpFreedTwice, Irp,
                           "IoFreeIrp: IRP %p was already freed",
                           static_cast<void*>(Irp));
    return;
  }
  if (before->state == IrpState::kInFlight) {
    WskconfReportViolation(WskconfRuleIrpFreedWhilePending, Irp,
                           "IoFreeIrp: IRP %p was sent and has not been "
                           "completed",
                           static_cast<void*>(Irp));
  }
  internal::ReleaseIrpHolds(Irp);
  // The size IoAllocateIrp allocated: the IRP and its spare location.
  internal::PoisonFreedIrp(Irp, before->alloc_bytes);
  internal::QuarantineFree(Irp, internal::ForgetFreedIrp);
}

VOID IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize) {
  if (!internal::RequireNonNull(Irp, "IoInitializeIrp", "Irp")) return;
  if (StackSize < 0 || PacketSize < IoSizeOfIrp(StackSize)) {
    WskconfReportViolation(WskconfRuleIrpNoStackLocation, Irp,
                           "IoInitializeIrp: PacketSize %u is too small for "
                           "%d stack locations (IoSizeOfIrp is %u)",
                           PacketSize, StackSize,
                           StackSize < 0 ? 0u : IoSizeOfIrp(StackSize));
    return;
  }
  std::optional<internal::IrpInfo> info = internal::LookupIrp(Irp);
  if (info && info->state == IrpState::kFreed) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, Irp,
                           "IoInitializeIrp: IRP %p was freed with IoFreeIrp",
                           static_cast<void*>(Irp));
    return;
  }
  if (info && info->owns_memory) {
    // Irp.NoIoInitializeIrpOnAllocatedIrp: IoAllocateIrp initialised it, and
    // IoReuseIrp prepares it again; the IRP stays the allocator's.
    WskconfReportViolation(WskconfRuleKernelInvalidParameter, Irp,
                           "IoInitializeIrp: IRP %p came from IoAllocateIrp; use "
                           "IoReuseIrp to prepare it again",
                           static_cast<void*>(Irp));
  }
  internal::ReleaseIrpHolds(Irp);
  internal::InitializeIrpMemory(Irp, PacketSize, StackSize);
  internal::TrackIrp(Irp, info && info->owns_memory);
}

VOID IoReuseIrp(PIRP Irp, NTSTATUS Iostatus) {
  if (!internal::RequireNonNull(Irp, "IoReuseIrp", "Irp")) return;
  std::optional<internal::IrpInfo> info = internal::LookupIrp(Irp);
  if (info && info->state == IrpState::kFreed) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, Irp,
                           "IoReuseIrp: IRP %p was freed with IoFreeIrp",
                           static_cast<void*>(Irp));
    return;
  }
  internal::ReleaseIrpHolds(Irp);
  USHORT size = Irp->Size;
  CCHAR stack_count = Irp->StackCount;
  UCHAR allocation_flags = Irp->AllocationFlags;
  internal::InitializeIrpMemory(Irp, size, stack_count);
  Irp->AllocationFlags = allocation_flags;
  Irp->IoStatus.Status = Iostatus;
  internal::TrackIrp(Irp, info && info->owns_memory);
}

BOOLEAN WskconfIrpHasNextStackLocation(PIRP Irp, const char* Routine) {
  if (!internal::RequireNonNull(Irp, Routine, "Irp")) return FALSE;
  if (!internal::CheckIrpStillOwned(Irp, Routine)) return FALSE;
  if (internal::IsIrpFreed(Irp)) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, Irp,
                           "%s: IRP %p was freed with IoFreeIrp", Routine,
                           static_cast<void*>(Irp));
    return FALSE;
  }
  if (Irp->CurrentLocation <= 1) {
    WskconfReportViolation(WskconfRuleIrpNoStackLocation, Irp,
                           "%s: IRP %p has no next stack location (StackCount "
                           "%d, CurrentLocation %d)",
                           Routine, static_cast<void*>(Irp), Irp->StackCount,
                           Irp->CurrentLocation);
    return FALSE;
  }
  return TRUE;
}

NTSTATUS IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                  PIO_COMPLETION_ROUTINE CompletionRoutine,
                                  PVOID Context, BOOLEAN InvokeOnSuccess,
                                  BOOLEAN InvokeOnError,
                                  BOOLEAN InvokeOnCancel) {
  UNREFERENCED_PARAMETER(DeviceObject);
  if (!internal::RequireNonNull(
          reinterpret_cast<const void*>(CompletionRoutine),
          "IoSetCompletionRoutineEx", "CompletionRoutine") ||
      !WskconfIrpHasNextStackLocation(Irp, "IoSetCompletionRoutineEx")) {
    return STATUS_INVALID_PARAMETER;
  }
  // Windows allocates a small context here; its failure is what the
  // documented STATUS_INSUFFICIENT_RESOURCES reports.
  if (internal::ShouldFailAllocation(WskconfAllocPool)) {
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  IoSetCompletionRoutine(Irp, CompletionRoutine, Context, InvokeOnSuccess,
                         InvokeOnError, InvokeOnCancel);
  return STATUS_SUCCESS;
}

VOID IoSetNextIrpStackLocation(PIRP Irp) {
  if (!internal::RequireNonNull(Irp, "IoSetNextIrpStackLocation", "Irp")) {
    return;
  }
  if (!internal::BeginSend(Irp, "IoSetNextIrpStackLocation")) return;
  Irp->CurrentLocation--;
  Irp->Tail.Overlay.CurrentStackLocation--;
}

NTSTATUS IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  internal::CheckNoWaitAfterSet("IoCallDriver");
  internal::RequireAtMost(DISPATCH_LEVEL, "IoCallDriver");
  if (!internal::RequireNonNull(Irp, "IoCallDriver", "Irp") ||
      !internal::RequireNonNull(DeviceObject, "IoCallDriver", "DeviceObject") ||
      !internal::RequireNonNull(DeviceObject->DriverObject, "IoCallDriver",
                                "DeviceObject->DriverObject")) {
    return STATUS_INVALID_PARAMETER;
  }
  if (!internal::CheckIrpStillOwned(Irp, "IoCallDriver") ||
      !internal::BeginSend(Irp, "IoCallDriver")) {
    return STATUS_INVALID_PARAMETER;
  }
  internal::DispatchFrame* caller =
      internal::NoteIrpHandedOff(Irp, /*forwarded=*/true);
  Irp->CurrentLocation--;
  PIO_STACK_LOCATION stack = --Irp->Tail.Overlay.CurrentStackLocation;
  stack->DeviceObject = DeviceObject;
  PDRIVER_DISPATCH dispatch = nullptr;
  if (stack->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION) {
    dispatch = DeviceObject->DriverObject->MajorFunction[stack->MajorFunction];
  }
  NTSTATUS status;
  if (dispatch == nullptr) {
    // What the I/O manager's default dispatch routine does.
    Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    status = STATUS_INVALID_DEVICE_REQUEST;
  } else {
    // The frame lets the verifier see what the routine does with the IRP;
    // after the call the IRP may be gone, so only the frame is read.
    internal::DispatchFrame frame;
    frame.irp = Irp;
    frame.location = Irp->CurrentLocation;
    frame.thread = std::this_thread::get_id();
    internal::PushDispatchFrame(&frame);
    status = dispatch(DeviceObject, Irp);
    internal::PopDispatchFrame(&frame);
    internal::CheckDispatchReturn(frame, status);
  }
  internal::NoteForwardResult(caller, status);
  return status;
}

EXTERN_C_END
