// wskgen's recipes for socket behaviour beyond single calls: event-callback
// flows, options and IOCTLs with effects, datagram and connection details
// (spec/events.xml, ioctls.xml, options.xml, socket-*.xml). The helpers are
// declared in conformance/include/wskconf/conformance/checks_sockets.h.
#include "wskconf/wskgen.h"

// Rows leave trailing fields (categories, families) at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace wskconf::conformance {
namespace {

constexpr auto kOnce = CaseVariants::kOnce;
constexpr auto kElement = CaseVariants::kElementCategories;
constexpr auto kListed = CaseVariants::kListedCategories;
constexpr auto kFamilies = CaseVariants::kFamilies;
constexpr std::string_view kConnected = "connection stream";
constexpr std::string_view kListenOnly = "listen";
constexpr std::string_view kListening = "listen stream";

// Event callbacks (events.xml) and the functions they interact with.
const CaseRecipe kEventFlows[] = {
    {"Events.OnlyWhenEnabled", "NoReceiveEventUntilEnabled", kListed, kConnected},
    {"Events.NoCallAfterDisableCompletes", "NoReceiveEventAfterDisable", kListed,
     kConnected},
    {"Events.ListenerPropagatesToAcceptEventSockets", "AcceptEventPropagates",
     kListed, kListening},
    {"Events.WskAcceptDoesNotPropagate", "WskAcceptSocketStartsDisabled", kListed,
     kListening},
    {"Events.PropagationSurvivesAcceptReenable",
     "AcceptEventPropagatesAfterReenable", kListed, kListening},
    {"Events.StaticEnabledPerCategory", "StaticReceiveEvent", kListed, kConnected},
    {"Events.RetainedIndicationOwnedByClient", "ReceiveEventRetainedList", kListed,
     kConnected},
    {"Events.RetainedIndicationOwnedByClient", "ReceiveFromEventRetainedList",
     kListed, "datagram"},
    {"Events.PendingRequestPrecedesCallback", "QueuedReceiveBeforeReceiveEvent",
     kListed, kConnected},
    {"Events.PendingRequestPrecedesCallback", "QueuedReceiveFromBeforeEvent",
     kListed, "datagram"},
    {"Events.PendingRequestPrecedesCallback", "QueuedAcceptBeforeAcceptEvent",
     kListed, kListenOnly},
    {"WskClientEvent.NullNeverCalled", "RegisterAndCapture", kOnce},
    {"WskAcceptEvent.RejectClosesSocket", "AcceptEventReject", kElement},
    {"WskAcceptEvent.OutputsUsedForAcceptedSocket", "AcceptEventPropagates",
     kElement},
    {"WskAcceptEvent.ProviderOwnsSocketObject", "AcceptEventOnConnect", kElement},
    {"WskReceiveFromEvent.NotAcceptedDisablesDynamic", "ReceiveFromEventNotAccepted",
     kElement},
    {"WskReceiveFromEvent.NotAcceptedStaticStays", "StaticReceiveFromNotAccepted",
     kElement},
    {"WskReceiveFromEvent.MayCallAgainAfterPending", "ReceiveFromEventRetainedList",
     kElement},
    {"WskReceiveEvent.BytesAcceptedIgnoredUnlessSuccess", "ReceiveEventNotAccepted",
     kElement},
    {"WskReceiveEvent.PartialAcceptPausesIndications", "ReceiveEventPartialAccept",
     kElement},
    {"WskReceiveEvent.NotAcceptedPausesIndications", "ReceiveEventNotAccepted",
     kElement},
    {"WskReceiveEvent.ZeroLengthReceiveResumes", "ReceiveEventZeroLengthResume",
     kElement},
    {"WskReceiveEvent.AllAcceptedKeepsIndicating", "ReceiveEventsKeepComing",
     kElement},
    {"WskReceiveEvent.CalledSerially", "ReceiveEventsKeepComing", kElement},
    {"WskDisconnectEvent.GracefulStillSends", "SendAfterPeerGracefulEnd", kElement},
    {"WskDisconnectEvent.AbortiveEndsTraffic", "SendAfterPeerReset", kElement},
    {"WskSendBacklogEvent.OnChange", "SendBacklogEventMatchesQuery", kElement},
    {"WskSendBacklogEvent.MatchesQuery", "SendBacklogEventMatchesQuery", kElement},
    {"WSK_EVENT_SEND_BACKLOG.SelectsSendBacklogEvent",
     "SendBacklogEventMatchesQuery", kListed, kConnected},
    {"WSK_EVENT_RECEIVE_FROM.SelectsReceiveFromEvent", "ReceiveFromEventOnDatagram",
     kListed, "datagram"},
    // Only the unicast half: neither flag set (see MSG_BCAST.Value).
    {"WskReceiveFromEvent.BroadcastFlag", "ReceiveFromEventOnDatagram", kElement},
    {"WSK_EVENT_DISABLE.TurnsRequestIntoDisable", "NoReceiveEventAfterDisable",
     kListed, kConnected},
    {"WSK_FLAG_ENTIRE_MESSAGE.EndsMessage", "ReceiveEventEntireMessage", kListed,
     kConnected},
    {"WSK_CLIENT_CONNECTION_DISPATCH.FourWaysIn", "AcceptEventPropagates", kListed,
     kListenOnly},
    {"WSK_CLIENT_STREAM_DISPATCH.RoleSelectsTable", "AcceptEventOnConnect", kListed,
     "stream"},
    // Documented x64 layouts, checked in the headers (layout_checks.cc).
    {"WSK_EVENT_CALLBACK_CONTROL.Layout", "StructureLayout", kOnce},
    {"WSK_EXTENSION_CONTROL_IN.Layout", "StructureLayout", kOnce},
    {"WSK_EXTENSION_CONTROL_OUT.Layout", "StructureLayout", kOnce},
    {"WSK_CLIENT_STREAM_DISPATCH.Layout", "StructureLayout", kOnce},
};

// Conditional accept (events.xml, socket-listen.xml, options.xml,
// ioctls.xml): only listening-category sockets take SO_CONDITIONAL_ACCEPT.
const CaseRecipe kConditionalAccept[] = {
    {"WskInspectEvent.OnlyWithConditionalAccept", "NoInspectWithoutConditionalAccept",
     kListed, kListenOnly},
    {"WskInspectEvent.AcceptEstablishes", "InspectAccept", kListed, kListenOnly},
    {"WskInspectEvent.RejectDrops", "InspectReject", kListed, kListenOnly},
    {"WskAbortEvent.OnlyAfterAcceptOrPend", "InspectPendThenReject", kListed,
     kListenOnly},
    {"WskAbortEvent.IdentifiesRequest", "InspectPendPeerDrops", kListed, kListenOnly},
    {"WskAbortEvent.CompleteAfterAbortNoConnection", "InspectCompleteAfterAbort",
     kListed, kListenOnly},
    {"WskInspectComplete.AcceptDeliversSocket", "InspectPendThenAccept", kElement},
    {"WskInspectComplete.RejectDropsRequest", "InspectPendThenReject", kElement},
    {"WskInspectComplete.DroppedRequestCallsAbortEvent", "InspectPendPeerDrops",
     kElement},
    {"WskInspectComplete.AbortedRequestNotEstablished", "InspectCompleteAfterAbort",
     kElement},
    {"SO_CONDITIONAL_ACCEPT.EnablesInspection", "InspectAccept", kElement},
    {"SIO_WSK_QUERY_INSPECT_ID.ReturnsId", "InspectAccept", kListed, kListenOnly},
    {"WskInspectComplete.NotPendingRequestFails", "InspectCompleteUnknownId",
     kElement},
    {"SO_CONDITIONAL_ACCEPT.ChangeAfterBindFails", "ConditionalAcceptAfterBind",
     kElement},
};

// IOCTLs (ioctls.xml).
const CaseRecipe kIoctls[] = {
    {"SIO_ADDRESS_LIST_CHANGE.QueuesAndPends", "AddressListChangePends", kElement},
    {"SIO_ADDRESS_LIST_CHANGE.CompletedOnClose", "AddressListChangeClosed", kElement},
    {"SIO_LOOPBACK_FAST_PATH.FailureStatuses", "LoopbackFastPathStatuses", kElement},
    {"SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS.FailureStatuses",
     "SetRedirectRecordsStatuses", kElement},
    {"SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS.NotRedirectedFails",
     "RedirectQueriesFailUnredirected", kElement},
    {"SIO_WSK_QUERY_RECEIVE_BACKLOG.ReportsUnreadBytes", "ReceiveBacklogCounts",
     kElement},
    {"SIO_WSK_SET_REMOTE_ADDRESS.SendsGoThere", "FixedRemoteSendsThere", kElement},
    {"SIO_WSK_SET_REMOTE_ADDRESS.FiltersReceives", "FixedRemoteFiltersReceives",
     kElement},
    {"SIO_WSK_SET_REMOTE_ADDRESS.SendToOverridesOneWay",
     "FixedRemoteExplicitOverrides", kElement},
    {"SIO_WSK_SET_REMOTE_ADDRESS.ClearRestoresAny", "FixedRemoteCleared", kElement},
    {"SIO_WSK_SET_SENDTO_ADDRESS.SendsGoThere", "FixedSendToAddress", kElement},
    {"SIO_WSK_SET_SENDTO_ADDRESS.ReceivesFromAnyone", "FixedSendToReceivesAny",
     kElement},
    {"SIO_WSK_SET_TCP_SILENT_MODE.NotOnLoopback", "SilentModeRefusedOnLoopback",
     kElement},
    {"SIO_WSK_SET_TCP_SILENT_MODE.SuccessWhenOn", "SilentModeOn", kElement},
    {"SIO_WSK_SET_TCP_SILENT_MODE.SendDisconnectFail", "SilentModeSendFails",
     kElement},
    {"SIO_WSK_SET_TCP_SILENT_MODE.IncomingDiscarded", "SilentModeDropsIncoming",
     kElement},
};

// Options and WskControlSocket (options.xml, socket-basic.xml).
const CaseRecipe kOptions[] = {
    {"WskSetOption.EnumValue", "ControlRequestTypeValue", kListed, "datagram"},
    {"WskGetOption.EnumValue", "ControlRequestTypeValue", kListed, "datagram"},
    {"WskIoctl.EnumValue", "ControlRequestTypeValue", kListed, "datagram"},
    {"WskGetOption.ReturnsOptionValue", "GetOptionWritesValue", kListed, "datagram"},
    {"Options.SolSocketSet", "SolSocketOptionsKnown", kFamilies},
    {"Options.ShortBufferFails", "UlongOptionShortBuffer", kFamilies},
    {"SO_KEEPALIVE.InheritedByAccepted", "OptionInheritedByAccepted", kListed,
     kListenOnly},
    {"SO_KEEPALIVE.AcceptedCanOverride", "AcceptedOptionOverride", kListed,
     kListenOnly},
    {"SO_RCVBUF.InheritedByAccepted", "OptionInheritedByAccepted", kListed,
     kListenOnly},
    {"SO_RCVBUF.AcceptedCanOverride", "AcceptedOptionOverride", kListed, kListenOnly},
    {"SO_REUSEADDR.DistinctSpecificAlwaysBinds", "BindDistinctSpecific", kListed,
     "listen datagram connection", "AF_INET"},
    {"SO_WSK_EVENT_CALLBACK.DisableInFlightWithIrpPends",
     "DisableWhileCallbackRunsWithIrp", kListed, kConnected},
    {"SO_WSK_EVENT_CALLBACK.DisableInFlightNoIrpEventPending",
     "DisableWhileCallbackRunsNoIrp", kListed, kConnected},
    {"SO_WSK_EVENT_CALLBACK.EnableManyAtOnce", "EnableReceiveAndDisconnect", kListed,
     kConnected},
    {"SO_WSK_SECURITY.DefaultForbidsSharing", "BindSpecificAfterDefaultWildcard",
     kElement},
    {"SO_WSK_SECURITY.GetReturnsCachedCopy", "SecurityDescriptorGet", kElement},
    {"WskControlSocket.AllCategories", "AddressListQuery", kElement},
    {"WskControlSocket.SetOptionOnDatagramSocket", "SetOptionOnNewDatagram", kListed,
     "datagram"},
    {"WskControlSocket.InformationIsOutputBytes", "GetOptionWritesValue", kListed,
     "datagram"},
    {"WskControlSocket.OutputSizeReturnedWithoutIrp", "AddressListQuery", kElement},
    {"WskControlSocket.EventPendingOnlyWithoutIrp", "DisableWhileCallbackRunsNoIrp",
     kListed, kConnected},
    {"WskControlSocket.LevelIgnoredForIoctl", "LevelIgnoredForIoctl", kElement},
};

// Connections, closing and listening (socket-connection.xml,
// socket-basic.xml, socket-listen.xml).
const CaseRecipe kConnectionFlows[] = {
    {"Close.WaitsForEventCallbacks", "CloseWhileCallbackRuns", kListed, kConnected},
    {"Close.RacingRequestForcedClosed", "RequestDuringClose", kListed, kConnected},
    {"Close.NoAbortWhenFullyDisconnected", "CloseAfterFullDisconnect", kListed,
     kConnected},
    // The exact statuses the spec gives where the pages name none.
    {"Close.CancelledIrpsStatus", "CloseCancelsPendingReceive", kListed, kConnected},
    {"WskConnect.UnboundSocketStatus", "ConnectUnbound", kElement},
    {"WskListen.UnboundSocketStatus", "ListenUnbound", kElement},
    {"WskDisconnect.OwnAbortStatus", "SendAfterAbortiveDisconnect", kElement},
    {"WskBind.SecondBindStatus", "BindTwiceFails", kElement},
    {"WskBind.AddressInUseStatus", "BindSameWildcardNoOptions", kListed,
     "listen datagram connection"},
    {"WskConnect.StreamCommitsToConnection", "ListenAfterConnect", kListed, "stream"},
    {"WskConnectEx.NonZeroFlagsInvalid", "ConnectExNonZeroFlags", kElement},
    {"WskConnectEx.BufferOver65535Overflows", "ConnectExOversizedBuffer", kElement},
    {"WskConnectEx.Buffer65535Accepted", "ConnectExMaxBuffer", kElement},
    {"WskConnectEx.NullBufferBehavesAsConnect", "ConnectExNoBuffer", kElement},
    {"WskConnectEx.BufferDataDeliveredToPeer", "ConnectExSendsBuffer", kElement},
    {"WskConnectEx.StreamCommitsToConnection", "ListenAfterConnectEx", kListed,
     "stream"},
    {"WskReceive.DrainDiscardsUntilDisconnect", "ReceiveDrain", kElement},
    {"WskReceive.PendingIrpBeforeReceiveEvent", "QueuedReceiveBeforeReceiveEvent",
     kElement},
    {"WskDisconnect.FinalBufferSentBeforeDisconnect", "DisconnectWithFinalBuffer",
     kElement},
    {"WskDisconnect.GracefulWaitsForQueuedSends", "GracefulDisconnectAfterQueuedSend",
     kElement},
    {"WskDisconnect.AbortiveCancelsPendingSends", "AbortiveDisconnectCancelsSend",
     kElement},
    {"WskDisconnect.AbortiveForcesStuckGraceful", "AbortiveDisconnectForcesGraceful",
     kElement},
    {"WskReleaseDataIndicationList.ReleasesRetainedList", "ReceiveEventRetainedList",
     kElement},
    {"WskReleaseDataIndicationList.NoIrp", "ReceiveEventRetainedList", kElement},
    {"WskReleaseDataIndicationList.InvalidParameter", "ReleaseNullIndication",
     kElement},
    {"WskListen.StreamSocketsOnly", "CreateSocketNoNullMembers", kListed, "stream"},
    {"WskListen.CommitsToListening", "ConnectAfterListen", kElement},
    {"WskAccept.AcceptedCallbacksDisabled", "WskAcceptSocketStartsDisabled", kElement},
    {"WskAccept.ContextPassedToCallbacks", "WskAcceptContextUsed", kElement},
    {"WskAccept.PendingIrpBeforeAcceptEvent", "QueuedAcceptBeforeAcceptEvent",
     kElement},
};

// Datagrams (socket-datagram.xml).
const CaseRecipe kDatagramFlows[] = {
    {"WskSendTo.NullRemoteUsesFixedAddress", "FixedRemoteSendsThere", kElement},
    {"WskSendTo.ExplicitRemoteOverridesFixed", "FixedRemoteExplicitOverrides",
     kElement},
    {"WskReceiveFrom.TruncationSetsMsgTrunc", "ReceiveDatagramTruncated", kElement},
    {"WskReceiveFrom.ControlLengthReportsSize", "ReceiveDatagramNoControlInfo",
     kElement},
    {"WskReceiveFrom.NullControlLengthIgnoresControlInfo",
     "ReceiveDatagramNullControlLength", kElement},
    {"WskReceiveFrom.FixedRemoteFiltersOthers", "FixedRemoteFiltersReceives",
     kElement},
    {"WskReceiveFrom.PendingIrpBeforeReceiveFromEvent", "QueuedReceiveFromBeforeEvent",
     kElement},
    {"WskReleaseDatagramIndicationList.ReleasesRetainedList",
     "ReceiveFromEventRetainedList", kElement},
    {"WskReleaseDatagramIndicationList.NoIrp", "ReceiveFromEventRetainedList",
     kElement},
    {"WskReleaseDatagramIndicationList.InvalidParameter", "ReleaseNullIndication",
     kElement},
    {"WskSendMessages.EachBufferIsOneDatagram", "SendMessagesList", kElement},
    {"WskSendMessages.InformationIsTotalBytes", "SendMessagesList", kElement},
    {"WskSendMessages.NullRemoteUsesFixedAddress", "SendMessagesToFixed", kElement},
    {"MSG_TRUNC.Value", "ReceiveDatagramTruncated", kListed, "datagram"},
    // Only the unicast half: neither flag set (see MSG_BCAST.Value).
    {"WskReceiveFrom.BroadcastMulticastFlags", "ReceiveDatagramNoControlInfo",
     kElement},
};

template <size_t N>
void Append(std::vector<CaseRecipe>& all, const CaseRecipe (&part)[N]) {
  all.insert(all.end(), part, part + N);
}

}  // namespace

void AppendSocketRecipes(std::vector<CaseRecipe>& all);  // called by recipes.cc
void AppendSocketRecipes(std::vector<CaseRecipe>& all) {
  Append(all, kEventFlows);
  Append(all, kConditionalAccept);
  Append(all, kIoctls);
  Append(all, kOptions);
  Append(all, kConnectionFlows);
  Append(all, kDatagramFlows);
}

}  // namespace wskconf::conformance
