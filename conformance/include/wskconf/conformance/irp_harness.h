// The IRP harness of the conformance cases: an IRP the case owns, whose
// IoStatus is seeded with a poison value before each call and whose
// completion routine records every completion, with waits bounded by named
// time limits. It checks the completion contract of every IRP-taking WSK
// call (spec/irp.xml, Irp.CompletionContract.*): the IRP completes exactly
// once, with a final status other than STATUS_PENDING, at IRQL <=
// DISPATCH_LEVEL, and a returned status other than STATUS_PENDING equals the
// completed one. An IRP the implementation never completes fails the case
// and is leaked on purpose: freeing it could let the implementation write
// into freed memory later, and the run must go on.
#ifndef WSKCONF_CONFORMANCE_IRP_HARNESS_H_
#define WSKCONF_CONFORMANCE_IRP_HARNESS_H_

#include <wdm.h>
#include <wskconf/kernel.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace wskconf::conformance {

// How long a case waits for a completion it expects. Only a failing case
// waits this long; a passing one returns as soon as the IRP completes.
inline constexpr std::chrono::milliseconds kExpectCompletion{2000};
// How long a case watches an IRP that must stay pending (this wait is spent
// on the passing path, so it is short).
inline constexpr std::chrono::milliseconds kExpectNoCompletion{40};
// How long the harness waits for an IRP it cancelled (IoCancelIrp) before it
// gives the IRP up as never completed.
inline constexpr std::chrono::milliseconds kExpectCancel{500};

// Written into IoStatus before each call: a value no provider writes, so an
// IRP completed without a status shows up.
inline constexpr NTSTATUS kPoisonStatus = static_cast<NTSTATUS>(0x7D1CEB0F);
inline constexpr ULONG_PTR kPoisonInformation = 0x5EEDF00D5EEDF00DULL;

// What the completion routine saw at the first completion.
struct IrpCompletion {
  int calls = 0;  // every completion, the first and any later one
  NTSTATUS status = kPoisonStatus;
  ULONG_PTR information = kPoisonInformation;
  KIRQL irql = 0;
  bool pending_returned = false;
};

// Number of IRPs (and other objects) the harness leaked in this process
// because an implementation never completed them. A client session does not
// deregister after a leak: WskDeregister would wait for them forever.
int LeakedObjectCount();
// Called by the harness when it leaks something on purpose; records the
// "leaked" property on the running test with `what`.
void NoteLeak(std::string_view what);

// An IRP owned by a case (IoAllocateIrp(1)), with the harness's completion
// routine. Not copyable or movable: the completion routine points at it.
class TrackedIrp {
 public:
  // `call` names the WSK call in messages ("WskSend").
  explicit TrackedIrp(std::string call = "the call");
  ~TrackedIrp();
  TrackedIrp(const TrackedIrp&) = delete;
  TrackedIrp& operator=(const TrackedIrp&) = delete;

  // The IRP to pass to the provider; armed (poisoned, completion routine
  // set) and ready for one call. nullptr if the allocation failed.
  PIRP irp() const { return irp_; }
  // Names the call of the next Finish/messages.
  void set_call(std::string call);

  // Re-arms a completed IRP for another call (IoReuseIrp). A harness bug if
  // the IRP is still in flight.
  void Rearm();

  // Waits up to `limit` for the first completion; true if it happened.
  bool WaitForCompletion(std::chrono::milliseconds limit);
  bool completed() const;
  IrpCompletion completion() const;

  // After the provider returned `returned` for this IRP: waits up to
  // kExpectCompletion for the completion (cancelling it after that, and
  // leaking it if even that fails) and checks the completion contract.
  // Returns the failure, naming the call and the statuses, or success.
  ::testing::AssertionResult Finish(NTSTATUS returned);

  // For a call that must stay pending: `returned` is STATUS_PENDING and the
  // IRP is not completed within kExpectNoCompletion.
  ::testing::AssertionResult ExpectStillPending(NTSTATUS returned);

  // Cancels the IRP (IoCancelIrp) and waits up to kExpectCompletion for its
  // completion; true if it completed.
  bool CancelAndWait();

  // True once the harness gave this IRP up as never completed.
  bool leaked() const { return leaked_; }

 private:
  struct State;
  static NTSTATUS OnComplete(PDEVICE_OBJECT device, PIRP irp, PVOID context);
  void Arm();
  // Cancels, waits kExpectCancel, and leaks the IRP if it still did not
  // complete. Returns true if it completed.
  bool CancelOrLeak();
  // The verifier's violations about this IRP since it was armed (a second
  // completion is refused by the runtime and reported there), joined.
  std::string VerifierFindings() const;

  std::string call_;
  PIRP irp_ = nullptr;
  State* state_ = nullptr;
  bool leaked_ = false;
  ULONG violations_at_arm_ = 0;
  // Its entry in the watchdog's list of outstanding work (outstanding.h).
  std::uint64_t outstanding_id_ = 0;
};

// Waits for a kernel event (KEVENT) up to `limit`; true if it was signalled.
bool WaitForEvent(PKEVENT event, std::chrono::milliseconds limit);

}  // namespace wskconf::conformance

#endif  // WSKCONF_CONFORMANCE_IRP_HARNESS_H_
