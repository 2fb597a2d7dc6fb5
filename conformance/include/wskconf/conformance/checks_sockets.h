// Check helpers for socket behaviour beyond single calls: event-callback
// flows, options and IOCTLs with effects, datagram and connection details
// (spec/events.xml, ioctls.xml, options.xml, socket-*.xml). Same contract
// as checks.h, which includes this header: each helper records the clause
// first and reaches the provider only through the WSK NPI.
#ifndef WSKCONF_CONFORMANCE_CHECKS_SOCKETS_H_
#define WSKCONF_CONFORMANCE_CHECKS_SOCKETS_H_

#include "wskconf/conformance/case_info.h"

namespace wskconf::conformance::checks {

// ---- Datagrams (datagram_flow_checks.cc). Both families, host UDP peers. ----
// A 100-byte datagram into 40 bytes: cut, and the truncation flag (the
// element's value, else MSG_TRUNC) set in *ControlFlags.
void ReceiveDatagramTruncated(const CaseInfo& info);
// A unicast datagram with no control data: *ControlInfoLength 0, neither
// MSG_BCAST nor MSG_MCAST.
void ReceiveDatagramNoControlInfo(const CaseInfo& info);
// ControlInfoLength NULL: ControlInfo is never written.
void ReceiveDatagramNullControlLength(const CaseInfo& info);
// SIO_WSK_SET_REMOTE_ADDRESS: a NULL-RemoteAddress send goes there; an
// explicit one goes elsewhere but replies stay filtered; only the fixed
// address's datagrams are received; clearing it receives from anyone.
void FixedRemoteSendsThere(const CaseInfo& info);
void FixedRemoteExplicitOverrides(const CaseInfo& info);
void FixedRemoteFiltersReceives(const CaseInfo& info);
void FixedRemoteCleared(const CaseInfo& info);
// SIO_WSK_SET_SENDTO_ADDRESS: sends go there unless named; receives from
// anyone.
void FixedSendToAddress(const CaseInfo& info);
void FixedSendToReceivesAny(const CaseInfo& info);
// WskSendMessages of three entries: three datagrams in order, Information
// the sum; and with RemoteAddress NULL after SIO_WSK_SET_REMOTE_ADDRESS.
void SendMessagesList(const CaseInfo& info);
void SendMessagesToFixed(const CaseInfo& info);
// WskRelease(NULL) of the case's category: the expected status.
void ReleaseNullIndication(const CaseInfo& info);

// ---- Connections (connection_flow_checks.cc). Connection/stream, host peer.
void ConnectExNonZeroFlags(const CaseInfo& info);
void ConnectExOversizedBuffer(const CaseInfo& info);
void ConnectExMaxBuffer(const CaseInfo& info);
void ConnectExSendsBuffer(const CaseInfo& info);
void ConnectExNoBuffer(const CaseInfo& info);
// A stream socket connected (WskConnect / WskConnectEx) cannot listen; one
// listening cannot connect or send.
void ListenAfterConnect(const CaseInfo& info);
void ListenAfterConnectEx(const CaseInfo& info);
void ConnectAfterListen(const CaseInfo& info);
// WSK_FLAG_DRAIN: pends over data, completes at the peer's end, copies none.
void ReceiveDrain(const CaseInfo& info);
// WskDisconnect with a buffer: the peer gets it, then the end.
void DisconnectWithFinalBuffer(const CaseInfo& info);
// With a large send pending (the peer reads nothing): a graceful disconnect
// waits for it; an abortive one fails it; an abortive one forces a stuck
// graceful one to complete.
void GracefulDisconnectAfterQueuedSend(const CaseInfo& info);
void AbortiveDisconnectCancelsSend(const CaseInfo& info);
void AbortiveDisconnectForcesGraceful(const CaseInfo& info);
// After the peer's graceful end WskSend works; after its reset it fails.
void SendAfterPeerGracefulEnd(const CaseInfo& info);
void SendAfterPeerReset(const CaseInfo& info);
// Closing a socket disconnected both ways sends no reset.
void CloseAfterFullDisconnect(const CaseInfo& info);

// ---- Receive indications (receive_event_checks.cc). Mocked client. ----
// Chunks taken whole keep coming, never overlapping.
void ReceiveEventsKeepComing(const CaseInfo& info);
// A list retained with STATUS_PENDING stays intact; WskRelease returns it.
void ReceiveEventRetainedList(const CaseInfo& info);
// Partial accept / STATUS_DATA_NOT_ACCEPTED pause indications until a
// WskReceive (of 100 bytes, or of zero bytes), which then resume with the
// buffered data first.
void ReceiveEventPartialAccept(const CaseInfo& info);
void ReceiveEventNotAccepted(const CaseInfo& info);
void ReceiveEventZeroLengthResume(const CaseInfo& info);
// A queued WskReceive gets the data, not the enabled callback.
void QueuedReceiveBeforeReceiveEvent(const CaseInfo& info);
// A small pushed segment is indicated with WSK_FLAG_ENTIRE_MESSAGE.
void ReceiveEventEntireMessage(const CaseInfo& info);
// After WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE completes, no more calls.
void NoReceiveEventAfterDisable(const CaseInfo& info);
// One request enables WskReceiveEvent and WskDisconnectEvent.
void EnableReceiveAndDisconnect(const CaseInfo& info);

// ---- Accept and datagram indications (event_flow_checks.cc). ----
// Receive enabled on the listener reaches sockets handed over by
// WskAcceptEvent (also after the accept event was disabled and enabled).
void AcceptEventPropagates(const CaseInfo& info);
void AcceptEventPropagatesAfterReenable(const CaseInfo& info);
// A socket from WskAccept starts with no callbacks even though the listener
// has receive enabled; once enabled, its callbacks use the WskAccept
// context and table; a queued WskAccept beats WskAcceptEvent.
void WskAcceptSocketStartsDisabled(const CaseInfo& info);
void WskAcceptContextUsed(const CaseInfo& info);
void QueuedAcceptBeforeAcceptEvent(const CaseInfo& info);
// WskAcceptEvent returning STATUS_REQUEST_NOT_ACCEPTED: the peer's
// connection is closed by the provider.
void AcceptEventReject(const CaseInfo& info);
void ReceiveFromEventOnDatagram(const CaseInfo& info);
void ReceiveFromEventRetainedList(const CaseInfo& info);
void ReceiveFromEventNotAccepted(const CaseInfo& info);
void QueuedReceiveFromBeforeEvent(const CaseInfo& info);

// ---- Enabling and disabling (event_control_checks.cc). ----
// While a WskReceiveEvent call is held: disable with an IRP pends until it
// returns; without one gives STATUS_EVENT_PENDING; a close waits for it; a
// request made during that close is refused.
void DisableWhileCallbackRunsWithIrp(const CaseInfo& info);
void DisableWhileCallbackRunsNoIrp(const CaseInfo& info);
void CloseWhileCallbackRuns(const CaseInfo& info);
void RequestDuringClose(const CaseInfo& info);
// WSK_SET_STATIC_EVENT_CALLBACKS: receive events with no enabling; a static
// receive-from callback stays enabled after STATUS_DATA_NOT_ACCEPTED.
void StaticReceiveEvent(const CaseInfo& info);
void StaticReceiveFromNotAccepted(const CaseInfo& info);
// WskSendBacklogEvent is called and a query right after reports its size.
void SendBacklogEventMatchesQuery(const CaseInfo& info);

// ---- Conditional accept (inspect_checks.cc). Listen category. ----
void InspectAccept(const CaseInfo& info);
void InspectPendThenAccept(const CaseInfo& info);
void NoInspectWithoutConditionalAccept(const CaseInfo& info);
void InspectReject(const CaseInfo& info);
void InspectPendThenReject(const CaseInfo& info);
void InspectPendPeerDrops(const CaseInfo& info);
void InspectCompleteAfterAbort(const CaseInfo& info);
// WskInspectComplete with an ID no request has, and with an unknown action:
// both fail and the pended request stays pending.
void InspectCompleteUnknownId(const CaseInfo& info);

// ---- Options (option_flow_checks.cc, control_checks.cc). ----
// The element's option set on a listener: the accepted socket inherits it,
// and may override it without touching the listener.
void OptionInheritedByAccepted(const CaseInfo& info);
void AcceptedOptionOverride(const CaseInfo& info);
// WskControlSocket with RequestType equal to the element's value.
void ControlRequestTypeValue(const CaseInfo& info);
// SO_REUSEADDR set, then read: value and Information.
void GetOptionWritesValue(const CaseInfo& info);
// SO_EXCLUSIVEADDRUSE set on a new datagram socket with an IRP.
void SetOptionOnNewDatagram(const CaseInfo& info);
// Every SOL_SOCKET option the spec lists is known to the provider.
void SolSocketOptionsKnown(const CaseInfo& info);
// SO_WSK_SECURITY read: a descriptor pointer, released with WSK_RELEASE_SD.
void SecurityDescriptorGet(const CaseInfo& info);
// 127.0.0.1:P and 127.0.0.2:P both bind, with or without options.
void BindDistinctSpecific(const CaseInfo& info);
// A specific bind on the port a default socket holds on the wildcard.
void BindSpecificAfterDefaultWildcard(const CaseInfo& info);
// SO_CONDITIONAL_ACCEPT set after the bind: refused, mode still off.
void ConditionalAcceptAfterBind(const CaseInfo& info);
// SO_BROADCAST set and read through a 3-byte buffer: both refused, the
// option unchanged and the output buffer untouched.
void UlongOptionShortBuffer(const CaseInfo& info);

// ---- IOCTLs (ioctl_flow_checks.cc). ----
// SIO_ADDRESS_LIST_CHANGE pends; the close completes it.
void AddressListChangePends(const CaseInfo& info);
void AddressListChangeClosed(const CaseInfo& info);
void LoopbackFastPathStatuses(const CaseInfo& info);
void SetRedirectRecordsStatuses(const CaseInfo& info);
// The WFP redirect record and context queries on a connection no callout
// redirected: both fail and complete their IRPs.
void RedirectQueriesFailUnredirected(const CaseInfo& info);
// SIO_WSK_QUERY_RECEIVE_BACKLOG: 0, then the bytes the peer sent.
void ReceiveBacklogCounts(const CaseInfo& info);
// SIO_WSK_SET_TCP_SILENT_MODE: refused on a loopback connection, which
// keeps working; across a veth link (silent_mode_checks.cc) it succeeds and
// puts nothing on the wire, send and disconnect then fail, incoming data is
// dropped.
void SilentModeRefusedOnLoopback(const CaseInfo& info);
void SilentModeOn(const CaseInfo& info);
void SilentModeSendFails(const CaseInfo& info);
void SilentModeDropsIncoming(const CaseInfo& info);
// An IOCTL's outcome does not depend on Level.
void LevelIgnoredForIoctl(const CaseInfo& info);

}  // namespace wskconf::conformance::checks

#endif  // WSKCONF_CONFORMANCE_CHECKS_SOCKETS_H_
