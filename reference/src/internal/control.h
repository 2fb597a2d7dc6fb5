// WskControlSocket as a table of handlers, one per (request type, level,
// control code). Adding an option or IOCTL is adding a row (control_socket.cc).
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_CONTROL_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_CONTROL_H_

#include <wsk.h>

#include "internal/socket.h"

namespace wskconf::reference::internal {

// One WskControlSocket call as a handler sees it.
struct ControlRequest {
  Socket* socket;
  WSK_CONTROL_SOCKET_TYPE type;
  ULONG code;
  ULONG level;
  SIZE_T input_size;
  PVOID input;
  SIZE_T output_size;
  PVOID output;
  PIRP irp;  // taken by the dispatcher (holding the socket), or NULL
};

// A handler returns the final status and sets *output_bytes (what
// IoStatus.Information / *OutputSizeReturned report). It returns
// STATUS_PENDING only after queueing req.irp itself (cancelable, completed
// later with CompletePending); STATUS_EVENT_PENDING only when req.irp is NULL.
using ControlHandler = NTSTATUS (*)(const ControlRequest& req, SIZE_T* output_bytes);

struct ControlEntry {
  WSK_CONTROL_SOCKET_TYPE type;
  ULONG level;  // ignored for WskIoctl (WskControlSocket.LevelIgnoredForIoctl)
  ULONG code;
  ControlHandler handler;
};

// The WSK_EVENT_* flags a socket of `category` may enable
// (events_control.cc).
ULONG AllowedEvents(Category category);

// SO_CONDITIONAL_ACCEPT (set and get) and SIO_WSK_QUERY_INSPECT_ID
// (conditional_accept.cc).
NTSTATUS ConditionalAcceptOption(const ControlRequest& req, SIZE_T* output_bytes);
NTSTATUS QueryInspectId(const ControlRequest& req, SIZE_T* output_bytes);

// SO_WSK_EVENT_CALLBACK (events_control.cc).
NTSTATUS SetEventCallbacks(const ControlRequest& req, SIZE_T* output_bytes);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_CONTROL_H_
