// Helpers for the I/O manager tests: a fake device whose dispatch routine is
// a lambda, a completion routine that records how it was called, RAII owners.
#ifndef WSKCONF_TESTS_KERNEL_IO_TEST_UTIL_H_
#define WSKCONF_TESTS_KERNEL_IO_TEST_UTIL_H_

#include <wdm.h>

#include <atomic>
#include <functional>
#include <memory>

namespace wskconf::testing {

// A driver with one device; every major function goes to `on_dispatch`
// (STATUS_NOT_SUPPORTED when unset). Not copyable: the device points at it.
class TestDevice {
 public:
  using Dispatch = std::function<NTSTATUS(PDEVICE_OBJECT, PIRP)>;

  TestDevice() {
    device_.Type = 3;
    device_.DriverObject = &driver_;
    device_.DeviceExtension = this;
    device_.StackSize = 1;
    driver_.DeviceObject = &device_;
    for (auto& function : driver_.MajorFunction) function = &DispatchThunk;
  }
  TestDevice(const TestDevice&) = delete;
  TestDevice& operator=(const TestDevice&) = delete;

  PDEVICE_OBJECT device() { return &device_; }
  PDRIVER_OBJECT driver() { return &driver_; }
  void set_dispatch(Dispatch dispatch) { on_dispatch_ = std::move(dispatch); }
  int dispatch_count() const { return dispatch_count_.load(); }

 private:
  static NTSTATUS DispatchThunk(PDEVICE_OBJECT device, PIRP irp) {
    auto* self = static_cast<TestDevice*>(device->DeviceExtension);
    ++self->dispatch_count_;
    if (!self->on_dispatch_) return STATUS_NOT_SUPPORTED;
    return self->on_dispatch_(device, irp);
  }

  DRIVER_OBJECT driver_{};
  DEVICE_OBJECT device_{};
  Dispatch on_dispatch_;
  std::atomic<int> dispatch_count_{0};
};

// Completes `irp` inline with `status` and `information`; returns `status`.
inline NTSTATUS CompleteInline(PIRP irp, NTSTATUS status,
                               ULONG_PTR information = 0) {
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = information;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
  return status;
}

// A completion routine's context: records each call and returns `result`
// (STATUS_MORE_PROCESSING_REQUIRED unless told otherwise); optionally frees
// the IRP first, as the WSK guide's pattern does.
struct CompletionProbe {
  NTSTATUS result = STATUS_MORE_PROCESSING_REQUIRED;
  bool free_irp = false;
  std::atomic<int> calls{0};
  KIRQL irql = 0xff;
  PDEVICE_OBJECT device = nullptr;
  NTSTATUS status = 0;
  ULONG_PTR information = 0;
  BOOLEAN pending_returned = FALSE;
  BOOLEAN cancel = FALSE;
  KEVENT done;

  CompletionProbe() { KeInitializeEvent(&done, NotificationEvent, FALSE); }

  static NTSTATUS Routine(PDEVICE_OBJECT device, PIRP irp, PVOID context) {
    auto* self = static_cast<CompletionProbe*>(context);
    self->irql = KeGetCurrentIrql();
    self->device = device;
    self->status = irp->IoStatus.Status;
    self->information = irp->IoStatus.Information;
    self->pending_returned = irp->PendingReturned;
    self->cancel = irp->Cancel;
    NTSTATUS result = self->result;
    if (self->free_irp) IoFreeIrp(irp);
    ++self->calls;
    KeSetEvent(&self->done, IO_NO_INCREMENT, FALSE);
    return result;
  }

  // Registers this probe on `irp` for every outcome.
  void Arm(PIRP irp) {
    IoSetCompletionRoutine(irp, &Routine, this, TRUE, TRUE, TRUE);
  }
};

struct IrpDeleter {
  void operator()(PIRP irp) const { IoFreeIrp(irp); }
};
using IrpPtr = std::unique_ptr<IRP, IrpDeleter>;

inline IrpPtr AllocateIrp(CCHAR stack_size) {
  return IrpPtr(IoAllocateIrp(stack_size, FALSE));
}

struct MdlDeleter {
  void operator()(PMDL mdl) const { IoFreeMdl(mdl); }
};
using MdlPtr = std::unique_ptr<MDL, MdlDeleter>;

}  // namespace wskconf::testing

#endif  // WSKCONF_TESTS_KERNEL_IO_TEST_UTIL_H_
