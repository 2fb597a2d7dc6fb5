// SO_WSK_EVENT_CALLBACK: enabling and disabling event callbacks per socket.
// Enabling never waits; disabling while a callback runs waits for it to
// return (the IRP pends, or STATUS_EVENT_PENDING without one).
#include <cstring>

#include <wskconf/verifier.h>

#include "internal/client_checks.h"
#include "internal/control.h"
#include "internal/event_loop.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

// SO_WSK_EVENT_CALLBACK.ListenDatagramAfterBind and .ConnectionAfterConnect:
// a client mistake the provider tolerates (it enables the callbacks anyway).
// Caller holds s->mu.
void ReportIfTooEarly(const Socket* s) {
  const char* why = nullptr;
  if ((s->category == Category::kListen || s->category == Category::kDatagram) &&
      s->state == State::kUnbound) {
    why = "before the socket is bound";
  } else if (s->category == Category::kConnection && s->state != State::kConnected) {
    why = "before the socket is connected";
  }
  if (why != nullptr) {
    WskconfReportViolation(WskconfRuleClientCallWrongSocketState, s,
                           "WskControlSocket: SO_WSK_EVENT_CALLBACK used %s", why);
  }
}

bool IsWskNpi(const NPIID* id) {
  return id != nullptr && std::memcmp(id, &NPI_WSK_INTERFACE_ID, sizeof(NPIID)) == 0;
}

}  // namespace

// The events each category may enable (Events.BasicSocketsHaveNone; a
// listening socket may enable connection events for the sockets it hands
// over, Events.ListenerPropagatesToAcceptEventSockets).
ULONG AllowedEvents(Category category) {
  constexpr ULONG kConnectionEvents =
      WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT | WSK_EVENT_SEND_BACKLOG;
  switch (category) {
    case Category::kListen: return WSK_EVENT_ACCEPT | kConnectionEvents;
    case Category::kConnection: return kConnectionEvents;
    case Category::kStream: return WSK_EVENT_ACCEPT | kConnectionEvents;
    case Category::kDatagram: return WSK_EVENT_RECEIVE_FROM;
    case Category::kBasic: break;
  }
  return 0;
}

NTSTATUS SetEventCallbacks(const ControlRequest& req, SIZE_T* output_bytes) {
  *output_bytes = 0;
  if (req.type != WskSetOption) return STATUS_NOT_SUPPORTED;  // no get
  if (req.input == nullptr || req.input_size < sizeof(WSK_EVENT_CALLBACK_CONTROL)) {
    return STATUS_INVALID_PARAMETER;
  }
  const auto* control = static_cast<const WSK_EVENT_CALLBACK_CONTROL*>(req.input);
  if (!IsWskNpi(control->NpiId)) return STATUS_INVALID_PARAMETER;
  bool disable = (control->EventMask & WSK_EVENT_DISABLE) != 0;
  ULONG events = control->EventMask & ~static_cast<ULONG>(WSK_EVENT_DISABLE);
  Socket* s = req.socket;
  if (events == 0 || (events & ~AllowedEvents(s->category)) != 0) {
    if (events != 0) {  // SO_WSK_EVENT_CALLBACK.ValidFlagsPerCategory
      WskconfReportViolation(WskconfRuleClientCallWrongSocketState, s,
                             "WskControlSocket: SO_WSK_EVENT_CALLBACK event mask "
                             "0x%lX names events this socket category does not have",
                             static_cast<unsigned long>(events));
    }
    return STATUS_INVALID_PARAMETER;
  }
  std::unique_lock<std::mutex> lock(s->mu);
  ReportIfTooEarly(s);
  if (disable && s->category == Category::kListen &&
      (events & ~static_cast<ULONG>(WSK_EVENT_ACCEPT)) != 0) {
    // Events.ListenerConnectionEventsStay
    WskconfReportViolation(WskconfRuleClientCallWrongSocketState, s,
                           "WskControlSocket: connection callbacks enabled on a "
                           "listening socket stay enabled");
  }
  // WSK_SET_STATIC_EVENT_CALLBACKS.StaticEventsFixed: enabled for good.
  if (events & s->static_events) {
    ReportInvalidRequest(s, "WskControlSocket: events 0x%lX were enabled with "
                         "WSK_SET_STATIC_EVENT_CALLBACKS and cannot be toggled "
                         "(Events.StaticCannotBeToggled)",
                         static_cast<unsigned long>(events & s->static_events));
    return STATUS_INVALID_DEVICE_STATE;
  }
  if (!disable) {
    NTSTATUS watch = WatchLocked(s);  // callbacks follow readiness
    if (!NT_SUCCESS(watch)) return watch;
    if (events & WSK_EVENT_SEND_BACKLOG) s->reported_backlog = 0;
    s->event_mask |= events;
    lock.unlock();
    LoopPost(s, kLoopRescan);  // data or a connection may already be waiting
    return STATUS_SUCCESS;
  }
  s->event_mask &= ~events;
  // A callback disabling events from inside a callback cannot wait for
  // itself; otherwise wait for the running one (Events.NoCallAfterDisableCompletes).
  if (!s->callback_running || OnLoopThread()) return STATUS_SUCCESS;
  if (req.irp == nullptr) return STATUS_EVENT_PENDING;
  IrpOp(req.irp).set_kind(OpKind::kEventDisable);
  return QueueAndUnlock(s, s->disable_waiters, req.irp, lock);
}

}  // namespace wskconf::reference::internal
