// The I/O manager's view of dispatch routines: while IoCallDriver runs a
// driver's dispatch routine for an IRP, a frame records whether that routine
// marked the IRP pending and whether it handed the IRP on (IoCallDriver,
// IoCompleteRequest). From it the verifier checks the pending contract at
// the routine's return and reports a routine that touches an IRP it no
// longer owns.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_IRP_DISPATCH_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_IRP_DISPATCH_H_

#include <wdm.h>

#include <thread>

namespace wskconf::kernel::internal {

struct DispatchFrame {
  PIRP irp = nullptr;
  CHAR location = 0;  // the driver's own stack location (CurrentLocation)
  std::thread::id thread;
  bool marked = false;      // IoMarkIrpPending on its location
  bool handed_off = false;  // passed on and not given back since
  bool forwarded = false;   // passed on with IoCallDriver
  NTSTATUS forwarded_status = STATUS_SUCCESS;  // what that IoCallDriver returned
  bool completed_here = false;  // IoCompleteRequest called by the routine
};

// Registers / unregisters the frame of a dispatch routine about to run (and
// just returned). Frames of one IRP nest in call order.
void PushDispatchFrame(DispatchFrame* frame);
void PopDispatchFrame(DispatchFrame* frame);

// Checks made when the dispatch routine of `frame` returned `status`:
// Irp.PendingReturnedWithoutMark, Irp.MarkedPendingButNotReturned.
void CheckDispatchReturn(const DispatchFrame& frame, NTSTATUS status);

// A routine of the runtime was asked by a driver to act on `irp`. When the
// calling thread runs a dispatch routine for it that already handed the IRP
// on (and no completion routine of its driver gave it back), reports
// Irp.TouchedAfterHandOff and returns false: the caller must leave the IRP
// alone. Inside a completion routine for the IRP the check does not apply.
bool CheckIrpStillOwned(PIRP irp, const char* routine);

// The calling thread's dispatch routine for `irp` (if any) hands it on:
// with IoCallDriver (forwarded) or IoCompleteRequest. Returns that routine's
// frame, or null.
DispatchFrame* NoteIrpHandedOff(PIRP irp, bool forwarded);

// The IoCallDriver that `caller` (from NoteIrpHandedOff) made returned
// `status`.
void NoteForwardResult(DispatchFrame* caller, NTSTATUS status);

// Completion gives the IRP back to the driver at `location` (owned: false)
// while its completion routine runs, and for good when that routine returns
// STATUS_MORE_PROCESSING_REQUIRED; otherwise completion takes it on up
// (owned: true).
void SetIrpHandedOff(PIRP irp, CHAR location, bool handed_off);

// Marks the frame whose location is `location` (if its routine is running)
// as having called IoMarkIrpPending.
void NoteMarkedPending(PIRP irp, CHAR location);

// RAII: a completion routine for `irp` runs on this thread; the driver it
// belongs to owns the IRP for the duration of the call.
class ScopedCompletionRoutine {
 public:
  explicit ScopedCompletionRoutine(PIRP irp);
  ~ScopedCompletionRoutine();
  ScopedCompletionRoutine(const ScopedCompletionRoutine&) = delete;
  ScopedCompletionRoutine& operator=(const ScopedCompletionRoutine&) = delete;

 private:
  PIRP previous_;
};

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_IRP_DISPATCH_H_
