// IRPs the I/O manager builds for a driver (IoBuildDeviceIoControlRequest)
// and executive work items (ExQueueWorkItem), on top of IoAllocateIrp and
// IoAllocateWorkItem (<wskconf/wdm_helpers.h>).
//
// A built IRP gets one stack location more than the target needs. The top
// one is the I/O manager's: its completion routine does what Windows' I/O
// manager does when such an IRP completes (copy a buffered result back,
// unlock and free the MDL, fill the caller's IO_STATUS_BLOCK, set the event,
// free the IRP), so the driver may still set its own completion routine in
// the next location as usual.
#include <cstdio>
#include <cstring>

#include <wskconf/verifier.h>
#include <wskconf/wdm_helpers.h>

namespace wskconf::kernel::internal {
namespace {

constexpr ULONG kSystemBufferTag = 0x62536F49;  // 'IoSb' in memory

struct BuiltRequest {
  PVOID output;
  ULONG output_length;
  PIO_STATUS_BLOCK iosb;
  PKEVENT event;
  bool buffered;
};
constexpr ULONG kBuiltRequestTag = 0x71526F49;  // 'IoRq' in memory

NTSTATUS FinishBuiltRequest(PDEVICE_OBJECT, PIRP irp, PVOID context) {
  auto* request = static_cast<BuiltRequest*>(context);
  PVOID system_buffer = irp->AssociatedIrp.SystemBuffer;
  if (request->buffered && system_buffer != nullptr) {
    if (NT_SUCCESS(irp->IoStatus.Status) && request->output != nullptr) {
      ULONG_PTR copy = irp->IoStatus.Information;
      if (copy > request->output_length) copy = request->output_length;
      std::memcpy(request->output, system_buffer, copy);
    }
    ExFreePoolWithTag(system_buffer, kSystemBufferTag);
  } else if (system_buffer != nullptr) {
    ExFreePoolWithTag(system_buffer, kSystemBufferTag);
  }
  if (irp->MdlAddress != nullptr) {
    MmUnlockPages(irp->MdlAddress);
    IoFreeMdl(irp->MdlAddress);
    irp->MdlAddress = nullptr;
  }
  if (request->iosb != nullptr) *request->iosb = irp->IoStatus;
  PKEVENT event = request->event;
  ExFreePoolWithTag(request, kBuiltRequestTag);
  IoFreeIrp(irp);
  if (event != nullptr) KeSetEvent(event, IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

// Buffers for the transfer method; false when memory ran out.
bool PrepareBuffers(PIRP irp, PIO_STACK_LOCATION next, ULONG method,
                    PVOID input, ULONG input_length, PVOID output,
                    ULONG output_length) {
  if (method == METHOD_NEITHER) {
    next->Parameters.DeviceIoControl.Type3InputBuffer = input;
    irp->UserBuffer = output;
    return true;
  }
  ULONG system_length = input_length;
  if (method == METHOD_BUFFERED && output_length > system_length) {
    system_length = output_length;
  }
  if (system_length != 0) {
    PVOID system = ExAllocatePoolWithTag(NonPagedPoolNx, system_length,
                                         kSystemBufferTag);
    if (system == nullptr) return false;
    std::memset(system, 0, system_length);
    if (input != nullptr && input_length != 0) {
      std::memcpy(system, input, input_length);
    }
    irp->AssociatedIrp.SystemBuffer = system;
  }
  irp->UserBuffer = output;
  if (method != METHOD_BUFFERED && output != nullptr && output_length != 0) {
    PMDL mdl = IoAllocateMdl(output, output_length, FALSE, FALSE, irp);
    if (mdl == nullptr) return false;
    MmProbeAndLockPages(mdl, KernelMode,
                        method == METHOD_IN_DIRECT ? IoReadAccess
                                                   : IoWriteAccess);
    if (!(mdl->MdlFlags & MDL_PAGES_LOCKED)) {  // reported by the probe
      IoFreeMdl(mdl);
      irp->MdlAddress = nullptr;
      return false;
    }
  }
  return true;
}

void FreeUnsent(PIRP irp, BuiltRequest* request) {
  if (irp->AssociatedIrp.SystemBuffer != nullptr) {
    ExFreePoolWithTag(irp->AssociatedIrp.SystemBuffer, kSystemBufferTag);
  }
  if (irp->MdlAddress != nullptr) IoFreeMdl(irp->MdlAddress);
  if (request != nullptr) ExFreePoolWithTag(request, kBuiltRequestTag);
  IoFreeIrp(irp);
}

// --- Executive work items ----------------------------------------------------

DEVICE_OBJECT g_executive_device{};

VOID RunExecutiveItem(PVOID, PVOID context, PIO_WORKITEM io_item) {
  auto* item = static_cast<PWORK_QUEUE_ITEM>(context);
  PWORKER_THREAD_ROUTINE routine = item->WorkerRoutine;
  PVOID parameter = item->Parameter;
  item->List.Flink = nullptr;  // the routine may queue or free it again
  IoFreeWorkItem(io_item);
  routine(parameter);
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode,
                                   PDEVICE_OBJECT DeviceObject,
                                   PVOID InputBuffer, ULONG InputBufferLength,
                                   PVOID OutputBuffer,
                                   ULONG OutputBufferLength,
                                   BOOLEAN InternalDeviceIoControl,
                                   PKEVENT Event,
                                   PIO_STATUS_BLOCK IoStatusBlock) {
  if (DeviceObject == nullptr || IoStatusBlock == nullptr) return nullptr;
  PIRP irp = IoAllocateIrp(static_cast<CCHAR>(DeviceObject->StackSize + 1),
                           FALSE);
  if (irp == nullptr) return nullptr;
  auto* request = static_cast<internal::BuiltRequest*>(ExAllocatePoolWithTag(
      NonPagedPoolNx, sizeof(internal::BuiltRequest),
      internal::kBuiltRequestTag));
  if (request == nullptr) {
    internal::FreeUnsent(irp, nullptr);
    return nullptr;
  }
  ULONG method = IoControlCode & 3;
  *request = {OutputBuffer, OutputBufferLength, IoStatusBlock, Event,
              method == METHOD_BUFFERED};
  // The I/O manager's own location, then the target's.
  IoSetCompletionRoutine(irp, internal::FinishBuiltRequest, request, TRUE,
                         TRUE, TRUE);
  irp->CurrentLocation--;
  irp->Tail.Overlay.CurrentStackLocation--;
  PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp);
  next->MajorFunction = InternalDeviceIoControl
                            ? IRP_MJ_INTERNAL_DEVICE_CONTROL
                            : IRP_MJ_DEVICE_CONTROL;
  next->Parameters.DeviceIoControl.IoControlCode = IoControlCode;
  next->Parameters.DeviceIoControl.InputBufferLength = InputBufferLength;
  next->Parameters.DeviceIoControl.OutputBufferLength = OutputBufferLength;
  if (!internal::PrepareBuffers(irp, next, method, InputBuffer,
                                InputBufferLength, OutputBuffer,
                                OutputBufferLength)) {
    internal::FreeUnsent(irp, request);
    return nullptr;
  }
  irp->Tail.Overlay.Thread = PsGetCurrentThread();
  return irp;
}

VOID ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType) {
  if (WorkItem == nullptr || WorkItem->WorkerRoutine == nullptr) {
    WskconfReportViolation(WskconfRuleWorkItemNotInitialized, WorkItem,
                           "ExQueueWorkItem: work item %p has no routine "
                           "(ExInitializeWorkItem first); not queued",
                           static_cast<void*>(WorkItem));
    return;
  }
  if (WorkItem->List.Flink != nullptr) {
    WskconfReportViolation(WskconfRuleWorkItemQueuedTwice, WorkItem,
                           "ExQueueWorkItem: work item %p is still queued "
                           "(its routine has not started); not queued again",
                           static_cast<void*>(WorkItem));
    return;
  }
  PIO_WORKITEM io_item = IoAllocateWorkItem(&internal::g_executive_device);
  if (io_item == nullptr) {
    std::fprintf(stderr,
                 "wskconf: ExQueueWorkItem: out of memory; work item %p "
                 "not queued\n",
                 static_cast<void*>(WorkItem));
    return;
  }
  WorkItem->List.Flink = &WorkItem->List;
  IoQueueWorkItemEx(io_item, internal::RunExecutiveItem, QueueType, WorkItem);
}
