// Dispatch-routine frames (see internal/irp_dispatch.h) and the I/O
// manager's rules they let the verifier check: the pending contract between
// IoMarkIrpPending and a dispatch routine's return, and no touching of an IRP
// after handing it on.
#include "internal/irp_dispatch.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <wskconf/ntstatus_names.h>

#include "internal/irp_tracker.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

// Frames by IRP, outermost first. Global, not per thread: a completion
// routine on another thread can give an IRP back to a dispatch routine that
// is still running (the forward-and-wait pattern).
struct FrameRegistry {
  std::mutex mutex;
  std::unordered_map<const IRP*, std::vector<DispatchFrame*>> frames;
};

FrameRegistry& Registry() {
  static FrameRegistry* registry = new FrameRegistry;  // used at exit
  return *registry;
}

// The IRP whose completion routine this thread runs, if any.
thread_local PIRP completing_irp = nullptr;

// The innermost frame for `irp` that runs on this thread. Caller holds the
// registry lock.
DispatchFrame* InnermostOnThisThreadLocked(FrameRegistry& registry,
                                           const IRP* irp) {
  auto it = registry.frames.find(irp);
  if (it == registry.frames.end()) return nullptr;
  const std::thread::id self = std::this_thread::get_id();
  for (auto frame = it->second.rbegin(); frame != it->second.rend(); ++frame) {
    if ((*frame)->thread == self) return *frame;
  }
  return nullptr;
}

std::string StatusName(NTSTATUS status) {
  char text[80];
  WskconfFormatNtStatus(status, text, sizeof(text));
  return text;
}

}  // namespace

void PushDispatchFrame(DispatchFrame* frame) {
  FrameRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  registry.frames[frame->irp].push_back(frame);
}

void PopDispatchFrame(DispatchFrame* frame) {
  FrameRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  auto it = registry.frames.find(frame->irp);
  if (it == registry.frames.end()) return;
  std::vector<DispatchFrame*>& stack = it->second;
  stack.erase(std::remove(stack.begin(), stack.end(), frame), stack.end());
  if (stack.empty()) registry.frames.erase(it);
}

void CheckDispatchReturn(const DispatchFrame& frame, NTSTATUS status) {
  FrameRegistry& registry = Registry();
  bool marked;
  bool forwarded_pending;
  {
    std::lock_guard lock(registry.mutex);
    marked = frame.marked;
    forwarded_pending =
        frame.forwarded && frame.forwarded_status == STATUS_PENDING;
  }
  if (status == STATUS_PENDING && !marked && !forwarded_pending) {
    WskconfReportViolation(
        WskconfRuleIrpPendingReturnedWithoutMark, frame.irp,
        "dispatch routine for IRP %p (stack location %d) returned "
        "STATUS_PENDING without calling IoMarkIrpPending (and not as the "
        "result of passing the IRP on with IoCallDriver)",
        static_cast<void*>(frame.irp), frame.location);
  } else if (status != STATUS_PENDING && marked) {
    WskconfReportViolation(
        WskconfRuleIrpMarkedPendingButNotReturned, frame.irp,
        "dispatch routine for IRP %p (stack location %d) called "
        "IoMarkIrpPending but returned %s instead of STATUS_PENDING",
        static_cast<void*>(frame.irp), frame.location,
        StatusName(status).c_str());
  }
}

bool CheckIrpStillOwned(PIRP irp, const char* routine) {
  if (irp == nullptr || completing_irp == irp) return true;
  FrameRegistry& registry = Registry();
  CHAR location;
  bool completed_here;
  {
    std::lock_guard lock(registry.mutex);
    DispatchFrame* frame = InnermostOnThisThreadLocked(registry, irp);
    if (frame == nullptr || !frame->handed_off) return true;
    location = frame->location;
    completed_here = frame->completed_here;
  }
  std::optional<IrpInfo> info = LookupIrp(irp);
  const bool done = info && (info->state == IrpState::kCompleted ||
                             info->state == IrpState::kFreed);
  WskconfReportViolation(
      WskconfRuleIrpTouchedAfterHandOff, irp,
      "%s: the dispatch routine at stack location %d already %s IRP %p, "
      "which %s; it must not touch the IRP again",
      routine, location,
      completed_here ? "completed" : "passed on (IoCallDriver)",
      static_cast<void*>(irp),
      done ? "has completed (and may be freed)"
           : "now belongs to another driver");
  return false;
}

DispatchFrame* NoteIrpHandedOff(PIRP irp, bool forwarded) {
  if (completing_irp == irp) return nullptr;
  FrameRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  DispatchFrame* frame = InnermostOnThisThreadLocked(registry, irp);
  if (frame == nullptr) return nullptr;
  frame->handed_off = true;
  if (forwarded) {
    frame->forwarded = true;
  } else {
    frame->completed_here = true;
  }
  return frame;
}

void NoteForwardResult(DispatchFrame* caller, NTSTATUS status) {
  if (caller == nullptr) return;
  FrameRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  caller->forwarded_status = status;
}

void SetIrpHandedOff(PIRP irp, CHAR location, bool handed_off) {
  FrameRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  auto it = registry.frames.find(irp);
  if (it == registry.frames.end()) return;
  for (DispatchFrame* frame : it->second) {
    if (frame->location == location) frame->handed_off = handed_off;
  }
}

void NoteMarkedPending(PIRP irp, CHAR location) {
  FrameRegistry& registry = Registry();
  std::lock_guard lock(registry.mutex);
  auto it = registry.frames.find(irp);
  if (it == registry.frames.end()) return;
  for (DispatchFrame* frame : it->second) {
    if (frame->location == location) frame->marked = true;
  }
}

ScopedCompletionRoutine::ScopedCompletionRoutine(PIRP irp)
    : previous_(completing_irp) {
  completing_irp = irp;
}

ScopedCompletionRoutine::~ScopedCompletionRoutine() {
  completing_irp = previous_;
}

}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

EXTERN_C_START

VOID WskconfIoMarkIrpPending(PIRP Irp) {
  if (!internal::CheckIrpStillOwned(Irp, "IoMarkIrpPending")) return;
  if (Irp != nullptr && internal::IsIrpFreed(Irp)) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, Irp,
                           "IoMarkIrpPending: IRP %p was freed with IoFreeIrp",
                           static_cast<void*>(Irp));
    return;
  }
  if (Irp == nullptr || Irp->CurrentLocation > Irp->StackCount) {
    WskconfReportViolation(WskconfRuleIrpNoStackLocation, Irp,
                           "IoMarkIrpPending: IRP %p has no current stack "
                           "location (its creator must not mark it pending)",
                           static_cast<void*>(Irp));
    return;
  }
  IoGetCurrentIrpStackLocation(Irp)->Control |= SL_PENDING_RETURNED;
  internal::NoteMarkedPending(Irp, Irp->CurrentLocation);
}

EXTERN_C_END
