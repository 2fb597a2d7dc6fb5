// WskControlClient: the seven client control codes. Only
// WSK_TRANSPORT_LIST_CHANGE takes an IRP (it waits for a change of the
// transport list); the others finish within the call. The security
// descriptor cache is security_cache.cc; name resolution is resolver.cc.
#include <wskconf/reference.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "internal/client_checks.h"
#include "internal/client_level.h"
#include "internal/completion.h"
#include "internal/registration.h"
#include "internal/transport_watch.h"

namespace wskconf::reference::internal {
namespace {

// The transports this provider offers: TCP and UDP over IPv4, and over IPv6
// while the host offers it (transport_watch.cc). The provider id is the reference's own GUID
// ("wskconf ref" in ASCII); Version is transport-specific, 1 here.
constexpr GUID kProviderId = {0x776b7363, 0x6f6e, 0x6600,
                              {0x20, 0x72, 0x65, 0x66, 0x00, 0x00, 0x00, 0x01}};
constexpr USHORT kTransportVersion = 1;

size_t ListTransports(WSK_TRANSPORT out[4]) {
  size_t n = 0;
  for (ADDRESS_FAMILY family : {WS_AF_INET, WS_AF_INET6}) {
    if (family == WS_AF_INET6 && !HostOffersIpv6()) continue;
    out[n++] = {kTransportVersion, WS_SOCK_STREAM, WS_IPPROTO_TCP, family, kProviderId};
    out[n++] = {kTransportVersion, WS_SOCK_DGRAM, WS_IPPROTO_UDP, family, kProviderId};
  }
  return n;
}

bool NoInput(SIZE_T size, PVOID buffer) { return size == 0 && buffer == nullptr; }
bool NoOutput(SIZE_T size, PVOID buffer, SIZE_T* returned) {
  return size == 0 && buffer == nullptr && returned == nullptr;
}

// WSK_TRANSPORT_LIST_QUERY: a probe with no buffer, or a buffer too small,
// reports the size needed (WSK_TRANSPORT_LIST_QUERY.SizeProbe,
// WskControlClient.BufferOverflowReportsSize).
NTSTATUS QueryTransports(SIZE_T input_size, PVOID input, SIZE_T output_size,
                         PVOID output, SIZE_T* returned) {
  if (!NoInput(input_size, input) || returned == nullptr ||
      (output == nullptr && output_size != 0)) {
    return STATUS_INVALID_PARAMETER;
  }
  WSK_TRANSPORT list[4];
  SIZE_T needed = ListTransports(list) * sizeof(WSK_TRANSPORT);
  *returned = needed;  // WskControlClient.OutputSizeReturnedIsSizeT
  if (output_size < needed) return STATUS_BUFFER_OVERFLOW;
  std::memcpy(output, list, needed);  // WSK_TRANSPORT_LIST_QUERY.FillsList
  return STATUS_SUCCESS;
}

// The codes a client may use only before its first socket
// (WSK_SET_STATIC_EVENT_CALLBACKS, the two TDI codes): `apply` runs under
// the settings lock, or the call fails with STATUS_INVALID_DEVICE_STATE
// (WskControlClient.BeforeSocketCodesAfterSocketFail).
template <typename Apply>
NTSTATUS BeforeAnySocket(Registration* r, Apply apply) {
  ClientSettings& settings = r->settings();
  std::lock_guard<std::mutex> lock(settings.mu);
  if (settings.socket_created) {
    // Events.StaticBeforeAnySocket, WSK_TDI_*.BeforeAnySocket
    ReportInvalidRequest(r, "WskControlClient: static event callbacks and TDI "
                         "settings are set before the client creates any socket");
    return STATUS_INVALID_DEVICE_STATE;
  }
  apply(settings);
  return STATUS_SUCCESS;
}

NTSTATUS SetStaticEvents(Registration* r, SIZE_T input_size, PVOID input) {
  constexpr ULONG kKnown = WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT |
                           WSK_EVENT_SEND_BACKLOG | WSK_EVENT_RECEIVE_FROM;
  if (input == nullptr || input_size != sizeof(WSK_EVENT_CALLBACK_CONTROL)) {
    // WSK_EVENT_CALLBACK_CONTROL.UsedBySetAndStatic
    ReportInvalidRequest(r, "WskControlClient: WSK_SET_STATIC_EVENT_CALLBACKS takes a "
                         "WSK_EVENT_CALLBACK_CONTROL (InputSize %zu); InputBuffer %p, "
                         "InputSize %zu", sizeof(WSK_EVENT_CALLBACK_CONTROL), input,
                         static_cast<size_t>(input_size));
    return STATUS_INVALID_PARAMETER;
  }
  const auto* control = static_cast<const WSK_EVENT_CALLBACK_CONTROL*>(input);
  if (control->NpiId == nullptr ||
      std::memcmp(control->NpiId, &NPI_WSK_INTERFACE_ID, sizeof(NPIID)) != 0) {
    return STATUS_INVALID_PARAMETER;
  }
  // Static callbacks are enabled for good: WSK_EVENT_DISABLE has no place
  // here. Flags of several categories may be combined
  // (WSK_SET_STATIC_EVENT_CALLBACKS.MixedCategoryMaskAccepted).
  ULONG mask = control->EventMask;
  if (mask == 0 || (mask & ~kKnown) != 0) return STATUS_INVALID_PARAMETER;
  return BeforeAnySocket(r, [mask](ClientSettings& s) { s.static_events = mask; });
}

NTSTATUS SetTdiBehavior(Registration* r, SIZE_T input_size, PVOID input) {
  if (input == nullptr || input_size != sizeof(ULONG)) return STATUS_INVALID_PARAMETER;
  ULONG flags = *static_cast<const ULONG*>(input);
  if ((flags & ~static_cast<ULONG>(WSK_TDI_BEHAVIOR_BYPASS_TDI)) != 0) {
    return STATUS_INVALID_PARAMETER;
  }
  return BeforeAnySocket(r, [flags](ClientSettings& s) { s.tdi_behavior = flags; });
}

// The host has no TDI transports, so a mapping is checked and recorded but
// never consulted: every combination WskSocket accepts has a native
// transport (WSK_TDI_DEVICENAME_MAPPING.NativeTransportWins).
NTSTATUS SetTdiMapping(Registration* r, SIZE_T input_size, PVOID input) {
  if (input == nullptr || input_size != sizeof(WSK_TDI_MAP_INFO)) {
    return STATUS_INVALID_PARAMETER;
  }
  const auto* info = static_cast<const WSK_TDI_MAP_INFO*>(input);
  if (info->ElementCount == 0 || info->Map == nullptr) return STATUS_INVALID_PARAMETER;
  for (ULONG i = 0; i < info->ElementCount; ++i) {
    if (info->Map[i].TdiDeviceName == nullptr) return STATUS_INVALID_PARAMETER;
  }
  return BeforeAnySocket(r, [](ClientSettings& s) { s.tdi_mapping_set = true; });
}

// The codes that take no IRP.
NTSTATUS RunImmediate(Registration* r, ULONG code, SIZE_T input_size, PVOID input,
                      SIZE_T output_size, PVOID output, SIZE_T* returned) {
  switch (code) {
    case WSK_TRANSPORT_LIST_QUERY:
      return QueryTransports(input_size, input, output_size, output, returned);
    case WSK_CACHE_SD:
      if (returned != nullptr) return STATUS_INVALID_PARAMETER;
      return CacheSecurityDescriptor(r, input_size, input, output_size, output);
    case WSK_RELEASE_SD:
      if (!NoOutput(output_size, output, returned)) return STATUS_INVALID_PARAMETER;
      return ReleaseSecurityDescriptor(r, input_size, input);
    case WSK_SET_STATIC_EVENT_CALLBACKS:
      if (!NoOutput(output_size, output, returned)) return STATUS_INVALID_PARAMETER;
      return SetStaticEvents(r, input_size, input);
    case WSK_TDI_DEVICENAME_MAPPING:
      if (!NoOutput(output_size, output, returned)) return STATUS_INVALID_PARAMETER;
      return SetTdiMapping(r, input_size, input);
    case WSK_TDI_BEHAVIOR:
      if (!NoOutput(output_size, output, returned)) return STATUS_INVALID_PARAMETER;
      return SetTdiBehavior(r, input_size, input);
    default:
      return STATUS_NOT_SUPPORTED;  // WskControlClient.UnknownCodeFails
  }
}

// ---- WSK_TRANSPORT_LIST_CHANGE: IRPs waiting for a change, every client's
// in one list; each remembers its registration (Argument1). ----
std::mutex g_waiters_mu;
IrpList g_waiters;

Registration*& WaiterRegistration(PIRP irp) {
  return reinterpret_cast<Registration*&>(
      IoGetCurrentIrpStackLocation(irp)->Parameters.Others.Argument1);
}

// Completes a waiter the caller claimed, then drops its registration object.
// The host watch ends with the last waiter.
void EndWait(PIRP irp, NTSTATUS status) {
  {
    std::lock_guard<std::mutex> lock(g_waiters_mu);
    if (g_waiters.empty()) StopTransportWatch();
  }
  Registration* r = WaiterRegistration(irp);
  CompletePending(irp, status, 0);
  r->RemoveObject();
}

VOID CancelTransportWait(PDEVICE_OBJECT, PIRP irp) {
  IoReleaseCancelSpinLock(irp->CancelIrql);
  {
    std::lock_guard<std::mutex> lock(g_waiters_mu);
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
  }
  EndWait(irp, STATUS_CANCELLED);
}

NTSTATUS WaitForTransportChange(Registration* r, bool no_buffers, PIRP irp) {
  // WSK_TRANSPORT_LIST_CHANGE.NullIrpFails: the change can only be reported
  // through the IRP.
  if (irp == nullptr) return STATUS_INVALID_PARAMETER;
  if (!TakeIrp(irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
  if (r == nullptr || !no_buffers) return Finish(irp, STATUS_INVALID_PARAMETER, 0);
  std::unique_lock<std::mutex> lock(g_waiters_mu);
  // Refused once WskDeregister began: it has already cancelled the waiters.
  if (!r->AddObjectUnlessDeregistering()) {
    lock.unlock();
    return Finish(irp, STATUS_DEVICE_NOT_READY, 0);
  }
  // WSK_TRANSPORT_LIST_CHANGE.CompletesOnChange: the host is watched while
  // an IRP waits.
  NTSTATUS watch = StartTransportWatch();
  if (!NT_SUCCESS(watch)) {
    lock.unlock();
    r->RemoveObject();
    return Finish(irp, watch, 0);
  }
  WaiterRegistration(irp) = r;
  // WSK_TRANSPORT_LIST_CHANGE.PendsUntilChange
  IoMarkIrpPending(irp);
  IoSetCancelRoutine(irp, &CancelTransportWait);
  if (irp->Cancel && IoSetCancelRoutine(irp, nullptr) != nullptr) {
    lock.unlock();
    EndWait(irp, STATUS_CANCELLED);
    return STATUS_PENDING;
  }
  g_waiters.PushBack(irp);
  return STATUS_PENDING;
}

// Claims the waiters of `r` (every one when r is nullptr) into `out`.
void ClaimWaiters(Registration* r, IrpList& out) {
  std::lock_guard<std::mutex> lock(g_waiters_mu);
  PLIST_ENTRY entry = g_waiters.head.Flink;
  while (entry != &g_waiters.head) {
    PLIST_ENTRY next = entry->Flink;
    PIRP irp = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
    if ((r == nullptr || WaiterRegistration(irp) == r) && ClaimQueued(irp)) {
      RemoveEntryList(entry);
      out.PushBack(irp);
    }
    entry = next;
  }
}

}  // namespace

void CancelTransportListWaiters(Registration* r) {
  IrpList claimed;
  ClaimWaiters(r, claimed);
  // WSK_TRANSPORT_LIST_CHANGE.CancelledByDeregister
  while (!claimed.empty()) EndWait(claimed.PopFront(), STATUS_CANCELLED);
}

void CompleteTransportListWaiters() {
  IrpList claimed;
  ClaimWaiters(nullptr, claimed);
  // WSK_TRANSPORT_LIST_CHANGE.CompletesOnChange
  while (!claimed.empty()) EndWait(claimed.PopFront(), STATUS_SUCCESS);
}

void OnTransportsReadable() {
  bool changed;
  {
    std::lock_guard<std::mutex> lock(g_waiters_mu);
    changed = TransportsChanged();
  }
  if (changed) CompleteTransportListWaiters();
}

NTSTATUS WSKAPI ControlClient(PWSK_CLIENT Client, ULONG ControlCode, SIZE_T InputSize,
                              PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer,
                              SIZE_T* OutputSizeReturned, PIRP Irp) {
  CheckControlClientIrp(ControlCode, Irp);
  CheckControlClientArgs(Client, InputSize, InputBuffer, OutputSize, OutputBuffer,
                         OutputSizeReturned, Irp);
  Registration* r = Registration::ForCall(Client, "WskControlClient");
  if (ControlCode == WSK_TRANSPORT_LIST_CHANGE) {
    bool no_buffers = NoInput(InputSize, InputBuffer) &&
                      NoOutput(OutputSize, OutputBuffer, OutputSizeReturned);
    return WaitForTransportChange(r, no_buffers, Irp);
  }
  NTSTATUS status = r == nullptr ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
  if (Irp != nullptr) {
    // Every other code is documented with Irp NULL
    // (WskControlClient.IrpRuleFollowsCode); an IRP given anyway is taken
    // and completed with the failure, so the caller sees it end.
    if (!TakeIrp(Irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status)) {
      bool known = ControlCode >= WSK_TRANSPORT_LIST_QUERY && ControlCode <= WSK_TDI_BEHAVIOR;
      status = known ? STATUS_INVALID_PARAMETER : STATUS_NOT_SUPPORTED;
    }
    return Finish(Irp, status, 0);
  }
  if (!NT_SUCCESS(status)) return status;
  // WskControlClient.CompletesInlineWithoutIrp
  return RunImmediate(r, ControlCode, InputSize, InputBuffer, OutputSize, OutputBuffer,
                      OutputSizeReturned);
}

}  // namespace wskconf::reference::internal

EXTERN_C_START

VOID WskconfReferenceTransportListChanged(VOID) {
  wskconf::reference::internal::CompleteTransportListWaiters();
}

EXTERN_C_END
