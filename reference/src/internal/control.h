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

// SO_WSK_SECURITY, set and get (socket_security.cc).
NTSTATUS SecurityOption(const ControlRequest& req, SIZE_T* output_bytes);
// Gives a socket being created the client's cached descriptor (nullptr:
// none, the default applies) and takes a reference on it; false when the
// descriptor is not one the client's cache holds. Caller holds no lock.
bool AdoptSecurityDescriptor(Socket* s, PSECURITY_DESCRIPTOR descriptor);
// Drops the socket's reference on its descriptor (FinishClose).
void DropSecurityDescriptor(Socket* s);

// SIO_WSK_SET_TCP_SILENT_MODE (silent_mode.cc).
NTSTATUS SetSilentMode(const ControlRequest& req, SIZE_T* output_bytes);

// SO_WSK_EVENT_CALLBACK (events_control.cc).
NTSTATUS SetEventCallbacks(const ControlRequest& req, SIZE_T* output_bytes);

// The row of a ULONG SOL_SOCKET option (control_options.cc) or of an IOCTL
// (control_ioctls.cc); nullptr when the code is not one of theirs.
const ControlEntry* FindOption(WSK_CONTROL_SOCKET_TYPE type, ULONG level, ULONG code);
const ControlEntry* FindIoctl(ULONG code);

// SIO_ADDRESS_LIST_QUERY and SIO_ADDRESS_LIST_CHANGE (address_list.cc).
// The query may return STATUS_BUFFER_OVERFLOW with *output_bytes the size
// the complete list needs.
NTSTATUS QueryAddressList(const ControlRequest& req, SIZE_T* output_bytes);
NTSTATUS WaitAddressListChange(const ControlRequest& req, SIZE_T* output_bytes);
// Closes the rtnetlink socket of a socket being closed (FinishClose).
void StopWatchingAddresses(Socket* s);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_CONTROL_H_
