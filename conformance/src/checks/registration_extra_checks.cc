// Check helpers for the registration clauses of checks_core.h: the
// caller's WSK_REGISTRATION block and WSK_CLIENT_NPI, capture timeouts on a
// ready provider, and WskDeregister with an IRP still pending.
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks_core.h"

namespace wskconf::conformance::checks {

namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned char kGuardByte = 0xA5;
constexpr size_t kGuardBytes = 64;

// A WSK_REGISTRATION of exactly the documented size with guard bytes on
// both sides: a provider that keeps state beyond the block overwrites them.
struct GuardedRegistration {
  unsigned char before[kGuardBytes];
  WSK_REGISTRATION block;
  unsigned char after[kGuardBytes];

  GuardedRegistration() {
    std::memset(before, kGuardByte, sizeof(before));
    std::memset(&block, 0, sizeof(block));
    std::memset(after, kGuardByte, sizeof(after));
  }
  bool GuardsIntact() const {
    for (size_t i = 0; i < kGuardBytes; ++i) {
      if (before[i] != kGuardByte || after[i] != kGuardByte) return false;
    }
    return true;
  }
};

// Captures with `timeout` on a ready provider; the status and how long the
// call took.
NTSTATUS TimedCapture(ULONG timeout, std::chrono::milliseconds* took) {
  WskClientSession session;
  if (!session.Register()) return STATUS_UNSUCCESSFUL;
  WSK_PROVIDER_NPI npi{};
  const auto start = Clock::now();
  const NTSTATUS status = session.entry().WskCaptureProviderNPI(
      session.registration(), timeout, &npi);
  *took = std::chrono::duration_cast<std::chrono::milliseconds>(
      Clock::now() - start);
  if (status == STATUS_SUCCESS) {
    EXPECT_NE(npi.Dispatch, nullptr);
    session.entry().WskReleaseProviderNPI(session.registration());
  }
  return status;
}

}  // namespace

void RegistrationBlockSuffices(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  EXPECT_EQ(sizeof(WSK_REGISTRATION), 24u);
  const auto& entry = ProviderUnderTest();
  ASSERT_TRUE(entry.ok()) << entry.status().message();
  auto guarded = std::make_unique<GuardedRegistration>();
  WSK_CLIENT_NPI npi{nullptr, &kNullClientDispatch};
  NTSTATUS status = entry->WskRegister(&npi, &guarded->block);
  ASSERT_EQ(status, STATUS_SUCCESS) << "WskRegister gave " << StatusText(status);
  WSK_PROVIDER_NPI provider{};
  status = entry->WskCaptureProviderNPI(&guarded->block, WSK_INFINITE_WAIT,
                                        &provider);
  RecordExpectedActual(StatusText(STATUS_SUCCESS), StatusText(status));
  EXPECT_EQ(status, STATUS_SUCCESS);
  if (status == STATUS_SUCCESS) {
    // Use the registration: a socket created and closed through it.
    PWSK_PROVIDER_BASIC_DISPATCH basic = nullptr;
    TrackedIrp create("WskSocket");
    NTSTATUS returned = provider.Dispatch->WskSocket(
        provider.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
        WSK_FLAG_STREAM_SOCKET, nullptr, nullptr, nullptr, nullptr, nullptr,
        create.irp());
    ASSERT_TRUE(create.Finish(returned));
    ASSERT_EQ(create.completion().status, STATUS_SUCCESS);
    auto* socket = reinterpret_cast<PWSK_SOCKET>(create.completion().information);
    basic = static_cast<PWSK_PROVIDER_BASIC_DISPATCH>(
        const_cast<PVOID>(socket->Dispatch));
    TrackedIrp close("WskCloseSocket");
    EXPECT_TRUE(close.Finish(basic->WskCloseSocket(socket, close.irp())));
    entry->WskReleaseProviderNPI(&guarded->block);
  }
  EXPECT_TRUE(guarded->GuardsIntact())
      << "the provider wrote outside the 24-byte WSK_REGISTRATION";
  entry->WskDeregister(&guarded->block);
  EXPECT_TRUE(guarded->GuardsIntact())
      << "the provider wrote outside the 24-byte WSK_REGISTRATION";
}

void ClientNpiNotRetained(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  const auto& entry = ProviderUnderTest();
  ASSERT_TRUE(entry.ok()) << entry.status().message();
  WSK_REGISTRATION registration{};
  {
    auto npi = std::make_unique<WSK_CLIENT_NPI>();
    npi->ClientContext = nullptr;
    npi->Dispatch = &kNullClientDispatch;
    const NTSTATUS status = entry->WskRegister(npi.get(), &registration);
    ASSERT_EQ(status, STATUS_SUCCESS) << StatusText(status);
    // The structure goes away; a provider that kept its address now reads
    // garbage (or freed memory, which the ASan build reports).
    std::memset(npi.get(), 0xCD, sizeof(*npi));
  }
  WSK_PROVIDER_NPI provider{};
  const NTSTATUS status =
      entry->WskCaptureProviderNPI(&registration, WSK_INFINITE_WAIT, &provider);
  RecordExpectedActual(StatusText(STATUS_SUCCESS), StatusText(status));
  EXPECT_EQ(status, STATUS_SUCCESS)
      << "the capture failed after the WSK_CLIENT_NPI went out of scope";
  if (status == STATUS_SUCCESS) {
    EXPECT_NE(provider.Dispatch, nullptr);
    entry->WskReleaseProviderNPI(&registration);
  }
  entry->WskDeregister(&registration);
}

void CaptureFiniteTimeoutReady(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  // A ready provider: the call returns with success long before the 10 s
  // timeout. (The not-ready half, STATUS_DEVICE_NOT_READY after the
  // timeout, needs a provider that is not ready, which no NPI call makes.)
  std::chrono::milliseconds took{0};
  const NTSTATUS status = TimedCapture(10000, &took);
  RecordExpectedActual("STATUS_SUCCESS before the timeout",
                       fmt::format("{} after {} ms", StatusText(status),
                                   took.count()));
  EXPECT_EQ(status, STATUS_SUCCESS);
  EXPECT_LT(took, kExpectCompletion) << "a capture with a 10 s timeout on a "
                                        "ready provider waited";
}

void CaptureNoWaitReturnsAtOnce(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  std::chrono::milliseconds took{0};
  const NTSTATUS status = TimedCapture(WSK_NO_WAIT, &took);
  RecordExpectedActual("STATUS_SUCCESS at once (provider ready)",
                       fmt::format("{} after {} ms", StatusText(status),
                                   took.count()));
  EXPECT_TRUE(status == STATUS_SUCCESS || status == STATUS_DEVICE_NOT_READY)
      << StatusText(status);
  EXPECT_EQ(status, STATUS_SUCCESS) << "a loaded provider is ready";
  EXPECT_LT(took, kExpectCompletion) << "WSK_NO_WAIT waited";
}

void DeregisterWaitsForPendingIrp(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  auto socket = std::make_unique<WskSocketOwner>(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(*socket, SocketCategory::kStream, AF_INET,
                                &pair));
  internal::MdlBuffer buffer(64);
  WSK_BUF buf = buffer.Buf();
  auto receive = std::make_unique<TrackedIrp>("WskReceive");
  const NTSTATUS returned = internal::FunctionsOf(*socket).Receive(
      socket->get(), &buf, 0, receive->irp());
  ASSERT_TRUE(receive->ExpectStillPending(returned));
  session.ReleaseCapture();
  KEVENT done;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  bool irp_done_at_return = false;
  const ProviderEntryPoints& entry = session.entry();
  PWSK_REGISTRATION registration = session.registration();
  TrackedIrp* pending = receive.get();
  std::thread deregister([&] {
    entry.WskDeregister(registration);
    irp_done_at_return = pending->completed();
    KeSetEvent(&done, IO_NO_INCREMENT, FALSE);
  });
  EXPECT_FALSE(WaitForEvent(&done, kExpectNoCompletion))
      << "WskDeregister returned while a WskReceive IRP was pending";
  // Closing cancels the receive; WskDeregister may return only after it
  // has been completed.
  EXPECT_TRUE(socket->Close());
  const bool returned_in_time = WaitForEvent(&done, kExpectCompletion);
  EXPECT_TRUE(returned_in_time) << "WskDeregister did not return";
  if (returned_in_time) {
    deregister.join();
    RecordExpectedActual("the pending IRP completed before WskDeregister returned",
                         irp_done_at_return ? "completed" : "still pending");
    EXPECT_TRUE(irp_done_at_return)
        << "WskDeregister returned before the pending WskReceive completed";
  } else {
    NoteLeak("a thread blocked in WskDeregister");
    deregister.detach();
    (void)receive.release();
  }
  session.MarkDeregistered();
}

}  // namespace wskconf::conformance::checks
