/* Driver-shaped C11 code against <ntddk.h>: a WSK-style "allocate, set a
 * completion routine, send, free in the routine" round trip, with the
 * `#pragma alloc_text` WDK drivers carry. Called from irp_test.cc. */
#include <ntddk.h>

NTSTATUS IrpCUsageRoundTrip(PDEVICE_OBJECT lower, ULONG_PTR *information);

static IO_COMPLETION_ROUTINE CUsageComplete;
#pragma alloc_text(PAGE, IrpCUsageRoundTrip)

typedef struct {
  KEVENT done;
  NTSTATUS status;
  ULONG_PTR information;
  KIRQL irql;
} C_USAGE_CONTEXT;

static NTSTATUS CUsageComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                               PVOID Context) {
  C_USAGE_CONTEXT *context = (C_USAGE_CONTEXT *)Context;
  UNREFERENCED_PARAMETER(DeviceObject);
  context->status = Irp->IoStatus.Status;
  context->information = Irp->IoStatus.Information;
  context->irql = KeGetCurrentIrql();
  IoFreeIrp(Irp);
  KeSetEvent(&context->done, IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Returns the status the lower driver completed with, or
 * STATUS_INVALID_DEVICE_STATE if the routine did not run at DISPATCH_LEVEL. */
NTSTATUS IrpCUsageRoundTrip(PDEVICE_OBJECT lower, ULONG_PTR *information) {
  C_USAGE_CONTEXT context;
  PIRP irp = IoAllocateIrp(lower->StackSize, FALSE);
  if (irp == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  KeInitializeEvent(&context.done, NotificationEvent, FALSE);
  IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
  IoSetCompletionRoutine(irp, CUsageComplete, &context, TRUE, TRUE, TRUE);
  (void)IoCallDriver(lower, irp);
  KeWaitForSingleObject(&context.done, Executive, KernelMode, FALSE, NULL);
  *information = context.information;
  if (context.irql != DISPATCH_LEVEL) return STATUS_INVALID_DEVICE_STATE;
  return context.status;
}
