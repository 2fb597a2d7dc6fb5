// The mutants' wrappers around the kernel runtime functions the reference
// imports: IRP completion (where most IRP, address and buffer faults act, on
// the notes wrap_dispatch.cc left), MDL freeing, cancel routines, stack
// locations, IRQL and pending marks.
#include <mutex>
#include <vector>

#include "internal/hooks.h"

namespace wskconf::mutants {

PDRIVER_CANCEL RealIoSetCancelRoutine(PIRP, PDRIVER_CANCEL) WSKCONF_REAL(IoSetCancelRoutine);
VOID RealIoFreeMdl(PMDL) WSKCONF_REAL(IoFreeMdl);
VOID RealIoSetNextIrpStackLocation(PIRP) WSKCONF_REAL(IoSetNextIrpStackLocation);
KIRQL RealKeRaiseIrqlToDpcLevel() WSKCONF_REAL(KeRaiseIrqlToDpcLevel);
VOID RealWskconfIoMarkIrpPending(PIRP) WSKCONF_REAL(WskconfIoMarkIrpPending);

namespace {

using F = Fault;

constexpr ADDRESS_FAMILY kHostAfInet6 = 10;  // Linux's AF_INET6, not Windows' 23

// IRPs held back by irp-completes-after-close until the close completes.
std::mutex g_deferred_mu;
std::vector<PIRP> g_deferred;

void SwapPort(PSOCKADDR address) {
  UCHAR* port = reinterpret_cast<UCHAR*>(address) + 2;
  const UCHAR high = port[0];
  port[0] = port[1];
  port[1] = high;
}

// Calls the client's receive callback of a connection-oriented socket as if
// data had gone (NULL indication), at DISPATCH_LEVEL.
void IndicateReceive(PWSK_SOCKET socket) {
  std::optional<ClientSide> client = ClientOf(socket);
  if (!client || client->dispatch == nullptr) return;
  const WSK_CLIENT_CONNECTION_DISPATCH* table = nullptr;
  if (client->flags & WSK_FLAG_CONNECTION_SOCKET) {
    table = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(client->dispatch);
  } else if (client->flags & WSK_FLAG_STREAM_SOCKET) {
    table = static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(client->dispatch)->Connect;
  }
  if (table == nullptr || table->WskReceiveEvent == nullptr) return;
  KIRQL old = RealKeRaiseIrqlToDpcLevel();
  table->WskReceiveEvent(client->context, WSK_FLAG_AT_DISPATCH_LEVEL, nullptr, 0, nullptr);
  KeLowerIrql(old);
}

// Enables the receive (or accept) callback of a socket the client just got.
void EnableEvents(PWSK_SOCKET socket, ULONG flags) {
  WSK_EVENT_CALLBACK_CONTROL control = {};
  control.NpiId = &NPI_WSK_INTERFACE_ID;
  control.EventMask = (flags & WSK_FLAG_LISTEN_SOCKET)     ? WSK_EVENT_ACCEPT
                      : (flags & WSK_FLAG_DATAGRAM_SOCKET) ? WSK_EVENT_RECEIVE_FROM
                                                           : WSK_EVENT_RECEIVE;
  RealControlSocket(socket, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET, sizeof(control),
                    &control, 0, nullptr, nullptr, nullptr);
}

// Faults on the IoStatus and outputs of a completing IRP. Returns false when
// the IRP must not be completed now (dropped or deferred).
bool Rewrite(PIRP irp, const IrpNote& note) {
  NTSTATUS& status = irp->IoStatus.Status;
  ULONG_PTR& information = irp->IoStatus.Information;
  const bool ok = NT_SUCCESS(status);
  if (!ok && RewritesFailureToSuccess(note.op, note.request)) status = STATUS_SUCCESS;
  switch (SelectedFault()) {
    case F::kBindSuccessCompletedFailure:
      if (note.op == Op::kBind && ok) status = STATUS_ACCESS_DENIED;
      break;
    case F::kAcceptNotCompletedOnClose:
      if (note.op == Op::kAccept && status == STATUS_CANCELLED) return false;
      break;
    case F::kCompletesAfterClose:
      if (note.op != Op::kClose && status == STATUS_CANCELLED) {
        std::lock_guard<std::mutex> lock(g_deferred_mu);
        g_deferred.push_back(irp);
        return false;
      }
      break;
    case F::kAcceptInformationIsListener:
      if (note.op == Op::kAccept && ok) information = reinterpret_cast<ULONG_PTR>(note.socket);
      break;
    case F::kReceiveFromInformationZero:
      if (note.op == Op::kReceiveFrom && ok) information = 0;
      break;
    case F::kSendInformationOffByOne:
      if (note.op == Op::kSend && ok) information += 1;
      break;
    case F::kSocketInformationZero:
      if (note.op == Op::kSocket && ok) information = 0;
      break;
    case F::kFailureInformationNonZero:
      if (note.op == Op::kReceive && !ok) information = 0x5a5a;
      break;
    case F::kCompletedWithStatusPending:
      if (note.op == Op::kListen) status = STATUS_PENDING;
      break;
    case F::kFailureDeliversSocket:
      if (note.op == Op::kSocket && !ok) {
        static WSK_SOCKET stale = {};
        information = reinterpret_cast<ULONG_PTR>(&stale);
      }
      break;
    case F::kReceiveInformationIsLength:
      if (note.op == Op::kReceive && ok) information = note.length;
      break;
    case F::kReceiveNeverCompletes:
      if (note.op == Op::kReceive && ok) return false;
      break;
    case F::kHostSockaddrIn6:
      if (note.op == Op::kGetLocal && ok && note.address != nullptr &&
          note.address->sa_family == AF_INET6) {
        note.address->sa_family = kHostAfInet6;
      }
      break;
    case F::kPortHostOrder:
      if (note.op == Op::kGetLocal && ok && note.address != nullptr) SwapPort(note.address);
      break;
    case F::kRemoteIpv4Reversed:
      if (note.op == Op::kGetRemote && ok && note.address != nullptr &&
          note.address->sa_family == AF_INET) {
        UCHAR* a = reinterpret_cast<UCHAR*>(note.address) + 4;
        std::swap(a[0], a[3]);
        std::swap(a[1], a[2]);
      }
      break;
    case F::kReceiveFromSenderPortZero:
      if (note.op == Op::kReceiveFrom && ok && note.address != nullptr) {
        UCHAR* port = reinterpret_cast<UCHAR*>(note.address) + 2;
        port[0] = port[1] = 0;
      }
      break;
    case F::kGetOptionInverted:
      if (note.op == Op::kControl && ok && note.request == WskGetOption &&
          note.output != nullptr && note.length >= sizeof(ULONG)) {
        *static_cast<ULONG*>(note.output) = !*static_cast<ULONG*>(note.output);
      }
      break;
    default:
      break;
  }
  return true;
}

}  // namespace

VOID WrapIofCompleteRequest(PIRP irp, CCHAR boost) WSKCONF_WRAP(IofCompleteRequest);
VOID WrapIofCompleteRequest(PIRP irp, CCHAR boost) {
  const std::optional<IrpNote> note = TakeNote(irp);
  if (!note) {
    RealIofCompleteRequest(irp, boost);
    return;
  }
  if ((note->op == Op::kSocket || note->op == Op::kAccept) &&
      NT_SUCCESS(irp->IoStatus.Status) && irp->IoStatus.Information != 0) {
    PWSK_SOCKET socket = reinterpret_cast<PWSK_SOCKET>(irp->IoStatus.Information);
    RememberClient(socket, {note->context, note->dispatch, note->flags, note->family});
    if (Active(F::kEventsEnabledOnNewSocket)) EnableEvents(socket, note->flags);
  }
  if (Active(F::kReceiveEventAfterClose) && note->op == Op::kClose) {
    IndicateReceive(note->socket);
  }
  if (!Rewrite(irp, *note)) return;
  if (Active(F::kBindCompletesTwice) && note->op == Op::kBind) {
    RealIofCompleteRequest(irp, boost);
  }
  if (Active(F::kCompletionAboveDispatch) && note->op == Op::kSend) {
    KIRQL old = KfRaiseIrql(HIGH_LEVEL);
    RealIofCompleteRequest(irp, boost);
    KeLowerIrql(old);
    return;
  }
  RealIofCompleteRequest(irp, boost);
  if (Active(F::kCompletesAfterClose) && note->op != Op::kClose) {
    // The held-back cancellations go out with the next completion after the
    // close, whenever that is.
    std::vector<PIRP> late;
    {
      std::lock_guard<std::mutex> lock(g_deferred_mu);
      late.swap(g_deferred);
    }
    for (PIRP pending : late) RealIofCompleteRequest(pending, boost);
  }
}

VOID WrapIoFreeMdl(PMDL mdl) WSKCONF_WRAP(IoFreeMdl);
VOID WrapIoFreeMdl(PMDL mdl) {
  if (Active(F::kLeaksMdl)) return;  // the fault: the MDL is never freed
  RealIoFreeMdl(mdl);
}

namespace {
// A cancel routine that does nothing but release the cancel lock: the IRP
// stays queued, uncancelled.
VOID IgnoreCancel(PDEVICE_OBJECT, PIRP irp) { IoReleaseCancelSpinLock(irp->CancelIrql); }
}  // namespace

PDRIVER_CANCEL WrapIoSetCancelRoutine(PIRP irp, PDRIVER_CANCEL routine)
    WSKCONF_WRAP(IoSetCancelRoutine);
PDRIVER_CANCEL WrapIoSetCancelRoutine(PIRP irp, PDRIVER_CANCEL routine) {
  if (Active(F::kCancelIgnored) && routine != nullptr) routine = IgnoreCancel;
  return RealIoSetCancelRoutine(irp, routine);
}

VOID WrapIoSetNextIrpStackLocation(PIRP irp) WSKCONF_WRAP(IoSetNextIrpStackLocation);
VOID WrapIoSetNextIrpStackLocation(PIRP irp) {
  if (Active(F::kStackLocationNotSetUp)) return;  // the fault: never taken
  RealIoSetNextIrpStackLocation(irp);
}

KIRQL WrapKeRaiseIrqlToDpcLevel() WSKCONF_WRAP(KeRaiseIrqlToDpcLevel);
KIRQL WrapKeRaiseIrqlToDpcLevel() {
  if (Active(F::kCallbackAtPassive)) return KeGetCurrentIrql();  // never raised
  return RealKeRaiseIrqlToDpcLevel();
}

VOID WrapWskconfIoMarkIrpPending(PIRP irp) WSKCONF_WRAP(WskconfIoMarkIrpPending);
VOID WrapWskconfIoMarkIrpPending(PIRP irp) {
  if (Active(F::kPendingWithoutMark)) return;  // the fault: never marked
  RealWskconfIoMarkIrpPending(irp);
}

}  // namespace wskconf::mutants
