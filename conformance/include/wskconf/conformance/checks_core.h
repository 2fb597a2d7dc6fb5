// Check helpers of the core clauses (spec/status.xml, irp.xml, dispatch.xml,
// registration.xml, client-level.xml, buffers.xml) that the helpers of
// checks.h do not cover. Same rules as there: each records the clause
// first and reaches the provider only through the WSK NPI and the IRP
// harness. The recipes are in conformance/src/wskgen/recipes_core.cc.
#ifndef WSKCONF_CONFORMANCE_CHECKS_CORE_H_
#define WSKCONF_CONFORMANCE_CHECKS_CORE_H_

#include "wskconf/conformance/case_info.h"

namespace wskconf::conformance::checks {

// ---- Values and layouts (value_checks.cc). ----
// The constant named by the element (an NTSTATUS, flag, enumerator or
// address family) has the spec's value (CaseInfo::element_value) in the
// WDK-shaped headers every case compares a provider's results with; for an
// NTSTATUS also the severity NT_SUCCESS reads and the runtime's name.
void ConstantValue(const CaseInfo& info);
// The structure named by the element has the documented x64 size and field
// offsets in the headers cases and providers build with.
void StructureLayout(const CaseInfo& info);
// The provider's dispatch table of the case's category: the documented size
// and offsets, a function at every offset the category must offer, and
// calls made through the raw offsets behave as the documented member (bind
// then get-local-address, close).
void DispatchTableLayout(const CaseInfo& info);
// WSK_INSPECT_ACTION's enumerators have the documented values.
void InspectActionValues(const CaseInfo& info);
// MAKE_WSK_VERSION / WSK_MAJOR_VERSION / WSK_MINOR_VERSION encode and
// decode as documented, and the provider's reported version range decodes
// to major version 1.
void WskVersionMacros(const CaseInfo& info);
// A socket of the family reports addresses whose family field holds the
// Windows value (AF_INET6 = 23).
void AddressFamilyWindowsValue(const CaseInfo& info);

// ---- Registration (registration_extra_checks.cc). No socket unless said.
// WskRegister, capture, a socket and WskDeregister through a 24-byte
// WSK_REGISTRATION with guard bytes around it: the guards stay intact.
void RegistrationBlockSuffices(const CaseInfo& info);
// The WSK_CLIENT_NPI is overwritten right after WskRegister; capturing and
// using the registration still works.
void ClientNpiNotRetained(const CaseInfo& info);
// On a ready provider a capture with a finite timeout / WSK_NO_WAIT returns
// STATUS_SUCCESS well before the timeout.
void CaptureFiniteTimeoutReady(const CaseInfo& info);
void CaptureNoWaitReturnsAtOnce(const CaseInfo& info);
// With a WskReceive IRP pending on an open socket, WskDeregister blocks; once
// the socket is closed it returns, and only after that IRP completed.
void DeregisterWaitsForPendingIrp(const CaseInfo& info);

// ---- IRPs, IRQL, pool and MDLs (irp_core_checks.cc, irql_mdl_checks.cc).
// Per category and family; connected ones need connection/stream. ----
// The completion routines of a receive and a send write a fresh poison into
// IoStatus; after more traffic and the socket's close it is still there.
void IrpUntouchedAfterCompletion(const CaseInfo& info);
// A WskReceive that returned STATUS_PENDING completes with PendingReturned.
void PendingReturnedMarked(const CaseInfo& info);
// WskGetOption(SO_RCVBUF) into a ULONG: Information is 4.
void ControlSocketInformationIsOutputBytes(const CaseInfo& info);
// A higher driver's IRP, passed to WskSocket by the client with
// IoSkipCurrentIrpStackLocation: the higher driver's routine runs once.
void ForwardedIrpCompletes(const CaseInfo& info);
// WskSocket and WskBind called at DISPATCH_LEVEL return, complete, and make
// the verifier report nothing (no wait at DISPATCH_LEVEL).
void CallsAtDispatchLevel(const CaseInfo& info);
// A pended WskReceive's completion routine runs at or below DISPATCH_LEVEL.
void CompletionIrqlAtMostDispatch(const CaseInfo& info);
// WskReceive and WskSend return at the caller's IRQL (PASSIVE and DISPATCH).
void ReturnsAtCallerIrql(const CaseInfo& info);
// 16 sockets created and closed: distinct provider objects, and the
// runtime's live pool blocks and IRPs back where they were.
void ProviderOwnsSocketObjects(const CaseInfo& info);
// A send over a two-MDL chain leaves the chain as the client built it.
void MdlChainUntouched(const CaseInfo& info);
// A send whose MDL the runtime cannot map fails and completes its IRP.
void UnmappableMdlFails(const CaseInfo& info);

// ---- Buffers, flags and indications (buffer_checks.cc,
// indication_checks.cc). ----
// A zero-length WskSend with Mdl NULL and Offset 0xFFFF succeeds.
void SendNullMdlAnyOffset(const CaseInfo& info);
// A WAITALL receive pending on partial data completes on each of: buffer
// full, the peer's graceful end, the peer's reset, cancel.
void WaitAllCompletionEvents(const CaseInfo& info);
// A DRAIN receive stays pending while data arrives, completes at the peer's
// graceful end, and the drained bytes are not delivered later.
void DrainDiscards(const CaseInfo& info);
// A stream socket that listened cannot connect, one that connected cannot
// listen (the clause's failure).
void StreamCommitsOnFirstUse(const CaseInfo& info);
// WskSendMessages over a three-entry list: three datagrams, no more.
void SendMessagesListEnds(const CaseInfo& info);
// WskDisconnectEvent's flags: WSK_FLAG_ABORTIVE on the peer's reset, clear
// on its graceful end (DisconnectEventAbortive, DisconnectEventGraceful).
void DisconnectEventFlagBothWays(const CaseInfo& info);
// WskReceiveEvent's list: NULL-terminated, lengths add up to BytesIndicated,
// the peer's bytes in order.
void DataIndicationList(const CaseInfo& info);
// WskReceiveFromEvent's list: one datagram per entry, no control info,
// RemoteAddress the sender.
void DatagramIndicationList(const CaseInfo& info);
// An indication retained with STATUS_PENDING is released through the
// table's WskRelease; indications go on afterwards.
void RetainedIndicationReleased(const CaseInfo& info);
// WSK_SET_STATIC_EVENT_CALLBACKS(WSK_EVENT_RECEIVE): a connection socket
// created afterwards gets WskReceiveEvent without SO_WSK_EVENT_CALLBACK, and
// disabling or re-enabling that callback with the option fails.
void StaticCallbacksApplyToNewSockets(const CaseInfo& info);
void StaticEventsFixed(const CaseInfo& info);
// After a socket was created (and closed), WSK_SET_STATIC_EVENT_CALLBACKS,
// WSK_TDI_DEVICENAME_MAPPING and WSK_TDI_BEHAVIOR fail, and a new socket
// gets no static callback.
void BeforeSocketCodesLate(const CaseInfo& info);

// ---- WskControlClient (client_control_checks.cc). No socket. ----
// WSK_TRANSPORT_LIST_QUERY: no buffer -> the clause's status and a size, a
// non-zero multiple of 28; with that size -> success, the bytes copied as a
// whole SIZE_T, 28-byte entries, nothing written past them.
void TransportListSizeProbe(const CaseInfo& info);
void TransportListFill(const CaseInfo& info);
// The list has TCP and UDP for AF_INET and AF_INET6.
void TransportListHasTcpUdp(const CaseInfo& info);
// Every listed stream/datagram entry creates a socket.
void TransportValuesCreateSockets(const CaseInfo& info);
// An unknown control code fails and leaves the transport list alone.
void ControlClientUnknownCode(const CaseInfo& info);
// With Irp NULL no control code returns STATUS_PENDING.
void ControlClientNoPendingWithoutIrp(const CaseInfo& info);
// WSK_TRANSPORT_LIST_CHANGE: pends; completed by WskDeregister; Irp NULL
// fails.
void TransportListChangePends(const CaseInfo& info);
void TransportListChangeCancelledByDeregister(const CaseInfo& info);
void TransportListChangeNullIrp(const CaseInfo& info);
// WSK_CACHE_SD then WSK_RELEASE_SD of a minimal descriptor (the element
// says which call the clause is about); the cached copy at WskSocket and
// as SO_WSK_SECURITY.
void CacheAndReleaseSd(const CaseInfo& info);
void CachedSdAtCreation(const CaseInfo& info);
// WSK_TDI_DEVICENAME_MAPPING for TCP/IPv4: a final status, and TCP over
// IPv4 still uses the native transport; WSK_TDI_BEHAVIOR with
// BYPASS_TDI: success and native TCP.
void TdiMappingKeepsNativeTransport(const CaseInfo& info);
void TdiBehaviorBypass(const CaseInfo& info);
// WSK_SET_STATIC_EVENT_CALLBACKS with accept, receive and receive-from.
void StaticCallbacksMixedMask(const CaseInfo& info);

// ---- Client-level sockets and names (client_socket_checks.cc). ----
// Wildcard:P held by a NULL-descriptor socket; loopback:P, no options.
void SpecificBindAfterWildcardDenied(const CaseInfo& info);
// Flags 0: a basic socket with the basic table; an IOCTL works on it.
void BasicSocketControlOnly(const CaseInfo& info);
// WskSocketConnect to a host listener / a closed port.
void SocketConnectDelivers(const CaseInfo& info);
void SocketConnectRefused(const CaseInfo& info);
// WskGetAddressInfo: numeric host and port; an unknown name; OwningThread
// without OwningProcess (also WskGetNameInfo, by element); Hints family;
// WskFreeAddressInfo returns every pool block.
void ResolveNumericHost(const CaseInfo& info);
void ResolveUnresolvable(const CaseInfo& info);
void ResolveThreadWithoutProcess(const CaseInfo& info);
void ResolveHintsFilterFamily(const CaseInfo& info);
void FreeAddressInfoWholeList(const CaseInfo& info);
// WskGetNameInfo: NI_NUMERICHOST | NI_NUMERICSERV; NULL outputs; NI_NAMEREQD
// for an address without a name.
void NameInfoNumeric(const CaseInfo& info);
void NameInfoOutputs(const CaseInfo& info);
void NameInfoNameRequired(const CaseInfo& info);
// The outcome of a lookup is in IoStatus.Status alone.
void NameResolutionStatusTells(const CaseInfo& info);

// ---- Conditional accept (inspect_checks.cc). Listen category. ----
// WskInspectEvent answering Accept: WskAccept delivers a working socket;
// Reject: no socket, the host connection ends; Pend then WskInspectComplete
// with WskInspectMax or 7: failure, not accepted.
void InspectAcceptContinues(const CaseInfo& info);
void InspectRejectDrops(const CaseInfo& info);
void InspectMaxRejected(const CaseInfo& info);
// Two pended requests carry different WSK_INSPECT_IDs; a pended request the
// peer drops is reported to WskAbortEvent with the inspected id.
void InspectIdsUnique(const CaseInfo& info);
void InspectAbortSameId(const CaseInfo& info);

}  // namespace wskconf::conformance::checks

#endif  // WSKCONF_CONFORMANCE_CHECKS_CORE_H_
