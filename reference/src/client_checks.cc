// Client mistakes the provider can see at its entry points, reported to the
// kernel verifier under the ClientCall.* rules (spec/irp.xml). The IRP rules
// of options, IOCTLs and control codes are those of their spec elements
// (spec/options.xml, spec/ioctls.xml, spec/client-level.xml).
#include "internal/client_checks.h"

#include <wskconf/verifier.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace wskconf::reference::internal {
namespace {

// kRoutine: an IRP with a completion routine set (IoSetCompletionRoutine).
enum class IrpRule { kRequired, kRoutine, kNone };

struct ControlIrpRule {
  WSK_CONTROL_SOCKET_TYPE type;
  ULONG code;
  IrpRule rule;
  const char* name;
};

// Options are looked up at SOL_SOCKET; IOCTLs at any level. SO_WSK_EVENT_CALLBACK
// is handled apart: enabling takes no IRP, disabling may take one.
constexpr ControlIrpRule kControlRules[] = {
#define WSKCONF_OPTION_(code) \
  {WskSetOption, static_cast<ULONG>(code), IrpRule::kRequired, "set " #code}, \
  {WskGetOption, static_cast<ULONG>(code), IrpRule::kRequired, "get " #code}
    WSKCONF_OPTION_(WS_SO_BROADCAST),
    WSKCONF_OPTION_(WS_SO_CONDITIONAL_ACCEPT),
    WSKCONF_OPTION_(WS_SO_EXCLUSIVEADDRUSE),
    WSKCONF_OPTION_(WS_SO_KEEPALIVE),
    WSKCONF_OPTION_(WS_SO_RCVBUF),
    WSKCONF_OPTION_(WS_SO_REUSEADDR),
    WSKCONF_OPTION_(SO_WSK_SECURITY),
#undef WSKCONF_OPTION_
    {WskIoctl, WS_SIO_ADDRESS_LIST_QUERY, IrpRule::kNone, "SIO_ADDRESS_LIST_QUERY"},
    {WskIoctl, WS_SIO_ADDRESS_LIST_CHANGE, IrpRule::kRequired, "SIO_ADDRESS_LIST_CHANGE"},
    {WskIoctl, WS_SIO_LOOPBACK_FAST_PATH, IrpRule::kRoutine, "SIO_LOOPBACK_FAST_PATH"},
    {WskIoctl, WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS, IrpRule::kRoutine,
     "SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS"},
    {WskIoctl, WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT, IrpRule::kRoutine,
     "SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT"},
    {WskIoctl, WS_SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS, IrpRule::kRoutine,
     "SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS"},
    {WskIoctl, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, IrpRule::kRequired,
     "SIO_WSK_QUERY_IDEAL_SEND_BACKLOG"},
    {WskIoctl, SIO_WSK_QUERY_INSPECT_ID, IrpRule::kNone, "SIO_WSK_QUERY_INSPECT_ID"},
    {WskIoctl, SIO_WSK_QUERY_RECEIVE_BACKLOG, IrpRule::kRequired,
     "SIO_WSK_QUERY_RECEIVE_BACKLOG"},
    {WskIoctl, SIO_WSK_REGISTER_EXTENSION, IrpRule::kNone, "SIO_WSK_REGISTER_EXTENSION"},
    {WskIoctl, SIO_WSK_SET_REMOTE_ADDRESS, IrpRule::kRequired, "SIO_WSK_SET_REMOTE_ADDRESS"},
    {WskIoctl, SIO_WSK_SET_SENDTO_ADDRESS, IrpRule::kRequired, "SIO_WSK_SET_SENDTO_ADDRESS"},
    {WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, IrpRule::kRequired,
     "SIO_WSK_SET_TCP_SILENT_MODE"},
};

struct ClientCodeRule {
  ULONG code;
  IrpRule rule;
  const char* name;
};

constexpr ClientCodeRule kClientCodeRules[] = {
    {WSK_TRANSPORT_LIST_QUERY, IrpRule::kNone, "WSK_TRANSPORT_LIST_QUERY"},
    {WSK_TRANSPORT_LIST_CHANGE, IrpRule::kRequired, "WSK_TRANSPORT_LIST_CHANGE"},
    {WSK_CACHE_SD, IrpRule::kNone, "WSK_CACHE_SD"},
    {WSK_RELEASE_SD, IrpRule::kNone, "WSK_RELEASE_SD"},
    {WSK_TDI_DEVICENAME_MAPPING, IrpRule::kNone, "WSK_TDI_DEVICENAME_MAPPING"},
    {WSK_SET_STATIC_EVENT_CALLBACKS, IrpRule::kNone, "WSK_SET_STATIC_EVENT_CALLBACKS"},
    {WSK_TDI_BEHAVIOR, IrpRule::kNone, "WSK_TDI_BEHAVIOR"},
};

// Which sockets an option or IOCTL is for (spec/options.xml, spec/ioctls.xml:
// categories, and the *.SetBeforeBind / *.AfterBind / *.AfterConnect
// clauses). A stream socket counts as both listening and connection-oriented.
enum CategoryBits : unsigned {
  kBasicBit = 1, kListenBit = 2, kConnectionBit = 4, kDatagramBit = 8,
  kNotBasic = kListenBit | kConnectionBit | kDatagramBit,
};

unsigned CategoryBit(Category category) {
  switch (category) {
    case Category::kBasic: return kBasicBit;
    case Category::kListen: return kListenBit;
    case Category::kConnection: return kConnectionBit;
    case Category::kStream: return kListenBit | kConnectionBit;
    case Category::kDatagram: return kDatagramBit;
  }
  return 0;
}

enum class StateRule { kAny, kUnbound, kBound, kConnected };

bool StateAllowed(StateRule rule, State state) {
  switch (rule) {
    case StateRule::kAny: return true;
    case StateRule::kUnbound: return state == State::kUnbound;
    case StateRule::kBound: return state != State::kUnbound;
    case StateRule::kConnected: return state == State::kConnected;
  }
  return true;
}

const char* StateRuleText(StateRule rule) {
  switch (rule) {
    case StateRule::kAny: break;
    case StateRule::kUnbound: return "is set only before the socket is bound";
    case StateRule::kBound: return "is used only after the socket is bound";
    case StateRule::kConnected: return "is used only on a connected socket";
  }
  return "";
}

struct TargetRule {
  WSK_CONTROL_SOCKET_TYPE type;  // WskSetOption with kAny: set and get
  ULONG code;
  unsigned categories;
  StateRule state;
  const char* name;
};

constexpr TargetRule kTargetRules[] = {
    {WskSetOption, static_cast<ULONG>(WS_SO_BROADCAST), kDatagramBit, StateRule::kAny,
     "SO_BROADCAST"},
    {WskSetOption, static_cast<ULONG>(WS_SO_KEEPALIVE), kListenBit | kConnectionBit,
     StateRule::kAny, "SO_KEEPALIVE"},
    {WskSetOption, static_cast<ULONG>(WS_SO_RCVBUF), kNotBasic, StateRule::kAny,
     "SO_RCVBUF"},
    {WskGetOption, static_cast<ULONG>(WS_SO_CONDITIONAL_ACCEPT), kListenBit,
     StateRule::kAny, "SO_CONDITIONAL_ACCEPT"},
    {WskSetOption, static_cast<ULONG>(WS_SO_CONDITIONAL_ACCEPT), kListenBit,
     StateRule::kUnbound, "setting SO_CONDITIONAL_ACCEPT"},
    {WskGetOption, static_cast<ULONG>(WS_SO_EXCLUSIVEADDRUSE), kNotBasic,
     StateRule::kAny, "SO_EXCLUSIVEADDRUSE"},
    {WskSetOption, static_cast<ULONG>(WS_SO_EXCLUSIVEADDRUSE), kNotBasic,
     StateRule::kUnbound, "setting SO_EXCLUSIVEADDRUSE"},
    {WskGetOption, static_cast<ULONG>(WS_SO_REUSEADDR), kNotBasic, StateRule::kAny,
     "SO_REUSEADDR"},
    {WskSetOption, static_cast<ULONG>(WS_SO_REUSEADDR), kNotBasic, StateRule::kUnbound,
     "setting SO_REUSEADDR"},
    {WskGetOption, SO_WSK_SECURITY, kNotBasic, StateRule::kAny, "SO_WSK_SECURITY"},
    {WskSetOption, SO_WSK_SECURITY, kNotBasic, StateRule::kUnbound,
     "setting SO_WSK_SECURITY"},
    {WskIoctl, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, kConnectionBit, StateRule::kConnected,
     "SIO_WSK_QUERY_IDEAL_SEND_BACKLOG"},
    {WskIoctl, SIO_WSK_QUERY_RECEIVE_BACKLOG, kConnectionBit, StateRule::kConnected,
     "SIO_WSK_QUERY_RECEIVE_BACKLOG"},
    {WskIoctl, SIO_WSK_SET_REMOTE_ADDRESS, kDatagramBit, StateRule::kBound,
     "SIO_WSK_SET_REMOTE_ADDRESS"},
    {WskIoctl, SIO_WSK_SET_SENDTO_ADDRESS, kDatagramBit, StateRule::kBound,
     "SIO_WSK_SET_SENDTO_ADDRESS"},
    // SIO_LOOPBACK_FAST_PATH.TcpOnly, SIO_WSK_SET_TCP_SILENT_MODE.ConnectedTcpOnly
    {WskIoctl, static_cast<ULONG>(WS_SIO_LOOPBACK_FAST_PATH), kListenBit | kConnectionBit,
     StateRule::kAny, "SIO_LOOPBACK_FAST_PATH"},
    // (its state rules are checked where silent mode is set: silent_mode.cc)
    {WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, kConnectionBit, StateRule::kAny,
     "SIO_WSK_SET_TCP_SILENT_MODE"},
};

void CheckIrpRule(IrpRule rule, PIRP irp, const char* routine, const char* what) {
  if (rule != IrpRule::kNone && irp == nullptr) {
    WskconfReportViolation(WskconfRuleClientCallIrpMissing, nullptr,
                           "%s: %s requires an IRP; Irp is NULL", routine, what);
  } else if (rule == IrpRule::kRoutine && irp->CurrentLocation > 1 &&
             IoGetNextIrpStackLocation(irp)->CompletionRoutine == nullptr) {
    // ...IrpAndCompletionRequired: the location the provider is given holds
    // the sender's routine.
    WskconfReportViolation(WskconfRuleClientCallIrpMissing, nullptr,
                           "%s: %s requires an IRP with a completion routine "
                           "(IoSetCompletionRoutine); IRP %p has none",
                           routine, what, static_cast<void*>(irp));
  } else if (rule == IrpRule::kNone && irp != nullptr) {
    // Not reported against the IRP itself: the caller's IRP is still
    // completed normally, and the finding is about the call.
    WskconfReportViolation(WskconfRuleClientCallIrpNotAllowed, nullptr,
                           "%s: %s takes no IRP; Irp %p was given", routine,
                           what, static_cast<void*>(irp));
  }
}

}  // namespace

bool IrpMissing(PIRP irp, const char* routine) {
  if (irp != nullptr) return false;
  WskconfReportViolation(WskconfRuleClientCallIrpMissing, nullptr,
                         "%s requires an IRP; Irp is NULL", routine);
  return true;
}

bool ReservedFlagsSet(ULONG flags, const char* routine, const void* object) {
  if (flags == 0) return false;
  WskconfReportViolation(WskconfRuleClientCallReservedFlagsNotZero, object,
                         "%s: Flags is reserved and must be 0; it is 0x%lX",
                         routine, static_cast<unsigned long>(flags));
  return true;
}

bool FamilyMismatch(const SOCKADDR* address, ADDRESS_FAMILY family,
                    const char* routine, const void* object) {
  if (address == nullptr || address->sa_family == family) return false;
  WskconfReportViolation(WskconfRuleClientCallAddressFamilyMismatch, object,
                         "%s: the address has family %u where %u is expected",
                         routine, static_cast<unsigned>(address->sa_family),
                         static_cast<unsigned>(family));
  return true;
}

void CheckControlSocketIrp(WSK_CONTROL_SOCKET_TYPE type, ULONG level,
                           ULONG code, const void* input, SIZE_T input_size,
                           PIRP irp) {
  if (type != WskIoctl && level != WS_SOL_SOCKET) return;
  if (type == WskSetOption && code == SO_WSK_EVENT_CALLBACK) {
    // Enabling takes no IRP; disabling may take one (SO_WSK_EVENT_CALLBACK).
    if (input == nullptr || input_size < sizeof(WSK_EVENT_CALLBACK_CONTROL)) return;
    const auto* control = static_cast<const WSK_EVENT_CALLBACK_CONTROL*>(input);
    if ((control->EventMask & WSK_EVENT_DISABLE) == 0) {
      CheckIrpRule(IrpRule::kNone, irp, "WskControlSocket",
                   "enabling callbacks with SO_WSK_EVENT_CALLBACK");
    }
    return;
  }
  for (const ControlIrpRule& entry : kControlRules) {
    if (entry.type == type && entry.code == code) {
      CheckIrpRule(entry.rule, irp, "WskControlSocket", entry.name);
      return;
    }
  }
}

void CheckCallbackReturn(const char* callback, NTSTATUS status, bool may_refuse,
                         const void* socket) {
  if (status == STATUS_SUCCESS) return;
  if (may_refuse && status == STATUS_REQUEST_NOT_ACCEPTED) return;
  WskconfReportViolation(WskconfRuleClientCallCallbackReturnInvalid, socket,
                         "%s returned 0x%08lX; %s", callback,
                         static_cast<unsigned long>(static_cast<ULONG>(status)),
                         may_refuse ? "only STATUS_SUCCESS or "
                                      "STATUS_REQUEST_NOT_ACCEPTED are allowed"
                                    : "it always returns STATUS_SUCCESS");
}

void ReportInvalidRequest(const void* object, const char* format, ...) {
  char text[200];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof(text), format, args);
  va_end(args);
  WskconfReportViolation(WskconfRuleClientCallInvalidRequest, object, "%s", text);
}

namespace {

// WskControlSocket.NoBufferMeansNullAndZero, WskControlClient.NullBuffersForNoData
// and their OutputSizeReturned rules.
void CheckBuffers(const void* object, const char* routine, SIZE_T input_size,
                  const void* input, SIZE_T output_size, const void* output,
                  const SIZE_T* output_size_returned, PIRP irp) {
  if ((input == nullptr) != (input_size == 0)) {
    ReportInvalidRequest(object, "%s: InputBuffer %p with InputSize %zu; no input is "
                         "NULL with 0", routine, input, static_cast<size_t>(input_size));
  }
  if ((output == nullptr) != (output_size == 0)) {
    ReportInvalidRequest(object, "%s: OutputBuffer %p with OutputSize %zu; no output "
                         "is NULL with 0", routine, output, static_cast<size_t>(output_size));
  }
  if (irp != nullptr && output_size_returned != nullptr) {
    ReportInvalidRequest(object, "%s: OutputSizeReturned is given with an IRP (the "
                         "IRP's IoStatus.Information reports the size)", routine);
  }
}

bool IsUlongOption(ULONG code) {
  switch (code) {
    case static_cast<ULONG>(WS_SO_BROADCAST):
    case static_cast<ULONG>(WS_SO_CONDITIONAL_ACCEPT):
    case static_cast<ULONG>(WS_SO_EXCLUSIVEADDRUSE):
    case static_cast<ULONG>(WS_SO_KEEPALIVE):
    case static_cast<ULONG>(WS_SO_RCVBUF):
    case static_cast<ULONG>(WS_SO_REUSEADDR):
      return true;
    default:
      return false;
  }
}

void CheckEventCallbackControl(const void* socket, WSK_CONTROL_SOCKET_TYPE type,
                               SIZE_T input_size, const void* input) {
  if (type != WskSetOption) {  // SO_WSK_EVENT_CALLBACK.SetOnly
    ReportInvalidRequest(socket, "WskControlSocket: SO_WSK_EVENT_CALLBACK is only set, "
                         "never read");
    return;
  }
  if (input_size != sizeof(WSK_EVENT_CALLBACK_CONTROL) || input == nullptr) {
    ReportInvalidRequest(socket, "WskControlSocket: SO_WSK_EVENT_CALLBACK takes "
                         "InputSize sizeof(WSK_EVENT_CALLBACK_CONTROL) (%zu); it is %zu",
                         sizeof(WSK_EVENT_CALLBACK_CONTROL), static_cast<size_t>(input_size));
    return;
  }
  const auto* control = static_cast<const WSK_EVENT_CALLBACK_CONTROL*>(input);
  if (control->NpiId == nullptr ||
      std::memcmp(control->NpiId, &NPI_WSK_INTERFACE_ID, sizeof(NPIID)) != 0) {
    ReportInvalidRequest(socket, "WskControlSocket: SO_WSK_EVENT_CALLBACK's NpiId is "
                         "not &NPI_WSK_INTERFACE_ID");
  }
  const ULONG events = control->EventMask & ~static_cast<ULONG>(WSK_EVENT_DISABLE);
  if ((control->EventMask & WSK_EVENT_DISABLE) && (events & (events - 1)) != 0) {
    ReportInvalidRequest(socket, "WskControlSocket: a disable names one event at a "
                         "time; EventMask is 0x%lX",
                         static_cast<unsigned long>(control->EventMask));
  }
}

}  // namespace

void CheckControlSocketArgs(const void* socket, WSK_CONTROL_SOCKET_TYPE type,
                            ULONG level, ULONG code, SIZE_T input_size,
                            const void* input, SIZE_T output_size,
                            const void* output, const SIZE_T* output_size_returned,
                            PIRP irp) {
  CheckBuffers(socket, "WskControlSocket", input_size, input, output_size, output,
               output_size_returned, irp);
  if (type == WskIoctl && level != 0) {  // Ioctls.LevelZero
    ReportInvalidRequest(socket, "WskControlSocket: IOCTL 0x%08lX is issued with Level "
                         "0; Level is %lu", static_cast<unsigned long>(code),
                         static_cast<unsigned long>(level));
  }
  if (type == WskIoctl || level != WS_SOL_SOCKET) return;
  if (code == SO_WSK_EVENT_CALLBACK) {
    CheckEventCallbackControl(socket, type, input_size, input);
  } else if (IsUlongOption(code)) {  // Options.UlongOptionValues
    const bool set = type == WskSetOption;
    if ((set ? input_size : output_size) != sizeof(ULONG) || (set ? output : input) ||
        (!set && output_size_returned != nullptr)) {
      ReportInvalidRequest(socket, "WskControlSocket: option 0x%lX is %s with one ULONG "
                           "and nothing else (%s %zu, %s buffer %p, OutputSizeReturned "
                           "%p)", static_cast<unsigned long>(code),
                           set ? "set" : "read", set ? "InputSize" : "OutputSize",
                           static_cast<size_t>(set ? input_size : output_size),
                           set ? "output" : "input", set ? output : input,
                           static_cast<const void*>(output_size_returned));
    }
  }
}

void CheckControlClientArgs(const void* client, SIZE_T input_size, const void* input,
                            SIZE_T output_size, const void* output,
                            const SIZE_T* output_size_returned, PIRP irp) {
  CheckBuffers(client, "WskControlClient", input_size, input, output_size, output,
               output_size_returned, irp);
}

void ReportNotRetained(const char* routine, const void* socket, const void* entry) {
  WskconfReportViolation(WskconfRuleClientCallReleaseNotRetained, socket,
                         "%s: indication %p was not retained on this socket "
                         "(never returned STATUS_PENDING for it, or already "
                         "released)",
                         routine, entry);
}

void ReportWrongState(const void* socket, const char* routine, const char* why) {
  WskconfReportViolation(WskconfRuleClientCallWrongSocketState, socket, "%s: %s",
                         routine, why);
}

void CheckControlSocketTarget(Socket* s, WSK_CONTROL_SOCKET_TYPE type,
                              ULONG level, ULONG code) {
  if (s == nullptr || (type != WskIoctl && level != WS_SOL_SOCKET)) return;
  for (const TargetRule& rule : kTargetRules) {
    if ((rule.type != type && !(rule.type == WskSetOption && type == WskGetOption &&
                                rule.state == StateRule::kAny)) ||
        rule.code != code) {
      continue;
    }
    State state;
    {
      std::lock_guard<std::mutex> lock(s->mu);
      state = s->state;
    }
    const char* why = nullptr;
    if ((rule.categories & CategoryBit(s->category)) == 0) {
      why = "is not for this socket category";
    } else if (!StateAllowed(rule.state, state)) {
      why = StateRuleText(rule.state);
    }
    if (why != nullptr) {
      WskconfReportViolation(WskconfRuleClientCallWrongSocketState, s,
                             "WskControlSocket: %s %s", rule.name, why);
    }
    return;
  }
}

void CheckControlSocketIrql(WSK_CONTROL_SOCKET_TYPE type, ULONG code) {
  static constexpr ULONG kPassiveOnly[] = {
      static_cast<ULONG>(WS_SIO_ADDRESS_LIST_QUERY),
      static_cast<ULONG>(WS_SIO_ADDRESS_LIST_CHANGE),
      static_cast<ULONG>(WS_SIO_ADDRESS_LIST_SORT),
      static_cast<ULONG>(WS_SIO_LOOPBACK_FAST_PATH),
      static_cast<ULONG>(WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS),
      static_cast<ULONG>(WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT),
      static_cast<ULONG>(WS_SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS)};
  if (type != WskIoctl || KeGetCurrentIrql() == PASSIVE_LEVEL) return;
  for (ULONG passive_only : kPassiveOnly) {
    if (code != passive_only) continue;
    WskconfReportViolation(WskconfRuleIrqlPassiveOnlyCall, nullptr,
                           "WskControlSocket: IOCTL 0x%08lX is issued only at "
                           "PASSIVE_LEVEL; IRQL is %u",
                           static_cast<unsigned long>(code),
                           static_cast<unsigned>(KeGetCurrentIrql()));
    return;
  }
}

void CheckControlClientIrp(ULONG code, PIRP irp) {
  for (const ClientCodeRule& entry : kClientCodeRules) {
    if (entry.code == code) {
      CheckIrpRule(entry.rule, irp, "WskControlClient", entry.name);
      return;
    }
  }
}

}  // namespace wskconf::reference::internal
