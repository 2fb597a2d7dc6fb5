// What the provider sees of a client's mistakes at the WSK boundary. Each
// check reports a kernel verifier finding (kernel/include/wskconf/
// verifier_rules.h; clauses ClientCall.* in spec/irp.xml) and says whether
// the mistake happened; the caller still returns the documented status.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_CHECKS_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_CHECKS_H_

#include <wsk.h>

#include "internal/socket.h"

namespace wskconf::reference::internal {

// True, with ClientCall.IrpMissing reported, when `irp` is NULL in a call
// of `routine` (a WSK function that always takes an IRP).
bool IrpMissing(PIRP irp, const char* routine);

// True, with ClientCall.ReservedFlagsNotZero reported, when a reserved
// Flags argument of `routine` is not zero.
bool ReservedFlagsSet(ULONG flags, const char* routine, const void* object);

// True, with ClientCall.AddressFamilyMismatch reported, when `address` is
// not NULL and its family is not `family` (the socket's, or that of the
// other address of the same call).
bool FamilyMismatch(const SOCKADDR* address, ADDRESS_FAMILY family,
                    const char* routine, const void* object);

// The IRP rule of the option or IOCTL a WskControlSocket request names (its
// spec element's irp attribute): ClientCall.IrpMissing when it requires an
// IRP and got none, ClientCall.IrpNotAllowed when it takes none and got one.
// Requests the documentation gives no rule for are not checked.
void CheckControlSocketIrp(WSK_CONTROL_SOCKET_TYPE type, ULONG level,
                           ULONG code, const void* input, SIZE_T input_size,
                           PIRP irp);

// Reports ClientCall.WrongSocketState: `routine` was called on `socket`
// while it is in a state the function is not for (`why` says which).
void ReportWrongState(const void* socket, const char* routine, const char* why);

// ClientCall.WrongSocketState when the option or IOCTL of a WskControlSocket
// request is used on a socket category it is not for, or in a state its
// page rules out (setting before bind, querying before connect, ...).
// Takes s->mu.
void CheckControlSocketTarget(Socket* s, WSK_CONTROL_SOCKET_TYPE type,
                              ULONG level, ULONG code);

// The same for a WskControlClient code.
void CheckControlClientIrp(ULONG code, PIRP irp);

// Irql.PassiveOnlyCallAtRaisedIrql when an IOCTL that is issued only at
// PASSIVE_LEVEL (the address-list codes, SIO_LOOPBACK_FAST_PATH and the WFP
// redirect codes) comes at a raised IRQL.
void CheckControlSocketIrql(WSK_CONTROL_SOCKET_TYPE type, ULONG code);

// ClientCall.CallbackReturnInvalid when an event callback returned anything
// but STATUS_SUCCESS (or, where `may_refuse`, STATUS_REQUEST_NOT_ACCEPTED,
// as WskAcceptEvent may).
void CheckCallbackReturn(const char* callback, NTSTATUS status, bool may_refuse,
                         const void* socket);

// ClientCall.InvalidRequest: `object` (a socket, client or NULL) was given
// argument values, or called at a time, its page rules out; printf-style.
void ReportInvalidRequest(const void* object, const char* format, ...)
    __attribute__((format(printf, 2, 3)));

// The argument rules of a WskControlSocket request (spec/socket-basic.xml,
// options.xml, ioctls.xml): Level 0 for IOCTLs, NULL buffers with size 0,
// OutputSizeReturned only without an IRP, the ULONG options' sizes,
// SO_WSK_EVENT_CALLBACK's structure (set only, one event per disable, the
// WSK NPI). Reported under ClientCall.InvalidRequest; nothing else changes.
void CheckControlSocketArgs(const void* socket, WSK_CONTROL_SOCKET_TYPE type,
                            ULONG level, ULONG code, SIZE_T input_size,
                            const void* input, SIZE_T output_size,
                            const void* output, const SIZE_T* output_size_returned,
                            PIRP irp);

// The buffer rules WskControlClient shares (NullBuffersForNoData,
// OutputSizeReturnedOnlyWhenNeeded).
void CheckControlClientArgs(const void* client, SIZE_T input_size, const void* input,
                            SIZE_T output_size, const void* output,
                            const SIZE_T* output_size_returned, PIRP irp);

// ClientCall.ReleaseNotRetained: `routine` was given an indication (`entry`)
// the client did not retain on `socket`, or already released.
void ReportNotRetained(const char* routine, const void* socket, const void* entry);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_CHECKS_H_
