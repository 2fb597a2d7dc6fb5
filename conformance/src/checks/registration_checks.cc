// Check helpers for registration and the client-level dispatch table
// (spec/registration.xml).
#include <atomic>
#include <thread>

#include "checks/check_support.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::AtDispatch;
using internal::CaseScope;
using internal::ExpectClauseStatus;

namespace {

// A ClientContext the provider must treat as opaque: dereferencing it
// faults, which the runner reports as an ERROR of the case.
PVOID const kOpaqueContext = reinterpret_cast<PVOID>(0x10);

WSK_CLIENT_DISPATCH DispatchWithVersion(USHORT version) {
  return WSK_CLIENT_DISPATCH{version, 0, nullptr};
}

// The provider's version range, queried on a fresh registration.
bool QueryRange(WSK_PROVIDER_CHARACTERISTICS* range) {
  WskClientSession session;
  if (!session.Register()) return false;
  const NTSTATUS status = session.entry().WskQueryProviderCharacteristics(
      session.registration(), range);
  if (status != STATUS_SUCCESS) {
    ADD_FAILURE() << "WskQueryProviderCharacteristics gave "
                  << StatusText(status);
    return false;
  }
  return true;
}

// Registers with `version` and captures; returns the capture's status.
NTSTATUS CaptureWithVersion(USHORT version) {
  const WSK_CLIENT_DISPATCH dispatch = DispatchWithVersion(version);
  WskClientSession session;
  if (!session.Register(&dispatch)) return STATUS_UNSUCCESSFUL;
  WSK_PROVIDER_NPI npi{};
  const NTSTATUS status = session.entry().WskCaptureProviderNPI(
      session.registration(), WSK_NO_WAIT, &npi);
  if (status == STATUS_SUCCESS) {
    session.entry().WskReleaseProviderNPI(session.registration());
  }
  return status;
}

}  // namespace

void RegisterAndCapture(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Register(&kNullClientDispatch, kOpaqueContext));
  WSK_PROVIDER_NPI npi{};
  const NTSTATUS status = session.entry().WskCaptureProviderNPI(
      session.registration(), WSK_INFINITE_WAIT, &npi);
  ExpectClauseStatus(info, status, "WskCaptureProviderNPI");
  if (status == STATUS_SUCCESS) {
    EXPECT_NE(npi.Client, nullptr);
    EXPECT_NE(npi.Dispatch, nullptr);
    session.entry().WskReleaseProviderNPI(session.registration());
  }
}

void RegisterTwice(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession first;
  WskClientSession second;
  ASSERT_TRUE(first.Open());
  ASSERT_TRUE(second.Open());
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskRegister twice");
  first.Deregister();
  // The second instance is independent: still usable after the first left.
  WskSocketOwner socket(second);
  EXPECT_TRUE(socket.Create(SocketCategory::kStream, AF_INET));
}

namespace {

void CaptureWithTimeout(const CaseInfo& info, ULONG timeout) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Register());
  WSK_PROVIDER_NPI npi{};
  const NTSTATUS status = session.entry().WskCaptureProviderNPI(
      session.registration(), timeout, &npi);
  // A ready provider: these clauses' other outcome (not ready) cannot be
  // produced from outside, so the ready path is what is checked.
  if (!ExpectClauseStatus(info, status, "WskCaptureProviderNPI")) return;
  EXPECT_NE(npi.Client, nullptr);
  EXPECT_NE(npi.Dispatch, nullptr);
  session.entry().WskReleaseProviderNPI(session.registration());
}

}  // namespace

void CaptureNoWait(const CaseInfo& info) {
  CaptureWithTimeout(info, WSK_NO_WAIT);
}

void CaptureInfiniteWait(const CaseInfo& info) {
  CaptureWithTimeout(info, WSK_INFINITE_WAIT);
}

void CaptureTwice(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Open());
  WSK_PROVIDER_NPI second{};
  const NTSTATUS status = session.entry().WskCaptureProviderNPI(
      session.registration(), WSK_NO_WAIT, &second);
  if (!ExpectClauseStatus(info, status, "second WskCaptureProviderNPI")) return;
  session.entry().WskReleaseProviderNPI(session.registration());
  // The first capture still counts: a socket can still be created with it.
  WskSocketOwner socket(session);
  EXPECT_TRUE(socket.Create(SocketCategory::kStream, AF_INET));
}

void CaptureTwiceSamePointers(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Open());
  WSK_PROVIDER_NPI second{};
  const NTSTATUS status = session.entry().WskCaptureProviderNPI(
      session.registration(), WSK_NO_WAIT, &second);
  if (!ExpectClauseStatus(info, status, "second WskCaptureProviderNPI")) return;
  EXPECT_EQ(second.Client, session.client());
  EXPECT_EQ(second.Dispatch, session.dispatch());
  session.entry().WskReleaseProviderNPI(session.registration());
}

void CaptureAfterDeregister(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Register());
  // Keep the block intact but deregistered: the clause's precondition.
  WSK_REGISTRATION* registration = session.registration();
  session.entry().WskDeregister(registration);
  WSK_PROVIDER_NPI npi{};
  const NTSTATUS status =
      session.entry().WskCaptureProviderNPI(registration, WSK_NO_WAIT, &npi);
  ExpectClauseStatus(info, status, "WskCaptureProviderNPI after WskDeregister");
  if (status == STATUS_SUCCESS) {
    session.entry().WskReleaseProviderNPI(registration);
  }
  // Already deregistered: the session must not deregister again.
  session.MarkDeregistered();
}

void CaptureAndReleaseAtDispatch(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Register());
  NTSTATUS status = STATUS_UNSUCCESSFUL;
  KIRQL irql_after = PASSIVE_LEVEL;
  AtDispatch([&] {
    WSK_PROVIDER_NPI npi{};
    status = session.entry().WskCaptureProviderNPI(session.registration(),
                                                   WSK_NO_WAIT, &npi);
    if (status == STATUS_SUCCESS) {
      session.entry().WskReleaseProviderNPI(session.registration());
    }
    irql_after = KeGetCurrentIrql();
  });
  ExpectClauseStatus(info, status, "WskCaptureProviderNPI at DISPATCH_LEVEL");
  EXPECT_EQ(irql_after, DISPATCH_LEVEL)
      << "the provider changed the caller's IRQL";
}

void QueryCharacteristics(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Register());
  WSK_PROVIDER_CHARACTERISTICS range{0xffff, 0xffff};
  const NTSTATUS status = session.entry().WskQueryProviderCharacteristics(
      session.registration(), &range);
  if (!ExpectClauseStatus(info, status, "WskQueryProviderCharacteristics")) {
    return;
  }
  EXPECT_LE(range.LowestVersion, range.HighestVersion);
  EXPECT_GE(WSK_MAJOR_VERSION(range.HighestVersion), 1)
      << "HighestVersion 0x" << std::hex << range.HighestVersion;
  EXPECT_LE(range.LowestVersion, kClientWskVersion)
      << "WSK 1.0 is outside the reported range";
}

void QueryCharacteristicsAtDispatch(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WskClientSession session;
  ASSERT_TRUE(session.Register());
  WSK_PROVIDER_CHARACTERISTICS range{};
  NTSTATUS status = STATUS_UNSUCCESSFUL;
  AtDispatch([&] {
    status = session.entry().WskQueryProviderCharacteristics(
        session.registration(), &range);
  });
  ExpectClauseStatus(info, status,
                     "WskQueryProviderCharacteristics at DISPATCH_LEVEL");
}

namespace {

// A version no provider supports: major 0xFE.
constexpr USHORT kUnsupportedVersion = MAKE_WSK_VERSION(0xFE, 0);

}  // namespace

void CaptureUnsupportedVersion(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  ExpectClauseStatus(info, CaptureWithVersion(kUnsupportedVersion),
                     "WskCaptureProviderNPI with version 0xFE00");
}

void QueryAfterNoInterface(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  const WSK_CLIENT_DISPATCH dispatch = DispatchWithVersion(kUnsupportedVersion);
  WskClientSession session;
  ASSERT_TRUE(session.Register(&dispatch));
  WSK_PROVIDER_NPI npi{};
  const NTSTATUS capture = session.entry().WskCaptureProviderNPI(
      session.registration(), WSK_NO_WAIT, &npi);
  ASSERT_EQ(capture, STATUS_NOINTERFACE)
      << "precondition: the capture gave " << StatusText(capture);
  WSK_PROVIDER_CHARACTERISTICS range{};
  const NTSTATUS status = session.entry().WskQueryProviderCharacteristics(
      session.registration(), &range);
  if (!ExpectClauseStatus(info, status, "WskQueryProviderCharacteristics")) {
    return;
  }
  EXPECT_TRUE(kUnsupportedVersion > range.HighestVersion ||
              kUnsupportedVersion < range.LowestVersion)
      << "the refused version 0xFE00 lies inside the reported range";
}

void RetryAfterNoInterface(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  ASSERT_EQ(CaptureWithVersion(kUnsupportedVersion), STATUS_NOINTERFACE)
      << "precondition: version 0xFE00 must be refused";
  WSK_PROVIDER_CHARACTERISTICS range{};
  ASSERT_TRUE(QueryRange(&range));
  ExpectClauseStatus(info, CaptureWithVersion(range.HighestVersion),
                     "WskCaptureProviderNPI with the highest version");
}

void CaptureWithReportedRange(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSK_PROVIDER_CHARACTERISTICS range{};
  ASSERT_TRUE(QueryRange(&range));
  ExpectClauseStatus(info, CaptureWithVersion(range.LowestVersion),
                     "WskCaptureProviderNPI with the lowest version");
  ExpectClauseStatus(info, CaptureWithVersion(range.HighestVersion),
                     "WskCaptureProviderNPI with the highest version");
}

void ProviderDispatchVersion(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskCaptureProviderNPI");
  const USHORT version = session.dispatch()->Version;
  EXPECT_EQ(WSK_MAJOR_VERSION(version), WSK_MAJOR_VERSION(kClientWskVersion))
      << "Version 0x" << std::hex << version;
  EXPECT_GE(WSK_MINOR_VERSION(version), WSK_MINOR_VERSION(kClientWskVersion));
}

void ProviderDispatchCoreMembers(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskCaptureProviderNPI");
  EXPECT_NE(session.dispatch()->WskSocket, nullptr);
  EXPECT_NE(session.dispatch()->WskSocketConnect, nullptr);
  EXPECT_NE(session.dispatch()->WskControlClient, nullptr);
}

void ProviderDispatchNameResolutionMembers(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskCaptureProviderNPI");
  EXPECT_NE(session.dispatch()->WskGetAddressInfo, nullptr);
  EXPECT_NE(session.dispatch()->WskFreeAddressInfo, nullptr);
  EXPECT_NE(session.dispatch()->WskGetNameInfo, nullptr);
}

void DeregisterIdle(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Nothing outstanding: WskDeregister must return; the runner's time limit
  // turns a hang into an ERROR of this case.
  session.Deregister();
}

namespace {

// Starts WskDeregister on another thread and checks it is still blocked
// after kExpectNoCompletion; `release` then lets it finish, which it must
// within kExpectCompletion.
template <typename Release>
void ExpectDeregisterBlockedUntil(WskClientSession& session,
                                  Release&& release, const char* what) {
  KEVENT returned;
  KeInitializeEvent(&returned, NotificationEvent, FALSE);
  const ProviderEntryPoints& entry = session.entry();
  PWSK_REGISTRATION registration = session.registration();
  std::thread deregister([&] {
    entry.WskDeregister(registration);
    KeSetEvent(&returned, IO_NO_INCREMENT, FALSE);
  });
  EXPECT_FALSE(WaitForEvent(&returned, kExpectNoCompletion))
      << "WskDeregister returned while " << what << " was still held";
  release();
  const bool done = WaitForEvent(&returned, kExpectCompletion);
  EXPECT_TRUE(done) << "WskDeregister did not return within "
                    << kExpectCompletion.count() << " ms after " << what
                    << " was released";
  if (done) {
    deregister.join();
  } else {
    NoteLeak("a thread blocked in WskDeregister");
    deregister.detach();
  }
  session.MarkDeregistered();
}

}  // namespace

void DeregisterWaitsForCapture(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  ExpectDeregisterBlockedUntil(
      session,
      [&] { session.entry().WskReleaseProviderNPI(session.registration()); },
      "a capture");
}

void DeregisterWaitsForSocket(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  auto socket = std::make_unique<WskSocketOwner>(session);
  ASSERT_TRUE(socket->Create(SocketCategory::kStream, AF_INET));
  session.ReleaseCapture();
  ExpectDeregisterBlockedUntil(session, [&] { EXPECT_TRUE(socket->Close()); },
                               "a socket");
}

}  // namespace wskconf::conformance::checks
