// The IRP harness (irp_harness.h). Checks Irp.CompletionContract.* of
// spec/irp.xml on every IRP a case hands to the implementation.
#include "wskconf/conformance/irp_harness.h"

#include <atomic>

#include <fmt/format.h>
#include <wskconf/verifier.h>

#include "wskconf/outstanding.h"

#include "wskconf/conformance/status_matchers.h"

namespace wskconf::conformance {
namespace {

std::atomic<int> g_leaked{0};

// The IRP faults below break MUST clauses of spec/irp.xml whatever the
// case's own clause is; the runner reports a failed SHOULD case under it.
void NoteViolatedClause(std::string_view clause_id) {
  ::testing::Test::RecordProperty("violated_clause", std::string(clause_id));
}

constexpr std::string_view kExactlyOnce =
    "Irp.CompletionContract.CompletedExactlyOnce";

}  // namespace

int LeakedObjectCount() { return g_leaked.load(); }

void NoteLeak(std::string_view what) {
  ++g_leaked;
  ::testing::Test::RecordProperty("leaked", std::string(what));
}

bool WaitForEvent(PKEVENT event, std::chrono::milliseconds limit) {
  LARGE_INTEGER timeout;
  timeout.QuadPart = -static_cast<LONGLONG>(limit.count()) * 10000;
  return KeWaitForSingleObject(event, Executive, KernelMode, FALSE, &timeout) ==
         STATUS_SUCCESS;
}

// Shared with the completion routine; lives on the heap so a leaked IRP
// keeps a valid context.
struct TrackedIrp::State {
  KEVENT done;
  std::atomic<int> calls{0};
  IrpCompletion first;
};

TrackedIrp::TrackedIrp(std::string call) : call_(std::move(call)) {
  state_ = new State;
  KeInitializeEvent(&state_->done, NotificationEvent, FALSE);
  irp_ = IoAllocateIrp(1, FALSE);
  if (irp_ == nullptr) {
    ADD_FAILURE() << "harness: IoAllocateIrp failed for " << call_;
    return;
  }
  State* state = state_;
  outstanding_id_ = outstanding::Add("the IRP of " + call_, [state] {
    return KeReadStateEvent(&state->done) != 0;
  });
  Arm();
}

void TrackedIrp::set_call(std::string call) {
  call_ = std::move(call);
  if (outstanding_id_ != 0) outstanding::Rename(outstanding_id_, "the IRP of " + call_);
}

TrackedIrp::~TrackedIrp() {
  // First: the watchdog must not look at the state once it may be freed.
  if (outstanding_id_ != 0) outstanding::Remove(outstanding_id_);
  if (irp_ == nullptr) {
    delete state_;
    return;
  }
  if (leaked_) return;
  if (!completed() && !CancelOrLeak()) {
    NoteViolatedClause(kExactlyOnce);
    ADD_FAILURE() << "the implementation never completed the IRP of " << call_
                  << ", not even after IoCancelIrp and "
                  << kExpectCancel.count()
                  << " ms; it is leaked on purpose so the implementation "
                     "cannot write into freed memory";
    return;
  }
  IoFreeIrp(irp_);
  delete state_;
}

NTSTATUS TrackedIrp::OnComplete(PDEVICE_OBJECT, PIRP irp, PVOID context) {
  auto* state = static_cast<State*>(context);
  if (state->calls.fetch_add(1) == 0) {
    state->first.status = irp->IoStatus.Status;
    state->first.information = irp->IoStatus.Information;
    state->first.irql = KeGetCurrentIrql();
    state->first.pending_returned = irp->PendingReturned != FALSE;
  }
  KeSetEvent(&state->done, IO_NO_INCREMENT, FALSE);
  // The case owns the IRP: stop the I/O manager from touching it further.
  return STATUS_MORE_PROCESSING_REQUIRED;
}

void TrackedIrp::Arm() {
  violations_at_arm_ = WskconfGetViolationCount();
  state_->calls = 0;
  state_->first = IrpCompletion{};
  KeClearEvent(&state_->done);
  irp_->IoStatus.Status = kPoisonStatus;
  irp_->IoStatus.Information = kPoisonInformation;
  IoSetCompletionRoutine(irp_, &TrackedIrp::OnComplete, state_, TRUE, TRUE,
                         TRUE);
  // Handed over from now on: the watchdog's clock for it starts again.
  if (outstanding_id_ != 0) outstanding::Restart(outstanding_id_, "the IRP of " + call_);
}

void TrackedIrp::Rearm() {
  if (irp_ == nullptr || leaked_) return;
  if (!completed()) {
    ADD_FAILURE() << "harness: re-arming the IRP of " << call_
                  << " while it is in flight";
    return;
  }
  IoReuseIrp(irp_, STATUS_UNSUCCESSFUL);
  Arm();
}

bool TrackedIrp::WaitForCompletion(std::chrono::milliseconds limit) {
  if (completed()) return true;
  return WaitForEvent(&state_->done, limit);
}

bool TrackedIrp::completed() const {
  // The event, not `calls`: the completion routine counts the call before it
  // records the completion and signals, so a case that saw `calls` go up
  // could read a half-written record, or free the state and the IRP while
  // the routine still wrote into them (a SIGSEGV or a poisoned status, seen
  // under load). The event is set last, under the dispatcher lock.
  return state_ != nullptr && KeReadStateEvent(&state_->done) != 0;
}

IrpCompletion TrackedIrp::completion() const {
  IrpCompletion result = state_->first;
  result.calls = state_->calls.load();
  return result;
}

std::string TrackedIrp::VerifierFindings() const {
  std::string findings;
  const ULONG count = WskconfGetViolationCount();
  for (ULONG i = violations_at_arm_;
       i < count && i < WSKCONF_MAX_RECORDED_VIOLATIONS; ++i) {
    WSKCONF_VIOLATION violation;
    if (!WskconfGetViolation(i, &violation) || violation.Object != irp_) {
      continue;
    }
    if (!findings.empty()) findings += "; ";
    findings += fmt::format("{}: {}", violation.RuleId, violation.Message);
  }
  return findings;
}

bool TrackedIrp::CancelOrLeak() {
  IoCancelIrp(irp_);
  if (WaitForEvent(&state_->done, kExpectCancel)) return true;
  leaked_ = true;
  NoteLeak(fmt::format("IRP of {} (never completed)", call_));
  return false;
}

bool TrackedIrp::CancelAndWait() {
  if (irp_ == nullptr || leaked_) return false;
  if (completed()) return true;
  IoCancelIrp(irp_);
  return WaitForEvent(&state_->done, kExpectCompletion);
}

::testing::AssertionResult TrackedIrp::Finish(NTSTATUS returned) {
  if (irp_ == nullptr) {
    return ::testing::AssertionFailure() << "harness: no IRP for " << call_;
  }
  if (leaked_) {
    return ::testing::AssertionFailure()
           << "the IRP of " << call_ << " was already given up";
  }
  if (!WaitForCompletion(kExpectCompletion)) {
    const bool late = CancelOrLeak();
    NoteViolatedClause(kExactlyOnce);
    return ::testing::AssertionFailure()
           << call_ << " returned " << StatusText(returned)
           << " but never completed its IRP within "
           << kExpectCompletion.count() << " ms (kExpectCompletion)"
           << (late ? "; it completed only after IoCancelIrp"
                    : "; not even IoCancelIrp completed it, so it is leaked");
  }
  const IrpCompletion done = completion();
  // The provider clause names this fault more precisely than the verifier's
  // client-side Irp.CompletedWithStatusPending, which also fires for it.
  if (done.status == STATUS_PENDING) {
    NoteViolatedClause("Irp.CompletionContract.FinalStatusNotPending");
    return ::testing::AssertionFailure()
           << call_ << " completed its IRP with STATUS_PENDING "
           << "(Irp.CompletionContract.FinalStatusNotPending)";
  }
  if (auto misuse = VerifierFindings(); !misuse.empty()) {
    return ::testing::AssertionFailure()
           << "the kernel verifier reported misuse of the IRP of " << call_
           << ": " << misuse;
  }
  if (done.calls != 1) {
    NoteViolatedClause(kExactlyOnce);
    return ::testing::AssertionFailure()
           << call_ << " completed its IRP " << done.calls
           << " times (Irp.CompletionContract.CompletedExactlyOnce)";
  }
  if (done.status == kPoisonStatus) {
    return ::testing::AssertionFailure()
           << call_ << " completed its IRP without setting IoStatus.Status";
  }
  if (returned != STATUS_PENDING && returned != done.status) {
    return ::testing::AssertionFailure()
           << call_ << " returned " << StatusText(returned)
           << " but completed its IRP with " << StatusText(done.status)
           << " (Irp.CompletionContract.ReturnEqualsIoStatus)";
  }
  // The completion routine sees PendingReturned only when the provider
  // marked its stack location pending before returning STATUS_PENDING.
  if (returned == STATUS_PENDING && !done.pending_returned) {
    NoteViolatedClause("Irp.CompletionContract.MarkPendingBeforeReturningPending");
    return ::testing::AssertionFailure()
           << call_ << " returned STATUS_PENDING without marking its IRP pending: "
           << "the completion routine saw PendingReturned FALSE "
           << "(Irp.CompletionContract.MarkPendingBeforeReturningPending)";
  }
  if (done.irql > DISPATCH_LEVEL) {
    NoteViolatedClause("Irp.CompletionAtOrBelowDispatch");
    return ::testing::AssertionFailure()
           << call_ << " completed its IRP at IRQL " << int{done.irql}
           << ", above DISPATCH_LEVEL (Irp.CompletionAtOrBelowDispatch)";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TrackedIrp::ExpectStillPending(NTSTATUS returned) {
  if (returned != STATUS_PENDING) {
    return ::testing::AssertionFailure()
           << call_ << " returned " << StatusText(returned)
           << ", expected STATUS_PENDING (the call has to wait)";
  }
  if (WaitForCompletion(kExpectNoCompletion)) {
    return ::testing::AssertionFailure()
           << call_ << " completed its IRP with "
           << StatusText(completion().status)
           << " although it had nothing to complete with";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace wskconf::conformance
