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
#include "wskconf/conformance/checks_core.h"
#include "wskconf/conformance/checks_sockets.h"

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

// ---- Addresses (socket-address.xml). Per category and family. ----
// WskBind to loopback port 0: expected status, then bound to loopback.
void BindLoopback(const CaseInfo& info);
// WskBind to the wildcard address: expected status.
void BindWildcard(const CaseInfo& info);
// After a bind to port 0, WskGetLocalAddress reports a non-zero port.
void BindPortZeroAssignsPort(const CaseInfo& info);
// A second WskBind fails and the first address stays.
void BindTwiceFails(const CaseInfo& info);
// WskBind to the address another socket holds fails.
void BindAddressInUseFails(const CaseInfo& info);
// WskGetLocalAddress unbound / WskGetRemoteAddress unconnected: the
// expected status (STATUS_INVALID_DEVICE_STATE).
void LocalAddressUnbound(const CaseInfo& info);
void RemoteAddressUnconnected(const CaseInfo& info);
// Connected to a host listener: WskGetRemoteAddress is the listener.
void RemoteAddressIsPeer(const CaseInfo& info);
// Bound to the wildcard, connected to loopback: the local address is then
// the specific loopback address.
void LocalAddressAfterWildcardConnect(const CaseInfo& info);

// ---- Connections (socket-connection.xml, socket-basic.xml Close.*).
// Connection and stream categories, both families, a host peer. ----
void ConnectToPeer(const CaseInfo& info);
void ConnectRefused(const CaseInfo& info);
void ConnectUnbound(const CaseInfo& info);
// WskSend of 1000 bytes: expected status, Information 1000, the peer gets
// exactly those bytes.
void SendBytes(const CaseInfo& info);
void SendWithNodelay(const CaseInfo& info);
// Three sends from Buffer.Offset 7: the peer gets the described bytes, in
// order; and one send over a chain of two MDLs.
void SendInOrderFromOffset(const CaseInfo& info);
void SendChainedMdls(const CaseInfo& info);
void SendZeroLength(const CaseInfo& info);
void SendUnconnected(const CaseInfo& info);
void SendUnsupportedFlag(const CaseInfo& info);
void SendAfterDisconnect(const CaseInfo& info);
void SendAfterAbortiveDisconnect(const CaseInfo& info);
// WskDisconnect graceful / abortive: the peer sees FIN / a reset.
void DisconnectGraceful(const CaseInfo& info);
void DisconnectAbortive(const CaseInfo& info);
// WskCloseSocket of a connected socket: the peer sees a reset.
void CloseConnectedAborts(const CaseInfo& info);
// WskReceive: data the peer sent, within Buffer.Length; pending until data;
// WAITALL (complete only when full, or at the peer's graceful end); an
// unknown flag; cancel; close with a receive pending; receive after our
// graceful disconnect.
void ReceiveBytes(const CaseInfo& info);
void ReceiveAtMostBufferLength(const CaseInfo& info);
// Receives into a WSK_BUF that starts inside its MDL: the bytes land at
// the offset, and guard bytes on both sides stay untouched.
void ReceiveWithinDescription(const CaseInfo& info);
void ReceivePendsUntilData(const CaseInfo& info);
void ReceiveWaitAll(const CaseInfo& info);
void ReceiveWaitAllPeerDisconnects(const CaseInfo& info);
void ReceiveUnsupportedFlag(const CaseInfo& info);
void ReceiveCancelled(const CaseInfo& info);
void CloseCancelsPendingReceive(const CaseInfo& info);
void DisconnectThenReceive(const CaseInfo& info);

// ---- Listening (socket-listen.xml). Listen and stream categories. ----
void ListenSucceeds(const CaseInfo& info);
void ListenUnbound(const CaseInfo& info);
// A host peer connected first: WskAccept succeeds with a connected
// connection socket, addresses filled, data flows.
void AcceptWaitingConnection(const CaseInfo& info);
// The accepted socket's local and remote address queries.
void AcceptedSocketAddresses(const CaseInfo& info);
void AcceptPendsUntilConnection(const CaseInfo& info);
void CloseListenerWithPendingAccept(const CaseInfo& info);

// ---- Datagrams (socket-datagram.xml). Both families, a host UDP peer. ----
void SendDatagram(const CaseInfo& info);
void SendDatagramUnbound(const CaseInfo& info);
void SendDatagramNoRemote(const CaseInfo& info);
// Two datagrams from the peer: two receives, one datagram each, sender set.
void ReceiveDatagram(const CaseInfo& info);
void ReceiveDatagramPends(const CaseInfo& info);
void CloseCancelsPendingReceiveFrom(const CaseInfo& info);

// ---- Options and IOCTLs (options.xml, ioctls.xml); the code is the
// element's value. ----
// WskGetOption of a new socket reads 0 / succeeds with a ULONG; set 1 then 0
// and read each back.
void OptionReadsZero(const CaseInfo& info);
void OptionReadsUlong(const CaseInfo& info);
void OptionSetThenGet(const CaseInfo& info);
// The same with SO_BROADCAST on a datagram socket, for clauses about
// WskSetOption itself (whose element value is the request type, not a code).
void BroadcastSetThenGet(const CaseInfo& info);
// Two sockets on one port, the second bind's status: no options; both
// SO_REUSEADDR (wildcard / specific); after an SO_EXCLUSIVEADDRUSE owner of
// the wildcard, a specific bind with SO_REUSEADDR / a wildcard bind with no
// options; SO_EXCLUSIVEADDRUSE on the wildcard after an SO_REUSEADDR owner.
void BindSameWildcardNoOptions(const CaseInfo& info);
void BindSameWildcardBothReuse(const CaseInfo& info);
void BindSameSpecificBothReuse(const CaseInfo& info);
void BindAfterExclusiveWildcard(const CaseInfo& info);
void WildcardAfterExclusiveWildcard(const CaseInfo& info);
void ExclusiveAfterReuseWildcard(const CaseInfo& info);
// SO_WSK_EVENT_CALLBACK disabling the category's callback, none running.
void DisableIdleEventCallback(const CaseInfo& info);
// SIO_WSK_REGISTER_EXTENSION of an NPI nobody defines.
void RegisterUnknownExtension(const CaseInfo& info);
// SIO_WSK_QUERY_INSPECT_ID on a socket that was not accepted.
void QueryInspectIdOnPlainSocket(const CaseInfo& info);
// SIO_WSK_QUERY_IDEAL_SEND_BACKLOG on a connected socket: Information 8.
void QueryIdealSendBacklog(const CaseInfo& info);
// SIO_ADDRESS_LIST_QUERY with no buffer (size reported) and with one (a
// SOCKET_ADDRESS_LIST of the family, entries inside the buffer).
void AddressListTooSmall(const CaseInfo& info);
void AddressListQuery(const CaseInfo& info);

// ---- Event callbacks (events.xml), GMock mocks as the client. ----
// WSK_EVENT_RECEIVE enabled: the peer's bytes are indicated, BytesIndicated
// equals the list total, context/IRQL checked by the mock.
void ReceiveEventOnData(const CaseInfo& info);
// No callback enabled: data arrives (WskReceive gets it), no callback.
void NoReceiveEventUntilEnabled(const CaseInfo& info);
// WSK_EVENT_DISCONNECT enabled: the peer's graceful close / reset calls
// WskDisconnectEvent without / with WSK_FLAG_ABORTIVE.
void DisconnectEventGraceful(const CaseInfo& info);
void DisconnectEventAbortive(const CaseInfo& info);
// WSK_EVENT_ACCEPT enabled: a host connection calls WskAcceptEvent with
// addresses of the listener's family and an AcceptSocket.
void AcceptEventOnConnect(const CaseInfo& info);

}  // namespace wskconf::conformance::checks

#endif  // WSKCONF_CONFORMANCE_CHECKS_H_
