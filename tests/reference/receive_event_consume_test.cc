// WskReceiveEvent: what the client accepts is gone from the socket by the
// time its callback counts as returned. A disable that waited for the
// callback completes at that moment, and a WskReceive issued from the
// disable's completion routine sees only the bytes the client did not take.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

LARGE_INTEGER Relative(ULONG ms) {
  LARGE_INTEGER t;
  t.QuadPart = -static_cast<LONGLONG>(ms) * 10000;
  return t;
}

// A WskReceiveEvent that records what it was shown, signals `entered`, and
// holds the callback open (spinning, as it runs at DISPATCH_LEVEL) until the
// test lets it return with `answer`.
struct HeldCallback {
  NTSTATUS answer = STATUS_SUCCESS;
  SIZE_T take = SIZE_MAX;  // with STATUS_SUCCESS: bytes accepted (SIZE_MAX: all)
  std::atomic<bool> release{false};
  std::mutex mu;
  std::string shown;
  int calls = 0;
  PWSK_DATA_INDICATION retained = nullptr;
  KEVENT entered;

  HeldCallback() { KeInitializeEvent(&entered, NotificationEvent, FALSE); }

  static NTSTATUS WSKAPI Receive(PVOID context, ULONG, PWSK_DATA_INDICATION data,
                                 SIZE_T indicated, SIZE_T* accepted) {
    auto* self = static_cast<HeldCallback*>(context);
    {
      std::lock_guard<std::mutex> lock(self->mu);
      ++self->calls;
      if (data != nullptr) {
        auto* base = static_cast<char*>(
            MmGetSystemAddressForMdlSafe(data->Buffer.Mdl, NormalPagePriority));
        self->shown.append(base + data->Buffer.Offset, data->Buffer.Length);
        if (self->answer == STATUS_PENDING) self->retained = data;
      }
    }
    KeSetEvent(&self->entered, IO_NO_INCREMENT, FALSE);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kExpectCompletion);
    while (!self->release.load() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (self->answer == STATUS_SUCCESS && self->take < indicated) *accepted = self->take;
    return self->answer;
  }

  bool WaitEntered() {
    LARGE_INTEGER t = Relative(kExpectCompletion);
    return KeWaitForSingleObject(&entered, Executive, KernelMode, FALSE, &t) ==
           STATUS_SUCCESS;
  }
};

const WSK_CLIENT_CONNECTION_DISPATCH kHeldCallbacks = {HeldCallback::Receive, nullptr,
                                                       nullptr};

// SO_WSK_EVENT_CALLBACK(WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE) with an IRP
// whose completion routine starts a WskReceive (WSK_FLAG_WAITALL) of
// `length` bytes on the same socket, the way a driver takes over reading.
class DisableThenReceive {
 public:
  DisableThenReceive(PWSK_SOCKET socket, size_t length)
      : socket_(socket), buffer_(length), irp_(IoAllocateIrp(1, FALSE)) {
    KeInitializeEvent(&done_, NotificationEvent, FALSE);
  }
  ~DisableThenReceive() {
    if (irp_ != nullptr) IoFreeIrp(irp_);
  }

  NTSTATUS Start() {
    IoSetCompletionRoutine(irp_, &Routine, this, TRUE, TRUE, TRUE);
    return BasicTable(socket_)->WskControlSocket(socket_, WskSetOption,
                                                 SO_WSK_EVENT_CALLBACK, WS_SOL_SOCKET,
                                                 sizeof(control_), &control_, 0, nullptr,
                                                 nullptr, irp_);
  }
  bool WaitDisabled() {
    LARGE_INTEGER t = Relative(kExpectCompletion);
    return KeWaitForSingleObject(&done_, Executive, KernelMode, FALSE, &t) ==
           STATUS_SUCCESS;
  }
  NTSTATUS disable_status() const { return irp_->IoStatus.Status; }
  // Waits for the receive the completion routine started; its bytes in *out.
  NTSTATUS ReceiveResult(std::string* out) {
    NTSTATUS status = receive_.Result(receive_returned_);
    if (status == STATUS_SUCCESS) *out = buffer_.Read(0, receive_.information());
    return status;
  }

 private:
  static NTSTATUS Routine(PDEVICE_OBJECT, PIRP, PVOID context) {
    auto* self = static_cast<DisableThenReceive*>(context);
    self->buf_ = self->buffer_.Buf();
    self->receive_returned_ = ConnectionTable(self->socket_)->WskReceive(
        self->socket_, &self->buf_, WSK_FLAG_WAITALL, self->receive_.Start());
    KeSetEvent(&self->done_, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
  }

  PWSK_SOCKET socket_;
  MdlBuffer buffer_;
  WSK_BUF buf_{};
  PIRP irp_;
  IrpProbe receive_;
  NTSTATUS receive_returned_ = STATUS_PENDING;
  KEVENT done_;
  WSK_EVENT_CALLBACK_CONTROL control_{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID),
                                      WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE};
};

class ReceiveEventConsumeTest : public FamilyTest {
 protected:
  // The peer sends "first"; the callback answers `answer` (taking `take`
  // bytes) while a disable waits for it; the receive started when the
  // disable completes must read `expected` (after the peer sends "second"
  // when `then_send` is set), never bytes the client already accepted.
  void Run(NTSTATUS answer, SIZE_T take, bool then_send, const std::string& expected) {
    HeldCallback callback;
    callback.answer = answer;
    callback.take = take;
    ConnectedPair pair = ConnectToHost(*client(), family(), &callback, &kHeldCallbacks);
    ASSERT_NE(pair.wsk, nullptr);
    ASSERT_EQ(EnableEvents(pair.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
    HostWriteAll(pair.host, "first");
    bool entered = callback.WaitEntered();
    EXPECT_TRUE(entered) << "WskReceiveEvent was not called";
    {
      DisableThenReceive disable(pair.wsk, expected.size());
      NTSTATUS started = disable.Start();
      // Events.NoCallAfterDisableCompletes: the callback still runs.
      EXPECT_EQ(started, entered ? STATUS_PENDING : STATUS_SUCCESS) << StatusName(started);
      callback.release = true;
      ASSERT_TRUE(disable.WaitDisabled()) << "the disable never completed";
      EXPECT_EQ(disable.disable_status(), STATUS_SUCCESS);
      if (then_send) HostWriteAll(pair.host, "second");
      std::string in;
      EXPECT_EQ(disable.ReceiveResult(&in), STATUS_SUCCESS);
      EXPECT_EQ(in, expected) << "bytes the callback accepted were delivered again";
    }
    {
      std::lock_guard<std::mutex> lock(callback.mu);
      EXPECT_EQ(callback.calls, 1);
      EXPECT_EQ(callback.shown, "first");
    }
    if (callback.retained != nullptr) {
      EXPECT_EQ(ConnectionTable(pair.wsk)->WskRelease(pair.wsk, callback.retained),
                STATUS_SUCCESS);
    }
    EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
    close(pair.host);
  }
};

TEST_P(ReceiveEventConsumeTest, AcceptedBytesAreNotReceivedAgain) {
  RecordClause("WskReceiveEvent.AllAcceptedKeepsIndicating");
  Run(STATUS_SUCCESS, SIZE_MAX, true, "second");
}

TEST_P(ReceiveEventConsumeTest, PartlyAcceptedLeavesOnlyTheRest) {
  RecordClause("WskReceiveEvent.PartialAcceptPausesIndications");
  Run(STATUS_SUCCESS, 2, false, "rst");
}

TEST_P(ReceiveEventConsumeTest, RetainedBytesAreNotReceivedAgain) {
  RecordClause("WskReceiveEvent.AllAcceptedKeepsIndicating");
  Run(STATUS_PENDING, SIZE_MAX, true, "second");
}

WSKCONF_FAMILY_TESTS(ReceiveEventConsumeTest);

}  // namespace
}  // namespace wskconf::reference::testing
