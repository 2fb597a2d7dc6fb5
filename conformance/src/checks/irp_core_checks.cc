// Check helpers for the IRP, IRQL, pool and MDL clauses of spec/irp.xml
// that need more than the harness's per-call contract (checks_core.h).
#include <atomic>
#include <string>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks_core.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

#define WSKCONF_CONNECTED(session, socket, pair)                           \
  WSKCONF_OPEN_SESSION(session);                                           \
  WskSocketOwner socket(session);                                          \
  internal::ConnectedPair pair;                                            \
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, \
                                &pair))

// An IRP whose completion routine, after recording the completion, writes
// a fresh poison into IoStatus: the IRP is the client's again, and a
// provider that writes to it later overwrites the poison.
class PoisonAfterCompletionIrp {
 public:
  static constexpr NTSTATUS kAfterStatus = static_cast<NTSTATUS>(0x6AF7E11D);
  static constexpr ULONG_PTR kAfterInformation = 0xAF7E11DAF7E11DULL;

  explicit PoisonAfterCompletionIrp(CCHAR stack_size = 1) {
    irp_ = IoAllocateIrp(stack_size, FALSE);
    KeInitializeEvent(&done_, NotificationEvent, FALSE);
    if (irp_ != nullptr) {
      IoSetCompletionRoutine(irp_, &OnComplete, this, TRUE, TRUE, TRUE);
    }
  }
  ~PoisonAfterCompletionIrp() {
    if (irp_ != nullptr && completed_ && LeakedObjectCount() == 0) IoFreeIrp(irp_);
  }
  PIRP irp() const { return irp_; }
  bool Wait() { return WaitForEvent(&done_, kExpectCompletion); }
  NTSTATUS status() const { return status_; }
  ULONG_PTR information() const { return information_; }
  int calls() const { return calls_; }
  bool PoisonIntact() const {
    return irp_->IoStatus.Status == kAfterStatus &&
           irp_->IoStatus.Information == kAfterInformation;
  }

 private:
  static NTSTATUS OnComplete(PDEVICE_OBJECT, PIRP irp, PVOID context) {
    auto* self = static_cast<PoisonAfterCompletionIrp*>(context);
    if (self->calls_++ == 0) {
      self->status_ = irp->IoStatus.Status;
      self->information_ = irp->IoStatus.Information;
    }
    irp->IoStatus.Status = kAfterStatus;
    irp->IoStatus.Information = kAfterInformation;
    self->completed_ = true;
    KeSetEvent(&self->done_, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
  }

  PIRP irp_ = nullptr;
  KEVENT done_;
  std::atomic<int> calls_{0};
  std::atomic<bool> completed_{false};
  NTSTATUS status_ = STATUS_PENDING;
  ULONG_PTR information_ = 0;
};

// Starts a WskReceive into `buffer`; the IRP stays with the caller.
NTSTATUS StartReceive(const WskSocketOwner& socket, const MdlBuffer& buffer,
                      ULONG flags, PIRP irp) {
  WSK_BUF buf = buffer.Buf();
  return internal::FunctionsOf(socket).Receive(socket.get(), &buf, flags, irp);
}

}  // namespace

void IrpUntouchedAfterCompletion(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  // A receive that pends, completed by the peer's data, and a send.
  MdlBuffer in(64);
  PoisonAfterCompletionIrp receive;
  ASSERT_NE(receive.irp(), nullptr);
  const NTSTATUS receive_returned = StartReceive(socket, in, 0, receive.irp());
  const std::string data = Payload(32, 3);
  ASSERT_TRUE(pair.peer.SendAll(data));
  ASSERT_TRUE(receive.Wait()) << "the WskReceive IRP never completed";
  MdlBuffer out(Payload(48, 4));
  WSK_BUF buf = out.Buf();
  PoisonAfterCompletionIrp send;
  const NTSTATUS send_returned = internal::FunctionsOf(socket).Send(
      socket.get(), &buf, 0, send.irp());
  ASSERT_TRUE(send.Wait()) << "the WskSend IRP never completed";
  ExpectClauseStatus(info, send.status(), "WskSend");
  EXPECT_TRUE(receive_returned == STATUS_PENDING ||
              receive_returned == receive.status());
  EXPECT_TRUE(send_returned == STATUS_PENDING || send_returned == send.status());
  // More activity on the socket, then its close: the provider's last chance
  // to touch the completed IRPs.
  EXPECT_EQ(pair.peer.Receive(out.size(), kExpectCompletion).size(), 48u);
  ASSERT_TRUE(socket.Close());
  RecordExpectedActual("IoStatus left as the completion routine set it",
                       fmt::format("receive {}, send {}",
                                   receive.PoisonIntact() ? "intact" : "written",
                                   send.PoisonIntact() ? "intact" : "written"));
  EXPECT_TRUE(receive.PoisonIntact())
      << "the provider wrote IoStatus of the WskReceive IRP after completing it";
  EXPECT_TRUE(send.PoisonIntact())
      << "the provider wrote IoStatus of the WskSend IRP after completing it";
  EXPECT_EQ(receive.calls(), 1);
  EXPECT_EQ(send.calls(), 1);
}

void PendingReturnedMarked(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_CONNECTED(session, socket, pair);
  MdlBuffer buffer(64);
  TrackedIrp irp("WskReceive");
  const NTSTATUS returned = StartReceive(socket, buffer, 0, irp.irp());
  ExpectClauseStatus(info, returned, "WskReceive with no data queued");
  ASSERT_TRUE(pair.peer.SendAll(Payload(16, 2)));
  ASSERT_TRUE(irp.Finish(returned));
  RecordExpectedActual("PendingReturned TRUE",
                       irp.completion().pending_returned ? "TRUE" : "FALSE");
  EXPECT_TRUE(irp.completion().pending_returned)
      << "WskReceive returned STATUS_PENDING without marking the IRP pending";
}

void ControlSocketInformationIsOutputBytes(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  ULONG value = 0;
  SIZE_T returned_size = 0;
  TrackedIrp irp("WskControlSocket(WskGetOption, SO_RCVBUF)");
  const CallOutcome got = internal::Finish(
      irp, socket.basic()->WskControlSocket(socket.get(), WskGetOption,
                                            SO_RCVBUF, SOL_SOCKET, 0, nullptr,
                                            sizeof value, &value,
                                            &returned_size, irp.irp()));
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskControlSocket")) return;
  RecordExpectedActual("Information 4 (sizeof(ULONG) written)",
                       fmt::format("Information {}", got.information));
  EXPECT_EQ(got.information, sizeof value)
      << "IoStatus.Information is not the number of bytes written";
}

}  // namespace wskconf::conformance::checks
