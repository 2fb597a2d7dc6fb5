// wskgen's recipes for the core spec files (status, irp, dispatch,
// registration, client-level, buffers) beyond those of recipes.cc; the
// helpers are declared in checks_core.h. CaseRecipes() appends them.
#include "wskconf/wskgen.h"

// Rows leave trailing fields (categories, families) at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace wskconf::conformance {
namespace {

constexpr auto kOnce = CaseVariants::kOnce;
constexpr auto kElement = CaseVariants::kElementCategories;
constexpr auto kFamilies = CaseVariants::kFamilies;

// Every NTSTATUS of spec/status.xml: its number in the headers.
const CaseRecipe kStatusValues[] = {
    {"STATUS_SUCCESS.Value", "ConstantValue", kOnce},
    {"STATUS_WAIT_0.Value", "ConstantValue", kOnce},
    {"STATUS_USER_APC.Value", "ConstantValue", kOnce},
    {"STATUS_KERNEL_APC.Value", "ConstantValue", kOnce},
    {"STATUS_ALERTED.Value", "ConstantValue", kOnce},
    {"STATUS_TIMEOUT.Value", "ConstantValue", kOnce},
    {"STATUS_PENDING.Value", "ConstantValue", kOnce},
    {"STATUS_EVENT_PENDING.Value", "ConstantValue", kOnce},
    {"STATUS_BUFFER_OVERFLOW.Value", "ConstantValue", kOnce},
    {"STATUS_UNSUCCESSFUL.Value", "ConstantValue", kOnce},
    {"STATUS_NOT_IMPLEMENTED.Value", "ConstantValue", kOnce},
    {"STATUS_ACCESS_VIOLATION.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_HANDLE.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_DEVICE_REQUEST.Value", "ConstantValue", kOnce},
    {"STATUS_MORE_PROCESSING_REQUIRED.Value", "ConstantValue", kOnce},
    {"STATUS_NO_MEMORY.Value", "ConstantValue", kOnce},
    {"STATUS_ACCESS_DENIED.Value", "ConstantValue", kOnce},
    {"STATUS_BUFFER_TOO_SMALL.Value", "ConstantValue", kOnce},
    {"STATUS_OBJECT_TYPE_MISMATCH.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_MIX.Value", "ConstantValue", kOnce},
    {"STATUS_INTEGER_OVERFLOW.Value", "ConstantValue", kOnce},
    {"STATUS_INSUFFICIENT_RESOURCES.Value", "ConstantValue", kOnce},
    {"STATUS_DEVICE_NOT_READY.Value", "ConstantValue", kOnce},
    {"STATUS_IO_TIMEOUT.Value", "ConstantValue", kOnce},
    {"STATUS_FILE_FORCED_CLOSED.Value", "ConstantValue", kOnce},
    {"STATUS_NOT_SUPPORTED.Value", "ConstantValue", kOnce},
    {"STATUS_REMOTE_NOT_LISTENING.Value", "ConstantValue", kOnce},
    {"STATUS_REQUEST_NOT_ACCEPTED.Value", "ConstantValue", kOnce},
    {"STATUS_CANT_WAIT.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_1.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_2.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_3.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_4.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_5.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_6.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_7.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_8.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_9.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_10.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_11.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_PARAMETER_12.Value", "ConstantValue", kOnce},
    {"STATUS_CANCELLED.Value", "ConstantValue", kOnce},
    {"STATUS_LOCAL_DISCONNECT.Value", "ConstantValue", kOnce},
    {"STATUS_REMOTE_DISCONNECT.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_CONNECTION.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_ADDRESS.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_DEVICE_STATE.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_BUFFER_SIZE.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_ADDRESS_COMPONENT.Value", "ConstantValue", kOnce},
    {"STATUS_INVALID_ADDRESS_WILDCARD.Value", "ConstantValue", kOnce},
    {"STATUS_TOO_MANY_ADDRESSES.Value", "ConstantValue", kOnce},
    {"STATUS_ADDRESS_ALREADY_EXISTS.Value", "ConstantValue", kOnce},
    {"STATUS_ADDRESS_CLOSED.Value", "ConstantValue", kOnce},
    {"STATUS_CONNECTION_DISCONNECTED.Value", "ConstantValue", kOnce},
    {"STATUS_CONNECTION_RESET.Value", "ConstantValue", kOnce},
    {"STATUS_DATA_NOT_ACCEPTED.Value", "ConstantValue", kOnce},
    {"STATUS_NOT_FOUND.Value", "ConstantValue", kOnce},
    {"STATUS_RETRY.Value", "ConstantValue", kOnce},
    {"STATUS_CONNECTION_REFUSED.Value", "ConstantValue", kOnce},
    {"STATUS_GRACEFUL_DISCONNECT.Value", "ConstantValue", kOnce},
    {"STATUS_ADDRESS_ALREADY_ASSOCIATED.Value", "ConstantValue", kOnce},
    {"STATUS_ADDRESS_NOT_ASSOCIATED.Value", "ConstantValue", kOnce},
    {"STATUS_CONNECTION_INVALID.Value", "ConstantValue", kOnce},
    {"STATUS_CONNECTION_ACTIVE.Value", "ConstantValue", kOnce},
    {"STATUS_NETWORK_UNREACHABLE.Value", "ConstantValue", kOnce},
    {"STATUS_HOST_UNREACHABLE.Value", "ConstantValue", kOnce},
    {"STATUS_PROTOCOL_UNREACHABLE.Value", "ConstantValue", kOnce},
    {"STATUS_PORT_UNREACHABLE.Value", "ConstantValue", kOnce},
    {"STATUS_REQUEST_ABORTED.Value", "ConstantValue", kOnce},
    {"STATUS_CONNECTION_ABORTED.Value", "ConstantValue", kOnce},
    {"STATUS_CONNECTION_COUNT_LIMIT.Value", "ConstantValue", kOnce},
    {"STATUS_NO_MATCH.Value", "ConstantValue", kOnce},
    {"STATUS_NOINTERFACE.Value", "ConstantValue", kOnce},
};

// Flag, enumeration and macro values (buffers.xml, client-level.xml,
// registration.xml).
const CaseRecipe kValues[] = {
    {"WSK_FLAG_NODELAY.Value", "ConstantValue", kOnce},
    {"WSK_FLAG_WAITALL.Value", "ConstantValue", kOnce},
    {"WSK_FLAG_DRAIN.Value", "ConstantValue", kOnce},
    {"WSK_FLAG_ABORTIVE.Value", "ConstantValue", kOnce},
    {"NI_NOFQDN.Value", "ConstantValue", kOnce},
    {"NI_NUMERICHOST.Value", "ConstantValue", kOnce},
    {"NI_NAMEREQD.Value", "ConstantValue", kOnce},
    {"NI_NUMERICSERV.Value", "ConstantValue", kOnce},
    {"NI_DGRAM.Value", "ConstantValue", kOnce},
    {"WSK_INSPECT_ACTION.FourValues", "InspectActionValues", kOnce},
    {"MAKE_WSK_VERSION.Encoding", "WskVersionMacros", kOnce},
    {"WSK_MAJOR_VERSION.HighByte", "WskVersionMacros", kOnce},
    {"WSK_MINOR_VERSION.LowByte", "WskVersionMacros", kOnce},
    {"AF_INET6.WindowsValue", "AddressFamilyWindowsValue", kFamilies, "", "AF_INET6"},
};

// Structure layouts (buffers.xml) and the provider's dispatch tables read
// at the documented offsets (dispatch.xml).
const CaseRecipe kLayouts[] = {
    {"WSK_BUF.Layout", "StructureLayout", kOnce},
    {"WSK_BUF_LIST.Layout", "StructureLayout", kOnce},
    {"WSK_DATA_INDICATION.Layout", "StructureLayout", kOnce},
    {"WSK_DATAGRAM_INDICATION.Layout", "StructureLayout", kOnce},
    {"WSK_INSPECT_ID.Layout", "StructureLayout", kOnce},
    {"WSK_PROVIDER_BASIC_DISPATCH.Layout", "DispatchTableLayout", kElement},
    {"WSK_PROVIDER_LISTEN_DISPATCH.Layout", "DispatchTableLayout", kElement},
    {"WSK_PROVIDER_LISTEN_DISPATCH.NoDataFunctions", "DispatchTableLayout", kElement},
    {"WSK_PROVIDER_DATAGRAM_DISPATCH.Layout", "DispatchTableLayout", kElement},
    {"WSK_PROVIDER_CONNECTION_DISPATCH.Layout", "DispatchTableLayout", kElement},
    {"WSK_PROVIDER_STREAM_DISPATCH.Layout", "DispatchTableLayout", kElement},
};

// Registration (registration.xml).
const CaseRecipe kRegistrationCore[] = {
    {"WskRegister.ClientNpiNotRetained", "ClientNpiNotRetained", kOnce},
    {"WskCaptureProviderNPI.FiniteTimeoutBounded", "CaptureFiniteTimeoutReady", kOnce},
    {"WSK_REGISTRATION.Layout", "RegistrationBlockSuffices", kOnce},
    {"WSK_NO_WAIT.ReturnsImmediately", "CaptureNoWaitReturnsAtOnce", kOnce},
    {"Registration.DeregisterWaitsForProviderCalls", "DeregisterWaitsForPendingIrp",
     kOnce},
};

constexpr auto kListed = CaseVariants::kListedCategories;
constexpr std::string_view kConnected = "connection stream";

// IRPs, IRQL, pool and MDLs (irp.xml).
const CaseRecipe kIrpCore[] = {
    {"Irp.CompletionContract.NoAccessAfterCompletion", "IrpUntouchedAfterCompletion",
     kListed, kConnected},
    {"Irp.CompletionContract.MarkPendingBeforeReturningPending", "PendingReturnedMarked",
     kListed, kConnected},
    {"Irp.CompletionContract.ForwardedIrpCompletesUpward", "ForwardedIrpCompletes",
     kListed, "datagram stream"},
    {"Irp.Information.ControlSocketOutputBytes", "ControlSocketInformationIsOutputBytes",
     kListed, "datagram connection stream"},
    {"Irql.DispatchLevelFunctionsAccepted", "CallsAtDispatchLevel", kListed,
     "datagram connection stream"},
    {"Irql.CallbacksAtOrBelowDispatch", "CompletionIrqlAtMostDispatch", kListed,
     kConnected},
    {"Irql.ReturnsAtCallerIrql", "ReturnsAtCallerIrql", kListed, kConnected},
    {"Pool.ProviderOwnsSocketObject", "ProviderOwnsSocketObjects", kListed,
     "basic listen datagram connection stream"},
    {"Mdl.ProviderLeavesClientMdlsAlone", "MdlChainUntouched", kListed, kConnected},
    {"Mdl.ProviderHandlesMappingFailure", "UnmappableMdlFails", kListed, kConnected},
};

// Buffers, receive flags and indications (buffers.xml), the stream table's
// commitment and the tables' WskRelease (dispatch.xml).
const CaseRecipe kBuffersCore[] = {
    {"WSK_BUF.OffsetIgnoredWhenMdlNull", "SendNullMdlAnyOffset", kListed, kConnected},
    {"WSK_BUF.IndicationLengthIsReceivedBytes", "DataIndicationList", kListed,
     kConnected},
    {"WSK_BUF_LIST.NextNullEndsList", "SendMessagesListEnds", kFamilies},
    {"WSK_DATA_INDICATION.NextNullEndsList", "DataIndicationList", kListed, kConnected},
    {"WSK_DATA_INDICATION.PassedToReceiveEvent", "DataIndicationList", kListed,
     kConnected},
    {"WSK_DATA_INDICATION.LengthsSumToBytesIndicated", "DataIndicationList", kListed,
     kConnected},
    {"WSK_DATAGRAM_INDICATION.OneDatagramPerEntry", "DatagramIndicationList", kListed,
     "datagram"},
    {"WSK_DATAGRAM_INDICATION.NoControlInfoIsNullAndZero", "DatagramIndicationList",
     kListed, "datagram"},
    {"WSK_DATAGRAM_INDICATION.RemoteAddressIsSender", "DatagramIndicationList", kListed,
     "datagram"},
    {"WSK_DATAGRAM_INDICATION.PassedToReceiveFromEvent", "DatagramIndicationList",
     kListed, "datagram"},
    {"WSK_INSPECT_ID.UniquePerRequest", "InspectIdsUnique", kListed, "listen"},
    {"WSK_INSPECT_ID.AbortCarriesSameContents", "InspectAbortSameId", kListed, "listen"},
    {"WskInspectReject.DropsRequest", "InspectRejectDrops", kListed, "listen"},
    {"WskInspectAccept.ContinuesConnection", "InspectAcceptContinues", kListed, "listen"},
    {"WskInspectMax.NotAnAction", "InspectMaxRejected", kListed, "listen"},
    {"WSK_FLAG_WAITALL.CompletionEvents", "WaitAllCompletionEvents", kListed, kConnected},
    {"WSK_FLAG_DRAIN.NothingCopied", "DrainDiscards", kListed, kConnected},
    {"WSK_FLAG_ABORTIVE.ReportsPeerAbort", "DisconnectEventFlagBothWays", kListed,
     kConnected},
    {"WSK_PROVIDER_DATAGRAM_DISPATCH.ReleaseIsDatagramVariant",
     "RetainedIndicationReleased", kElement},
    {"WSK_PROVIDER_STREAM_DISPATCH.ReleaseIsDataVariant", "RetainedIndicationReleased",
     kElement},
    {"WSK_PROVIDER_STREAM_DISPATCH.CommitsOnFirstUse", "StreamCommitsOnFirstUse",
     kElement},
};

// Client-level functions and control codes (client-level.xml).
const CaseRecipe kClientLevel[] = {
    {"WskSocket.NullSecurityDescriptorNoSharing", "SpecificBindAfterWildcardDenied",
     kListed, "datagram listen"},
    {"WskSocketConnect.DeliversConnectedSocket", "SocketConnectDelivers", kFamilies},
    {"WskSocketConnect.FamilyFromLocalAddress", "SocketConnectDelivers", kFamilies},
    {"WskSocketConnect.NullContextAndDispatchAccepted", "SocketConnectDelivers",
     kFamilies},
    {"WskSocketConnect.ConnectFailureFailsCall", "SocketConnectRefused", kFamilies},
    {"WskControlClient.BufferOverflowReportsSize", "TransportListSizeProbe", kOnce},
    {"WskControlClient.OutputSizeReturnedIsSizeT", "TransportListFill", kOnce},
    {"WskControlClient.CompletesInlineWithoutIrp", "ControlClientNoPendingWithoutIrp",
     kOnce},
    {"WskControlClient.UnknownCodeFails", "ControlClientUnknownCode", kOnce},
    {"WskGetAddressInfo.NumericHost", "ResolveNumericHost", kFamilies},
    {"WskGetAddressInfo.NumericServicePort", "ResolveNumericHost", kFamilies},
    {"WskGetAddressInfo.UnresolvableName", "ResolveUnresolvable", kOnce},
    {"WskGetAddressInfo.ThreadNeedsProcess", "ResolveThreadWithoutProcess", kOnce},
    {"WskGetAddressInfo.HintsFilterFamily", "ResolveHintsFilterFamily", kFamilies},
    {"WskFreeAddressInfo.FreesWholeList", "FreeAddressInfoWholeList", kOnce},
    {"WskGetNameInfo.NumericHost", "NameInfoNumeric", kFamilies},
    {"WskGetNameInfo.NumericService", "NameInfoNumeric", kFamilies},
    {"WskGetNameInfo.BothOutputsNullInvalid", "NameInfoOutputs", kOnce},
    {"WskGetNameInfo.NullOutputNotWanted", "NameInfoOutputs", kOnce},
    {"WskGetNameInfo.NameRequiredFails", "NameInfoNameRequired", kOnce},
    {"WskGetNameInfo.ThreadNeedsProcess", "ResolveThreadWithoutProcess", kOnce},
    {"Irp.Information.NameResolution", "NameResolutionStatusTells", kOnce},
    {"WSK_TRANSPORT_LIST_QUERY.SizeProbe", "TransportListSizeProbe", kOnce},
    {"WSK_TRANSPORT_LIST_QUERY.FillsList", "TransportListFill", kOnce},
    {"WSK_TRANSPORT_LIST_QUERY.IncludesTcpAndUdp", "TransportListHasTcpUdp", kOnce},
    {"WSK_TRANSPORT_LIST_CHANGE.PendsUntilChange", "TransportListChangePends", kOnce},
    {"WSK_TRANSPORT_LIST_CHANGE.CancelledByDeregister",
     "TransportListChangeCancelledByDeregister", kOnce},
    {"WSK_TRANSPORT_LIST_CHANGE.NullIrpFails", "TransportListChangeNullIrp", kOnce},
    {"WSK_CACHE_SD.ReturnsCachedCopy", "CacheAndReleaseSd", kOnce},
    {"WSK_CACHE_SD.UsableAtCreation", "CachedSdAtCreation", kListed,
     "datagram connection"},
    {"WSK_RELEASE_SD.ReleasesCachedCopy", "CacheAndReleaseSd", kOnce},
    {"WSK_TDI_DEVICENAME_MAPPING.NativeTransportWins", "TdiMappingKeepsNativeTransport",
     kOnce},
    {"WSK_TDI_DEVICENAME_MAPPING.MayBeUnsupported", "TdiMappingKeepsNativeTransport",
     kOnce},
    {"WSK_SET_STATIC_EVENT_CALLBACKS.MixedCategoryMaskAccepted",
     "StaticCallbacksMixedMask", kOnce},
    {"WSK_SET_STATIC_EVENT_CALLBACKS.AppliesToNewSockets",
     "StaticCallbacksApplyToNewSockets", kListed, kConnected},
    {"WSK_SET_STATIC_EVENT_CALLBACKS.StaticEventsFixed", "StaticEventsFixed", kListed,
     kConnected},
    {"WskControlClient.BeforeSocketCodesAfterSocketFail", "BeforeSocketCodesLate",
     kOnce},
    {"WSK_TRANSPORT.ValuesCreateSockets", "TransportValuesCreateSockets", kOnce},
    {"WSK_TRANSPORT.Layout", "TransportListFill", kOnce},
    {"WSK_TRANSPORT.ProviderMayRepeat", "TransportValuesCreateSockets", kOnce},
    {"WSK_FLAG_BASIC_SOCKET.OptionsAndIoctlsOnly", "BasicSocketControlOnly", kFamilies},
    {"WSK_TDI_BEHAVIOR_BYPASS_TDI.NativeTransportUsed", "TdiBehaviorBypass", kOnce},
};

template <size_t N>
void Append(std::vector<CaseRecipe>& all, const CaseRecipe (&part)[N]) {
  all.insert(all.end(), part, part + N);
}

}  // namespace

std::vector<CaseRecipe> CoreCaseRecipes() {
  std::vector<CaseRecipe> all;
  Append(all, kStatusValues);
  Append(all, kValues);
  Append(all, kLayouts);
  Append(all, kRegistrationCore);
  Append(all, kIrpCore);
  Append(all, kBuffersCore);
  Append(all, kClientLevel);
  return all;
}

}  // namespace wskconf::conformance
