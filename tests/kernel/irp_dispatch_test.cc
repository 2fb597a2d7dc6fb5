// Tests of the I/O manager rules the verifier checks around dispatch
// routines (kernel/src/irp_dispatch.cc, irp.cc, irp_complete.cc): the
// pending contract, completion status and cancel routine, resending without
// IoReuseIrp, touching an IRP after handing it on, and PendingReturned
// propagation. Each rule has a buggy driver that trips it and a correct one
// that stays silent.
#include <gtest/gtest.h>
#include <wdm.h>

#include <string>
#include <thread>

#include "io_test_util.h"
#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::AllocateIrp;
using ::wskconf::testing::CompleteInline;
using ::wskconf::testing::CompletionProbe;
using ::wskconf::testing::IrpPtr;
using ::wskconf::testing::kExpectCompletion;
using ::wskconf::testing::RelativeTimeout;
using ::wskconf::testing::TestDevice;

class IrpDispatchTest : public ::wskconf::testing::KernelTest {
 protected:
  // Sends a fresh two-location IRP from a creator whose completion routine
  // stops completion, to `middle_`.
  NTSTATUS Send(PIRP irp) {
    probe_.Arm(irp);
    return IoCallDriver(middle_.device(), irp);
  }

  // The middle driver passes the IRP down unchanged.
  static NTSTATUS PassDown(TestDevice* lower, PIRP irp) {
    IoCopyCurrentIrpStackLocationToNext(irp);
    return IoCallDriver(lower->device(), irp);
  }

  NTSTATUS WaitForProbe() {
    LARGE_INTEGER timeout = RelativeTimeout(kExpectCompletion);
    return KeWaitForSingleObject(&probe_.done, Executive, KernelMode, FALSE,
                                 &timeout);
  }

  TestDevice middle_;
  TestDevice lower_;
  CompletionProbe probe_;
  PIRP held_ = nullptr;  // an IRP the lower driver keeps to complete later
};

// ---------------------------------------------------------------- pending

TEST_F(IrpDispatchTest, PendingWithoutMarkIsReported) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
    held_ = irp;
    return STATUS_PENDING;  // bug: no IoMarkIrpPending
  });
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, Send(irp.get()));
  EXPECT_EQ(irp.get(),
            ExpectViolation("Irp.PendingReturnedWithoutMark").Object);
  CompleteInline(held_, STATUS_SUCCESS);
}

TEST_F(IrpDispatchTest, MarkedThenPendingIsSilent) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
    IoMarkIrpPending(irp);
    held_ = irp;
    return STATUS_PENDING;
  });
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, Send(irp.get()));
  CompleteInline(held_, STATUS_SUCCESS);
  EXPECT_EQ(1, probe_.calls.load());
  EXPECT_TRUE(probe_.pending_returned);
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

TEST_F(IrpDispatchTest, MarkedButReturningSomethingElseIsReported) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    IoMarkIrpPending(irp);
    return CompleteInline(irp, STATUS_SUCCESS);  // bug: not STATUS_PENDING
  });
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Send(irp.get()));
  ExpectViolation("Irp.MarkedPendingButNotReturned");
}

TEST_F(IrpDispatchTest, MarkedCompletedInlineAndPendingReturnedIsSilent) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    IoMarkIrpPending(irp);
    CompleteInline(irp, STATUS_SUCCESS);
    return STATUS_PENDING;  // as documented, even though it completed
  });
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, Send(irp.get()));
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

TEST_F(IrpDispatchTest, ReturningWhatIoCallDriverReturnedIsSilent) {
  IrpPtr irp = AllocateIrp(2);
  lower_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
    IoMarkIrpPending(irp);
    held_ = irp;
    return STATUS_PENDING;
  });
  middle_.set_dispatch(
      [this](PDEVICE_OBJECT, PIRP irp) { return PassDown(&lower_, irp); });
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, Send(irp.get()));
  CompleteInline(held_, STATUS_SUCCESS);
  EXPECT_TRUE(probe_.pending_returned) << "propagated through the middle";
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

// ------------------------------------------------------ completion status

TEST_F(IrpDispatchTest, CompletingWithStatusPendingIsReported) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    CompleteInline(irp, STATUS_PENDING);  // bug
    return STATUS_SUCCESS;
  });
  Send(irp.get());
  ExpectViolation("Irp.CompletedWithStatusPending");
  EXPECT_EQ(1, probe_.calls.load()) << "completion still goes on";
}

void IgnoreCancel(PDEVICE_OBJECT, PIRP irp) {
  IoReleaseCancelSpinLock(irp->CancelIrql);
}

TEST_F(IrpDispatchTest, CompletingWithACancelRoutineSetIsReported) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    IoSetCancelRoutine(irp, IgnoreCancel);
    return CompleteInline(irp, STATUS_SUCCESS);  // bug: routine still set
  });
  Send(irp.get());
  ExpectViolation("Irp.CompletedWithCancelRoutine");
}

TEST_F(IrpDispatchTest, ClearingTheCancelRoutineBeforeCompletingIsSilent) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    IoSetCancelRoutine(irp, IgnoreCancel);
    IoSetCancelRoutine(irp, nullptr);
    return CompleteInline(irp, STATUS_SUCCESS);
  });
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Send(irp.get()));
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

// ------------------------------------------------------------------ reuse

TEST_F(IrpDispatchTest, SendingACompletedIrpWithoutReuseIsReported) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    return CompleteInline(irp, STATUS_SUCCESS);
  });
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Send(irp.get()));
  Send(irp.get());  // bug: no IoReuseIrp in between
  EXPECT_EQ(irp.get(), ExpectViolation("Irp.SentAgainWithoutReuse").Object);
  EXPECT_EQ(2, middle_.dispatch_count());
}

TEST_F(IrpDispatchTest, ReusingBeforeSendingAgainIsSilent) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    return CompleteInline(irp, STATUS_SUCCESS);
  });
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Send(irp.get()));
  IoReuseIrp(irp.get(), STATUS_NOT_SUPPORTED);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Send(irp.get()));
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

// --------------------------------------------------------------- hand-off

TEST_F(IrpDispatchTest, MarkingPendingAfterPassingOnIsReported) {
  IrpPtr irp = AllocateIrp(2);
  lower_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    return CompleteInline(irp, STATUS_SUCCESS);
  });
  middle_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
    NTSTATUS status = PassDown(&lower_, irp);
    IoMarkIrpPending(irp);  // bug: the IRP was handed on and completed
    return status;
  });
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Send(irp.get()));
  WSKCONF_VIOLATION violation = ExpectViolation("Irp.TouchedAfterHandOff");
  EXPECT_NE(std::string(violation.Message).find("has completed"),
            std::string::npos)
      << violation.Message;
  EXPECT_EQ(0u, WskconfGetViolationCount()) << "no other rule for it";
}

TEST_F(IrpDispatchTest, CompletingAfterCompletingIsATouchAfterHandOff) {
  IrpPtr irp = AllocateIrp(2);
  middle_.set_dispatch([](PDEVICE_OBJECT, PIRP irp) {
    CompleteInline(irp, STATUS_SUCCESS);
    IoCompleteRequest(irp, IO_NO_INCREMENT);  // bug
    return STATUS_SUCCESS;
  });
  Send(irp.get());
  ExpectViolation("Irp.TouchedAfterHandOff");
  EXPECT_EQ(1, probe_.calls.load());
}

struct ForwardAndWait {
  KEVENT lower_done;
  static NTSTATUS Routine(PDEVICE_OBJECT, PIRP, PVOID context) {
    KeSetEvent(&static_cast<ForwardAndWait*>(context)->lower_done,
               IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
  }
};

TEST_F(IrpDispatchTest, ForwardAndWaitThenCompleteIsSilent) {
  IrpPtr irp = AllocateIrp(2);
  std::thread completer;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    IoMarkIrpPending(irp);
    completer = std::thread([irp] { CompleteInline(irp, STATUS_SUCCESS); });
    return STATUS_PENDING;
  });
  middle_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
    ForwardAndWait wait;
    KeInitializeEvent(&wait.lower_done, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, ForwardAndWait::Routine, &wait, TRUE, TRUE,
                           TRUE);
    NTSTATUS status = IoCallDriver(lower_.device(), irp);
    if (status == STATUS_PENDING) {
      LARGE_INTEGER timeout = RelativeTimeout(kExpectCompletion);
      KeWaitForSingleObject(&wait.lower_done, Executive, KernelMode, FALSE,
                            &timeout);
      status = irp->IoStatus.Status;
    }
    IoCompleteRequest(irp, IO_NO_INCREMENT);  // given back: allowed
    return status;
  });
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, Send(irp.get()));
  completer.join();
  EXPECT_EQ(1, probe_.calls.load());
  EXPECT_EQ(0u, WskconfGetViolationCount());
}

// ------------------------------------------------------------ propagation

struct MiddleRoutine {
  bool propagate = false;
  static NTSTATUS Routine(PDEVICE_OBJECT, PIRP irp, PVOID context) {
    if (static_cast<MiddleRoutine*>(context)->propagate &&
        irp->PendingReturned) {
      IoMarkIrpPending(irp);
    }
    return STATUS_SUCCESS;
  }
};

class PropagationTest : public IrpDispatchTest,
                        public ::testing::WithParamInterface<bool> {};

TEST_P(PropagationTest, ACompletionRoutineMustPropagatePendingReturned) {
  const bool propagate = GetParam();
  IrpPtr irp = AllocateIrp(2);
  MiddleRoutine routine{propagate};
  lower_.set_dispatch([this](PDEVICE_OBJECT, PIRP irp) {
    IoMarkIrpPending(irp);
    held_ = irp;
    return STATUS_PENDING;
  });
  middle_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, MiddleRoutine::Routine, &routine, TRUE, TRUE,
                           TRUE);
    return IoCallDriver(lower_.device(), irp);
  });
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, Send(irp.get()));
  CompleteInline(held_, STATUS_SUCCESS);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, WaitForProbe());
  if (propagate) {
    EXPECT_TRUE(probe_.pending_returned);
    EXPECT_EQ(0u, WskconfGetViolationCount());
  } else {
    EXPECT_FALSE(probe_.pending_returned) << "the creator never hears of it";
    ExpectViolation("Irp.PendingReturnedNotPropagated");
  }
}

INSTANTIATE_TEST_SUITE_P(BuggyAndCorrect, PropagationTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Propagates" : "Forgets";
                         });

}  // namespace
}  // namespace wskconf::kernel
