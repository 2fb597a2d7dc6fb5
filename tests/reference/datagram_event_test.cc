// WskReceiveFromEvent: indications at DISPATCH_LEVEL with the sender's
// address, chains of several datagrams, retained lists released with
// WskRelease, STATUS_DATA_NOT_ACCEPTED disabling the callback, queued
// receives first, and no callback after close.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <vector>

#include "datagram_test_util.h"

namespace wskconf::reference::testing {
namespace {

// A WskReceiveFromEvent that records what it was shown and answers with a
// programmed status.
class DatagramSink {
 public:
  static NTSTATUS WSKAPI Callback(PVOID context, ULONG flags,
                                  PWSK_DATAGRAM_INDICATION list) {
    return static_cast<DatagramSink*>(context)->Record(flags, list);
  }

  void set_answer(NTSTATUS answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = answer;
  }
  // Waits (kExpectCompletion, or `timeout_ms`) until `count` datagrams
  // were shown; false on timeout.
  bool WaitForDatagrams(size_t count, ULONG timeout_ms = kExpectCompletion) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return datagrams_.size() >= count; });
  }
  std::vector<std::string> datagrams() {
    std::lock_guard<std::mutex> lock(mu_);
    return datagrams_;
  }
  std::vector<size_t> chain_lengths() {
    std::lock_guard<std::mutex> lock(mu_);
    return chains_;
  }
  // The retained lists not yet handed back (each returned once).
  std::vector<PWSK_DATAGRAM_INDICATION> TakeRetained() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(retained_);
  }
  // Waits (kExpectCompletion) until the callback refused `count` times.
  bool WaitForRefusals(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(kExpectCompletion),
                        [&] { return refusals_ >= count; });
  }
  bool all_at_dispatch() const { return all_at_dispatch_; }
  SOCKADDR_STORAGE last_sender() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_sender_;
  }
  bool control_info_empty() const { return control_info_empty_; }

  static const WSK_CLIENT_DATAGRAM_DISPATCH kDispatch;

 private:
  NTSTATUS Record(ULONG flags, PWSK_DATAGRAM_INDICATION list) {
    bool at_dispatch = KeGetCurrentIrql() == DISPATCH_LEVEL &&
                       (flags & WSK_FLAG_AT_DISPATCH_LEVEL) != 0;
    std::lock_guard<std::mutex> lock(mu_);
    all_at_dispatch_ = all_at_dispatch_ && at_dispatch;
    if (answer_ == STATUS_DATA_NOT_ACCEPTED) {
      ++refusals_;
      cv_.notify_all();
      return answer_;
    }
    size_t length = 0;
    for (PWSK_DATAGRAM_INDICATION d = list; d != nullptr; d = d->Next, ++length) {
      std::string bytes(d->Buffer.Length, '\0');
      if (d->Buffer.Length > 0) {
        auto* base = static_cast<char*>(MmGetSystemAddressForMdlSafe(d->Buffer.Mdl, NormalPagePriority));
        std::memcpy(bytes.data(), base + d->Buffer.Offset, d->Buffer.Length);
      }
      datagrams_.push_back(bytes);
      std::memcpy(&last_sender_, d->RemoteAddress,
                  d->RemoteAddress->sa_family == WS_AF_INET6 ? sizeof(SOCKADDR_IN6)
                                                             : sizeof(SOCKADDR_IN));
      control_info_empty_ = control_info_empty_ && d->ControlInfo == nullptr &&
                            d->ControlInfoLength == 0;
    }
    chains_.push_back(length);
    if (answer_ == STATUS_PENDING) retained_.push_back(list);
    cv_.notify_all();
    return answer_;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  NTSTATUS answer_ = STATUS_SUCCESS;
  std::vector<std::string> datagrams_;
  std::vector<size_t> chains_;
  std::vector<PWSK_DATAGRAM_INDICATION> retained_;
  SOCKADDR_STORAGE last_sender_{};
  int refusals_ = 0;
  std::atomic<bool> all_at_dispatch_{true};
  std::atomic<bool> control_info_empty_{true};
};

const WSK_CLIENT_DATAGRAM_DISPATCH DatagramSink::kDispatch = {&DatagramSink::Callback};

class DatagramEventTest : public FamilyTest {
 protected:
  void SetUp() override {
    FamilyTest::SetUp();
    socket_ = BoundDatagramSocket(*client(), family(), &local_, &sink_,
                                  &DatagramSink::kDispatch);
    ASSERT_NE(socket_, nullptr);
    peer_ = HostUdp(family(), &peer_address_);
    ASSERT_GE(peer_, 0);
  }
  void TearDown() override {
    ReleaseRetained();
    if (socket_ != nullptr) {
      EXPECT_EQ(CloseSocket(socket_), STATUS_SUCCESS);
    }
    if (peer_ >= 0) close(peer_);
    FamilyTest::TearDown();
  }
  void ReleaseRetained() {
    for (PWSK_DATAGRAM_INDICATION list : sink_.TakeRetained()) {
      EXPECT_EQ(DatagramTable(socket_)->WskRelease(socket_, list), STATUS_SUCCESS);
    }
  }
  NTSTATUS Enable() { return EnableEvents(socket_, WSK_EVENT_RECEIVE_FROM); }

  DatagramSink sink_;
  PWSK_SOCKET socket_ = nullptr;
  SOCKADDR_STORAGE local_{};
  int peer_ = -1;
  SOCKADDR_STORAGE peer_address_{};
};

TEST_P(DatagramEventTest, IndicatesAtDispatchWithSender) {
  RecordClause("WSK_DATAGRAM_INDICATION.RemoteAddressIsSender");
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  HostSendTo(peer_, "hello", local_);
  ASSERT_TRUE(sink_.WaitForDatagrams(1));
  EXPECT_EQ(sink_.datagrams()[0], "hello");
  EXPECT_TRUE(SameAddress(sink_.last_sender(), peer_address_));
  EXPECT_TRUE(sink_.all_at_dispatch());  // Events.AtDispatchFlagMatchesIrql
  EXPECT_TRUE(sink_.control_info_empty());  // WSK_DATAGRAM_INDICATION.NoControlInfoIsNullAndZero
}

TEST_P(DatagramEventTest, NotCalledUntilEnabled) {
  RecordClause("Events.DisabledOnNewSocket");
  HostSendTo(peer_, "early", local_);
  EXPECT_FALSE(sink_.WaitForDatagrams(1, kExpectNoCompletion));
  ASSERT_EQ(Enable(), STATUS_SUCCESS);  // waiting datagrams are then indicated
  ASSERT_TRUE(sink_.WaitForDatagrams(1));
  EXPECT_EQ(sink_.datagrams()[0], "early");
}

TEST_P(DatagramEventTest, WaitingDatagramsComeAsOneChain) {
  RecordClause("WSK_DATAGRAM_INDICATION.OneDatagramPerEntry");
  for (int i = 0; i < 5; ++i) HostSendTo(peer_, Pattern(10 + i, i), local_);
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  ASSERT_TRUE(sink_.WaitForDatagrams(5));
  std::vector<std::string> got = sink_.datagrams();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(got[i], Pattern(10 + i, i));
  EXPECT_EQ(sink_.chain_lengths(), std::vector<size_t>{5});
}

TEST_P(DatagramEventTest, RetainedListsReleasedWithWskRelease) {
  RecordClause("WskReleaseDatagramIndicationList.ReleasesRetainedList");
  sink_.set_answer(STATUS_PENDING);
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  HostSendTo(peer_, "kept one", local_);
  ASSERT_TRUE(sink_.WaitForDatagrams(1));
  HostSendTo(peer_, "kept two", local_);  // WskReceiveFromEvent.MayCallAgainAfterPending
  ASSERT_TRUE(sink_.WaitForDatagrams(2));
  // The retained data stays readable until released; the fixture releases
  // it and fails on any leaked MDL or pool block.
  EXPECT_EQ(sink_.datagrams()[1], "kept two");
  ReleaseRetained();
}

TEST_P(DatagramEventTest, ReleaseOfNullFails) {
  RecordClause("WskReleaseDatagramIndicationList.InvalidParameter");
  EXPECT_EQ(DatagramTable(socket_)->WskRelease(socket_, nullptr), STATUS_INVALID_PARAMETER);
  WSK_DATAGRAM_INDICATION forged{};
  EXPECT_EQ(DatagramTable(socket_)->WskRelease(socket_, &forged), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReleaseNotRetained"), 1) << "the forged list";
}

TEST_P(DatagramEventTest, NotAcceptedDisablesAndKeepsDatagram) {
  RecordClause("WskReceiveFromEvent.NotAcceptedDisablesDynamic");
  sink_.set_answer(STATUS_DATA_NOT_ACCEPTED);
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  HostSendTo(peer_, "refused", local_);
  ASSERT_TRUE(sink_.WaitForRefusals(1));
  sink_.set_answer(STATUS_SUCCESS);
  // Disabled now: a later datagram is not indicated...
  HostSendTo(peer_, "later", local_);
  EXPECT_FALSE(sink_.WaitForDatagrams(1, kExpectNoCompletion));
  // ...and re-enabling first indicates what is still buffered, in order.
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  ASSERT_TRUE(sink_.WaitForDatagrams(2));
  EXPECT_EQ(sink_.datagrams(), (std::vector<std::string>{"refused", "later"}));
}

TEST_P(DatagramEventTest, RefusedDatagramGoesToNextReceive) {
  RecordClause("WskReceiveFromEvent.NotAcceptedDisablesDynamic");
  sink_.set_answer(STATUS_DATA_NOT_ACCEPTED);
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  HostSendTo(peer_, "for the irp", local_);
  ASSERT_TRUE(sink_.WaitForRefusals(1));
  MdlBuffer buffer(32);
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE from{};
  IrpProbe probe;
  NTSTATUS returned = DatagramTable(socket_)->WskReceiveFrom(
      socket_, &buf, 0, reinterpret_cast<PSOCKADDR>(&from), nullptr, nullptr, nullptr,
      probe.Start());
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "for the irp");
  EXPECT_TRUE(SameAddress(from, peer_address_));
}

TEST_P(DatagramEventTest, QueuedReceiveComesBeforeCallback) {
  RecordClause("Events.PendingRequestPrecedesCallback");
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  MdlBuffer buffer(32);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = DatagramTable(socket_)->WskReceiveFrom(
      socket_, &buf, 0, nullptr, nullptr, nullptr, nullptr, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  HostSendTo(peer_, "to irp", local_);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "to irp");
  HostSendTo(peer_, "to callback", local_);
  ASSERT_TRUE(sink_.WaitForDatagrams(1));
  EXPECT_EQ(sink_.datagrams(), std::vector<std::string>{"to callback"});
}

TEST_P(DatagramEventTest, DisabledCallbackNotCalled) {
  RecordClause("Events.NoCallAfterDisableCompletes");
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  ASSERT_EQ(EnableEvents(socket_, WSK_EVENT_RECEIVE_FROM | WSK_EVENT_DISABLE), STATUS_SUCCESS);
  HostSendTo(peer_, "unseen", local_);
  EXPECT_FALSE(sink_.WaitForDatagrams(1, kExpectNoCompletion));
}

TEST_P(DatagramEventTest, NoCallbackAfterClose) {
  RecordClause("Close.NoCallsAfterClose");
  ASSERT_EQ(Enable(), STATUS_SUCCESS);
  ASSERT_EQ(CloseSocket(socket_), STATUS_SUCCESS);
  socket_ = nullptr;
  HostSendTo(peer_, "after close", local_);
  EXPECT_FALSE(sink_.WaitForDatagrams(1, kExpectNoCompletion));
}

TEST_P(DatagramEventTest, ConnectionEventsRefused) {
  RecordClause("Events.EnableDisableThroughOption");
  EXPECT_EQ(EnableEvents(socket_, WSK_EVENT_RECEIVE), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1)
      << "the mistakes made on purpose";
}

// A socket whose WskReceiveFromEvent WSK_SET_STATIC_EVENT_CALLBACKS enabled.
class StaticDatagramEventTest : public FamilyTest {};

TEST_P(StaticDatagramEventTest, NotAcceptedStaysEnabled) {
  RecordClause("WskReceiveFromEvent.NotAcceptedStaticStays");
  WSK_EVENT_CALLBACK_CONTROL control{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID),
                                     WSK_EVENT_RECEIVE_FROM};
  ASSERT_EQ(client()->dispatch()->WskControlClient(
                client()->client(), WSK_SET_STATIC_EVENT_CALLBACKS, sizeof(control), &control, 0,
                nullptr, nullptr, nullptr),
            STATUS_SUCCESS);
  DatagramSink sink;
  sink.set_answer(STATUS_DATA_NOT_ACCEPTED);
  SOCKADDR_STORAGE local{}, peer_address{};
  PWSK_SOCKET s = BoundDatagramSocket(*client(), family(), &local, &sink,
                                      &DatagramSink::kDispatch);
  ASSERT_NE(s, nullptr);
  int peer = HostUdp(family(), &peer_address);
  HostSendTo(peer, "one", local);
  ASSERT_TRUE(sink.WaitForRefusals(1));
  sink.set_answer(STATUS_SUCCESS);
  HostSendTo(peer, "two", local);
  // Still enabled: called again when the next datagram arrives.
  ASSERT_TRUE(sink.WaitForDatagrams(2)) << "not called again after the refusal";
  EXPECT_EQ(sink.datagrams().back(), "two");
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  close(peer);
}

WSKCONF_FAMILY_TESTS(DatagramEventTest);
WSKCONF_FAMILY_TESTS(StaticDatagramEventTest);

}  // namespace
}  // namespace wskconf::reference::testing
