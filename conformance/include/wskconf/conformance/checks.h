// The check helpers generated cases call: one reviewed function per kind of
// check, told by the spec what to expect (CaseInfo). Each records the
// clause's properties first, reaches the provider under test only through
// the WSK NPI (wsk_client.h) and the IRP harness (irp_harness.h), and fails
// the running test with the clause id, the call and statuses by name.
// Which clause uses which helper is wskgen's recipe table
// (conformance/src/wskgen/recipes.cc).
#ifndef WSKCONF_CONFORMANCE_CHECKS_H_
#define WSKCONF_CONFORMANCE_CHECKS_H_

#include <gtest/gtest.h>

#include "wskconf/conformance/case_info.h"

namespace wskconf::conformance::checks {

// ---- Registration (spec/registration.xml). No socket; kOnce variants. ----
// WskRegister then WskCaptureProviderNPI succeed (NULL WskClientEvent, an
// opaque ClientContext that must never be dereferenced).
void RegisterAndCapture(const CaseInfo& info);
// Two registrations of one client, each captured and released on its own.
void RegisterTwice(const CaseInfo& info);
// A capture with WaitTimeout WSK_NO_WAIT / WSK_INFINITE_WAIT / a finite
// value on a ready provider: expected status, Client and Dispatch set.
void CaptureNoWait(const CaseInfo& info);
void CaptureInfiniteWait(const CaseInfo& info);
// Two captures on one registration succeed (and, for the SHOULD clause,
// return the same pointers).
void CaptureTwice(const CaseInfo& info);
void CaptureTwiceSamePointers(const CaseInfo& info);
// WskCaptureProviderNPI after WskDeregister fails with the expected status.
void CaptureAfterDeregister(const CaseInfo& info);
// WSK_NO_WAIT capture and the release at DISPATCH_LEVEL.
void CaptureAndReleaseAtDispatch(const CaseInfo& info);
// WskQueryProviderCharacteristics: expected status, a version range that
// includes 1.0 with Lowest <= Highest; and the same at DISPATCH_LEVEL.
void QueryCharacteristics(const CaseInfo& info);
void QueryCharacteristicsAtDispatch(const CaseInfo& info);
// A client version outside the range: capture fails with the expected
// status; the query still works and reports a range without that version.
void CaptureUnsupportedVersion(const CaseInfo& info);
void QueryAfterNoInterface(const CaseInfo& info);
// After STATUS_NOINTERFACE, deregistering and registering with the reported
// highest version captures successfully.
void RetryAfterNoInterface(const CaseInfo& info);
// Registering with the reported lowest and highest versions both capture.
void CaptureWithReportedRange(const CaseInfo& info);
// The captured WSK_PROVIDER_DISPATCH: same major version, minor >= asked;
// WskSocket/WskSocketConnect/WskControlClient set; name-resolution set.
void ProviderDispatchVersion(const CaseInfo& info);
void ProviderDispatchCoreMembers(const CaseInfo& info);
void ProviderDispatchNameResolutionMembers(const CaseInfo& info);
// WskDeregister with nothing outstanding returns (bounded by the runner).
void DeregisterIdle(const CaseInfo& info);
// WskDeregister does not return while a capture / a socket is held, and
// returns once it is released / closed.
void DeregisterWaitsForCapture(const CaseInfo& info);
void DeregisterWaitsForSocket(const CaseInfo& info);

// ---- Sockets (client-level.xml, dispatch.xml, socket-basic.xml, irp.xml).
// Per category and family. ----
// WskSocket of the case's category and family, NULL context and dispatch:
// the expected status, a socket in Information, a dispatch table of the
// category with its members set; then WskCloseSocket succeeds.
void CreateSocket(const CaseInfo& info);
// As CreateSocket, and every member of the table, reserved ones included,
// is set (the SHOULD clause of dispatch.xml).
void CreateSocketNoNullMembers(const CaseInfo& info);
// WskCloseSocket of a fresh socket completes with the expected status.
void CloseFreshSocket(const CaseInfo& info);
// Two sockets of the category are distinct objects.
void SocketsAreDistinct(const CaseInfo& info);
// A category with a socket type/protocol it does not take fails, delivering
// no socket (Information 0).
void CreateUnsupportedCombination(const CaseInfo& info);
// WskControlSocket set-option with an option nobody defines fails and
// completes its IRP with Information 0; RequestType WskControlMax fails.
void ControlUnknownOption(const CaseInfo& info);
void ControlUnknownRequestType(const CaseInfo& info);

}  // namespace wskconf::conformance::checks

#endif  // WSKCONF_CONFORMANCE_CHECKS_H_
