// Tests kernel/src/irp_complete.cc: the completion walk (IRQL, invoke
// conditions, DeviceObject, PendingReturned, STATUS_MORE_PROCESSING_REQUIRED,
// UserIosb/UserEvent) and the completion rules.
#include <gtest/gtest.h>
#include <wdm.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io_test_util.h"
#include "kernel_test_util.h"

namespace {

using wskconf::testing::AllocateIrp;
using wskconf::testing::CompleteInline;
using wskconf::testing::CompletionProbe;
using wskconf::testing::IrpPtr;
using wskconf::testing::KernelTest;
using wskconf::testing::kExpectCompletion;
using wskconf::testing::RelativeTimeout;
using wskconf::testing::TestDevice;

class IrpCompleteTest : public KernelTest {
 protected:
  // A lower driver that completes every IRP inline with `status`.
  void CompleteWith(NTSTATUS status) {
    lower_.set_dispatch([status](PDEVICE_OBJECT, PIRP irp) {
      return CompleteInline(irp, status, 42);
    });
  }

  TestDevice lower_;
};

TEST_F(IrpCompleteTest, CompletionRoutineRunsAtDispatchLevel) {
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  ASSERT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
  IoCallDriver(lower_.device(), irp.get());
  ASSERT_EQ(probe.calls, 1);
  EXPECT_EQ(probe.irql, DISPATCH_LEVEL);
  EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);  // restored afterwards
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, probe.status);
  EXPECT_EQ(probe.information, 42u);
}

TEST_F(IrpCompleteTest, CreatorWithoutALocationGetsNullDeviceObject) {
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_EQ(probe.device, nullptr);
}

TEST_F(IrpCompleteTest, CallerWithItsOwnLocationGetsItsDeviceObject) {
  TestDevice upper;
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(2);
  // The creator takes a location for itself, as a driver that allocates one
  // more location than the lower driver needs does.
  IoSetNextIrpStackLocation(irp.get());
  IoGetCurrentIrpStackLocation(irp.get())->DeviceObject = upper.device();
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  ASSERT_EQ(probe.calls, 1);
  EXPECT_EQ(probe.device, upper.device());
  // The walk stopped at the creator's own location, so the creator may free
  // the IRP now without it counting as freed while pending.
  EXPECT_EQ(irp->CurrentLocation, 2);
}

TEST_F(IrpCompleteTest, InvokeOnSuccessOnlyIsSkippedOnError) {
  CompleteWith(STATUS_CONNECTION_RESET);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  IoSetCompletionRoutine(irp.get(), &CompletionProbe::Routine, &probe, TRUE,
                         FALSE, FALSE);
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_EQ(probe.calls, 0);
  ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
}

TEST_F(IrpCompleteTest, InvokeOnErrorRunsOnError) {
  CompleteWith(STATUS_CONNECTION_RESET);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  IoSetCompletionRoutine(irp.get(), &CompletionProbe::Routine, &probe, FALSE,
                         TRUE, FALSE);
  EXPECT_NTSTATUS_EQ(STATUS_CONNECTION_RESET,
                     IoCallDriver(lower_.device(), irp.get()));
  EXPECT_EQ(probe.calls, 1);
  EXPECT_NTSTATUS_EQ(STATUS_CONNECTION_RESET, probe.status);
}

TEST_F(IrpCompleteTest, InvokeOnCancelRunsForACancelledIrp) {
  CompleteWith(STATUS_CANCELLED);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  IoSetCompletionRoutine(irp.get(), &CompletionProbe::Routine, &probe, FALSE,
                         FALSE, TRUE);
  irp->Cancel = TRUE;
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_EQ(probe.calls, 1);
  EXPECT_TRUE(probe.cancel);
}

TEST_F(IrpCompleteTest, InvokeOnCancelAloneIsSkippedWithoutCancel) {
  CompleteWith(STATUS_CANCELLED);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  IoSetCompletionRoutine(irp.get(), &CompletionProbe::Routine, &probe, FALSE,
                         FALSE, TRUE);
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_EQ(probe.calls, 0);
  ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
}

TEST_F(IrpCompleteTest, CallerAllocatedRoutineReturningSuccessIsReported) {
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.result = STATUS_SUCCESS;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  WSKCONF_VIOLATION violation =
      ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
  EXPECT_EQ(violation.Object, irp.get());
  EXPECT_NE(std::string(violation.Message).find("STATUS_SUCCESS (0x00000000)"),
            std::string::npos);
}

TEST_F(IrpCompleteTest, CallerAllocatedWithoutRoutineIsReported) {
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(1);
  IoCallDriver(lower_.device(), irp.get());
  ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
}

TEST_F(IrpCompleteTest, FreeingInTheRoutineAndStoppingIsTheWskPattern) {
  CompleteWith(STATUS_SUCCESS);
  PIRP irp = IoAllocateIrp(1, FALSE);
  CompletionProbe probe;
  probe.free_irp = true;
  probe.Arm(irp);
  IoCallDriver(lower_.device(), irp);
  EXPECT_EQ(probe.calls, 1);
  EXPECT_EQ(WskconfLiveIrpCount(), 0u);
  ExpectNoViolations();
}

TEST_F(IrpCompleteTest, FreeingInTheRoutineAndReturningSuccessIsReported) {
  CompleteWith(STATUS_SUCCESS);
  PIRP irp = IoAllocateIrp(1, FALSE);
  CompletionProbe probe;
  probe.free_irp = true;
  probe.result = STATUS_SUCCESS;
  probe.Arm(irp);
  IoCallDriver(lower_.device(), irp);
  WSKCONF_VIOLATION violation =
      ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
  EXPECT_NE(std::string(violation.Message).find("freed"), std::string::npos);
}

TEST_F(IrpCompleteTest, CompletingTwiceIsReported) {
  PIRP held = nullptr;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    held = irp;
    return CompleteInline(irp, STATUS_SUCCESS);
  });
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  IoCompleteRequest(held, IO_NO_INCREMENT);
  WSKCONF_VIOLATION violation = ExpectViolation("Irp.CompletedTwice");
  EXPECT_EQ(violation.Object, irp.get());
  EXPECT_EQ(probe.calls, 1);
}

TEST_F(IrpCompleteTest, CompletingAfterFreeIsReported) {
  PIRP held = nullptr;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    held = irp;
    IoMarkIrpPending(irp);
    return STATUS_PENDING;
  });
  PIRP irp = IoAllocateIrp(1, FALSE);
  CompletionProbe probe;
  probe.Arm(irp);
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, IoCallDriver(lower_.device(), irp));
  IoFreeIrp(irp);
  ExpectViolation("Irp.FreedWhilePending");
  held->IoStatus.Status = STATUS_SUCCESS;  // quarantined memory: still mapped
  IoCompleteRequest(held, IO_NO_INCREMENT);
  ExpectViolation("Irp.CompletedAfterFree");
  EXPECT_EQ(probe.calls, 0);
  EXPECT_EQ(0u, WskconfCheckLeaks());
  WSKCONF_VIOLATION write = ExpectViolation("Irp.WrittenAfterFree");
  EXPECT_EQ(held, write.Object) << "the IoStatus store into freed memory";
}

TEST_F(IrpCompleteTest, CompletingAnUnsentIrpIsReported) {
  IrpPtr irp = AllocateIrp(1);
  IoCompleteRequest(irp.get(), IO_NO_INCREMENT);
  ExpectViolation("Irp.NoStackLocation");
}

TEST_F(IrpCompleteTest, CompletingNullIsReported) {
  IoCompleteRequest(nullptr, IO_NO_INCREMENT);
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(IrpCompleteTest, PendingCompletionFromAnotherThreadReachesTheRoutine) {
  PIRP held = nullptr;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    held = irp;
    IoMarkIrpPending(irp);
    return STATUS_PENDING;
  });
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, IoCallDriver(lower_.device(), irp.get()));
  std::thread completer([&] { CompleteInline(held, STATUS_SUCCESS, 7); });
  LARGE_INTEGER timeout = RelativeTimeout(kExpectCompletion);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS,
                     KeWaitForSingleObject(&probe.done, Executive, KernelMode,
                                           FALSE, &timeout));
  completer.join();
  EXPECT_EQ(probe.calls, 1);
  EXPECT_TRUE(probe.pending_returned);
  EXPECT_EQ(probe.information, 7u);
  EXPECT_EQ(probe.irql, DISPATCH_LEVEL);
}

TEST_F(IrpCompleteTest, PendingReturnedPropagatesThroughALayerWithoutRoutine) {
  TestDevice middle;
  PIRP held = nullptr;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    held = irp;
    IoMarkIrpPending(irp);
    return STATUS_PENDING;
  });
  middle.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    IoCopyCurrentIrpStackLocationToNext(irp);
    return IoCallDriver(lower_.device(), irp);
  });
  IrpPtr irp = AllocateIrp(2);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(middle.device(), irp.get());
  CompleteInline(held, STATUS_SUCCESS);
  EXPECT_EQ(probe.calls, 1);
  EXPECT_TRUE(probe.pending_returned);
}

TEST_F(IrpCompleteTest, NotPendingMeansPendingReturnedFalse) {
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_FALSE(probe.pending_returned);
}

TEST_F(IrpCompleteTest, MarkingTheCreatorsIrpPendingIsReported) {
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(1);
  IoMarkIrpPending(irp.get());
  ExpectViolation("Irp.NoStackLocation");
}

// A middle driver stops completion, then finishes it later; the creator's
// routine runs only then.
TEST_F(IrpCompleteTest, MoreProcessingInTheMiddleStopsUntilCompletedAgain) {
  TestDevice middle;
  CompletionProbe middle_probe;
  CompleteWith(STATUS_SUCCESS);
  middle.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    IoCopyCurrentIrpStackLocationToNext(irp);
    middle_probe.Arm(irp);
    return IoCallDriver(lower_.device(), irp);
  });
  IrpPtr irp = AllocateIrp(2);
  CompletionProbe top_probe;
  top_probe.Arm(irp.get());
  IoCallDriver(middle.device(), irp.get());
  EXPECT_EQ(middle_probe.calls, 1);
  EXPECT_EQ(middle_probe.device, middle.device());
  EXPECT_EQ(top_probe.calls, 0);
  IoCompleteRequest(irp.get(), IO_NO_INCREMENT);
  EXPECT_EQ(top_probe.calls, 1);
  ExpectNoViolations();
}

// UserIosb and UserEvent receive the result, but do not excuse a
// caller-allocated IRP from being stopped with STATUS_MORE_PROCESSING_REQUIRED:
// on Windows its final completion has no thread to run on.
TEST_F(IrpCompleteTest, UserIosbAndUserEventReceiveTheResult) {
  CompleteWith(STATUS_BUFFER_OVERFLOW);
  IrpPtr irp = AllocateIrp(1);
  IO_STATUS_BLOCK iosb{};
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  irp->UserIosb = &iosb;
  irp->UserEvent = &event;
  IoCallDriver(lower_.device(), irp.get());
  EXPECT_NTSTATUS_EQ(STATUS_BUFFER_OVERFLOW, iosb.Status);
  EXPECT_EQ(iosb.Information, 42u);
  EXPECT_NE(KeReadStateEvent(&event), 0);
  ExpectViolation("Irp.CallerAllocatedCompletionReturnsMoreProcessing");
}

TEST_F(IrpCompleteTest, ReusedIrpCompletesAgainWithoutViolation) {
  CompleteWith(STATUS_SUCCESS);
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  for (int round = 0; round < 3; ++round) {
    IoReuseIrp(irp.get(), STATUS_SUCCESS);
    probe.Arm(irp.get());
    IoCallDriver(lower_.device(), irp.get());
  }
  EXPECT_EQ(probe.calls, 3);
}

// Many senders, one completer thread: every IRP completes exactly once, is
// freed in its routine, and the verifier stays quiet.
TEST_F(IrpCompleteTest, ConcurrentSendersAndACompleterStayConsistent) {
  constexpr int kSenders = 4;
  constexpr int kIrpsPerSender = 300;
  constexpr int kTotal = kSenders * kIrpsPerSender;
  std::mutex mutex;
  std::condition_variable queued;
  std::deque<PIRP> queue;
  bool stop = false;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    IoMarkIrpPending(irp);
    {
      std::lock_guard lock(mutex);
      queue.push_back(irp);
    }
    queued.notify_one();
    return STATUS_PENDING;
  });
  std::thread completer([&] {
    std::unique_lock lock(mutex);
    while (true) {
      queued.wait(lock, [&] { return stop || !queue.empty(); });
      if (queue.empty()) return;
      PIRP irp = queue.front();
      queue.pop_front();
      lock.unlock();
      CompleteInline(irp, STATUS_SUCCESS, 1);
      lock.lock();
    }
  });
  struct Shared {
    std::atomic<int> completed{0};
    std::atomic<int> wrong_irql{0};
    KEVENT all_done;
  } shared;
  KeInitializeEvent(&shared.all_done, NotificationEvent, FALSE);
  auto routine = [](PDEVICE_OBJECT, PIRP irp, PVOID context) -> NTSTATUS {
    auto* state = static_cast<Shared*>(context);
    if (KeGetCurrentIrql() != DISPATCH_LEVEL) ++state->wrong_irql;
    IoFreeIrp(irp);
    if (++state->completed == kTotal) {
      KeSetEvent(&state->all_done, IO_NO_INCREMENT, FALSE);
    }
    return STATUS_MORE_PROCESSING_REQUIRED;
  };
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&] {
      for (int i = 0; i < kIrpsPerSender; ++i) {
        PIRP irp = IoAllocateIrp(1, FALSE);
        ASSERT_NE(irp, nullptr);
        IoSetCompletionRoutine(irp, routine, &shared, TRUE, TRUE, TRUE);
        IoCallDriver(lower_.device(), irp);
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  LARGE_INTEGER timeout = RelativeTimeout(kExpectCompletion);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS,
                     KeWaitForSingleObject(&shared.all_done, Executive,
                                           KernelMode, FALSE, &timeout));
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  queued.notify_one();
  completer.join();
  EXPECT_EQ(shared.completed, kTotal);
  EXPECT_EQ(shared.wrong_irql, 0);
  EXPECT_EQ(WskconfLiveIrpCount(), 0u);
}

TEST_F(IrpCompleteTest, CompletingAboveDispatchLevelIsReported) {
  PIRP held = nullptr;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    held = irp;
    IoMarkIrpPending(irp);
    return STATUS_PENDING;
  });
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  KIRQL old_irql;
  KeRaiseIrql(HIGH_LEVEL, &old_irql);
  CompleteInline(held, STATUS_SUCCESS);
  KeLowerIrql(old_irql);
  WSKCONF_VIOLATION violation =
      ExpectViolation("Irql.PassiveOnlyCallAtRaisedIrql");
  EXPECT_NE(std::string(violation.Message).find("IoCompleteRequest"),
            std::string::npos);
  // The probe's own KeSetEvent at HIGH_LEVEL is reported by ke as well.
  ExpectViolation("Irql.PassiveOnlyCallAtRaisedIrql");
  EXPECT_EQ(probe.calls, 1);
  EXPECT_EQ(probe.irql, HIGH_LEVEL);
}

TEST_F(IrpCompleteTest, CompletingAtDispatchLevelIsAllowed) {
  PIRP held = nullptr;
  lower_.set_dispatch([&](PDEVICE_OBJECT, PIRP irp) {
    held = irp;
    IoMarkIrpPending(irp);
    return STATUS_PENDING;
  });
  IrpPtr irp = AllocateIrp(1);
  CompletionProbe probe;
  probe.Arm(irp.get());
  IoCallDriver(lower_.device(), irp.get());
  KIRQL old_irql;
  KeRaiseIrql(DISPATCH_LEVEL, &old_irql);
  CompleteInline(held, STATUS_SUCCESS);
  EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
  KeLowerIrql(old_irql);
  EXPECT_EQ(probe.calls, 1);
  EXPECT_EQ(probe.irql, DISPATCH_LEVEL);
}

}  // namespace
