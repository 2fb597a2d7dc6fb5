// wskgen's recipe table: which check helper covers which provider-side
// clause, in which variants. A clause is covered only when a helper really
// checks what its text says; `wskconf spec coverage` reports the rest.
#include "wskconf/wskgen.h"

// Rows leave trailing fields (categories, families) at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace wskconf::conformance {
namespace {

constexpr auto kOnce = CaseVariants::kOnce;
constexpr auto kElement = CaseVariants::kElementCategories;
constexpr auto kListed = CaseVariants::kListedCategories;
constexpr std::string_view kAll = "basic listen datagram connection stream";

// Registration and the client-level tables (spec/registration.xml).
const CaseRecipe kRegistration[] = {
    {"WskRegister.SuccessMakesRegistrationUsable", "RegisterAndCapture", kOnce},
    {"WskRegister.MultipleInstances", "RegisterTwice", kOnce},
    {"WskDeregister.ReturnsOnceIdle", "DeregisterIdle", kOnce},
    {"WskCaptureProviderNPI.SuccessFillsNpi", "CaptureInfiniteWait", kOnce},
    {"WskCaptureProviderNPI.UnsupportedVersion", "CaptureUnsupportedVersion", kOnce},
    {"WskCaptureProviderNPI.FailsAfterDeregister", "CaptureAfterDeregister", kOnce},
    {"WskCaptureProviderNPI.MultipleCaptures", "CaptureTwice", kOnce},
    {"WskCaptureProviderNPI.NoWaitAtDispatch", "CaptureAndReleaseAtDispatch", kOnce},
    {"WskReleaseProviderNPI.CallableAtDispatch", "CaptureAndReleaseAtDispatch", kOnce},
    {"WskQueryProviderCharacteristics.ReportsRange", "QueryCharacteristics", kOnce},
    {"WskQueryProviderCharacteristics.WorksAfterNoInterface", "QueryAfterNoInterface", kOnce},
    {"WskQueryProviderCharacteristics.CallableAtDispatch", "QueryCharacteristicsAtDispatch", kOnce},
    {"WSK_CLIENT_NPI.ContextOpaque", "RegisterAndCapture", kOnce},
    {"WSK_PROVIDER_NPI.StableAcrossCaptures", "CaptureTwiceSamePointers", kOnce},
    {"WSK_PROVIDER_CHARACTERISTICS.VersionsEncoded", "QueryCharacteristics", kOnce},
    {"WSK_PROVIDER_CHARACTERISTICS.LowestNotAboveHighest", "QueryCharacteristics", kOnce},
    {"WSK_PROVIDER_CHARACTERISTICS.RangeIsAccepted", "CaptureWithReportedRange", kOnce},
    {"WSK_CLIENT.TracksBinding", "CreateSocket", kListed, "datagram stream"},
    {"WSK_CLIENT_DISPATCH.NullClientEventAccepted", "RegisterAndCapture", kOnce},
    {"WSK_PROVIDER_DISPATCH.VersionCompatible", "ProviderDispatchVersion", kOnce},
    {"WSK_PROVIDER_DISPATCH.CoreMembersPresent", "ProviderDispatchCoreMembers", kOnce},
    {"WSK_PROVIDER_DISPATCH.NameResolutionMembersFromWindows7",
     "ProviderDispatchNameResolutionMembers", kOnce},
    {"WSK_INFINITE_WAIT.WaitsUntilReady", "CaptureInfiniteWait", kOnce},
    {"Registration.DeregisterWaitsForCapturesReleased", "DeregisterWaitsForCapture", kOnce},
    {"Registration.DeregisterWaitsForSocketsClosed", "DeregisterWaitsForSocket", kOnce},
    {"Registration.RetryAfterNoInterface", "RetryAfterNoInterface", kOnce},
};

// Socket creation, categories and dispatch tables (client-level.xml,
// dispatch.xml, socket-basic.xml).
const CaseRecipe kSockets[] = {
    {"WskSocket.CategoryFromFlags", "CreateSocket", kListed, kAll},
    {"WskSocket.NullDispatchAccepted", "CreateSocket", kListed, kAll},
    {"WskSocket.UnsupportedCombinationFails", "CreateUnsupportedCombination", kListed,
     "listen datagram connection"},
    {"WskSocket.FailureDeliversNoSocket", "CreateUnsupportedCombination", kListed,
     "listen datagram connection"},
    {"WSK_FLAG_LISTEN_SOCKET.ListenDispatch", "CreateSocket", kListed, "listen"},
    {"WSK_FLAG_CONNECTION_SOCKET.ConnectionDispatch", "CreateSocket", kListed, "connection"},
    {"WSK_FLAG_DATAGRAM_SOCKET.DatagramDispatch", "CreateSocket", kListed, "datagram"},
    {"WSK_FLAG_STREAM_SOCKET.StreamDispatch", "CreateSocket", kListed, "stream"},
    {"WSK_FLAG_STREAM_SOCKET.TcpCombination", "CreateSocket", kListed, "stream"},
    {"AF_INET.SupportedCombinations", "CreateSocket", kListed,
     "basic listen datagram connection", "AF_INET"},
    {"AF_INET6.SupportedCombinations", "CreateSocket", kListed,
     "basic listen datagram connection", "AF_INET6"},
    {"WSK_PROVIDER_BASIC_DISPATCH.ReturnedForBasicSocket", "CreateSocket", kElement},
    {"WSK_PROVIDER_BASIC_DISPATCH.PrefixOfEveryTable", "CreateSocket", kListed, kAll},
    {"WSK_PROVIDER_BASIC_DISPATCH.NoNullMembers", "CreateSocketNoNullMembers", kListed, kAll},
    {"WSK_PROVIDER_LISTEN_DISPATCH.ReturnedForListenSocket", "CreateSocket", kElement},
    {"WSK_PROVIDER_DATAGRAM_DISPATCH.ReturnedForDatagramSocket", "CreateSocket", kElement},
    {"WSK_PROVIDER_CONNECTION_DISPATCH.ReturnedForConnectionSockets", "CreateSocket",
     kElement},
    {"WSK_PROVIDER_STREAM_DISPATCH.ReturnedForStreamSocket", "CreateSocket", kElement},
    {"WSK_SOCKET.DispatchMatchesCategory", "CreateSocket", kListed, kAll},
    {"WSK_SOCKET.AllocatedByProvider", "SocketsAreDistinct", kListed, kAll},
    {"WskControlSocket.UnknownOptionFails", "ControlUnknownOption", kElement},
    {"WskControlSocket.UnknownRequestTypeFails", "ControlUnknownRequestType", kElement},
    {"WskCloseSocket.CompletesWithSuccess", "CloseFreshSocket", kElement},
    {"WskCloseSocket.AllCategories", "CloseFreshSocket", kElement},
};

// The IRP completion contract, checked by the harness on every call; these
// cases name it on socket creation and on a failing request (irp.xml).
const CaseRecipe kIrpContract[] = {
    {"Irp.CompletionContract.SuccessCompletesIrp", "CreateSocket", kListed, kAll},
    {"Irp.CompletionContract.FailureCompletesIrp", "ControlUnknownOption", kListed, kAll},
    {"Irp.CompletionContract.ReturnEqualsIoStatus", "CreateSocket", kListed, kAll},
    {"Irp.CompletionContract.CompletedExactlyOnce", "CreateSocket", kListed, kAll},
    {"Irp.CompletionContract.FinalStatusNotPending", "CreateSocket", kListed, kAll},
    {"Irp.CompletionContract.CompletionRoutineAlwaysInvoked", "CreateSocket", kListed,
     kAll},
    {"Irp.ProviderSetsUpStackLocation", "CreateSocket", kListed, kAll},
    {"Irp.OneStackLocationSuffices", "CreateSocket", kListed, kAll},
    {"Irp.CompletionAtOrBelowDispatch", "CreateSocket", kListed, kAll},
    {"Irp.Information.NewSocketObject", "CreateSocket", kListed, kAll},
};

constexpr std::string_view kConnected = "connection stream";
constexpr std::string_view kListening = "listen stream";
constexpr auto kFamilies = CaseVariants::kFamilies;

// Binding and addresses (socket-address.xml).
const CaseRecipe kAddresses[] = {
    {"WskBind.SuccessCompletesIrpWithSuccess", "BindLoopback", kElement},
    {"WskBind.ListenWildcardAllAddresses", "BindWildcard", kListed, kListening},
    {"WskBind.DatagramWildcardAllAddresses", "BindWildcard", kListed, "datagram"},
    {"WskBind.ConnectionWildcardResolvedAtConnect", "LocalAddressAfterWildcardConnect",
     kListed, kConnected},
    {"WskBind.PortZeroAssignsPort", "BindPortZeroAssignsPort", kListed,
     "listen connection stream"},
    {"WskBind.SecondBindFails", "BindTwiceFails", kElement},
    {"WskBind.AddressInUseFails", "BindAddressInUseFails", kElement},
    {"WskGetLocalAddress.ReturnsBoundAddress", "BindLoopback", kElement},
    {"WskGetLocalAddress.UnboundInvalidDeviceState", "LocalAddressUnbound", kElement},
    {"WskGetLocalAddress.AcceptedSocketIsBound", "AcceptedSocketAddresses", kListed,
     kListening},
    {"WskGetRemoteAddress.ReturnsPeerAddress", "RemoteAddressIsPeer", kElement},
    {"WskGetRemoteAddress.AcceptedSocketHasPeer", "AcceptedSocketAddresses", kListed,
     kListening},
    {"WskGetRemoteAddress.NotConnectedInvalidDeviceState", "RemoteAddressUnconnected",
     kElement},
};

// Connections: connect, send, receive, disconnect, close
// (socket-connection.xml, socket-basic.xml, irp.xml, buffers.xml).
const CaseRecipe kConnections[] = {
    {"WskConnect.UnboundSocketFails", "ConnectUnbound", kElement},
    {"WskConnect.SuccessCompletesIrpWithSuccess", "ConnectToPeer", kElement},
    {"WskConnect.RefusedCompletesWithFailure", "ConnectRefused", kElement},
    {"WskSend.InformationIsBytesSent", "SendBytes", kElement},
    {"WskSend.CompletesOnlyWhenAllSent", "SendBytes", kElement},
    {"WskSend.UnconnectedSocketFails", "SendUnconnected", kElement},
    {"WskSend.NodelayAccepted", "SendWithNodelay", kElement},
    {"WskSend.UnsupportedFlagNotSupported", "SendUnsupportedFlag", kElement},
    {"WskSend.AfterGracefulDisconnectFails", "SendAfterDisconnect", kElement},
    {"WskSend.ZeroLengthCompletes", "SendZeroLength", kElement},
    {"WskSend.DataArrivesInOrder", "SendInOrderFromOffset", kElement},
    {"WskReceive.InformationIsBytesReceived", "ReceiveAtMostBufferLength", kElement},
    {"WskReceive.PendsUntilDataArrives", "ReceivePendsUntilData", kElement},
    {"WskReceive.WaitAllFillsBuffer", "ReceiveWaitAll", kElement},
    {"WskReceive.WaitAllPartialOnGracefulDisconnect", "ReceiveWaitAllPeerDisconnects",
     kElement},
    {"WskReceive.UnsupportedFlagNotSupported", "ReceiveUnsupportedFlag", kElement},
    {"WskReceive.CancelCompletesIrp", "ReceiveCancelled", kElement},
    {"WskDisconnect.GracefulAllowsFurtherReceive", "DisconnectThenReceive", kElement},
    {"WskDisconnect.GracefulPeerSeesOrderlyEnd", "DisconnectGraceful", kElement},
    {"WskDisconnect.AbortiveStopsSendAndReceive", "SendAfterAbortiveDisconnect",
     kElement},
    {"WskDisconnect.AbortivePeerSeesReset", "DisconnectAbortive", kElement},
    {"WskDisconnect.CloseWithoutDisconnectIsAbortive", "CloseConnectedAborts", kElement},
    {"WSK_FLAG_NODELAY.SendsImmediately", "SendWithNodelay", kListed, kConnected},
    {"WSK_FLAG_ABORTIVE.ClearMeansGraceful", "DisconnectGraceful", kListed, kConnected},
    {"WSK_BUF.SendLengthIsExact", "SendBytes", kListed, kConnected},
    {"WSK_BUF.ReceiveLengthIsMaximum", "ReceiveAtMostBufferLength", kListed, kConnected},
    {"WSK_BUF.ChainSpansMdls", "SendChainedMdls", kListed, kConnected},
    {"Irp.Information.BytesSent", "SendBytes", kListed, kConnected},
    {"Irp.Information.BytesReceived", "ReceiveBytes", kListed, kConnected},
    {"Irp.CompletionContract.PendingThenComplete", "ReceivePendsUntilData", kListed,
     kConnected},
    {"Irp.InformationZeroOnFailure", "ReceiveCancelled", kListed, kConnected},
    {"Mdl.DescriptionHonoured", "ReceiveWithinDescription", kListed, kConnected},
    {"Close.CancelsPendingIrps", "CloseCancelsPendingReceive", kListed, kConnected},
    {"Close.PendingIrpsCompleteBeforeClose", "CloseCancelsPendingReceive", kListed,
     kConnected},
    {"Close.AbortsConnectedSocket", "CloseConnectedAborts", kListed, kConnected},
};

// Listening and accepting (socket-listen.xml).
const CaseRecipe kListen[] = {
    {"WskListen.UnboundSocketFails", "ListenUnbound", kElement},
    {"WskListen.CompletesOnceListening", "ListenSucceeds", kElement},
    {"WskListen.PeerCanConnect", "AcceptWaitingConnection", kElement},
    {"WskAccept.InformationIsAcceptedSocket", "AcceptWaitingConnection", kElement},
    {"WskAccept.WaitingConnectionImmediate", "AcceptWaitingConnection", kElement},
    {"WskAccept.NoConnectionPends", "AcceptPendsUntilConnection", kElement},
    {"WskAccept.AcceptedSocketIsConnectionSocket", "AcceptWaitingConnection", kElement},
    {"WskAccept.AddressesFilled", "AcceptWaitingConnection", kElement},
    {"Close.ListenClosePendingAccept", "CloseListenerWithPendingAccept", kListed,
     kListening},
};

// Datagrams (socket-datagram.xml).
const CaseRecipe kDatagrams[] = {
    {"WskSendTo.InformationIsBytesSent", "SendDatagram", kFamilies},
    {"WskSendTo.CompletesOnlyWhenSent", "SendDatagram", kFamilies},
    {"WskSendTo.OneCallOneDatagram", "SendDatagram", kFamilies},
    {"WskSendTo.NullRemoteWithoutFixedFails", "SendDatagramNoRemote", kFamilies},
    {"WskSendTo.UnboundSocketFails", "SendDatagramUnbound", kFamilies},
    {"WskReceiveFrom.InformationIsBytesReceived", "ReceiveDatagram", kFamilies},
    {"WskReceiveFrom.OneDatagramPerReceive", "ReceiveDatagram", kFamilies},
    {"WskReceiveFrom.PendsUntilDatagram", "ReceiveDatagramPends", kFamilies},
    {"WskReceiveFrom.RemoteAddressIsSender", "ReceiveDatagram", kFamilies},
};

// Options and IOCTLs through WskControlSocket (options.xml, ioctls.xml).
const CaseRecipe kControl[] = {
    {"SO_BROADCAST.DefaultOff", "OptionReadsZero", kElement},
    {"SO_BROADCAST.SetThenGet", "OptionSetThenGet", kElement},
    {"SO_CONDITIONAL_ACCEPT.DefaultOff", "OptionReadsZero", kElement},
    {"SO_EXCLUSIVEADDRUSE.DefaultOff", "OptionReadsZero", kElement},
    {"SO_EXCLUSIVEADDRUSE.WildcardOwnerRefusesWildcardInUse",
     "WildcardAfterExclusiveWildcard", kElement},
    {"SO_EXCLUSIVEADDRUSE.WildcardOwnerDeniesOthers", "BindAfterExclusiveWildcard",
     kElement},
    {"SO_EXCLUSIVEADDRUSE.WildcardSecondBindInUse", "ExclusiveAfterReuseWildcard",
     kElement},
    {"SO_KEEPALIVE.DefaultOff", "OptionReadsZero", kElement},
    {"SO_RCVBUF.DefaultTransportSpecific", "OptionReadsUlong", kElement},
    {"SO_REUSEADDR.DefaultOff", "OptionReadsZero", kElement},
    {"SO_REUSEADDR.DefaultSameWildcardInUse", "BindSameWildcardNoOptions", kElement},
    {"SO_REUSEADDR.BothReuseWildcardShares", "BindSameWildcardBothReuse", kElement},
    {"SO_REUSEADDR.BothReuseSpecificShares", "BindSameSpecificBothReuse", kElement},
    {"SO_WSK_EVENT_CALLBACK.DisableIdleSucceeds", "DisableIdleEventCallback", kListed,
     "listen datagram connection"},
    {"WskSetOption.SetsOptionValue", "BroadcastSetThenGet", kListed, "datagram"},
    {"SIO_WSK_REGISTER_EXTENSION.UnknownNpiNotSupported", "RegisterUnknownExtension",
     kElement},
    {"SIO_WSK_REGISTER_EXTENSION.NoneDefinedToday", "RegisterUnknownExtension",
     kElement},
    {"SIO_WSK_QUERY_INSPECT_ID.OtherSocketsRejected", "QueryInspectIdOnPlainSocket",
     kElement},
    {"SIO_WSK_QUERY_IDEAL_SEND_BACKLOG.ReturnsSize", "QueryIdealSendBacklog", kElement},
    {"SIO_ADDRESS_LIST_QUERY.OverflowReportsSize", "AddressListTooSmall", kElement},
    {"SIO_ADDRESS_LIST_QUERY.OutputLayout", "AddressListQuery", kElement},
    {"SIO_ADDRESS_LIST_QUERY.AllSocketTypes", "AddressListQuery", kElement},
};

// Event callbacks, the client played by GMock mocks (events.xml).
const CaseRecipe kEvents[] = {
    {"Events.DisabledOnNewSocket", "NoReceiveEventUntilEnabled", kListed, kConnected},
    {"Events.EnableDisableThroughOption", "ReceiveEventOnData", kListed, kConnected},
    {"Events.CalledAtOrBelowDispatch", "ReceiveEventOnData", kListed, kConnected},
    {"Events.AtDispatchFlagMatchesIrql", "ReceiveEventOnData", kListed, kConnected},
    {"Events.SocketContextPassedBack", "ReceiveEventOnData", kListed, kConnected},
    {"WskReceiveEvent.BytesIndicatedIsListTotal", "ReceiveEventOnData", kElement},
    {"WSK_EVENT_RECEIVE.SelectsReceiveEvent", "ReceiveEventOnData", kListed, kConnected},
    {"WskDisconnectEvent.OnRemoteDisconnect", "DisconnectEventGraceful", kElement},
    {"WskDisconnectEvent.AbortiveFlag", "DisconnectEventAbortive", kElement},
    {"WSK_EVENT_DISCONNECT.SelectsDisconnectEvent", "DisconnectEventGraceful", kListed,
     kConnected},
    {"WskAcceptEvent.AddressesMatchFamily", "AcceptEventOnConnect", kElement},
    {"WSK_EVENT_ACCEPT.SelectsAcceptEvent", "AcceptEventOnConnect", kListed, kListening},
};

template <size_t N>
void Append(std::vector<CaseRecipe>& all, const CaseRecipe (&part)[N]) {
  all.insert(all.end(), part, part + N);
}

}  // namespace

// The socket-behaviour tables (recipes_sockets.cc).
void AppendSocketRecipes(std::vector<CaseRecipe>& all);

const std::vector<CaseRecipe>& CaseRecipes() {
  static const std::vector<CaseRecipe> recipes = [] {
    std::vector<CaseRecipe> all;
    Append(all, kRegistration);
    Append(all, kSockets);
    Append(all, kIrpContract);
    Append(all, kAddresses);
    Append(all, kConnections);
    Append(all, kListen);
    Append(all, kDatagrams);
    Append(all, kControl);
    Append(all, kEvents);
    for (const CaseRecipe& recipe : CoreCaseRecipes()) all.push_back(recipe);
    AppendSocketRecipes(all);
    return all;
  }();
  return recipes;
}

}  // namespace wskconf::conformance
