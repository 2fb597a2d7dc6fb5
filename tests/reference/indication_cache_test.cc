// Receive indications are 64 KiB pool blocks: the provider keeps a few freed
// ones for the next WskReceiveEvent and gives them back at WskDeregister.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

constexpr ULONG kIndicationTag = 'iRsW';  // the provider's tag for indications

// Counts WskReceiveEvent calls and the bytes they accepted.
struct Counter {
  std::atomic<int> calls{0};
  std::atomic<size_t> bytes{0};
  KEVENT called;
  Counter() { KeInitializeEvent(&called, SynchronizationEvent, FALSE); }

  static NTSTATUS WSKAPI Receive(PVOID context, ULONG, PWSK_DATA_INDICATION data,
                                 SIZE_T indicated, SIZE_T*) {
    auto* self = static_cast<Counter*>(context);
    if (data != nullptr) self->bytes += indicated;
    self->calls.fetch_add(1);
    KeSetEvent(&self->called, IO_NO_INCREMENT, FALSE);
    return STATUS_SUCCESS;
  }
  // Waits until `total` bytes were indicated.
  bool WaitForBytes(size_t total) {
    LARGE_INTEGER timeout;
    timeout.QuadPart = -static_cast<LONGLONG>(kExpectCompletion) * 10000;
    while (bytes.load() < total) {
      if (KeWaitForSingleObject(&called, Executive, KernelMode, FALSE, &timeout) !=
          STATUS_SUCCESS) {
        return false;
      }
    }
    return true;
  }
};

const WSK_CLIENT_CONNECTION_DISPATCH kCounting = {&Counter::Receive, nullptr, nullptr};

using IndicationCacheTest = FamilyTest;

TEST_P(IndicationCacheTest, FreedIndicationIsReusedAndGivenBackAtDeregister) {
  RecordClause("WskReceiveEvent.AllAcceptedKeepsIndicating");
  Counter counter;
  ConnectedPair pair = ConnectToHost(*client(), family(), &counter, &kCounting);
  ASSERT_NE(pair.wsk, nullptr);
  ASSERT_EQ(EnableEvents(pair.wsk, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(pair.host, "first");
  ASSERT_TRUE(counter.WaitForBytes(5));
  // The indication went back to the provider, which kept it: the next one
  // takes nothing from the pool, so an allocation failure armed for the
  // pool's next block does not fire.
  const int calls = counter.calls.load();
  const ULONG injected = WskconfInjectedFailureCount(WskconfAllocPool);
  WskconfFailNthAllocation(WskconfAllocPool, 1);
  HostWriteAll(pair.host, "second");
  const bool indicated = counter.WaitForBytes(11);
  WskconfFailNthAllocation(WskconfAllocPool, 0);
  EXPECT_TRUE(indicated);
  EXPECT_GT(counter.calls.load(), calls);
  EXPECT_EQ(WskconfInjectedFailureCount(WskconfAllocPool), injected)
      << "the second indication was a new pool block, not the freed one";
  EXPECT_EQ(CloseSocket(pair.wsk), STATUS_SUCCESS);
  close(pair.host);
  EXPECT_GE(WskconfPoolLiveCount(kIndicationTag), 1u);
  Deregister();
  EXPECT_EQ(WskconfPoolLiveCount(kIndicationTag), 0u)
      << "indications kept for reuse outlived WskDeregister";
}

WSKCONF_FAMILY_TESTS(IndicationCacheTest);

}  // namespace
}  // namespace wskconf::reference::testing
